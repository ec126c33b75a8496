//! Secrets from the environment or from a file: `BSN_KEY` or
//! `BSN_KEY_FILE` (the key list of `server::pseudonym`) and `TOTP_KEY` or
//! `TOTP_KEY_FILE` (seals the authenticator apps' secrets). Production
//! refuses to start without them; development derives keys and says so at
//! start-up.

use super::{AppEnv, ConfigError};
use crate::server::pseudonym::BsnKeys;

/// The text of secret `var`: the variable itself, or the content of the
/// file `<var>_FILE` names (e.g. a mounted secret). `None` when neither is set.
fn secret(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    file_var: &'static str,
) -> Result<Option<String>, ConfigError> {
    if let Some(v) = get(var).filter(|v| !v.trim().is_empty()) {
        return Ok(Some(v));
    }
    match get(file_var).filter(|p| !p.trim().is_empty()) {
        None => Ok(None),
        Some(path) => std::fs::read_to_string(path.trim())
            .map(Some)
            .map_err(|e| ConfigError {
                var: file_var,
                message: format!("het bestand is niet te lezen: {e}"),
            }),
    }
}

/// The BSN keys; `None` in development without a key (the caller derives one).
pub fn bsn_keys(
    get: &impl Fn(&str) -> Option<String>,
    app_env: AppEnv,
) -> Result<Option<BsnKeys>, ConfigError> {
    match secret(get, "BSN_KEY", "BSN_KEY_FILE")? {
        Some(text) => BsnKeys::parse(&text)
            .map(Some)
            .map_err(|message| ConfigError { var: "BSN_KEY", message }),
        None if app_env == AppEnv::Production => Err(ConfigError {
            var: "BSN_KEY",
            message: "verplicht met APP_ENV=production (BSN_KEY of BSN_KEY_FILE; maak er een met: openssl rand -hex 32)"
                .into(),
        }),
        None => Ok(None),
    }
}

/// The key that seals the authenticator apps' secrets (AES-256-GCM);
/// `None` in development without one (the caller derives one).
pub fn totp_key(
    get: &impl Fn(&str) -> Option<String>,
    app_env: AppEnv,
) -> Result<Option<[u8; 32]>, ConfigError> {
    match secret(get, "TOTP_KEY", "TOTP_KEY_FILE")? {
        Some(text) => totp_from("TOTP_KEY", &text).map(Some),
        None if app_env == AppEnv::Production => Err(ConfigError {
            var: "TOTP_KEY",
            message: "verplicht met APP_ENV=production (TOTP_KEY of TOTP_KEY_FILE; maak er een met: openssl rand -hex 32)"
                .into(),
        }),
        None => Ok(None),
    }
}

/// A second key that also opens the secrets while `TOTP_KEY` is replaced
/// (optional).
pub fn totp_other_key(get: &impl Fn(&str) -> Option<String>) -> Result<Option<[u8; 32]>, ConfigError> {
    secret(get, "TOTP_KEY_OTHER", "TOTP_KEY_OTHER_FILE")?
        .map(|text| totp_from("TOTP_KEY_OTHER", &text))
        .transpose()
}

/// The sealing key derived from the text of `var`, at least 32 characters.
fn totp_from(var: &'static str, text: &str) -> Result<[u8; 32], ConfigError> {
    if text.trim().chars().count() < crate::server::pseudonym::MIN_KEY_CHARS {
        return Err(ConfigError {
            var,
            message: "korter dan 32 tekens (maak er een met: openssl rand -hex 32)".into(),
        });
    }
    Ok(crate::server::sealed::derive_key(&[
        b"zorgsignaal totp",
        text.trim().as_bytes(),
    ]))
}

/// The development key of the authenticator apps' secrets: no secret at all.
pub fn development_totp_key() -> [u8; 32] {
    crate::server::sealed::derive_key(&[b"zorgsignaal totp", b"development, not secret"])
}

impl super::Config {
    /// An authenticator secret sealed for `bound`, opened with `TOTP_KEY`
    /// or, during a rotation, `TOTP_KEY_OTHER`.
    pub fn open_totp(&self, bound: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        std::iter::once(&self.totp_key)
            .chain(self.totp_key_other.as_ref())
            .find_map(|key| crate::server::sealed::open(key, bound, sealed))
    }
}
