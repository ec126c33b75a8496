//! Faults, on this machine: two app instances (processes of the release
//! binary) on one database, mail to a real SMTP server in this process.
//!
//! 1. PostgreSQL restarts in the middle of a stream of signals: both
//!    instances serve again without being restarted, and every signal that
//!    was acknowledged to a client is in the database.
//! 2. The SMTP server is down for two minutes (`FAULT_SMTP_DOWN_SECONDS`)
//!    while matches queue mail: afterwards every mail is delivered, each
//!    exactly once.
//! 3. One instance is killed (`kill -9`) while coordinators' live boards
//!    are open on it and actions keep coming through the other: the other
//!    keeps serving, the boards reconnect to it with Last-Event-ID and miss
//!    no event, and see none twice.
//!
//! Prints what it checked and PASS or FAIL per check; exits 1 on a FAIL.
//! `scripts/bench.sh faults` (restarts the bench cluster; needs the release
//! binary: `cargo leptos build --release`).

mod common;

#[path = "../tests/common/sse.rs"]
#[allow(dead_code)]
mod sse;

use common::{bench_people, bench_region, bsn_for, env, log_in, ready, start, youth_form, Instance};
use reqwest::Client;
use std::{
    collections::{BTreeSet, HashMap},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};
use uuid::Uuid;
use zorgsignaal::{
    domain::{organisation::OrganisationKind, role::Role},
    server::{auth, mail::sink::Sink},
};

async fn post(
    client: &Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Option<(u16, serde_json::Value)> {
    let res = client
        .post(format!("{base}/api/{endpoint}"))
        .header("origin", base)
        .header("accept", "application/json")
        .form(form)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    let status = res.status().as_u16();
    Some((status, res.json().await.unwrap_or(serde_json::Value::Null)))
}

fn report(name: &str, pass: bool, detail: String, failures: &mut usize) {
    println!("{} {name}: {detail}", if pass { "PASS" } else { "FAIL" });
    if !pass {
        *failures += 1;
    }
}

fn pg(command: &str) {
    let ok = std::process::Command::new("bash")
        .args(["scripts/pg.sh", command])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "scripts/pg.sh {command} failed (is ZS_PGPORT the bench cluster's?)"
    );
}

/// An instance that sends to the SMTP server of this process.
fn spawn(bin: &str, url: &str, port: u16, smtp: &str) -> Instance {
    start(
        bin,
        url,
        port,
        "127.0.0.1:2613",
        &[("SMTP_URL", smtp), ("MAIL_POLL_SECONDS", "2")],
    )
}

#[tokio::main]
async fn main() {
    let url = env(
        "BENCH_DATABASE_URL",
        "postgres://postgres@127.0.0.1:54331/zs_bench",
    );
    let bin = env(
        "ZS_SERVER_BIN",
        &format!("{}/release/zorgsignaal", env("CARGO_TARGET_DIR", "target")),
    );
    let smtp_down: u64 = env("FAULT_SMTP_DOWN_SECONDS", "120").parse().unwrap();
    let sink = Sink::start("127.0.0.1:0".parse().unwrap(), 100_000)
        .await
        .unwrap();
    let a = spawn(&bin, &url, 3230, &sink.url());
    ready(&a.base).await;
    let mut b = Some(spawn(&bin, &url, 3231, &sink.url()));
    let b_base = b.as_ref().unwrap().base.clone();
    ready(&b_base).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();

    let region = bench_region(&pool, "Foutregio").await;
    let hash = auth::hash_password("bench-wachtwoord".into()).await.unwrap();
    let mut ids = HashMap::new();
    for (org_name, kind, roles, people) in [
        (
            "Fout-GGD",
            OrganisationKind::Jgz,
            &[Role::Professional, Role::Coordinator][..],
            6,
        ),
        (
            "Fout-WIJ",
            OrganisationKind::Wijkteam,
            &[Role::Professional][..],
            1,
        ),
    ] {
        let emails: Vec<String> = (0..people)
            .map(|i| format!("{}{i}@fault.example", org_name.to_lowercase()))
            .collect();
        let (_, made) = bench_people(&pool, region, org_name, kind, roles, &emails, &hash).await;
        ids.extend(emails.into_iter().zip(made));
    }
    let mut failures = 0;

    // 1. PostgreSQL restarts under a stream of signals.
    println!("1. PostgreSQL restart under load");
    let acked: Arc<Mutex<Vec<Uuid>>> = Arc::default();
    let errors = Arc::new(Mutex::new(0usize));
    let last_ok: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..8usize {
        let base = if w % 2 == 0 {
            a.base.clone()
        } else {
            b_base.clone()
        };
        let client = log_in(&base, "fout-ggd0@fault.example").await;
        let (acked, errors, last_ok, stop) = (acked.clone(), errors.clone(), last_ok.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 70_000_000u64 + w as u64 * 1_000_000;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let Some(bsn) = bsn_for(n) else { continue };
                let family = format!("Fout{}", &bsn[..5]);
                let mut form = youth_form(&bsn, &family, "2013-02-01");
                form.push(("kind", "overig"));
                match post(&client, &base, "signal", &form).await {
                    Some((s, body)) if s < 300 => {
                        if let Some(id) = body["id"].as_str().and_then(|s| s.parse().ok()) {
                            acked.lock().unwrap().push(id);
                        }
                        last_ok.lock().unwrap().insert(base.clone(), Instant::now());
                    }
                    _ => *errors.lock().unwrap() += 1,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = acked.lock().unwrap().len();
    pg("stop");
    let down_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(3)).await;
    pg("start");
    let up_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(15)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let acked: Vec<Uuid> = std::mem::take(&mut *acked.lock().unwrap());
    let served_again = last_ok.lock().unwrap().values().filter(|at| **at > up_at).count();
    report(
        "both instances serve again after the restart, without being restarted",
        served_again == 2,
        format!(
            "{served_again} of 2 instances acknowledged signals after PostgreSQL was back ({:.1} s down); {} requests failed meanwhile",
            (up_at - down_at).as_secs_f64(),
            errors.lock().unwrap()
        ),
        &mut failures,
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM signals WHERE id = ANY($1)")
        .bind(&acked)
        .fetch_one(&pool)
        .await
        .unwrap();
    report(
        "every acknowledged signal is in the database",
        stored as usize == acked.len() && acked.len() > before,
        format!(
            "{} acknowledged ({before} before the restart), {stored} found",
            acked.len()
        ),
        &mut failures,
    );

    // 2. The SMTP server is down while matches queue mail.
    println!("2. SMTP server down for {smtp_down} s");
    let ggd = log_in(&a.base, "fout-ggd1@fault.example").await;
    let wij = log_in(&b_base, "fout-wij0@fault.example").await;
    let outbox_from: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap_or(0);
    sink.stop();
    let received_before = sink.count();
    let mut matched = 0;
    for n in (80_000_000u64..).filter_map(bsn_for).take(10) {
        let family = format!("Mail{}", &n[..5]);
        let form = youth_form(&n, &family, "2013-02-01");
        let ok_a = post(&ggd, &a.base, "register", &form)
            .await
            .is_some_and(|(s, _)| s < 300);
        let ok_b = post(&wij, &b_base, "register", &form)
            .await
            .is_some_and(|(s, _)| s < 300);
        if ok_a && ok_b {
            matched += 1;
        }
    }
    tokio::time::sleep(Duration::from_secs(smtp_down)).await;
    sink.restart().await.unwrap();
    let queued: Vec<String> = sqlx::query_scalar("SELECT message_id::text FROM outbox WHERE id > $1")
        .bind(outbox_from)
        .fetch_all(&pool)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(420);
    let mut pending = i64::MAX;
    while Instant::now() < deadline {
        pending = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE id > $1 AND status <> 'sent'")
            .bind(outbox_from)
            .fetch_one(&pool)
            .await
            .unwrap();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for m in sink.mails().into_iter().skip(received_before) {
        let id = m.message_id.trim_matches(['<', '>']);
        *per_id
            .entry(id.split('@').next().unwrap_or(id).to_string())
            .or_default() += 1;
    }
    let delivered_once = queued
        .iter()
        .filter(|id| per_id.get(id.as_str()) == Some(&1))
        .count();
    let twice = per_id.values().filter(|n| **n > 1).count();
    report(
        "every mail queued while SMTP was down is delivered exactly once",
        !queued.is_empty() && pending == 0 && delivered_once == queued.len() && twice == 0,
        format!(
            "{matched} matches, {} mails queued, {} delivered once, {twice} more than once, {pending} not sent",
            queued.len(),
            delivered_once
        ),
        &mut failures,
    );

    // 3. kill -9 of the instance the boards are on.
    println!("3. kill -9 of an instance with live boards open");
    let coordinated: Vec<Uuid> = sqlx::query_scalar(
        "SELECT c.youth_id FROM coordinations c JOIN organisations o ON o.id = c.organisation_id
          WHERE o.name = 'Fout-GGD' AND c.ended_at IS NULL",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let writer = log_in(&b_base, "fout-ggd1@fault.example").await;
    if let Some(&youth) = coordinated.first() {
        post(
            &writer,
            &b_base,
            "take_coordination",
            &[("youth", youth.to_string().as_str())],
        )
        .await;
    }
    let first_seq: i64 = sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM live_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    let watchers: Vec<(String, Client)> = {
        let mut v = Vec::new();
        for i in 2..6 {
            let email = format!("fout-ggd{i}@fault.example");
            v.push((email.clone(), log_in(&a.base, &email).await));
        }
        v
    };
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<HashMap<String, Vec<i64>>>> = Arc::default();
    let mut boards = Vec::new();
    for (email, client) in watchers {
        let (stop, seen, a_base, b_base) = (stop.clone(), seen.clone(), a.base.clone(), b_base.clone());
        // The session lives in the database: the same cookie works on B.
        boards.push(tokio::spawn(async move {
            let mut stream = sse::Stream::open(&client, &format!("{a_base}/live?topic=board"), None).await;
            let mut got = Vec::new();
            let mut reconnects = 0;
            while !stop.load(Ordering::Relaxed) {
                if let Some(f) = stream.next_named("change", Duration::from_millis(300)).await {
                    if let Some(id) = f.id.as_deref().and_then(|i| i.parse::<i64>().ok()) {
                        got.push(id);
                    }
                } else if stream.ended {
                    // As EventSource does: reconnect, with the last id seen.
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let last = stream.last_id.clone();
                    stream =
                        sse::Stream::open(&client, &format!("{b_base}/live?topic=board"), last.as_deref())
                            .await;
                    reconnects += 1;
                }
            }
            seen.lock().unwrap().insert(email, got);
            reconnects
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let due = (chrono::Local::now().date_naive() + chrono::Days::new(10)).to_string();
    let assignee = format!("gebruiker:{}", ids["fout-wij0@fault.example"]);
    let youth = coordinated.first().map(|y| y.to_string()).unwrap_or_default();
    let mut write_errors_after_kill = 0;
    let mut writes = 0;
    let killed_at = Instant::now() + Duration::from_secs(4);
    let mut killed = false;
    let mut a = Some(a);
    while Instant::now() < killed_at + Duration::from_secs(10) {
        if !killed && Instant::now() >= killed_at {
            if let Some(mut inst) = a.take() {
                let _ = inst.child.kill(); // SIGKILL
                let _ = inst.child.wait();
            }
            killed = true;
        }
        let ok = post(
            &writer,
            &b_base,
            "create_action",
            &[
                ("youth", youth.as_str()),
                ("title", "Na de storing"),
                ("due_on", due.as_str()),
                ("assignee", assignee.as_str()),
            ],
        )
        .await
        .is_some_and(|(s, _)| s < 300);
        writes += 1;
        if killed && !ok {
            write_errors_after_kill += 1;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    let mut reconnects = 0;
    for t in boards {
        reconnects += t.await.unwrap();
    }
    report(
        "the other instance keeps serving",
        write_errors_after_kill == 0 && !youth.is_empty(),
        format!("{writes} actions set out through B, {write_errors_after_kill} failed after A was killed"),
        &mut failures,
    );
    let mut missed = 0;
    let mut doubled = 0;
    let mut expected_total = 0;
    let seen: HashMap<String, Vec<i64>> = std::mem::take(&mut *seen.lock().unwrap());
    for (email, got) in &seen {
        let expected: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM live_events WHERE seq > $1 AND $2 = ANY(audience) ORDER BY seq",
        )
        .bind(first_seq)
        .bind(ids[email])
        .fetch_all(&pool)
        .await
        .unwrap();
        expected_total += expected.len();
        let got_set: BTreeSet<i64> = got.iter().copied().collect();
        doubled += got.len() - got_set.len();
        missed += expected.iter().filter(|s| !got_set.contains(s)).count();
    }
    report(
        "the boards reconnect to the other instance and miss no event, none twice",
        missed == 0 && doubled == 0 && reconnects >= 4 && expected_total > 0,
        format!("4 boards, {reconnects} reconnects, {expected_total} events due, {missed} missed, {doubled} twice"),
        &mut failures,
    );

    drop(b.take());
    println!("{} of 6 checks passed", 6 - failures);
    std::process::exit(if failures == 0 { 0 } else { 1 });
}
