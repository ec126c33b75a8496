//! What the benchmark programs share.
#![allow(dead_code)]

use std::{
    process::{Child, Command},
    time::Duration,
};

/// An environment variable, or `default`.
pub fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// The `p` quantile (0–1) of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// The BSN for number `n`: its 8 digits and a check digit, if one exists.
pub fn bsn_for(n: u64) -> Option<String> {
    let first8 = format!("{:08}", n % 100_000_000);
    let sum: u32 = first8
        .bytes()
        .enumerate()
        .map(|(i, d)| (9 - i as u32) * u32::from(d - b'0'))
        .sum();
    let check = sum % 11;
    (check <= 9).then(|| format!("{first8}{check}"))
}

/// A client logged in as `email` (the session lives in its cookie jar).
pub async fn log_in(base: &str, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let res = client
        .post(format!("{base}/api/login"))
        .header("origin", base)
        .header("accept", "application/json")
        .form(&[("email", email), ("password", "bench-wachtwoord")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "log-in failed: {}", res.status());
    client
}

/// Serves the app of `state` on a free loopback port; its base URL.
pub async fn serve(state: zorgsignaal::server::state::AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = zorgsignaal::server::startup::router(state);
    tokio::spawn(async move {
        zorgsignaal::server::startup::serve(listener, router, std::future::pending())
            .await
            .unwrap()
    });
    base
}

/// Resident memory of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

pub struct Instance {
    pub child: Child,
    pub base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Starts the release binary on `port`; `extra` adds or overrides
/// environment variables (an SMTP server, say).
pub fn start(bin: &str, url: &str, port: u16, mail: &str, extra: &[(&str, &str)]) -> Instance {
    let child = Command::new(bin)
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("MAIL_SINK_ADDR", mail)
        .env("DATABASE_MAX_CONNECTIONS", "20")
        .env("LOGIN_MAX_FAILURES_PER_IP", "100000")
        .env("RUST_LOG", "warn")
        .envs(extra.iter().copied())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{bin} does not start ({e}); build it with `cargo leptos build --release`")
        });
    Instance {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

pub async fn ready(base: &str) {
    for _ in 0..400 {
        if reqwest::get(format!("{base}/ready"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{base} did not become ready");
}

/// A bench region with the municipality Groningen (GM0014); its id.
pub async fn bench_region(pool: &sqlx::PgPool, name: &str) -> uuid::Uuid {
    let region = zorgsignaal::server::db::organisations::upsert_region(pool, name)
        .await
        .unwrap();
    zorgsignaal::server::db::organisations::upsert_municipality(pool, "GM0014", "Groningen", region)
        .await
        .unwrap();
    region
}

/// An organisation of `kind` in `region` and a user with `roles` for each
/// of `emails`, all with the bench password (`hash`, its Argon2 hash) and
/// no second factor; the organisation's id and the users' ids, in order.
pub async fn bench_people(
    pool: &sqlx::PgPool,
    region: uuid::Uuid,
    organisation: &str,
    kind: zorgsignaal::domain::organisation::OrganisationKind,
    roles: &[zorgsignaal::domain::role::Role],
    emails: &[String],
    hash: &str,
) -> (uuid::Uuid, Vec<uuid::Uuid>) {
    use zorgsignaal::server::db;
    let mut conn = pool.acquire().await.unwrap();
    let org = db::organisations::upsert_organisation(
        &mut conn,
        region,
        organisation,
        kind,
        kind.default_capabilities(),
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for email in emails {
        let user = db::users::NewUser {
            organisation_id: org,
            email,
            name: "Bench Gebruiker",
            phone: "050 000 0000",
            password_hash: hash,
            roles,
            two_factor_exempt: true,
        };
        ids.push(db::users::insert_if_absent(&mut conn, &user).await.unwrap());
    }
    (org, ids)
}

/// The youth fields of the registration and signal forms, for the bench
/// youths (given names "Kind", residence Groningen).
pub fn youth_form<'a>(bsn: &'a str, family: &'a str, birth_date: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("bsn", bsn),
        ("given_names", "Kind"),
        ("family_name", family),
        ("birth_date", birth_date),
        ("municipality_code", "GM0014"),
    ]
}
