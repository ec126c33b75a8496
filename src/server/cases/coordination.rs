//! Coordination's use cases: taking a case, warm handovers, escalation and
//! the region's decision, applying a covenant version to existing cases,
//! and bringing youths together in one family. Each calls the database
//! function (which checks who the actor is to the case, in SQL) and
//! follows up what it did.

use super::{follow, follow_if, then};
use crate::server::db::{
    coordination::{
        covenant, escalation,
        handover::{self, Actor, Proposal, Refused},
        read,
    },
    family::{self, LinkRefused},
};
use sqlx::PgConnection;
use uuid::Uuid;

/// A coordinator takes the case or gives it to a colleague; false when they may not.
pub async fn take(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    assignee: Uuid,
) -> Result<bool, sqlx::Error> {
    let happened = read::take(tx, youth, actor, assignee).await?;
    follow_if(tx, happened).await
}

/// The coordinator proposes a warm handover; returns the handover.
pub async fn propose_handover(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    p: &Proposal,
) -> Result<Result<Uuid, Refused>, sqlx::Error> {
    let done = handover::propose(tx, youth, actor, p).await?;
    then(tx, done).await
}

/// The receiving organisation accepts (`reject_reason` None) or rejects; returns the youth.
pub async fn decide_handover(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
    reject_reason: Option<&str>,
) -> Result<Result<Uuid, Refused>, sqlx::Error> {
    let done = handover::decide(tx, id, actor, reject_reason).await?;
    then(tx, done).await
}

/// The coordinator withdraws an open handover; returns the youth.
pub async fn withdraw_handover(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
) -> Result<Result<Uuid, Refused>, sqlx::Error> {
    let done = handover::withdraw(tx, id, actor).await?;
    then(tx, done).await
}

/// The coordinator or an involved professional escalates to the region;
/// `Err(hint)` says why not (nothing for someone not involved).
pub async fn escalate(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    reason: &str,
    today: chrono::NaiveDate,
) -> Result<Result<Uuid, Option<String>>, sqlx::Error> {
    let done = escalation::raise(tx, youth, actor, reason, today).await?;
    then(tx, done).await
}

/// The region decides on an escalation, perhaps appointing another organisation.
pub async fn decide_escalation(
    tx: &mut PgConnection,
    id: Uuid,
    region: Uuid,
    admin: &Actor,
    decision: &str,
    appoint: Option<Uuid>,
) -> Result<Result<Uuid, Refused>, sqlx::Error> {
    let done = escalation::decide(tx, id, region, admin, decision, appoint).await?;
    then(tx, done).await
}

/// The region applies its active covenant version to existing cases; returns how many moved.
pub async fn apply_covenant(
    tx: &mut PgConnection,
    region: Uuid,
    by_name: &str,
) -> Result<usize, sqlx::Error> {
    let (moved, happened) = covenant::apply_to_existing(tx, region, by_name).await?;
    follow(tx, happened).await?;
    Ok(moved)
}

/// Brings two youths together in one family; returns the family.
pub async fn link_family(
    tx: &mut PgConnection,
    youth: Uuid,
    other: Uuid,
    actor: &Actor,
) -> Result<Result<Uuid, LinkRefused>, sqlx::Error> {
    let done = family::link(tx, youth, other, actor).await?;
    then(tx, done).await
}
