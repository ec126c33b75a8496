//! Typed configuration from environment variables. Every variable has a
//! default that works on a developer's machine; README.md lists them all.

pub mod keys;
pub mod mail;
pub mod proxies;

use crate::server::pseudonym::BsnKeys;
use mail::{SmtpUrl, WorkerConfig};
use proxies::{TrustedProxies, DEFAULT_TRUSTED_PROXIES};
use std::{fmt, net::SocketAddr, time::Duration};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Clone)]
pub struct Config {
    pub app_env: AppEnv,
    pub database_url: String,
    /// Migrations run as the owner of the tables with this URL, when
    /// given; the app itself then runs as a role that cannot rewrite the
    /// audit log (`DATABASE_URL`).
    pub database_migrate_url: Option<String>,
    pub database_max_connections: u32,
    pub addr: SocketAddr,
    pub site_root: String,
    /// The address users reach the app at, e.g. `https://zorgsignaal.example.nl`.
    /// Used for the Origin check and to decide on `Secure` cookies.
    pub public_url: Option<String>,
    pub demo_data: bool,
    pub log_format: LogFormat,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// How often a live stream checks that its session still holds.
    pub live_session_check: Duration,
    pub login_window: Duration,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_ip: i64,
    /// API calls per token per minute; above it the API answers 429.
    pub api_calls_per_minute: i32,
    /// The shortest time to answer a registration or signal (`server::floor`).
    pub answer_floor: Duration,
    /// And per row of a bulk import or upload.
    pub answer_floor_per_row: Duration,
    /// With `TRUST_PROXY_HEADERS`, the proxies (`TRUSTED_PROXIES`) whose
    /// `X-Forwarded-For` names the client address; `None`: the socket's.
    pub trusted_proxies: Option<TrustedProxies>,
    /// Where mail goes: a parsed `SMTP_URL`, or (development only, when it
    /// is not set) the built-in mail catcher on `mail_sink_addr`.
    pub smtp_url: Option<SmtpUrl>,
    pub mail_from: String,
    pub mail_sink_addr: SocketAddr,
    pub mail_worker: WorkerConfig,
    /// The keys of the BSN's lookup hash (`server::pseudonym`).
    pub bsn_keys: BsnKeys,
    /// True when no `BSN_KEY` was given and the development key is used.
    pub bsn_key_derived: bool,
    /// Seals the authenticator apps' secrets at rest (`TOTP_KEY`).
    pub totp_key: [u8; 32],
    pub totp_key_derived: bool,
    /// A second key that also opens the secrets (`TOTP_KEY_OTHER`), while
    /// `TOTP_KEY` is replaced.
    pub totp_key_other: Option<[u8; 32]>,
}

// The database URL may hold a password: never print it.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("app_env", &self.app_env)
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .field("demo_data", &self.demo_data)
            .field("smtp_url", &self.smtp_url)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuratiefout in {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:54329/zorgsignaal";

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads the configuration through `get`, so tests can pass a map.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let s = Settings(get);
        let app_env = match s.text("APP_ENV", "development").as_str() {
            "development" => AppEnv::Development,
            "production" => AppEnv::Production,
            other => {
                return Err(ConfigError {
                    var: "APP_ENV",
                    message: format!("'{other}' is geen development of production"),
                })
            }
        };
        let log_format = match s.text("LOG_FORMAT", "human").as_str() {
            "human" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => {
                return Err(ConfigError {
                    var: "LOG_FORMAT",
                    message: format!("'{other}' is geen human of json"),
                })
            }
        };
        let addr = s.addr("LEPTOS_SITE_ADDR", "127.0.0.1:3000")?;
        let public_url = (s.0)("PUBLIC_URL")
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty());
        if let Some(u) = &public_url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(ConfigError {
                    var: "PUBLIC_URL",
                    message: "moet met http:// of https:// beginnen".into(),
                });
            }
        }
        let demo_data = s.flag("DEMO_DATA", false)?;
        if demo_data && app_env == AppEnv::Production {
            return Err(ConfigError {
                var: "DEMO_DATA",
                message: "demodata laden is nooit toegestaan met APP_ENV=production".into(),
            });
        }
        let mail = MailSettings::read(&s, app_env)?;
        let bsn_keys = keys::bsn_keys(&s.0, app_env)?;
        let bsn_key_derived = bsn_keys.is_none();
        let totp_key = keys::totp_key(&s.0, app_env)?;
        let totp_key_derived = totp_key.is_none();
        Ok(Config {
            app_env,
            database_url: s.text("DATABASE_URL", DEFAULT_DATABASE_URL),
            database_migrate_url: (s.0)("DATABASE_MIGRATE_URL").filter(|u| !u.trim().is_empty()),
            database_max_connections: s.number("DATABASE_MAX_CONNECTIONS", 10)? as u32,
            addr,
            site_root: s.text("LEPTOS_SITE_ROOT", "target/site"),
            public_url,
            demo_data,
            log_format,
            session_idle: Duration::from_secs(60 * s.number("SESSION_IDLE_MINUTES", 30)?),
            session_absolute: Duration::from_secs(3600 * s.number("SESSION_ABSOLUTE_HOURS", 12)?),
            live_session_check: Duration::from_secs(s.number("LIVE_SESSION_CHECK_SECONDS", 30)?.clamp(1, 60)),
            login_window: Duration::from_secs(60 * 15),
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: s.number("LOGIN_MAX_FAILURES_PER_IP", 20)? as i64,
            api_calls_per_minute: s.number("API_CALLS_PER_MINUTE", 600)?.min(i32::MAX as u64) as i32,
            answer_floor: Duration::from_millis(s.number("BSN_ANSWER_FLOOR_MS", 25)?.min(10_000)),
            answer_floor_per_row: Duration::from_micros(
                s.number("BSN_ANSWER_FLOOR_PER_ROW_US", 1_000)?.min(100_000),
            ),
            trusted_proxies: if s.flag("TRUST_PROXY_HEADERS", false)? {
                let list = s.text("TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES);
                Some(TrustedProxies::parse(&list).map_err(|message| ConfigError {
                    var: "TRUSTED_PROXIES",
                    message,
                })?)
            } else {
                None
            },
            smtp_url: mail.smtp_url,
            mail_from: mail.from,
            mail_sink_addr: mail.sink_addr,
            mail_worker: mail.worker,
            bsn_keys: bsn_keys.unwrap_or_else(BsnKeys::development),
            bsn_key_derived,
            totp_key: totp_key.unwrap_or_else(keys::development_totp_key),
            totp_key_derived,
            totp_key_other: keys::totp_other_key(&s.0)?,
        })
    }

    /// Where users reach the app, for links in mail.
    pub fn base_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
    }

    /// Cookies get `Secure` when users reach the app over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// The settings as a lookup gives them; an empty value counts as unset.
struct Settings<F>(F);

impl<F: Fn(&str) -> Option<String>> Settings<F> {
    fn text(&self, var: &'static str, default: &str) -> String {
        (self.0)(var)
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| default.to_string())
    }

    fn number(&self, var: &'static str, default: u64) -> Result<u64, ConfigError> {
        self.text(var, &default.to_string())
            .trim()
            .parse()
            .map_err(|_| ConfigError {
                var,
                message: "verwacht een geheel getal".into(),
            })
    }

    fn flag(&self, var: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.text(var, if default { "true" } else { "false" }).trim() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(ConfigError {
                var,
                message: "verwacht true of false".into(),
            }),
        }
    }

    fn addr(&self, var: &'static str, default: &str) -> Result<SocketAddr, ConfigError> {
        self.text(var, default).parse().map_err(|_| ConfigError {
            var,
            message: format!("verwacht host:poort, bijvoorbeeld {default}"),
        })
    }
}

/// How mail goes out.
struct MailSettings {
    smtp_url: Option<SmtpUrl>,
    from: String,
    sink_addr: SocketAddr,
    worker: WorkerConfig,
}

impl MailSettings {
    fn read<F: Fn(&str) -> Option<String>>(s: &Settings<F>, app_env: AppEnv) -> Result<Self, ConfigError> {
        let smtp_url = (s.0)("SMTP_URL")
            .filter(|u| !u.trim().is_empty())
            .map(|u| {
                SmtpUrl::parse(u.trim()).map_err(|message| ConfigError {
                    var: "SMTP_URL",
                    message,
                })
            })
            .transpose()?;
        if smtp_url.is_none() && app_env == AppEnv::Production {
            return Err(ConfigError {
                var: "SMTP_URL",
                message:
                    "verplicht met APP_ENV=production (de ingebouwde mailvanger is alleen voor ontwikkeling)"
                        .into(),
            });
        }
        let from = s.text("MAIL_FROM", "Zorgsignaal <noreply@zorgsignaal.example>");
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                var: "MAIL_FROM",
                message: "verwacht een adres, bijvoorbeeld Zorgsignaal <noreply@gemeente.nl>".into(),
            });
        }
        Ok(MailSettings {
            smtp_url,
            from,
            sink_addr: s.addr("MAIL_SINK_ADDR", "127.0.0.1:2525")?,
            worker: WorkerConfig {
                concurrency: s.number("MAIL_CONCURRENCY", 16)?.clamp(1, 64) as usize,
                poll: Duration::from_secs(s.number("MAIL_POLL_SECONDS", 10)?.max(1)),
                lease: Duration::from_secs(s.number("MAIL_LEASE_SECONDS", 300)?.max(1)),
                ..WorkerConfig::default()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn an_empty_environment_gives_working_defaults() {
        let c = config(&[]).unwrap();
        assert_eq!(c.app_env, AppEnv::Development);
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.session_idle, Duration::from_secs(30 * 60));
        assert_eq!(c.session_absolute, Duration::from_secs(12 * 3600));
        assert_eq!(c.log_format, LogFormat::Human);
        assert!(!c.secure_cookies());
    }

    #[test]
    fn demo_data_is_refused_in_production() {
        let err = config(&[("APP_ENV", "production"), ("DEMO_DATA", "true")])
            .err()
            .unwrap();
        assert_eq!(err.var, "DEMO_DATA");
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(config(&[("LOG_FORMAT", "xml")]).err().unwrap().var, "LOG_FORMAT");
        assert_eq!(
            config(&[("LEPTOS_SITE_ADDR", "here")]).err().unwrap().var,
            "LEPTOS_SITE_ADDR"
        );
        assert_eq!(
            config(&[("SESSION_IDLE_MINUTES", "soon")]).err().unwrap().var,
            "SESSION_IDLE_MINUTES"
        );
        assert_eq!(
            config(&[("PUBLIC_URL", "zorg.nl")]).err().unwrap().var,
            "PUBLIC_URL"
        );
    }

    #[test]
    fn production_needs_a_mail_server_and_bad_mail_settings_are_named() {
        let err = config(&[("APP_ENV", "production")]).err().unwrap();
        assert_eq!(err.var, "SMTP_URL");
        let key = "k".repeat(64);
        let prod = [("APP_ENV", "production"), ("SMTP_URL", "smtps://mail.example.nl")];
        assert_eq!(
            config(&prod).err().unwrap().var,
            "BSN_KEY",
            "production needs a BSN key"
        );
        assert_eq!(
            config(&[prod[0], prod[1], ("BSN_KEY", &key)]).err().unwrap().var,
            "TOTP_KEY"
        );
        assert!(config(&[prod[0], prod[1], ("BSN_KEY", &key), ("TOTP_KEY", &key)]).is_ok());
        assert_eq!(
            config(&[("SMTP_URL", "mail.example.nl")]).err().unwrap().var,
            "SMTP_URL"
        );
        assert_eq!(
            config(&[("MAIL_FROM", "niemand")]).err().unwrap().var,
            "MAIL_FROM"
        );
        let c = config(&[]).unwrap();
        assert!(c.smtp_url.is_none());
        assert_eq!(c.mail_sink_addr.to_string(), "127.0.0.1:2525");
        assert_eq!(c.base_url(), "http://127.0.0.1:3000");
    }

    #[test]
    fn proxies_are_trusted_only_when_asked_and_then_the_named_ones() {
        assert!(config(&[("TRUSTED_PROXIES", "10.0.0.0/8")])
            .unwrap()
            .trusted_proxies
            .is_none());
        let local = config(&[("TRUST_PROXY_HEADERS", "true")]).unwrap();
        assert_eq!(
            local.trusted_proxies,
            Some(TrustedProxies::parse(DEFAULT_TRUSTED_PROXIES).unwrap())
        );
        let bad = config(&[("TRUST_PROXY_HEADERS", "true"), ("TRUSTED_PROXIES", "lb.example")]);
        assert_eq!(bad.err().unwrap().var, "TRUSTED_PROXIES");
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = config(&[("PUBLIC_URL", "https://zorgsignaal.example.nl/")]).unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.public_url.as_deref(), Some("https://zorgsignaal.example.nl"));
    }

    #[test]
    fn debug_output_never_shows_the_database_url() {
        let c = config(&[("DATABASE_URL", "postgres://u:geheim@db/z")]).unwrap();
        assert!(!format!("{c:?}").contains("geheim"));
    }
}
