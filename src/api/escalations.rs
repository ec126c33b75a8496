//! The region admin's escalations: the open ones of the region, and the
//! decision that closes one (optionally appointing an involved organisation).

use crate::{domain::coordination::EscalationRow, error::AppError, form_fields};
use leptos::prelude::*;
use uuid::Uuid;

form_fields! {
    /// The region's decision on an escalation, one form per escalation
    /// (the fields of row `id` are named "decision-<id>").
    pub enum DecisionField {
        Decision = "decision",
        Appoint = "appoint",
    }
}

pub const DECISION_REQUIRED: &str = "Schrijf het besluit op (1 tot 2000 tekens).";

/// The region's open escalations, oldest first.
#[server(endpoint = "escalations")]
pub async fn escalations() -> Result<Vec<EscalationRow>, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role, server::db::coordination::escalation};
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let rows = escalation::open_in_region(act.tx(), region).await?;
        let ids = rows.iter().map(|r| r.id.to_string()).collect();
        act.settle("escalation_list", "escalation", ids, Ok(rows)).await
    })
    .await
}

/// Records the region's decision and closes the escalation; optionally
/// appoints an involved organisation (`appoint`, empty: none).
#[server(endpoint = "decide_escalation")]
pub async fn decide_escalation(
    id: Uuid,
    #[server(default)] decision: String,
    #[server(default)] appoint: String,
) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, coordination::required_text, respond},
        domain::role::Role,
        error::FieldError,
        server::{cases::coordination, db::coordination::handover::Refused},
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let decision = required_text(&decision, 2000);
        let appoint = if appoint.trim().is_empty() {
            Ok(None)
        } else {
            Uuid::parse_str(appoint.trim()).map(Some)
        };
        let result = match (decision, appoint) {
            (Some(decision), Ok(appoint)) => {
                let actor = act.actor();
                match coordination::decide_escalation(act.tx(), id, region, &actor, &decision, appoint)
                    .await?
                {
                    Ok(_) => Ok(()),
                    Err(Refused::BadTarget) => Err(AppError::invalid(vec![FieldError::of_row(
                        DecisionField::Appoint,
                        id,
                        super::coordination::TARGET_INVALID,
                    )])),
                    Err(_) => Err(AppError::NotFound),
                }
            }
            (None, _) => Err(AppError::invalid(vec![FieldError::of_row(
                DecisionField::Decision,
                id,
                DECISION_REQUIRED,
            )])),
            (_, Err(_)) => Err(AppError::invalid(vec![FieldError::of_row(
                DecisionField::Appoint,
                id,
                super::coordination::TARGET_INVALID,
            )])),
        };
        act.settle("escalation_decide", "escalation", vec![id.to_string()], result)
            .await
    })
    .await
}
