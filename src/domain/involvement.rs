//! Chain registrations, signals, their lifecycle, and matches.

use crate::form_fields;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

form_fields! {
    /// Ending a registration or closing a signal, or changing its end
    /// date: on the youth page one such form per registration or signal
    /// (the fields of row `id` are named "reason-<id>", see
    /// `FieldError::of_row`).
    pub enum EndField {
        Reason = "reason",
        EndDate = "end_date",
    }
}

/// How long a signal lasts and a registration's proposed term.
pub const TERM_MONTHS: u32 = 24;
/// A registration's reminder falls this many days before its end date.
pub const REMINDER_DAYS_BEFORE: i64 = 7;

/// What a signal is about. Only the giver ever sees it (principle 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignalKind {
    Ontwikkeling,
    Gezondheid,
    Opvoeding,
    OnderwijsVerzuim,
    Veiligheid,
    Middelengebruik,
    Financien,
    Overig,
}

impl SignalKind {
    pub const ALL: [SignalKind; 8] = [
        SignalKind::Ontwikkeling,
        SignalKind::Gezondheid,
        SignalKind::Opvoeding,
        SignalKind::OnderwijsVerzuim,
        SignalKind::Veiligheid,
        SignalKind::Middelengebruik,
        SignalKind::Financien,
        SignalKind::Overig,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::Ontwikkeling => "ontwikkeling",
            SignalKind::Gezondheid => "gezondheid",
            SignalKind::Opvoeding => "opvoeding",
            SignalKind::OnderwijsVerzuim => "onderwijs_verzuim",
            SignalKind::Veiligheid => "veiligheid",
            SignalKind::Middelengebruik => "middelengebruik",
            SignalKind::Financien => "financien",
            SignalKind::Overig => "overig",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SignalKind::Ontwikkeling => "Ontwikkeling",
            SignalKind::Gezondheid => "Gezondheid",
            SignalKind::Opvoeding => "Opvoeding",
            SignalKind::OnderwijsVerzuim => "Onderwijs en verzuim",
            SignalKind::Veiligheid => "Veiligheid",
            SignalKind::Middelengebruik => "Middelengebruik",
            SignalKind::Financien => "Financiën",
            SignalKind::Overig => "Overig",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub const SIGNAL_KIND_REQUIRED: &str = "Kies waar het signaal over gaat.";

/// Why a registration ended or a signal was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EndReason {
    HelpCompleted,
    Transferred,
    Moved,
    NoLongerInvolved,
    WorryResolved,
    HelpStarted,
    InError,
    /// Set by the system when the end date passed or the signal expired.
    Expired,
}

impl EndReason {
    /// What a professional may choose when ending a registration.
    pub const FOR_REGISTRATION: [EndReason; 5] = [
        EndReason::HelpCompleted,
        EndReason::Transferred,
        EndReason::Moved,
        EndReason::NoLongerInvolved,
        EndReason::InError,
    ];
    /// What a professional may choose when closing a signal.
    pub const FOR_SIGNAL: [EndReason; 5] = [
        EndReason::WorryResolved,
        EndReason::HelpStarted,
        EndReason::Transferred,
        EndReason::Moved,
        EndReason::InError,
    ];
    const ALL: [EndReason; 8] = [
        EndReason::HelpCompleted,
        EndReason::Transferred,
        EndReason::Moved,
        EndReason::NoLongerInvolved,
        EndReason::WorryResolved,
        EndReason::HelpStarted,
        EndReason::InError,
        EndReason::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::HelpCompleted => "help_completed",
            EndReason::Transferred => "transferred",
            EndReason::Moved => "moved",
            EndReason::NoLongerInvolved => "no_longer_involved",
            EndReason::WorryResolved => "worry_resolved",
            EndReason::HelpStarted => "help_started",
            EndReason::InError => "in_error",
            EndReason::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EndReason::HelpCompleted => "Hulp is afgerond",
            EndReason::Transferred => "Overgedragen aan een andere organisatie",
            EndReason::Moved => "Jeugdige is verhuisd buiten ons werkgebied",
            EndReason::NoLongerInvolved => "Niet langer betrokken",
            EndReason::WorryResolved => "De zorg is weggenomen",
            EndReason::HelpStarted => "Passende hulp is gestart",
            EndReason::InError => "Ten onrechte vastgelegd",
            EndReason::Expired => "Verlopen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn parse_for_registration(s: &str) -> Option<Self> {
        Self::FOR_REGISTRATION.into_iter().find(|k| k.as_str() == s)
    }

    pub fn parse_for_signal(s: &str) -> Option<Self> {
        Self::FOR_SIGNAL.into_iter().find(|k| k.as_str() == s)
    }
}

pub const REASON_REQUIRED: &str = "Kies een reden uit de lijst.";
pub const END_DATE_FORMAT: &str = "Vul een einddatum in als jaar-maand-dag (bijvoorbeeld 2027-06-30).";
pub const END_DATE_PAST: &str = "De einddatum moet na vandaag liggen.";
pub const END_DATE_TOO_FAR: &str = "De einddatum ligt hoogstens twee jaar na vandaag.";

/// The proposed end date of a registration made `today`, and the date a
/// signal given `today` expires.
pub fn term_end(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(TERM_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// An end date a professional chose: after today, at most one term ahead.
pub fn parse_end_date(input: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = super::youth::parse_iso_date(input).ok_or(END_DATE_FORMAT)?;
    if date <= today {
        return Err(END_DATE_PAST);
    }
    if date > term_end(today) {
        return Err(END_DATE_TOO_FAR);
    }
    Ok(date)
}

/// Whether a new involvement made a match (a second organisation became
/// involved) or extended one (another professional joined a match).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchKind {
    New,
    Extended,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::New => "new",
            MatchKind::Extended => "extended",
        }
    }
}

/// Who is involved with one youth: (professional, organisation) pairs.
#[derive(Debug, Clone, Default)]
pub struct Involved {
    pairs: Vec<(Uuid, Uuid)>,
}

impl Involved {
    pub fn new(pairs: impl IntoIterator<Item = (Uuid, Uuid)>) -> Self {
        Involved {
            pairs: pairs.into_iter().collect(),
        }
    }

    pub fn organisation_count(&self) -> usize {
        let mut orgs: Vec<Uuid> = self.pairs.iter().map(|(_, o)| *o).collect();
        orgs.sort_unstable();
        orgs.dedup();
        orgs.len()
    }

    /// Adds a professional's new involvement and says whether it makes or
    /// extends a match. A professional already involved (another signal of
    /// theirs) changes nothing; two professionals of one organisation are
    /// not a match.
    pub fn add(&mut self, user: Uuid, organisation: Uuid) -> Option<MatchKind> {
        let already = self.pairs.iter().any(|(u, _)| *u == user);
        let before = self.organisation_count();
        self.pairs.push((user, organisation));
        let after = self.organisation_count();
        match (already, before, after) {
            (true, _, _) | (_, _, 0..=1) => None,
            (false, 0..=1, _) => Some(MatchKind::New),
            (false, _, _) => Some(MatchKind::Extended),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_second_organisation_makes_a_match() {
        let mut involved = Involved::new([(id(1), id(100))]);
        assert_eq!(involved.add(id(2), id(200)), Some(MatchKind::New));
        assert_eq!(involved.organisation_count(), 2);
    }

    #[test]
    fn two_professionals_of_one_organisation_are_not_a_match() {
        let mut involved = Involved::new([(id(1), id(100))]);
        assert_eq!(involved.add(id(2), id(100)), None);
        assert_eq!(involved.organisation_count(), 1);
    }

    #[test]
    fn a_further_professional_extends_a_match() {
        let mut involved = Involved::new([(id(1), id(100)), (id(2), id(200))]);
        assert_eq!(involved.add(id(3), id(300)), Some(MatchKind::Extended));
        assert_eq!(involved.add(id(4), id(100)), Some(MatchKind::Extended));
    }

    #[test]
    fn a_second_involvement_of_the_same_professional_changes_nothing() {
        let mut involved = Involved::new([(id(1), id(100)), (id(2), id(200))]);
        assert_eq!(involved.add(id(2), id(200)), None);
        let mut alone = Involved::default();
        assert_eq!(alone.add(id(1), id(100)), None);
        assert_eq!(alone.add(id(1), id(100)), None);
    }

    #[test]
    fn end_dates_lie_after_today_and_within_two_years() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(term_end(today), NaiveDate::from_ymd_opt(2028, 11, 22).unwrap());
        assert_eq!(parse_end_date("2026-11-22", today), Err(END_DATE_PAST));
        assert!(parse_end_date("2026-11-23", today).is_ok());
        assert!(parse_end_date("2028-11-22", today).is_ok());
        assert_eq!(parse_end_date("2028-11-23", today), Err(END_DATE_TOO_FAR));
        assert_eq!(parse_end_date("morgen", today), Err(END_DATE_FORMAT));
    }

    #[test]
    fn reasons_round_trip_and_each_list_holds_only_its_own() {
        for r in EndReason::ALL {
            assert_eq!(EndReason::parse(r.as_str()), Some(r));
        }
        assert_eq!(EndReason::parse_for_registration("worry_resolved"), None);
        assert_eq!(EndReason::parse_for_signal("help_completed"), None);
        assert_eq!(EndReason::parse_for_signal("expired"), None);
        assert_eq!(EndReason::parse_for_registration("expired"), None);
        for k in SignalKind::ALL {
            assert_eq!(SignalKind::parse(k.as_str()), Some(k));
        }
    }
}
