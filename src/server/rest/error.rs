//! The API's error responses: `{ "error": { "code", "message", "fields" } }`.

use crate::error::{AppError, FieldError};
use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

/// `{ "error": { "code", "message", "fields": [...] } }`
#[derive(Debug)]
pub struct ApiError {
    pub(super) status: StatusCode,
    pub(super) code: &'static str,
    pub(super) message: String,
    pub(super) fields: Vec<FieldError>,
    /// Seconds for a `Retry-After` header (429 only).
    pub(super) retry_after: Option<i32>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
        }
    }

    pub(super) fn invalid(fields: Vec<FieldError>) -> Self {
        ApiError {
            fields,
            ..ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Controleer de velden.",
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message, "fields": self.fields } });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match e {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden | AppError::CrossSite => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Internal { .. } => "internal",
            AppError::Unavailable { .. } => "unavailable",
            _ => "error",
        };
        let fields = match &e {
            AppError::Invalid { fields, .. } => fields.clone(),
            _ => Vec::new(),
        };
        ApiError {
            status,
            code,
            message: e.to_string(),
            fields,
            // A 503 gets its Retry-After from `security::headers`, as every 503.
            retry_after: None,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

pub(super) type ApiResult = Result<Response, ApiError>;
