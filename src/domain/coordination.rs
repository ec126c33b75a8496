//! Read models of chain coordination (shared with WASM): what the youth
//! page, the coordinator's overview and the region's pages show.

use super::records::HistoryEntry;
use crate::form_fields;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

form_fields! {
    /// The coordination part of the youth page: proposing and rejecting a
    /// warm handover, escalating to the region.
    pub enum CoordinationField {
        ToOrganisation = "to_organisation",
        Agreements = "agreements",
        Reason = "reason",
        EscalationReason = "escalation_reason",
    }
}

/// An involved professional or organisation may escalate a case that has
/// had no coordinating person this many working days after its match.
pub const ESCALATE_AFTER_WORKING_DAYS: i64 = 10;

/// The start agreements of a warm handover.
pub const HANDOVER_CHECKLIST: [(&str, &str); 4] = [
    ("family_informed", "Gezin geïnformeerd"),
    ("plan_shared", "Plan gedeeld"),
    ("roles_agreed", "Rollen en taken afgesproken"),
    ("meeting_planned", "Eerste overleg gepland"),
];

/// A choice in a form: an id and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
}

/// A warm handover that waits for the receiving organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenHandover {
    pub id: Uuid,
    pub from: String,
    pub to: String,
    pub proposed_by: String,
    pub proposed_on: NaiveDate,
    /// The checklist in [`HANDOVER_CHECKLIST`] order.
    pub checklist: [bool; 4],
    pub agreements: String,
}

/// A case taken up to the region and not yet closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenEscalation {
    pub id: Uuid,
    pub raised_by: String,
    pub raised_on: NaiveDate,
    pub reason: String,
}

/// The coordinating person, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// Who coordinates the help for a youth, why, and what the viewer may do
/// about it. Every involved professional sees the same facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CoordinationInfo {
    /// The coordinating organisation; `None` while there is none.
    pub organisation: Option<String>,
    /// The person who took the case; `None` until someone does.
    pub coordinator: Option<Person>,
    pub since: Option<NaiveDate>,
    /// Why this organisation coordinates (rule, version), or why none does.
    pub explanation: Option<String>,
    pub handover: Option<OpenHandover>,
    pub escalation: Option<OpenEscalation>,
    pub history: Vec<HistoryEntry>,
    /// The viewer is a coordinator of the coordinating organisation.
    pub may_take: bool,
    /// The viewer coordinates the youth now: sets out and changes actions.
    pub is_coordinator: bool,
    /// Colleagues the case may be assigned to (when `may_take`).
    pub colleagues: Vec<Choice>,
    /// Organisations the coordinator may hand over to (empty: may not propose).
    pub handover_targets: Vec<Choice>,
    /// The viewer is a coordinator of the receiving organisation.
    pub may_decide_handover: bool,
    /// The viewer's side proposed the open handover and may withdraw it.
    pub may_withdraw_handover: bool,
    pub may_escalate: bool,
    /// Why the viewer may not escalate yet, if that is what stops them.
    pub escalate_hint: Option<String>,
}

/// One youth or family a coordinator's organisation coordinates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinatedRow {
    pub youth_id: Uuid,
    pub name: String,
    pub municipality: String,
    /// Days since the match began.
    pub match_days: i64,
    pub coordinator: Option<String>,
    /// "Overdracht aan WIJ Groningen voorgesteld", or from another organisation to us.
    pub handover: Option<String>,
    pub escalated: bool,
}

/// The coordinator's overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinationOverview {
    pub organisation: String,
    /// Cases of the organisation that no one has taken yet.
    pub untaken: Vec<CoordinatedRow>,
    /// Cases the viewer coordinates.
    pub mine: Vec<CoordinatedRow>,
    /// Cases colleagues coordinate.
    pub colleagues: Vec<CoordinatedRow>,
    /// Handovers other organisations propose to this one.
    pub incoming: Vec<CoordinatedRow>,
}

/// One rule as the covenant page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRow {
    pub text: String,
    pub rule: super::covenant::Rule,
}

/// A change the dry run found: this youth would get another coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub youth_name: String,
    pub municipality: String,
    pub from: String,
    pub to: String,
    pub explanation: String,
}

/// The covenant page: the active version, the version being edited (the
/// newest), its rules, and the dry run of that version against today's
/// appointments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CovenantView {
    pub region: String,
    pub active_version: i32,
    pub active_since: Option<NaiveDate>,
    /// The newest version; equal to `active_version` when there is no draft.
    pub version: i32,
    pub rules: Vec<RuleRow>,
    pub fallback: String,
    /// One coordinator per family.
    pub family_coordination: bool,
    /// Dry run of the draft, or of the active version when there is no draft
    /// (then these are the changes "apply to existing cases" makes).
    pub changes: Vec<ChangeRow>,
    /// How many current appointments the dry run looked at.
    pub checked: usize,
    pub municipalities: Vec<super::views::Municipality>,
    /// Organisations a rule may name (those that may coordinate).
    pub organisations: Vec<Choice>,
}

impl CovenantView {
    pub fn is_draft(&self) -> bool {
        self.version != self.active_version
    }
}

/// An escalation as the region admin's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRow {
    pub id: Uuid,
    pub youth_name: String,
    pub municipality: String,
    pub raised_by: String,
    pub raised_on: NaiveDate,
    /// Days open.
    pub age_days: i64,
    pub reason: String,
    pub coordinator: Option<String>,
    /// Involved organisations that may coordinate: the region may appoint one.
    pub candidates: Vec<Choice>,
}

/// Whether someone may escalate a case to the region: the coordinator
/// always; any involved professional once the case has had no
/// coordinating person for [`ESCALATE_AFTER_WORKING_DAYS`] working days
/// after its match. `Err` says in Dutch why not (yet).
pub fn may_escalate(
    is_coordinator: bool,
    involved: bool,
    has_person: bool,
    matched_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), String> {
    if is_coordinator {
        return Ok(());
    }
    let Some(matched_on) = matched_on.filter(|_| involved) else {
        return Err(
            "Alleen de coördinator en betrokken professionals bij een match kunnen opschalen.".into(),
        );
    };
    if has_person {
        return Err("Deze casus heeft een coördinator; die kan opschalen naar de regio.".into());
    }
    let passed = super::workdays::working_days_between(matched_on, today);
    if passed >= ESCALATE_AFTER_WORKING_DAYS {
        Ok(())
    } else {
        Err(format!(
            "Nog niemand coördineert deze casus. Blijft dat zo, dan kun je over {} werkdag{} opschalen naar de regio.",
            ESCALATE_AFTER_WORKING_DAYS - passed,
            if ESCALATE_AFTER_WORKING_DAYS - passed == 1 { "" } else { "en" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn the_coordinator_may_always_escalate() {
        assert!(may_escalate(true, false, true, None, date(2)).is_ok());
    }

    #[test]
    fn an_involved_professional_may_escalate_after_ten_working_days_without_a_coordinator() {
        // Matched Monday 2 November; ten working days later is Monday 16 November.
        assert!(may_escalate(false, true, false, Some(date(2)), date(16)).is_ok());
        let early = may_escalate(false, true, false, Some(date(2)), date(13)).unwrap_err();
        assert!(early.contains("over 1 werkdag "), "{early}");
        assert!(may_escalate(false, true, true, Some(date(2)), date(30)).is_err());
    }

    #[test]
    fn someone_not_involved_or_without_a_match_may_not() {
        assert!(may_escalate(false, false, false, Some(date(2)), date(30)).is_err());
        assert!(may_escalate(false, true, false, None, date(30)).is_err());
    }
}
