//! Mail: the outbox, the worker and the notices, against the real server,
//! the real database and a real SMTP server (over TCP) per test app.

mod common;

use chrono::{Duration as Days, Local};
use common::{TestApp, TestUser};
use reqwest::Client;
use std::{collections::HashMap, time::Duration};
use uuid::Uuid;
use zorgsignaal::{
    domain::{organisation::OrganisationKind, role::Role},
    server::{
        cases,
        config::mail::WorkerConfig,
        db,
        mail::{self, sink::Mode, templates::MatchNotice, To},
    },
};

const BSN: &str = "123456782";

fn youth<'a>(bsn: &'a str, kind: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut args = vec![
        ("bsn", bsn),
        ("given_names", "Jan"),
        ("prefix", "de"),
        ("family_name", "Vries"),
        ("birth_date", "2014-03-31"),
        ("municipality_code", "GM0014"),
    ];
    if let Some(k) = kind {
        args.push(("kind", k));
    }
    args
}

async fn person(app: &TestApp, name: &str, kind: OrganisationKind) -> (TestUser, Client) {
    let p = app.person(name, kind, &[Role::Professional]).await;
    (p.user, p.client)
}

async fn register(app: &TestApp, client: &Client, bsn: &str) {
    let res = app.call(client, "register", &youth(bsn, None)).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

async fn signal(app: &TestApp, client: &Client, bsn: &str, kind: &str) {
    let res = app.call(client, "signal", &youth(bsn, Some(kind))).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

/// Waits (at most 20 s) until `sql` counts `n`; fails saying `what` otherwise.
async fn wait_for_count(app: &TestApp, sql: &str, n: i64, what: &str) {
    for _ in 0..800 {
        if app.count(sql).await == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{what}: `{sql}` did not reach {n}");
}

/// Waits until no mail is waiting or being sent.
async fn wait_until_settled(app: &TestApp) {
    let sql = "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')";
    wait_for_count(app, sql, 0, "the outbox did not settle").await;
}

/// `n` queued mails to `user`, committed in one transaction.
async fn queue(app: &TestApp, user: &TestUser, n: usize) {
    let notice = MatchNotice {
        recipient_name: "Anna".into(),
        youth_id: Uuid::new_v4(),
        youth_name: "Jan de Vries".into(),
        others: vec![],
    };
    let mails: Vec<_> = (0..n)
        .map(|_| mail::mail(To::User(user.id), &notice, None, None))
        .collect();
    let mut tx = app.pool.begin().await.unwrap();
    assert_eq!(db::outbox::insert(&mut tx, &mails).await.unwrap(), n as u64);
    tx.commit().await.unwrap();
}

fn per_message_id(app: &TestApp) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for m in app.smtp.mails() {
        *seen.entry(m.message_id).or_insert(0) += 1;
    }
    seen
}

#[tokio::test]
async fn the_match_notice_reaches_exactly_the_involved_professionals_with_exactly_the_allowed_fields() {
    let app = TestApp::spawn().await;
    let (anna, anna_c) = person(&app, "Anna", OrganisationKind::Jgz).await;
    let (carla, carla_c) = person(&app, "Carla", OrganisationKind::School).await;
    let (eva, eva_c) = person(&app, "Eva", OrganisationKind::Ggz).await;
    let (_bystander, bystander_c) = person(&app, "Bram", OrganisationKind::Wijkteam).await;
    signal(&app, &bystander_c, "111222333", "opvoeding").await;

    register(&app, &anna_c, BSN).await;
    assert_eq!(
        app.count("SELECT count(*) FROM outbox").await,
        0,
        "no match, no mail"
    );
    signal(&app, &carla_c, BSN, "veiligheid").await;
    let mails = app.wait_for_mails(2).await;
    assert_eq!(mails.len(), 2);
    let to_anna = mails
        .iter()
        .find(|m| m.to == [anna.email.as_str()])
        .expect("anna is mailed");
    let to_carla = mails
        .iter()
        .find(|m| m.to == [carla.email.as_str()])
        .expect("carla is mailed");

    // Anna reads who Carla is and how to reach her, and the youth's name.
    for needle in [
        "Jan de Vries",
        "Carla",
        "Organisatie school",
        "050 000 0000",
        &carla.email,
    ] {
        assert!(
            to_anna.text.contains(needle),
            "text lacks {needle}: {}",
            to_anna.text
        );
    }
    assert!(to_anna.html.contains("Jan de Vries") && to_anna.html.contains(&carla.email));
    assert!(!to_anna.text.contains(&anna.email), "not herself");
    assert!(to_carla.text.contains("Anna") && to_carla.text.contains(&anna.email));
    // Nothing else: not the BSN, the date of birth, the signal kind or the municipality.
    for m in [to_anna, to_carla] {
        let all = format!("{}\n{}\n{}", m.subject, m.text, m.html);
        for forbidden in [
            BSN,
            "2014",
            "31-03",
            "maart",
            "veiligheid",
            "Veiligheid",
            "GM0014",
            "Groningen",
        ] {
            assert!(!all.contains(forbidden), "a match notice carries {forbidden}");
        }
        assert!(!m.subject.contains("Vries"), "no youth name in the subject");
        assert!(
            m.text.contains(&format!("{}/jeugdigen/", app.address)),
            "links to the youth page"
        );
        assert!(m.message_id.ends_with("@zorgsignaal.test>"), "{}", m.message_id);
    }

    // A third organisation extends the match: all three hear of the others.
    signal(&app, &eva_c, BSN, "gezondheid").await;
    let mails = app.wait_for_mails(5).await;
    let third: Vec<_> = mails[2..].iter().collect();
    assert_eq!(third.len(), 3);
    let mut to: Vec<String> = third.iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    let mut expected = vec![anna.email.clone(), carla.email.clone(), eva.email.clone()];
    expected.sort();
    assert_eq!(
        to, expected,
        "exactly the involved professionals, and never the bystander"
    );
    let to_eva = third.iter().find(|m| m.to == [eva.email.as_str()]).unwrap();
    assert!(to_eva.text.contains(&anna.email) && to_eva.text.contains(&carla.email));
    wait_until_settled(&app).await;
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'sent'")
            .await,
        5
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE payload <> '{}'::jsonb")
            .await,
        0,
        "a sent mail's content is not kept"
    );
}

#[tokio::test]
async fn a_disabled_account_gets_nothing_and_an_unusable_address_fails_once_with_a_reason() {
    let app = TestApp::spawn().await;
    let (anna, anna_c) = person(&app, "Anna", OrganisationKind::Jgz).await;
    let (carla, carla_c) = person(&app, "Carla", OrganisationKind::School).await;
    let (_eva, eva_c) = person(&app, "Eva", OrganisationKind::Ggz).await;
    register(&app, &anna_c, BSN).await;
    app.set_active(anna.id, false).await;
    signal(&app, &carla_c, BSN, "veiligheid").await;
    // Anna's account is off: nobody is mailed about her, and she gets nothing.
    assert_eq!(app.count("SELECT count(*) FROM outbox").await, 0);

    app.set_active(anna.id, true).await;
    app.set_email(carla.id, "geen adres@school.example").await;
    signal(&app, &eva_c, BSN, "gezondheid").await;
    wait_until_settled(&app).await;
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'sent'")
            .await,
        2
    );
    let state = app.mail_state(carla.id).await;
    let (status, attempts, error) = (state.status, state.attempts, state.last_error.unwrap_or_default());
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    assert!(error.contains("geen bruikbaar e-mailadres"), "{error}");

    // Disabled after the mail was queued: not sent either.
    let worker_less = TestApp::spawn_without_mail_worker().await;
    let (u, _) = person(&worker_less, "Dirk", OrganisationKind::Politie).await;
    queue(&worker_less, &u, 1).await;
    worker_less
        .execute(&format!("UPDATE users SET active = false WHERE id = '{}'", u.id))
        .await;
    let w = worker_less.start_mail_worker(WorkerConfig::default());
    wait_until_settled(&worker_less).await;
    w.handle.abort();
    assert_eq!(worker_less.smtp.count(), 0);
    assert_eq!(
        worker_less
            .count(
                "SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error LIKE '%uitgeschakeld%'"
            )
            .await,
        1
    );
}

#[tokio::test]
async fn with_the_smtp_server_down_mail_waits_and_is_delivered_exactly_once_when_it_returns() {
    let app = TestApp::spawn().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    app.smtp.stop();
    queue(&app, &anna, 20).await;
    // Every mail is tried and put back with a minute's wait.
    let tried = "SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 1";
    wait_for_count(&app, tried, 20, "every mail was tried once").await;
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE next_attempt_at BETWEEN now() + interval '50 seconds' AND now() + interval '61 seconds'").await,
        20,
        "the first retry is a minute later"
    );
    assert_eq!(app.smtp.count(), 0);

    app.smtp.restart().await.unwrap();
    // The minute passes.
    app.execute("UPDATE outbox SET next_attempt_at = now()").await;
    app.execute("NOTIFY outbox").await;
    wait_until_settled(&app).await;
    let seen = per_message_id(&app);
    assert_eq!(seen.len(), 20);
    assert!(seen.values().all(|n| *n == 1), "each mail exactly once: {seen:?}");
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 2")
            .await,
        20
    );
}

#[tokio::test]
async fn a_worker_that_dies_between_claiming_and_marking_sent_loses_nothing() {
    let app = TestApp::spawn_without_mail_worker().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    queue(&app, &anna, 300).await;
    let short = WorkerConfig {
        lease: Duration::from_secs(2),
        ..WorkerConfig::default()
    };
    let first = app.start_mail_worker(short.clone());
    app.wait_for_mails(40).await;
    first.handle.abort(); // the crash: claimed mails are neither sent nor settled
    let _ = first.handle.await;
    let crashed_at = app.smtp.count();
    assert!(crashed_at < 300, "the crash came before the end");
    // What the dead worker held is claimed again once its claim lapses.
    let second = app.start_mail_worker(short);
    wait_until_settled(&app).await;
    second.handle.abort();
    let seen = per_message_id(&app);
    assert_eq!(seen.len(), 300, "every mail arrived");
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'sent'")
            .await,
        300
    );
    // A mail accepted just before the crash but not yet marked may come
    // twice, with the same Message-ID so it is recognisable; never more
    // than the dead worker had in flight.
    let twice = seen.values().filter(|n| **n > 1).count();
    assert!(seen.values().all(|n| *n <= 2));
    assert!(twice <= WorkerConfig::default().concurrency, "{twice} duplicates");
}

#[tokio::test]
async fn a_worker_whose_claim_lapsed_cannot_undo_what_another_settled() {
    let app = TestApp::spawn_without_mail_worker().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    queue(&app, &anna, 1).await;
    // The slow worker's claim lapses at once; the second one takes the mail over.
    let slow = db::outbox::claim(&app.pool, 1, Duration::ZERO).await.unwrap();
    let fast = db::outbox::claim(&app.pool, 1, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!((slow.len(), fast.len()), (1, 1));
    assert_eq!(slow[0].id, fast[0].id);
    let id = fast[0].id;
    db::outbox::mark_sent(&app.pool, id).await.unwrap();
    // The slow one comes back with a refusal, and with a success: neither
    // turns the sent mail into one that is sent again or given up.
    let retry = db::outbox::Settle::RetryAfter(Duration::from_secs(1));
    db::outbox::mark_unsent(&app.pool, id, retry, "time-out")
        .await
        .unwrap();
    db::outbox::mark_unsent(&app.pool, id, db::outbox::Settle::Dead, "geweigerd")
        .await
        .unwrap();
    db::outbox::mark_sent(&app.pool, id).await.unwrap();
    let row =
        sqlx::query_as::<_, (String, Option<String>)>("SELECT status, last_error FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(row, ("sent".to_string(), None));
    // A mail that left 'sending' another way meanwhile (set by hand here)
    // keeps its state and its body when a late success comes in.
    queue(&app, &anna, 1).await;
    let late = db::outbox::claim(&app.pool, 1, Duration::from_secs(60))
        .await
        .unwrap();
    sqlx::query("UPDATE outbox SET status = 'dead' WHERE id = $1")
        .bind(late[0].id)
        .execute(&app.pool)
        .await
        .unwrap();
    db::outbox::mark_sent(&app.pool, late[0].id).await.unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM outbox WHERE id = {} AND status = 'dead' AND payload <> '{{}}'::jsonb",
            late[0].id
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn two_workers_on_one_outbox_send_every_mail_once() {
    let app = TestApp::spawn_without_mail_worker().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    let a = app.start_mail_worker(WorkerConfig::default());
    let b = app.start_mail_worker(WorkerConfig::default());
    for _ in 0..10 {
        queue(&app, &anna, 50).await;
    }
    wait_until_settled(&app).await;
    let seen = per_message_id(&app);
    assert_eq!(seen.len(), 500);
    assert!(seen.values().all(|n| *n == 1), "a mail was sent twice");
    assert_eq!(app.smtp.count(), 500, "counted at the SMTP server");
    // Both took part: neither holds a lock the other waits for.
    let _ = a.stop.send(true);
    let _ = b.stop.send(true);
    tokio::time::timeout(Duration::from_secs(10), a.handle)
        .await
        .unwrap()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), b.handle)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn asked_to_stop_the_worker_finishes_the_mail_in_flight_and_claims_no_more() {
    let app = TestApp::spawn_without_mail_worker().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    queue(&app, &anna, 400).await;
    let w = app.start_mail_worker(WorkerConfig::default());
    app.wait_for_mails(30).await;
    w.stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), w.handle)
        .await
        .unwrap()
        .unwrap();
    let received = app.smtp.count() as i64;
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'sending'")
            .await,
        0,
        "nothing left claimed"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'sent'")
            .await,
        received,
        "what went out is marked sent"
    );
    assert!(received < 400, "it stopped claiming");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.smtp.count() as i64,
        received,
        "nothing is sent after it stopped"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= now()")
            .await,
        400 - received
    );
}

#[tokio::test]
async fn a_refusing_server_gets_backoff_then_the_mail_is_dead_and_the_region_admin_retries_it() {
    let app = TestApp::spawn().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    app.smtp.set_mode(Mode::RefuseTemporarily);
    queue(&app, &anna, 1).await;
    let attempt = |n: i32| {
        let app = &app;
        async move {
            let sql = format!("SELECT count(*) FROM outbox WHERE attempts = {n} AND status <> 'sending'");
            wait_for_count(app, &sql, 1, &format!("attempt {n}")).await;
        }
    };
    attempt(1).await;
    let waits: Vec<i64> = vec![60, 120, 240];
    for (i, wait) in waits.iter().enumerate() {
        let secs = app
            .count("SELECT extract(epoch FROM next_attempt_at - now())::bigint FROM outbox")
            .await;
        assert!(
            (wait - 10..=*wait).contains(&secs),
            "after attempt {} the wait is {secs} s, not about {wait}",
            i + 1
        );
        assert!(
            app.count("SELECT count(*) FROM outbox WHERE status = 'pending' AND last_error LIKE '%451%'")
                .await
                == 1
        );
        app.execute("UPDATE outbox SET next_attempt_at = now()").await;
        app.execute("NOTIFY outbox").await;
        attempt(i as i32 + 2).await;
    }
    // 48 hours pass: the next failure is the last.
    app.execute("UPDATE outbox SET next_attempt_at = now(), give_up_at = now() + interval '1 minute'")
        .await;
    app.execute("NOTIFY outbox").await;
    attempt(5).await;
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'dead'")
            .await,
        1
    );
    assert_eq!(app.smtp.count(), 0);

    // The region admin of the recipient's region sees it and sends it again.
    let admin = app.user().roles(&[Role::RegionAdmin]).create().await;
    let admin_c = app.logged_in(&admin).await;
    let list: serde_json::Value = app
        .call(&admin_c, "mail_outbox", &[("status", "dead")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["counts"][3], serde_json::json!(["dead", 1]));
    let row = &list["rows"][0];
    assert_eq!(row["recipient"], anna.email.as_str());
    assert_eq!(row["attempts"], 5);
    assert!(row["last_error"].as_str().unwrap().contains("48 uur"));
    assert!(
        !list.to_string().contains("Jan de Vries"),
        "the admin view never shows a mail's body"
    );
    let id = row["id"].as_i64().unwrap().to_string();

    // Nobody else may.
    let (_, professional) = person(&app, "Carla", OrganisationKind::School).await;
    assert_eq!(
        app.call(&professional, "retry_mail", &[("id", &id)])
            .await
            .status(),
        403
    );
    assert_eq!(app.call(&professional, "mail_outbox", &[]).await.status(), 403);

    app.smtp.set_mode(Mode::Accept);
    assert_eq!(
        app.call(&admin_c, "retry_mail", &[("id", &id)]).await.status(),
        200
    );
    app.wait_for_mails(1).await;
    wait_until_settled(&app).await;
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts = 1")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'mail_retry' AND result = 'success'")
            .await,
        1
    );
    assert_eq!(
        app.call(&admin_c, "retry_mail", &[("id", &id)]).await.status(),
        404,
        "a sent mail is not retried"
    );
}

#[tokio::test]
async fn a_server_that_refuses_for_good_makes_the_mail_dead_at_once() {
    let app = TestApp::spawn().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    app.smtp.set_mode(Mode::RefusePermanently);
    queue(&app, &anna, 1).await;
    wait_until_settled(&app).await;
    assert_eq!(
        app.count(
            "SELECT count(*) FROM outbox WHERE status = 'dead' AND attempts = 1 AND last_error LIKE '%550%'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_region_admin_sees_only_the_outbox_of_their_own_region() {
    let app = TestApp::spawn().await;
    let (anna, _) = person(&app, "Anna", OrganisationKind::Jgz).await;
    queue(&app, &anna, 3).await;
    wait_until_settled(&app).await;
    let own = app.user().roles(&[Role::RegionAdmin]).create().await;
    let own_c = app.logged_in(&own).await;
    let list: serde_json::Value = app
        .call(&own_c, "mail_outbox", &[("status", "sent")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["rows"].as_array().unwrap().len(), 3);

    // An admin of another region sees none of it and cannot retry it.
    let region = db::organisations::upsert_region(&app.pool, "Andere regio")
        .await
        .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let org = db::organisations::upsert_organisation(
        &mut conn,
        region,
        "Regiobureau elders",
        OrganisationKind::Gemeente,
        OrganisationKind::Gemeente.default_capabilities(),
    )
    .await
    .unwrap();
    app.move_to(own.id, org).await;
    let list: serde_json::Value = app
        .call(&own_c, "mail_outbox", &[("status", "sent")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["rows"].as_array().unwrap().len(), 0);
    app.execute("UPDATE outbox SET status = 'dead'").await;
    let id: i64 = sqlx::query_scalar("SELECT min(id) FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        app.call(&own_c, "retry_mail", &[("id", &id.to_string())])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE status = 'dead'")
            .await,
        3
    );
}

#[tokio::test]
async fn a_week_before_the_end_date_the_professional_is_reminded_once_per_end_date() {
    let app = TestApp::spawn().await;
    let (anna, anna_c) = person(&app, "Anna", OrganisationKind::Jgz).await;
    register(&app, &anna_c, BSN).await;
    let today = Local::now().date_naive();
    let end = today + Days::days(7);
    app.execute(&format!(
        "UPDATE registrations SET end_date = '{end}', started_at = now() - interval '30 days'"
    ))
    .await;
    assert_eq!(
        cases::jobs::expiry_reminders(&app.pool, today - Days::days(1), 100)
            .await
            .unwrap(),
        0,
        "not yet"
    );
    assert_eq!(
        cases::jobs::expiry_reminders(&app.pool, today, 100)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        cases::jobs::expiry_reminders(&app.pool, today, 100)
            .await
            .unwrap(),
        0,
        "once"
    );
    let mails = app.wait_for_mails(1).await;
    let m = &mails[0];
    assert_eq!(m.to, [anna.email.as_str()]);
    assert!(m.subject.contains("loopt over een week af"));
    assert!(m.text.contains("Jan de Vries"));
    assert!(
        m.text.contains(&zorgsignaal::domain::records::nl_date(end)),
        "{}",
        m.text
    );
    assert!(m.text.contains(&format!("{}/jeugdigen/", app.address)));

    // Extended (which clears the reminder) and a week before the new date: reminded again.
    let new_end = end + Days::days(30);
    app.execute(&format!(
        "UPDATE registrations SET end_date = '{new_end}', reminder_sent_at = NULL"
    ))
    .await;
    assert_eq!(
        cases::jobs::expiry_reminders(&app.pool, new_end - Days::days(7), 100)
            .await
            .unwrap(),
        1
    );
    app.wait_for_mails(2).await;
    // A registration made inside its last week gets no reminder.
    let (_, eva_c) = person(&app, "Eva", OrganisationKind::Ggz).await;
    let short_end = (today + Days::days(3)).to_string();
    let mut args = youth("999999990", None);
    args.push(("end_date", &short_end));
    let res = app.call(&eva_c, "register", &args).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(
        cases::jobs::expiry_reminders(&app.pool, today, 100)
            .await
            .unwrap(),
        0
    );
}

#[test]
fn the_privacy_scan_finds_a_bsn_a_date_of_birth_and_a_signal_kind() {
    use zorgsignaal::server::mail::mime::decode;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mail = |body: &str| {
        decode(
            format!("Subject: Test\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"),
            "a@b".into(),
            vec!["c@d".into()],
        )
    };
    let clean = mail("Bij Jan de Vries is ook Carla betrokken, tel 050 000 0000. Loopt af op 29 november 2026. http://x/jeugdigen/0a1b2c3d-1234-4abc-8def-123456789abc");
    assert_eq!(common::mail::violations(&clean, today), Vec::<String>::new());
    for bad in [
        "BSN 123456782",
        "geboren 2014-03-31",
        "geboren 31-03-2014",
        "geboren 31 maart 2014",
        "soort: veiligheid",
        "Onderwijs en verzuim",
        "onderwijs_verzuim",
    ] {
        assert!(
            !common::mail::violations(&mail(bad), today).is_empty(),
            "{bad} not found"
        );
    }
}
