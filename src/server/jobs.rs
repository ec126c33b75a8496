//! The scheduler: daily jobs, each claimed in the database for the day so
//! that several app instances run it exactly once, and a missed day runs
//! when an instance comes back.

use super::{
    db::{
        self,
        audit::{self, Outcome, Via},
        involvements,
    },
    state::AppState,
};
use crate::domain::youth::MAX_AGE;
use chrono::{Months, NaiveDate};
use sqlx::PgPool;
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
    if !db::jobs::claim(&mut *tx, "daily", today).await? {
        return Ok(None);
    }
    let (expired, happened) = involvements::expire(&mut tx, None).await?;
    super::cases::follow(&mut tx, happened).await?;
    let mut report = DailyReport {
        expired_on_youths: expired.len(),
        ..DailyReport::default()
    };

    // Retention: on their 23rd birthday a youth's data goes; the audit log
    // keeps only ids and counts.
    let born_on_or_before = today
        .checked_sub_months(Months::new(12 * (MAX_AGE + 1)))
        .unwrap_or(NaiveDate::MIN);
    let purged = db::youths::purge_born_on_or_before(&mut tx, born_on_or_before).await?;
    report.purged_youths = purged.youth_ids.len();
    report.purged_registrations = purged.registrations;
    report.purged_signals = purged.signals;
    if !purged.youth_ids.is_empty() {
        audit::record(
            &mut *tx,
            &audit::Entry {
                user_id: None,
                organisation_id: None,
                roles: vec![],
                action: "retention_purge",
                object_type: Some("youth"),
                object_ids: purged.youth_ids.iter().map(Uuid::to_string).collect(),
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

    report.purged_sessions = db::sessions::delete_expired(&mut *tx, idle, absolute).await?;
    db::flashes::delete_stale(&mut *tx).await?;
    db::tokens::delete_old_calls(&mut *tx).await?;
    db::login_attempts::delete_old(&mut *tx).await?;
    db::outbox::delete_old_sent(&mut *tx).await?;
    db::live::delete_old(&mut tx).await?;
    db::jobs::finish(&mut *tx, "daily", today).await?;
    tx.commit().await?;
    Ok(Some(report))
}

/// Checks every ten minutes whether today's run is due; stops with the process.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        // The report rollup's deltas are folded in every half minute.
        let mut fold = tokio::time::interval(Duration::from_secs(30));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = fold.tick() => {
                    super::reports::compact(&state.pool).await;
                    // New audit rows join the hash chain.
                    if let Err(e) = super::db::audit::seal(&state.pool).await {
                        tracing::warn!(error = %e, "sealing the audit log failed; tried again in half a minute");
                    }
                    continue;
                }
            }
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
            // Actions past their date: mailed once, in batches.
            loop {
                match super::cases::jobs::mail_overdue(&state.pool, today, 500).await {
                    Ok(n) if n > 0 => tracing::info!(count = n, "overdue actions mailed"),
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "mailing overdue actions failed; tried again in ten minutes");
                        break;
                    }
                }
            }
            // Periodic reports whose period is over (and any missed ones).
            match super::cases::reports::send_due(&state.pool, today).await {
                Ok(n) if n > 0 => tracing::info!(count = n, "periodic reports queued"),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "queueing periodic reports failed; tried again in ten minutes")
                }
            }
            // Expiry reminders: every tick, in batches, until none is due.
            loop {
                match super::cases::jobs::expiry_reminders(&state.pool, today, 500).await {
                    Ok(n) if n > 0 => tracing::info!(count = n, "expiry reminders queued"),
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "queueing expiry reminders failed; tried again in ten minutes");
                        break;
                    }
                }
            }
        }
    })
}
