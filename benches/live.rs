//! Live updates under load: 500 Server-Sent-Events subscribers spread over
//! two app instances (two processes of the release binary on one
//! database), while a coordinator sets out 50 actions per second through
//! both. Prints the delay from commit to arrival at each subscriber (p50,
//! p99, max), events lost, and each instance's memory. Baseline in the same
//! run: a bare LISTEN/NOTIFY round trip at the same rate.
//!
//! `scripts/bench.sh live` (needs the release binary: `cargo leptos build --release`).

mod common;

#[path = "../tests/common/sse.rs"]
#[allow(dead_code)]
mod sse;

use common::{
    bench_people, bench_region, bsn_for, env, log_in, percentile, ready, rss_kib, start, youth_form,
};
use sqlx::postgres::PgListener;
use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use zorgsignaal::{
    domain::{organisation::OrganisationKind, role::Role},
    server::auth,
};

fn now_micros() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_micros() as i64
}

/// Commit → LISTEN delivery of bare `pg_notify`, at `rate` per second.
async fn baseline(url: &str, rate: u64, n: usize) -> Vec<Duration> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut listener = PgListener::connect(url).await.unwrap();
    listener.listen("bench_baseline").await.unwrap();
    let writer = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
        for _ in 0..n {
            tick.tick().await;
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("SELECT pg_notify('bench_baseline', (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text)")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
    });
    let mut delays = Vec::with_capacity(n);
    for _ in 0..n {
        let m = listener.recv().await.unwrap();
        let at: i64 = m.payload().parse().unwrap();
        delays.push(Duration::from_micros((now_micros() - at).max(0) as u64));
    }
    writer.await.unwrap();
    delays.sort();
    delays
}

#[tokio::main]
async fn main() {
    let url = env(
        "BENCH_DATABASE_URL",
        "postgres://postgres@127.0.0.1:54331/zs_bench",
    );
    let subscribers: usize = env("BENCH_SUBSCRIBERS", "500").parse().unwrap();
    let rate: u64 = env("BENCH_RATE", "50").parse().unwrap();
    let seconds: u64 = env("BENCH_SECONDS", "20").parse().unwrap();
    let bin = env(
        "ZS_SERVER_BIN",
        &format!("{}/release/zorgsignaal", env("CARGO_TARGET_DIR", "target")),
    );
    let mail = env("BENCH_MAIL_ADDR", "127.0.0.1:2611");

    let a = start(&bin, &url, 3210, &mail, &[]);
    ready(&a.base).await;
    let b = start(&bin, &url, 3211, &mail, &[]);
    ready(&b.base).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();

    // GGD (coordinators: they watch), WIJ (professionals: actions go to them).
    let region = bench_region(&pool, "Benchregio").await;
    let hash = auth::hash_password("bench-wachtwoord".into()).await.unwrap();
    let watchers = 10;
    let coordinators: Vec<String> = (0..watchers).map(|i| format!("coord{i}@bench.example")).collect();
    bench_people(
        &pool,
        region,
        "Bench-GGD",
        OrganisationKind::Jgz,
        &[Role::Professional, Role::Coordinator],
        &coordinators,
        &hash,
    )
    .await;
    let (_, wij) = bench_people(
        &pool,
        region,
        "Bench-WIJ",
        OrganisationKind::Wijkteam,
        &[Role::Professional],
        &["wij@bench.example".to_string()],
        &hash,
    )
    .await;
    let wij_user = wij[0];

    // 20 youths, each registered by GGD and then WIJ: a match, GGD coordinates.
    let coord = log_in(&a.base, "coord0@bench.example").await;
    let prof = log_in(&b.base, "wij@bench.example").await;
    let mut youths = Vec::new();
    for n in (40_000_000u64..).filter_map(bsn_for).take(20) {
        let mut id = None;
        for (client, base) in [(&coord, &a.base), (&prof, &b.base)] {
            let res = client
                .post(format!("{base}/api/register"))
                .header("origin", base.as_str())
                .header("accept", "application/json")
                .form(&youth_form(&n, "Live", "2016-01-01"))
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success(), "register: {}", res.status());
            let v: serde_json::Value = res.json().await.unwrap();
            id = v["youth_id"].as_str().and_then(|s| s.parse::<uuid::Uuid>().ok());
        }
        youths.push(id.expect("the registration names its youth"));
    }

    // The subscribers: half on each instance, 10 coordinators' sessions.
    let mut sessions = Vec::new();
    for i in 0..watchers {
        for base in [&a.base, &b.base] {
            sessions.push((
                log_in(base, &format!("coord{i}@bench.example")).await,
                base.clone(),
            ));
        }
    }
    let rss_before = (rss_kib(a.child.id()), rss_kib(b.child.id()));
    let received: Arc<Mutex<Vec<(usize, i64, i64)>>> = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for s in 0..subscribers {
        let (client, base) = sessions[s % sessions.len()].clone();
        let received = received.clone();
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = sse::Stream::open(&client, &format!("{base}/live?topic=board"), None).await;
            stream
                .next_named("ready", Duration::from_secs(30))
                .await
                .expect("ready");
            let mut mine = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(f) = stream.next_named("change", Duration::from_millis(500)).await {
                    let at = f.json()["at"].as_i64().unwrap();
                    mine.push((s, f.id.unwrap().parse::<i64>().unwrap(), now_micros() - at));
                }
            }
            received.lock().unwrap().extend(mine);
        }));
    }
    // All connected?
    let deadline = Instant::now() + Duration::from_secs(60);
    while sqlx::query_scalar::<_, i64>("SELECT count(*) FROM presence")
        .fetch_one(&pool)
        .await
        .unwrap()
        < subscribers as i64
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let first_seq: i64 = sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM live_events")
        .fetch_one(&pool)
        .await
        .unwrap();

    println!("live: {subscribers} subscribers on 2 instances, {rate} action changes/s for {seconds} s");
    let due = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    let assignee = format!("gebruiker:{wij_user}");
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    let total = (rate * seconds) as usize;
    let writers = [
        (log_in(&a.base, "coord0@bench.example").await, a.base.clone()),
        (coord, b.base.clone()),
    ];
    let mut failures = 0;
    let mut writes = Vec::new();
    for i in 0..total {
        tick.tick().await;
        let (client, base) = writers[i % 2].clone();
        let youth = youths[i % youths.len()].to_string();
        let (due, assignee) = (due.clone(), assignee.clone());
        writes.push(tokio::spawn(async move {
            client
                .post(format!("{base}/api/create_action"))
                .header("origin", base.as_str())
                .header("accept", "application/json")
                .form(&[
                    ("youth", youth.as_str()),
                    ("title", "Bench-actie"),
                    ("due_on", due.as_str()),
                    ("assignee", assignee.as_str()),
                ])
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        }));
    }
    for w in writes {
        if !w.await.unwrap() {
            failures += 1;
        }
    }
    let rss_during = (rss_kib(a.child.id()), rss_kib(b.child.id()));
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let events: Vec<i64> = sqlx::query_scalar("SELECT seq FROM live_events WHERE seq > $1 ORDER BY seq")
        .bind(first_seq)
        .fetch_all(&pool)
        .await
        .unwrap();
    let received: Vec<(usize, i64, i64)> = std::mem::take(&mut *received.lock().unwrap());
    let mut delays: Vec<Duration> = received
        .iter()
        .filter(|r| r.1 > first_seq)
        .map(|r| Duration::from_micros(r.2.max(0) as u64))
        .collect();
    delays.sort();
    let expected: HashSet<i64> = events.iter().copied().collect();
    let mut lost = 0usize;
    let mut duplicated = 0usize;
    for s in 0..subscribers {
        let got: Vec<i64> = received
            .iter()
            .filter(|r| r.0 == s && r.1 > first_seq)
            .map(|r| r.1)
            .collect();
        let set: HashSet<i64> = got.iter().copied().collect();
        duplicated += got.len() - set.len();
        lost += expected.difference(&set).count();
    }
    println!(
        "  {} actions set out ({failures} failed), {} events, {} deliveries expected, {} received",
        total - failures,
        events.len(),
        events.len() * subscribers,
        delays.len()
    );
    println!(
        "  commit → subscriber: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; lost {lost}, duplicated {duplicated}",
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        percentile(&delays, 1.0)
    );
    println!(
        "  memory (RSS): instance A {} → {} MiB, instance B {} → {} MiB (before subscribers → under load)",
        rss_before.0 / 1024,
        rss_during.0 / 1024,
        rss_before.1 / 1024,
        rss_during.1 / 1024
    );
    let base = baseline(&url, rate, (rate * 5) as usize).await;
    println!(
        "  baseline, bare LISTEN/NOTIFY at {rate}/s: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&base, 0.5),
        percentile(&base, 0.99),
        percentile(&base, 1.0)
    );
}
