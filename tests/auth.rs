//! Log-in, sessions, lockout and role checks against the real server and database.

mod common;

use common::{session_cookie, TestApp};
use reqwest::{header, StatusCode};
use zorgsignaal::{domain::role::Role, domain::user::CurrentUser, error::AppError};

async fn error_of(res: reqwest::Response) -> AppError {
    res.json::<AppError>().await.expect("the body is an AppError")
}

#[tokio::test]
async fn a_user_logs_in_and_the_session_knows_who_they_are() {
    let app = TestApp::spawn().await;
    let user = app
        .user()
        .roles(&[Role::Professional, Role::Coordinator])
        .create()
        .await;
    let client = app.client();

    let res = app.login(&client, &user.email, &user.password).await;
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(set_cookie.starts_with("zs_session="));
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Lax"));
    assert!(!set_cookie.contains("Secure"), "plain http on loopback");

    let me: Option<CurrentUser> = app.call(&client, "me", &[]).await.json().await.unwrap();
    let me = me.expect("logged in");
    assert_eq!(me.id, user.id);
    assert_eq!(me.roles, vec![Role::Coordinator, Role::Professional]);
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_app_is_served_over_https() {
    let app = TestApp::spawn_with(&[("PUBLIC_URL", "https://zorgsignaal.example.nl")]).await;
    let user = app.user().create().await;
    let res = app.login(&app.client(), &user.email, &user.password).await;
    assert_eq!(res.status(), StatusCode::OK);
    let set_cookie = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(set_cookie.contains("; Secure"));
}

#[tokio::test]
async fn a_wrong_password_fails_with_the_same_message_as_an_unknown_email() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;

    let wrong = app.login(&app.client(), &user.email, "niet-het-wachtwoord").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    let wrong = error_of(wrong).await;

    let unknown = app
        .login(&app.client(), "niemand@test.example", "niet-het-wachtwoord")
        .await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = error_of(unknown).await;

    assert_eq!(wrong.to_string(), unknown.to_string());
    assert_eq!(wrong.to_string(), "Het e-mailadres of het wachtwoord is onjuist.");
}

#[tokio::test]
async fn the_sixth_attempt_within_15_minutes_is_refused_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    for _ in 0..5 {
        let res = app.login(&app.client(), &user.email, "fout").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.login(&app.client(), &user.email, &user.password).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(session_cookie(&res).is_none());
    let err = error_of(res).await;
    assert!(matches!(err, AppError::Locked { minutes: 15, .. }), "{err:?}");
    assert!(err.to_string().contains("tijdelijk geblokkeerd"));

    // The lock lifts 15 minutes after the fifth failure.
    app.execute("UPDATE login_attempts SET at = at - interval '16 minutes'")
        .await;
    let res = app.login(&app.client(), &user.email, &user.password).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_successful_log_in_resets_the_failure_count() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    for _ in 0..4 {
        app.login(&app.client(), &user.email, "fout").await;
    }
    assert_eq!(
        app.login(&app.client(), &user.email, &user.password)
            .await
            .status(),
        StatusCode::OK
    );
    for _ in 0..4 {
        app.login(&app.client(), &user.email, "fout").await;
    }
    assert_eq!(
        app.login(&app.client(), &user.email, &user.password)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn too_many_failures_from_one_address_lock_that_address() {
    let app = TestApp::spawn_with(&[("LOGIN_MAX_FAILURES_PER_IP", "3")]).await;
    let user = app.user().create().await;
    for i in 0..3 {
        let res = app
            .login(&app.client(), &format!("onbekend{i}@test.example"), "fout")
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app.login(&app.client(), &user.email, &user.password).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// A client behind the local proxy that wrote `forged` into
/// `X-Forwarded-For` itself, the proxy appending the real `address`.
fn behind_proxy(forged: &str, address: &str) -> reqwest::Client {
    let mut headers = header::HeaderMap::new();
    headers.insert("x-forwarded-for", format!("{forged}, {address}").parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

#[tokio::test]
async fn behind_a_proxy_a_forged_forwarded_address_escapes_neither_the_lockout_nor_the_audit_log() {
    let app = TestApp::spawn_with(&[
        ("TRUST_PROXY_HEADERS", "true"),
        ("LOGIN_MAX_FAILURES_PER_IP", "3"),
    ])
    .await;
    let user = app.user().create().await;
    // Each try claims another address on the left; the proxy's entry on the right is the same.
    for i in 0..3 {
        let client = behind_proxy(&format!("203.0.113.{i}"), "198.51.100.7");
        let res = app
            .login(&client, &format!("onbekend{i}@test.example"), "fout")
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let res = app
        .login(
            &behind_proxy("203.0.113.99", "198.51.100.7"),
            &user.email,
            &user.password,
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the real address is locked"
    );
    // Another real address behind the same proxy is not.
    let res = app
        .login(
            &behind_proxy("198.51.100.7", "198.51.100.8"),
            &user.email,
            &user.password,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts WHERE client_ip = '198.51.100.7' AND NOT succeeded")
            .await,
        3
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE client_ip << '203.0.113.0/24'::inet")
            .await
            + app
                .count("SELECT count(*) FROM login_attempts WHERE client_ip << '203.0.113.0/24'::inet")
                .await,
        0,
        "no forged address is recorded"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login' AND result = 'success' AND client_ip = '198.51.100.8'")
            .await,
        1
    );
}

#[tokio::test]
async fn without_trusted_proxies_the_forwarded_header_is_ignored() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    let res = app
        .login(
            &behind_proxy("203.0.113.1", "198.51.100.7"),
            &user.email,
            &user.password,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login' AND result = 'success' AND client_ip = '127.0.0.1'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_wrong_log_ins_at_once_leave_a_logged_in_user_served() {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    // Three connections, fifty password checks at once. (In this debug
    // build the burst's database round trips weigh more than its hashing,
    // so this shows the user is served meanwhile; it is not sharp enough to
    // tell a connection held over the hash apart: 3 answers then, 4-6 now.)
    let app = Arc::new(
        TestApp::spawn_with(&[
            ("LOGIN_MAX_FAILURES_PER_IP", "1000"),
            ("DATABASE_MAX_CONNECTIONS", "3"),
        ])
        .await,
    );
    let user = app.user().roles(&[Role::Professional]).create().await;
    let client = app.logged_in(&user).await;
    let answered = Arc::new(AtomicUsize::new(0));
    let burst: Vec<_> = (0..50)
        .map(|i| {
            let (app, answered) = (app.clone(), answered.clone());
            tokio::spawn(async move {
                let res = app
                    .login(&app.client(), &format!("raden{i}@test.example"), "fout")
                    .await;
                answered.fetch_add(1, Ordering::SeqCst);
                res.status()
            })
        })
        .collect();
    // The user asks again and again while the burst lasts.
    let mut served_meanwhile = 0;
    while answered.load(Ordering::SeqCst) < 50 {
        let res = app.call(&client, "me", &[]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let me: Option<CurrentUser> = res.json().await.unwrap();
        assert_eq!(me.map(|m| m.id), Some(user.id));
        if answered.load(Ordering::SeqCst) < 50 {
            served_meanwhile += 1;
        }
    }
    for t in burst {
        assert_eq!(t.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    println!("answers to the logged-in user during the burst: {served_meanwhile}");
    assert!(
        served_meanwhile >= 3,
        "the logged-in user got {served_meanwhile} answers while fifty wrong log-ins were checked"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts WHERE NOT succeeded")
            .await,
        50,
        "every wrong log-in is counted"
    );
}

#[tokio::test]
async fn tries_at_once_on_one_account_get_no_more_guesses_than_the_limit() {
    use std::sync::Arc;
    let app = Arc::new(TestApp::spawn().await);
    let user = app.user().create().await;
    let tries: Vec<_> = (0..12)
        .map(|i| {
            let (app, email) = (app.clone(), user.email.clone());
            tokio::spawn(async move {
                app.login(&app.client(), &email, &format!("geraden{i}"))
                    .await
                    .status()
            })
        })
        .collect();
    let mut counted = 0;
    for t in tries {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => counted += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}"),
        }
    }
    // Checked alongside each other, yet only five were counted as guesses.
    assert_eq!(counted, 5);
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts WHERE NOT succeeded")
            .await,
        5
    );
    let res = app.login(&app.client(), &user.email, &user.password).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn logging_in_again_renews_the_session_id_and_ends_the_old_one() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    let client = app.client();
    let first = session_cookie(&app.login(&client, &user.email, &user.password).await).unwrap();
    let second = session_cookie(&app.login(&client, &user.email, &user.password).await).unwrap();
    assert_ne!(first, second);

    let with_old = app.call_with_cookie("me", &first).await;
    let me: Option<CurrentUser> = with_old.json().await.unwrap();
    assert!(me.is_none(), "the session from before the second log-in is gone");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let user = app.user().roles(&[Role::RegionAdmin]).create().await;
    let client = app.client();
    let cookie = session_cookie(&app.login(&client, &user.email, &user.password).await).unwrap();

    let res = app.call(&client, "logout", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cleared = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"));

    // The old cookie, replayed by someone who kept it, no longer works.
    let replay = app.call_with_cookie("region_overview", &cookie).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let sessions = app.count("SELECT count(*) FROM sessions").await;
    assert_eq!(sessions, 0);
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes_and_after_12_hours_in_all() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;

    let idle = app.client();
    app.login(&idle, &user.email, &user.password).await;
    app.execute("UPDATE sessions SET last_seen_at = now() - interval '31 minutes'")
        .await;
    let me: Option<CurrentUser> = app.call(&idle, "me", &[]).await.json().await.unwrap();
    assert!(me.is_none());

    let busy = app.client();
    app.login(&busy, &user.email, &user.password).await;
    app.execute("UPDATE sessions SET created_at = now() - interval '12 hours 1 minute'")
        .await;
    let me: Option<CurrentUser> = app.call(&busy, "me", &[]).await.json().await.unwrap();
    assert!(me.is_none());

    let fresh = app.client();
    app.login(&fresh, &user.email, &user.password).await;
    app.execute("UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE created_at > now() - interval '1 minute'").await;
    let me: Option<CurrentUser> = app.call(&fresh, "me", &[]).await.json().await.unwrap();
    assert!(me.is_some(), "29 idle minutes are still within the limit");
}

#[tokio::test]
async fn a_server_function_gives_401_without_a_session_and_403_for_the_wrong_role() {
    let app = TestApp::spawn().await;

    let anonymous = app.call(&app.client(), "region_overview", &[]).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(anonymous).await, AppError::Unauthenticated);

    let professional = app
        .user()
        .roles(&[Role::Professional, Role::Coordinator])
        .create()
        .await;
    let client = app.client();
    app.login(&client, &professional.email, &professional.password)
        .await;
    let forbidden = app.call(&client, "region_overview", &[]).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_of(forbidden).await, AppError::Forbidden);
    let denied: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE result = 'denied' AND user_id = $1")
            .bind(professional.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(denied, 1, "the refusal is audited");

    let admin = app.user().roles(&[Role::RegionAdmin]).create().await;
    let client = app.client();
    app.login(&client, &admin.email, &admin.password).await;
    let ok = app.call(&client, "region_overview", &[]).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_analyst_sees_only_their_own_municipalities_and_no_region() {
    let app = TestApp::spawn().await;
    let analyst = app.user().roles(&[Role::MunicipalityAnalyst]).create().await;
    let region: uuid::Uuid = sqlx::query_scalar("SELECT id FROM regions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for (code, name) in [("GM0014", "Groningen"), ("GM0037", "Stadskanaal")] {
        zorgsignaal::server::db::organisations::upsert_municipality(&app.pool, code, name, region)
            .await
            .unwrap();
    }
    zorgsignaal::server::db::users::add_analyst_municipality(&app.pool, analyst.id, "GM0014")
        .await
        .unwrap();
    let client = app.client();
    app.login(&client, &analyst.email, &analyst.password).await;

    let list: Vec<zorgsignaal::domain::views::Municipality> = app
        .call(&client, "report_municipalities", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(),
        ["GM0014"]
    );
    assert_eq!(
        app.call(&client, "region_overview", &[]).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn log_in_and_log_out_are_audited_without_the_password() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    let client = app.client();
    app.login(&client, &user.email, "fout-wachtwoord").await;
    app.login(&client, &user.email, &user.password).await;
    app.call(&client, "logout", &[]).await;
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT action, result FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        rows,
        [
            ("login".to_string(), "failed".to_string()),
            ("login".to_string(), "success".to_string()),
            ("logout".to_string(), "success".to_string())
        ]
    );
    let leaked = app
        .count("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%wachtwoord%'")
        .await;
    assert_eq!(leaked, 0);
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_deleted() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    app.login(&app.client(), &user.email, &user.password).await;
    for sql in [
        "UPDATE audit_log SET result = 'denied'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        // The app's own role may not at all …
        let err = sqlx::query(sql).execute(&app.pool).await.unwrap_err();
        assert!(err.to_string().contains("permission denied"), "{sql}: {err}");
        // … and the owner is stopped by the trigger.
        let err = sqlx::query(sql).execute(&app.owner).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn bad_form_input_gets_dutch_field_messages_and_keeps_the_email() {
    use zorgsignaal::domain::login::LoginField;
    let app = TestApp::spawn().await;
    let res = app.login(&app.client(), "geen-adres", "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err = error_of(res).await;
    assert_eq!(
        err.field_message(LoginField::Email).as_deref(),
        Some("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.")
    );
    assert_eq!(
        err.field_message(LoginField::Password).as_deref(),
        Some("Vul je wachtwoord in.")
    );
    assert_eq!(err.echoed(LoginField::Email).as_deref(), Some("geen-adres"));
}
