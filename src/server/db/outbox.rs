//! The mail outbox: enqueue in the caller's transaction, claim, settle, and
//! the region admin's view. The mail worker claims and settles through it.

use crate::domain::records::MailRow;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use std::time::Duration;
use uuid::Uuid;

/// A mail to enqueue; the mail module builds these from a template.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: &'static str,
    /// A user (the address is looked up; inactive users get nothing), or
    /// `None` with `address` for someone outside the application.
    pub user_id: Option<Uuid>,
    pub address: Option<String>,
    pub region_id: Option<Uuid>,
    pub youth_id: Option<Uuid>,
    pub subject: String,
    pub payload: serde_json::Value,
    pub dedupe_key: Option<String>,
}

/// Inserts `mails` for active users and bare addresses; a mail whose
/// `dedupe_key` exists already is skipped. Returns how many were queued.
pub async fn insert(tx: &mut PgConnection, mails: &[NewMail]) -> Result<u64, sqlx::Error> {
    if mails.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = mails.iter().map(|_| Uuid::new_v4()).collect();
    let done = sqlx::query!(
        "INSERT INTO outbox (message_id, kind, user_id, recipient, region_id, youth_id, subject, payload, dedupe_key)
         SELECT m.message_id, m.kind, m.user_id, coalesce(u.email, m.address, ''),
                coalesce(m.region_id, o.region_id), m.youth_id, m.subject, m.payload, m.dedupe_key
           FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::jsonb[], $9::text[])
                AS m(message_id, kind, user_id, address, region_id, youth_id, subject, payload, dedupe_key)
           LEFT JOIN users u ON u.id = m.user_id
           LEFT JOIN organisations o ON o.id = u.organisation_id
          WHERE m.user_id IS NULL OR u.active
         ON CONFLICT (dedupe_key) DO NOTHING",
        &ids,
        &mails.iter().map(|m| m.kind).collect::<Vec<_>>() as &[&str],
        &mails.iter().map(|m| m.user_id).collect::<Vec<_>>() as &[Option<Uuid>],
        &mails.iter().map(|m| m.address.clone()).collect::<Vec<_>>() as &[Option<String>],
        &mails.iter().map(|m| m.region_id).collect::<Vec<_>>() as &[Option<Uuid>],
        &mails.iter().map(|m| m.youth_id).collect::<Vec<_>>() as &[Option<Uuid>],
        &mails.iter().map(|m| m.subject.clone()).collect::<Vec<_>>(),
        &mails.iter().map(|m| m.payload.clone()).collect::<Vec<_>>(),
        &mails.iter().map(|m| m.dedupe_key.clone()).collect::<Vec<_>>() as &[Option<String>]
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// A claimed mail, with what the worker needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub message_id: Uuid,
    pub kind: String,
    pub subject: String,
    pub payload: serde_json::Value,
    /// The user's current address (or the bare address).
    pub address: String,
    /// False when the user's account was disabled after the mail was queued.
    pub active: bool,
    pub attempts: i32,
    pub give_up_at: DateTime<Utc>,
}

/// Claims up to `limit` due mails for `lease`: pending ones whose time has
/// come, and ones whose earlier claim lapsed (a worker crashed). Rows
/// another worker is claiming are skipped, so no two workers hold one mail.
pub async fn claim(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease: Duration,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        r#"WITH due AS (
             SELECT id FROM outbox
              WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()
              ORDER BY next_attempt_at
              LIMIT $1
              FOR UPDATE SKIP LOCKED)
         UPDATE outbox o
            SET status = 'sending', attempts = o.attempts + 1,
                next_attempt_at = now() + make_interval(secs => $2)
           FROM due
          WHERE o.id = due.id
         RETURNING o.id, o.message_id, o.kind, o.subject, o.payload, o.attempts, o.give_up_at,
                   coalesce((SELECT u.email FROM users u WHERE u.id = o.user_id), o.recipient) AS "address!",
                   coalesce((SELECT u.active FROM users u WHERE u.id = o.user_id), o.user_id IS NULL) AS "active!""#,
        limit,
        lease.as_secs_f64()
    )
    .fetch_all(db)
    .await
}

/// Sent: the body is no longer kept. Only a mail still being sent is
/// settled: one that meanwhile went another way (sent by a worker that took
/// it over after the lease ran out, given up by hand) keeps its state.
pub async fn mark_sent(db: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL, payload = '{}'::jsonb
          WHERE id = $1 AND status = 'sending'",
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// What happened to a mail that was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Try again after this long.
    RetryAfter(Duration),
    /// Never sent (no usable address, account disabled): not retried.
    Failed,
    /// Given up (refused for good, or retried for 48 hours).
    Dead,
}

/// Like [`mark_sent`], this settles only a mail still being sent.
pub async fn mark_unsent(
    db: impl PgExecutor<'_>,
    id: i64,
    settle: Settle,
    error: &str,
) -> Result<(), sqlx::Error> {
    let (status, delay) = match settle {
        Settle::RetryAfter(d) => ("pending", d),
        Settle::Failed => ("failed", Duration::ZERO),
        Settle::Dead => ("dead", Duration::ZERO),
    };
    let error: String = error.chars().take(500).collect();
    sqlx::query!(
        "UPDATE outbox SET status = $2, last_error = $3,
                next_attempt_at = now() + make_interval(secs => $4)
          WHERE id = $1 AND status = 'sending'",
        id,
        status,
        error,
        delay.as_secs_f64()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Gives claimed mails back (at shutdown), due at once for another worker.
pub async fn release(db: impl PgExecutor<'_>, ids: &[i64]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outbox SET status = 'pending', attempts = greatest(attempts - 1, 0), next_attempt_at = now()
          WHERE id = ANY($1) AND status = 'sending'",
        ids
    )
    .execute(db)
    .await?;
    Ok(())
}

/// When the next pending mail falls due, for the worker's sleep.
pub async fn next_due(db: impl PgExecutor<'_>) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!("SELECT min(next_attempt_at) FROM outbox WHERE status IN ('pending', 'sending')")
        .fetch_one(db)
        .await
}

/// Counts per status in the region.
pub async fn counts(db: impl PgExecutor<'_>, region_id: Uuid) -> Result<Vec<(String, i64)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT status, count(*) AS "n!" FROM outbox WHERE region_id = $1 GROUP BY status"#,
        region_id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| (r.status, r.n))
    .collect())
}

/// The newest `limit` mails of the region with `status`: never the body.
pub async fn in_region(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
    status: &str,
    limit: i64,
) -> Result<Vec<MailRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, recipient, subject, status, attempts, last_error,
                to_char(created_at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI') AS "created!",
                CASE WHEN status = 'pending'
                     THEN to_char(next_attempt_at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI') END AS next_attempt,
                to_char(sent_at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI') AS sent
           FROM outbox WHERE region_id = $1 AND status = $2
          ORDER BY created_at DESC, id DESC LIMIT $3"#,
        region_id,
        status,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MailRow {
            id: r.id,
            recipient: r.recipient,
            subject: r.subject,
            may_retry: r.status == "dead" || r.status == "failed",
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            created: r.created,
            next_attempt: r.next_attempt,
            sent: r.sent,
        })
        .collect())
}

/// Puts a dead or failed mail of the region back in the queue, with 48 new
/// hours of retries, and wakes the workers. False when there is no such mail.
pub async fn retry(tx: &mut PgConnection, id: i64, region_id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(),
                give_up_at = now() + interval '48 hours', last_error = NULL
          WHERE id = $1 AND region_id = $2 AND status IN ('dead', 'failed')",
        id,
        region_id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        sqlx::query!("SELECT pg_notify('outbox', '')")
            .execute(&mut *tx)
            .await?;
    }
    Ok(done.rows_affected() == 1)
}

/// Sent mails are kept (without body) for 90 days.
pub async fn delete_old_sent(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query!("DELETE FROM outbox WHERE status = 'sent' AND sent_at < now() - interval '90 days'")
            .execute(db)
            .await?
            .rows_affected(),
    )
}
