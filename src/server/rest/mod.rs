//! The REST API for institution systems under /api/v1: JSON, bearer
//! tokens per organisation, every call audited like a UI action.

mod error;
mod involvements;
mod openapi;

pub use error::ApiError;
use error::ApiResult;
use involvements::{
    bulk, close_signal, create_registration, create_signal, end_registration, list_registrations,
    list_signals,
};

use super::{
    auth::{client_ip, hash_token},
    cases::chain::Actor,
    db::{
        self,
        audit::{self, Outcome, Via},
        tokens::TokenOwner,
    },
    state::AppState,
};
use axum::{
    body::{to_bytes, Body},
    http::{header, request::Parts, HeaderMap, StatusCode},
    routing::{get, post},
    Router,
};
use serde::Deserialize;

/// Bodies over 10 MB are refused with 413.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route(
            "/registrations",
            post(create_registration).get(list_registrations),
        )
        .route("/registrations/bulk", post(bulk))
        .route("/registrations/{id}/end", post(end_registration))
        .route("/signals", post(create_signal).get(list_signals))
        .route("/signals/{id}/close", post(close_signal))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "Dit adres bestaat niet in de API.",
            )
        })
}

/// The caller: a live token, from where.
struct Caller {
    owner: TokenOwner,
    ip: Option<std::net::IpAddr>,
}

impl Caller {
    fn actor(&self) -> Actor {
        Actor {
            roles: vec![],
            client_ip: self.ip,
            via: Via::Api,
            extra_ids: vec![format!("token:{}", self.owner.token_id)],
        }
    }

    fn entry<'a>(
        &self,
        action: &'a str,
        object_type: &'a str,
        mut ids: Vec<String>,
        outcome: Outcome,
    ) -> audit::Entry<'a> {
        ids.push(format!("token:{}", self.owner.token_id));
        audit::Entry {
            user_id: None,
            organisation_id: Some(self.owner.organisation_id),
            roles: vec![],
            action,
            object_type: Some(object_type),
            object_ids: ids,
            client_ip: self.ip,
            outcome,
            reason: None,
            via: Via::Api,
        }
    }
}

async fn authenticate(state: &AppState, parts: &Parts) -> Result<Caller, ApiError> {
    let unauthenticated = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Geef een geldige API-sleutel mee: Authorization: Bearer <sleutel>.",
        )
    };
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(unauthenticated)?;
    let owner = db::tokens::authenticate(&state.pool, &hash_token(token))
        .await?
        .ok_or_else(unauthenticated)?;
    let (calls, retry_after) = db::tokens::count_call(&state.pool, owner.token_id).await?;
    if calls > state.config.api_calls_per_minute {
        return Err(ApiError {
            retry_after: Some(retry_after.max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "Te veel verzoeken: deze sleutel mag {} verzoeken per minuut doen. Probeer het over {} seconden opnieuw.",
                    state.config.api_calls_per_minute,
                    retry_after.max(1)
                ),
            )
        });
    }
    Ok(Caller {
        owner,
        ip: client_ip(parts, &state.config),
    })
}

async fn body_bytes(parts: &Parts, body: Body) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "Het verzoek is groter dan 10 MB.",
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    to_bytes(body, MAX_BODY).await.map_err(|_| too_large())
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

async fn json_body<T: for<'de> Deserialize<'de>>(parts: &Parts, body: Body) -> Result<T, ApiError> {
    if !content_type(&parts.headers).starts_with("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Stuur JSON met Content-Type: application/json.",
        ));
    }
    let bytes = body_bytes(parts, body).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let message = if e.is_data() {
            "De JSON mist verplichte velden of bevat velden van het verkeerde type."
        } else {
            "Dit is geen geldige JSON."
        };
        ApiError::new(StatusCode::BAD_REQUEST, "malformed", message)
    })
}
