//! Counting failed log-ins per account and per client address.

use sqlx::PgExecutor;
use std::net::IpAddr;

/// How many failures count towards a lock, and when the lock lifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    /// Whole minutes (rounded up) until the oldest counted failure leaves the window.
    pub minutes_left: i64,
}

/// Failures for `email` in the last `window_secs`, since its last successful
/// log-in, looking at no more than `limit` of the newest.
pub async fn for_account(
    db: impl PgExecutor<'_>,
    email: &str,
    window_secs: f64,
    limit: i64,
) -> Result<Failures, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "n!",
                  coalesce(ceil(extract(epoch FROM min(at) + make_interval(secs => $2) - now()) / 60), 0)::bigint AS "minutes!"
           FROM (SELECT at FROM login_attempts
                 WHERE email = $1 AND NOT succeeded
                   AND at > now() - make_interval(secs => $2)
                   AND at > coalesce((SELECT max(at) FROM login_attempts WHERE email = $1 AND succeeded), '-infinity')
                 ORDER BY at DESC LIMIT $3) f"#,
        email,
        window_secs,
        limit
    )
    .fetch_one(db)
    .await?;
    Ok(failures(row.n, row.minutes))
}

/// Failures from `ip` in the last `window_secs`, over all accounts.
pub async fn for_ip(
    db: impl PgExecutor<'_>,
    ip: IpAddr,
    window_secs: f64,
    limit: i64,
) -> Result<Failures, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT count(*) AS "n!",
                  coalesce(ceil(extract(epoch FROM min(at) + make_interval(secs => $2) - now()) / 60), 0)::bigint AS "minutes!"
           FROM (SELECT at FROM login_attempts
                 WHERE client_ip = $1 AND NOT succeeded AND at > now() - make_interval(secs => $2)
                 ORDER BY at DESC LIMIT $3) f"#,
        sqlx::types::ipnetwork::IpNetwork::from(ip),
        window_secs,
        limit
    )
    .fetch_one(db)
    .await?;
    Ok(failures(row.n, row.minutes))
}

fn failures(count: i64, minutes: i64) -> Failures {
    Failures {
        count,
        minutes_left: minutes.max(1),
    }
}

pub async fn record(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: Option<IpAddr>,
    succeeded: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO login_attempts (email, client_ip, succeeded) VALUES ($1, $2, $3)",
        email,
        ip.map(sqlx::types::ipnetwork::IpNetwork::from),
        succeeded
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Serialises log-ins of one account across every app instance for the rest
/// of the transaction, so concurrent attempts cannot slip past the limit.
pub async fn lock_account(db: impl PgExecutor<'_>, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtextextended($1, 7513))", email)
        .execute(db)
        .await?;
    Ok(())
}

/// Removes log-in attempts older than 30 days.
pub async fn delete_old(db: impl PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM login_attempts WHERE at < now() - interval '30 days'")
        .execute(db)
        .await?;
    Ok(())
}
