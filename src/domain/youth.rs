//! A youth (jeugdige) as typed into the registration and signal forms.

use super::bsn::Bsn;
use crate::{error::FieldError, form_fields};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

form_fields! {
    /// The fields of the registration and signal forms, of the API's JSON
    /// and of the bulk import's columns: the youth, then what the
    /// registration or signal adds.
    pub enum ChainField {
        Bsn = "bsn",
        GivenNames = "given_names",
        Prefix = "prefix",
        FamilyName = "family_name",
        BirthDate = "birth_date",
        MunicipalityCode = "municipality_code",
        Kind = "kind",
        EndDate = "end_date",
        ProfessionalEmail = "professional_email",
        ExternalRef = "external_ref",
    }
}

/// The oldest a youth may be: registrations and signals are for 0–22.
pub const MAX_AGE: u32 = 22;

/// What the forms and the API send, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YouthForm {
    pub bsn: String,
    pub given_names: String,
    #[serde(default)]
    pub prefix: String,
    pub family_name: String,
    /// YYYY-MM-DD, as an `<input type="date">` sends it.
    pub birth_date: String,
    pub municipality_code: String,
}

/// A validated youth.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Youth {
    pub bsn: Bsn,
    pub given_names: String,
    pub prefix: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub municipality_code: String,
}

impl std::fmt::Debug for Youth {
    /// Personal data stays out of logs: only the masked BSN is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Youth")
            .field("bsn", &self.bsn)
            .finish_non_exhaustive()
    }
}

impl Youth {
    /// "Jan de Vries": given names, prefix and family name.
    pub fn full_name(&self) -> String {
        full_name(&self.given_names, &self.prefix, &self.family_name)
    }

    /// True when the stored youth is evidently someone else than the one
    /// typed: another name or date of birth. Case and spacing do not count.
    pub fn differs_from(&self, other: &Youth) -> bool {
        fn norm(s: &str) -> String {
            s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
        }
        self.birth_date != other.birth_date
            || norm(&self.given_names) != norm(&other.given_names)
            || norm(&self.prefix) != norm(&other.prefix)
            || norm(&self.family_name) != norm(&other.family_name)
    }
}

pub fn full_name(given_names: &str, prefix: &str, family_name: &str) -> String {
    [given_names, prefix, family_name]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub const GIVEN_NAMES_REQUIRED: &str = "Vul de voornaam of voornamen in.";
pub const FAMILY_NAME_REQUIRED: &str = "Vul de achternaam in.";
pub const NAME_TOO_LONG: &str = "Dit veld mag hoogstens 100 tekens bevatten.";
pub const PREFIX_TOO_LONG: &str = "Een tussenvoegsel heeft hoogstens 20 tekens.";
pub const NAME_CONTROL: &str = "Dit veld bevat tekens die niet in een naam horen.";
pub const BIRTH_DATE_REQUIRED: &str = "Vul de geboortedatum in.";
pub const BIRTH_DATE_FORMAT: &str =
    "Vul de geboortedatum in als dag, maand en jaar (bijvoorbeeld 2012-03-31).";
pub const BIRTH_DATE_FUTURE: &str = "De geboortedatum ligt in de toekomst.";
pub const TOO_OLD: &str =
    "Deze jeugdige is 23 jaar of ouder. Zorgsignaal is alleen voor jeugdigen tot 23 jaar.";
pub const MUNICIPALITY_REQUIRED: &str = "Kies de woongemeente.";
pub const MUNICIPALITY_FORMAT: &str = "Kies een gemeente uit de lijst.";

fn name(
    input: &str,
    required: &'static str,
    max: usize,
    too_long: &'static str,
) -> Result<String, &'static str> {
    let value = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() && !required.is_empty() {
        return Err(required);
    }
    if value.chars().count() > max {
        return Err(too_long);
    }
    if value.chars().any(char::is_control) {
        return Err(NAME_CONTROL);
    }
    Ok(value)
}

pub fn parse_given_names(input: &str) -> Result<String, &'static str> {
    name(input, GIVEN_NAMES_REQUIRED, 100, NAME_TOO_LONG)
}

pub fn parse_prefix(input: &str) -> Result<String, &'static str> {
    name(input, "", 20, PREFIX_TOO_LONG)
}

pub fn parse_family_name(input: &str) -> Result<String, &'static str> {
    name(input, FAMILY_NAME_REQUIRED, 100, NAME_TOO_LONG)
}

/// A date as YYYY-MM-DD (what `<input type="date">` sends). Small and
/// strict, so the browser build carries no date-format machinery.
pub fn parse_iso_date(input: &str) -> Option<NaiveDate> {
    let mut parts = input.trim().splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The day the youth turns 23: from then on, their data is removed.
pub fn twenty_third_birthday(birth: NaiveDate) -> NaiveDate {
    birth
        .checked_add_months(Months::new(12 * (MAX_AGE + 1)))
        .unwrap_or(NaiveDate::MAX)
}

/// A date of birth that makes the youth 0–22 on `today`.
pub fn parse_birth_date(input: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    if input.trim().is_empty() {
        return Err(BIRTH_DATE_REQUIRED);
    }
    let date = parse_iso_date(input).ok_or(BIRTH_DATE_FORMAT)?;
    if date > today {
        return Err(BIRTH_DATE_FUTURE);
    }
    if age_on(date, today) > MAX_AGE as i32 {
        return Err(TOO_OLD);
    }
    Ok(date)
}

/// A CBS municipality code such as GM0014.
pub fn parse_municipality_code(input: &str) -> Result<String, &'static str> {
    let code = input.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(MUNICIPALITY_REQUIRED);
    }
    let ok = code.len() == 6 && code.starts_with("GM") && code[2..].bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(code)
    } else {
        Err(MUNICIPALITY_FORMAT)
    }
}

/// The message for one field of the form, or `None` when it is fine. The
/// forms call this as you type; [`YouthForm::validate`] runs the same code.
pub fn check_field(field: ChainField, value: &str, today: NaiveDate) -> Option<&'static str> {
    match field {
        ChainField::Bsn => Bsn::parse(value).err(),
        ChainField::GivenNames => parse_given_names(value).err(),
        ChainField::Prefix => parse_prefix(value).err(),
        ChainField::FamilyName => parse_family_name(value).err(),
        ChainField::BirthDate => parse_birth_date(value, today).err(),
        ChainField::MunicipalityCode => parse_municipality_code(value).err(),
        _ => None,
    }
}

impl YouthForm {
    /// Every field checked; all messages at once.
    pub fn validate(&self, today: NaiveDate) -> Result<Youth, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut take = |field: ChainField, r: Result<(), &'static str>| {
            if let Err(m) = r {
                errors.push(FieldError::new(field, m));
            }
        };
        let bsn = Bsn::parse(&self.bsn);
        take(ChainField::Bsn, bsn.as_ref().map(|_| ()).map_err(|e| *e));
        let given = parse_given_names(&self.given_names);
        take(ChainField::GivenNames, given.as_ref().map(|_| ()).map_err(|e| *e));
        let prefix = parse_prefix(&self.prefix);
        take(ChainField::Prefix, prefix.as_ref().map(|_| ()).map_err(|e| *e));
        let family = parse_family_name(&self.family_name);
        take(
            ChainField::FamilyName,
            family.as_ref().map(|_| ()).map_err(|e| *e),
        );
        let birth = parse_birth_date(&self.birth_date, today);
        take(ChainField::BirthDate, birth.map(|_| ()));
        let municipality = parse_municipality_code(&self.municipality_code);
        take(
            ChainField::MunicipalityCode,
            municipality.as_ref().map(|_| ()).map_err(|e| *e),
        );
        match (bsn, given, prefix, family, birth, municipality) {
            (
                Ok(bsn),
                Ok(given_names),
                Ok(prefix),
                Ok(family_name),
                Ok(birth_date),
                Ok(municipality_code),
            ) => Ok(Youth {
                bsn,
                given_names,
                prefix,
                family_name,
                birth_date,
                municipality_code,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_iso_date(s).unwrap()
    }

    #[test]
    fn a_youth_of_22_years_and_364_days_is_accepted() {
        let today = d("2026-11-22");
        assert_eq!(parse_birth_date("2003-11-23", today), Ok(d("2003-11-23")));
    }

    #[test]
    fn on_the_23rd_birthday_the_youth_is_too_old() {
        let today = d("2026-11-22");
        assert_eq!(parse_birth_date("2003-11-22", today), Err(TOO_OLD));
        assert_eq!(twenty_third_birthday(d("2003-11-22")), today);
    }

    #[test]
    fn born_tomorrow_is_refused_and_born_today_accepted() {
        let today = d("2026-11-22");
        assert_eq!(parse_birth_date("2026-11-23", today), Err(BIRTH_DATE_FUTURE));
        assert_eq!(parse_birth_date("2026-11-22", today), Ok(today));
    }

    #[test]
    fn a_leap_day_child_turns_a_year_older_on_the_first_of_march() {
        let birth = d("2004-02-29");
        assert_eq!(age_on(birth, d("2027-02-28")), 22);
        assert_eq!(age_on(birth, d("2027-03-01")), 23);
        assert_eq!(twenty_third_birthday(birth), d("2027-02-28"));
    }

    #[test]
    fn dates_must_be_year_month_day() {
        assert_eq!(parse_iso_date("2012-03-31"), Some(d("2012-03-31")));
        for bad in [
            "31-03-2012",
            "2012-3-31",
            "2012-02-30",
            "",
            "2012-03-31x",
            "２０１２-03-31",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_form_reports_every_bad_field_at_once() {
        let form = YouthForm {
            bsn: "123456789".into(),
            given_names: " ".into(),
            prefix: "".into(),
            family_name: "Vries".into(),
            birth_date: "2000-01-01".into(),
            municipality_code: "Groningen".into(),
        };
        let errors = form.validate(d("2026-11-22")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["bsn", "given_names", "birth_date", "municipality_code"]);
    }

    #[test]
    fn a_good_form_becomes_a_youth_with_tidy_names() {
        let form = YouthForm {
            bsn: "123456782".into(),
            given_names: "  Jan   Pieter ".into(),
            prefix: "de".into(),
            family_name: "Vries".into(),
            birth_date: "2012-03-31".into(),
            municipality_code: "gm0014".into(),
        };
        let youth = form.validate(d("2026-11-22")).unwrap();
        assert_eq!(youth.full_name(), "Jan Pieter de Vries");
        assert_eq!(youth.municipality_code, "GM0014");
        assert!(!format!("{youth:?}").contains("Jan"));
    }

    #[test]
    fn names_are_compared_without_case_or_spacing() {
        let form = |given: &str, birth: &str| YouthForm {
            bsn: "123456782".into(),
            given_names: given.into(),
            prefix: String::new(),
            family_name: "Vries".into(),
            birth_date: birth.into(),
            municipality_code: "GM0014".into(),
        };
        let today = d("2026-11-22");
        let a = form("Jan", "2012-03-31").validate(today).unwrap();
        assert!(!a.differs_from(&form("jan ", "2012-03-31").validate(today).unwrap()));
        assert!(a.differs_from(&form("Piet", "2012-03-31").validate(today).unwrap()));
        assert!(a.differs_from(&form("Jan", "2012-04-01").validate(today).unwrap()));
    }

    #[test]
    fn control_characters_are_not_names_but_anything_printable_is() {
        // Anything printable is a name (it is shown escaped); control characters are not.
        assert_eq!(parse_family_name("<b>'; --"), Ok("<b>'; --".into()));
        assert_eq!(parse_family_name("a\u{0}b"), Err(NAME_CONTROL));
        assert_eq!(
            parse_family_name("O'Brien-van Dijk"),
            Ok("O'Brien-van Dijk".into())
        );
    }

    proptest! {
        #[test]
        fn the_age_rule_matches_the_23rd_birthday(days in 0i64..(30 * 366), today_offset in 0i64..3000) {
            let today = d("2020-01-01") + chrono::Duration::days(today_offset);
            let birth = today - chrono::Duration::days(days);
            let accepted = parse_birth_date(&birth.format("%Y-%m-%d").to_string(), today).is_ok();
            prop_assert_eq!(accepted, today < twenty_third_birthday(birth));
        }
    }
}
