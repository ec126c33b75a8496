//! The HTTP surface: pages without JavaScript, CSRF, security headers, health.

mod common;

use common::{session_cookie, TestApp};
use reqwest::{header, StatusCode};
use zorgsignaal::domain::role::Role;

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    let client = app.client();

    let evil = client
        .post(app.url("/api/login"))
        .header(header::ORIGIN, "https://evil.example")
        .form(&[
            ("email", user.email.as_str()),
            ("password", user.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&evil).is_none());

    let fetch_metadata = client
        .post(app.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("email", user.email.as_str()),
            ("password", user.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_metadata.status(), StatusCode::FORBIDDEN);

    let bare = client
        .post(app.url("/api/login"))
        .form(&[
            ("email", user.email.as_str()),
            ("password", user.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), StatusCode::FORBIDDEN);
    let attempts = app.count("SELECT count(*) FROM login_attempts").await;
    assert_eq!(attempts, 0, "refused before the log-in ran");
}

#[tokio::test]
async fn pages_carry_strict_security_headers_and_a_nonce_on_every_script() {
    let app = TestApp::spawn().await;
    let res = app.client().get(app.url("/inloggen")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(!csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert!(h.get(header::STRICT_TRANSPORT_SECURITY).is_some());
    assert_eq!(h.get(header::REFERRER_POLICY).unwrap(), "same-origin");
    assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert!(h.get("x-request-id").is_some());

    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\""));
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script has this response's nonce"
    );

    let other = app.client().get(app.url("/inloggen")).send().await.unwrap();
    let other_csp = other
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert_ne!(other_csp, csp, "a fresh nonce per response");
}

#[tokio::test]
async fn the_login_form_works_without_javascript() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    let client = app.client();
    let post = |email: String, password: String| {
        client
            .post(app.url("/api/login"))
            .header(header::ORIGIN, &app.address)
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, app.url("/inloggen"))
            .form(&[("email", email), ("password", password)])
            .send()
    };

    let wrong = post(user.email.clone(), "fout".into()).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FOUND);
    let back = location(&wrong);
    assert!(
        back.starts_with(&app.url("/inloggen?")) || back.starts_with("/inloggen?"),
        "{back}"
    );
    let page = client
        .get(if back.starts_with('/') {
            app.url(&back)
        } else {
            back
        })
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("Het e-mailadres of het wachtwoord is onjuist."));
    assert!(
        html.contains(&format!("value=\"{}\"", user.email)),
        "the e-mail typed is kept"
    );

    let right = post(user.email.clone(), user.password.clone()).await.unwrap();
    assert_eq!(right.status(), StatusCode::FOUND);
    assert_eq!(location(&right), "/");
    assert!(session_cookie(&right).is_some());

    let home = app.page(&client, "/").await;
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("Welkom, Test"));

    let logout = client
        .post(app.url("/api/logout"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::FOUND);
    assert_eq!(location(&logout), "/inloggen");
}

#[tokio::test]
async fn a_page_for_logged_in_users_sends_visitors_to_the_login_page() {
    let app = TestApp::spawn().await;
    let res = app.page(&app.client(), "/").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), "/inloggen");
}

#[tokio::test]
async fn a_page_for_another_role_says_no_access_with_status_403() {
    let app = TestApp::spawn().await;
    let user = app.user().roles(&[Role::Professional]).create().await;
    let client = app.client();
    app.login(&client, &user.email, &user.password).await;
    let res = app.page(&client, "/regio").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Geen toegang"));
}

#[tokio::test]
async fn an_unknown_page_is_404_in_dutch() {
    let app = TestApp::spawn().await;
    let res = app.client().get(app.url("/bestaat-niet")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Niet gevonden"));
}

#[tokio::test]
async fn ready_reports_503_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.client()
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.client().get(app.url("/ready")).send().await.unwrap().status(),
        StatusCode::OK
    );

    app.drop_database().await;

    let ready = app.client().get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        app.client()
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_internal_error_shows_a_reference_and_no_cause() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    let client = app.client();
    app.login(&client, &user.email, &user.password).await;
    // Break the database under the running app.
    app.execute_as_owner("ALTER TABLE sessions RENAME TO sessions_gone")
        .await;
    let res = app.call(&client, "me", &[]).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let err: zorgsignaal::error::AppError = res.json().await.unwrap();
    let text = err.to_string();
    assert!(text.contains("Referentie: ZS-"), "{text}");
    assert!(!text.contains("sessions"), "no cause reaches the user: {text}");
}

/// While the database cannot be reached (here: the app's connection pool
/// closed), a server function, the REST API and the live stream answer 503
/// with Retry-After and the short Dutch message with a reference — the
/// outage is temporary, not a fault of the request or a 500.
#[tokio::test]
async fn while_the_database_is_out_of_reach_requests_get_503_with_retry_after() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    let client = app.logged_in(&user).await;
    let token = app.api_token(user.organisation_id, user.id).await;
    app.pool.close().await;

    let res = app.call(&client, "my_youths", &[]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "5");
    let error: zorgsignaal::error::AppError = res.json().await.unwrap();
    let shown = error.to_string();
    assert!(
        shown.starts_with("Zorgsignaal kan even niet bij zijn gegevens."),
        "{shown}"
    );
    assert!(shown.contains("Referentie: ZS-"), "{shown}");

    let res = app
        .client()
        .get(app.url("/api/v1/registrations"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "5");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");

    let res = client
        .get(app.url("/live?topic=mine"))
        .header(header::ACCEPT, "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "5");
}
