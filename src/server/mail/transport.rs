//! The SMTP transport: lettre, async on tokio, TLS by rustls.
//!
//! `SMTP_URL` is `smtp://[user[:password]@]host[:port]` (STARTTLS required,
//! port 587 by default) or `smtps://…` (TLS from the first byte, port 465).
//! `?tls=none` sends in the clear — only for a mail catcher on this machine.

use super::Rendered;
use lettre::{
    message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart},
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
        PoolConfig,
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use std::time::Duration;
use uuid::Uuid;

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

/// Sends rendered mails; cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of the Message-ID, from `MAIL_FROM`.
    id_domain: String,
    /// Where users reach the app, for links.
    pub base_url: String,
}

/// Why a mail was not sent.
#[derive(Debug)]
pub enum SendError {
    /// The server refused for good (5xx).
    Permanent(String),
    /// Try again later (4xx, connection refused, timeout).
    Transient(String),
}

impl Mailer {
    pub fn new(url: &SmtpUrl, from: &str, base_url: &str, connections: u32) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("MAIL_FROM is geen geldig adres: {e}"))?;
        let tls = |host: &str| TlsParameters::new(host.to_string()).map_err(|e| format!("TLS: {e}"));
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.clone())
            .port(url.port)
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(connections.max(1)));
        builder = match url.security {
            Security::StartTls => builder.tls(Tls::Required(tls(&url.host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls(&url.host)?)),
            Security::None => builder.tls(Tls::None),
        };
        if let Some(user) = &url.user {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                url.password.clone().unwrap_or_default(),
            ));
        }
        let id_domain = from.email.domain().to_string();
        Ok(Mailer {
            transport: builder.build(),
            from,
            id_domain,
            base_url: base_url.trim_end_matches('/').to_string(),
        })
    }

    /// The Message-ID of the outbox row `message_id`: the same on every resend.
    pub fn message_id(&self, message_id: Uuid) -> String {
        format!("<{message_id}@{}>", self.id_domain)
    }

    pub async fn send(
        &self,
        to: Mailbox,
        subject: &str,
        message_id: Uuid,
        body: Rendered,
    ) -> Result<(), SendError> {
        let alternative = MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(body.text),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(body.html),
            );
        let content = match body.attachment {
            None => alternative,
            Some((name, bytes)) => {
                let csv = ContentType::parse("text/csv; charset=utf-8")
                    .map_err(|e| SendError::Permanent(format!("bijlage niet op te bouwen: {e}")))?;
                MultiPart::mixed()
                    .multipart(alternative)
                    .singlepart(Attachment::new(name).body(bytes, csv))
            }
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(self.message_id(message_id)))
            .multipart(content)
            .map_err(|e| SendError::Permanent(format!("bericht niet op te bouwen: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
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
