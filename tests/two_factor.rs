//! Two-factor log-in against the real server and database: who must set
//! up an app, that a password alone is no log-in then, codes that work
//! once, recovery codes, the shared lock, the region's setting, and
//! password changes that end every other session.

mod common;

use common::{
    two_factor::{code_at, enrol, now_step, secret_of},
    TestApp, TestUser, PASSWORD,
};
use reqwest::Client;
use serde_json::Value;
use zorgsignaal::domain::{role::Role, two_factor::Setup};

async fn json(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

/// Logs in with the password; returns the client and the step the server names.
async fn password_step(app: &TestApp, user: &TestUser) -> (Client, String) {
    let client = app.client();
    let res = app.login(&client, &user.email, &user.password).await;
    assert_eq!(res.status(), 200);
    let step = json(res).await.as_str().unwrap().to_string();
    (client, step)
}

/// A user with `role` who is held to the second-factor rules.
async fn held_to_rules(app: &TestApp, role: Role) -> TestUser {
    app.user().roles(&[role]).with_two_factor_rules().create().await
}

/// Whether `client` is logged in, by the server's own answer.
async fn logged_in(app: &TestApp, client: &Client) -> bool {
    let res = app.call(client, "me", &[]).await;
    assert_eq!(res.status(), 200);
    !json(res).await.is_null()
}

#[tokio::test]
async fn an_analyst_sets_up_an_app_before_anything_else_and_only_hashes_of_recovery_codes_are_kept() {
    let app = TestApp::spawn().await;
    let gert = held_to_rules(&app, Role::MunicipalityAnalyst).await;
    let (client, step) = password_step(&app, &gert).await;
    assert_eq!(step, "Enrol");
    assert!(
        !logged_in(&app, &client).await,
        "a password alone is not a log-in"
    );
    assert_eq!(app.call(&client, "account", &[]).await.status(), 401);
    assert_eq!(app.call(&client, "report", &[]).await.status(), 401);
    // The log-in code step is not this session's step.
    assert_eq!(
        app.call(&client, "login_code", &[("code", "123456")])
            .await
            .status(),
        401
    );

    // The set-up page keeps its secret over reloads until it is confirmed.
    let first: Setup = app
        .call(&client, "two_factor_setup", &[])
        .await
        .json()
        .await
        .unwrap();
    let again: Setup = app
        .call(&client, "two_factor_setup", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first.secret, again.secret);
    assert!(first.at_login);
    let secret = secret_of(&first);
    let wrong = app
        .call(&client, "confirm_two_factor", &[("code", "000000")])
        .await;
    let wrong = if code_at(&secret, now_step()) == "000000" {
        app.call(&client, "confirm_two_factor", &[("code", "000001")])
            .await
    } else {
        wrong
    };
    assert_eq!(wrong.status(), 422);
    assert!(json(wrong).await.to_string().contains("Deze code klopt niet"));
    assert!(!logged_in(&app, &client).await);

    let res = app
        .call(
            &client,
            "confirm_two_factor",
            &[("code", &code_at(&secret, now_step()))],
        )
        .await;
    assert_eq!(res.status(), 200);
    let codes: Vec<String> = res.json().await.unwrap();
    assert_eq!(codes.len(), 10);
    assert!(
        logged_in(&app, &client).await,
        "setting up the app finishes the log-in"
    );
    assert_eq!(app.call(&client, "account", &[]).await.status(), 200);

    // Only SHA-256 of each code is stored; the codes themselves nowhere.
    for code in &codes {
        let plain = code.replace('-', "");
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) FROM recovery_codes WHERE code_hash = sha256('{plain}'::bytea) AND used_at IS NULL"
            ))
            .await,
            1
        );
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE object_ids::text LIKE '%{}%'",
            codes[0].replace('-', "")
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn with_an_app_a_code_works_once_and_a_recovery_code_once() {
    let app = TestApp::spawn().await;
    let rita = held_to_rules(&app, Role::RegionAdmin).await;
    let (first, _) = password_step(&app, &rita).await;
    let (secret, used_step, codes) = enrol(&app, &first).await;

    let (client, step) = password_step(&app, &rita).await;
    assert_eq!(step, "Code");
    assert!(!logged_in(&app, &client).await);
    assert_eq!(app.call(&client, "region_two_factor", &[]).await.status(), 401);
    // Bad input gets a message beside the field.
    let res = app.call(&client, "login_code", &[("code", "12ab")]).await;
    assert_eq!(res.status(), 422);
    assert!(json(res).await.to_string().contains("6 cijfers"));
    // The code that confirmed the app was used: not again.
    let res = app
        .call(&client, "login_code", &[("code", &code_at(&secret, used_step))])
        .await;
    assert_eq!(res.status(), 422);
    assert!(!logged_in(&app, &client).await);
    // The next step's code (accepted one step early) logs in...
    let next = code_at(&secret, used_step + 1);
    let res = app.call(&client, "login_code", &[("code", &next)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(logged_in(&app, &client).await);
    assert_eq!(app.call(&client, "region_two_factor", &[]).await.status(), 200);
    // ...and only once.
    let (other, _) = password_step(&app, &rita).await;
    assert_eq!(
        app.call(&other, "login_code", &[("code", &next)]).await.status(),
        422
    );

    // A recovery code, typed in lower case with spaces, works once.
    let typed = codes[3].to_lowercase().replace('-', " ");
    assert_eq!(
        app.call(&other, "login_code", &[("code", &typed)]).await.status(),
        200
    );
    assert!(logged_in(&app, &other).await);
    let (third, _) = password_step(&app, &rita).await;
    assert_eq!(
        app.call(&third, "login_code", &[("code", &codes[3])])
            .await
            .status(),
        422
    );
    assert!(!logged_in(&app, &third).await);

    // New codes replace the old: an old unused one no longer works.
    let res = app
        .call(&client, "renew_recovery_codes", &[("wachtwoord_codes", "fout")])
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call(&client, "renew_recovery_codes", &[("wachtwoord_codes", PASSWORD)])
        .await;
    assert_eq!(res.status(), 200);
    let renewed: Vec<String> = res.json().await.unwrap();
    assert_eq!(
        app.call(&third, "login_code", &[("code", &codes[5])])
            .await
            .status(),
        422
    );
    assert_eq!(
        app.call(&third, "login_code", &[("code", &renewed[0])])
            .await
            .status(),
        200
    );

    // A region admin must keep the app.
    assert_eq!(
        app.call(&client, "disable_two_factor", &[("wachtwoord_uit", PASSWORD)])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn wrong_codes_count_towards_the_account_lock_and_a_pending_step_expires() {
    let app = TestApp::spawn().await;
    let gert = held_to_rules(&app, Role::MunicipalityAnalyst).await;
    let (first, _) = password_step(&app, &gert).await;
    let (secret, used_step, _) = enrol(&app, &first).await;

    // Giving the password again between tries does not clear the count.
    let wrong = if code_at(&secret, used_step + 1) == "999999" {
        "999998"
    } else {
        "999999"
    };
    for _ in 0..5 {
        let (client, step) = password_step(&app, &gert).await;
        assert_eq!(step, "Code");
        // Wrong for every step near now (a 1-in-a-million collision aside).
        let res = app.call(&client, "login_code", &[("code", wrong)]).await;
        assert_eq!(res.status(), 422);
    }
    assert_eq!(
        app.login(&app.client(), &gert.email, &gert.password)
            .await
            .status(),
        429,
        "five wrong codes lock the account, as five wrong passwords do"
    );

    // A second step left waiting too long is over.
    let app = TestApp::spawn().await;
    let rita = held_to_rules(&app, Role::RegionAdmin).await;
    let (client, step) = password_step(&app, &rita).await;
    assert_eq!(step, "Enrol");
    app.execute("UPDATE sessions SET created_at = now() - interval '11 minutes' WHERE stage <> 'full'")
        .await;
    assert_eq!(app.call(&client, "two_factor_setup", &[]).await.status(), 401);
}

#[tokio::test]
async fn a_region_can_ask_everyone_for_a_second_factor() {
    let app = TestApp::spawn().await;
    let anna = app.user().with_two_factor_rules().create().await;
    let rita = app.user().roles(&[Role::RegionAdmin]).create().await;
    let (_, step) = password_step(&app, &anna).await;
    assert_eq!(step, "Done", "a professional needs no app unless the region asks");

    let anna_client = app.logged_in(&anna).await;
    assert_eq!(
        app.call(&anna_client, "set_region_two_factor", &[("iedereen", "ja")])
            .await
            .status(),
        403
    );
    let admin = app.logged_in(&rita).await;
    let res = app
        .call(&admin, "set_region_two_factor", &[("iedereen", "misschien")])
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        app.call(&admin, "set_region_two_factor", &[("iedereen", "ja")])
            .await
            .status(),
        200
    );
    assert_eq!(
        json(app.call(&admin, "region_two_factor", &[]).await).await,
        Value::Bool(true)
    );
    let (client, step) = password_step(&app, &anna).await;
    assert_eq!(step, "Enrol");
    let _ = enrol(&app, &client).await;
    assert!(logged_in(&app, &client).await);
    // Required by the region: she cannot turn it off.
    assert_eq!(
        app.call(&client, "disable_two_factor", &[("wachtwoord_uit", PASSWORD)])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action = 'two_factor_for_all_on' AND result = 'success'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_professional_turns_the_app_off_or_replaces_it_only_with_the_password_and_a_code() {
    let app = TestApp::spawn().await;
    let anna = app.user().with_two_factor_rules().create().await;
    let client = app.logged_in(&anna).await;
    let (secret, used, codes) = enrol(&app, &client).await;
    let (_, step) = password_step(&app, &anna).await;
    assert_eq!(step, "Code", "an app once set up is asked for");
    let call = |endpoint: &'static str, args: Vec<(&'static str, String)>| {
        let (app, client) = (&app, &client);
        async move {
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(client, endpoint, &args).await
        }
    };
    let wrong_code = if code_at(&secret, used + 1) == "999999" {
        "999998"
    } else {
        "999999"
    };
    let refused_at = |res: reqwest::Response, field: &'static str| async move {
        assert_eq!(res.status(), 422);
        let body = json(res).await.to_string();
        assert!(body.contains(field), "{field}: {body}");
    };

    // Off: the password alone is not enough (a missing code is a message, not a guess).
    let off = |password: &str, code: &str| {
        vec![
            ("wachtwoord_uit", password.to_string()),
            ("code_uit", code.to_string()),
        ]
    };
    refused_at(call("disable_two_factor", off(PASSWORD, "")).await, "code_uit").await;
    refused_at(
        call("disable_two_factor", off("niet-het-wachtwoord", &codes[0])).await,
        "wachtwoord_uit",
    )
    .await;
    refused_at(
        call("disable_two_factor", off(PASSWORD, wrong_code)).await,
        "code_uit",
    )
    .await;

    // Another app in place of this one asks the same.
    let setup: Setup = call("two_factor_setup", vec![]).await.json().await.unwrap();
    assert!(setup.replacing && !setup.at_login);
    let next = secret_of(&setup);
    let new_code = || code_at(&next, now_step());
    refused_at(
        call("confirm_two_factor", vec![("code", new_code())]).await,
        "wachtwoord_vervangen",
    )
    .await;
    let wrong_password = vec![
        ("code", new_code()),
        ("wachtwoord_vervangen", "fout".to_string()),
        ("code_vervangen", wrong_code.to_string()),
    ];
    refused_at(
        call("confirm_two_factor", wrong_password).await,
        "wachtwoord_vervangen",
    )
    .await;
    let replace = vec![
        ("code", new_code()),
        ("wachtwoord_vervangen", PASSWORD.to_string()),
        ("code_vervangen", code_at(&secret, now_step().max(used + 1))),
    ];
    let res = call("confirm_two_factor", replace).await;
    assert_eq!(res.status(), 200);
    let renewed: Vec<String> = res.json().await.unwrap();

    // Every wrong password or code given again counts towards the account's
    // lock and is audited (an empty one is only a message); at five the
    // account is locked, the right password too.
    for _ in 0..2 {
        refused_at(
            call("renew_recovery_codes", vec![("wachtwoord_codes", "fout".into())]).await,
            "wachtwoord_codes",
        )
        .await;
    }
    assert_eq!(
        call(
            "renew_recovery_codes",
            vec![("wachtwoord_codes", PASSWORD.into())]
        )
        .await
        .status(),
        429
    );
    assert_eq!(
        app.login(&app.client(), &anna.email, &anna.password)
            .await
            .status(),
        429
    );
    let audited = |result: &str| {
        format!("SELECT count(*) FROM audit_log WHERE action = 'reauthenticate' AND result = '{result}' AND user_id = '{}'", anna.id)
    };
    assert_eq!(app.count(&audited("failed")).await, 5);
    assert_eq!(app.count(&audited("success")).await, 1);
    assert_eq!(app.count(&audited("denied")).await, 1, "the try while locked");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM login_attempts WHERE email = '{}' AND NOT succeeded",
            anna.email
        ))
        .await,
        5
    );

    // A quarter of an hour later: the old recovery codes went with the old app.
    app.execute("UPDATE login_attempts SET at = at - interval '16 minutes'")
        .await;
    let (later, _) = password_step(&app, &anna).await;
    assert_eq!(
        app.call(&later, "login_code", &[("code", &codes[1])])
            .await
            .status(),
        422
    );
    assert_eq!(
        app.call(&later, "login_code", &[("code", &renewed[0])])
            .await
            .status(),
        200
    );
    // Off with the password and a recovery code of the new app.
    let res = call("disable_two_factor", off(PASSWORD, &renewed[1])).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let (_, step) = password_step(&app, &anna).await;
    assert_eq!(step, "Done");
    assert_eq!(app.count("SELECT count(*) FROM recovery_codes").await, 0);
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_bad_input_gets_its_message() {
    let app = TestApp::spawn().await;
    let anna = app.user().create().await;
    let here = app.logged_in(&anna).await;
    let elsewhere = app.logged_in(&anna).await;
    let new = "een-heel-nieuw-wachtwoord";

    for (args, field) in [
        (
            vec![("current", "fout"), ("new_password", new), ("repeat", new)],
            "current",
        ),
        (
            vec![
                ("current", PASSWORD),
                ("new_password", "kort"),
                ("repeat", "kort"),
            ],
            "new_password",
        ),
        (
            vec![("current", PASSWORD), ("new_password", new), ("repeat", "anders")],
            "repeat",
        ),
    ] {
        let res = app.call(&here, "change_password", &args).await;
        assert_eq!(res.status(), 422);
        assert!(json(res).await.to_string().contains(field), "{field}");
    }
    assert!(logged_in(&app, &elsewhere).await, "nothing changed yet");

    let res = app
        .call(
            &here,
            "change_password",
            &[("current", PASSWORD), ("new_password", new), ("repeat", new)],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await, Value::from(1), "one other session ended");
    assert!(logged_in(&app, &here).await, "this session goes on");
    assert!(!logged_in(&app, &elsewhere).await, "the other one is over");
    assert_eq!(
        app.login(&app.client(), &anna.email, PASSWORD).await.status(),
        401
    );
    assert_eq!(app.login(&app.client(), &anna.email, new).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'password_changed'")
            .await,
        1
    );
}

#[tokio::test]
async fn an_apps_secret_is_sealed_at_rest_and_one_stored_readable_before_is_sealed_at_start_up() {
    let app = TestApp::spawn().await;
    let rita = held_to_rules(&app, Role::RegionAdmin).await;
    let (first, _) = password_step(&app, &rita).await;
    let (secret, used_step, _) = enrol(&app, &first).await;
    let stored = || async {
        sqlx::query_scalar::<_, Vec<u8>>("SELECT totp_secret FROM users WHERE id = $1")
            .bind(rita.id)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let sealed = stored().await;
    assert_eq!(sealed.len(), 48, "nonce, secret, tag");
    assert!(
        !sealed.windows(secret.len()).any(|w| w == secret.as_slice()),
        "not readable"
    );

    // As an earlier version stored it: readable. The next start seals it,
    // and the app's codes still work.
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    // The app may no longer write it readable, not even by mistake.
    let res = sqlx::query(&format!(
        "UPDATE users SET totp_secret = decode('{hex}', 'hex') WHERE id = '{}'",
        rita.id
    ))
    .execute(&app.pool)
    .await;
    let refused = res.unwrap_err().to_string();
    assert!(
        refused.contains("users_totp_secret_sealed_only"),
        "a readable secret is refused: {refused}"
    );
    // A database from before this release had no such check.
    app.execute_as_owner("ALTER TABLE users DROP CONSTRAINT users_totp_secret_sealed_only")
        .await;
    app.execute(&format!(
        "UPDATE users SET totp_secret = decode('{hex}', 'hex') WHERE id = '{}'",
        rita.id
    ))
    .await;
    let again = app.second_instance().await;
    let resealed = stored().await;
    assert_eq!(resealed.len(), 48);
    assert_ne!(resealed, sealed, "a fresh nonce");
    logs_in_with_code(&again, &rita, &code_at(&secret, used_step + 1)).await;
}

/// Replacing TOTP_KEY without downtime: every instance learns the new key
/// (TOTP_KEY_OTHER), then runs with it as TOTP_KEY and the old one beside
/// it; the first such start moves the secrets on, and the apps go on
/// working on every instance; a key that opens none of them is refused.
#[tokio::test]
async fn a_new_totp_key_moves_every_secret_on_and_a_wrong_one_is_refused() {
    const OLD: &str = "the-first-totp-key-0123456789abcdef";
    const NEW: &str = "the-second-totp-key-0123456789abcdef";
    let app = TestApp::spawn_with(&[("TOTP_KEY", OLD)]).await;
    let rita = held_to_rules(&app, Role::RegionAdmin).await;
    let (first, _) = password_step(&app, &rita).await;
    let (secret, used_step, _) = enrol(&app, &first).await;
    let stored = || async {
        sqlx::query_scalar::<_, Vec<u8>>("SELECT totp_secret FROM users WHERE id = $1")
            .bind(rita.id)
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let key = |k: &str| zorgsignaal::server::sealed::derive_key(&[b"zorgsignaal totp", k.as_bytes()]);
    let opens = |k: &str, s: &[u8]| zorgsignaal::server::sealed::open(&key(k), rita.id.as_bytes(), s);
    assert_eq!(opens(OLD, &stored().await).as_deref(), Some(secret.as_slice()));

    // First every instance learns the new key beside the old one: nothing moves.
    let learning = app
        .second_instance_with(&[("TOTP_KEY", OLD), ("TOTP_KEY_OTHER", NEW)])
        .await;
    assert_eq!(opens(OLD, &stored().await).as_deref(), Some(secret.as_slice()));
    // Then the new key becomes TOTP_KEY: the first such instance moves the
    // secrets, and an instance of the first step still opens them.
    let again = app
        .second_instance_with(&[("TOTP_KEY", NEW), ("TOTP_KEY_OTHER", OLD)])
        .await;
    let moved = stored().await;
    assert_eq!(
        opens(NEW, &moved).as_deref(),
        Some(secret.as_slice()),
        "sealed with the new key"
    );
    assert_eq!(opens(OLD, &moved), None);
    logs_in_with_code(&again, &rita, &code_at(&secret, used_step + 1)).await;
    // (The step's code is used up: a wrong one shows the instance opens
    // the moved secret — "wrong code", 422 — where one that could not
    // would fail with 500.)
    let (client, _) = password_step(&learning, &rita).await;
    let wrong = if code_at(&secret, used_step + 1) == "999999" {
        "999998"
    } else {
        "999999"
    };
    let res = learning.call(&client, "login_code", &[("code", wrong)]).await;
    assert_eq!(res.status(), 422, "{}", res.text().await.unwrap());
    // Started again with the new key alone: nothing left to move.
    app.second_instance_with(&[("TOTP_KEY", NEW)]).await;
    assert_eq!(stored().await, moved);

    // A key that opens none of the stored secrets: the instance refuses to start.
    let env = std::collections::HashMap::from([
        ("DATABASE_URL".to_string(), app.database_url()),
        (
            "TOTP_KEY".to_string(),
            "a-wrong-totp-key-0123456789abcdefgh".to_string(),
        ),
    ]);
    let config = zorgsignaal::server::config::Config::from_lookup(|k| env.get(k).cloned()).unwrap();
    let state = zorgsignaal::server::startup::state(config).unwrap();
    let refused = zorgsignaal::server::startup::prepare(&state).await.unwrap_err();
    assert!(refused.contains("TOTP_KEY opent geen"), "{refused}");
    assert_eq!(stored().await, moved, "nothing touched");
}

/// `who` logs in on `app` with the password and then `code`.
async fn logs_in_with_code(app: &TestApp, who: &TestUser, code: &str) {
    let (client, step) = password_step(app, who).await;
    assert_eq!(step, "Code");
    let res = app.call(&client, "login_code", &[("code", code)]).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}
