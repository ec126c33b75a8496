//! One-time values for the page after a form post without JavaScript,
//! bound to the session of the request (see `db::flashes`).

use super::{
    auth::{hash_token, session_token},
    db::flashes,
    errors::internal,
    state::AppState,
};
use crate::error::AppError;
use axum::http::request::Parts;
use serde::{de::DeserializeOwned, Serialize};
use sqlx::PgExecutor;
use uuid::Uuid;

/// Keeps `value` for this request's session; `None` without a session.
pub async fn put<T: Serialize>(
    db: impl PgExecutor<'_>,
    parts: &Parts,
    value: &T,
) -> Result<Option<Uuid>, AppError> {
    let Some(session) = session_token(&parts.headers) else {
        return Ok(None);
    };
    let payload = serde_json::to_value(value).map_err(|e| internal("flash", e))?;
    Ok(Some(flashes::put(db, &hash_token(&session), &payload).await?))
}

/// The value `id` of this request's session, removed as it is read.
pub async fn take<T: DeserializeOwned>(
    state: &AppState,
    parts: &Parts,
    id: Uuid,
) -> Result<Option<T>, AppError> {
    let session = session_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
    let payload = flashes::take(&state.pool, id, &hash_token(&session)).await?;
    Ok(payload.and_then(|p| serde_json::from_value(p).ok()))
}
