//! Keeping involvements current: expiry and the per-youth organisation count.

use sqlx::PgConnection;
use uuid::Uuid;

/// Ends registrations whose end date passed and closes expired signals,
/// on `youths` or everywhere; writes their history. Returns the youths touched.
pub async fn expire(tx: &mut PgConnection, youths: Option<&[Uuid]>) -> Result<Vec<Uuid>, sqlx::Error> {
    let rows = sqlx::query_scalar::<_, Uuid>(
        "WITH r AS (
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
         SELECT DISTINCT youth_id FROM e",
    )
    .bind(youths)
    .fetch_all(&mut *tx)
    .await?;
    if youths.is_none() && !rows.is_empty() {
        recount(tx, &rows).await?;
    }
    Ok(rows)
}

/// Recomputes how many organisations are involved with each youth, and
/// when its match began (cleared when fewer than two remain).
pub async fn recount(tx: &mut PgConnection, youths: &[Uuid]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE youths y
            SET involved_organisations = c.n,
                matched_at = CASE WHEN c.n >= 2 THEN coalesce(y.matched_at, now()) END
           FROM (SELECT a.id, (SELECT count(DISTINCT organisation_id) FROM involvements i WHERE i.youth_id = a.id)::int AS n
                   FROM unnest($1::uuid[]) AS a(id)) c
          WHERE y.id = c.id
            AND (y.involved_organisations <> c.n OR (c.n >= 2) <> (y.matched_at IS NOT NULL))",
    )
    .bind(youths)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
