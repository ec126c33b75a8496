//! The mails, in Dutch: plain text plus an HTML alternative that reads well
//! on a phone. Each holds only what it may show.

use super::Template;
use crate::domain::records::nl_date;
use crate::server::html::escape;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use uuid::Uuid;

pub(super) const FOOTER: &str =
    "Dit bericht is automatisch verstuurd door Zorgsignaal. Antwoorden op dit bericht worden niet gelezen.";

/// The HTML frame around a mail's content (`body` is HTML already).
pub(super) fn html_page(title: &str, body: &str, link: &str, link_text: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title></head>\
<body style=\"margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;background:#ffffff\">\
<div style=\"max-width:36em;margin:0 auto\">{body}\
<p style=\"margin:24px 0\"><a href=\"{link}\" style=\"display:inline-block;padding:12px 16px;background:#154273;color:#ffffff;text-decoration:underline;border-radius:4px\">{link_text}</a></p>\
<p style=\"font-size:14px;color:#555555\">{footer}</p></div></body></html>\n",
        title = escape(title),
        link = escape(link),
        link_text = escape(link_text),
        footer = escape(FOOTER),
    )
}

pub(super) fn youth_link(base: &str, youth_id: Uuid) -> String {
    format!("{base}/jeugdigen/{youth_id}")
}

/// Another professional involved with the same youth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherContact {
    pub organisation: String,
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// A registration or signal made or extended a match: who else is involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchNotice {
    pub recipient_name: String,
    pub youth_id: Uuid,
    pub youth_name: String,
    pub others: Vec<OtherContact>,
}

impl Template for MatchNotice {
    const KIND: &'static str = "match_notice";

    fn subject(&self) -> String {
        "Zorgsignaal: ook andere professionals zijn betrokken bij een jeugdige".into()
    }

    fn text(&self, base: &str) -> String {
        let mut t = format!(
            "Beste {},\n\nBij {} zijn naast jou ook deze professionals betrokken:\n\n",
            self.recipient_name, self.youth_name
        );
        for o in &self.others {
            let phone = if o.phone.is_empty() { "onbekend" } else { &o.phone };
            let _ = writeln!(
                t,
                "- {} van {}\n  telefoon: {}\n  e-mail: {}\n",
                o.name, o.organisation, phone, o.email
            );
        }
        let _ = write!(
            t,
            "Neem contact met elkaar op om de hulp af te stemmen. Zorgsignaal deelt alleen dát jullie \
betrokken zijn, nooit waarom.\n\nBekijk wie er betrokken is: {}\n\n{}\n",
            youth_link(base, self.youth_id),
            FOOTER
        );
        t
    }

    fn html(&self, base: &str) -> String {
        let mut body = format!(
            "<p>Beste {},</p><p>Bij <strong>{}</strong> zijn naast jou ook deze professionals betrokken:</p><ul style=\"padding-left:20px\">",
            escape(&self.recipient_name),
            escape(&self.youth_name)
        );
        for o in &self.others {
            let phone = if o.phone.is_empty() { "onbekend" } else { &o.phone };
            let _ = write!(
                body,
                "<li style=\"margin-bottom:12px\"><strong>{}</strong> van {}<br>telefoon: <a href=\"tel:{}\">{}</a><br>e-mail: <a href=\"mailto:{}\">{}</a></li>",
                escape(&o.name),
                escape(&o.organisation),
                escape(&o.phone.replace(' ', "")),
                escape(phone),
                escape(&o.email),
                escape(&o.email)
            );
        }
        body.push_str(
            "</ul><p>Neem contact met elkaar op om de hulp af te stemmen. Zorgsignaal deelt alleen dát jullie betrokken zijn, nooit waarom.</p>",
        );
        html_page(
            &self.subject(),
            &body,
            &youth_link(base, self.youth_id),
            "Bekijk wie er betrokken is",
        )
    }
}

/// A registration ends in a week: extend or end it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpiryReminder {
    pub recipient_name: String,
    pub youth_id: Uuid,
    pub youth_name: String,
    pub end_date: NaiveDate,
}

impl Template for ExpiryReminder {
    const KIND: &'static str = "expiry_reminder";

    fn subject(&self) -> String {
        "Zorgsignaal: je registratie van een jeugdige loopt over een week af".into()
    }

    fn text(&self, base: &str) -> String {
        format!(
            "Beste {},\n\nJe registratie bij {} loopt af op {}.\n\n\
Ben je nog betrokken? Verleng de registratie dan. Ben je klaar? Beëindig haar dan, \
zodat anderen weten dat je niet meer betrokken bent.\n\nVerlengen of beëindigen: {}\n\n{}\n",
            self.recipient_name,
            self.youth_name,
            nl_date(self.end_date),
            youth_link(base, self.youth_id),
            FOOTER
        )
    }

    fn html(&self, base: &str) -> String {
        let body = format!(
            "<p>Beste {},</p><p>Je registratie bij <strong>{}</strong> loopt af op <strong>{}</strong>.</p>\
<p>Ben je nog betrokken? Verleng de registratie dan. Ben je klaar? Beëindig haar dan, zodat anderen weten dat je niet meer betrokken bent.</p>",
            escape(&self.recipient_name),
            escape(&self.youth_name),
            escape(&nl_date(self.end_date))
        );
        html_page(
            &self.subject(),
            &body,
            &youth_link(base, self.youth_id),
            "Verlengen of beëindigen",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> MatchNotice {
        MatchNotice {
            recipient_name: "Anna <Jansen>".into(),
            youth_id: Uuid::from_u128(7),
            youth_name: "Jan & \"Piet\" de Vries".into(),
            others: vec![OtherContact {
                organisation: "Basisschool De Wilgen".into(),
                name: "Carla Bos".into(),
                phone: "050 123 4567".into(),
                email: "carla@school.example".into(),
            }],
        }
    }

    #[test]
    fn a_match_notice_names_the_youth_and_the_others_and_links_to_the_youth() {
        let n = notice();
        let text = n.text("https://zs.example");
        assert!(text.contains("Jan & \"Piet\" de Vries"));
        assert!(text.contains("Carla Bos van Basisschool De Wilgen"));
        assert!(text.contains("050 123 4567"));
        assert!(text.contains("carla@school.example"));
        assert!(text.contains(&format!("https://zs.example/jeugdigen/{}", Uuid::from_u128(7))));
        assert!(!n.subject().contains("Vries"), "no youth name in the subject");
    }

    #[test]
    fn html_escapes_every_value() {
        let html = notice().html("https://zs.example");
        assert!(html.contains("Anna &lt;Jansen&gt;"));
        assert!(html.contains("Jan &amp; &quot;Piet&quot; de Vries"));
        assert!(!html.contains("<Jansen>"));
        assert!(html.contains("lang=\"nl\""));
        assert!(html.contains("width=device-width"));
    }

    #[test]
    fn an_expiry_reminder_gives_the_end_date_in_dutch_and_the_way_to_act() {
        let r = ExpiryReminder {
            recipient_name: "Anna".into(),
            youth_id: Uuid::from_u128(7),
            youth_name: "Jan de Vries".into(),
            end_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        };
        let text = r.text("http://127.0.0.1:3000");
        assert!(text.contains("1 december 2026"));
        assert!(text.contains("Verleng"));
        assert!(text.contains("http://127.0.0.1:3000/jeugdigen/"));
        assert!(r.html("http://x").contains("Verlengen of beëindigen"));
    }
}
