//! One-time values for the page after a form post without JavaScript.

use sqlx::PgExecutor;
use uuid::Uuid;

pub async fn put(
    db: impl PgExecutor<'_>,
    session: &[u8; 32],
    payload: &serde_json::Value,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO flashes (id, session, payload) VALUES ($1, $2, $3)",
        id,
        &session[..],
        payload
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// The flash `id` of this session, removed as it is read; younger than an hour.
pub async fn take(
    db: impl PgExecutor<'_>,
    id: Uuid,
    session: &[u8; 32],
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!(
        "DELETE FROM flashes WHERE id = $1 AND session = $2 AND created_at > now() - interval '1 hour' RETURNING payload",
        id,
        &session[..]
    )
    .fetch_optional(db)
    .await
}

/// Removes flashes older than an hour that were never read.
pub async fn delete_stale(db: impl PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM flashes WHERE created_at < now() - interval '1 hour'")
        .execute(db)
        .await?;
    Ok(())
}
