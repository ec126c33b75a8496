use super::email::Email;
use crate::{error::FieldError, form_fields};

form_fields! {
    /// The log-in form.
    pub enum LoginField {
        Email = "email",
        Password = "password",
    }
}

/// The most characters a password may have: Argon2 accepts more, but nobody
/// types this much and it bounds the hashing cost of a hostile request.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// A log-in attempt that passed the form checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginInput {
    pub email: Email,
    pub password: String,
}

impl LoginInput {
    /// Checks the form; the same code runs as the user types and on the server.
    pub fn parse(email: &str, password: &str) -> Result<LoginInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = match Email::parse(email) {
            Ok(e) => Some(e),
            Err(msg) => {
                errors.push(FieldError::new(LoginField::Email, msg));
                None
            }
        };
        if password.is_empty() {
            errors.push(FieldError::new(LoginField::Password, "Vul je wachtwoord in."));
        } else if password.len() > MAX_PASSWORD_LEN {
            errors.push(FieldError::new(
                LoginField::Password,
                "Dit wachtwoord is te lang.",
            ));
        }
        match email {
            Some(email) if errors.is_empty() => Ok(LoginInput {
                email,
                password: password.to_string(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_form_parses() {
        let input = LoginInput::parse("Anna@GGD.example", "demo-wachtwoord").unwrap();
        assert_eq!(input.email.as_str(), "anna@ggd.example");
    }

    #[test]
    fn every_missing_field_gets_its_own_dutch_message() {
        let errors = LoginInput::parse("", "").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password"]);
        assert_eq!(errors[1].message, "Vul je wachtwoord in.");
    }

    #[test]
    fn an_absurdly_long_password_is_refused_before_hashing() {
        let long = "x".repeat(MAX_PASSWORD_LEN + 1);
        let errors = LoginInput::parse("a@b.nl", &long).unwrap_err();
        assert_eq!(errors[0].field, "password");
    }
}
