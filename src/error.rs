//! The one error type of the application, shared by browser and server.
//!
//! Every variant maps to an HTTP status and carries only what the user may
//! read. Internal causes are logged on the server (see `server::errors`) and
//! replaced by a reference before anything leaves the process.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// One field of one form (or of the API's JSON). Every form has an enum
/// of its fields ([`form_fields!`](crate::form_fields)), so a message, an
/// echoed value and the field it belongs to are named by a variant, never
/// by a string typed twice.
pub trait FormField: Copy + std::fmt::Debug {
    /// The field's name in the form's HTML, the server function's
    /// parameters and the API's JSON.
    fn name(self) -> &'static str;
}

/// The name of field `name` in the form of row `row`, for a form repeated
/// per row (one per registration, one per municipality): "naam-GM0014".
pub fn row_name(name: &str, row: impl std::fmt::Display) -> String {
    format!("{name}-{row}")
}

/// Declares a form's fields: an enum, each variant with its name on the
/// wire, and its [`FormField`] implementation.
#[macro_export]
macro_rules! form_fields {
    ($(#[$meta:meta])* $vis:vis enum $form:ident { $($(#[$vmeta:meta])* $field:ident = $name:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $form {
            $($(#[$vmeta])* $field),*
        }

        #[allow(dead_code)]
        impl $form {
            /// Every field of the form.
            pub const ALL: &'static [$form] = &[$($form::$field),*];

            /// The field's name on the wire (see `FormField::name`).
            pub const fn name(self) -> &'static str {
                match self {
                    $($form::$field => $name),*
                }
            }

            /// The field's name in the form of row `row` (see `row_name`).
            pub fn of_row(self, row: impl ::std::fmt::Display) -> String {
                $crate::error::row_name(self.name(), row)
            }
        }

        impl $crate::error::FormField for $form {
            fn name(self) -> &'static str {
                $form::name(self)
            }
        }
    };
}

form_fields! {
    /// What any form has: the form as a whole (it could not be read), and
    /// the draft a form posted without JavaScript keeps what was typed in.
    pub enum AnyForm {
        Whole = "form",
        Draft = "draft",
    }
}

/// A validation message for one form field, in Dutch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl FormField, message: impl Into<String>) -> Self {
        Self {
            field: field.name().to_string(),
            message: message.into(),
        }
    }

    /// For a form repeated per row (one per registration, one per
    /// municipality): the field of row `row` ("end_date-<id>").
    pub fn of_row(field: impl FormField, row: impl std::fmt::Display, message: impl Into<String>) -> Self {
        Self {
            field: row_name(field.name(), row),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// 401: no (valid) session.
    #[error("Je bent niet (meer) ingelogd. Log opnieuw in.")]
    Unauthenticated,
    /// 403: logged in, but this role or organisation may not do this.
    #[error("Je hebt geen toegang tot deze functie.")]
    Forbidden,
    /// 404: does not exist, or the user may not know that it exists.
    #[error("Niet gevonden.")]
    NotFound,
    /// 422: input that does not pass validation; messages per field.
    /// `values` echoes what the user typed (never secrets) so that a form
    /// posted without JavaScript can be shown again as it was.
    #[error("Controleer de gemarkeerde velden.")]
    Invalid {
        fields: Vec<FieldError>,
        values: Vec<(String, String)>,
    },
    /// 401 at log-in; the same message for an unknown e-mail and a wrong password.
    #[error("Het e-mailadres of het wachtwoord is onjuist.")]
    InvalidCredentials { email: String },
    /// 429: too many failed log-ins for this account or address.
    #[error(
        "Te veel mislukte inlogpogingen. Dit account is tijdelijk geblokkeerd; probeer het over {minutes} minuten opnieuw."
    )]
    Locked { minutes: i64, email: String },
    /// 403: a write that did not come from our own pages.
    #[error("Dit verzoek komt niet van Zorgsignaal zelf en is geweigerd.")]
    CrossSite,
    /// 500: something broke; the cause is in the server log under this reference.
    #[error("Er ging iets mis aan onze kant. Probeer het later opnieuw. Referentie: {reference}")]
    Internal { reference: String },
    /// 503: the database cannot be reached for a moment (restarting, no
    /// free connection); try again shortly. Logged under this reference.
    #[error("Zorgsignaal kan even niet bij zijn gegevens. Probeer het over een minuut opnieuw. Referentie: {reference}")]
    Unavailable { reference: String },
    /// The browser could not reach the server or understand its answer.
    #[error("De server is niet bereikbaar. Controleer je verbinding en probeer het opnieuw.")]
    Transport(String),
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials { .. } => 401,
            AppError::Forbidden | AppError::CrossSite => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } => 422,
            AppError::Locked { .. } => 429,
            AppError::Internal { .. } => 500,
            AppError::Unavailable { .. } => 503,
            AppError::Transport(_) => 502,
        }
    }

    /// A validation error without echoed values.
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        AppError::Invalid {
            fields,
            values: Vec::new(),
        }
    }

    /// The message for `field`, if this error has one.
    pub fn field_message(&self, field: impl FormField) -> Option<String> {
        self.message_named(field.name())
    }

    /// The message for `field` of row `row` (see [`FieldError::of_row`]).
    pub fn row_message(&self, field: impl FormField, row: impl std::fmt::Display) -> Option<String> {
        self.message_named(&row_name(field.name(), row))
    }

    fn message_named(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid { fields, .. } => {
                fields.iter().find(|f| f.field == name).map(|f| f.message.clone())
            }
            _ => None,
        }
    }

    /// What the user typed in `field`, as echoed back by the server.
    pub fn echoed(&self, field: impl FormField) -> Option<String> {
        self.echoed_named(field.name())
    }

    /// What the user typed in `field` of row `row`.
    pub fn echoed_row(&self, field: impl FormField, row: impl std::fmt::Display) -> Option<String> {
        self.echoed_named(&row_name(field.name(), row))
    }

    fn echoed_named(&self, name: &str) -> Option<String> {
        match self {
            AppError::Invalid { values, .. } => {
                values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
            }
            // A failed log-in keeps the address typed.
            AppError::InvalidCredentials { email } | AppError::Locked { email, .. } if name == "email" => {
                Some(email.clone())
            }
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments that do not decode are bad input from the client.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::invalid(vec![FieldError::new(
                    AnyForm::Whole,
                    "Het formulier kon niet worden gelezen. Vul het opnieuw in.",
                )])
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_its_http_status() {
        assert_eq!(AppError::Unauthenticated.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::invalid(vec![]).status(), 422);
        assert_eq!(
            AppError::Locked {
                minutes: 15,
                email: String::new()
            }
            .status(),
            429
        );
        assert_eq!(
            AppError::Internal {
                reference: "x".into()
            }
            .status(),
            500
        );
    }

    #[test]
    fn an_internal_error_shows_only_its_reference() {
        let e = AppError::Internal {
            reference: "ZS-1234".into(),
        };
        let text = e.to_string();
        assert!(text.contains("ZS-1234"));
        assert!(text.starts_with("Er ging iets mis"));
    }

    #[test]
    fn field_messages_and_echoed_values_are_found_by_field_name() {
        use crate::domain::login::LoginField;
        let e = AppError::Invalid {
            fields: vec![FieldError::new(LoginField::Email, "Vul je e-mailadres in.")],
            values: vec![("email".into(), "a@b".into())],
        };
        assert_eq!(
            e.field_message(LoginField::Email).as_deref(),
            Some("Vul je e-mailadres in.")
        );
        assert_eq!(e.field_message(LoginField::Password), None);
        assert_eq!(e.echoed(LoginField::Email).as_deref(), Some("a@b"));
    }

    #[test]
    fn a_wrong_password_and_an_unknown_email_read_the_same() {
        let a = AppError::InvalidCredentials { email: "a@x".into() };
        let b = AppError::InvalidCredentials { email: "b@y".into() };
        assert_eq!(a.to_string(), b.to_string());
    }
}
