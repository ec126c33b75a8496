//! Turning internal failures into `AppError::Internal` with a reference that
//! is logged together with the cause. Causes never reach the browser.

use crate::error::AppError;

/// Logs `cause` under a fresh reference and returns the error users see.
pub fn internal(context: &str, cause: impl std::fmt::Display) -> AppError {
    let reference = new_reference();
    tracing::error!(%reference, context, error = %cause, "internal error");
    AppError::Internal { reference }
}

/// What a 503 asks clients to wait before trying again, in seconds.
pub const RETRY_SECONDS: i32 = 5;

/// The plain-text answer for `e` from a handler that is no server function
/// (the live stream, the export, the upload): its status and its message.
pub fn plain_response(e: impl Into<AppError>) -> axum::response::Response {
    use axum::{http::StatusCode, response::IntoResponse};
    let e = e.into();
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

/// Logs `cause` (a passing outage) under a fresh reference and returns
/// the 503 users see.
pub fn unavailable(context: &str, cause: impl std::fmt::Display) -> AppError {
    let reference = new_reference();
    tracing::warn!(%reference, context, error = %cause, "database unavailable");
    AppError::Unavailable { reference }
}

/// Whether `e` says the database cannot be reached right now (rather than
/// that a query is wrong): no connection to be had, a connection lost, or
/// the server shutting down or starting up.
pub fn is_outage(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            true
        }
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            // 08: connection exception; 57P01–57P03: shutdown, crash
            // shutdown, cannot connect now; 53300: too many connections.
            c.starts_with("08") || c.starts_with("57P") || c == "53300"
        }),
        _ => false,
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if is_outage(&e) {
            unavailable("database", e)
        } else {
            internal("database", e)
        }
    }
}

fn new_reference() -> String {
    format!(
        "ZS-{}",
        uuid::Uuid::new_v4().simple().to_string()[..8].to_uppercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_connection_is_an_outage_and_a_bad_query_is_not() {
        assert!(is_outage(&sqlx::Error::PoolTimedOut));
        assert!(is_outage(&sqlx::Error::PoolClosed));
        assert!(is_outage(&sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused
        ))));
        assert!(!is_outage(&sqlx::Error::RowNotFound));
        assert!(!is_outage(&sqlx::Error::ColumnNotFound("x".into())));
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut).status(), 503);
        assert_eq!(AppError::from(sqlx::Error::RowNotFound).status(), 500);
        let shown = AppError::from(sqlx::Error::PoolClosed).to_string();
        assert!(
            shown.starts_with("Zorgsignaal kan even niet bij zijn gegevens."),
            "{shown}"
        );
        assert!(!shown.contains("closed"), "the cause stays in the log: {shown}");
    }
}
