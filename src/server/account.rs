//! The second log-in step, setting up an authenticator app, recovery codes
//! and password changes.

use super::{
    auth::{client_ip, hash_password, hash_token, session_token, verify_password},
    db::{self, audit, two_factor::Pending},
    state::AppState,
    two_factor as totp,
};
use crate::{
    domain::{
        role::Role,
        two_factor::{self, Account, AccountField, CodeInput, Setup},
        user::CurrentUser,
    },
    error::{AppError, FieldError},
};
use axum::http::request::Parts;
use uuid::Uuid;

/// How long the second step may take after the password.
pub const PENDING_SECS: f64 = 600.0;

fn invalid(field: AccountField, message: &str) -> AppError {
    AppError::Invalid {
        fields: vec![FieldError::new(field, message)],
        values: vec![],
    }
}

fn entry<'a>(
    state: &AppState,
    parts: &Parts,
    user: Uuid,
    org: Uuid,
    action: &'a str,
    ok: bool,
) -> audit::Entry<'a> {
    audit::Entry {
        user_id: Some(user),
        organisation_id: Some(org),
        roles: vec![],
        action,
        object_type: Some("session"),
        object_ids: vec![],
        client_ip: client_ip(parts, state.config.trust_proxy_headers),
        outcome: if ok {
            audit::Outcome::Success
        } else {
            audit::Outcome::Failed
        },
        reason: None,
        via: audit::Via::Ui,
    }
}

/// The session of this request that waits for a second step, or 401.
pub async fn pending(state: &AppState, parts: &Parts) -> Result<(Pending, [u8; 32]), AppError> {
    let token = session_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
    let hash = hash_token(&token);
    let pending = db::two_factor::pending(&state.pool, &hash, PENDING_SECS)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok((pending, hash))
}

/// The second step: a code from the app, or a recovery code. A wrong code
/// counts as a failed log-in of the account (the same lock applies).
pub async fn finish_with_code(state: &AppState, parts: &Parts, code: &str) -> Result<(), AppError> {
    let (who, session) = pending(state, parts).await?;
    if who.stage != two_factor::LoginStep::Code.stage() {
        return Err(AppError::Unauthenticated);
    }
    let config = &state.config;
    let ip = client_ip(parts, config.trust_proxy_headers);
    let mut tx = state.pool.begin().await?;
    db::login_attempts::lock_account(&mut *tx, &who.email).await?;
    let failures = db::login_attempts::for_account(
        &mut *tx,
        &who.email,
        config.login_window.as_secs_f64(),
        config.login_max_failures_per_account,
    )
    .await?;
    if failures.count >= config.login_max_failures_per_account {
        return Err(AppError::Locked {
            minutes: failures.minutes_left,
            email: String::new(),
        });
    }
    let input = CodeInput::parse(code).map_err(|e| AppError::Invalid {
        fields: vec![e],
        values: vec![],
    })?;
    let accepted = match input {
        CodeInput::Totp(code) => {
            let (secret, last) = db::two_factor::secret_for_update(&mut *tx, who.user_id)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            match totp::verify(&secret, code, chrono::Utc::now().timestamp(), last) {
                Some(step) => {
                    db::two_factor::use_step(&mut *tx, who.user_id, step).await?;
                    true
                }
                None => false,
            }
        }
        CodeInput::Recovery(code) => {
            db::two_factor::use_recovery_code(&mut *tx, who.user_id, &totp::recovery_hash(&code)).await?
        }
    };
    db::login_attempts::record(&mut *tx, &who.email, ip, accepted).await?;
    audit::record(
        &mut *tx,
        &entry(state, parts, who.user_id, who.organisation_id, "login", accepted),
    )
    .await?;
    if accepted {
        db::two_factor::complete_session(&mut *tx, &session).await?;
    }
    tx.commit().await?;
    if !accepted {
        return Err(invalid(
            AccountField::Code,
            "Deze code klopt niet of is al gebruikt. Wacht op de volgende code uit je app en probeer het opnieuw.",
        ));
    }
    tracing::info!(user_id = %who.user_id, "logged in with a second factor");
    Ok(())
}

/// Who sets up an app: the logged-in user, or a session at the 'enrol'
/// step (whose set-up finishes the log-in).
async fn enrolling(
    state: &AppState,
    parts: &Parts,
) -> Result<(Uuid, Uuid, String, Option<[u8; 32]>), AppError> {
    if let Some(user) = super::auth::current_user(state, parts).await? {
        return Ok((user.id, user.organisation_id, user.email, None));
    }
    let (who, session) = pending(state, parts).await?;
    if who.stage != two_factor::LoginStep::Enrol.stage() {
        return Err(AppError::Unauthenticated);
    }
    Ok((who.user_id, who.organisation_id, who.email, Some(session)))
}

/// The secret to set up, kept until a code confirms it.
pub async fn setup(state: &AppState, parts: &Parts) -> Result<Setup, AppError> {
    let (user_id, _, email, at_login) = enrolling(state, parts).await?;
    let secret = db::two_factor::pending_secret(&state.pool, user_id, &totp::new_secret()).await?;
    let qr_svg = totp::qr_svg(&totp::otpauth_uri(&secret, &email))
        .ok_or_else(|| super::errors::internal("qr", "the set-up address does not fit a QR code"))?;
    Ok(Setup {
        secret: two_factor::grouped(&two_factor::base32(&secret)),
        qr_svg,
        at_login: at_login.is_some(),
    })
}

/// Confirms the app with a code from it; returns new recovery codes, to
/// be shown once. At log-in, the session becomes a full log-in.
pub async fn confirm(state: &AppState, parts: &Parts, code: &str) -> Result<Vec<String>, AppError> {
    let (user_id, org, email, at_login) = enrolling(state, parts).await?;
    let Ok(CodeInput::Totp(code)) = CodeInput::parse(code) else {
        return Err(invalid(
            AccountField::Code,
            "Vul de 6 cijfers in die je app nu laat zien.",
        ));
    };
    let mut tx = state.pool.begin().await?;
    let secret = db::two_factor::pending_secret_for_update(&mut *tx, user_id)
        .await?
        .ok_or_else(|| {
            invalid(
                AccountField::Code,
                "Open deze pagina opnieuw om je app in te stellen.",
            )
        })?;
    let Some(step) = totp::verify(&secret, code, chrono::Utc::now().timestamp(), None) else {
        return Err(invalid(
            AccountField::Code,
            "Deze code klopt niet. Controleer of de tijd op je telefoon goed staat en vul de nieuwe code in.",
        ));
    };
    db::two_factor::confirm(&mut tx, user_id, step).await?;
    let (codes, hashes) = totp::new_recovery_codes();
    db::two_factor::replace_recovery_codes(&mut tx, user_id, &hashes).await?;
    audit::record(
        &mut *tx,
        &entry(state, parts, user_id, org, "two_factor_enabled", true),
    )
    .await?;
    if let Some(session) = at_login {
        db::login_attempts::record(
            &mut *tx,
            &email,
            client_ip(parts, state.config.trust_proxy_headers),
            true,
        )
        .await?;
        audit::record(&mut *tx, &entry(state, parts, user_id, org, "login", true)).await?;
        db::two_factor::complete_session(&mut *tx, &session).await?;
    }
    tx.commit().await?;
    Ok(codes.iter().map(|c| two_factor::recovery_display(c)).collect())
}

/// The account page of the logged-in user.
pub async fn account(state: &AppState, user: &CurrentUser) -> Result<Account, AppError> {
    let status = db::two_factor::status(&state.pool, user.id).await?;
    Ok(Account {
        name: user.name.clone(),
        email: user.email.clone(),
        has_app: status.has_app,
        required: required(&status),
        codes_left: status.codes_left,
    })
}

fn required(status: &db::two_factor::Status) -> bool {
    let roles: Vec<Role> = status.roles.iter().filter_map(|r| Role::parse(r)).collect();
    two_factor::required(&roles, status.region_requires_all, status.exempt)
}

/// Checks the current password of `user` inside `tx` (the user row locked).
async fn check_password(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    password: &str,
    field: AccountField,
) -> Result<(), AppError> {
    let hash = db::two_factor::password_hash_for_update(&mut *tx, user.id).await?;
    if password.is_empty() || !verify_password(password.to_string(), hash).await? {
        return Err(invalid(field, "Dit wachtwoord klopt niet."));
    }
    Ok(())
}

/// Changes the password and ends every other session of the user; returns
/// how many ended.
pub async fn change_password(
    state: &AppState,
    parts: &Parts,
    user: &CurrentUser,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<u64, AppError> {
    two_factor::check_new_password(current, new, repeat).map_err(|fields| AppError::Invalid {
        fields,
        values: vec![],
    })?;
    let session = session_token(&parts.headers).ok_or(AppError::Unauthenticated)?;
    let hash = hash_password(new.to_string()).await?;
    let mut tx = state.pool.begin().await?;
    check_password(&mut tx, user, current, AccountField::Current).await?;
    let ended = db::two_factor::set_password(&mut tx, user.id, &hash, &hash_token(&session)).await?;
    let mut e = entry(
        state,
        parts,
        user.id,
        user.organisation_id,
        "password_changed",
        true,
    );
    e.object_ids = vec![format!("{ended} other sessions ended")];
    audit::record(&mut *tx, &e).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Turns the app off, for users who need no second factor; asks the password.
pub async fn disable(
    state: &AppState,
    parts: &Parts,
    user: &CurrentUser,
    password: &str,
) -> Result<(), AppError> {
    let status = db::two_factor::status(&state.pool, user.id).await?;
    if required(&status) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.pool.begin().await?;
    check_password(&mut tx, user, password, AccountField::PasswordToSwitchOff).await?;
    db::two_factor::disable(&mut tx, user.id).await?;
    audit::record(
        &mut *tx,
        &entry(
            state,
            parts,
            user.id,
            user.organisation_id,
            "two_factor_disabled",
            true,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// New recovery codes in place of the old ones; asks the password.
pub async fn new_recovery_codes(
    state: &AppState,
    parts: &Parts,
    user: &CurrentUser,
    password: &str,
) -> Result<Vec<String>, AppError> {
    let mut tx = state.pool.begin().await?;
    check_password(&mut tx, user, password, AccountField::PasswordForCodes).await?;
    if !db::two_factor::status(&mut *tx, user.id).await?.has_app {
        return Err(invalid(AccountField::PasswordForCodes, "Stel eerst een app in."));
    }
    let (codes, hashes) = totp::new_recovery_codes();
    db::two_factor::replace_recovery_codes(&mut tx, user.id, &hashes).await?;
    audit::record(
        &mut *tx,
        &entry(
            state,
            parts,
            user.id,
            user.organisation_id,
            "recovery_codes_renewed",
            true,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(codes.iter().map(|c| two_factor::recovery_display(c)).collect())
}
