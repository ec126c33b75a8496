//! The scheduler: daily jobs, each claimed in the database for the day so
//! that several app instances run it exactly once, and a missed day runs
//! when an instance comes back.

use super::{
    db::{
        audit::{self, Outcome, Via},
        involvements,
    },
    state::AppState,
};
use crate::domain::youth::MAX_AGE;
use chrono::{Months, NaiveDate};
use sqlx::{PgPool, Row};
use std::time::Duration;
use uuid::Uuid;

/// What the daily run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DailyReport {
    pub expired_on_youths: usize,
    pub purged_youths: usize,
    pub purged_registrations: i64,
    pub purged_signals: i64,
    pub purged_sessions: u64,
}

/// Runs the daily job for `today` unless an instance already did; `None`
/// when it was done already. Claim and work commit together: a crash
/// leaves the day unclaimed for the next try.
pub async fn run_daily_once(
    pool: &PgPool,
    today: NaiveDate,
    idle: Duration,
    absolute: Duration,
) -> Result<Option<DailyReport>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let claimed =
        sqlx::query("INSERT INTO job_runs (job, run_on) VALUES ('daily', $1) ON CONFLICT DO NOTHING")
            .bind(today)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
    if !claimed {
        return Ok(None);
    }
    let mut report = DailyReport {
        expired_on_youths: involvements::expire(&mut tx, None).await?.len(),
        ..DailyReport::default()
    };

    // Retention: on their 23rd birthday a youth's data goes; the audit log
    // keeps only ids and counts.
    let born_on_or_before = today
        .checked_sub_months(Months::new(12 * (MAX_AGE + 1)))
        .unwrap_or(NaiveDate::MIN);
    let counts = sqlx::query(
        "SELECT (SELECT count(*) FROM registrations r JOIN youths y ON y.id = r.youth_id WHERE y.birth_date <= $1) AS r,
                (SELECT count(*) FROM signals s JOIN youths y ON y.id = s.youth_id WHERE y.birth_date <= $1) AS s",
    )
    .bind(born_on_or_before)
    .fetch_one(&mut *tx)
    .await?;
    report.purged_registrations = counts.get("r");
    report.purged_signals = counts.get("s");
    let purged: Vec<Uuid> = sqlx::query_scalar("DELETE FROM youths WHERE birth_date <= $1 RETURNING id")
        .bind(born_on_or_before)
        .fetch_all(&mut *tx)
        .await?;
    report.purged_youths = purged.len();
    if !purged.is_empty() {
        audit::record(
            &mut *tx,
            &audit::Entry {
                user_id: None,
                organisation_id: None,
                roles: vec![],
                action: "retention_purge",
                object_type: Some("youth"),
                object_ids: purged.iter().map(Uuid::to_string).collect(),
                client_ip: None,
                outcome: Outcome::Success,
                reason: Some(format!(
                    "{} jeugdigen, {} registraties, {} signalen verwijderd (23 jaar geworden)",
                    report.purged_youths, report.purged_registrations, report.purged_signals
                )),
                via: Via::System,
            },
        )
        .await?;
    }

    report.purged_sessions = sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at < now() - make_interval(secs => $1)
                                 OR created_at < now() - make_interval(secs => $2)",
    )
    .bind(idle.as_secs_f64())
    .bind(absolute.as_secs_f64())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM flashes WHERE created_at < now() - interval '1 hour'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM api_calls WHERE minute < now() - interval '1 hour'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM login_attempts WHERE at < now() - interval '30 days'")
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE job_runs SET finished_at = now() WHERE job = 'daily' AND run_on = $1")
        .bind(today)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(report))
}

/// Checks every ten minutes whether today's run is due; stops with the process.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let today = crate::domain::today();
            match run_daily_once(
                &state.pool,
                today,
                state.config.session_idle,
                state.config.session_absolute,
            )
            .await
            {
                Ok(Some(r)) => tracing::info!(
                    expired_on_youths = r.expired_on_youths,
                    purged_youths = r.purged_youths,
                    purged_sessions = r.purged_sessions,
                    "daily job done"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "daily job failed; it is tried again in ten minutes"),
            }
        }
    })
}
