//! Benchmark: signals through the real HTTP endpoint, against pgbench's
//! TPC-B on the same database server, and a 100,000-row bulk import.
//!
//! Run with `scripts/bench.sh` (it starts a private PostgreSQL cluster and
//! runs `cargo bench --bench signals --features ssr`).
//! Settings: BENCH_DATABASE_URL (a database this program may fill),
//! PGBENCH_URL (another database for pgbench), BENCH_YOUTHS (1000000),
//! BENCH_CLIENTS (32), BENCH_SECONDS (30), BENCH_BULK_ROWS (100000),
//! PGBENCH (path of the pgbench binary), BENCH_ORACLE_CALLS (200 per path).

mod common;
#[path = "common/oracle.rs"]
mod oracle;

use common::{bsn_for, env, log_in, percentile};
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use zorgsignaal::{
    domain::{involvement::SignalKind, organisation::OrganisationKind, role::Role},
    server::{auth, config::Config, db, startup},
};

/// Gives one signal through the server function, as the form does with
/// JavaScript; `Err` names what went wrong (an HTTP status or a transport
/// error). The body is read to the end.
async fn give_signal(
    client: &reqwest::Client,
    base: &str,
    youth: &(String, String, String),
    kind: &str,
) -> Result<(), String> {
    let (bsn, family, birth) = youth;
    let res = client
        .post(format!("{base}/api/signal"))
        .header("origin", base)
        .header("accept", "application/json")
        .form(&[
            ("bsn", bsn.as_str()),
            ("given_names", "Kind"),
            ("family_name", family.as_str()),
            ("birth_date", birth.as_str()),
            ("municipality_code", "GM0014"),
            ("kind", kind),
        ])
        .send()
        .await;
    match res {
        Ok(r) => {
            let status = r.status();
            let _ = r.bytes().await;
            if status.is_success() {
                Ok(())
            } else {
                Err(format!("HTTP {}", status.as_u16()))
            }
        }
        Err(e) => Err(format!("transport: {e}")),
    }
}

/// The bench's BSN key, and the one `rekey-bsn` moves every youth on to.
const BENCH_KEY: &str = "bench-bsn-key-0123456789abcdef0123456789abcdef";
const BENCH_KEY_NEXT: &str = "bench-bsn-key-next-fedcba9876543210fedcba9876543210";

#[tokio::main]
async fn main() {
    // The app's own warnings and errors (with their ZS- reference and cause) on stderr.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
        ))
        .with_writer(std::io::stderr)
        .init();
    let url = env(
        "BENCH_DATABASE_URL",
        "postgres://postgres@127.0.0.1:54331/zs_bench",
    );
    let youths: i64 = env("BENCH_YOUTHS", "1000000").parse().unwrap();
    let clients: usize = env("BENCH_CLIENTS", "32").parse().unwrap();
    let seconds: u64 = env("BENCH_SECONDS", "30").parse().unwrap();
    let bulk_rows: u64 = env("BENCH_BULK_ROWS", "100000").parse().unwrap();

    let vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), url.clone()),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        ("DATABASE_MAX_CONNECTIONS".into(), "24".into()),
        ("LOGIN_MAX_FAILURES_PER_IP".into(), "1000".into()),
        ("BSN_KEY".into(), BENCH_KEY.into()),
        // The per-path probe makes 800 API calls in about a minute.
        ("API_CALLS_PER_MINUTE".into(), "100000".into()),
    ]);
    // Throughput and the bulk import are measured without the answer floor
    // (it would measure the floor); the per-path probe runs on an instance
    // with the floor as configured by default (see below).
    let mut unfloored = vars.clone();
    unfloored.insert("BSN_ANSWER_FLOOR_MS".into(), "0".into());
    unfloored.insert("BSN_ANSWER_FLOOR_PER_ROW_US".into(), "0".into());
    let config = Config::from_lookup(|k| unfloored.get(k).cloned()).unwrap();
    let state = startup::state(config).unwrap();
    db::migrate(&state.pool).await.unwrap();
    db::bsn::check_keys(&state.pool, &state.config.bsn_keys)
        .await
        .unwrap();
    let pool = state.pool.clone();

    // Region, municipality, one organisation per professional, 32 professionals.
    let region = db::organisations::upsert_region(&pool, "Benchregio")
        .await
        .unwrap();
    db::organisations::upsert_municipality(&pool, "GM0014", "Groningen", region)
        .await
        .unwrap();
    let hash = auth::hash_password("bench-wachtwoord".into()).await.unwrap();
    let mut emails = Vec::new();
    let mut first_user = (uuid::Uuid::nil(), uuid::Uuid::nil());
    for i in 0..clients {
        let mut conn = pool.acquire().await.unwrap();
        let kind = if i % 2 == 0 {
            OrganisationKind::Jgz
        } else {
            OrganisationKind::Wijkteam
        };
        let org = db::organisations::upsert_organisation(
            &mut conn,
            region,
            &format!("Bench-organisatie {i}"),
            kind,
            kind.default_capabilities(),
        )
        .await
        .unwrap();
        let email = format!("prof{i}@bench.example");
        let id = db::users::insert_if_absent(
            &mut conn,
            &db::users::NewUser {
                organisation_id: org,
                email: &email,
                name: "Bench Professional",
                phone: "050 000 0000",
                password_hash: &hash,
                roles: &[Role::Professional],
                two_factor_exempt: true,
            },
        )
        .await
        .unwrap();
        if i == 0 {
            first_user = (id, org);
        }
        emails.push(email);
    }

    // 1M youths with valid BSNs, filled by one INSERT … SELECT.
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM youths")
        .fetch_one(&pool)
        .await
        .unwrap();
    if have < youths {
        // Filled as a database from before issue 19 held its youths: with the
        // BSN in plain, which this release no longer lets anyone write.
        sqlx::query("ALTER TABLE youths DROP CONSTRAINT IF EXISTS youths_no_plain_bsn")
            .execute(&pool)
            .await
            .unwrap();
        let started = Instant::now();
        sqlx::query(
            "INSERT INTO youths (id, bsn, given_names, family_name, birth_date, municipality_code)
             SELECT gen_random_uuid(), f || c, 'Kind', 'Bench' || i, date '2010-01-01' + (i % 4000)::int, 'GM0014'
               FROM (SELECT i, lpad(i::text, 8, '0') AS f FROM generate_series(1::bigint, ($1 * 12 / 10)::bigint) i) s,
                    LATERAL (SELECT (SELECT sum((10 - k) * substr(s.f, k, 1)::int) FROM generate_series(1, 8) k) % 11 AS c) cc
              WHERE c <= 9
              ORDER BY i LIMIT $1
             ON CONFLICT DO NOTHING",
        )
        .bind(youths)
        .execute(&pool)
        .await
        .unwrap();
        println!(
            "filled {youths} youths in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    // The BSNs to give signals on, read while the rows still hold them in
    // plain (as a database from before issue 19 does) …
    let targets: Arc<Vec<(String, String, String)>> = Arc::new(
        sqlx::query_as::<_, (String, String, chrono::NaiveDate)>(
            "SELECT bsn, family_name, birth_date FROM youths WHERE bsn IS NOT NULL",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(b, f, d)| (b, f, d.to_string()))
        .collect(),
    );
    // … then replaced by their lookup keys, as an upgraded instance does at start-up.
    let started = Instant::now();
    let sealed = db::bsn::seal_plain(&pool, &state.config.bsn_keys).await.unwrap();
    sqlx::query(
        "ALTER TABLE youths DROP CONSTRAINT IF EXISTS youths_no_plain_bsn,
                           ADD CONSTRAINT youths_no_plain_bsn CHECK (bsn IS NULL) NOT VALID",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    println!(
        "plain BSNs replaced by their lookup key: {sealed} youths in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The app, served over real HTTP on loopback.
    let base = common::serve(state).await;

    let mut logged_in = Vec::new();
    for email in &emails {
        logged_in.push(log_in(&base, email).await);
    }

    println!(
        "signals: {clients} clients for {seconds} s against {} youths",
        targets.len()
    );
    let kinds = SignalKind::ALL.map(SignalKind::as_str);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (c, client) in logged_in.into_iter().enumerate() {
        let (base, targets) = (base.clone(), targets.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors: Vec<String> = Vec::new();
            let mut n: u64 = c as u64 * 7_919;
            while Instant::now() < deadline {
                n = n
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let youth = &targets[(n >> 33) as usize % targets.len()];
                let kind = kinds[(n >> 20) as usize % kinds.len()];
                let started = Instant::now();
                match give_signal(&client, &base, youth, kind).await {
                    Ok(()) => latencies.push(started.elapsed()),
                    Err(e) => errors.push(e),
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for t in tasks {
        let (l, e) = t.await.unwrap();
        latencies.extend(l);
        for what in e {
            *failures.entry(what).or_default() += 1;
        }
    }
    let errors: usize = failures.values().sum();
    latencies.sort();
    let signals_per_s = latencies.len() as f64 / seconds as f64;
    println!(
        "signals: {} ok, {errors} errors, {signals_per_s:.0} signals/s, p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );
    for (what, n) in &failures {
        println!("  errors: {n} × {what}");
    }

    // No enumeration: every path that takes a BSN, known (typed with other
    // data) and never seen alternating, by one professional (benches/common/oracle.rs).
    let token = format!("zs_{}", auth::new_token());
    db::tokens::insert(
        &pool,
        first_user.1,
        "bench",
        &auth::hash_token(&token),
        "zs_…",
        first_user.0,
    )
    .await
    .unwrap();
    // A second instance on the same database with the default answer floor:
    // the probe measures what a caller of a production instance sees.
    let floored = startup::state(Config::from_lookup(|k| vars.get(k).cloned()).unwrap()).unwrap();
    let probe_base = common::serve(floored).await;
    let probe = log_in(&probe_base, &emails[0]).await;
    let caller = oracle::Caller {
        client: &probe,
        base: &probe_base,
        token: &token,
        email: &emails[0],
    };
    let per_path: usize = env("BENCH_ORACLE_CALLS", "200").parse().unwrap();
    oracle::run(&caller, per_path, |n| {
        targets[(n * 7_777) % targets.len()].0.clone()
    })
    .await;

    // pgbench TPC-B on the same server, same clients and duration.
    let pgbench = env("PGBENCH", "/usr/lib/postgresql/15/bin/pgbench");
    let pgbench_url = env("PGBENCH_URL", "postgres://postgres@127.0.0.1:54331/zs_pgbench");
    let init = std::process::Command::new(&pgbench)
        .args(["-i", "-q", "-s", "10", &pgbench_url])
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "pgbench -i: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let run = std::process::Command::new(&pgbench)
        .args([
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            &pgbench_url,
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    let tps: f64 = out
        .lines()
        .find(|l| l.starts_with("tps ="))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    println!("pgbench TPC-B: {clients} clients, {seconds} s: {tps:.0} tps");
    println!(
        "ratio signals/s : pgbench tps = {:.2}",
        signals_per_s / tps.max(1.0)
    );

    // A 100,000-row bulk import through the API.
    let mut csv = String::from(
        "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n",
    );
    let mut n = 30_000_000u64;
    let mut rows = 0;
    while rows < bulk_rows {
        n += 1;
        if let Some(bsn) = bsn_for(n) {
            csv.push_str(&format!(
                "{bsn};Import;;Kind{n};2012-05-0{};GM0014;{};BULK-{n}\n",
                1 + n % 9,
                emails[0]
            ));
            rows += 1;
        }
    }
    let started = Instant::now();
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/registrations/bulk"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    let status = res.status();
    let report: serde_json::Value = res.json().await.unwrap_or_default();
    println!(
        "bulk import: {bulk_rows} rows ({:.1} MB) in {:.1} s, status {status}, created {}, errors {}",
        csv.len() as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        report["created"],
        report["errors"].as_array().map_or(0, Vec::len)
    );

    // Rotating the BSN key: every youth moved on to a new key (rekey-bsn).
    let next =
        zorgsignaal::server::pseudonym::BsnKeys::parse(&format!("{BENCH_KEY}\n{BENCH_KEY_NEXT}")).unwrap();
    db::bsn::check_keys(&pool, &next).await.unwrap();
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM youths")
        .fetch_one(&pool)
        .await
        .unwrap();
    let started = Instant::now();
    let moved = db::bsn::rekey(&pool, &next, 5_000).await.unwrap();
    println!(
        "rekey-bsn: {moved} of {total} youths moved to a new key in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
