//! An audit log the application cannot rewrite (issue 19): the app runs as
//! a role that may only INSERT and SELECT it, and every row is sealed into
//! a hash chain that `zorgsignaal verify-audit` recomputes, naming the
//! first row someone changed.

mod common;

use common::TestApp;
use zorgsignaal::server::db::audit;

#[tokio::test]
async fn the_apps_role_cannot_change_alter_or_switch_off_the_guard_of_the_audit_log() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    app.login(&app.client(), &user.email, &user.password).await;
    for sql in [
        "UPDATE audit_log SET result = 'denied'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log ADD COLUMN extra text",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_no_update_or_delete ON audit_log",
        "CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "SET session_replication_role = replica",
    ] {
        let err = sqlx::query(sql).execute(&app.pool).await.unwrap_err().to_string();
        assert!(
            err.contains("permission denied") || err.contains("must be owner"),
            "{sql}: {err}"
        );
    }
    // What it may: write rows and read them.
    assert!(app.count("SELECT count(*) FROM audit_log").await >= 1);
}

#[tokio::test]
async fn the_hash_chain_names_the_first_row_the_owner_changed_and_a_row_taken_out() {
    let app = TestApp::spawn().await;
    let user = app.user().create().await;
    for _ in 0..4 {
        app.login(&app.client(), &user.email, &user.password).await;
    }
    // Whoever inserts cannot seal a row themselves.
    sqlx::query(
        "INSERT INTO audit_log (action, result, seq, hash) VALUES ('test_forged', 'success', 999999, '\\x00')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action = 'test_forged' AND seq IS NULL AND hash IS NULL"
        )
        .await,
        1
    );
    // The app's role seals (audit_seal runs as the owner) and verifies.
    let sealed = audit::seal(&app.pool).await.unwrap();
    assert!(sealed >= 4, "{sealed}");
    let intact = audit::verify(&app.pool).await.unwrap();
    assert_eq!(intact.broken, None);
    assert_eq!(intact.sealed, sealed as i64);
    assert_eq!(audit::seal(&app.pool).await.unwrap(), 0, "each row once");
    let command = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_zorgsignaal"))
            .arg("verify-audit")
            .env("DATABASE_URL", app.database_url())
            .env("DATABASE_MIGRATE_URL", app.owner_url())
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let out = command();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("is intact"), "{stdout}");

    // The owner switches the guard off and changes row 2.
    let id2: i64 = sqlx::query_scalar("SELECT id FROM audit_log WHERE seq = 2")
        .fetch_one(&app.owner)
        .await
        .unwrap();
    app.execute_as_owner("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete")
        .await;
    app.execute_as_owner("UPDATE audit_log SET result = 'denied' WHERE seq = 2")
        .await;
    let found = audit::verify(&app.pool).await.unwrap();
    assert_eq!(
        found.broken,
        Some((2, Some(id2), "content or hash changed".to_string()))
    );

    // Put back, then a row taken out: the gap is named.
    app.execute_as_owner("UPDATE audit_log SET result = 'success' WHERE seq = 2")
        .await;
    assert_eq!(audit::verify(&app.pool).await.unwrap().broken, None, "restored");
    app.execute_as_owner("DELETE FROM audit_log WHERE seq = 3").await;
    let found = audit::verify(&app.pool).await.unwrap();
    assert_eq!(found.broken, Some((3, None, "row missing".to_string())));

    // The command says the same, and fails.
    let out = command();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("BROKEN at row 3"), "{stdout}");
}
