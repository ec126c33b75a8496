//! Coordination of a youth's help: taking a case, warm handovers,
//! escalation, and the coordinator's overview. Each function checks who
//! the caller is to the case in the database; hiding a button is not enough.

use crate::{domain::coordination::CoordinationOverview, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

pub const REASON_REQUIRED: &str = "Schrijf op waarom (1 tot 1000 tekens).";
pub const ESCALATION_REASON_REQUIRED: &str = "Schrijf op waarom je opschaalt (1 tot 2000 tekens).";
pub const AGREEMENTS_TOO_LONG: &str = "De afspraken zijn te lang (hoogstens 2000 tekens).";
pub const TARGET_REQUIRED: &str = "Kies de organisatie die de coördinatie overneemt.";
pub const TARGET_INVALID: &str =
    "Deze organisatie kan de coördinatie niet overnemen: ze is niet (meer) betrokken of mag niet coördineren.";
pub const HANDOVER_OPEN: &str = "Er staat al een voorstel tot overdracht open.";

/// Trims `text` and checks its length in characters.
pub fn required_text(text: &str, max: usize) -> Option<String> {
    let t = text.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_string())
}

/// A coordinator of the coordinating organisation takes the case, or gives
/// it to a coordinator colleague (`assignee`; empty: the caller).
#[server(endpoint = "take_coordination")]
pub async fn take_coordination(youth: Uuid, #[server(default)] assignee: String) -> Result<(), AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role, server::cases::coordination};
    respond(async move {
        let mut act = Act::begin(&[Role::Coordinator]).await?;
        let assignee = if assignee.trim().is_empty() {
            act.user.id
        } else {
            Uuid::parse_str(assignee.trim()).map_err(|_| AppError::NotFound)?
        };
        let actor = act.actor();
        let ok = coordination::take(act.tx(), youth, &actor, assignee).await?;
        let result = if ok { Ok(()) } else { Err(AppError::NotFound) };
        act.settle(
            "coordination_take",
            "youth",
            vec![youth.to_string(), assignee.to_string()],
            result,
        )
        .await
    })
    .await
}

/// The coordinator proposes a warm handover to another involved organisation.
#[server(endpoint = "propose_handover")]
pub async fn propose_handover(
    youth: Uuid,
    #[server(default)] to_organisation: String,
    #[server(default)] family_informed: Option<String>,
    #[server(default)] plan_shared: Option<String>,
    #[server(default)] roles_agreed: Option<String>,
    #[server(default)] meeting_planned: Option<String>,
    #[server(default)] agreements: String,
) -> Result<(), AppError> {
    use crate::{
        api::act::Act,
        api::respond,
        domain::{coordination::CoordinationField, role::Role},
        error::FieldError,
        server::{
            cases::coordination,
            db::coordination::handover::{Proposal, Refused},
        },
    };
    respond(async move {
        let mut errors = Vec::new();
        let to = Uuid::parse_str(to_organisation.trim()).ok();
        if to.is_none() {
            errors.push(FieldError::new(
                CoordinationField::ToOrganisation,
                TARGET_REQUIRED,
            ));
        }
        let agreements = agreements.trim().to_string();
        if agreements.chars().count() > 2000 {
            errors.push(FieldError::new(
                CoordinationField::Agreements,
                AGREEMENTS_TOO_LONG,
            ));
        }
        let mut act = Act::begin(&[Role::Coordinator]).await?;
        let result = match to {
            Some(to) if errors.is_empty() => {
                let p = Proposal {
                    to_organisation: to,
                    checklist: [
                        family_informed.is_some(),
                        plan_shared.is_some(),
                        roles_agreed.is_some(),
                        meeting_planned.is_some(),
                    ],
                    agreements,
                };
                let actor = act.actor();
                match coordination::propose_handover(act.tx(), youth, &actor, &p).await? {
                    Ok(_) => Ok(()),
                    Err(Refused::NotAllowed) => Err(AppError::NotFound),
                    Err(Refused::BadTarget) => Err(AppError::invalid(vec![FieldError::new(
                        CoordinationField::ToOrganisation,
                        TARGET_INVALID,
                    )])),
                    Err(Refused::AlreadyOpen) => Err(AppError::invalid(vec![FieldError::new(
                        CoordinationField::ToOrganisation,
                        HANDOVER_OPEN,
                    )])),
                }
            }
            _ => Err(AppError::invalid(errors)),
        };
        act.settle("handover_propose", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// A coordinator of the receiving organisation accepts a handover.
#[server(endpoint = "accept_handover")]
pub async fn accept_handover(id: Uuid) -> Result<(), AppError> {
    use crate::api::respond;
    respond(ssr::decide(id, None)).await
}

/// A coordinator of the receiving organisation rejects a handover, with a reason.
#[server(endpoint = "reject_handover")]
pub async fn reject_handover(id: Uuid, #[server(default)] reason: String) -> Result<(), AppError> {
    use crate::{api::respond, domain::coordination::CoordinationField, error::FieldError};
    respond(async move {
        let reason = required_text(&reason, 1000).ok_or_else(|| {
            AppError::invalid(vec![FieldError::new(CoordinationField::Reason, REASON_REQUIRED)])
        })?;
        ssr::decide(id, Some(reason)).await
    })
    .await
}

/// The proposing coordinator withdraws an open handover.
#[server(endpoint = "withdraw_handover")]
pub async fn withdraw_handover(id: Uuid) -> Result<(), AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role, server::cases::coordination};
    respond(async move {
        let mut act = Act::begin(&[Role::Coordinator]).await?;
        let actor = act.actor();
        let result = coordination::withdraw_handover(act.tx(), id, &actor)
            .await?
            .map(|_| ())
            .map_err(|_| AppError::NotFound);
        act.settle("handover_withdraw", "handover", vec![id.to_string()], result)
            .await
    })
    .await
}

/// Escalates a case to the region, with a reason: the coordinator, or an
/// involved professional when nobody coordinates 10 working days after the match.
#[server(endpoint = "escalate")]
pub async fn escalate(youth: Uuid, #[server(default)] reason: String) -> Result<(), AppError> {
    use crate::{
        api::act::Act,
        api::respond,
        domain::{coordination::CoordinationField, role::Role, today},
        error::FieldError,
        server::cases::coordination,
    };
    respond(async move {
        let reason = required_text(&reason, 2000).ok_or_else(|| {
            AppError::invalid(vec![FieldError::new(
                CoordinationField::EscalationReason,
                ESCALATION_REASON_REQUIRED,
            )])
        });
        let mut act = Act::begin(&[Role::Professional, Role::Coordinator]).await?;
        let result = match reason {
            Err(e) => Err(e),
            Ok(reason) => {
                let actor = act.actor();
                match coordination::escalate(act.tx(), youth, &actor, &reason, today()).await? {
                    Ok(_) => Ok(()),
                    Err(None) => Err(AppError::NotFound),
                    Err(Some(hint)) => Err(AppError::invalid(vec![FieldError::new(
                        CoordinationField::EscalationReason,
                        hint,
                    )])),
                }
            }
        };
        act.settle("escalation_raise", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// The coordinator's overview: the organisation's cases and incoming handovers.
#[server(endpoint = "my_coordination")]
pub async fn my_coordination() -> Result<CoordinationOverview, AppError> {
    use crate::{api::act::Act, api::respond, domain::role::Role, server::db::coordination::read};
    respond(async move {
        let mut act = Act::begin(&[Role::Coordinator]).await?;
        let actor = act.actor();
        let overview = read::overview(act.tx(), &actor).await?;
        let ids = overview
            .untaken
            .iter()
            .chain(&overview.mine)
            .chain(&overview.colleagues)
            .chain(&overview.incoming)
            .map(|r| r.youth_id.to_string())
            .collect();
        act.settle("coordination_list", "youth", ids, Ok(overview)).await
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::{
        api::act::Act,
        domain::role::Role,
        server::{cases::coordination, db::coordination::handover::Refused},
    };

    pub async fn decide(id: Uuid, reject_reason: Option<String>) -> Result<(), AppError> {
        let mut act = Act::begin(&[Role::Coordinator]).await?;
        let actor = act.actor();
        let result = match coordination::decide_handover(act.tx(), id, &actor, reject_reason.as_deref())
            .await?
        {
            Ok(_) => Ok(()),
            Err(Refused::NotAllowed | Refused::BadTarget | Refused::AlreadyOpen) => Err(AppError::NotFound),
        };
        let action = if reject_reason.is_some() {
            "handover_reject"
        } else {
            "handover_accept"
        };
        act.settle(action, "handover", vec![id.to_string()], result).await
    }
}
