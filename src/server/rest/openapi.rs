//! The OpenAPI 3 document of /api/v1. Kept next to the handlers; the
//! integration tests send every documented example and check the status.

use crate::{
    domain::involvement::{EndReason, SignalKind},
    server::import::REQUIRED,
};
use axum::Json;
use serde_json::{json, Value};

pub async fn document() -> Json<Value> {
    Json(spec())
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

/// The document: what the paths take and give, and the schemas they name.
pub fn spec() -> Value {
    let errors = errors();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Zorgsignaal API voor instellingen",
            "version": "1.1.0",
            "description": "Registratiesystemen van instellingen registreren en beëindigen jeugdigen automatisch. Elke aanroep wordt gelogd (NEN 7513).\n\nBrekende wijziging in 1.1.0: een BSN dat al bekend is met een andere naam of geboortedatum wordt niet meer geweigerd (de code data_differs en het antwoord 409 daarvoor vervallen). De registratie of het signaal wordt vastgelegd; de afwijking gaat naar de regiobeheerder. Het veld confirmed wordt nog geaccepteerd maar genegeerd. Zo verschilt geen antwoord tussen een bekend en een onbekend BSN."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": with(registration_paths(&errors), signal_paths(&errors)),
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "description": "API-sleutel van de organisatie, aangemaakt door de regiobeheerder" } },
            "schemas": schemas()
        }
    })
}

/// The error answers every endpoint may give.
fn errors() -> Value {
    json!({
        "400": error_response("Geen geldige JSON"),
        "401": error_response("Geen of een ingetrokken API-sleutel"),
        "403": error_response("De organisatie mag dit niet"),
        "413": error_response("Groter dan 10 MB"),
        "415": error_response("Verkeerd Content-Type"),
        "422": error_response("Velden kloppen niet"),
        "429": error_response("Te veel verzoeken met deze sleutel; zie de kop Retry-After")
    })
}

/// `base` with the members of `extra` added.
fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

/// The lists the endpoints accept come from the domain, so the document
/// cannot drift from them.
fn reasons(list: &[EndReason]) -> Vec<&'static str> {
    list.iter().map(|r| r.as_str()).collect()
}

fn registration_paths(errors: &Value) -> Value {
    let registration_reasons = reasons(&EndReason::FOR_REGISTRATION);
    json!({
        "/api/v1/registrations": {
            "post": {
                "summary": "Ketenregistratie vastleggen",
                "operationId": "createRegistration",
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/NewRegistration" },
                    "example": { "bsn": "123456782", "given_names": "Jan", "prefix": "de", "family_name": "Vries", "birth_date": "2014-03-31", "municipality_code": "GM0014", "professional_email": "anna@ggd.example", "external_ref": "DOSSIER-1" }
                } } },
                "responses": with(json!({
                    "201": { "description": "Nieuw vastgelegd", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Registration" } } } },
                    "200": { "description": "Deze external_ref was al vastgelegd; dezelfde registratie", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Registration" } } } },
                    "409": error_response("De professional is al betrokken")
                }), errors.clone())
            },
            "get": {
                "summary": "Registraties van de eigen organisatie",
                "operationId": "listRegistrations",
                "parameters": [
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                    { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } }
                ],
                "responses": with(json!({ "200": { "description": "Een pagina", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Listing" } } } } }), errors.clone())
            }
        },
        "/api/v1/registrations/bulk": {
            "post": {
                "summary": "Registraties in bulk (CSV met kopregel, ; of , als scheidingsteken, of NDJSON)",
                "operationId": "bulkRegistrations",
                "requestBody": { "required": true, "content": {
                    "text/csv": { "schema": { "type": "string" }, "example": "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n111222333;Piet;;Jansen;2012-05-01;GM0014;anna@ggd.example;DOSSIER-2\n" },
                    "application/x-ndjson": { "schema": { "type": "string" } }
                } },
                "responses": with(json!({ "200": { "description": "Verslag: geldige regels zijn vastgelegd", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ImportReport" } } } } }), errors.clone())
            }
        },
        "/api/v1/registrations/{id}/end": {
            "post": {
                "summary": "Registratie beëindigen",
                "operationId": "endRegistration",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string", "enum": registration_reasons } } },
                    "example": { "reason": "help_completed" }
                } } },
                "responses": with(json!({
                    "200": { "description": "Beëindigd", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Finished" } } } },
                    "404": error_response("Niet van deze organisatie of onbekend (al beëindigd geeft 200 met de reden van toen)")
                }), errors.clone())
            }
        }
    })
}

fn signal_paths(errors: &Value) -> Value {
    let signal_reasons = reasons(&EndReason::FOR_SIGNAL);
    json!({
        "/api/v1/signals": {
            "post": {
                "summary": "Signaal afgeven",
                "operationId": "createSignal",
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/NewSignal" },
                    "example": { "bsn": "123456782", "given_names": "Jan", "prefix": "de", "family_name": "Vries", "birth_date": "2014-03-31", "municipality_code": "GM0014", "professional_email": "anna@ggd.example", "external_ref": "SIGNAAL-1", "kind": "gezondheid" }
                } } },
                "responses": with(json!({
                    "201": { "description": "Nieuw vastgelegd", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Signal" } } } },
                    "200": { "description": "Deze external_ref was al vastgelegd", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Signal" } } } },
                    "409": error_response("Al een actief signaal over dit onderwerp")
                }), errors.clone())
            },
            "get": {
                "summary": "Signalen van de eigen organisatie",
                "operationId": "listSignals",
                "parameters": [
                    { "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } },
                    { "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 1000, "default": 100 } }
                ],
                "responses": with(json!({ "200": { "description": "Een pagina", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Listing" } } } } }), errors.clone())
            }
        },
        "/api/v1/signals/{id}/close": {
            "post": {
                "summary": "Signaal sluiten",
                "operationId": "closeSignal",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string", "enum": signal_reasons } } },
                    "example": { "reason": "worry_resolved" }
                } } },
                "responses": with(json!({
                    "200": { "description": "Gesloten", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Finished" } } } },
                    "404": error_response("Niet van deze organisatie of onbekend (al beëindigd geeft 200 met de reden van toen)")
                }), errors.clone())
            }
        }
    })
}

fn schemas() -> Value {
    let kinds: Vec<&str> = SignalKind::ALL.iter().map(|k| k.as_str()).collect();
    let youth_properties = json!({
        "bsn": { "type": "string", "pattern": "^[0-9]{9}$", "description": "9 cijfers, voldoet aan de elfproef" },
        "given_names": { "type": "string", "minLength": 1, "maxLength": 100 },
        "prefix": { "type": ["string", "null"], "maxLength": 20 },
        "family_name": { "type": "string", "minLength": 1, "maxLength": 100 },
        "birth_date": { "type": "string", "format": "date", "description": "jonger dan 23 jaar op de dag van vandaag" },
        "municipality_code": { "type": "string", "pattern": "^GM[0-9]{4}$" },
        "professional_email": { "type": "string", "format": "email", "description": "een actieve professional van de organisatie van de sleutel" },
        "external_ref": { "type": "string", "minLength": 1, "maxLength": 200, "description": "uniek per organisatie; herhalen geeft hetzelfde resultaat" },
        "confirmed": { "type": "boolean", "deprecated": true, "description": "genegeerd sinds 1.1.0: afwijkende gegevens worden nooit geweigerd" }
    });
    let required = json!(REQUIRED.iter().map(|f| f.name()).collect::<Vec<_>>());
    let mut registration_props = youth_properties.clone();
    registration_props["end_date"] = json!({ "type": ["string", "null"], "format": "date", "description": "weglaten of null: standaard twee jaar na vandaag" });
    let mut signal_props = youth_properties;
    signal_props["kind"] = json!({ "type": "string", "enum": kinds });
    let mut signal_required = required.clone();
    if let Some(a) = signal_required.as_array_mut() {
        a.push(json!("kind"));
    }
    json!({
        "NewRegistration": { "type": "object", "additionalProperties": false, "required": required, "properties": registration_props },
        "NewSignal": { "type": "object", "additionalProperties": false, "required": signal_required, "properties": signal_props },
        "Registration": { "type": "object", "required": ["id", "status", "end_date"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "status": { "const": "active" }, "end_date": { "type": "string", "format": "date" } } },
        "Signal": { "type": "object", "required": ["id", "status", "expires_on"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "status": { "const": "active" }, "expires_on": { "type": "string", "format": "date" } } },
        "Finished": { "type": "object", "required": ["id", "status", "reason"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "status": { "type": "string", "enum": ["ended", "closed"] }, "reason": { "type": "string" } } },
        "Listing": { "type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
            "items": { "type": "array", "items": { "type": "object", "required": ["id", "professional_email", "status", "started_on", "until"], "properties": {
                "id": { "type": "string", "format": "uuid" },
                "external_ref": { "type": ["string", "null"] },
                "professional_email": { "type": "string" },
                "status": { "type": "string", "enum": ["active", "ended", "closed"] },
                "started_on": { "type": "string", "format": "date" },
                "until": { "type": "string", "format": "date" },
                "ended_on": { "type": ["string", "null"], "format": "date" },
                "reason": { "type": ["string", "null"] },
                "kind": { "type": "string" } } } },
            "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer" } } },
        "ImportReport": { "type": "object", "required": ["rows", "created", "existing", "errors"], "properties": {
            "rows": { "type": "integer" }, "created": { "type": "integer" }, "existing": { "type": "integer" },
            "errors": { "type": "array", "items": { "type": "object", "required": ["line", "field", "message"], "properties": {
                "line": { "type": "integer" }, "field": { "type": "string" }, "message": { "type": "string" } } } } } },
        "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message", "fields"], "properties": {
            "code": { "type": "string" }, "message": { "type": "string" },
            "fields": { "type": "array", "items": { "type": "object", "required": ["field", "message"], "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } } } } } }
    })
}
