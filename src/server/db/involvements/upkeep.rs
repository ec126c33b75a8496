//! Keeping involvements current: expiry and the per-youth organisation count.

use crate::server::db::happened::Happened;
use sqlx::PgConnection;
use uuid::Uuid;

/// Ends registrations whose end date passed and closes expired signals,
/// on `youths` or everywhere; writes their history. Returns the youths
/// touched and, when it ran everywhere, what recounting them did (the
/// caller of `youths` recounts them itself).
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn expire(
    tx: &mut PgConnection,
    youths: Option<&[Uuid]>,
) -> Result<(Vec<Uuid>, Vec<Happened>), sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"WITH r AS (
             UPDATE registrations SET ended_at = now(), end_reason = 'expired'
              WHERE ended_at IS NULL AND end_date < current_date
                AND ($1::uuid[] IS NULL OR youth_id = ANY($1))
             RETURNING id, youth_id),
         s AS (
             UPDATE signals SET closed_at = now(), close_reason = 'expired'
              WHERE closed_at IS NULL AND expires_at <= now()
                AND ($1::uuid[] IS NULL OR youth_id = ANY($1))
             RETURNING id, youth_id),
         e AS (
             INSERT INTO involvement_events (youth_id, involvement_id, event)
             SELECT youth_id, id, 'expired' FROM r UNION ALL SELECT youth_id, id, 'expired' FROM s
             RETURNING youth_id)
         SELECT DISTINCT youth_id AS "youth_id!" FROM e"#,
        youths
    )
    .fetch_all(&mut *tx)
    .await?;
    let happened = if youths.is_none() && !rows.is_empty() {
        recount(tx, &rows).await?
    } else {
        Vec::new()
    };
    Ok((rows, happened))
}

/// Recomputes how many organisations are involved with each youth, and
/// when its match began (cleared when fewer than two remain); then brings
/// their coordination in line (appoint, reappoint, end). Returns what
/// happened: history written, appointments made, involvements changed.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn recount(tx: &mut PgConnection, youths: &[Uuid]) -> Result<Vec<Happened>, sqlx::Error> {
    sqlx::query!(
        "UPDATE youths y
            SET involved_organisations = c.n,
                matched_at = CASE WHEN c.n >= 2 THEN coalesce(y.matched_at, now()) END
           FROM (SELECT a.id, (SELECT count(DISTINCT organisation_id) FROM involvements i WHERE i.youth_id = a.id)::int AS n
                   FROM unnest($1::uuid[]) AS a(id)) c
          WHERE y.id = c.id
            AND (y.involved_organisations <> c.n OR (c.n >= 2) <> (y.matched_at IS NOT NULL))",
        youths
    )
    .execute(&mut *tx)
    .await?;
    let mut happened = super::super::coordination::settle(tx, youths).await?;
    happened.push(Happened::InvolvementsChanged {
        youths: youths.to_vec(),
    });
    Ok(happened)
}

/// A registration whose end date is a week away, claimed for its reminder.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub registration_id: Uuid,
    pub youth_id: Uuid,
    pub user_id: Uuid,
    pub end_date: chrono::NaiveDate,
    pub youth_name: String,
    pub user_name: String,
}

/// Marks up to `limit` active registrations whose reminder is due on or
/// before `today` as reminded and returns them; rows another instance is
/// marking are skipped. A registration made inside its last week gets none
/// (its professional just chose that end date). The caller queues the mails
/// in the same transaction.
pub async fn due_reminders(
    tx: &mut PgConnection,
    today: chrono::NaiveDate,
    limit: i64,
) -> Result<Vec<DueReminder>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH due AS (
             SELECT id, organisation_id FROM registrations
              WHERE ended_at IS NULL AND reminder_sent_at IS NULL AND reminder_due_on <= $1
                AND started_at < reminder_due_on
              ORDER BY reminder_due_on
              LIMIT $2
              FOR UPDATE SKIP LOCKED)
         UPDATE registrations r SET reminder_sent_at = now()
           FROM due JOIN users u ON true JOIN youths y ON true
           -- the name as the registration's organisation recorded it
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = due.organisation_id
          WHERE r.id = due.id AND y.id = r.youth_id AND u.id = r.user_id
         RETURNING r.id, r.youth_id, r.user_id, r.end_date, coalesce(v.given_names, y.given_names) AS "given_names!",
                   coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!", u.name"#,
        today,
        limit
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DueReminder {
            registration_id: r.id,
            youth_id: r.youth_id,
            user_id: r.user_id,
            end_date: r.end_date,
            youth_name: crate::domain::youth::full_name(&r.given_names, &r.prefix, &r.family_name),
            user_name: r.name,
        })
        .collect())
}
