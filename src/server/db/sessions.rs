//! Server-side sessions, shared by every app instance through the database.

use sqlx::PgExecutor;
use uuid::Uuid;

/// A new session; `stage` is 'full' for a log-in, or the second step it
/// still waits for (see `domain::two_factor::LoginStep`).
pub async fn create(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    user_id: Uuid,
    stage: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sessions (token_hash, user_id, stage) VALUES ($1, $2, $3)",
        token_hash,
        user_id,
        stage
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Ends one session; returns the user it belonged to, if it existed.
pub async fn delete(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id",
        token_hash
    )
    .fetch_optional(db)
    .await
}

/// Removes sessions idle longer than `idle` or older than `absolute`;
/// returns how many.
pub async fn delete_expired(
    db: impl PgExecutor<'_>,
    idle: std::time::Duration,
    absolute: std::time::Duration,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM sessions WHERE last_seen_at < now() - make_interval(secs => $1)
                                 OR created_at < now() - make_interval(secs => $2)",
        idle.as_secs_f64(),
        absolute.as_secs_f64()
    )
    .execute(db)
    .await?
    .rows_affected())
}
