use serde::{Deserialize, Serialize};
use std::fmt;

/// An e-mail address, trimmed and lower-cased. Checked loosely (one `@`,
/// something on both sides, a dot in the domain): the mail server is the
/// judge of deliverability.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err("Vul je e-mailadres in.");
        }
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.");
        }
        match s.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.') =>
            {
                Ok(Email(s))
            }
            _ => Err("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Anna@GGD.example ").unwrap().as_str(),
            "anna@ggd.example"
        );
    }

    #[test]
    fn malformed_addresses_are_refused_in_dutch() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@ggd.nl",
            "anna@ggd",
            "a b@ggd.nl",
            "a@b@c.nl",
            "a@.nl",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert!(err.starts_with("Vul"), "{bad}: {err}");
        }
    }
}
