//! One-time values for the page after a form post without JavaScript,
//! bound to the session of the request (see `db::flashes`). They may hold
//! what was typed (a BSN, a name), so they are sealed with a key derived
//! from the session's own token, which the database never sees: a copy of
//! the database reads none of them, and only that session opens its own.

use super::{
    auth::{hash_token, session_token},
    db::flashes,
    errors::internal,
    state::AppState,
};
use crate::{domain::role::Role, error::AppError};
use axum::http::request::Parts;
use base64::Engine;
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
    let plain = serde_json::to_vec(value).map_err(|e| internal("flash", e))?;
    let sealed = super::sealed::seal(&flash_key(&session), b"flash", &plain);
    let payload = serde_json::json!({ "sealed": base64::engine::general_purpose::STANDARD.encode(sealed) });
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
    Ok(payload
        .and_then(|p| {
            let sealed = base64::engine::general_purpose::STANDARD
                .decode(p.get("sealed")?.as_str()?)
                .ok()?;
            super::sealed::open(&flash_key(&session), b"flash", &sealed)
        })
        .and_then(|plain| serde_json::from_slice(&plain).ok()))
}

/// The key of this session's flashes.
fn flash_key(session: &str) -> [u8; 32] {
    super::sealed::derive_key(&[b"zorgsignaal flash", session.as_bytes()])
}

/// After a form post without JavaScript: keeps `value` for the next page
/// and redirects there as `{path}?{param}={id}`. With JavaScript (or
/// without a session) it does nothing; the caller returns `value` itself.
pub async fn redirect_with<T: Serialize>(
    db: impl PgExecutor<'_>,
    parts: &Parts,
    value: &T,
    path: &str,
    param: &str,
) -> Result<(), AppError> {
    if crate::api::is_plain_form_post(parts) {
        if let Some(id) = put(db, parts, value).await? {
            leptos_axum::redirect(&format!("{path}?{param}={id}"));
        }
    }
    Ok(())
}

/// The server-function side of a flash: a logged-in user with one of
/// `roles` (any, when empty) takes value `id` of their own session.
pub async fn take_for<T: DeserializeOwned>(roles: &[Role], id: Uuid) -> Result<Option<T>, AppError> {
    super::auth::require(roles).await?;
    let (state, parts) = super::auth::request()?;
    take(&state, &parts, id).await
}
