//! The coordination mails: an appointment, a case assigned, each step of a
//! warm handover, an escalation and its decision. Like every mail they name
//! the youth and organisations, never what is going on: free text (start
//! agreements, reasons, decisions) stays in the application.

use super::{
    templates::{html_page, youth_link, FOOTER},
    Template,
};
use crate::server::html::escape;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoordinationEvent {
    /// The recipient's organisation coordinates now (by the covenant's rules or the region).
    Appointed {
        organisation: String,
        explanation: String,
    },
    /// A new covenant version moved the case to `organisation`.
    Reapplied {
        organisation: String,
    },
    /// A colleague made the recipient the coordinator.
    Assigned {
        by: String,
    },
    HandoverProposed {
        from: String,
        to: String,
    },
    HandoverAccepted {
        from: String,
        to: String,
        by: String,
    },
    HandoverRejected {
        from: String,
        to: String,
    },
    Escalated {
        by: String,
    },
    EscalationDecided,
    /// An action waits for the recipient (never its text: only the date).
    ActionAssigned {
        by: String,
        due_on: chrono::NaiveDate,
    },
    /// An action is past its date. To the assignee (`assignee: None`) or to
    /// the coordinator, naming whom it is with. Never the date (it lies in
    /// the past) nor the text.
    ActionOverdue {
        assignee: Option<String>,
    },
}

/// A coordination mail about one youth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoordinationNotice {
    pub recipient_name: String,
    pub youth_id: Uuid,
    pub youth_name: String,
    pub event: CoordinationEvent,
}

impl CoordinationNotice {
    /// The message in sentences (plain text; the HTML escapes it) and the link's text.
    fn sentences(&self) -> (Vec<String>, &'static str) {
        let y = &self.youth_name;
        match &self.event {
            CoordinationEvent::Appointed {
                organisation,
                explanation,
            } => (
                vec![
                    format!("{organisation} is aangewezen om de hulp aan {y} te coördineren."),
                    format!("Waarom: {explanation}"),
                    "Neem de coördinatie op je, of wijs een collega aan.".into(),
                ],
                "Coördinatie oppakken",
            ),
            CoordinationEvent::Reapplied { organisation } => (
                vec![
                    format!(
                        "De regio heeft een nieuwe versie van het convenant toegepast. Daardoor coördineert {organisation} voortaan de hulp aan {y}."
                    ),
                    "Draag lopende afspraken over aan de nieuwe coördinator.".into(),
                ],
                "Bekijk de coördinatie",
            ),
            CoordinationEvent::Assigned { by } => (
                vec![format!("{by} heeft jou aangewezen als coördinator voor {y}.")],
                "Bekijk de casus",
            ),
            CoordinationEvent::HandoverProposed { from, to } => (
                vec![
                    format!("{from} stelt voor de coördinatie voor {y} over te dragen aan {to}."),
                    format!("Tot {to} accepteert, blijft {from} verantwoordelijk."),
                    "De startafspraken staan in Zorgsignaal.".into(),
                ],
                "Bekijk het voorstel",
            ),
            CoordinationEvent::HandoverAccepted { from, to, by } => (
                vec![format!(
                    "{to} heeft de coördinatie voor {y} overgenomen van {from}. {by} is de nieuwe coördinator."
                )],
                "Bekijk de coördinatie",
            ),
            CoordinationEvent::HandoverRejected { from, to } => (
                vec![
                    format!("{to} neemt de coördinatie voor {y} niet over. {from} blijft coördinator."),
                    "De reden staat in Zorgsignaal.".into(),
                ],
                "Bekijk de reden",
            ),
            CoordinationEvent::Escalated { by } => (
                vec![
                    format!("{by} heeft de coördinatie voor {y} opgeschaald naar de regio."),
                    "De reden staat in Zorgsignaal.".into(),
                ],
                "Bekijk de opschaling",
            ),
            CoordinationEvent::EscalationDecided => (
                vec![
                    format!("De regio heeft besloten over de opschaling voor {y}."),
                    "Het besluit staat in Zorgsignaal.".into(),
                ],
                "Bekijk het besluit",
            ),
            CoordinationEvent::ActionAssigned { by, due_on } => (
                vec![
                    format!(
                        "{by} heeft bij {y} een actie voor je klaargezet, uiterlijk {}.",
                        crate::domain::records::nl_date(*due_on)
                    ),
                    "Wat er van je verwacht wordt, staat in Zorgsignaal.".into(),
                ],
                "Bekijk de actie",
            ),
            CoordinationEvent::ActionOverdue { assignee: None } => (
                vec![
                    format!("Een actie bij {y} die voor je klaarstaat, is over de afgesproken datum."),
                    "Vink haar af als ze gedaan is, of overleg met de coördinator.".into(),
                ],
                "Bekijk je acties",
            ),
            CoordinationEvent::ActionOverdue { assignee: Some(who) } => (
                vec![
                    format!("Een actie bij {y} voor {who} is over de afgesproken datum."),
                    "Op het coördinatiebord zie je welke.".into(),
                ],
                "Bekijk de casus",
            ),
        }
    }
}

impl Template for CoordinationNotice {
    const KIND: &'static str = "coordination";

    fn subject(&self) -> String {
        let what = match &self.event {
            CoordinationEvent::Appointed { .. } => "jouw organisatie coördineert de hulp aan een jeugdige",
            CoordinationEvent::Reapplied { .. } => {
                "de coördinatie voor een jeugdige gaat naar een andere organisatie"
            }
            CoordinationEvent::Assigned { .. } => "je bent coördinator voor een jeugdige",
            CoordinationEvent::HandoverProposed { .. } => "voorstel tot overdracht van coördinatie",
            CoordinationEvent::HandoverAccepted { .. } => "overdracht van coördinatie geaccepteerd",
            CoordinationEvent::HandoverRejected { .. } => "overdracht van coördinatie afgewezen",
            CoordinationEvent::Escalated { .. } => "een casus is opgeschaald naar de regio",
            CoordinationEvent::EscalationDecided => "de regio heeft besloten over een opschaling",
            CoordinationEvent::ActionAssigned { .. } => "er staat een actie voor je klaar",
            CoordinationEvent::ActionOverdue { assignee: None } => "een actie van jou is over de datum",
            CoordinationEvent::ActionOverdue { assignee: Some(_) } => {
                "een actie in jouw casus is over de datum"
            }
        };
        format!("Zorgsignaal: {what}")
    }

    fn text(&self, base: &str) -> String {
        let (sentences, action) = self.sentences();
        format!(
            "Beste {},\n\n{}\n\n{action}: {}\n\n{FOOTER}\n",
            self.recipient_name,
            sentences.join("\n\n"),
            youth_link(base, self.youth_id)
        )
    }

    fn html(&self, base: &str) -> String {
        let (sentences, action) = self.sentences();
        let mut body = format!("<p>Beste {},</p>", escape(&self.recipient_name));
        for s in sentences {
            body.push_str(&format!("<p>{}</p>", escape(&s)));
        }
        html_page(&self.subject(), &body, &youth_link(base, self.youth_id), action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(event: CoordinationEvent) -> CoordinationNotice {
        CoordinationNotice {
            recipient_name: "Anna <de Vries>".into(),
            youth_id: Uuid::from_u128(7),
            youth_name: "Jan & Piet".into(),
            event,
        }
    }

    #[test]
    fn an_appointment_says_who_why_and_links_to_the_youth() {
        let n = notice(CoordinationEvent::Appointed {
            organisation: "GGD Groningen".into(),
            explanation: "Regel 1 van convenant Groningen v2: leeftijd 0–4 → GGD Groningen".into(),
        });
        let text = n.text("https://zs.example");
        assert!(text.contains("GGD Groningen is aangewezen om de hulp aan Jan & Piet te coördineren."));
        assert!(text.contains("Waarom: Regel 1 van convenant Groningen v2"));
        assert!(text.contains(&format!("https://zs.example/jeugdigen/{}", Uuid::from_u128(7))));
        assert!(!n.subject().contains("Jan"), "no youth name in the subject");
        let html = n.html("https://zs.example");
        assert!(html.contains("Anna &lt;de Vries&gt;"));
        assert!(html.contains("Jan &amp; Piet"));
    }

    #[test]
    fn every_event_has_its_own_subject_and_no_free_text() {
        let events = [
            CoordinationEvent::Appointed {
                organisation: "A".into(),
                explanation: "x".into(),
            },
            CoordinationEvent::Reapplied {
                organisation: "A".into(),
            },
            CoordinationEvent::Assigned { by: "B".into() },
            CoordinationEvent::HandoverProposed {
                from: "A".into(),
                to: "B".into(),
            },
            CoordinationEvent::HandoverAccepted {
                from: "A".into(),
                to: "B".into(),
                by: "C".into(),
            },
            CoordinationEvent::HandoverRejected {
                from: "A".into(),
                to: "B".into(),
            },
            CoordinationEvent::Escalated { by: "C".into() },
            CoordinationEvent::EscalationDecided,
            CoordinationEvent::ActionAssigned {
                by: "C".into(),
                due_on: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            },
            CoordinationEvent::ActionOverdue { assignee: None },
            CoordinationEvent::ActionOverdue {
                assignee: Some("B".into()),
            },
        ];
        let subjects: std::collections::HashSet<String> =
            events.iter().map(|e| notice(e.clone()).subject()).collect();
        assert_eq!(subjects.len(), events.len());
    }
}
