//! Read models for youths, registrations and signals (shared with WASM).
//! What a model holds is what its reader may see: another organisation's
//! signal kind has no field here to travel in.

use super::involvement::{EndReason, SignalKind};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The months in Dutch, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// "22 november 2026".
pub fn nl_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// How "Mijn jeugdigen" is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum YouthSort {
    Name,
    Age,
    Municipality,
    #[default]
    Since,
    Match,
}

impl YouthSort {
    pub const ALL: [YouthSort; 5] = [
        YouthSort::Name,
        YouthSort::Age,
        YouthSort::Municipality,
        YouthSort::Since,
        YouthSort::Match,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            YouthSort::Name => "naam",
            YouthSort::Age => "leeftijd",
            YouthSort::Municipality => "gemeente",
            YouthSort::Since => "sinds",
            YouthSort::Match => "match",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub const PAGE_SIZE: u32 = 25;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyYouthRow {
    pub id: Uuid,
    pub name: String,
    pub age: i32,
    pub municipality: String,
    pub since: NaiveDate,
    pub matched: bool,
    pub coordinator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyYouths {
    pub rows: Vec<MyYouthRow>,
    pub total: i64,
    pub page: u32,
    pub sort: YouthSort,
    pub descending: bool,
}

impl MyYouths {
    pub fn pages(&self) -> u32 {
        (self.total.max(0) as u32).div_ceil(PAGE_SIZE).max(1)
    }
}

/// An organisation involved with a youth, as every involved professional
/// sees it: that it is involved, and whom to call. Nothing about why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvolvedParty {
    pub organisation_id: Uuid,
    pub user_id: Uuid,
    pub organisation: String,
    pub professional: String,
    pub phone: String,
    pub email: String,
    pub since: NaiveDate,
    pub is_viewer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: NaiveDate,
    pub text: String,
}

/// One of the viewer's own registrations or signals on the youth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnInvolvement {
    pub id: Uuid,
    /// `None` for a registration.
    pub signal_kind: Option<SignalKind>,
    pub since: NaiveDate,
    /// End date of a registration, expiry of a signal.
    pub until: NaiveDate,
    pub ended: Option<(NaiveDate, EndReason)>,
    pub history: Vec<HistoryEntry>,
}

impl OwnInvolvement {
    pub fn is_active(&self) -> bool {
        self.ended.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YouthDetail {
    pub id: Uuid,
    pub name: String,
    pub bsn_masked: String,
    pub birth_date: NaiveDate,
    pub age: i32,
    pub municipality: String,
    pub matched: bool,
    pub involved: Vec<InvolvedParty>,
    pub own: Vec<OwnInvolvement>,
    pub coordination: super::coordination::CoordinationInfo,
    pub family: super::family::FamilyInfo,
    /// For the coordinator of a youth in a family: the professionals
    /// involved with the other youths of the family only (possible
    /// assignees of an action for the whole family).
    #[serde(default)]
    pub family_involved: Vec<InvolvedParty>,
}

/// The answer to a registration or signal from the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub youth_id: Uuid,
    pub id: Uuid,
    pub until: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_dutch() {
        assert_eq!(
            nl_date(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()),
            "2 november 2026"
        );
    }

    #[test]
    fn pages_round_up_and_never_drop_to_zero() {
        let page = |total| MyYouths {
            rows: vec![],
            total,
            page: 1,
            sort: YouthSort::Since,
            descending: true,
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(25).pages(), 1);
        assert_eq!(page(26).pages(), 2);
    }
}

/// An API token as the region admin's list shows it (never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: Uuid,
    pub organisation: String,
    pub name: String,
    pub hint: String,
    pub created: NaiveDate,
    pub last_used: Option<NaiveDate>,
    pub revoked: bool,
}

/// A token just made: shown once, then only its hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub organisation: String,
    pub name: String,
    pub token: String,
}

/// One line of a youth's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: String,
    pub who: String,
    pub organisation: String,
    pub action: String,
    pub result: String,
    pub via: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditTrail {
    pub youth_name: String,
    pub rows: Vec<AuditRow>,
}

/// What an audit action means, in Dutch.
pub fn audit_action_label(action: &str) -> &'static str {
    match action {
        "youth_view" => "Jeugdige bekeken",
        "youth_list" => "Lijst Mijn jeugdigen bekeken",
        "registration_create" => "Registratie vastgelegd",
        "registration_end" => "Registratie beëindigd",
        "registration_change" => "Einddatum gewijzigd",
        "registration_import" => "Registraties geïmporteerd",
        "signal_create" => "Signaal afgegeven",
        "signal_close" => "Signaal gesloten",
        "audit_trail_view" => "Logboek bekeken",
        "api_list" => "Lijst opgevraagd via de API",
        "retention_purge" => "Gegevens verwijderd (bewaartermijn)",
        "coordination_appoint" => "Coördinerende organisatie aangewezen",
        "coordination_take" => "Coördinatie opgepakt of toegewezen",
        "coordination_list" => "Overzicht coördinatie bekeken",
        "handover_propose" => "Overdracht voorgesteld",
        "handover_accept" => "Overdracht geaccepteerd",
        "handover_reject" => "Overdracht afgewezen",
        "handover_withdraw" => "Overdracht ingetrokken",
        "escalation_raise" => "Opgeschaald naar de regio",
        "escalation_list" => "Opschalingen bekeken",
        "escalation_decide" => "Besluit over opschaling",
        "covenant_view" => "Convenant en proefrun bekeken",
        "covenant_edit" => "Beslisregels gewijzigd",
        "covenant_activate" => "Convenantversie geactiveerd",
        "covenant_apply" => "Convenant toegepast op bestaande casussen",
        "mismatch_list" => "Lijst gegevenskwaliteit bekeken",
        "mismatch_resolve" => "Afwijkende gegevens opgelost",
        _ => "Overige actie",
    }
}

pub fn audit_result_label(result: &str) -> &'static str {
    match result {
        "success" => "gelukt",
        "denied" => "geweigerd",
        _ => "mislukt",
    }
}

/// One line of a bulk file that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLineError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

/// What a bulk import did, as the upload page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub file_name: String,
    pub rows: usize,
    pub created: usize,
    pub existing: usize,
    pub errors: Vec<ImportLineError>,
}

/// The states of an outbox mail, in the order the admin view shows them.
pub const MAIL_STATUSES: [(&str, &str); 4] = [
    ("pending", "Wachtend"),
    ("sent", "Verzonden"),
    ("failed", "Mislukt"),
    ("dead", "Opgegeven"),
];

/// One mail in the region admin's outbox view: never the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailRow {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// "22-11-2026 14:05" in Dutch time.
    pub created: String,
    pub next_attempt: Option<String>,
    pub sent: Option<String>,
    pub may_retry: bool,
}

/// The outbox of a region: counts per state and the newest mails of one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailOverview {
    pub status: String,
    /// (status, count) for every status in [`MAIL_STATUSES`] order.
    pub counts: Vec<(String, i64)>,
    pub rows: Vec<MailRow>,
}
