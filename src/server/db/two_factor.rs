//! Second-factor state of users and sessions, recovery codes, passwords.

use sqlx::PgExecutor;
use uuid::Uuid;

/// A session between the password and the second step.
#[derive(Debug, Clone)]
pub struct Pending {
    pub user_id: Uuid,
    pub email: String,
    pub organisation_id: Uuid,
    pub stage: String,
}

/// The session `token_hash` if it still waits for a second step, at most
/// `max_age_secs` after the password was given.
pub async fn pending(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    max_age_secs: f64,
) -> Result<Option<Pending>, sqlx::Error> {
    sqlx::query_as!(
        Pending,
        "SELECT u.id AS user_id, u.email, u.organisation_id, s.stage
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND s.stage <> 'full' AND u.active
            AND s.created_at > now() - make_interval(secs => $2)",
        token_hash,
        max_age_secs
    )
    .fetch_optional(db)
    .await
}

/// Makes the pending session a full log-in.
pub async fn complete_session(db: impl PgExecutor<'_>, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sessions SET stage = 'full', last_seen_at = now() WHERE token_hash = $1",
        token_hash
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The confirmed secret of a user and the last step used, locked for the
/// check of one code.
pub async fn secret_for_update(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
) -> Result<Option<(Vec<u8>, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT totp_secret AS "totp_secret!", totp_last_step FROM users
            WHERE id = $1 AND totp_secret IS NOT NULL FOR UPDATE"#,
        user_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.totp_secret, r.totp_last_step)))
}

/// Remembers the step of a code just used, so it works only once.
pub async fn use_step(db: impl PgExecutor<'_>, user_id: Uuid, step: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET totp_last_step = $2 WHERE id = $1",
        user_id,
        step
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Uses up a recovery code; false when it is not one of the user's unused codes.
pub async fn use_recovery_code(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    hash: &[u8],
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        user_id,
        hash
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// The secret being set up for the user: the one kept from an earlier
/// visit, or `fresh`.
pub async fn pending_secret(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    fresh: &[u8],
) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE users SET totp_pending_secret = coalesce(totp_pending_secret, $2) WHERE id = $1
         RETURNING totp_pending_secret AS "secret!""#,
        user_id,
        fresh
    )
    .fetch_one(db)
    .await
}

/// The secret being set up, locked for its confirmation.
pub async fn pending_secret_for_update(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT totp_pending_secret FROM users WHERE id = $1 FOR UPDATE",
        user_id
    )
    .fetch_one(db)
    .await
}

/// The secret being set up becomes the user's, `step` used.
pub async fn confirm(conn: &mut sqlx::PgConnection, user_id: Uuid, step: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = $2
          WHERE id = $1",
        user_id,
        step
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces all the user's recovery codes by `hashes`.
pub async fn replace_recovery_codes(
    conn: &mut sqlx::PgConnection,
    user_id: Uuid,
    hashes: &[[u8; 32]],
) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM recovery_codes WHERE user_id = $1", user_id)
        .execute(&mut *conn)
        .await?;
    let hashes: Vec<Vec<u8>> = hashes.iter().map(|h| h.to_vec()).collect();
    sqlx::query!(
        "INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])",
        user_id,
        &hashes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Turns the second factor off: secret, last step and codes gone.
pub async fn disable(conn: &mut sqlx::PgConnection, user_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM recovery_codes WHERE user_id = $1", user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// What the account page shows and the rules need.
#[derive(Debug, Clone)]
pub struct Status {
    pub has_app: bool,
    pub exempt: bool,
    pub region_requires_all: bool,
    pub roles: Vec<String>,
    pub codes_left: i64,
}

pub async fn status(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<Status, sqlx::Error> {
    sqlx::query_as!(
        Status,
        r#"SELECT u.totp_secret IS NOT NULL AS "has_app!", u.two_factor_exempt AS exempt,
                g.two_factor_for_all AS region_requires_all,
                array(SELECT role FROM user_roles r WHERE r.user_id = u.id ORDER BY role) AS "roles!",
                (SELECT count(*) FROM recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL) AS "codes_left!"
           FROM users u JOIN organisations o ON o.id = u.organisation_id JOIN regions g ON g.id = o.region_id
          WHERE u.id = $1"#,
        user_id
    )
    .fetch_one(db)
    .await
}

/// Whether the region asks a second factor of everyone.
pub async fn region_requires_all(db: impl PgExecutor<'_>, region_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!("SELECT two_factor_for_all FROM regions WHERE id = $1", region_id)
        .fetch_one(db)
        .await
}

pub async fn set_region_requires_all(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
    all: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE regions SET two_factor_for_all = $2 WHERE id = $1",
        region_id,
        all
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The user's password hash, to check a password given again.
pub async fn password_hash(db: impl PgExecutor<'_>, user_id: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("SELECT password_hash FROM users WHERE id = $1", user_id)
        .fetch_one(db)
        .await
}

/// Sets a new password in place of the one the user just proved (`proved`:
/// its hash as checked) and ends every other session of the user; returns
/// how many sessions ended, or `None` (and changes nothing) when the
/// password was changed meanwhile.
pub async fn set_password(
    conn: &mut sqlx::PgConnection,
    user_id: Uuid,
    proved: &str,
    hash: &str,
    keep_session: &[u8],
) -> Result<Option<u64>, sqlx::Error> {
    let changed = sqlx::query!(
        "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
        user_id,
        proved,
        hash
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(None);
    }
    Ok(Some(
        sqlx::query!(
            "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
            user_id,
            keep_session
        )
        .execute(conn)
        .await?
        .rows_affected(),
    ))
}

/// Secrets stored readable before they were sealed (20 bytes): (user,
/// confirmed or pending, secret), locked for sealing.
pub async fn readable_secrets(
    tx: &mut sqlx::PgConnection,
) -> Result<Vec<(Uuid, Option<Vec<u8>>, Option<Vec<u8>>)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, totp_secret, totp_pending_secret FROM users
          WHERE length(totp_secret) = 20 OR length(totp_pending_secret) = 20 FOR UPDATE"
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.totp_secret, r.totp_pending_secret))
    .collect())
}

/// Stores the sealed forms of a user's secrets.
pub async fn store_sealed(
    tx: &mut sqlx::PgConnection,
    user_id: Uuid,
    secret: Option<Vec<u8>>,
    pending: Option<Vec<u8>>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET totp_secret = $2, totp_pending_secret = $3 WHERE id = $1",
        user_id,
        secret,
        pending
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Every user's sealed secrets (48 bytes); `lock`: locked, to move them on
/// to a new key.
pub async fn sealed_secrets(
    tx: &mut sqlx::PgConnection,
    lock: bool,
) -> Result<Vec<(Uuid, Option<Vec<u8>>, Option<Vec<u8>>)>, sqlx::Error> {
    Ok(if lock {
        sqlx::query!(
            "SELECT id, totp_secret, totp_pending_secret FROM users
              WHERE length(totp_secret) = 48 OR length(totp_pending_secret) = 48
              ORDER BY id FOR UPDATE"
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.totp_secret, r.totp_pending_secret))
        .collect()
    } else {
        sqlx::query!(
            "SELECT id, totp_secret, totp_pending_secret FROM users
              WHERE length(totp_secret) = 48 OR length(totp_pending_secret) = 48"
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.totp_secret, r.totp_pending_secret))
        .collect()
    })
}
