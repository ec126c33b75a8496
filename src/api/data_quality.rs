//! The region admin's data-quality list: a BSN typed with another name or
//! date of birth than stored, and the admin's resolution of each.

use crate::{domain::data_quality::Mismatch, error::AppError, form_fields};
use leptos::prelude::*;
use uuid::Uuid;

form_fields! {
    /// The decision on one mismatch (one form per mismatch; the field of
    /// row `youth-organisation` is named "decision-<row>").
    pub enum MismatchField {
        Decision = "decision",
    }
}

/// The open mismatches of the admin's region, the oldest first. Every look
/// is audited with the youths it showed.
#[server(endpoint = "mismatches")]
pub async fn mismatches() -> Result<Vec<Mismatch>, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role, server::db::youths::versions};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let rows = versions::open_in_region(act.tx(), region).await?;
        let ids = rows.iter().map(|r| r.youth_id.to_string()).collect();
        act.settle("mismatch_list", "youth", ids, Ok(rows)).await
    })
    .await
}

/// Resolves the open mismatch of `organisation` on `youth` with `decision`
/// (a `Decision` form value); the professionals concerned are mailed.
#[server(endpoint = "resolve_mismatch")]
pub async fn resolve_mismatch(
    youth: Uuid,
    organisation: Uuid,
    #[server(default)] decision: String,
) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::{
            data_quality::{Decision, DECISION_REQUIRED},
            role::Role,
        },
        error::FieldError,
        server::cases::data_quality,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let admin = act.user.id;
        let result = match Decision::parse(decision.trim()) {
            None => Err(AppError::invalid(vec![FieldError::of_row(
                MismatchField::Decision,
                row_id(youth, organisation),
                DECISION_REQUIRED,
            )])),
            Some(decision) => {
                if data_quality::resolve(act.tx(), youth, organisation, region, admin, decision).await? {
                    Ok(())
                } else {
                    Err(AppError::NotFound)
                }
            }
        };
        let ids = vec![youth.to_string(), organisation.to_string()];
        act.settle("mismatch_resolve", "youth", ids, result).await
    })
    .await
}

/// The row of one mismatch's form fields: unique per youth and organisation.
pub fn row_id(youth: Uuid, organisation: Uuid) -> String {
    format!("{youth}-{organisation}")
}
