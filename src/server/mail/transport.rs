//! The SMTP transport: lettre, async on tokio, TLS by rustls, to the
//! server of `SMTP_URL` (`server::config::mail::SmtpUrl`).

use super::Rendered;
use crate::server::config::mail::{Security, SmtpUrl};
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
