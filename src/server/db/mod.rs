//! All SQL of the application lives below this module, one file per aggregate.

pub mod actions;
pub mod audit;
pub mod bsn;
pub mod coordination;
pub mod family;
pub mod flashes;
pub mod happened;
pub mod involvements;
pub mod jobs;
pub mod live;
pub mod login_attempts;
pub mod organisations;
pub mod outbox;
pub mod reports;
pub mod seed;
pub mod sessions;
pub mod tokens;
pub mod two_factor;
pub mod users;
pub mod youths;

use super::config::Config;
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::time::Duration;

/// Opens the pool lazily: the server starts even while the database is still
/// coming up, and `/ready` reports whether it is reachable.
pub fn pool(config: &Config) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy(&config.database_url)
}

/// Applies the migrations in `migrations/`.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}

/// True when a trivial query succeeds within the pool's acquire timeout.
pub async fn ping(pool: &PgPool) -> bool {
    sqlx::query_scalar!("SELECT 1").fetch_one(pool).await.is_ok()
}
