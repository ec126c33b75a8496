//! Registrations, signals, matches, the youth page, lifecycle and audit,
//! against the real server and database.

mod common;

use common::{TestApp, TestUser};
use reqwest::{header, Client};
use serde_json::Value;
use zorgsignaal::{
    domain::{organisation::OrganisationKind, role::Role},
    server::jobs,
};

const BSN: &str = "123456782";

fn youth<'a>(bsn: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut args = vec![
        ("bsn", bsn),
        ("given_names", "Jan"),
        ("prefix", "de"),
        ("family_name", "Vries"),
        ("birth_date", "2014-03-31"),
        ("municipality_code", "GM0014"),
    ];
    for (k, v) in extra {
        match args.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v,
            None => args.push((k, v)),
        }
    }
    args
}

async fn professional(app: &TestApp, kind: OrganisationKind) -> (TestUser, Client) {
    app.municipality().await;
    let user = app.user().organisation_kind(kind).create().await;
    let client = app.logged_in(&user).await;
    (user, client)
}

async fn register(app: &TestApp, client: &Client, bsn: &str) -> reqwest::Response {
    app.call(client, "register", &youth(bsn, &[])).await
}

async fn signal(app: &TestApp, client: &Client, bsn: &str, kind: &str) -> reqwest::Response {
    app.call(client, "signal", &youth(bsn, &[("kind", kind)])).await
}

async fn json(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

#[tokio::test]
async fn schools_and_police_may_give_signals_but_not_register() {
    let app = TestApp::spawn().await;
    for kind in [OrganisationKind::School, OrganisationKind::Politie] {
        let (_, client) = professional(&app, kind).await;
        let res = register(&app, &client, BSN).await;
        assert_eq!(res.status(), 403, "{kind:?} may not register");
        let res = signal(&app, &client, BSN, "veiligheid").await;
        assert_eq!(res.status(), 200, "{kind:?} may signal");
    }
    assert_eq!(app.count("SELECT count(*) FROM registrations").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM signals").await, 2);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action = 'registration_create' AND result = 'denied'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_match_is_recorded_when_a_second_organisation_becomes_involved_and_not_before() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let (_, colleague) = professional(&app, OrganisationKind::Jgz).await;
    let (_, carla) = professional(&app, OrganisationKind::School).await;
    let (_, eva) = professional(&app, OrganisationKind::Ggz).await;

    assert_eq!(register(&app, &anna, BSN).await.status(), 200);
    assert_eq!(register(&app, &colleague, BSN).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM match_events").await,
        0,
        "one organisation is no match"
    );
    assert_eq!(
        app.count("SELECT involved_organisations::bigint FROM youths")
            .await as i32,
        1
    );

    assert_eq!(signal(&app, &carla, BSN, "onderwijs_verzuim").await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM match_events WHERE kind = 'new'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT involved_organisations::bigint FROM youths")
            .await as i32,
        2
    );
    assert_eq!(
        app.count("SELECT count(*) FROM youths WHERE matched_at IS NOT NULL")
            .await,
        1
    );

    // A second signal of the same professional changes nothing; a third organisation extends.
    assert_eq!(signal(&app, &carla, BSN, "veiligheid").await.status(), 200);
    assert_eq!(app.count("SELECT count(*) FROM match_events").await, 1);
    assert_eq!(register(&app, &eva, BSN).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM match_events WHERE kind = 'extended'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_second_registration_of_the_same_professional_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    assert_eq!(register(&app, &anna, BSN).await.status(), 200);
    let res = register(&app, &anna, BSN).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("al geregistreerd"), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM registrations").await, 1);
}

#[tokio::test]
async fn invalid_input_gets_dutch_messages_per_field_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let res = app
        .call(
            &anna,
            "register",
            &youth("123456789", &[("birth_date", "2000-01-01")]),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = json(res).await;
    let fields = body["Invalid"]["fields"].as_array().unwrap();
    let messages: Vec<(&str, &str)> = fields
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert!(
        messages
            .iter()
            .any(|(f, m)| *f == "bsn" && m.contains("elfproef")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|(f, m)| *f == "birth_date" && m.contains("23 jaar")),
        "{messages:?}"
    );
    assert_eq!(app.count("SELECT count(*) FROM youths").await, 0);
}

#[tokio::test]
async fn a_youth_of_22_is_accepted_and_one_of_23_is_not() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let today = chrono::Local::now().date_naive();
    let birthday = |years: u32| today.checked_sub_months(chrono::Months::new(12 * years)).unwrap();
    let almost_23 = (birthday(23) + chrono::Duration::days(1)).to_string();
    let turned_23 = birthday(23).to_string();
    let ok = app
        .call(&anna, "register", &youth(BSN, &[("birth_date", &almost_23)]))
        .await;
    assert_eq!(ok.status(), 200);
    let too_old = app
        .call(
            &anna,
            "register",
            &youth("111222333", &[("birth_date", &turned_23)]),
        )
        .await;
    assert_eq!(too_old.status(), 422);
}

#[tokio::test]
async fn a_known_bsn_and_a_new_bsn_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let (_, bram) = professional(&app, OrganisationKind::Wijkteam).await;
    assert_eq!(register(&app, &anna, BSN).await.status(), 200);

    let known = register(&app, &bram, BSN).await;
    let fresh = register(&app, &bram, "111222333").await;
    assert_eq!(known.status(), fresh.status());
    let (known, fresh) = (json(known).await, json(fresh).await);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&known), keys(&fresh));
    assert_eq!(known["until"], fresh["until"]);
}

#[tokio::test]
async fn other_stored_data_is_recorded_without_a_check_and_never_shown() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let (_, bram) = professional(&app, OrganisationKind::Wijkteam).await;
    assert_eq!(register(&app, &anna, BSN).await.status(), 200);

    // Another name and date of birth: recorded, not refused (a refusal would
    // tell Bram the child is known); Bram's answer holds nothing stored.
    let other = youth(BSN, &[("given_names", "Pieter"), ("birth_date", "2015-01-01")]);
    let res = app.call(&bram, "register", &other).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(
        !body.contains("Jan") && !body.contains("2014"),
        "stored values must not be shown: {body}"
    );
    assert_eq!(app.count("SELECT count(*) FROM registrations").await, 2);
    assert_eq!(
        app.count("SELECT count(*) FROM youths WHERE given_names = 'Jan'")
            .await,
        1,
        "the stored data stays"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM youth_versions WHERE given_names = 'Pieter' AND birth_date = '2015-01-01'"
        )
        .await,
        1,
        "Bram's organisation keeps its own version"
    );
    // A form field that asked to confirm the data is gone; sent anyway, it is ignored.
    let mut confirmed = youth("111222333", &[]);
    confirmed.push(("confirmed", "ja"));
    assert_ne!(app.call(&bram, "register", &confirmed).await.status(), 500);
}

async fn youth_id(app: &TestApp) -> String {
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM youths LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    id.to_string()
}

#[tokio::test]
async fn someone_not_involved_gets_the_same_not_found_as_for_an_unknown_youth_and_an_audit_row() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let (_, bram) = professional(&app, OrganisationKind::Wijkteam).await;
    register(&app, &anna, BSN).await;
    let id = youth_id(&app).await;
    let unknown = uuid::Uuid::new_v4().to_string();

    let a = app.call(&bram, "youth", &[("id", &id)]).await;
    let b = app.call(&bram, "youth", &[("id", &unknown)]).await;
    assert_eq!(a.status(), 404);
    assert_eq!(b.status(), 404);
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());

    let pa = app.page(&bram, &format!("/jeugdigen/{id}")).await;
    let pb = app.page(&bram, &format!("/jeugdigen/{unknown}")).await;
    assert_eq!(pa.status(), 404);
    assert_eq!(pb.status(), 404);
    let (ta, tb) = (pa.text().await.unwrap(), pb.text().await.unwrap());
    assert!(ta.contains("Deze jeugdige is niet gevonden") && !ta.contains("Vries"));
    assert!(tb.contains("Deze jeugdige is niet gevonden"));
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'youth_view' AND result = 'denied'")
            .await,
        4
    );

    let ok = app.call(&anna, "youth", &[("id", &id)]).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'youth_view' AND result = 'success'")
            .await,
        1
    );
}

#[tokio::test]
async fn another_organisation_never_sees_a_signal_kind() {
    let app = TestApp::spawn().await;
    let (_, carla) = professional(&app, OrganisationKind::School).await;
    let (anna_user, anna) = professional(&app, OrganisationKind::Jgz).await;
    assert_eq!(signal(&app, &carla, BSN, "middelengebruik").await.status(), 200);
    assert_eq!(register(&app, &anna, BSN).await.status(), 200);
    let id = youth_id(&app).await;

    let secret = ["middelengebruik", "Middelengebruik"];
    let seen = [
        app.call(&anna, "youth", &[("id", &id)])
            .await
            .text()
            .await
            .unwrap(),
        app.call(&anna, "my_youths", &[]).await.text().await.unwrap(),
        app.page(&anna, &format!("/jeugdigen/{id}"))
            .await
            .text()
            .await
            .unwrap(),
        app.page(&anna, "/jeugdigen").await.text().await.unwrap(),
    ];
    for text in &seen {
        assert!(text.contains("Vries"), "anna sees the youth");
        assert!(
            secret.iter().all(|s| !text.contains(s)),
            "anna must not see the signal kind: {text}"
        );
    }
    // Anna sees Carla's organisation and contact details.
    assert!(seen[0].contains("Organisatie school") && seen[0].contains("050 000 0000"));
    let token = app.api_token(anna_user.organisation_id, anna_user.id).await;
    let api = app
        .client()
        .get(app.url("/api/v1/signals"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let api = api.text().await.unwrap();
    assert!(secret.iter().all(|s| !api.contains(s)), "{api}");

    // Carla herself sees the kind of her own signal.
    let own = app
        .call(&carla, "youth", &[("id", &id)])
        .await
        .text()
        .await
        .unwrap();
    assert!(own.contains("Middelengebruik"));
}

#[tokio::test]
async fn ending_closing_and_reopening_change_who_counts_for_the_match() {
    let app = TestApp::spawn().await;
    let (anna_user, anna) = professional(&app, OrganisationKind::Jgz).await;
    let (_, carla) = professional(&app, OrganisationKind::School).await;
    register(&app, &anna, BSN).await;
    signal(&app, &carla, BSN, "gezondheid").await;
    assert_eq!(
        app.count("SELECT involved_organisations::bigint FROM youths")
            .await as i32,
        2
    );

    let reg: uuid::Uuid = sqlx::query_scalar("SELECT id FROM registrations WHERE user_id = $1")
        .bind(anna_user.id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let bad = app
        .call(
            &anna,
            "end_registration",
            &[("id", &reg.to_string()), ("reason", "")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let other = app
        .call(
            &carla,
            "end_registration",
            &[("id", &reg.to_string()), ("reason", "help_completed")],
        )
        .await;
    assert_eq!(other.status(), 404, "only the own registration can be ended");
    let ok = app
        .call(
            &anna,
            "end_registration",
            &[("id", &reg.to_string()), ("reason", "help_completed")],
        )
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        app.count("SELECT involved_organisations::bigint FROM youths")
            .await as i32,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM youths WHERE matched_at IS NULL")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM involvement_events WHERE event = 'ended'")
            .await,
        1
    );

    // Anna is no longer involved, so the page is gone for her; a new registration re-opens it.
    let id = youth_id(&app).await;
    assert_eq!(app.call(&anna, "youth", &[("id", &id)]).await.status(), 404);
    assert_eq!(register(&app, &anna, BSN).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM match_events WHERE kind = 'new'")
            .await,
        2
    );
    let detail = app
        .call(&anna, "youth", &[("id", &id)])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        detail.contains("help_completed") || detail.contains("HelpCompleted"),
        "history keeps the ended one"
    );

    let sig: uuid::Uuid = sqlx::query_scalar("SELECT id FROM signals")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let closed = app
        .call(
            &carla,
            "close_signal",
            &[("id", &sig.to_string()), ("reason", "worry_resolved")],
        )
        .await;
    assert_eq!(closed.status(), 200);
    assert_eq!(
        app.count("SELECT involved_organisations::bigint FROM youths")
            .await as i32,
        1
    );
}

#[tokio::test]
async fn the_end_date_can_be_moved_within_two_years_and_the_reminder_follows() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    register(&app, &anna, BSN).await;
    assert_eq!(
        app.count("SELECT count(*) FROM registrations WHERE end_date = (current_date + interval '2 years')::date AND reminder_due_on = end_date - 7").await,
        1
    );
    let reg: uuid::Uuid = sqlx::query_scalar("SELECT id FROM registrations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let in_a_year = (chrono::Local::now().date_naive() + chrono::Duration::days(365)).to_string();
    let res = app
        .call(
            &anna,
            "change_end_date",
            &[("id", &reg.to_string()), ("end_date", &in_a_year)],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM registrations WHERE end_date = (current_date + 365) AND reminder_due_on = end_date - 7").await,
        1
    );
    let too_far = (chrono::Local::now().date_naive() + chrono::Duration::days(3 * 365)).to_string();
    let res = app
        .call(
            &anna,
            "change_end_date",
            &[("id", &reg.to_string()), ("end_date", &too_far)],
        )
        .await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn signals_expire_after_two_years_and_youths_are_purged_on_their_23rd_birthday() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let (_, carla) = professional(&app, OrganisationKind::School).await;
    register(&app, &anna, BSN).await;
    signal(&app, &carla, BSN, "gezondheid").await;
    register(&app, &anna, "111222333").await;
    let today = chrono::Local::now().date_naive();

    // Back-date: the signal was given two years and a day ago; the second youth turns 23 today.
    app.execute("UPDATE signals SET given_at = now() - interval '2 years 1 day', expires_at = now() - interval '1 day'").await;
    app.execute(&format!(
        "UPDATE youths SET birth_date = (current_date - interval '23 years')::date WHERE {}",
        app.bsn_is("111222333")
    ))
    .await;

    let idle = std::time::Duration::from_secs(1800);
    let absolute = std::time::Duration::from_secs(12 * 3600);
    let report = jobs::run_daily_once(&app.pool, today, idle, absolute)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.expired_on_youths, 1);
    assert_eq!(report.purged_youths, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM signals WHERE close_reason = 'expired'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT involved_organisations::bigint FROM youths")
            .await as i32,
        1,
        "expired stops counting"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM youths WHERE {}",
            app.bsn_is("111222333")
        ))
        .await,
        0
    );
    assert_eq!(app.count("SELECT count(*) FROM registrations").await, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'retention_purge' AND reason LIKE '1 jeugdigen, 1 registraties, 0 signalen%'").await,
        1
    );
    // Once a day, even when asked again (another instance).
    assert!(jobs::run_daily_once(&app.pool, today, idle, absolute)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn every_action_writes_exactly_one_audit_row_and_the_log_cannot_be_changed() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    register(&app, &anna, BSN).await;
    let id = youth_id(&app).await;
    app.call(&anna, "youth", &[("id", &id)]).await;
    app.call(&anna, "my_youths", &[]).await;
    let reg: uuid::Uuid = sqlx::query_scalar("SELECT id FROM registrations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app.call(
        &anna,
        "end_registration",
        &[("id", &reg.to_string()), ("reason", "moved")],
    )
    .await;
    for action in [
        "registration_create",
        "youth_view",
        "youth_list",
        "registration_end",
    ] {
        let n = app
            .count(&format!("SELECT count(*) FROM audit_log WHERE action = '{action}' AND client_ip IS NOT NULL AND user_id IS NOT NULL"))
            .await;
        assert_eq!(n, 1, "{action}");
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE '{id}' = ANY(object_ids)"
        ))
        .await,
        4
    );
    for sql in [
        "UPDATE audit_log SET result = 'success'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        assert!(
            sqlx::query(sql).execute(&app.pool).await.is_err(),
            "{sql} must fail"
        );
    }
}

#[tokio::test]
async fn a_form_posted_without_javascript_keeps_the_bsn_out_of_the_url() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    let res = anna
        .post(app.url("/api/register"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/jeugdigen/registreren"))
        .form(&youth("123456789", &[]))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_string();
    assert!(location.starts_with("/jeugdigen/registreren") || location.contains("/jeugdigen/registreren"));
    assert!(
        !location.contains("123456789") && !location.contains("Vries"),
        "{location}"
    );
    assert_eq!(app.count("SELECT count(*) FROM flashes").await, 1);

    // A good post goes to the youth page.
    let res = anna
        .post(app.url("/api/register"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .form(&youth(BSN, &[]))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert!(res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/jeugdigen/"));
}

#[tokio::test]
async fn the_region_admin_reads_a_youths_audit_trail_by_bsn_with_a_reason_that_is_itself_audited() {
    let app = TestApp::spawn().await;
    let (_, anna) = professional(&app, OrganisationKind::Jgz).await;
    register(&app, &anna, BSN).await;
    let admin = app
        .user()
        .roles(&[Role::RegionAdmin])
        .organisation_kind(OrganisationKind::Gemeente)
        .create()
        .await;
    let rita = app.logged_in(&admin).await;
    let no_reason = app
        .call(&rita, "audit_trail", &[("bsn", BSN), ("reason", "")])
        .await;
    assert_eq!(no_reason.status(), 422);
    let res = app
        .call(
            &rita,
            "audit_trail",
            &[("bsn", BSN), ("reason", "Klacht 2026-118 van ouder")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("Registratie vastgelegd"), "{body}");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'audit_trail_view' AND reason = 'Klacht 2026-118 van ouder'").await,
        1
    );
    // A professional may not.
    assert_eq!(
        app.call(
            &anna,
            "audit_trail",
            &[("bsn", BSN), ("reason", "nieuwsgierig!!")]
        )
        .await
        .status(),
        403
    );
}
