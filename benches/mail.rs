//! Benchmark: mail through the outbox to a local SMTP server.
//!
//! 10,000 mails are queued and delivered by the mail worker(s) to the SMTP
//! sink (over TCP); the program prints mails/s and the delay from commit to
//! SMTP acceptance (p50, p99). The baseline, in the same process, sends
//! mails with the same lettre transport straight to the same sink, without
//! the outbox. Run with `scripts/bench.sh mail`.
//!
//! Settings: BENCH_DATABASE_URL (a database this program may fill),
//! BENCH_MAILS (10000), BENCH_MAIL_RATE (200 mails/s for the paced run).

mod common;

use common::{env, percentile};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use uuid::Uuid;
use zorgsignaal::{
    domain::{organisation::OrganisationKind, role::Role},
    server::{
        config::mail::{SmtpUrl, WorkerConfig},
        db,
        mail::{self, sink::Sink, templates::MatchNotice, transport::Mailer, worker, To},
    },
};

/// Commit instants by the youth id each mail's link carries.
type Committed = Arc<Mutex<HashMap<Uuid, Instant>>>;

fn youth_of(text: &str) -> Option<Uuid> {
    let at = text.find("/jeugdigen/")? + "/jeugdigen/".len();
    Uuid::parse_str(text.get(at..at + 36)?).ok()
}

fn notice() -> MatchNotice {
    MatchNotice {
        recipient_name: "Bench Ontvanger".into(),
        youth_id: Uuid::new_v4(),
        youth_name: "Jan de Vries".into(),
        others: vec![zorgsignaal::server::mail::templates::OtherContact {
            organisation: "Basisschool De Wilgen".into(),
            name: "Carla Jansen".into(),
            phone: "050 525 1234".into(),
            email: "carla@school.example".into(),
        }],
    }
}

/// Queues `n` mails to `user` in transactions of `per_tx`, at most `rate`
/// mails per second (0: as fast as possible); records each commit instant.
async fn enqueue(pool: &sqlx::PgPool, user: Uuid, n: usize, per_tx: usize, rate: f64, committed: &Committed) {
    let start = Instant::now();
    let mut done = 0;
    while done < n {
        let k = per_tx.min(n - done);
        let notices: Vec<MatchNotice> = (0..k).map(|_| notice()).collect();
        let mails: Vec<_> = notices
            .iter()
            .map(|t| mail::mail(To::User(user), t, None, None))
            .collect();
        let mut tx = pool.begin().await.unwrap();
        db::outbox::insert(&mut tx, &mails).await.unwrap();
        tx.commit().await.unwrap();
        let now = Instant::now();
        {
            let mut c = committed.lock().unwrap();
            for t in &notices {
                c.insert(t.youth_id, now);
            }
        }
        done += k;
        if rate > 0.0 {
            let due = start + Duration::from_secs_f64(done as f64 / rate);
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

async fn wait_for(sink: &Sink, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(600);
    while sink.count() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(sink.count() >= n, "only {} of {n} mails arrived", sink.count());
}

struct Run {
    mails_per_sec: f64,
    p50: f64,
    p99: f64,
}

/// The database, the transport, the SMTP sink and the recipient.
struct Setup {
    pool: sqlx::PgPool,
    mailer: Mailer,
    sink: Sink,
    user: Uuid,
}

/// Delivers `n` mails with `workers` workers (as many app instances),
/// queued `per_tx` per transaction at most `rate` per second.
async fn run(setup: &Setup, n: usize, per_tx: usize, rate: f64, workers: usize) -> Run {
    let Setup {
        pool,
        mailer,
        sink,
        user,
    } = setup;
    let user = *user;
    let before = sink.count();
    let committed: Committed = Arc::default();
    let mut stops = Vec::new();
    for _ in 0..workers {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let handle = worker::spawn(pool.clone(), mailer.clone(), WorkerConfig::default(), stopped);
        stops.push((stop, handle));
    }
    tokio::time::sleep(Duration::from_millis(300)).await; // listeners connected
    let start = Instant::now();
    enqueue(pool, user, n, per_tx, rate, &committed).await;
    wait_for(sink, before + n).await;
    let elapsed = start.elapsed();
    for (stop, handle) in stops {
        let _ = stop.send(true);
        let _ = handle.await;
    }
    let committed = committed.lock().unwrap();
    let mut delays: Vec<Duration> = sink.mails()[before..]
        .iter()
        .filter_map(|m| {
            let at = committed.get(&youth_of(&m.text)?)?;
            Some(m.at.saturating_duration_since(*at))
        })
        .collect();
    assert_eq!(delays.len(), n, "every mail is matched to its commit");
    delays.sort();
    Run {
        mails_per_sec: n as f64 / elapsed.as_secs_f64(),
        p50: percentile(&delays, 0.5),
        p99: percentile(&delays, 0.99),
    }
}

#[tokio::main]
async fn main() {
    let url = env(
        "BENCH_DATABASE_URL",
        "postgres://postgres@127.0.0.1:54331/zs_bench",
    );
    let n: usize = env("BENCH_MAILS", "10000").parse().unwrap();
    let rate: f64 = env("BENCH_MAIL_RATE", "200").parse().unwrap();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(16)
        .connect(&url)
        .await
        .unwrap();
    db::migrate(&pool).await.unwrap();
    sqlx::query("TRUNCATE outbox").execute(&pool).await.unwrap();
    let region = db::organisations::upsert_region(&pool, "Benchregio")
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let org = db::organisations::upsert_organisation(
        &mut conn,
        region,
        "GGD Bench",
        OrganisationKind::Jgz,
        OrganisationKind::Jgz.default_capabilities(),
    )
    .await
    .unwrap();
    let user = db::users::insert_if_absent(
        &mut conn,
        &db::users::NewUser {
            organisation_id: org,
            email: "ontvanger@bench.example",
            name: "Bench Ontvanger",
            phone: "050 000 0000",
            password_hash: "x",
            roles: &[Role::Professional],
            two_factor_exempt: true,
        },
    )
    .await
    .unwrap();
    drop(conn);

    let sink = Sink::start("127.0.0.1:0".parse().unwrap(), 4 * n + 10_000)
        .await
        .unwrap();
    let mailer = Mailer::new(
        &SmtpUrl::parse(&sink.url()).unwrap(),
        "Zorgsignaal <noreply@zorgsignaal.example>",
        "http://127.0.0.1:3000",
        WorkerConfig::default().concurrency as u32,
    )
    .unwrap();

    println!(
        "mail benchmark: {n} mails per run, worker batch {}, {} at a time",
        WorkerConfig::default().batch,
        WorkerConfig::default().concurrency
    );

    // Baseline: the same transport, no outbox, the same 4 at a time.
    let base_n = n.min(5_000);
    let before = sink.count();
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..base_n {
        if set.len() >= WorkerConfig::default().concurrency {
            set.join_next().await;
        }
        let m = mailer.clone();
        let body = mail::render(
            "match_notice",
            &serde_json::to_value(notice()).unwrap(),
            "http://x",
        )
        .unwrap();
        set.spawn(async move {
            let to = "ontvanger@bench.example".parse().unwrap();
            m.send(to, "Baseline", Uuid::from_u128(i as u128), body)
                .await
                .ok();
        });
    }
    while set.join_next().await.is_some() {}
    wait_for(&sink, before + base_n).await;
    let baseline = base_n as f64 / start.elapsed().as_secs_f64();
    println!("baseline: lettre straight to the SMTP sink: {baseline:.0} mails/s ({base_n} mails)");

    let setup = Setup {
        pool,
        mailer,
        sink,
        user,
    };
    let burst = run(&setup, n, 100, 0.0, 1).await;
    println!(
        "burst, 1 worker: {n} mails queued at once (100 per transaction): {:.0} mails/s ({:.2} of baseline); commit to SMTP acceptance p50 {:.0} ms, p99 {:.0} ms",
        burst.mails_per_sec, burst.mails_per_sec / baseline, burst.p50, burst.p99
    );
    let burst2 = run(&setup, n, 100, 0.0, 2).await;
    println!(
        "burst, 2 workers (two instances): {:.0} mails/s ({:.2} of baseline); p50 {:.0} ms, p99 {:.0} ms",
        burst2.mails_per_sec,
        burst2.mails_per_sec / baseline,
        burst2.p50,
        burst2.p99
    );
    let paced = run(&setup, n, 1, rate, 1).await;
    println!(
        "paced, 1 worker: {n} mails, one per transaction at {rate:.0}/s: {:.0} mails/s; commit to SMTP acceptance (NOTIFY wake-up) p50 {:.1} ms, p99 {:.1} ms",
        paced.mails_per_sec, paced.p50, paced.p99
    );
    let sent: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE status = 'sent'")
        .fetch_one(&setup.pool)
        .await
        .unwrap();
    println!(
        "outbox: {sent} sent of {} queued; goal ≥ 200 mails/s and p99 < 2 s",
        3 * n
    );
}
