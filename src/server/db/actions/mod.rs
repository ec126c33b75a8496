//! Actions: created, changed and cancelled by the youth's coordinator,
//! ticked done by the assignee. The assignee's private note is read in one
//! place only, [`read::list`], and only for its author.

mod due;
pub mod read;

pub use due::{assignees, claim_overdue};
pub use read::{board, list, Scope};

use super::coordination::handover::{is_the_coordinator, Actor};
use super::happened::Happened;
use crate::domain::{actions::NewAction, records::nl_date};
use sqlx::PgConnection;
use uuid::Uuid;

/// To whom an action goes: an involved professional, or an involved
/// organisation that then picks a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    User(Uuid),
    Organisation(Uuid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not the coordinator (or the assignee), or no such action: alike.
    NotAllowed,
    /// The assignee is not involved with the youth.
    NotInvolved,
    /// "For the whole family" on a youth that is in none.
    NoFamily,
}

/// True when `actor` coordinates `youth` now.
pub async fn coordinates(tx: &mut PgConnection, youth: Uuid, actor: &Actor) -> Result<bool, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT organisation_id, coordinator_id FROM coordinations WHERE youth_id = $1 AND ended_at IS NULL",
        youth
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.is_some_and(|r| is_the_coordinator(actor, r.organisation_id, r.coordinator_id)))
}

/// The family `youth` belongs to.
pub(super) async fn family_of(tx: &mut PgConnection, youth: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT family_id FROM family_members WHERE youth_id = $1", youth)
        .fetch_optional(&mut *tx)
        .await
}

/// The (organisation, person) an assignee stands for, if involved with
/// `youth` (or, for a family action, with a youth of `family`).
async fn resolve(
    tx: &mut PgConnection,
    youth: Uuid,
    family: Option<Uuid>,
    who: Assignee,
) -> Result<Option<(Uuid, Option<Uuid>)>, sqlx::Error> {
    // "Involved with the youth, or for a family action with a youth of
    // its family" (as in `read::list`, written out to be checked).
    Ok(match who {
        Assignee::User(u) => sqlx::query_scalar!(
            "SELECT i.organisation_id FROM involvements i
              WHERE (i.youth_id = $1 OR i.youth_id IN (SELECT fm.youth_id FROM family_members fm WHERE fm.family_id = $3))
                AND i.user_id = $2 LIMIT 1",
            youth,
            u,
            family
        )
        .fetch_optional(&mut *tx)
        .await?
        .flatten()
        .map(|org| (org, Some(u))),
        Assignee::Organisation(o) => sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM involvements i
                  WHERE (i.youth_id = $1 OR i.youth_id IN (SELECT fm.youth_id FROM family_members fm WHERE fm.family_id = $3))
                    AND i.organisation_id = $2) AS "exists!""#,
            youth,
            o,
            family
        )
        .fetch_one(&mut *tx)
        .await?
        .then_some((o, None)),
    })
}

async fn event(tx: &mut PgConnection, action: Uuid, text: String) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO action_events (action_id, text) VALUES ($1, $2)",
        action,
        text
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn user_name(tx: &mut PgConnection, id: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("SELECT name FROM users WHERE id = $1", id)
        .fetch_one(&mut *tx)
        .await
}

async fn org_name(tx: &mut PgConnection, id: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("SELECT name FROM organisations WHERE id = $1", id)
        .fetch_one(&mut *tx)
        .await
}

/// The coordinator creates an action for `youth`.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn create(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    new: &NewAction,
    who: Assignee,
) -> Result<Result<(Uuid, Vec<Happened>), Refused>, sqlx::Error> {
    if !coordinates(tx, youth, actor).await? {
        return Ok(Err(Refused::NotAllowed));
    }
    let family = match (new.for_family, family_of(tx, youth).await?) {
        (false, _) => None,
        (true, Some(f)) => Some(f),
        (true, None) => return Ok(Err(Refused::NoFamily)),
    };
    let Some((org, person)) = resolve(tx, youth, family, who).await? else {
        return Ok(Err(Refused::NotInvolved));
    };
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO actions (id, youth_id, title, description, assignee_organisation_id, assignee_id, due_on, created_by, family_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        youth,
        &new.title,
        &new.description,
        org,
        person,
        new.due_on,
        actor.user_id,
        family
    )
    .execute(&mut *tx)
    .await?;
    let to = match person {
        Some(p) => user_name(tx, p).await?,
        None => org_name(tx, org).await?,
    };
    event(
        tx,
        id,
        format!(
            "{} zet de actie uit bij {to}, uiterlijk {}.",
            actor.name,
            nl_date(new.due_on)
        ),
    )
    .await?;
    let assigned = Happened::ActionAssigned {
        youth,
        organisation_id: org,
        person,
        due_on: new.due_on,
        by: actor.name.clone(),
    };
    Ok(Ok((id, vec![Happened::ActionChanged { action: id }, assigned])))
}

/// The coordinator changes an open action: text, due date and assignee
/// (a new assignee is told: the event it returns).
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn change(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
    new: &NewAction,
    who: Assignee,
) -> Result<Result<Vec<Happened>, Refused>, sqlx::Error> {
    let Some(r) = sqlx::query!(
        "SELECT youth_id, family_id, assignee_organisation_id, assignee_id FROM actions
          WHERE id = $1 AND done_at IS NULL AND cancelled_at IS NULL FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Err(Refused::NotAllowed));
    };
    let youth = r.youth_id;
    if !coordinates(tx, youth, actor).await? {
        return Ok(Err(Refused::NotAllowed));
    }
    let Some((org, person)) = resolve(tx, youth, r.family_id, who).await? else {
        return Ok(Err(Refused::NotInvolved));
    };
    let reassigned = (org, person) != (r.assignee_organisation_id, r.assignee_id);
    sqlx::query!(
        "UPDATE actions SET title = $2, description = $3, due_on = $4, assignee_organisation_id = $5, assignee_id = $6,
                            overdue_mailed_at = CASE WHEN due_on = $4 THEN overdue_mailed_at END
          WHERE id = $1",
        id,
        &new.title,
        &new.description,
        new.due_on,
        org,
        person
    )
    .execute(&mut *tx)
    .await?;
    let assigned = reassigned.then(|| Happened::ActionAssigned {
        youth,
        organisation_id: org,
        person,
        due_on: new.due_on,
        by: actor.name.clone(),
    });
    let text = if reassigned {
        let to = match person {
            Some(p) => user_name(tx, p).await?,
            None => org_name(tx, org).await?,
        };
        format!(
            "{} wijzigt de actie en zet haar uit bij {to}, uiterlijk {}.",
            actor.name,
            nl_date(new.due_on)
        )
    } else {
        format!(
            "{} wijzigt de actie; uiterlijk {}.",
            actor.name,
            nl_date(new.due_on)
        )
    };
    event(tx, id, text).await?;
    Ok(Ok(std::iter::once(Happened::ActionChanged { action: id })
        .chain(assigned)
        .collect()))
}

/// The coordinator cancels an open action; `None` when they may not.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn cancel(tx: &mut PgConnection, id: Uuid, actor: &Actor) -> Result<Option<Happened>, sqlx::Error> {
    let Some(youth) = sqlx::query_scalar!(
        "SELECT youth_id FROM actions WHERE id = $1 AND done_at IS NULL AND cancelled_at IS NULL FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    if !coordinates(tx, youth, actor).await? {
        return Ok(None);
    }
    sqlx::query!("UPDATE actions SET cancelled_at = now() WHERE id = $1", id)
        .execute(&mut *tx)
        .await?;
    event(tx, id, format!("{} trekt de actie in.", actor.name)).await?;
    Ok(Some(Happened::ActionChanged { action: id }))
}

/// The assignee ticks an open action done, with an optional note only they
/// will ever read. A professional of the assigned organisation who is
/// involved may tick it while nobody is picked, and so becomes the
/// assignee. `None` when they may not.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn tick(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
    note: Option<&str>,
) -> Result<Option<Happened>, sqlx::Error> {
    let done = sqlx::query_scalar!(
        "UPDATE actions a SET done_at = now(), done_by = $2, assignee_id = $2
          WHERE a.id = $1 AND a.done_at IS NULL AND a.cancelled_at IS NULL
            AND (a.assignee_id = $2
                 OR (a.assignee_id IS NULL AND a.assignee_organisation_id = $3
                     AND EXISTS (SELECT 1 FROM involvements i
                                  WHERE (i.youth_id = a.youth_id
                                         OR i.youth_id IN (SELECT fm.youth_id FROM family_members fm WHERE fm.family_id = a.family_id))
                                    AND i.user_id = $2)))
          RETURNING a.youth_id",
        id,
        actor.user_id,
        actor.organisation_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if done.is_none() {
        return Ok(None);
    }
    if let Some(note) = note {
        sqlx::query!(
            "INSERT INTO action_notes (action_id, author_id, note) VALUES ($1, $2, $3)
             ON CONFLICT (action_id) DO UPDATE SET note = EXCLUDED.note, author_id = EXCLUDED.author_id, written_at = now()",
            id,
            actor.user_id,
            note
        )
        .execute(&mut *tx)
        .await?;
    }
    event(tx, id, format!("{} meldt de actie gedaan.", actor.name)).await?;
    Ok(Some(Happened::ActionChanged { action: id }))
}

/// The professionals involved with the other youths of `youth`'s family and
/// not with `youth` itself: who else may do an action for the whole family.
pub async fn family_assignees(
    tx: &mut PgConnection,
    youth: Uuid,
) -> Result<Vec<crate::domain::records::InvolvedParty>, sqlx::Error> {
    sqlx::query_as!(
        crate::domain::records::InvolvedParty,
        r#"SELECT o.id AS organisation_id, o.name AS organisation, u.id AS user_id, u.name AS professional,
                u.phone, u.email, (min(i.since) AT TIME ZONE 'Europe/Amsterdam')::date AS "since!", false AS "is_viewer!"
           FROM family_members me
           JOIN family_members fm ON fm.family_id = me.family_id AND fm.youth_id <> me.youth_id
           JOIN involvements i ON i.youth_id = fm.youth_id
           JOIN users u ON u.id = i.user_id JOIN organisations o ON o.id = i.organisation_id
          WHERE me.youth_id = $1
            AND NOT EXISTS (SELECT 1 FROM involvements x WHERE x.youth_id = $1 AND x.user_id = i.user_id)
          GROUP BY o.id, u.id
          ORDER BY o.name, u.name"#,
        youth
    )
    .fetch_all(&mut *tx)
    .await
}
