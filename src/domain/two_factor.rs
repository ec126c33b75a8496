//! The rules of two-factor log-in that the browser and the server share:
//! who needs a second factor, what a typed code may look like, base32 for
//! the secret, and the rules for a new password.

use super::role::Role;
use crate::{error::FieldError, form_fields};

form_fields! {
    /// The account's forms: the second step's code, the password change,
    /// switching the app off, new recovery codes and another app in place
    /// of the current one (each of which asks the password; switching off
    /// and replacing also a code), and the region's choice that everyone
    /// needs an app.
    pub enum AccountField {
        Code = "code",
        Current = "current",
        NewPassword = "new_password",
        Repeat = "repeat",
        PasswordToSwitchOff = "wachtwoord_uit",
        CodeToSwitchOff = "code_uit",
        PasswordForCodes = "wachtwoord_codes",
        PasswordToReplace = "wachtwoord_vervangen",
        CodeToReplace = "code_vervangen",
        ForEveryone = "iedereen",
    }
}
use serde::{Deserialize, Serialize};

/// Digits of a time-based code (RFC 6238's default, and every app's).
pub const DIGITS: usize = 6;
/// Seconds per code.
pub const STEP_SECS: i64 = 30;
/// How many recovery codes a user gets at a time.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code, without its dashes: 12 base32 characters,
/// 60 random bits.
pub const RECOVERY_LEN: usize = 12;
/// Shortest new password (ASVS 2.1.1 asks for at least 12).
pub const MIN_PASSWORD_LEN: usize = 12;

/// What the log-in still needs after a correct password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStep {
    /// Logged in.
    Done,
    /// The code from the user's app (or a recovery code).
    Code,
    /// The user must set up an app first.
    Enrol,
}

impl LoginStep {
    /// The stage stored with a session.
    pub fn stage(self) -> &'static str {
        match self {
            LoginStep::Done => "full",
            LoginStep::Code => "code",
            LoginStep::Enrol => "enrol",
        }
    }

    pub fn from_stage(s: &str) -> Option<LoginStep> {
        [LoginStep::Done, LoginStep::Code, LoginStep::Enrol]
            .into_iter()
            .find(|step| step.stage() == s)
    }

    /// The page that takes the user on from here.
    pub fn path(self) -> &'static str {
        match self {
            LoginStep::Done => "/",
            LoginStep::Code => "/inloggen/code",
            LoginStep::Enrol => "/inloggen/tweestaps",
        }
    }
}

/// An app being set up: the secret to type (in groups of four) and its
/// QR code (an SVG made on the server from our own data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setup {
    pub secret: String,
    pub qr_svg: String,
    /// True when this set-up finishes a log-in (the user must have an app).
    pub at_login: bool,
    /// True when a logged-in user puts another app in place of theirs: the
    /// confirmation then asks the password and a code of the current app.
    #[serde(default)]
    pub replacing: bool,
}

/// The account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub email: String,
    pub has_app: bool,
    /// The user must keep a second factor (role or region).
    pub required: bool,
    pub codes_left: i64,
}

/// Must this user have a second factor? Region admins and municipality
/// analysts always; everyone else when their region asks it. The demo's
/// accounts are exempt.
pub fn required(roles: &[Role], region_requires_all: bool, exempt: bool) -> bool {
    !exempt
        && (region_requires_all
            || roles
                .iter()
                .any(|r| matches!(r, Role::RegionAdmin | Role::MunicipalityAnalyst)))
}

/// The step after a correct password.
pub fn step_after_password(has_app: bool, required: bool) -> LoginStep {
    if has_app {
        LoginStep::Code
    } else if required {
        LoginStep::Enrol
    } else {
        LoginStep::Done
    }
}

/// A code as typed at the second step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeInput {
    /// Six digits from the app.
    Totp(u32),
    /// A recovery code, upper-cased and without dashes or spaces.
    Recovery(String),
}

impl CodeInput {
    /// Reads `input` (spaces and dashes are ignored).
    pub fn parse(input: &str) -> Result<CodeInput, FieldError> {
        let field = AccountField::Code;
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "Vul de code uit je app in."));
        }
        if s.len() == DIGITS && s.chars().all(|c| c.is_ascii_digit()) {
            return s
                .parse()
                .map(CodeInput::Totp)
                .map_err(|_| FieldError::new(field, "Vul de code uit je app in."));
        }
        if s.len() == RECOVERY_LEN && s.chars().all(|c| ALPHABET.contains(&(c as u8))) {
            return Ok(CodeInput::Recovery(s));
        }
        Err(FieldError::new(
            field,
            "Vul de 6 cijfers uit je app in, of een herstelcode (12 tekens).",
        ))
    }
}

/// Checks a password change as typed; the same code runs in the browser
/// and on the server (which also checks the current password).
pub fn check_new_password(current: &str, new: &str, repeat: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if current.is_empty() {
        errors.push(FieldError::new(
            AccountField::Current,
            "Vul je huidige wachtwoord in.",
        ));
    }
    let chars = new.chars().count();
    if new.is_empty() {
        errors.push(FieldError::new(
            AccountField::NewPassword,
            "Vul een nieuw wachtwoord in.",
        ));
    } else if chars < MIN_PASSWORD_LEN {
        errors.push(FieldError::new(
            AccountField::NewPassword,
            format!("Een wachtwoord heeft minstens {MIN_PASSWORD_LEN} tekens."),
        ));
    } else if new.len() > super::login::MAX_PASSWORD_LEN {
        errors.push(FieldError::new(
            AccountField::NewPassword,
            "Dit wachtwoord is te lang.",
        ));
    } else if new == current {
        errors.push(FieldError::new(
            AccountField::NewPassword,
            "Kies een ander wachtwoord dan je huidige.",
        ));
    }
    if !new.is_empty() && repeat != new {
        errors.push(FieldError::new(
            AccountField::Repeat,
            "De twee nieuwe wachtwoorden zijn niet gelijk.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps read secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Groups a secret or recovery code in fours for reading aloud or typing.
pub fn grouped(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A recovery code as shown: three groups of four joined by dashes.
pub fn recovery_display(code: &str) -> String {
    grouped(code).replace(' ', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648_test_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(input.as_bytes()), expected, "{input}");
        }
        // The RFC 6238 test secret, as apps are given it.
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
    }

    #[test]
    fn admins_and_analysts_always_need_a_second_factor_others_when_the_region_asks() {
        assert!(required(&[Role::RegionAdmin], false, false));
        assert!(required(
            &[Role::Professional, Role::MunicipalityAnalyst],
            false,
            false
        ));
        assert!(!required(&[Role::Professional, Role::Coordinator], false, false));
        assert!(required(&[Role::Professional], true, false));
        assert!(
            !required(&[Role::RegionAdmin], true, true),
            "the demo's accounts are exempt"
        );
    }

    #[test]
    fn the_step_after_the_password_depends_on_the_app_and_the_requirement() {
        assert_eq!(step_after_password(true, false), LoginStep::Code);
        assert_eq!(step_after_password(true, true), LoginStep::Code);
        assert_eq!(step_after_password(false, true), LoginStep::Enrol);
        assert_eq!(step_after_password(false, false), LoginStep::Done);
        for step in [LoginStep::Done, LoginStep::Code, LoginStep::Enrol] {
            assert_eq!(LoginStep::from_stage(step.stage()), Some(step));
        }
        assert_eq!(LoginStep::from_stage("half"), None);
    }

    #[test]
    fn codes_are_read_with_spaces_and_dashes_and_anything_else_gets_a_dutch_message() {
        assert_eq!(CodeInput::parse(" 123 456 "), Ok(CodeInput::Totp(123456)));
        assert_eq!(CodeInput::parse("012345"), Ok(CodeInput::Totp(12345)));
        assert_eq!(
            CodeInput::parse("abcd-efgh-2345"),
            Ok(CodeInput::Recovery("ABCDEFGH2345".into()))
        );
        assert_eq!(
            CodeInput::parse("").unwrap_err().message,
            "Vul de code uit je app in."
        );
        for bad in ["12345", "1234567", "12a456", "ABCD-EFGH-2341", "<script>"] {
            let e = CodeInput::parse(bad).unwrap_err();
            assert_eq!(e.field, "code");
            assert!(e.message.contains("6 cijfers"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn a_new_password_is_long_enough_repeated_and_not_the_old_one() {
        assert!(check_new_password(
            "oud-wachtwoord",
            "een lang nieuw wachtwoord",
            "een lang nieuw wachtwoord"
        )
        .is_ok());
        let fields =
            |r: Result<(), Vec<FieldError>>| r.unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(check_new_password("", "", "")),
            ["current", "new_password"]
        );
        assert_eq!(fields(check_new_password("x", "kort", "kort")), ["new_password"]);
        assert_eq!(
            fields(check_new_password(
                "hetzelfde-wachtwoord",
                "hetzelfde-wachtwoord",
                "hetzelfde-wachtwoord"
            )),
            ["new_password"]
        );
        assert_eq!(
            fields(check_new_password("x", "een lang nieuw wachtwoord", "anders")),
            ["repeat"]
        );
    }

    #[test]
    fn recovery_codes_are_shown_in_groups_of_four() {
        assert_eq!(recovery_display("ABCDEFGH2345"), "ABCD-EFGH-2345");
        assert_eq!(grouped("GEZDGNBVGY"), "GEZD GNBV GY");
    }
}
