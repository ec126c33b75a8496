//! The use cases: each runs in one transaction, calls the database
//! functions (`server::db`), which run SQL and report what happened, and
//! turns what they report into what follows — outbox mail and the audit
//! rows of what the system did by itself — in [`follow`], the one place
//! that decides it. The server functions (`api`), the REST API, the file
//! upload and the scheduler call these; nothing else queues mail.

pub mod actions;
pub mod chain;
pub mod coordination;
pub mod data_quality;
mod follow;
pub mod jobs;
pub mod reports;

pub use follow::follow;

use crate::server::db::happened::Happened;
use sqlx::PgConnection;

/// Follows up what a database function did on success, passing its
/// answer (or its refusal, which changed nothing) on.
pub(crate) async fn then<T, R>(
    tx: &mut PgConnection,
    result: Result<(T, Vec<Happened>), R>,
) -> Result<Result<T, R>, sqlx::Error> {
    match result {
        Ok((value, happened)) => {
            follow(tx, happened).await?;
            Ok(Ok(value))
        }
        Err(refused) => Ok(Err(refused)),
    }
}

/// Follows up what a database function did, if it did anything: true
/// when it did, false when the actor may not (nothing changed).
pub(crate) async fn follow_if(
    tx: &mut PgConnection,
    happened: Option<Vec<Happened>>,
) -> Result<bool, sqlx::Error> {
    match happened {
        Some(happened) => {
            follow(tx, happened).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}
