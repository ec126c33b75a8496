//! The region admin's data-quality list: a BSN typed with another name or
//! date of birth than stored, or with a municipality of another region.
//! Such a registration or signal is never refused (that would tell the one
//! who typed it that the child is known); the admin resolves the mismatch
//! here (a move to another region: the admin of either region).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Personal data as one side recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personalia {
    pub name: String,
    pub birth_date: NaiveDate,
    pub municipality: String,
}

/// One open mismatch: the youth's data as first recorded and the version
/// one organisation typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mismatch {
    pub youth_id: Uuid,
    pub organisation_id: Uuid,
    /// The last three digits of the BSN.
    pub bsn_masked: String,
    pub stored: Personalia,
    /// The involved organisations that see the stored data.
    pub stored_organisations: Vec<String>,
    pub typed: Personalia,
    pub typed_organisation: String,
    pub typed_by: String,
    pub since: NaiveDate,
    /// Days open.
    pub age_days: i64,
}

/// Mismatches open longer than this are named on the region's start page.
pub const OVERDUE_DAYS: i64 = 7;

/// A mismatch open longer than [`OVERDUE_DAYS`], as the region's start
/// page names it: who typed it and since when, nothing of the youth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    pub typed_organisation: String,
    pub since: NaiveDate,
    pub days: i64,
}

/// The region admin's decision on a mismatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The same person; the data as first recorded is right.
    KeepStored,
    /// The same person; the organisation's version is right, and every
    /// organisation sees it from now on.
    TakeTyped,
    /// Another person: the organisation mistyped the BSN and is mailed to
    /// correct its registration; it keeps seeing its own version.
    WrongBsn,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::KeepStored, Decision::TakeTyped, Decision::WrongBsn];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::KeepStored => "keep_stored",
            Decision::TakeTyped => "take_typed",
            Decision::WrongBsn => "wrong_bsn",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::KeepStored => "Dezelfde persoon: de eerst vastgelegde gegevens kloppen",
            Decision::TakeTyped => "Dezelfde persoon: de afwijkende gegevens kloppen",
            Decision::WrongBsn => "Een ander kind: de organisatie heeft een verkeerd BSN getypt (haar registraties en signalen bij dit BSN worden beëindigd)",
        }
    }
}

pub const DECISION_REQUIRED: &str = "Kies wat er aan de hand is.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_decision_reads_back_from_its_form_value_and_nothing_else_does() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Decision::parse(""), None);
        assert_eq!(Decision::parse("KEEP_STORED"), None);
    }
}
