//! The mail settings: where mail goes (`SMTP_URL`) and how the outbox
//! worker sends it.
//!
//! `SMTP_URL` is `smtp://[user[:password]@]host[:port]` (STARTTLS required,
//! port 587 by default) or `smtps://…` (TLS from the first byte, port 465).
//! `?tls=none` sends in the clear — only for a mail catcher on this machine.

use std::time::Duration;

/// How the outbox worker of an instance sends.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Mails claimed at once.
    pub batch: i64,
    /// Mails sent at the same time (and SMTP connections kept).
    pub concurrency: usize,
    /// How long a claim holds; a crashed worker's mails are sent by another
    /// worker after this.
    pub lease: Duration,
    /// The longest wait without a notification.
    pub poll: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch: 64,
            // lettre writes a message's end in its own small packet, which
            // waits for the server's delayed ACK (~40 ms): throughput comes
            // from sending on several connections at once.
            concurrency: 16,
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    StartTls,
    Tls,
    None,
}

/// A parsed `SMTP_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<String>,
}

// The password never reaches a log.
impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("onvolledige %-code")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| "ongeldige %-code")?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "geen geldige UTF-8".to_string())
}

impl SmtpUrl {
    pub fn parse(url: &str) -> Result<SmtpUrl, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or("verwacht smtp://host:poort of smtps://host:poort")?;
        let (mut security, default_port) = match scheme {
            "smtp" => (Security::StartTls, 587),
            "smtps" => (Security::Tls, 465),
            _ => return Err("het schema moet smtp of smtps zijn".into()),
        };
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let rest = rest.trim_end_matches('/');
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair {
                "tls=none" if security == Security::StartTls => security = Security::None,
                "tls=required" => {}
                _ => return Err(format!("onbekende optie '{pair}' (alleen tls=none bij smtp://)")),
            }
        }
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (user, password) = match userinfo {
            Some(u) => {
                let (user, pass) = match u.split_once(':') {
                    Some((a, b)) => (a, Some(b)),
                    None => (u, None),
                };
                (Some(percent_decode(user)?), pass.map(percent_decode).transpose()?)
            }
            None => (None, None),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| "de poort is geen getal")?),
            None => (hostport, default_port),
        };
        if host.is_empty() {
            return Err("de host ontbreekt".into());
        }
        Ok(SmtpUrl {
            host: host.to_string(),
            port,
            security,
            user,
            password,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_means_starttls_on_587_and_smtps_tls_on_465() {
        let u = SmtpUrl::parse("smtp://mail.example.nl").unwrap();
        assert_eq!((u.port, u.security), (587, Security::StartTls));
        let u = SmtpUrl::parse("smtps://mail.example.nl").unwrap();
        assert_eq!((u.port, u.security), (465, Security::Tls));
    }

    #[test]
    fn user_password_port_and_plain_option_are_read() {
        let u = SmtpUrl::parse("smtp://zorg%40gemeente.nl:ge%3Aheim@127.0.0.1:2525?tls=none").unwrap();
        assert_eq!(u.user.as_deref(), Some("zorg@gemeente.nl"));
        assert_eq!(u.password.as_deref(), Some("ge:heim"));
        assert_eq!(
            (u.host.as_str(), u.port, u.security.clone()),
            ("127.0.0.1", 2525, Security::None)
        );
        assert!(!format!("{u:?}").contains("heim"), "no password in debug output");
    }

    #[test]
    fn bad_urls_are_refused() {
        for bad in [
            "mail.example.nl",
            "http://x",
            "smtp://:25",
            "smtp://x:poort",
            "smtps://x?tls=none",
            "smtp://x?y=1",
        ] {
            assert!(SmtpUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
