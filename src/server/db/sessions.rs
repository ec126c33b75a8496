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
