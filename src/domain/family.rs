//! The family part of the youth page ("1 Gezin 1 Plan"): the youths of one
//! household, the one plan with its agreements, and consent with its rules.

use super::coordination::Choice;
use crate::form_fields;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

form_fields! {
    /// The family part of the youth page: linking a youth, the plan and its
    /// agreements, consent.
    pub enum FamilyField {
        Other = "other",
        Goals = "goals",
        ReviewOn = "review_on",
        FamilyAgreedOn = "family_agreed_on",
        Who = "who",
        AgreementWhat = "agreement_what",
        DueOn = "due_on",
        ConsentKind = "consent_kind",
        GivenBy = "given_by",
        What = "what",
        WithWhom = "with_whom",
        ValidFrom = "valid_from",
        ValidUntil = "valid_until",
        Justification = "justification",
    }
}

/// A youth of the same family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyMember {
    pub youth_id: Uuid,
    pub name: String,
    /// The viewer may open this youth's page.
    pub may_view: bool,
}

/// Who does what, by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: Uuid,
    pub who: String,
    pub what: String,
    pub due_on: Option<NaiveDate>,
}

/// The one plan of a family, or of a youth in none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PlanView {
    pub goals: String,
    pub review_on: Option<NaiveDate>,
    /// When the family agreed to the plan; `None`: not (yet) together with the family.
    pub family_agreed_on: Option<NaiveDate>,
    pub agreements: Vec<Agreement>,
    /// "Anna de Vries, 22 november 2026"; `None` while there is no plan.
    pub updated: Option<String>,
}

/// A consent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub id: Uuid,
    /// False: the family was not informed because that would be unsafe.
    pub given: bool,
    pub given_by: String,
    pub what: String,
    pub with_whom: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub justification: String,
    pub recorded_by: String,
    pub withdrawn: bool,
}

/// The family, plan and consent part of the youth page (1 Gezin 1 Plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FamilyInfo {
    /// The other youths of the family; empty when the youth is in none.
    pub members: Vec<FamilyMember>,
    pub in_family: bool,
    /// The viewer's other youths that can be added to this family.
    pub candidates: Vec<Choice>,
    pub plan: PlanView,
    pub consents: Vec<ConsentView>,
}

/// A consent as the form sends it, checked: messages per field.
#[allow(clippy::too_many_arguments)]
pub fn check_consent(
    given: bool,
    given_by: &str,
    what: &str,
    with_whom: &str,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    justification: &str,
) -> Vec<crate::error::FieldError> {
    use crate::error::FieldError;
    let mut e = Vec::new();
    let len = |s: &str| s.trim().chars().count();
    if given {
        for (field, value, label, max) in [
            (FamilyField::GivenBy, given_by, "wie toestemming gaf", 200),
            (FamilyField::What, what, "wat gedeeld mag worden", 1000),
            (FamilyField::WithWhom, with_whom, "met wie", 1000),
        ] {
            if len(value) == 0 || len(value) > max {
                e.push(FieldError::new(
                    field,
                    format!("Vul in {label} (hoogstens {max} tekens)."),
                ));
            }
        }
    } else if len(justification) == 0 || len(justification) > 2000 {
        e.push(FieldError::new(
            FamilyField::Justification,
            "Leg uit waarom het gezin niet is geïnformeerd (Meldcode); dat is verplicht.",
        ));
    }
    match (valid_from, valid_until) {
        (None, _) => e.push(FieldError::new(
            FamilyField::ValidFrom,
            "Vul een geldige begindatum in.",
        )),
        (Some(from), Some(until)) if until < from => e.push(FieldError::new(
            FamilyField::ValidUntil,
            "De einddatum ligt voor de begindatum.",
        )),
        _ => {}
    }
    e
}

#[cfg(test)]
mod consent_tests {
    use super::*;

    fn d(day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, 11, day)
    }

    fn fields(e: Vec<crate::error::FieldError>) -> Vec<String> {
        e.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_consent_names_who_what_and_with_whom() {
        assert!(check_consent(true, "moeder", "het plan", "school en GGD", d(1), d(30), "").is_empty());
        assert_eq!(
            fields(check_consent(true, " ", "", "x", d(1), None, "")),
            ["given_by", "what"]
        );
    }

    #[test]
    fn not_informing_the_family_needs_a_justification() {
        assert_eq!(
            fields(check_consent(false, "", "", "", d(1), None, "  ")),
            ["justification"]
        );
        assert!(check_consent(false, "", "", "", d(1), None, "Vermoeden van huiselijk geweld.").is_empty());
    }

    #[test]
    fn dates_must_be_in_order() {
        assert_eq!(
            fields(check_consent(true, "a", "b", "c", d(10), d(9), "")),
            ["valid_until"]
        );
        assert_eq!(
            fields(check_consent(true, "a", "b", "c", None, None, "")),
            ["valid_from"]
        );
    }
}
