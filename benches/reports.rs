//! Report views on the generated dataset (`examples/generate.rs`: 5 million
//! youths, 10 million signals, 3 million registrations over 342
//! municipalities): the time to render each view server side — the report
//! server function (figures, suppression, SVG charts) and the whole page
//! as HTML, for one municipality (Groningen, GM0014) and for its region
//! (10 municipalities) — p50/p99 over 200 requests each. Baseline in the
//! same run: the key figures with their breakdowns computed by plain GROUP
//! BY queries over the raw tables.
//!
//! `scripts/bench.sh reports` (generates the dataset first if it is not there).

mod common;

use common::{env, log_in, percentile};
use std::{
    collections::HashMap,
    time::{Duration, Instant},
};
use zorgsignaal::{
    domain::{organisation::OrganisationKind, report::figures::month_of, role::Role},
    server::{auth, config::Config, db, startup},
};

const RUNS: usize = 200;

async fn time<F, Fut>(runs: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    // One warm-up run, not counted.
    f().await;
    let mut out = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        out.push(t.elapsed());
    }
    out.sort();
    out
}

/// [`RUNS`] requests made by `make`, each answered with success and read whole.
async fn requests(make: impl Fn() -> reqwest::RequestBuilder) -> Vec<Duration> {
    time(RUNS, || async {
        let res = make().send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.status());
        res.bytes().await.unwrap();
    })
    .await
}

fn print(name: &str, d: &[Duration]) {
    println!(
        "{name:<58} n={:>3}  p50 {:>8.1} ms  p99 {:>8.1} ms  max {:>8.1} ms",
        d.len(),
        percentile(d, 0.5),
        percentile(d, 0.99),
        percentile(d, 1.0)
    );
}

#[tokio::main]
async fn main() {
    let url = env(
        "REPORTS_DATABASE_URL",
        "postgres://postgres@127.0.0.1:54331/zs_reports",
    );
    let vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), url.clone()),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
        ("LEPTOS_SITE_ROOT".into(), "target/site".into()),
        ("DATABASE_MAX_CONNECTIONS".into(), "10".into()),
        ("MAIL_SINK_ADDR".into(), "127.0.0.1:2630".into()),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let state = startup::state(config).unwrap();
    db::migrate(&state.pool).await.unwrap();
    zorgsignaal::server::startup::prepare(&state).await.unwrap();
    let pool = state.pool.clone();
    let youths: i64 = sqlx::query_scalar("SELECT count(*) FROM youths")
        .fetch_one(&pool)
        .await
        .unwrap();
    let signals: i64 = sqlx::query_scalar("SELECT count(*) FROM signals")
        .fetch_one(&pool)
        .await
        .unwrap();
    let registrations: i64 = sqlx::query_scalar("SELECT count(*) FROM registrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    let sums: i64 = sqlx::query_scalar("SELECT count(*) FROM report_counts")
        .fetch_one(&pool)
        .await
        .unwrap();
    println!(
        "dataset: {youths} youths, {signals} signals, {registrations} registrations; rollup {sums} sums"
    );

    // An analyst of Groningen and an admin of its region.
    let hash = auth::hash_password("bench-wachtwoord".to_string()).await.unwrap();
    let region: uuid::Uuid = sqlx::query_scalar("SELECT region_id FROM municipalities WHERE code = 'GM0014'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let org = db::organisations::upsert_organisation(
        &mut conn,
        region,
        "Gemeente Groningen (bench)",
        OrganisationKind::Gemeente,
        OrganisationKind::Gemeente.default_capabilities(),
    )
    .await
    .unwrap();
    for (email, role) in [
        ("analist@bench.example", Role::MunicipalityAnalyst),
        ("regio@bench.example", Role::RegionAdmin),
    ] {
        let id = db::users::insert_if_absent(
            &mut conn,
            &db::users::NewUser {
                organisation_id: org,
                email,
                name: "Bench",
                phone: "",
                password_hash: &hash,
                roles: &[role],
                two_factor_exempt: true,
            },
        )
        .await
        .unwrap();
        if role == Role::MunicipalityAnalyst {
            db::users::add_analyst_municipality(&mut *conn, id, "GM0014")
                .await
                .unwrap();
        }
    }
    drop(conn);

    let base = common::serve(state).await;
    let analyst = log_in(&base, "analist@bench.example").await;
    let admin = log_in(&base, "regio@bench.example").await;

    let today = chrono::Local::now().date_naive();
    let last_month = month_of(month_of(today).pred_opt().unwrap());
    let month_choice = format!("maand:{}", last_month.format("%Y-%m"));
    let year_choice = format!("jaar:{}", last_month.format("%Y"));
    println!("\nreport views, server side, {RUNS} requests each (one client, one after another):");
    for (who, client, area) in [
        ("municipality GM0014", &analyst, "GM0014"),
        ("region (10 municipalities)", &admin, "regio"),
    ] {
        for (what, periode) in [("month", month_choice.as_str()), ("year", year_choice.as_str())] {
            let d = requests(|| {
                client
                    .post(format!("{base}/api/report"))
                    .header("origin", &base)
                    .header("accept", "application/json")
                    .form(&[("gebied", area), ("periode", periode)])
            })
            .await;
            print(&format!("server function, {who}, {what}"), &d);
            let d = requests(|| {
                client
                    .get(format!("{base}/rapportage?gebied={area}&periode={periode}"))
                    .header("accept", "text/html")
            })
            .await;
            print(&format!("whole page (HTML), {who}, {what}"), &d);
        }
        let d = requests(|| {
            client.get(format!(
                "{base}/rapportage/export.csv?gebied={area}&periode={month_choice}"
            ))
        })
        .await;
        print(&format!("CSV export, {who}, month"), &d);
    }

    // Baseline: the key figures straight from the raw tables.
    let baseline_runs: usize = env("BASELINE_RUNS", "10").parse().unwrap();
    let start = last_month;
    let end = last_month.checked_add_months(chrono::Months::new(1)).unwrap();
    let queries = [
        "SELECT o.kind, count(*) FILTER (WHERE r.started_at >= $2 AND r.started_at < $3),
                count(*) FILTER (WHERE r.started_at < $3 AND (r.ended_at IS NULL OR r.ended_at >= $2))
           FROM registrations r JOIN youths y ON y.id = r.youth_id JOIN organisations o ON o.id = r.organisation_id
          WHERE y.municipality_code = ANY($1) GROUP BY o.kind",
        "SELECT s.kind, count(*) FILTER (WHERE s.given_at >= $2 AND s.given_at < $3),
                count(*) FILTER (WHERE s.given_at < $3 AND (s.closed_at IS NULL OR s.closed_at >= $2))
           FROM signals s JOIN youths y ON y.id = s.youth_id
          WHERE y.municipality_code = ANY($1) GROUP BY s.kind",
        "SELECT count(*), 0::bigint, 0::bigint FROM match_events e JOIN youths y ON y.id = e.youth_id
          WHERE y.municipality_code = ANY($1) AND e.kind = 'new' AND e.created_at >= $2 AND e.created_at < $3",
        "SELECT count(*), 0::bigint, 0::bigint FROM coordinations c JOIN youths y ON y.id = c.youth_id
          WHERE y.municipality_code = ANY($1) AND c.started_at < $3 AND (c.ended_at IS NULL OR c.ended_at >= $3)",
    ];
    let region_codes: Vec<String> =
        sqlx::query_scalar("SELECT code FROM municipalities WHERE region_id = $1")
            .bind(region)
            .fetch_all(&pool)
            .await
            .unwrap();
    println!("\nbaseline, plain GROUP BY over the raw tables (new and active registrations by organisation kind, signals by kind, matches, coordinations), {baseline_runs} runs each:");
    for (who, codes) in [
        ("municipality GM0014", vec!["GM0014".to_string()]),
        ("region (10 municipalities)", region_codes),
    ] {
        let d = time(baseline_runs, || {
            let pool = pool.clone();
            let codes = codes.clone();
            async move {
                for q in queries {
                    let _: Vec<sqlx::postgres::PgRow> = sqlx::query(q)
                        .bind(&codes)
                        .bind(start.and_hms_opt(0, 0, 0).unwrap().and_utc())
                        .bind(end.and_hms_opt(0, 0, 0).unwrap().and_utc())
                        .fetch_all(&pool)
                        .await
                        .unwrap();
                }
            }
        })
        .await;
        print(&format!("raw GROUP BY, {who}, month"), &d);
    }
}
