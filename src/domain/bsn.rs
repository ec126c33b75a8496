//! The citizen service number (burgerservicenummer).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid BSN: exactly 9 digits (leading zeros kept) that pass the
/// 11-check. `Debug` and `Display` show only the last two digits, so a BSN
/// never lands in a log line by accident; [`Bsn::as_str`] gives the digits
/// to the few places that need them (the database, the form it came from).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bsn(String);

pub const BSN_REQUIRED: &str = "Vul het BSN in.";
pub const BSN_LENGTH: &str = "Een BSN bestaat uit precies 9 cijfers.";
pub const BSN_DIGITS: &str = "Een BSN bestaat alleen uit cijfers.";
pub const BSN_CHECK: &str =
    "Dit is geen geldig BSN: het voldoet niet aan de elfproef. Controleer het nummer.";

impl Bsn {
    /// Parses what a person typed: spaces and dots between the digits are
    /// ignored ("1234.56.782"), everything else must be a digit.
    pub fn parse(input: &str) -> Result<Bsn, &'static str> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .collect();
        if digits.is_empty() {
            return Err(BSN_REQUIRED);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(BSN_DIGITS);
        }
        if digits.len() != 9 {
            return Err(BSN_LENGTH);
        }
        if !passes_eleven_check(digits.as_bytes()) {
            return Err(BSN_CHECK);
        }
        Ok(Bsn(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last two digits behind asterisks, for screens that must show
    /// which BSN is meant without showing it.
    pub fn masked(&self) -> String {
        format!("*******{}", &self.0[7..])
    }
}

/// 9·d1 + 8·d2 + … + 2·d8 − 1·d9 must be divisible by 11, and the number
/// must not be all zeros.
fn passes_eleven_check(digits: &[u8]) -> bool {
    let sum: i32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let value = i32::from(d - b'0');
            let weight = if i == 8 { -1 } else { 9 - i as i32 };
            weight * value
        })
        .sum();
    sum % 11 == 0 && digits.iter().any(|d| *d != b'0')
}

impl fmt::Debug for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bsn({})", self.masked())
    }
}

impl fmt::Display for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl TryFrom<String> for Bsn {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Bsn::parse(&value)
    }
}

impl From<Bsn> for String {
    fn from(value: Bsn) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid_numbers_pass() {
        for n in ["111222333", "123456782", "999999990", "010000008"] {
            assert!(Bsn::parse(n).is_ok(), "{n} should be valid");
        }
    }

    #[test]
    fn leading_zeros_are_kept() {
        let bsn = Bsn::parse("010000008").unwrap();
        assert_eq!(bsn.as_str(), "010000008");
    }

    #[test]
    fn spaces_and_dots_between_digits_are_ignored() {
        assert_eq!(Bsn::parse(" 1234.56.782 ").unwrap().as_str(), "123456782");
        assert_eq!(Bsn::parse("123 456 782").unwrap().as_str(), "123456782");
    }

    #[test]
    fn invalid_numbers_get_a_dutch_reason() {
        assert_eq!(Bsn::parse(""), Err(BSN_REQUIRED));
        assert_eq!(Bsn::parse("12345678"), Err(BSN_LENGTH));
        assert_eq!(Bsn::parse("1234567890"), Err(BSN_LENGTH));
        assert_eq!(Bsn::parse("12345678a"), Err(BSN_DIGITS));
        assert_eq!(Bsn::parse("123456789"), Err(BSN_CHECK));
        assert_eq!(Bsn::parse("000000000"), Err(BSN_CHECK));
    }

    #[test]
    fn debug_and_display_never_show_the_number() {
        let bsn = Bsn::parse("123456782").unwrap();
        assert_eq!(format!("{bsn}"), "*******82");
        assert_eq!(format!("{bsn:?}"), "Bsn(*******82)");
        assert!(!format!("{bsn:?} {bsn} {:?}", Some(&bsn)).contains("1234567"));
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<Bsn>("\"123456782\"").is_ok());
        assert!(serde_json::from_str::<Bsn>("\"123456789\"").is_err());
    }

    /// Makes the 9th digit fit the 11-check for the first eight, if one does.
    fn complete(first8: &[u8]) -> Option<String> {
        let partial: i32 = first8
            .iter()
            .enumerate()
            .map(|(i, d)| (9 - i as i32) * i32::from(*d))
            .sum();
        let last = partial % 11;
        (last <= 9).then(|| {
            let mut s: String = first8.iter().map(|d| char::from(b'0' + d)).collect();
            s.push(char::from(b'0' + last as u8));
            s
        })
    }

    proptest! {
        #[test]
        fn every_completed_number_passes_and_round_trips(first8 in proptest::collection::vec(0u8..10, 8)) {
            if let Some(s) = complete(&first8) {
                if s != "000000000" {
                    let bsn = Bsn::parse(&s).unwrap();
                    prop_assert_eq!(bsn.as_str(), s.as_str());
                    let shown = format!("{bsn:?}{bsn}");
                    prop_assert!(!shown.contains(&s[..7]));
                }
            }
        }

        #[test]
        fn changing_one_digit_breaks_the_check(first8 in proptest::collection::vec(0u8..10, 8), pos in 0usize..9, delta in 1u8..10) {
            if let Some(s) = complete(&first8) {
                let mut bytes = s.into_bytes();
                bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
                let changed = String::from_utf8(bytes).unwrap();
                prop_assert!(Bsn::parse(&changed).is_err());
            }
        }

        #[test]
        fn any_input_parses_or_gives_a_reason_without_panicking(s in "\\PC{0,20}") {
            let _ = Bsn::parse(&s);
        }

        #[test]
        fn lengths_other_than_nine_are_refused(s in "[0-9]{1,8}|[0-9]{10,14}") {
            prop_assert_eq!(Bsn::parse(&s), Err(BSN_LENGTH));
        }
    }
}
