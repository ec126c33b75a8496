//! Turning internal failures into `AppError::Internal` with a reference that
//! is logged together with the cause. Causes never reach the browser.

use crate::error::AppError;

/// Logs `cause` under a fresh reference and returns the error users see.
pub fn internal(context: &str, cause: impl std::fmt::Display) -> AppError {
    let reference = format!(
        "ZS-{}",
        uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase()
    );
    tracing::error!(%reference, context, error = %cause, "internal error");
    AppError::Internal { reference }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        internal("database", e)
    }
}
