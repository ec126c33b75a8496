//! The region admin's escalations: the open ones of the region, and the
//! decision that closes one (optionally appointing an involved organisation).

use crate::{domain::coordination::EscalationRow, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

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
                    Err(Refused::BadTarget) => Err(AppError::invalid(vec![FieldError::new(
                        format!("appoint-{id}"),
                        super::coordination::TARGET_INVALID,
                    )])),
                    Err(_) => Err(AppError::NotFound),
                }
            }
            (None, _) => Err(AppError::invalid(vec![FieldError::new(
                format!("decision-{id}"),
                DECISION_REQUIRED,
            )])),
            (_, Err(_)) => Err(AppError::invalid(vec![FieldError::new(
                format!("appoint-{id}"),
                super::coordination::TARGET_INVALID,
            )])),
        };
        act.settle("escalation_decide", "escalation", vec![id.to_string()], result)
            .await
    })
    .await
}
