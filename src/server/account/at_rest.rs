//! The authenticator apps' secrets at rest: sealed with `TOTP_KEY`, and
//! moved on to a new key when it is replaced (`TOTP_KEY_OTHER`).

use crate::server::{config::Config, db, sealed};

/// Seals authenticator secrets stored readable before `TOTP_KEY` (at
/// start-up, after migrating); returns how many users.
pub async fn seal_readable_secrets(pool: &sqlx::PgPool, key: &[u8; 32]) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rows = db::two_factor::readable_secrets(&mut tx).await?;
    for (user, secret, pending) in &rows {
        let seal = |s: &Option<Vec<u8>>| {
            s.clone().map(|s| {
                if s.len() == 20 {
                    sealed::seal(key, user.as_bytes(), &s)
                } else {
                    s
                }
            })
        };
        db::two_factor::store_sealed(&mut tx, *user, seal(secret), seal(pending)).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// What [`reseal_secrets`] found among the sealed secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resealed {
    /// Sealed secrets in all.
    pub secrets: usize,
    /// Opened only with `TOTP_KEY_OTHER`, and now sealed with `TOTP_KEY`.
    pub moved: usize,
    /// Opened with neither key.
    pub unopened: usize,
}

/// Moves every sealed secret that only `TOTP_KEY_OTHER` opens on to
/// `TOTP_KEY`, in one transaction (at start-up: the first instance started
/// with the new key makes the move, the next find nothing left to do).
/// Without a second key it only counts what does not open (nothing is
/// locked or written).
pub async fn reseal_secrets(pool: &sqlx::PgPool, config: &Config) -> Result<Resealed, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rows = db::two_factor::sealed_secrets(&mut tx, config.totp_key_other.is_some()).await?;
    let mut found = Resealed::default();
    for (user, secret, pending) in rows {
        let bound = user.as_bytes();
        let mut changed = false;
        let mut next = |s: Option<Vec<u8>>| -> Option<Vec<u8>> {
            let s = s?;
            found.secrets += 1;
            if sealed::open(&config.totp_key, bound, &s).is_some() {
                return Some(s);
            }
            match config.open_totp(bound, &s) {
                Some(plain) => {
                    found.moved += 1;
                    changed = true;
                    Some(sealed::seal(&config.totp_key, bound, &plain))
                }
                None => {
                    found.unopened += 1;
                    Some(s)
                }
            }
        };
        let (secret, pending) = (next(secret), next(pending));
        if changed {
            db::two_factor::store_sealed(&mut tx, user, secret, pending).await?;
        }
    }
    tx.commit().await?;
    Ok(found)
}
