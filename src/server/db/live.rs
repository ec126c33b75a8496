//! Live events, written in the transaction that makes the change. The
//! database numbers them at commit and notifies every app instance
//! (`migrations/…_live.sql`); `server::live` streams them to browsers.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// An action changed: an event for its youth and, for a family action,
/// for every youth of the family (their pages show it too).
pub async fn emit_action(tx: &mut PgConnection, action: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO live_events (kind, youth_id, action_id)
         SELECT 'action', c.y, a.id FROM actions a,
                LATERAL (SELECT a.youth_id AS y
                         UNION SELECT fm.youth_id FROM family_members fm WHERE fm.family_id = a.family_id) c
          WHERE a.id = $1",
        action
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The coordination of these youths changed (appointed, taken, handed
/// over, escalated, decided): one event per youth.
pub async fn emit_coordination(tx: &mut PgConnection, youths: &[Uuid]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO live_events (kind, youth_id) SELECT DISTINCT 'coordination', y FROM unnest($1::uuid[]) AS t(y)",
        youths
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// An involvement changed on these youths: an event for each one that is
/// coordinated (or whose coordination ended in this transaction).
pub async fn emit_involvement(tx: &mut PgConnection, youths: &[Uuid]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO live_events (kind, youth_id)
         SELECT DISTINCT 'involvement', c.youth_id FROM coordinations c
          WHERE c.youth_id = ANY($1) AND (c.ended_at IS NULL OR c.ended_at >= now())",
        youths
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// One committed event as the instances read it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub seq: i64,
    pub kind: String,
    pub youth_id: Uuid,
    pub action_id: Option<Uuid>,
    pub audience: Vec<Uuid>,
    /// Microseconds since 1970 at commit.
    pub at_micros: i64,
}

/// Committed events after `seq`, in order, at most `limit`.
pub async fn after(pool: &PgPool, seq: i64, limit: i64) -> Result<Vec<Stored>, sqlx::Error> {
    sqlx::query_as!(
        Stored,
        r#"SELECT seq AS "seq!", kind, youth_id, action_id, audience AS "audience!",
                  (extract(epoch FROM at) * 1000000)::bigint AS "at_micros!"
             FROM live_events WHERE seq > $1 ORDER BY seq LIMIT $2"#,
        seq,
        limit
    )
    .fetch_all(pool)
    .await
}

/// What `user` missed after `seq` (of `youth` only, when given), at most
/// `limit`; `None` when the clean-up already deleted some of it.
pub async fn missed(
    pool: &PgPool,
    user: Uuid,
    seq: i64,
    youth: Option<Uuid>,
    limit: i64,
) -> Result<Option<Vec<Stored>>, sqlx::Error> {
    let purged: i64 = sqlx::query_scalar!("SELECT upto_seq FROM live_purged")
        .fetch_one(pool)
        .await?;
    if seq < purged {
        return Ok(None);
    }
    let rows = sqlx::query_as!(
        Stored,
        r#"SELECT seq AS "seq!", kind, youth_id, action_id, audience AS "audience!",
                  (extract(epoch FROM at) * 1000000)::bigint AS "at_micros!"
             FROM live_events
            WHERE seq > $1 AND $2 = ANY (audience) AND ($3::uuid IS NULL OR youth_id = $3)
            ORDER BY seq LIMIT $4"#,
        seq,
        user,
        youth,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(Some(rows))
}

/// The highest committed number.
pub async fn high_water(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT coalesce(max(seq), 0) AS "seq!" FROM live_events"#)
        .fetch_one(pool)
        .await
}

/// Deletes events older than two days (the daily job); reconnecting
/// clients that last saw one of them are told to resync.
pub async fn delete_old(tx: &mut PgConnection) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "UPDATE live_purged SET upto_seq = greatest(upto_seq,
             (SELECT coalesce(max(seq), 0) FROM live_events WHERE at < now() - interval '2 days'))"
    )
    .execute(&mut *tx)
    .await?;
    Ok(
        sqlx::query!("DELETE FROM live_events WHERE at < now() - interval '2 days'")
            .execute(&mut *tx)
            .await?
            .rows_affected(),
    )
}

/// Presence: a live connection of `user` on `topic` opened.
pub async fn present(pool: &PgPool, connection: Uuid, user: Uuid, topic: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO presence (connection_id, user_id, topic) VALUES ($1, $2, $3)",
        connection,
        user,
        topic
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Presence: the connection is still open.
pub async fn still_present(pool: &PgPool, connection: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE presence SET seen_at = now() WHERE connection_id = $1",
        connection
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Presence: the connection closed.
pub async fn gone(pool: &PgPool, connection: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM presence WHERE connection_id = $1", connection)
        .execute(pool)
        .await?;
    Ok(())
}

/// How long a connection counts as present without a sign of life.
pub const PRESENCE_SECONDS: i32 = 45;

/// Deletes the presence of connections an instance lost (a crash).
pub async fn delete_stale_presence(pool: &PgPool) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM presence WHERE seen_at < now() - make_interval(secs => $1)",
        f64::from(PRESENCE_SECONDS)
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// The names of the others looking at `topic` now (each once).
pub async fn who_is_here(pool: &PgPool, topic: &str, except: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT u.name FROM users u
          WHERE u.id <> $2 AND EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id AND p.topic = $1
                                          AND p.seen_at >= now() - make_interval(secs => $3))
          ORDER BY u.name",
        topic,
        except,
        f64::from(PRESENCE_SECONDS)
    )
    .fetch_all(pool)
    .await
}
