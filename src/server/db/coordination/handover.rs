//! Warm handovers: the coordinator proposes, with start agreements; the
//! receiving organisation's coordinators accept or reject with a reason.
//! Until acceptance the current coordinator stays responsible.

use super::{event, organisation_names, recipients::coordinating_side, start, How, NewCoordination};
use crate::{domain::coordination::Choice, server::db::happened::Happened};
use sqlx::PgConnection;
use uuid::Uuid;

/// Who acts.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub is_coordinator: bool,
}

impl From<&crate::domain::user::CurrentUser> for Actor {
    fn from(u: &crate::domain::user::CurrentUser) -> Self {
        Actor {
            user_id: u.id,
            organisation_id: u.organisation_id,
            name: u.name.clone(),
            is_coordinator: u.has(crate::domain::role::Role::Coordinator),
        }
    }
}

/// A proposal as the form sends it, validated.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub to_organisation: Uuid,
    pub checklist: [bool; 4],
    pub agreements: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The actor is not the coordinator (or the receiver), or there is
    /// nothing to act on: all read alike.
    NotAllowed,
    /// The receiving organisation is not involved or may not coordinate.
    BadTarget,
    /// A handover is open already.
    AlreadyOpen,
}

/// Open handovers of `youths` whose coordination changed another way, or
/// whose receiving organisation is no longer involved, lapse.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn lapse(tx: &mut PgConnection, youths: &[Uuid]) -> Result<Vec<Happened>, sqlx::Error> {
    let lapsed: Vec<Uuid> = sqlx::query_scalar!(
        "UPDATE handovers h SET outcome = 'lapsed', decided_at = now()
          WHERE h.youth_id = ANY($1) AND h.outcome IS NULL
            AND (NOT EXISTS (SELECT 1 FROM coordinations c WHERE c.youth_id = h.youth_id AND c.ended_at IS NULL
                                AND c.organisation_id = h.from_organisation_id)
                 OR NOT EXISTS (SELECT 1 FROM involvements i WHERE i.youth_id = h.youth_id
                                AND i.organisation_id = h.to_organisation_id))
          RETURNING h.youth_id",
        youths
    )
    .fetch_all(&mut *tx)
    .await?;
    let lines: Vec<(Uuid, String)> = lapsed
        .into_iter()
        .map(|y| {
            (
                y,
                "Het voorstel tot overdracht is vervallen, omdat de betrokkenheid veranderde.".to_string(),
            )
        })
        .collect();
    event::write_many(tx, &lines).await
}

/// The involved organisations the coordination of `youth` may go to:
/// those that may coordinate, other than the coordinating one.
pub async fn targets(tx: &mut PgConnection, youth: Uuid) -> Result<Vec<Choice>, sqlx::Error> {
    let current: Option<Uuid> = sqlx::query_scalar!(
        "SELECT organisation_id FROM coordinations WHERE youth_id = $1 AND ended_at IS NULL",
        youth
    )
    .fetch_optional(&mut *tx)
    .await?;
    let mut all = super::may_coordinate(tx, youth).await?;
    all.retain(|c| Some(c.id) != current);
    Ok(all)
}

/// The active coordination of `youth`: (organisation, person), locked.
async fn current(tx: &mut PgConnection, youth: Uuid) -> Result<Option<(Uuid, Option<Uuid>)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT organisation_id, coordinator_id FROM coordinations
          WHERE youth_id = $1 AND ended_at IS NULL FOR UPDATE",
        youth
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| (r.organisation_id, r.coordinator_id)))
}

/// True when `actor` is the coordinator of a coordination of (org, person):
/// the person who took it, or before anyone did, a coordinator of the organisation.
pub fn is_the_coordinator(actor: &Actor, org: Uuid, person: Option<Uuid>) -> bool {
    match person {
        Some(p) => p == actor.user_id,
        None => actor.is_coordinator && actor.organisation_id == org,
    }
}

/// Proposes handing the coordination of `youth` over.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn propose(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    p: &Proposal,
) -> Result<Result<(Uuid, Vec<Happened>), Refused>, sqlx::Error> {
    let Some((org, person)) = current(tx, youth).await? else {
        return Ok(Err(Refused::NotAllowed));
    };
    if !is_the_coordinator(actor, org, person) {
        return Ok(Err(Refused::NotAllowed));
    }
    if !targets(tx, youth)
        .await?
        .iter()
        .any(|c| c.id == p.to_organisation)
    {
        return Ok(Err(Refused::BadTarget));
    }
    let id = Uuid::new_v4();
    let inserted = sqlx::query!(
        "INSERT INTO handovers (id, youth_id, from_organisation_id, to_organisation_id, proposed_by,
                                family_informed, plan_shared, roles_agreed, meeting_planned, agreements)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (youth_id) WHERE outcome IS NULL DO NOTHING",
        id,
        youth,
        org,
        p.to_organisation,
        actor.user_id,
        p.checklist[0],
        p.checklist[1],
        p.checklist[2],
        p.checklist[3],
        &p.agreements
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(Err(Refused::AlreadyOpen));
    }
    let names = organisation_names(tx, &[org, p.to_organisation]).await?;
    let (from, to) = (names[&org].clone(), names[&p.to_organisation].clone());
    let written = event::write(
        tx,
        youth,
        format!(
            "{} ({from}) stelt voor de coördinatie over te dragen aan {to}. {from} blijft verantwoordelijk tot {to} accepteert.",
            actor.name
        ),
    )
    .await?;
    let proposed = Happened::HandoverProposed {
        youth,
        to_organisation: p.to_organisation,
        from,
        to,
    };
    Ok(Ok((id, vec![written, proposed])))
}

/// The open handover `id`: (youth, from, to, proposer), locked.
async fn open(tx: &mut PgConnection, id: Uuid) -> Result<Option<(Uuid, Uuid, Uuid, Uuid)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT youth_id, from_organisation_id, to_organisation_id, proposed_by FROM handovers
          WHERE id = $1 AND outcome IS NULL FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| {
        (
            r.youth_id,
            r.from_organisation_id,
            r.to_organisation_id,
            r.proposed_by,
        )
    }))
}

/// Accepts (reason `None`) or rejects an open handover, as a coordinator
/// of the receiving organisation. Returns the youth and what happened.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn decide(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
    reject_reason: Option<&str>,
) -> Result<Result<(Uuid, Vec<Happened>), Refused>, sqlx::Error> {
    let Some((youth, from_org, to_org, _)) = open(tx, id).await? else {
        return Ok(Err(Refused::NotAllowed));
    };
    if !(actor.is_coordinator && actor.organisation_id == to_org) {
        return Ok(Err(Refused::NotAllowed));
    }
    let outcome = if reject_reason.is_some() {
        "rejected"
    } else {
        "accepted"
    };
    sqlx::query!(
        "UPDATE handovers SET outcome = $2, decided_at = now(), decided_by = $3, reason = $4 WHERE id = $1",
        id,
        outcome,
        actor.user_id,
        reject_reason
    )
    .execute(&mut *tx)
    .await?;
    let names = organisation_names(tx, &[from_org, to_org]).await?;
    let (from, to) = (names[&from_org].clone(), names[&to_org].clone());
    if let Some(reason) = reject_reason {
        let written = event::write(
            tx,
            youth,
            format!(
                "{} ({to}) wijst de overdracht af. Reden: {reason}. {from} blijft coördinator.",
                actor.name
            ),
        )
        .await?;
        let rejected = Happened::HandoverRejected {
            youth,
            to_organisation: to_org,
            from,
            to,
        };
        return Ok(Ok((youth, vec![written, rejected])));
    }
    // The previous coordinating side hears it, though the coordination moves now.
    let mut happened = vec![Happened::HandoverAccepted {
        youth,
        to_organisation: to_org,
        from: from.clone(),
        to: to.clone(),
        by: actor.name.clone(),
        previous_side: coordinating_side(tx, youth).await?,
    }];
    happened.extend(
        replace(
            tx,
            youth,
            NewCoordination::by_people(
                youth,
                to_org,
                Some(actor.user_id),
                How::Handover,
                format!("Warme overdracht van {from}, geaccepteerd door {}.", actor.name),
            ),
            "handover",
        )
        .await?,
    );
    happened.push(
        event::write(
            tx,
            youth,
            format!(
                "{} ({to}) accepteert de overdracht en is nu coördinator.",
                actor.name
            ),
        )
        .await?,
    );
    Ok(Ok((youth, happened)))
}

/// Ends the active coordination of `youth` with `end_reason` and starts
/// `new`; returns its appointment.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn replace(
    tx: &mut PgConnection,
    youth: Uuid,
    new: NewCoordination,
    end_reason: &str,
) -> Result<Vec<Happened>, sqlx::Error> {
    sqlx::query!(
        "UPDATE coordinations SET ended_at = now(), end_reason = $2 WHERE youth_id = $1 AND ended_at IS NULL",
        youth,
        end_reason
    )
    .execute(&mut *tx)
    .await?;
    let (_, mut happened) = start(tx, &[new]).await?;
    happened.extend(lapse(tx, &[youth]).await?);
    Ok(happened)
}

/// Withdraws an open handover, as the coordinator who may propose one;
/// returns the youth.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn withdraw(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
) -> Result<Result<(Uuid, Vec<Happened>), Refused>, sqlx::Error> {
    let Some((youth, _, to_org, _)) = open(tx, id).await? else {
        return Ok(Err(Refused::NotAllowed));
    };
    let Some((org, person)) = current(tx, youth).await? else {
        return Ok(Err(Refused::NotAllowed));
    };
    if !is_the_coordinator(actor, org, person) {
        return Ok(Err(Refused::NotAllowed));
    }
    sqlx::query!(
        "UPDATE handovers SET outcome = 'withdrawn', decided_at = now(), decided_by = $2 WHERE id = $1",
        id,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    let to = sqlx::query_scalar!("SELECT name FROM organisations WHERE id = $1", to_org)
        .fetch_one(&mut *tx)
        .await?;
    let written = event::write(
        tx,
        youth,
        format!("{} trekt het voorstel tot overdracht aan {to} in.", actor.name),
    )
    .await?;
    Ok(Ok((youth, vec![written])))
}
