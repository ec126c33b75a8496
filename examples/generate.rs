//! The data generator: fills the database at `DATABASE_URL` (migrated here)
//! with a synthetic population over all 342 municipalities in 42 regions —
//! by default 5 million youths, 10 million signals and 3 million
//! registrations over 5 years, plus matches, coordinations, actions,
//! handovers and escalations — using COPY, and rebuilds the report rollup.
//!
//!     cargo run --release --example generate --features ssr -- \
//!         [youths] [signals] [registrations]
//!
//! Prints the time of every step. The Groningen region has the real codes
//! of its ten municipalities (GM0014 Groningen, …); the rest are plausible.

use sqlx::{postgres::PgPoolOptions, Executor};
use std::time::Instant;
use uuid::Uuid;
use zorgsignaal::server::{
    db,
    generate::{fill, summary, Org, Population, Spec},
};

const KINDS: [&str; 8] = [
    "jgz",
    "wijkteam",
    "school",
    "politie",
    "jeugdzorg",
    "ggz",
    "jeugdbescherming",
    "gemeente",
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let youths = args.first().copied().unwrap_or(5_000_000);
    let signals = args.get(1).copied().unwrap_or(10_000_000);
    let registrations = args.get(2).copied().unwrap_or(3_000_000);
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL")?;
    let started = Instant::now();
    let pool = PgPoolOptions::new().max_connections(2).connect(&url).await?;
    db::migrate(&pool).await?;

    // 42 regions; 342 municipalities, the first ten Groningen's real ones.
    let mut regions = Vec::new();
    let mut tx = pool.begin().await?;
    for r in 0..42 {
        let name = if r == 0 {
            "Groningen".to_string()
        } else {
            format!("Jeugdregio {r:02}")
        };
        let id = db::organisations::upsert_region(&mut *tx, &name).await?;
        let mut orgs = Vec::new();
        for kind in KINDS {
            let org: Uuid = sqlx::query_scalar(
                "INSERT INTO organisations (id, region_id, name, kind, may_register, may_signal, may_coordinate)
                 VALUES ($1, $2, $3, $4, true, true, $4 NOT IN ('school', 'politie', 'gemeente'))
                 ON CONFLICT (region_id, name) DO UPDATE SET kind = EXCLUDED.kind RETURNING id",
            )
            .bind(Uuid::new_v4())
            .bind(id)
            .bind(format!("{kind} {name}"))
            .bind(kind)
            .fetch_one(&mut *tx)
            .await?;
            let mut users = Vec::new();
            for u in 0..20 {
                let user: Uuid = sqlx::query_scalar(
                    "INSERT INTO users (id, organisation_id, email, name, password_hash)
                     VALUES ($1, $2, $3, $4, '!')
                     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id",
                )
                .bind(Uuid::new_v4())
                .bind(org)
                .bind(format!("p{u}.{kind}.r{r}@synthetisch.example"))
                .bind(format!("Professional {u}"))
                .fetch_one(&mut *tx)
                .await?;
                users.push(user);
            }
            orgs.push(Org { id: org, kind, users });
        }
        regions.push((id, orgs));
    }
    let real = zorgsignaal::server::db::seed::GRONINGEN_MUNICIPALITIES;
    let mut municipalities = Vec::new();
    for i in 0..342usize {
        let (code, name) = match real.get(i) {
            Some((c, n)) => (c.to_string(), n.to_string()),
            None => (format!("GM{:04}", 2000 + i), format!("Gemeente {}", 2000 + i)),
        };
        let region = if i < real.len() {
            0
        } else {
            1 + (i - real.len()) % 41
        };
        db::organisations::upsert_municipality(&mut *tx, &code, &name, regions[region].0).await?;
        // Sizes fall off like real municipalities' (a few large cities).
        municipalities.push((code, 1.0 / ((i % 97) as f64 + 1.0).powf(0.8), region));
    }
    tx.commit().await?;
    println!(
        "population: 42 regions, 342 municipalities, {} organisations",
        42 * KINDS.len()
    );

    // Rows straight in, triggers off; the rollup is rebuilt in one pass after.
    let copy_pool = PgPoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("SET session_replication_role = replica").await?;
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    let offset: i64 = sqlx::query_scalar("SELECT count(*) FROM youths WHERE bsn LIKE '0%'")
        .fetch_one(&pool)
        .await?;
    let spec = Spec {
        youths,
        registrations,
        signals,
        coordinations: youths / 10,
        actions: youths / 5,
        escalations: youths / 250,
        handovers: youths / 100,
        years: 5,
        until: chrono::Local::now().date_naive(),
        history_only: false,
        seed: 7,
        bsn_offset: offset as u64,
    };
    let t = Instant::now();
    let written = fill(
        &copy_pool,
        &spec,
        &Population {
            municipalities,
            regions,
        },
    )
    .await?;
    println!(
        "COPY: {} in {:.1} s",
        summary(&written),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    sqlx::query("SELECT report_rebuild()").execute(&pool).await?;
    let sums: i64 = sqlx::query_scalar("SELECT count(*) FROM report_counts")
        .fetch_one(&pool)
        .await?;
    println!(
        "report rollup rebuilt: {sums} sums in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    sqlx::query("ANALYZE").execute(&pool).await?;
    println!("ANALYZE in {:.1} s", t.elapsed().as_secs_f64());
    let size: String = sqlx::query_scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
        .fetch_one(&pool)
        .await?;
    println!(
        "generator total: {:.1} s, database size {size}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
