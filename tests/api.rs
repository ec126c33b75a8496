//! The REST API for institution systems: tokens, idempotency, bulk import,
//! error format, and the OpenAPI document matching what the endpoints do.

mod common;

use common::{TestApp, TestUser};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};
use zorgsignaal::domain::organisation::OrganisationKind;

/// The municipality, and a professional of an organisation of `kind` with
/// an API token of that organisation.
async fn setup_as(app: &TestApp, email: &str, kind: OrganisationKind) -> (TestUser, String) {
    app.municipality().await;
    let user = app.user().email(email).organisation_kind(kind).create().await;
    let token = app.api_token(user.organisation_id, user.id).await;
    (user, token)
}

async fn setup(app: &TestApp) -> (TestUser, String) {
    setup_as(app, "anna@ggd.example", OrganisationKind::Jgz).await
}

fn body(bsn: &str, external_ref: &str) -> Value {
    json!({
        "bsn": bsn, "given_names": "Jan", "prefix": "de", "family_name": "Vries", "birth_date": "2014-03-31",
        "municipality_code": "GM0014", "professional_email": "anna@ggd.example", "external_ref": external_ref
    })
}

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client()
        .post(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn repeating_an_external_ref_returns_the_same_registration_never_a_duplicate() {
    let app = TestApp::spawn().await;
    let (_, token) = setup(&app).await;
    let first = post(&app, &token, "/api/v1/registrations", &body("123456782", "D-1")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "active");
    assert!(first["end_date"].is_string());
    let again = post(&app, &token, "/api/v1/registrations", &body("123456782", "D-1")).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(app.count("SELECT count(*) FROM registrations").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE via = 'api' AND action = 'registration_create'")
            .await,
        2
    );

    // Ending it through the API.
    let id = first["id"].as_str().unwrap();
    let end = post(
        &app,
        &token,
        &format!("/api/v1/registrations/{id}/end"),
        &json!({ "reason": "help_completed" }),
    )
    .await;
    assert_eq!(end.status(), 200);
    // Ending it again (a retry after a lost answer) answers as the first
    // time did, with the reason it ended with; nothing changes.
    let again = post(
        &app,
        &token,
        &format!("/api/v1/registrations/{id}/end"),
        &json!({ "reason": "moved" }),
    )
    .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["status"], "ended");
    assert_eq!(again["reason"], "help_completed");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM involvement_events WHERE involvement_id = '{id}' AND event = 'ended'"
        ))
        .await,
        1
    );
}

/// Found by schemathesis (scripts/schemathesis.sh): values outside what
/// the document allows were quietly taken (a page of 0, an empty date).
#[tokio::test]
async fn values_outside_the_document_get_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let (_, token) = setup(&app).await;
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=1001", "per_page"),
        ("page=0", "page"),
    ] {
        for list in ["registrations", "signals"] {
            let res = app
                .client()
                .get(app.url(&format!("/api/v1/{list}?{query}")))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{list}?{query}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["error"]["fields"][0]["field"], field, "{list}?{query}");
        }
    }
    let mut with_empty_date = body("123456782", "D-9");
    with_empty_date["end_date"] = json!("");
    let res = post(&app, &token, "/api/v1/registrations", &with_empty_date).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res: Value = res.json().await.unwrap();
    assert_eq!(res["error"]["fields"][0]["field"], "end_date");
    assert_eq!(
        app.count("SELECT count(*) FROM registrations").await,
        0,
        "nothing stored"
    );
    // Left out, the default applies.
    let res = post(&app, &token, "/api/v1/registrations", &body("123456782", "D-9")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_revoked_or_missing_token_gets_401_in_the_json_error_format() {
    let app = TestApp::spawn().await;
    let (_, token) = setup(&app).await;
    let none = app
        .client()
        .get(app.url("/api/v1/registrations"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    let err: Value = none.json().await.unwrap();
    assert_eq!(err["error"]["code"], "unauthenticated");
    assert!(err["error"]["fields"].is_array());
    assert_eq!(
        app.client()
            .get(app.url("/api/v1/registrations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    app.execute("UPDATE api_tokens SET revoked_at = now()").await;
    assert_eq!(
        app.client()
            .get(app.url("/api/v1/registrations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn a_bulk_import_commits_good_rows_reports_bad_ones_and_is_idempotent() {
    let app = TestApp::spawn().await;
    let (_, token) = setup(&app).await;
    let csv =
        "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n\
               123456782;Jan;de;Vries;2014-03-31;GM0014;anna@ggd.example;B-1\n\
               123456789;Piet;;Jansen;2012-01-01;GM0014;anna@ggd.example;B-2\n\
               111222333;Kees;;Bakker;1990-01-01;GM0014;anna@ggd.example;B-3\n\
               999999990;Els;;Smit;2010-05-05;GM0014;onbekend@ggd.example;B-4\n\
               010000008;Mo;;Ali;2016-07-07;GM0014;anna@ggd.example;B-5\n";
    let send = || {
        app.client()
            .post(app.url("/api/v1/registrations/bulk"))
            .bearer_auth(&token)
            .header(header::CONTENT_TYPE, "text/csv")
            .body(csv)
            .send()
    };
    let report: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(report["rows"], 5);
    assert_eq!(report["created"], 2);
    let errors = report["errors"].as_array().unwrap();
    let lines: Vec<(i64, &str)> = errors
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [(3, "bsn"), (4, "birth_date"), (5, "professional_email")]);
    let again: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(again["created"], 0);
    assert_eq!(again["existing"], 2);
    assert_eq!(app.count("SELECT count(*) FROM registrations").await, 2);

    let ndjson = format!("{}\nnot json\n", body("999999990", "N-1"));
    let res = app
        .client()
        .post(app.url("/api/v1/registrations/bulk"))
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(ndjson)
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["created"], 1);
    assert_eq!(report["errors"][0]["line"], 2);
}

#[tokio::test]
async fn malformed_input_gets_a_4xx_never_a_5xx() {
    let app = TestApp::spawn().await;
    let (_, token) = setup(&app).await;
    let client = app.client();
    let url = app.url("/api/v1/registrations");
    let cases: Vec<(reqwest::RequestBuilder, u16)> = vec![
        (
            client
                .post(&url)
                .bearer_auth(&token)
                .header(header::CONTENT_TYPE, "application/json")
                .body("{not json"),
            400,
        ),
        (
            client
                .post(&url)
                .bearer_auth(&token)
                .header(header::CONTENT_TYPE, "application/json")
                .body("[]"),
            400,
        ),
        (
            client
                .post(&url)
                .bearer_auth(&token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(r#"{"bsn": 5}"#),
            400,
        ),
        (
            client
                .post(&url)
                .bearer_auth(&token)
                .header(header::CONTENT_TYPE, "text/plain")
                .body("hello"),
            415,
        ),
        (
            client
                .post(&url)
                .bearer_auth(&token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(vec![b' '; 10 * 1024 * 1024 + 1]),
            413,
        ),
        (
            client
                .post(app.url("/api/v1/registrations/not-a-uuid/end"))
                .bearer_auth(&token)
                .json(&json!({"reason": "moved"})),
            404,
        ),
        (
            client
                .post(app.url("/api/v1/registrations/bulk"))
                .bearer_auth(&token)
                .header(header::CONTENT_TYPE, "application/json")
                .body("{}"),
            415,
        ),
        (
            client
                .get(app.url("/api/v1/registrations?page=x"))
                .bearer_auth(&token),
            422,
        ),
        (
            client.get(app.url("/api/v1/nothing-here")).bearer_auth(&token),
            404,
        ),
    ];
    for (i, (req, expected)) in cases.into_iter().enumerate() {
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), expected, "case {i}");
        let err: Value = res.json().await.unwrap();
        assert!(err["error"]["code"].is_string(), "case {i}: {err}");
    }
    let mut bad = body("123456789", "X");
    bad["birth_date"] = json!("31-03-2014");
    let res = post(&app, &token, "/api/v1/registrations", &bad).await;
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    let fields: Vec<&str> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["bsn", "birth_date"]);
}

#[tokio::test]
async fn a_school_token_may_signal_but_not_register() {
    let app = TestApp::spawn().await;
    let (_, token) = setup_as(&app, "carla@school.example", OrganisationKind::School).await;
    let mut b = body("123456782", "S-1");
    b["professional_email"] = json!("carla@school.example");
    assert_eq!(
        post(&app, &token, "/api/v1/registrations", &b).await.status(),
        403
    );
    b["kind"] = json!("veiligheid");
    let res = post(&app, &token, "/api/v1/signals", &b).await;
    assert_eq!(res.status(), 201);
    let list: Value = app
        .client()
        .get(app.url("/api/v1/signals"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(
        list["items"][0]["kind"], "veiligheid",
        "the own organisation sees its own kind"
    );
}

/// Every documented operation is answered with a documented status for its
/// documented example, and an undocumented field is refused.
#[tokio::test]
async fn the_openapi_document_matches_what_the_endpoints_accept() {
    let app = TestApp::spawn().await;
    let (_, token) = setup(&app).await;
    let doc = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut created_id = String::new();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            let concrete = path.replace(
                "{id}",
                if created_id.is_empty() {
                    "00000000-0000-0000-0000-000000000000"
                } else {
                    &created_id
                },
            );
            let url = app.url(&concrete);
            let req = match method.as_str() {
                "get" => app.client().get(&url),
                "post" => app.client().post(&url),
                other => panic!("undocumented method {other}"),
            }
            .bearer_auth(&token);
            let req = match op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.iter().next())
            {
                Some((ct, media)) => {
                    let example = &media["example"];
                    let body = if ct == "application/json" {
                        example.to_string()
                    } else {
                        example.as_str().unwrap_or("").to_string()
                    };
                    req.header(header::CONTENT_TYPE, ct.as_str()).body(body)
                }
                None => req,
            };
            let res = req.send().await.unwrap();
            let status = res.status().as_u16().to_string();
            let documented = op["responses"].as_object().unwrap();
            assert!(
                documented.contains_key(&status),
                "{method} {path} answered {status}, not documented"
            );
            let value: Value = res.json().await.unwrap();
            if path == "/api/v1/registrations" && method == "post" {
                created_id = value["id"].as_str().unwrap().to_string();
            }
        }
    }
    let mut extra = body("111222333", "E-1");
    extra["favourite_colour"] = json!("blauw");
    assert_eq!(
        post(&app, &token, "/api/v1/registrations", &extra).await.status(),
        400,
        "additionalProperties: false"
    );
}

#[tokio::test]
async fn a_token_over_its_calls_per_minute_gets_429_with_retry_after_and_another_token_does_not() {
    let app = TestApp::spawn_with(&[("API_CALLS_PER_MINUTE", "3")]).await;
    let (anna, token) = setup(&app).await;
    let other = app.api_token(anna.organisation_id, anna.id).await;
    let list = |t: String| {
        let app = &app;
        async move {
            app.client()
                .get(app.url("/api/v1/registrations"))
                .bearer_auth(t)
                .send()
                .await
                .unwrap()
        }
    };
    // Calls in one minute; a minute boundary in between resets the count, so
    // allow one retry of the whole sequence.
    let mut limited = None;
    for _ in 0..2 {
        app.execute("DELETE FROM api_calls").await;
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(list(token.clone()).await);
        }
        let codes: Vec<u16> = statuses.iter().map(|r| r.status().as_u16()).collect();
        if codes == [200, 200, 200, 429] {
            limited = statuses.pop();
            break;
        }
    }
    let limited = limited.expect("the fourth call within a minute is refused with 429");
    let retry: i32 = limited.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let error: Value = limited.json().await.unwrap();
    assert_eq!(error["error"]["code"], "rate_limited");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("3 verzoeken per minuut"));
    // The limit is per token.
    assert_eq!(list(other).await.status(), StatusCode::OK);
}
