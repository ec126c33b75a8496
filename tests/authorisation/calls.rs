//! The call each row of the matrix makes for a column.

use super::prepare::Prepared;
use super::world::{World, A_OTHER, K_OWN, P_OTHER, P_OWN, TOWN};
use crate::common::{two_factor, PASSWORD};
use reqwest::{header, Client, Method};
use serde_json::json;
use uuid::Uuid;

pub enum Call {
    /// A server function with form arguments.
    Fn(String, Vec<(String, String)>),
    /// Any other request: method, path, content type and body.
    Http(Method, String, Option<(&'static str, Vec<u8>)>),
}

pub fn args(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn in_days(n: u64) -> String {
    (chrono::Local::now().date_naive() + chrono::Days::new(n)).to_string()
}

pub fn this_month() -> String {
    format!("maand:{}", chrono::Local::now().format("%Y-%m"))
}

pub fn consent(youth: &str) -> Vec<(&str, &str)> {
    vec![
        ("youth", youth),
        ("kind", "gegeven"),
        ("given_by", "Moeder"),
        ("what", "het plan"),
        ("with_whom", "GGD en WIJ"),
        ("valid_from", "2026-11-01"),
    ]
}

/// One CSV line for a fresh youth, for a professional of the own organisation.
pub fn csv_row(w: &World) -> String {
    let (bsn, family) = w.next_youth();
    format!(
        "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n\
         {bsn};Sanne;;{family};2016-05-01;{TOWN};{};M-{bsn}\n",
        w.user(P_OWN).email
    )
}

/// The upload form of the import page, as a browser posts it.
pub async fn upload(w: &World, client: &Client, csv: &str) -> reqwest::Response {
    client
        .post(w.app.url("/jeugdigen/importeren"))
        .header(header::ORIGIN, &w.app.address)
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=matrixgrens")
        .body(multipart(csv))
        .send()
        .await
        .unwrap()
}

pub fn multipart(csv: &str) -> Vec<u8> {
    format!(
        "--matrixgrens\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"matrix.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--matrixgrens--\r\n"
    )
    .into_bytes()
}

/// The call row `row` makes for column `column`.
pub fn call(w: &World, p: &Prepared, row: &str, column: usize) -> Call {
    let id = |k: &str| p.ids.get(k).cloned().unwrap_or_default();
    let case = p.case.as_ref();
    let youth = case.map(|c| c.youth.to_string()).unwrap_or_default();
    let action = case
        .and_then(|c| c.action)
        .map(|a| a.to_string())
        .unwrap_or_default();
    // The key's organisation's professional, for the REST bodies.
    let email = w.user(if column >= K_OWN { column } else { P_OWN }).email.clone();
    let assignee = format!("gebruiker:{}", w.user(P_OTHER).id);
    let v = |c: usize| id(if c == A_OTHER { "v_other" } else { "v_own" });
    let code = || {
        p.secrets
            .get(&column)
            .map(|s| two_factor::code_at(s, two_factor::now_step() + 1))
            .unwrap_or_default()
    };
    let rest_youth = |kind: Option<&str>| {
        let (bsn, family) = w.next_youth();
        let mut b = json!({
            "bsn": bsn, "given_names": "Sanne", "family_name": family, "birth_date": "2016-05-01",
            "municipality_code": TOWN, "professional_email": email, "external_ref": format!("M-{bsn}")
        });
        if let Some(kind) = kind {
            b["kind"] = json!(kind);
        }
        Some(("application/json", b.to_string().into_bytes()))
    };
    let end = |reason: &str| {
        Some((
            "application/json",
            json!({ "reason": reason }).to_string().into_bytes(),
        ))
    };
    let fresh_youth = || {
        let (bsn, family) = w.next_youth();
        args(&World::youth_form(&bsn, &family))
    };
    let f = |name: &str, a: Vec<(String, String)>| Call::Fn(name.to_string(), a);
    let get = |path: String| Call::Http(Method::GET, path, None);
    let post = |path: String, body| Call::Http(Method::POST, path, body);
    match row {
        "login" => f(
            "login",
            args(&[("email", &p.emails[&column]), ("password", PASSWORD)]),
        ),
        "login_code" => f("login_code", args(&[("code", &code())])),
        "confirm_two_factor" => f("confirm_two_factor", args(&[("code", &code())])),
        "renew_recovery_codes" => f("renew_recovery_codes", args(&[("wachtwoord_codes", PASSWORD)])),
        "disable_two_factor" => f(
            "disable_two_factor",
            args(&[("wachtwoord_uit", PASSWORD), ("code_uit", &code())]),
        ),
        "change_password" => f(
            "change_password",
            args(&[
                ("current", PASSWORD),
                ("new_password", "een-nieuw-lang-wachtwoord"),
                ("repeat", "een-nieuw-lang-wachtwoord"),
            ]),
        ),
        "set_region_two_factor" => f("set_region_two_factor", args(&[("iedereen", "nee")])),
        "register" => f("register", fresh_youth()),
        "signal" => {
            let mut a = fresh_youth();
            a.push(("kind".into(), "veiligheid".into()));
            f("signal", a)
        }
        "draft" => f("draft", args(&[("id", &id("flash"))])),
        "recovery_codes" => f("recovery_codes", args(&[("codes", &id("flash"))])),
        "import_report" | "new_api_token" | "audit_trail_result" => f(row, args(&[("flash", &id("flash"))])),
        "youth" => f("youth", args(&[("id", &youth)])),
        "end_registration" => f(
            "end_registration",
            args(&[
                ("id", &case.unwrap().registration.to_string()),
                ("reason", "help_completed"),
            ]),
        ),
        "close_signal" => f(
            "close_signal",
            args(&[
                ("id", &case.unwrap().signal.to_string()),
                ("reason", "worry_resolved"),
            ]),
        ),
        "change_end_date" => f(
            "change_end_date",
            args(&[
                ("id", &case.unwrap().registration.to_string()),
                ("end_date", &in_days(60)),
            ]),
        ),
        "live_presence" => f("live_presence", args(&[("topic", &format!("youth:{youth}"))])),
        "create_action" | "change_action" => {
            let key = if row == "create_action" {
                ("youth", youth.as_str())
            } else {
                ("id", action.as_str())
            };
            f(
                row,
                args(&[
                    key,
                    ("title", "Gesprek"),
                    ("description", "Met de mentor."),
                    ("due_on", &in_days(10)),
                    ("assignee", &assignee),
                ]),
            )
        }
        "cancel_action" => f("cancel_action", args(&[("id", &action)])),
        "complete_action" => f("complete_action", args(&[("id", &action), ("note", "Gebeld.")])),
        "youth_actions" => f("youth_actions", args(&[("youth", &youth)])),
        // The same functions called as a page's refetch after a live change.
        "youth (live)" => f("youth", args(&[("id", &youth), ("live", "true")])),
        "youth_actions (live)" => f("youth_actions", args(&[("youth", &youth), ("live", "true")])),
        "my_actions (live)" => f("my_actions", args(&[("live", "true")])),
        "coordination_board (live)" => f("coordination_board", args(&[("live", "true")])),
        "take_coordination" => f("take_coordination", args(&[("youth", &youth)])),
        "propose_handover" => f(
            "propose_handover",
            args(&[
                ("youth", &youth),
                ("to_organisation", &w.other_org.to_string()),
                ("agreements", "Warm overdragen."),
            ]),
        ),
        "accept_handover" | "withdraw_handover" => f(row, args(&[("id", &id("id"))])),
        "reject_handover" => f(
            "reject_handover",
            args(&[("id", &id("id")), ("reason", "Geen plek.")]),
        ),
        "escalate" => f(
            "escalate",
            args(&[("youth", &youth), ("reason", "Geen voortgang.")]),
        ),
        "decide_escalation" => f(
            "decide_escalation",
            args(&[("id", &id("id")), ("decision", "Blijft bij de JGZ.")]),
        ),
        "mismatches" => f("mismatches", args(&[])),
        "resolve_mismatch" => f(
            "resolve_mismatch",
            args(&[
                ("youth", &youth),
                ("organisation", &id("organisation")),
                ("decision", "keep_stored"),
            ]),
        ),
        "link_family" => f("link_family", args(&[("youth", &youth), ("other", &id("other"))])),
        "unlink_family" => f("unlink_family", args(&[("youth", &youth)])),
        "save_plan" => f(
            "save_plan",
            args(&[
                ("youth", &youth),
                ("goals", "Rust in huis."),
                ("review_on", &in_days(90)),
            ]),
        ),
        "add_agreement" => f(
            "add_agreement",
            args(&[
                ("youth", &youth),
                ("who", "Vader"),
                ("what", "Belt de huisarts"),
                ("due_on", &in_days(9)),
            ]),
        ),
        "remove_agreement" | "withdraw_consent" => f(row, args(&[("youth", &youth), ("id", &id("id"))])),
        "record_consent" => f("record_consent", args(&consent(&youth))),
        "save_rule" => f(
            "save_rule",
            args(&[("based_on", &v(column)), ("index", ""), ("outcome", "soort:jgz")]),
        ),
        "move_rule" => f(
            "move_rule",
            args(&[("based_on", &v(column)), ("index", "1"), ("direction", "omhoog")]),
        ),
        "remove_rule" => f("remove_rule", args(&[("based_on", &v(column)), ("index", "0")])),
        "set_family_coordination" => f(
            "set_family_coordination",
            args(&[("based_on", &v(column)), ("family", "ja")]),
        ),
        "activate_covenant" | "apply_covenant" => f(row, args(&[("version", &v(column))])),
        "retry_mail" | "revoke_api_token" | "remove_report_recipient" => f(row, args(&[("id", &id("id"))])),
        "create_api_token" => f(
            "create_api_token",
            args(&[("organisation_id", &w.own_org.to_string()), ("name", "Koppeling")]),
        ),
        "audit_trail" => f(
            "audit_trail",
            args(&[("bsn", &case.unwrap().bsn), ("reason", "Verzoek van een ouder.")]),
        ),
        "report" => f("report", args(&[("gebied", TOWN), ("periode", &this_month())])),
        "add_report_recipient" => {
            let email = format!("{}@gemeente.example", Uuid::new_v4().simple());
            f(
                "add_report_recipient",
                args(&[("gemeente", TOWN), ("naam", "Gert"), ("email", &email)]),
            )
        }
        "set_report_frequency" => f(
            "set_report_frequency",
            args(&[("gemeente", TOWN), ("frequentie", "quarterly")]),
        ),
        "POST /api/v1/registrations" => post("/api/v1/registrations".into(), rest_youth(None)),
        "POST /api/v1/signals" => post("/api/v1/signals".into(), rest_youth(Some("veiligheid"))),
        "POST /api/v1/registrations/bulk" => {
            let (bsn, family) = w.next_youth();
            let csv = format!(
                "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n\
                 {bsn};Sanne;;{family};2016-05-01;{TOWN};{email};B-{bsn}\n"
            );
            post(
                "/api/v1/registrations/bulk".into(),
                Some(("text/csv", csv.into_bytes())),
            )
        }
        "POST /api/v1/registrations/{id}/end" => post(
            format!("/api/v1/registrations/{}/end", case.unwrap().registration),
            end("help_completed"),
        ),
        "POST /api/v1/signals/{id}/close" => post(
            format!("/api/v1/signals/{}/close", case.unwrap().signal),
            end("worry_resolved"),
        ),
        "GET /live" => get(format!("/live?topic=youth:{youth}")),
        "mail_outbox" => f(row, args(&[("status", "sent")])),
        "GET /rapportage/export.csv" => get(format!(
            "/rapportage/export.csv?gebied={TOWN}&periode={}",
            this_month()
        )),
        "POST /jeugdigen/importeren" => post(
            "/jeugdigen/importeren".into(),
            Some(("multipart", multipart(&csv_row(w)))),
        ),
        other if other.starts_with("GET ") => get(other[4..].to_string()),
        // The functions without arguments (or with defaults only).
        other => f(other, vec![]),
    }
}
