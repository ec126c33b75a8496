//! Sessions, log-in and the one authorisation helper every server function
//! calls: [`require`].

use super::{
    config::Config,
    db::{self, audit},
    errors::internal,
    state::AppState,
};
use crate::{
    domain::{
        login::LoginInput,
        role::Role,
        two_factor::{self, LoginStep},
        user::CurrentUser,
    },
    error::AppError,
};
use axum::{
    extract::ConnectInfo,
    http::{header, request::Parts, HeaderMap},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::{
    net::{IpAddr, SocketAddr},
    sync::OnceLock,
};

pub const SESSION_COOKIE: &str = "zs_session";

/// The application state and request of the current server function or page.
pub fn request() -> Result<(AppState, Parts), AppError> {
    let state = leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| internal("context", "AppState missing from the Leptos context"))?;
    let parts = leptos::prelude::use_context::<Parts>()
        .ok_or_else(|| internal("context", "request Parts missing from the Leptos context"))?;
    Ok((state, parts))
}

/// The client's address: the socket peer, or behind trusted proxies the
/// address they report ([`TrustedProxies::client`]).
pub fn client_ip(parts: &Parts, config: &Config) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_canonical())?;
    let Some(proxies) = &config.trusted_proxies else {
        return Some(peer);
    };
    // A line that is not text counts as an unreadable entry: the walk stops there.
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or("?"))
        .collect();
    Some(proxies.client(peer, &forwarded))
}

/// The session token from the `Cookie` header, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty())
}

pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn expired_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The logged-in user of this request, or `None`.
pub async fn current_user(state: &AppState, parts: &Parts) -> Result<Option<CurrentUser>, AppError> {
    if let Some(SessionUser(user)) = parts.extensions.get::<SessionUser>() {
        return user.clone();
    }
    session_user_of(state, parts, true).await
}

/// The user of the request's session; `touch`: the request keeps the
/// session alive (a user's own request), else it only looks (live streams).
pub async fn session_user_of(
    state: &AppState,
    parts: &Parts,
    touch: bool,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = session_token(&parts.headers) else {
        return Ok(None);
    };
    let user = db::users::by_session(
        &state.pool,
        &hash_token(&token),
        state.config.session_idle.as_secs_f64(),
        state.config.session_absolute.as_secs_f64(),
        touch,
    )
    .await?;
    Ok(user)
}

pub use crate::domain::user::SessionUser;

/// The authorisation check of every server function: the user must be
/// logged in (else 401) and hold one of `roles` (else 403); an empty list
/// admits any logged-in user. A refusal for lack of role is audited.
pub async fn require(roles: &[Role]) -> Result<CurrentUser, AppError> {
    let (state, parts) = request()?;
    require_in(&state, &parts, roles).await
}

/// [`require`] for the request `parts` of an HTTP handler outside Leptos.
pub async fn require_in(state: &AppState, parts: &Parts, roles: &[Role]) -> Result<CurrentUser, AppError> {
    require_touching(state, parts, roles, true).await
}

/// [`require_in`]; `touch` as in [`session_user_of`]: false for a page's
/// refetch after a live change, so an open board never keeps a session
/// from timing out.
pub async fn require_touching(
    state: &AppState,
    parts: &Parts,
    roles: &[Role],
    touch: bool,
) -> Result<CurrentUser, AppError> {
    let user = if touch {
        current_user(state, parts).await?
    } else {
        session_user_of(state, parts, false).await?
    }
    .ok_or(AppError::Unauthenticated)?;
    if user.has_any(roles) {
        return Ok(user);
    }
    audit::record(
        &state.pool,
        &audit::Entry {
            user_id: Some(user.id),
            organisation_id: Some(user.organisation_id),
            roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
            action: "authorise",
            object_type: Some("path"),
            object_ids: vec![parts.uri.path().to_string()],
            client_ip: client_ip(parts, &state.config),
            outcome: audit::Outcome::Denied,
            reason: None,
            via: audit::Via::Ui,
        },
    )
    .await?;
    Err(AppError::Forbidden)
}

/// Argon2id hash of `password` (PHC string), computed off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| internal("password hash", e))
}

pub(crate) async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .map_err(|e| internal("password verify", e))
}

/// A hash to verify against when the e-mail is unknown, so that an unknown
/// address costs as much time as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash("zorgsignaal-dummy-password"))
}

/// How many minutes `email` or `ip` is still locked out, if it is.
async fn lockout(
    db: &mut sqlx::PgConnection,
    config: &Config,
    email: &str,
    ip: Option<IpAddr>,
) -> Result<Option<i64>, sqlx::Error> {
    let window = config.login_window.as_secs_f64();
    let account =
        db::login_attempts::for_account(&mut *db, email, window, config.login_max_failures_per_account)
            .await?;
    if account.count >= config.login_max_failures_per_account {
        return Ok(Some(account.minutes_left));
    }
    let Some(ip) = ip else { return Ok(None) };
    let by_ip = db::login_attempts::for_ip(&mut *db, ip, window, config.login_max_failures_per_ip).await?;
    Ok((by_ip.count >= config.login_max_failures_per_ip).then_some(by_ip.minutes_left))
}

/// Refuses a log-in while the account or address is locked: audited, but
/// unchecked and not counted, so the lock lifts on time.
async fn refuse(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    entry: audit::Entry<'_>,
    email: String,
    minutes: i64,
) -> Result<(String, LoginStep), AppError> {
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Err(AppError::Locked { minutes, email })
}

/// Checks the credentials, the lockout per account and per address, and on
/// success opens a fresh session (any session the browser had is ended):
/// a full log-in, or one that waits for the second step the returned
/// [`LoginStep`] names. Failures of every kind answer with the same message.
/// Returns the new session token for the cookie.
///
/// The password hash (deliberately slow) is checked with no database
/// connection held: a burst of wrong passwords cannot starve the pool.
/// The lockout is then counted again under the account's lock, so tries
/// that ran alongside cannot together get past the limit.
pub async fn log_in(
    state: &AppState,
    parts: &Parts,
    input: LoginInput,
) -> Result<(String, LoginStep), AppError> {
    let config = &state.config;
    let ip = client_ip(parts, config);
    let email = input.email.as_str().to_string();
    let audit_entry = |user_id, organisation_id, roles: Vec<String>, outcome| audit::Entry {
        user_id,
        organisation_id,
        roles,
        action: "login",
        object_type: Some("session"),
        object_ids: vec![],
        client_ip: ip,
        outcome,
        reason: None,
        via: audit::Via::Ui,
    };
    let mut tx = state.pool.begin().await?;
    let row = db::users::find_for_login(&mut *tx, &email).await?;
    let denied = audit_entry(
        row.as_ref().map(|r| r.id),
        row.as_ref().map(|r| r.organisation_id),
        vec![],
        audit::Outcome::Denied,
    );
    if let Some(minutes) = lockout(&mut tx, config, &email, ip).await? {
        return refuse(tx, denied, email, minutes).await;
    }
    tx.commit().await?;

    let checked = row
        .as_ref()
        .filter(|r| r.active)
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password_ok = verify_password(input.password, checked.clone()).await?;

    let mut tx = state.pool.begin().await?;
    db::login_attempts::lock_account(&mut *tx, &email).await?;
    if let Some(minutes) = lockout(&mut tx, config, &email, ip).await? {
        return refuse(tx, denied, email, minutes).await;
    }
    // The account as it is now: a password changed or an account disabled
    // while the hash was checked does not let the old password in.
    let row = db::users::find_for_login(&mut *tx, &email).await?;
    let user = row.filter(|r| r.active && password_ok && r.password_hash == checked);

    let Some(user) = user else {
        db::login_attempts::record(&mut *tx, &email, ip, false).await?;
        audit::record(&mut *tx, &audit_entry(None, None, vec![], audit::Outcome::Failed)).await?;
        tx.commit().await?;
        return Err(AppError::InvalidCredentials { email });
    };
    let roles: Vec<Role> = user.roles.iter().filter_map(|r| Role::parse(r)).collect();
    let step = two_factor::step_after_password(
        user.has_app,
        two_factor::required(&roles, user.region_requires_all, user.two_factor_exempt),
    );
    // A correct password with a second step to come is not a log-in yet:
    // it does not clear the account's failures, so codes cannot be
    // guessed by giving the password again between tries.
    if step == LoginStep::Done {
        db::login_attempts::record(&mut *tx, &email, ip, true).await?;
    }

    if let Some(old) = session_token(&parts.headers) {
        db::sessions::delete(&mut *tx, &hash_token(&old)).await?;
    }
    let token = new_token();
    db::sessions::create(&mut *tx, &hash_token(&token), user.id, step.stage()).await?;
    let mut entry = audit_entry(
        Some(user.id),
        Some(user.organisation_id),
        user.roles.clone(),
        audit::Outcome::Success,
    );
    if step != LoginStep::Done {
        entry.action = "login_password";
    }
    audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, step = step.stage(), "password accepted");
    Ok((token, step))
}

/// Ends the browser's session on the server. Succeeds when there was none.
pub async fn log_out(state: &AppState, parts: &Parts) -> Result<(), AppError> {
    let Some(token) = session_token(&parts.headers) else {
        return Ok(());
    };
    let mut tx = state.pool.begin().await?;
    if let Some(user_id) = db::sessions::delete(&mut *tx, &hash_token(&token)).await? {
        audit::record(
            &mut *tx,
            &audit::Entry {
                user_id: Some(user_id),
                organisation_id: None,
                roles: vec![],
                action: "logout",
                object_type: Some("session"),
                object_ids: vec![],
                client_ip: client_ip(parts, &state.config),
                outcome: audit::Outcome::Success,
                reason: None,
                via: audit::Via::Ui,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_token_is_read_from_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; zs_session=abc; b=2".parse().unwrap());
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
    }

    #[test]
    fn an_empty_session_cookie_is_no_session() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "zs_session=".parse().unwrap());
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn session_cookies_are_http_only_and_lax_and_secure_over_https() {
        let c = session_cookie("t", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_cookie("t", true).ends_with("; Secure"));
        assert!(expired_session_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_ne!(hash_token(&a), hash_token(&b));
    }
}
