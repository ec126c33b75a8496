//! 1 Gezin 1 Plan: linking youths of one household, the plan and consent.
//! Only those who may see the youth (involved, or its coordinator) act on it.
// The consent form's handler takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

pub const OTHER_REQUIRED: &str = "Kies de jeugdige die bij dit gezin hoort.";
pub const OTHER_FAMILY: &str = "Deze jeugdige hoort al bij een ander gezin. Haal haar of hem daar eerst uit.";
pub const GOALS_TOO_LONG: &str = "De doelen zijn te lang (hoogstens 4000 tekens).";
pub const DATE_INVALID: &str = "Vul een geldige datum in.";
pub const WHO_REQUIRED: &str = "Vul in wie het doet (hoogstens 200 tekens).";
pub const WHAT_REQUIRED: &str = "Vul in wat er gebeurt (hoogstens 1000 tekens).";

/// Links `other` (one of the caller's youths) into the family of `youth`.
#[server(endpoint = "link_family")]
pub async fn link_family(youth: Uuid, #[server(default)] other: String) -> Result<(), AppError> {
    use crate::{
        api::respond,
        domain::family::FamilyField,
        error::FieldError,
        server::{cases::coordination, db::family::LinkRefused},
    };
    respond(async move {
        let mut act = ssr::begin(youth).await?;
        let other = Uuid::parse_str(other.trim()).ok();
        let result = match other {
            None => Err(AppError::invalid(vec![FieldError::new(
                FamilyField::Other,
                OTHER_REQUIRED,
            )])),
            Some(other) if !ssr::may_view(&mut act, other).await? => Err(AppError::NotFound),
            Some(other) => {
                let actor = act.actor();
                match coordination::link_family(act.tx(), youth, other, &actor).await? {
                    Ok(_) => Ok(()),
                    Err(LinkRefused::SameYouth) => Err(AppError::invalid(vec![FieldError::new(
                        FamilyField::Other,
                        OTHER_REQUIRED,
                    )])),
                    Err(LinkRefused::OtherFamily) => Err(AppError::invalid(vec![FieldError::new(
                        FamilyField::Other,
                        OTHER_FAMILY,
                    )])),
                }
            }
        };
        act.settle("family_link", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// Takes `youth` out of its family.
#[server(endpoint = "unlink_family")]
pub async fn unlink_family(youth: Uuid) -> Result<(), AppError> {
    use crate::{api::respond, server::db::family};
    respond(async move {
        let mut act = ssr::begin(youth).await?;
        let actor = act.actor();
        let done = family::unlink(act.tx(), youth, &actor).await?;
        let result = if done { Ok(()) } else { Err(AppError::NotFound) };
        act.settle("family_unlink", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// Writes the plan of the youth's family (or of the youth): goals, review
/// date, and whether and when the family agreed.
#[server(endpoint = "save_plan")]
pub async fn save_plan(
    youth: Uuid,
    #[server(default)] goals: String,
    #[server(default)] review_on: String,
    #[server(default)] family_agreed: Option<String>,
    #[server(default)] family_agreed_on: String,
) -> Result<(), AppError> {
    use crate::{
        api::respond,
        domain::{family::FamilyField, today},
        error::FieldError,
        server::db::family,
    };
    respond(async move {
        let mut errors = Vec::new();
        if goals.trim().chars().count() > 4000 {
            errors.push(FieldError::new(FamilyField::Goals, GOALS_TOO_LONG));
        }
        let review = ssr::optional_date(&review_on, FamilyField::ReviewOn, &mut errors);
        let agreed_on = ssr::optional_date(&family_agreed_on, FamilyField::FamilyAgreedOn, &mut errors);
        let agreed = family_agreed.is_some().then(|| agreed_on.unwrap_or_else(today));
        let mut act = ssr::begin(youth).await?;
        let result = if errors.is_empty() {
            let owner = family::owner(act.tx(), youth).await?;
            let actor = act.actor();
            family::save_plan(act.tx(), owner, &actor, goals.trim(), review, agreed).await?;
            Ok(())
        } else {
            Err(AppError::invalid(errors))
        };
        act.settle("plan_save", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// Adds "who does what, by when" to the plan.
#[server(endpoint = "add_agreement")]
pub async fn add_agreement(
    youth: Uuid,
    #[server(default)] who: String,
    #[server(default)] what: String,
    #[server(default)] due_on: String,
) -> Result<(), AppError> {
    use crate::{
        api::coordination::required_text, api::respond, domain::family::FamilyField, error::FieldError,
        server::db::family,
    };
    respond(async move {
        let mut errors = Vec::new();
        let who = required_text(&who, 200)
            .ok_or(())
            .map_err(|_| errors.push(FieldError::new(FamilyField::Who, WHO_REQUIRED)));
        let what = required_text(&what, 1000)
            .ok_or(())
            .map_err(|_| errors.push(FieldError::new(FamilyField::AgreementWhat, WHAT_REQUIRED)));
        let due = ssr::optional_date(&due_on, FamilyField::DueOn, &mut errors);
        let mut act = ssr::begin(youth).await?;
        let result = match (who, what) {
            (Ok(who), Ok(what)) if errors.is_empty() => {
                let owner = family::owner(act.tx(), youth).await?;
                let actor = act.actor();
                family::add_agreement(act.tx(), owner, &actor, &who, &what, due).await?;
                Ok(())
            }
            _ => Err(AppError::invalid(errors)),
        };
        act.settle("plan_save", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// Removes an agreement from the plan.
#[server(endpoint = "remove_agreement")]
pub async fn remove_agreement(youth: Uuid, id: Uuid) -> Result<(), AppError> {
    use crate::{api::respond, server::db::family};
    respond(async move {
        let mut act = ssr::begin(youth).await?;
        let owner = family::owner(act.tx(), youth).await?;
        let done = family::remove_agreement(act.tx(), owner, id).await?;
        let result = if done { Ok(()) } else { Err(AppError::NotFound) };
        act.settle(
            "plan_save",
            "youth",
            vec![youth.to_string(), id.to_string()],
            result,
        )
        .await
    })
    .await
}

/// Records consent (`kind` "gegeven"), or that the family was not informed
/// because that would be unsafe (`kind` "niet_geinformeerd", with a justification).
#[server(endpoint = "record_consent")]
pub async fn record_consent(
    youth: Uuid,
    #[server(default)] kind: String,
    #[server(default)] given_by: String,
    #[server(default)] what: String,
    #[server(default)] with_whom: String,
    #[server(default)] valid_from: String,
    #[server(default)] valid_until: String,
    #[server(default)] justification: String,
) -> Result<(), AppError> {
    use crate::{
        api::respond,
        domain::{
            family::{check_consent, FamilyField},
            youth::parse_iso_date,
        },
        error::FieldError,
        server::db::family::{self, NewConsent},
    };
    respond(async move {
        let given = kind != "niet_geinformeerd";
        let from = parse_iso_date(&valid_from);
        let mut errors = Vec::new();
        let until = ssr::optional_date(&valid_until, FamilyField::ValidUntil, &mut errors);
        errors.extend(check_consent(
            given,
            &given_by,
            &what,
            &with_whom,
            from,
            until,
            &justification,
        ));
        if kind != "gegeven" && kind != "niet_geinformeerd" {
            errors.push(FieldError::new(
                FamilyField::ConsentKind,
                "Kies of er toestemming is, of dat het gezin niet is geïnformeerd.",
            ));
        }
        let mut act = ssr::begin(youth).await?;
        let result = match from {
            Some(valid_from) if errors.is_empty() => {
                let owner = family::owner(act.tx(), youth).await?;
                let actor = act.actor();
                let c = NewConsent {
                    given,
                    given_by: if given { given_by } else { String::new() },
                    what: if given { what } else { String::new() },
                    with_whom: if given { with_whom } else { String::new() },
                    valid_from,
                    valid_until: until,
                    justification: if given { String::new() } else { justification },
                };
                family::record_consent(act.tx(), owner, &actor, &c).await?;
                Ok(())
            }
            _ => Err(AppError::invalid(errors)),
        };
        act.settle("consent_record", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// Marks a consent withdrawn.
#[server(endpoint = "withdraw_consent")]
pub async fn withdraw_consent(youth: Uuid, id: Uuid) -> Result<(), AppError> {
    use crate::{api::respond, server::db::family};
    respond(async move {
        let mut act = ssr::begin(youth).await?;
        let owner = family::owner(act.tx(), youth).await?;
        let done = family::withdraw_consent(act.tx(), owner, id).await?;
        let result = if done { Ok(()) } else { Err(AppError::NotFound) };
        act.settle(
            "consent_withdraw",
            "youth",
            vec![youth.to_string(), id.to_string()],
            result,
        )
        .await
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::{
        api::act::Act,
        domain::{family::FamilyField, role::Role, youth::parse_iso_date},
        error::FieldError,
        server::db::coordination::read,
    };
    use chrono::NaiveDate;

    /// The caller, who must be able to see `youth` (else "not found", audited).
    pub async fn begin(youth: Uuid) -> Result<Act, AppError> {
        let mut act = Act::begin(&[Role::Professional, Role::Coordinator]).await?;
        if may_view(&mut act, youth).await? {
            Ok(act)
        } else {
            act.settle::<Act>(
                "youth_view",
                "youth",
                vec![youth.to_string()],
                Err(AppError::NotFound),
            )
            .await
        }
    }

    pub async fn may_view(act: &mut Act, youth: Uuid) -> Result<bool, AppError> {
        let actor = act.actor();
        Ok(read::may_view(act.tx(), youth, &actor).await?)
    }

    /// An optional date field: empty is none; anything else must be a date.
    pub fn optional_date(input: &str, field: FamilyField, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
        if input.trim().is_empty() {
            return None;
        }
        let d = parse_iso_date(input.trim());
        if d.is_none() {
            errors.push(FieldError::new(field, DATE_INVALID));
        }
        d
    }
}
