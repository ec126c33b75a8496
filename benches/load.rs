//! Load: two app instances (two processes of the release binary) on one
//! database, professionals and coordinators logged in on both, each in a
//! closed loop of a realistic mix — give a signal, register, open a youth
//! page, a coordinator sets out an action, a professional opens *Mijn
//! acties* and ticks one — while every coordinator holds a live board open.
//!
//! Capacity: stages of more and more concurrent users, each printing
//! throughput, errors and p50/p99 per operation; the capacity is the
//! throughput of the busiest stage whose p99 over all operations stays under
//! 250 ms. Soak (`LOAD_SOAK_SECONDS`, 600 by default with `LOAD_SOAK=1`): the
//! mix paced at half that capacity, printing errors and each instance's
//! memory at start and end. Baseline in the same run: pgbench's
//! select-only script on the same server with the same number of clients.
//!
//! `scripts/bench.sh load` (needs the release binary: `cargo leptos build --release`).

mod common;

#[path = "../tests/common/sse.rs"]
#[allow(dead_code)]
mod sse;

use common::{
    bench_people, bench_region, bsn_for, env, log_in, percentile, ready, rss_kib, start, youth_form, Instance,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use reqwest::Client;
use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};
use uuid::Uuid;
use zorgsignaal::{
    domain::{involvement::SignalKind, organisation::OrganisationKind, role::Role},
    server::auth,
};

#[derive(Clone)]
struct User {
    id: Uuid,
    client: Client,
    base: String,
    coordinator: bool,
    /// The cases this coordinator coordinates (only they set out actions
    /// there), each with the WIJ professional involved in it ("gebruiker:…").
    cases: Vec<(Uuid, String)>,
}

/// What every operation took, and how many failed (a 5xx or no answer) or
/// were refused by a rule (a 4xx: a second active signal of the same kind).
#[derive(Default)]
struct Tally {
    times: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<&'static str, usize>,
    refused: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn add(&mut self, op: &'static str, took: Duration, status: Option<u16>) {
        self.times.entry(op).or_default().push(took);
        match status {
            Some(s) if s < 400 => {}
            Some(s) if s < 500 => *self.refused.entry(op).or_default() += 1,
            _ => *self.errors.entry(op).or_default() += 1,
        }
    }

    fn merge(&mut self, other: Tally) {
        for (k, v) in other.times {
            self.times.entry(k).or_default().extend(v);
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (k, v) in other.refused {
            *self.refused.entry(k).or_default() += v;
        }
    }

    fn ops(&self) -> usize {
        self.times.values().map(Vec::len).sum()
    }

    fn errors(&self) -> usize {
        self.errors.values().sum()
    }

    /// Prints one line per operation; returns the p99 over all of them (ms).
    fn print(&mut self, seconds: f64) -> f64 {
        let mut all = Vec::new();
        for (op, times) in &mut self.times {
            times.sort();
            all.extend(times.iter().copied());
            println!(
                "    {op:<12} {:>7.1}/s  p50 {:>6.1} ms  p99 {:>6.1} ms  errors {}  refused {}",
                times.len() as f64 / seconds,
                percentile(times, 0.5),
                percentile(times, 0.99),
                self.errors.get(op).copied().unwrap_or(0),
                self.refused.get(op).copied().unwrap_or(0),
            );
        }
        all.sort();
        percentile(&all, 0.99)
    }
}

async fn post(
    user: &User,
    endpoint: &str,
    form: &[(&str, &str)],
) -> (Option<u16>, Option<serde_json::Value>) {
    match user
        .client
        .post(format!("{}/api/{endpoint}", user.base))
        .header("origin", user.base.as_str())
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
    {
        Ok(res) => {
            let status = res.status().as_u16();
            (Some(status), res.json().await.ok())
        }
        Err(_) => (None, None),
    }
}

/// A youth of the pool: a valid BSN and always the same name and birth date.
fn youth(n: u64) -> Option<(String, String)> {
    bsn_for(n).map(|bsn| {
        let family = format!("Last{}", &bsn[..6]);
        (bsn, family)
    })
}

/// One operation of the mix for `user`; `seen` holds the youths this user
/// is involved with.
async fn one_operation(user: &User, rng: &mut StdRng, seen: &mut Vec<Uuid>, tally: &mut Tally) {
    // Until the user is involved with a youth, only signals and registrations.
    let roll: u32 = rng.gen_range(0..if seen.is_empty() { 50 } else { 100 });
    let started = Instant::now();
    let (op, status) = if roll < 50 {
        // Give a signal (30%) or register (20%), on one of 200,000 youths.
        let (bsn, family) = loop {
            if let Some(y) = youth(rng.gen_range(60_000_000..60_200_000)) {
                break y;
            }
        };
        let mut form = youth_form(&bsn, &family, "2014-05-01");
        let op = if roll < 30 {
            form.push((
                "kind",
                SignalKind::ALL[rng.gen_range(0..SignalKind::ALL.len())].as_str(),
            ));
            "signal"
        } else {
            "register"
        };
        let (status, body) = post(user, op, &form).await;
        if let Some(id) = body
            .as_ref()
            .and_then(|b| b["youth_id"].as_str())
            .and_then(|s| s.parse().ok())
        {
            seen.push(id);
        }
        (op, status)
    } else if roll < 80 {
        // Open a youth page (the whole server-rendered page).
        let id = seen[rng.gen_range(0..seen.len())];
        let status = user
            .client
            .get(format!("{}/jeugdigen/{id}", user.base))
            .header("accept", "text/html")
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16());
        ("youth page", status)
    } else if roll < 90 && user.coordinator && !user.cases.is_empty() {
        let (id, wij_assignee) = &user.cases[rng.gen_range(0..user.cases.len())];
        let id = id.to_string();
        let due = (chrono::Local::now().date_naive() + chrono::Days::new(14)).to_string();
        let (status, _) = post(
            user,
            "create_action",
            &[
                ("youth", id.as_str()),
                ("title", "Gesprek plannen"),
                ("due_on", due.as_str()),
                ("assignee", wij_assignee.as_str()),
            ],
        )
        .await;
        ("action", status)
    } else {
        // Mijn acties, and tick the first open one.
        let (status, body) = post(user, "my_actions", &[]).await;
        tally.add("my actions", started.elapsed(), status);
        let open = body.as_ref().and_then(|b| b.as_array()).and_then(|list| {
            list.iter()
                .find(|a| a["done"].is_null() && !a["cancelled"].as_bool().unwrap_or(true))
                .and_then(|a| a["id"].as_str().map(str::to_string))
        });
        let Some(id) = open else {
            return;
        };
        let ticked = Instant::now();
        let (status, _) = post(
            user,
            "complete_action",
            &[("id", id.as_str()), ("note", "gebeld")],
        )
        .await;
        tally.add("tick", ticked.elapsed(), status);
        return;
    };
    tally.add(op, started.elapsed(), status);
}

/// Runs the mix with `users` for `seconds`; with `rate`, paced to that
/// many operations per second in all.
async fn stage(users: &[User], seconds: u64, rate: Option<f64>, round: u64) -> Tally {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (i, user) in users.iter().cloned().enumerate() {
        let stop = stop.clone();
        let pause = rate.map(|r| Duration::from_secs_f64(users.len() as f64 / r));
        tasks.push(tokio::spawn(async move {
            // Another sequence of youths in every round: a stage does not
            // repeat what an earlier one registered.
            let mut rng = StdRng::seed_from_u64(round * 1_000_003 + i as u64 * 7919);
            let mut seen = Vec::new();
            let mut tally = Tally::default();
            while !stop.load(Ordering::Relaxed) {
                let began = Instant::now();
                one_operation(&user, &mut rng, &mut seen, &mut tally).await;
                if let Some(pause) = pause {
                    tokio::time::sleep(pause.saturating_sub(began.elapsed())).await;
                }
            }
            tally
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await.unwrap());
    }
    all
}

fn pgbench_select_only(clients: usize, seconds: u64) -> Option<f64> {
    let bin = std::env::var("PGBENCH").ok()?;
    let url = std::env::var("PGBENCH_URL").ok()?;
    let init = std::process::Command::new(&bin)
        .args(["-i", "-q", "-s", "10", &url])
        .output()
        .ok()?;
    if !init.status.success() {
        return None;
    }
    let out = std::process::Command::new(&bin)
        .args([
            "-S",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            &url,
        ])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("tps ="))
        .and_then(|l| l.split_whitespace().nth(2)?.parse().ok())
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
    let stage_seconds: u64 = env("LOAD_STAGE_SECONDS", "20").parse().unwrap();
    let stages: Vec<usize> = env("LOAD_STAGES", "4,8,16,32,64")
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    let soak_seconds: u64 = if env("LOAD_SOAK", "0") == "1" {
        env("LOAD_SOAK_SECONDS", "600").parse().unwrap()
    } else {
        0
    };
    let mail = env("BENCH_MAIL_ADDR", "127.0.0.1:2612");
    let a: Instance = start(&bin, &url, 3220, &mail, &[]);
    ready(&a.base).await;
    let b: Instance = start(&bin, &url, 3221, &mail, &[]);
    ready(&b.base).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();

    // Region, GGD (professionals who coordinate) and WIJ (professionals).
    let region = bench_region(&pool, "Loadregio").await;
    let hash = auth::hash_password("bench-wachtwoord".into()).await.unwrap();
    let max_users = *stages.iter().max().unwrap();
    let mut users = Vec::new();
    for (org_name, kind, roles) in [
        (
            "Load-GGD",
            OrganisationKind::Jgz,
            &[Role::Professional, Role::Coordinator][..],
        ),
        ("Load-WIJ", OrganisationKind::Wijkteam, &[Role::Professional][..]),
    ] {
        let emails: Vec<String> = (0..max_users.div_ceil(2))
            .map(|i| format!("{}{i}@load.example", org_name.to_lowercase()))
            .collect();
        let (_, ids) = bench_people(&pool, region, org_name, kind, roles, &emails, &hash).await;
        for (i, (email, id)) in emails.iter().zip(ids).enumerate() {
            // Half the sessions on each instance.
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            users.push(User {
                id,
                client: log_in(base, email).await,
                base: base.clone(),
                coordinator: roles.contains(&Role::Coordinator),
                cases: Vec::new(),
            });
        }
    }
    // Interleave GGD and WIJ, so every stage has both.
    let half = users.len() / 2;
    let mut users: Vec<User> = (0..half)
        .flat_map(|i| [users[i].clone(), users[half + i].clone()])
        .collect();

    // 100 coordinated cases: GGD and a WIJ professional register (each
    // case another one, so the actions spread over them), GGD coordinates,
    // and each case goes to one of GGD's coordinators in turn.
    let ggd = users[0].clone();
    let coordinators: Vec<usize> = (0..users.len()).filter(|i| users[*i].coordinator).collect();
    let professionals: Vec<usize> = (0..users.len()).filter(|i| !users[*i].coordinator).collect();
    for (n, (bsn, family)) in (61_000_000u64..).filter_map(youth).take(100).enumerate() {
        let wij = users[professionals[n % professionals.len()]].clone();
        let mut id = None;
        for user in [&ggd, &wij] {
            let (status, body) = post(user, "register", &youth_form(&bsn, &family, "2014-05-01")).await;
            assert!(status.is_some_and(|s| s < 300), "set-up register {n}: {status:?}");
            id = body.and_then(|b| b["youth_id"].as_str().and_then(|s| s.parse::<Uuid>().ok()));
        }
        let id = id.expect("a youth id");
        let to = coordinators[n % coordinators.len()];
        let (youth_id, assignee) = (id.to_string(), users[to].id.to_string());
        let (status, _) = post(
            &ggd,
            "take_coordination",
            &[("youth", youth_id.as_str()), ("assignee", assignee.as_str())],
        )
        .await;
        assert!(status.is_some_and(|s| s < 300), "take {n}: {status:?}");
        users[to].cases.push((id, format!("gebruiker:{}", wij.id)));
    }

    // Every coordinator holds a live board open for the whole run.
    let boards_stop = Arc::new(AtomicBool::new(false));
    let board_events = Arc::new(Mutex::new(0usize));
    let mut boards = Vec::new();
    for user in users.iter().filter(|u| u.coordinator) {
        let (user, stop, events) = (user.clone(), boards_stop.clone(), board_events.clone());
        boards.push(tokio::spawn(async move {
            let mut stream =
                sse::Stream::open(&user.client, &format!("{}/live?topic=board", user.base), None).await;
            while !stop.load(Ordering::Relaxed) {
                if stream
                    .next_named("change", Duration::from_millis(500))
                    .await
                    .is_some()
                {
                    *events.lock().unwrap() += 1;
                }
            }
        }));
    }
    let boards_open = boards.len();

    println!(
        "load: 2 instances, {} users ({} coordinators with a live board open), stages of {stage_seconds} s",
        users.len(),
        boards_open
    );
    let mut capacity: Option<(usize, f64, f64)> = None;
    for (round, &n) in stages.iter().enumerate() {
        let mut tally = stage(&users[..n.min(users.len())], stage_seconds, None, round as u64).await;
        let seconds = stage_seconds as f64;
        let throughput = tally.ops() as f64 / seconds;
        println!(
            "  {n} users: {throughput:.0} operations/s, {} errors",
            tally.errors()
        );
        let p99 = tally.print(seconds);
        println!("    all          p99 {p99:.1} ms");
        if p99 < 250.0 && tally.errors() == 0 && capacity.is_none_or(|(_, t, _)| throughput > t) {
            capacity = Some((n, throughput, p99));
        }
    }
    match capacity {
        Some((n, t, p99)) => {
            println!("capacity: {t:.0} operations/s with p99 {p99:.1} ms ({n} users, 2 instances)")
        }
        None => println!("capacity: no stage kept p99 under 250 ms without errors"),
    }
    if let Some(tps) = pgbench_select_only(max_users, stage_seconds) {
        println!("baseline: pgbench select-only, {max_users} clients, {stage_seconds} s: {tps:.0} tps");
    }

    if soak_seconds > 0 {
        let rate = capacity.map(|(_, t, _)| t / 2.0).unwrap_or(10.0);
        let n = capacity.map(|(n, _, _)| n).unwrap_or(4);
        let before = (rss_kib(a.child.id()), rss_kib(b.child.id()));
        println!("soak: {rate:.0} operations/s (half the capacity) with {n} users for {soak_seconds} s");
        let mut tally = stage(&users[..n], soak_seconds, Some(rate), 99).await;
        let after = (rss_kib(a.child.id()), rss_kib(b.child.id()));
        let seconds = soak_seconds as f64;
        println!(
            "  {} operations, {:.1}/s, {} errors",
            tally.ops(),
            tally.ops() as f64 / seconds,
            tally.errors()
        );
        tally.print(seconds);
        println!(
            "  memory: instance A {} → {} MiB, instance B {} → {} MiB",
            before.0 / 1024,
            after.0 / 1024,
            before.1 / 1024,
            after.1 / 1024
        );
    }
    boards_stop.store(true, Ordering::Relaxed);
    for t in boards {
        let _ = t.await;
    }
    println!(
        "live boards: {boards_open} open throughout, {} change events received",
        *board_events.lock().unwrap()
    );
}
