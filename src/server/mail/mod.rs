//! Mail: a transactional outbox with a worker in every app instance.
//!
//! Business code never talks to an SMTP server. It calls [`enqueue`] with a
//! [`Template`] in its own transaction; the row commits (or not) with the
//! change that caused it. The worker ([`worker`]) claims due rows, renders
//! them, sends them with lettre and settles them: sent, retried with
//! exponential backoff, failed (no retry makes sense) or dead.
//!
//! Adding a mail is a template (a serde struct implementing [`Template`],
//! one line in [`render`]) and one call to [`enqueue`].

pub mod coordination;
pub mod data_quality;
pub mod mime;
pub mod report;
pub mod sink;
pub mod templates;
pub mod transport;
pub mod worker;

use super::config::mail::SmtpUrl;
use super::{
    config::Config,
    db::{self, involvements::Contact, outbox::NewMail},
};
use serde::{de::DeserializeOwned, Serialize};
use sink::Sink;
use sqlx::PgConnection;
use std::{collections::BTreeMap, time::Duration};
use templates::{ExpiryReminder, MatchNotice, OtherContact};
use transport::Mailer;
use uuid::Uuid;

/// A mail's content. Its serialised form is what the outbox keeps until the
/// mail is sent, so it holds exactly what the mail may show.
pub trait Template: Serialize + DeserializeOwned {
    /// The outbox's `kind`: lower-case letters and underscores.
    const KIND: &'static str;
    /// Never a youth's name: subjects show on lock screens and in the admin view.
    fn subject(&self) -> String;
    /// Plain text; `base` is where users reach the app, without a trailing slash.
    fn text(&self, base: &str) -> String;
    /// The HTML alternative; every value is escaped by the template.
    fn html(&self, base: &str) -> String;
    /// A file sent along: (file name, UTF-8 CSV content).
    fn attachment(&self) -> Option<(String, Vec<u8>)> {
        None
    }
}

/// Who receives a mail.
#[derive(Debug, Clone)]
pub enum To {
    /// A user: sent to their address at sending time; nothing for a disabled account.
    User(Uuid),
    /// Someone outside the application (a report recipient) in `region`.
    Address { address: String, region: Uuid },
}

/// The outbox row for `template` to `to`; `youth` ties the mail to a youth's
/// data (it goes when the youth's data goes); `dedupe_key` makes a second
/// enqueue with the same key a no-op.
pub fn mail<T: Template>(to: To, template: &T, youth: Option<Uuid>, dedupe_key: Option<String>) -> NewMail {
    let (user_id, address, region_id) = match to {
        To::User(id) => (Some(id), None, None),
        To::Address { address, region } => (None, Some(address), Some(region)),
    };
    NewMail {
        kind: T::KIND,
        user_id,
        address,
        region_id,
        youth_id: youth,
        subject: template.subject(),
        payload: serde_json::to_value(template).expect("a template serialises"),
        dedupe_key,
    }
}

/// Queues one mail in the caller's transaction.
pub async fn enqueue<T: Template>(
    tx: &mut PgConnection,
    to: To,
    template: &T,
    youth: Option<Uuid>,
    dedupe_key: Option<String>,
) -> Result<u64, sqlx::Error> {
    db::outbox::insert(tx, &[mail(to, template, youth, dedupe_key)]).await
}

/// Where this instance's mail goes: `SMTP_URL`, or in development the
/// built-in mail catcher, started here. A second instance on the same
/// machine finds the catcher's port taken and sends to the first one's.
pub async fn setup(config: &Config) -> Result<(Mailer, Option<Sink>), String> {
    let (url, sink) = match &config.smtp_url {
        Some(url) => (url.clone(), None),
        None => match Sink::start(config.mail_sink_addr, 1000).await {
            Ok(sink) => (SmtpUrl::parse(&sink.url())?, Some(sink)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => (
                SmtpUrl::parse(&format!("smtp://{}?tls=none", config.mail_sink_addr))?,
                None,
            ),
            Err(e) => {
                return Err(format!(
                    "de mailvanger start niet op {}: {e}",
                    config.mail_sink_addr
                ))
            }
        },
    };
    let mailer = Mailer::new(
        &url,
        &config.mail_from,
        &config.base_url(),
        config.mail_worker.concurrency as u32,
    )?;
    Ok((mailer, sink))
}

/// A rendered mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub html: String,
    /// A CSV file sent along: (file name, content).
    pub attachment: Option<(String, Vec<u8>)>,
}

/// Renders an outbox row's payload by its kind.
pub fn render(kind: &str, payload: &serde_json::Value, base: &str) -> Result<Rendered, String> {
    fn with<T: Template>(payload: &serde_json::Value, base: &str) -> Result<Rendered, String> {
        let t: T = serde_json::from_value(payload.clone())
            .map_err(|e| format!("de inhoud van het bericht is onleesbaar: {e}"))?;
        Ok(Rendered {
            text: t.text(base),
            html: t.html(base),
            attachment: t.attachment(),
        })
    }
    match kind {
        MatchNotice::KIND => with::<MatchNotice>(payload, base),
        ExpiryReminder::KIND => with::<ExpiryReminder>(payload, base),
        coordination::CoordinationNotice::KIND => with::<coordination::CoordinationNotice>(payload, base),
        report::PeriodicReport::KIND => with::<report::PeriodicReport>(payload, base),
        data_quality::MismatchResolved::KIND => with::<data_quality::MismatchResolved>(payload, base),
        other => Err(format!("onbekend soort bericht: {other}")),
    }
}

/// One mail per involved professional of each youth in `contacts`.
pub fn match_notice_mails(contacts: &[Contact]) -> Vec<NewMail> {
    let mut by_youth: BTreeMap<Uuid, Vec<&Contact>> = BTreeMap::new();
    for c in contacts {
        by_youth.entry(c.youth_id).or_default().push(c);
    }
    let mut mails = Vec::new();
    for (youth_id, involved) in by_youth {
        for me in &involved {
            let others: Vec<OtherContact> = involved
                .iter()
                .filter(|c| c.user_id != me.user_id)
                .map(|c| OtherContact {
                    organisation: c.organisation.clone(),
                    name: c.name.clone(),
                    phone: c.phone.clone(),
                    email: c.email.clone(),
                })
                .collect();
            if others.is_empty() {
                continue;
            }
            let notice = MatchNotice {
                recipient_name: me.name.clone(),
                youth_id,
                youth_name: me.youth_name.clone(),
                others,
            };
            mails.push(mail(To::User(me.user_id), &notice, Some(youth_id), None));
        }
    }
    mails
}

/// The wait before attempt `attempt + 1` after `attempt` failed ones: one
/// minute, doubling, at most six hours.
pub fn backoff(attempts: i32) -> Duration {
    const MAX: Duration = Duration::from_secs(6 * 3600);
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    Duration::from_secs(60u64 << doublings).min(MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(youth: Uuid, user: u128, org: &str, name: &str) -> Contact {
        Contact {
            youth_id: youth,
            youth_name: "Jan de Vries".into(),
            user_id: Uuid::from_u128(user),
            organisation_id: Uuid::from_u128(user + 1000),
            organisation: org.into(),
            name: name.into(),
            phone: "050 123 4567".into(),
            email: format!("{}@example.nl", name.to_lowercase()),
        }
    }

    #[test]
    fn backoff_doubles_from_a_minute_up_to_six_hours() {
        let mins: Vec<u64> = (1..=10).map(|a| backoff(a).as_secs() / 60).collect();
        assert_eq!(mins, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360]);
        assert_eq!(backoff(1000), Duration::from_secs(6 * 3600));
        assert_eq!(backoff(0), Duration::from_secs(60));
    }

    #[test]
    fn backoff_gives_about_sixteen_attempts_in_48_hours() {
        let mut elapsed = Duration::ZERO;
        let mut attempts = 0;
        while elapsed + backoff(attempts + 1) <= Duration::from_secs(48 * 3600) {
            attempts += 1;
            elapsed += backoff(attempts);
        }
        assert!((14..=18).contains(&attempts), "{attempts} attempts");
    }

    #[test]
    fn every_involved_professional_gets_one_notice_listing_the_others() {
        let y = Uuid::from_u128(1);
        let contacts = [
            contact(y, 10, "GGD", "Anna"),
            contact(y, 20, "School", "Carla"),
            contact(y, 30, "WIJ", "Bram"),
        ];
        let mails = match_notice_mails(&contacts);
        assert_eq!(mails.len(), 3);
        for (m, me) in mails.iter().zip(&contacts) {
            assert_eq!(m.user_id, Some(me.user_id));
            assert_eq!(m.youth_id, Some(y));
            let n: MatchNotice = serde_json::from_value(m.payload.clone()).unwrap();
            let names: Vec<&str> = n.others.iter().map(|o| o.name.as_str()).collect();
            assert_eq!(names.len(), 2);
            assert!(!names.contains(&me.name.as_str()));
            assert_eq!(n.youth_name, "Jan de Vries");
        }
    }

    #[test]
    fn a_youth_with_one_reachable_professional_gets_no_notice() {
        let mails = match_notice_mails(&[contact(Uuid::from_u128(1), 10, "GGD", "Anna")]);
        assert!(mails.is_empty());
    }

    #[test]
    fn the_payload_holds_only_the_allowed_fields() {
        let y = Uuid::from_u128(1);
        let mails = match_notice_mails(&[contact(y, 10, "GGD", "Anna"), contact(y, 20, "School", "Carla")]);
        let payload = &mails[0].payload;
        let mut keys: Vec<&str> = payload.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort();
        assert_eq!(keys, ["others", "recipient_name", "youth_id", "youth_name"]);
        let mut other: Vec<&str> = payload["others"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        other.sort();
        assert_eq!(other, ["email", "name", "organisation", "phone"]);
    }

    #[test]
    fn unknown_kinds_and_broken_payloads_do_not_render() {
        assert!(render("nonsense", &serde_json::json!({}), "http://x").is_err());
        assert!(render(MatchNotice::KIND, &serde_json::json!({"x": 1}), "http://x").is_err());
    }
}
