//! Families (youths of one household), their one plan and consent. The
//! plan and consent belong to the family, or to the youth when it is in
//! none. Callers check that the actor may view the youth (and, to link,
//! the other youth too).

mod plan;

pub use plan::{add_agreement, record_consent, remove_agreement, save_plan, withdraw_consent, NewConsent};

use super::{coordination::handover::Actor, happened::Happened};
use crate::domain::{
    coordination::Choice,
    family::{FamilyInfo, FamilyMember},
    youth::full_name,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// Whose plan and consent: the family's, or the youth's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Family(Uuid),
    Youth(Uuid),
}

impl Owner {
    fn split(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Owner::Family(f) => (Some(f), None),
            Owner::Youth(y) => (None, Some(y)),
        }
    }
}

pub async fn family_of(tx: &mut PgConnection, youth: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!("SELECT family_id FROM family_members WHERE youth_id = $1", youth)
        .fetch_optional(&mut *tx)
        .await
}

pub async fn owner(tx: &mut PgConnection, youth: Uuid) -> Result<Owner, sqlx::Error> {
    Ok(match family_of(tx, youth).await? {
        Some(f) => Owner::Family(f),
        None => Owner::Youth(youth),
    })
}

/// The family part of the youth page, as `actor` sees it.
pub async fn info(tx: &mut PgConnection, youth: Uuid, actor: &Actor) -> Result<FamilyInfo, sqlx::Error> {
    let family = family_of(tx, youth).await?;
    let members = match family {
        None => Vec::new(),
        Some(f) => {
            // Each name as the actor's organisation recorded it, where it
            // typed other data than stored (youth_versions).
            let rows = sqlx::query!(
                r#"SELECT y.id, coalesce(v.given_names, y.given_names) AS "given_names!",
                          coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!"
                     FROM family_members m JOIN youths y ON y.id = m.youth_id
                     LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = $3
                    WHERE m.family_id = $1 AND m.youth_id <> $2 ORDER BY y.birth_date, y.id"#,
                f,
                youth,
                actor.organisation_id
            )
            .fetch_all(&mut *tx)
            .await?;
            let mut out = Vec::new();
            for r in rows {
                out.push(FamilyMember {
                    youth_id: r.id,
                    name: full_name(&r.given_names, &r.prefix, &r.family_name),
                    may_view: super::coordination::read::may_view(tx, r.id, actor).await?,
                });
            }
            out
        }
    };
    // The actor's other youths that are in no family (or in another one they
    // could not join): those can be added to this one. The actor's own
    // involvements come first (materialised), so no estimate can turn this
    // into a walk over all youths per involvement (the load program found
    // 1–8 s on a growing database when the planner thought one youth would
    // be left after the family check).
    let candidates = sqlx::query!(
        r#"WITH mine AS MATERIALIZED (
             SELECT DISTINCT youth_id FROM involvements WHERE user_id = $1 AND youth_id <> $2
         )
         SELECT y.id, coalesce(v.given_names, y.given_names) AS "given_names!",
                coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!"
           FROM mine JOIN youths y ON y.id = mine.youth_id
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = $3
          WHERE NOT EXISTS (SELECT 1 FROM family_members m WHERE m.youth_id = mine.youth_id)
          ORDER BY 4, 2, 1
          LIMIT 200"#,
        actor.user_id,
        youth,
        actor.organisation_id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| Choice {
        id: r.id,
        name: full_name(&r.given_names, &r.prefix, &r.family_name),
    })
    .collect();
    let owner = family.map_or(Owner::Youth(youth), Owner::Family);
    Ok(FamilyInfo {
        members,
        in_family: family.is_some(),
        candidates,
        plan: plan::plan(tx, owner).await?,
        consents: plan::consents(tx, owner).await?,
    })
}

/// Why two youths cannot be linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    SameYouth,
    /// Both are in a family already, and not the same one.
    OtherFamily,
}

/// Links `other` into the family of `youth` (making one when needed).
/// A youth's own plan and consents move to the new family's when it had
/// none. Returns the family and what happened.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn link(
    tx: &mut PgConnection,
    youth: Uuid,
    other: Uuid,
    actor: &Actor,
) -> Result<Result<(Uuid, Vec<Happened>), LinkRefused>, sqlx::Error> {
    if youth == other {
        return Ok(Err(LinkRefused::SameYouth));
    }
    let (a, b) = (family_of(tx, youth).await?, family_of(tx, other).await?);
    let family = match (a, b) {
        (Some(x), Some(y)) if x == y => return Ok(Ok((x, Vec::new()))),
        (Some(_), Some(_)) => return Ok(Err(LinkRefused::OtherFamily)),
        (Some(f), None) | (None, Some(f)) => f,
        (None, None) => {
            let f = Uuid::new_v4();
            sqlx::query!(
                "INSERT INTO families (id, created_by) VALUES ($1, $2)",
                f,
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            f
        }
    };
    for y in [youth, other] {
        sqlx::query!(
            "INSERT INTO family_members (youth_id, family_id, added_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            y,
            family,
            actor.user_id
        )
            .execute(&mut *tx)
            .await?;
        // The first youth plan becomes the family plan; consents go along.
        sqlx::query!(
            "UPDATE plans SET family_id = $2, youth_id = NULL
              WHERE youth_id = $1 AND NOT EXISTS (SELECT 1 FROM plans WHERE family_id = $2)",
            y,
            family
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE consents SET family_id = $2, youth_id = NULL WHERE youth_id = $1",
            y,
            family
        )
        .execute(&mut *tx)
        .await?;
    }
    // Everyone involved with either youth reads this line, and not all of
    // them may know the other one (or know it by the same name): it names
    // no youth.
    let text = format!(
        "{} brengt de jeugdige samen met een andere jeugdige in één gezin.",
        actor.name
    );
    for y in [youth, other] {
        sqlx::query!(
            "INSERT INTO coordination_events (youth_id, text) VALUES ($1, $2)",
            y,
            &text
        )
        .execute(&mut *tx)
        .await?;
    }
    // Under a covenant with one coordinator per family, a matched youth
    // without one gets the family's.
    let appointed = super::coordination::settle(tx, &[youth, other]).await?;
    Ok(Ok((family, appointed)))
}

/// Takes `youth` out of its family (the plan and consents stay with the family).
pub async fn unlink(tx: &mut PgConnection, youth: Uuid, actor: &Actor) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM family_members WHERE youth_id = $1", youth)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if done > 0 {
        sqlx::query!(
            "INSERT INTO coordination_events (youth_id, text) VALUES ($1, $2)",
            youth,
            format!("{} haalt de jeugdige uit het gezin.", actor.name)
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(done > 0)
}
