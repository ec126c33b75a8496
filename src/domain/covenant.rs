//! The covenant's decision rules (beslisregels) and the engine that applies
//! them: which involved organisation coordinates the help for a youth.
//!
//! The engine is pure: it gets the case (age, municipality, the involved
//! organisations in the order they became involved) and the ordered rules,
//! and answers with an organisation and a sentence that explains why. The
//! first rule whose conditions hold *and* whose outcome is among the
//! involved organisations that may coordinate decides; when none does, the
//! fallback does: the organisation involved first that may coordinate.
//! Schools, police and municipalities are never appointed, whatever a rule
//! says.

use super::organisation::OrganisationKind;
use crate::{error::FieldError, form_fields};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

form_fields! {
    /// The covenant editor: one rule form per rule and one for a new rule
    /// (which of them was posted is echoed back as `Form`), and the version
    /// the editor loaded.
    pub enum RuleField {
        MinAge = "min_age",
        MaxAge = "max_age",
        Outcome = "outcome",
        Version = "version",
        Form = "form",
    }
}

/// The oldest age a rule can name (youths are 0–22).
pub const MAX_RULE_AGE: u8 = 22;

/// How a rule's organisation kinds must be involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum KindsMode {
    /// At least one of the kinds is involved.
    #[default]
    AnyOf,
    /// Every one of the kinds is involved.
    AllOf,
}

/// A municipality a rule names, with its name for the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub code: String,
    pub name: String,
}

/// Whom a rule appoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleOutcome {
    /// The involved organisation of this kind (the earliest, on a tie).
    Kind(OrganisationKind),
    /// This organisation, when it is involved.
    Organisation { id: Uuid, name: String },
}

/// One decision rule: conditions, all of which must hold, and an outcome.
/// An empty condition always holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
    /// Where the youth lives; empty: anywhere.
    pub municipalities: Vec<Place>,
    pub kinds_mode: KindsMode,
    /// Which organisation kinds are involved; empty: no condition.
    pub kinds: Vec<OrganisationKind>,
    /// The kind of the organisation that was involved first.
    pub first_kind: Option<OrganisationKind>,
    pub outcome: RuleOutcome,
}

/// A region's covenant at one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Covenant {
    pub region: String,
    pub version: i32,
    pub rules: Vec<Rule>,
    /// One coordinator for the whole family: a youth linked into a family
    /// whose other member has a coordinator gets the same organisation.
    pub family_coordination: bool,
}

/// An involved organisation, as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    /// The organisation's own capability (kept by the region admin).
    pub may_coordinate: bool,
}

/// What the engine decides about: the youth and the involved
/// organisations, earliest involvement first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub age: i32,
    pub municipality: String,
    pub parties: Vec<Party>,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// `None` when no involved organisation may coordinate.
    pub organisation: Option<Uuid>,
    /// The rule that decided, counted from 1; the fallback is `rules.len() + 1`.
    pub rule: Option<usize>,
    pub explanation: String,
}

/// True for kinds that never coordinate, whatever the covenant says.
pub fn never_coordinates(kind: OrganisationKind) -> bool {
    matches!(
        kind,
        OrganisationKind::School | OrganisationKind::Politie | OrganisationKind::Gemeente
    )
}

/// True when `party` may be appointed.
pub fn eligible(party: &Party) -> bool {
    party.may_coordinate && !never_coordinates(party.kind)
}

/// The kind as a rule reads it: "JGZ", "wijkteam".
pub fn kind_name(kind: OrganisationKind) -> &'static str {
    match kind {
        OrganisationKind::Jgz => "JGZ",
        OrganisationKind::Wijkteam => "wijkteam",
        OrganisationKind::School => "school",
        OrganisationKind::Politie => "politie",
        OrganisationKind::Jeugdzorg => "jeugdzorg",
        OrganisationKind::Ggz => "jeugd-GGZ",
        OrganisationKind::Jeugdbescherming => "jeugdbescherming",
        OrganisationKind::Gemeente => "gemeente",
    }
}

/// "a, b of c" / "a, b en c".
fn list(items: &[String], last_joiner: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {last_joiner} {last}", rest.join(", ")),
    }
}

impl Rule {
    /// The conditions in words: "leeftijd 0–4 en JGZ betrokken"; "altijd".
    pub fn conditions_text(&self) -> String {
        let mut parts = Vec::new();
        match (self.min_age, self.max_age) {
            (Some(a), Some(b)) => parts.push(format!("leeftijd {a}–{b}")),
            (Some(a), None) => parts.push(format!("leeftijd {a} of ouder")),
            (None, Some(b)) => parts.push(format!("leeftijd tot en met {b}")),
            (None, None) => {}
        }
        if !self.municipalities.is_empty() {
            let names: Vec<String> = self.municipalities.iter().map(|p| p.name.clone()).collect();
            parts.push(format!("woont in {}", list(&names, "of")));
        }
        if !self.kinds.is_empty() {
            let names: Vec<String> = self.kinds.iter().map(|k| kind_name(*k).to_string()).collect();
            let joiner = match self.kinds_mode {
                KindsMode::AnyOf => "of",
                KindsMode::AllOf => "en",
            };
            parts.push(format!("{} betrokken", list(&names, joiner)));
        }
        if let Some(k) = self.first_kind {
            parts.push(format!("{} als eerste betrokken", kind_name(k)));
        }
        if parts.is_empty() {
            "altijd".to_string()
        } else {
            parts.join(" en ")
        }
    }

    /// The outcome in words: "JGZ", "GGD Groningen".
    pub fn outcome_text(&self) -> String {
        match &self.outcome {
            RuleOutcome::Kind(k) => kind_name(*k).to_string(),
            RuleOutcome::Organisation { name, .. } => name.clone(),
        }
    }

    /// "Als leeftijd 0–4 en JGZ betrokken, dan JGZ."
    pub fn describe(&self) -> String {
        format!("Als {}, dan {}.", self.conditions_text(), self.outcome_text())
    }

    fn holds(&self, case: &Case) -> bool {
        let age_ok = self.min_age.is_none_or(|a| case.age >= i32::from(a))
            && self.max_age.is_none_or(|b| case.age <= i32::from(b));
        let place_ok =
            self.municipalities.is_empty() || self.municipalities.iter().any(|p| p.code == case.municipality);
        let involved = |k: &OrganisationKind| case.parties.iter().any(|p| p.kind == *k);
        let kinds_ok = self.kinds.is_empty()
            || match self.kinds_mode {
                KindsMode::AnyOf => self.kinds.iter().any(involved),
                KindsMode::AllOf => self.kinds.iter().all(involved),
            };
        let first_ok = self
            .first_kind
            .is_none_or(|k| case.parties.first().is_some_and(|p| p.kind == k));
        age_ok && place_ok && kinds_ok && first_ok
    }

    /// The organisation this rule appoints in `case`, if it is involved and may coordinate.
    fn pick<'a>(&self, case: &'a Case) -> Option<&'a Party> {
        let mut candidates = case.parties.iter().filter(|p| eligible(p));
        match &self.outcome {
            RuleOutcome::Kind(k) => candidates.find(|p| p.kind == *k),
            RuleOutcome::Organisation { id, .. } => candidates.find(|p| p.id == *id),
        }
    }

    /// Checks the rule as the editor submits it; messages per field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, age) in [
            (RuleField::MinAge, self.min_age),
            (RuleField::MaxAge, self.max_age),
        ] {
            if age.is_some_and(|a| a > MAX_RULE_AGE) {
                errors.push(FieldError::new(
                    field,
                    format!("Een leeftijd ligt tussen 0 en {MAX_RULE_AGE}."),
                ));
            }
        }
        if let (Some(a), Some(b)) = (self.min_age, self.max_age) {
            if a > b {
                errors.push(FieldError::new(
                    RuleField::MaxAge,
                    "De hoogste leeftijd is lager dan de laagste.",
                ));
            }
        }
        if let RuleOutcome::Kind(k) = self.outcome {
            if never_coordinates(k) {
                errors.push(FieldError::new(
                    RuleField::Outcome,
                    format!(
                        "Een {} coördineert nooit. Kies een andere uitkomst.",
                        kind_name(k)
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Parses an age field: empty is no condition.
pub fn parse_age(input: &str) -> Result<Option<u8>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u8>()
        .ok()
        .filter(|a| *a <= MAX_RULE_AGE)
        .map(Some)
        .ok_or_else(|| format!("Vul een leeftijd in van 0 tot en met {MAX_RULE_AGE}, of laat het veld leeg."))
}

/// The fallback rule in words.
pub const FALLBACK_TEXT: &str = "de organisatie die als eerste betrokken was en mag coördineren";

impl Covenant {
    /// "Regel 3 van convenant Groningen v4".
    fn rule_name(&self, number: usize) -> String {
        if number > self.rules.len() {
            format!("Terugvalregel van convenant {} v{}", self.region, self.version)
        } else {
            format!("Regel {number} van convenant {} v{}", self.region, self.version)
        }
    }

    /// Appoints the coordinating organisation for `case`, and says why.
    pub fn appoint(&self, case: &Case) -> Appointment {
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.holds(case) {
                if let Some(p) = rule.pick(case) {
                    return Appointment {
                        organisation: Some(p.id),
                        rule: Some(i + 1),
                        explanation: format!(
                            "{}: {} → {}",
                            self.rule_name(i + 1),
                            rule.conditions_text(),
                            p.name
                        ),
                    };
                }
            }
        }
        match case.parties.iter().find(|p| eligible(p)) {
            Some(p) => Appointment {
                organisation: Some(p.id),
                rule: Some(self.rules.len() + 1),
                explanation: format!(
                    "{}: {FALLBACK_TEXT} → {}",
                    self.rule_name(self.rules.len() + 1),
                    p.name
                ),
            },
            None => Appointment {
                organisation: None,
                rule: None,
                explanation:
                    "Geen van de betrokken organisaties mag coördineren; de regio wijst een coördinator aan."
                        .to_string(),
            },
        }
    }
}

/// A case that has a coordinator now, for the dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub youth_id: Uuid,
    pub organisation: Uuid,
    pub case: Case,
}

/// An appointment that would change under other rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub youth_id: Uuid,
    pub from: Uuid,
    pub to: Uuid,
    pub rule: Option<usize>,
    pub explanation: String,
}

/// For every case that has a coordinator: the appointment `covenant` would
/// make instead, where it differs. A case the rules leave without anyone
/// who may coordinate keeps its coordinator.
pub fn dry_run(covenant: &Covenant, current: &[Current]) -> Vec<Change> {
    current
        .iter()
        .filter_map(|c| {
            let a = covenant.appoint(&c.case);
            let to = a.organisation?;
            (to != c.organisation).then_some(Change {
                youth_id: c.youth_id,
                from: c.organisation,
                to,
                rule: a.rule,
                explanation: a.explanation,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
