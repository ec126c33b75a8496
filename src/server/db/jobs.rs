//! Scheduled jobs claimed per day, so several instances run each once.

use chrono::NaiveDate;
use sqlx::PgExecutor;

/// Claims `job` for `day`; false when an instance already did.
pub async fn claim(db: impl PgExecutor<'_>, job: &str, day: NaiveDate) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "INSERT INTO job_runs (job, run_on) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        job,
        day
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Marks the claimed run of `job` for `day` as finished.
pub async fn finish(db: impl PgExecutor<'_>, job: &str, day: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE job_runs SET finished_at = now() WHERE job = $1 AND run_on = $2",
        job,
        day
    )
    .execute(db)
    .await?;
    Ok(())
}
