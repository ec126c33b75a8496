//! Giving the password (and a code) again before changing how one logs in,
//! and the code check the second log-in step shares with it.

use super::{entry, invalid};
use crate::{
    domain::{
        two_factor::{AccountField, CodeInput},
        user::CurrentUser,
    },
    error::AppError,
    server::{
        auth::{client_ip, verify_password},
        db::{self, audit},
        state::AppState,
        two_factor as totp,
    },
};
use axum::http::request::Parts;
use uuid::Uuid;

/// Uses up `input` if it is a fresh code of the user's app or one of their
/// unused recovery codes; `None` when the user has no app.
pub(super) async fn code_accepted(
    tx: &mut sqlx::PgConnection,
    config: &crate::server::config::Config,
    user_id: Uuid,
    input: CodeInput,
) -> Result<Option<bool>, sqlx::Error> {
    Ok(Some(match input {
        CodeInput::Totp(code) => {
            let Some((sealed, last)) = db::two_factor::secret_for_update(&mut *tx, user_id).await? else {
                return Ok(None);
            };
            let Some(secret) = config.open_totp(user_id.as_bytes(), &sealed) else {
                return Err(sqlx::Error::Protocol(
                    "an app's secret does not open with TOTP_KEY".into(),
                ));
            };
            match totp::verify(&secret, code, chrono::Utc::now().timestamp(), last) {
                Some(step) => {
                    db::two_factor::use_step(&mut *tx, user_id, step).await?;
                    true
                }
                None => false,
            }
        }
        CodeInput::Recovery(code) => {
            db::two_factor::use_recovery_code(&mut *tx, user_id, &totp::recovery_hash(&code)).await?
        }
    }))
}

/// Who gives their password (and a code) again to change how they log in.
pub struct Who<'a> {
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    pub email: &'a str,
}

impl<'a> From<&'a CurrentUser> for Who<'a> {
    fn from(u: &'a CurrentUser) -> Self {
        Who {
            user_id: u.id,
            organisation_id: u.organisation_id,
            email: &u.email,
        }
    }
}

/// What is asked again: the password, and with `code` also a code of the
/// current app or a recovery code, each with the field its message goes to.
pub struct Proof<'a> {
    pub password: (&'a str, AccountField),
    pub code: Option<(&'a str, AccountField)>,
}

/// Checks `proof` for a logged-in user; returns the password hash the
/// password was checked against. A wrong password or code counts as a
/// failed log-in of the account (the same lock applies); an empty or
/// malformed one is only a message. Every check is audited as
/// `reauthenticate`, and while the account is locked nothing is checked
/// (audited as denied). The password hash is checked with no connection
/// held, as at log-in.
pub async fn recheck(
    state: &AppState,
    parts: &Parts,
    who: Who<'_>,
    proof: Proof<'_>,
) -> Result<String, AppError> {
    let config = &state.config;
    let (password, password_field) = proof.password;
    if password.is_empty() {
        return Err(invalid(password_field, "Vul je wachtwoord in."));
    }
    let code = match proof.code {
        Some((typed, field)) => Some((
            CodeInput::parse(typed).map_err(|e| invalid(field, e.message.as_str()))?,
            field,
        )),
        None => None,
    };
    let mut audited = entry(
        state,
        parts,
        who.user_id,
        who.organisation_id,
        "reauthenticate",
        true,
    );
    let window = config.login_window.as_secs_f64();
    let limit = config.login_max_failures_per_account;
    let mut tx = state.pool.begin().await?;
    let mut locked = db::login_attempts::for_account(&mut *tx, who.email, window, limit).await?;
    let mut checked = None;
    if locked.count < limit {
        tx.commit().await?;
        let hash = db::two_factor::password_hash(&state.pool, who.user_id).await?;
        let ok = verify_password(password.to_string(), hash.clone()).await?;
        checked = Some((hash, ok));
        tx = state.pool.begin().await?;
        db::login_attempts::lock_account(&mut *tx, who.email).await?;
        locked = db::login_attempts::for_account(&mut *tx, who.email, window, limit).await?;
    }
    let (hash, password_ok) = match checked {
        Some(c) if locked.count < limit => c,
        _ => {
            audited.outcome = audit::Outcome::Denied;
            audit::record(&mut *tx, &audited).await?;
            tx.commit().await?;
            return Err(AppError::Locked {
                minutes: locked.minutes_left,
                email: String::new(),
            });
        }
    };
    let wrong = if !password_ok {
        Some(invalid(password_field, "Dit wachtwoord klopt niet."))
    } else if let Some((input, field)) = code {
        match code_accepted(&mut tx, &state.config, who.user_id, input).await? {
            Some(true) => None,
            Some(false) => Some(invalid(
                field,
                "Deze code klopt niet of is al gebruikt. Wacht op de volgende code uit je app, of gebruik een herstelcode.",
            )),
            None => Some(invalid(field, "Stel eerst een app in.")),
        }
    } else {
        None
    };
    if wrong.is_some() {
        db::login_attempts::record(&mut *tx, who.email, client_ip(parts, config), false).await?;
        audited.outcome = audit::Outcome::Failed;
    }
    audit::record(&mut *tx, &audited).await?;
    tx.commit().await?;
    wrong.map_or(Ok(hash), Err)
}
