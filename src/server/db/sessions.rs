//! Server-side sessions, shared by every app instance through the database.

use sqlx::PgExecutor;
use uuid::Uuid;

pub async fn create(db: impl PgExecutor<'_>, token_hash: &[u8], user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id) VALUES ($1, $2)")
        .bind(token_hash)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends one session; returns the user it belonged to, if it existed.
pub async fn delete(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// Removes sessions past their idle or absolute timeout.
pub async fn delete_expired(
    db: impl PgExecutor<'_>,
    idle_secs: f64,
    absolute_secs: f64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM sessions
         WHERE last_seen_at < now() - make_interval(secs => $1)
            OR created_at < now() - make_interval(secs => $2)",
    )
    .bind(idle_secs)
    .bind(absolute_secs)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
