//! Families (youths of one household), their one plan and consent. The
//! plan and consent belong to the family, or to the youth when it is in
//! none. Callers check that the actor may view the youth (and, to link,
//! the other youth too).

use super::{coordination::handover::Actor, happened::Happened};
use crate::domain::{
    coordination::{Agreement, Choice, ConsentView, FamilyInfo, FamilyMember, PlanView},
    records::nl_date,
    youth::full_name,
};
use chrono::NaiveDate;
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
            let rows = sqlx::query!(
                "SELECT y.id, y.given_names, y.prefix, y.family_name FROM family_members m JOIN youths y ON y.id = m.youth_id
                  WHERE m.family_id = $1 AND m.youth_id <> $2 ORDER BY y.birth_date, y.id",
                f,
                youth
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
        "WITH mine AS MATERIALIZED (
             SELECT DISTINCT youth_id FROM involvements WHERE user_id = $1 AND youth_id <> $2
         )
         SELECT y.id, y.given_names, y.prefix, y.family_name
           FROM mine JOIN youths y ON y.id = mine.youth_id
          WHERE NOT EXISTS (SELECT 1 FROM family_members m WHERE m.youth_id = mine.youth_id)
          ORDER BY y.family_name, y.given_names, y.id
          LIMIT 200",
        actor.user_id,
        youth
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
        plan: plan(tx, owner).await?,
        consents: consents(tx, owner).await?,
    })
}

async fn plan(tx: &mut PgConnection, owner: Owner) -> Result<PlanView, sqlx::Error> {
    let (f, y) = owner.split();
    let Some(p) = sqlx::query!(
        r#"SELECT p.id, p.goals, p.review_on, p.family_agreed_on, u.name,
                (p.updated_at AT TIME ZONE 'Europe/Amsterdam')::date AS "updated_on!"
           FROM plans p JOIN users u ON u.id = p.updated_by
          WHERE p.family_id IS NOT DISTINCT FROM $1 AND p.youth_id IS NOT DISTINCT FROM $2"#,
        f,
        y
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(PlanView::default());
    };
    let agreements = sqlx::query_as!(
        Agreement,
        "SELECT id, who, what, due_on FROM plan_agreements WHERE plan_id = $1 ORDER BY due_on NULLS LAST, created_at",
        p.id
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(PlanView {
        goals: p.goals,
        review_on: p.review_on,
        family_agreed_on: p.family_agreed_on,
        agreements,
        updated: Some(format!("{}, {}", p.name, nl_date(p.updated_on))),
    })
}

async fn consents(tx: &mut PgConnection, owner: Owner) -> Result<Vec<ConsentView>, sqlx::Error> {
    let (f, y) = owner.split();
    Ok(sqlx::query!(
        r#"SELECT c.id, c.kind, c.given_by, c.what, c.with_whom, c.valid_from, c.valid_until, c.justification,
                u.name, c.withdrawn_at IS NOT NULL AS "withdrawn!"
           FROM consents c JOIN users u ON u.id = c.recorded_by
          WHERE c.family_id IS NOT DISTINCT FROM $1 AND c.youth_id IS NOT DISTINCT FROM $2
          ORDER BY c.recorded_at DESC"#,
        f,
        y
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| ConsentView {
        id: r.id,
        given: r.kind == "given",
        given_by: r.given_by,
        what: r.what,
        with_whom: r.with_whom,
        valid_from: r.valid_from,
        valid_until: r.valid_until,
        justification: r.justification,
        recorded_by: r.name,
        withdrawn: r.withdrawn,
    })
    .collect())
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
    let names: Vec<String> = sqlx::query!(
        "SELECT given_names, prefix, family_name FROM youths WHERE id = ANY($1) ORDER BY birth_date",
        &[youth, other][..]
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| full_name(&r.given_names, &r.prefix, &r.family_name))
    .collect();
    let text = format!("{} brengt {} samen in één gezin.", actor.name, names.join(" en "));
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

/// Writes the plan's goals, review date and the family's agreement.
pub async fn save_plan(
    tx: &mut PgConnection,
    owner: Owner,
    actor: &Actor,
    goals: &str,
    review_on: Option<NaiveDate>,
    family_agreed_on: Option<NaiveDate>,
) -> Result<Uuid, sqlx::Error> {
    // A family's plan is one per family, a youth's one per youth: a
    // statement for each (the conflict target differs), both checked.
    match owner {
        Owner::Family(family) => {
            sqlx::query_scalar!(
                "INSERT INTO plans (id, family_id, goals, review_on, family_agreed_on, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (family_id) DO UPDATE SET goals = EXCLUDED.goals, review_on = EXCLUDED.review_on,
                       family_agreed_on = EXCLUDED.family_agreed_on, updated_by = EXCLUDED.updated_by, updated_at = now()
                 RETURNING id",
                Uuid::new_v4(),
                family,
                goals,
                review_on,
                family_agreed_on,
                actor.user_id
            )
            .fetch_one(&mut *tx)
            .await
        }
        Owner::Youth(youth) => {
            sqlx::query_scalar!(
                "INSERT INTO plans (id, youth_id, goals, review_on, family_agreed_on, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (youth_id) DO UPDATE SET goals = EXCLUDED.goals, review_on = EXCLUDED.review_on,
                       family_agreed_on = EXCLUDED.family_agreed_on, updated_by = EXCLUDED.updated_by, updated_at = now()
                 RETURNING id",
                Uuid::new_v4(),
                youth,
                goals,
                review_on,
                family_agreed_on,
                actor.user_id
            )
            .fetch_one(&mut *tx)
            .await
        }
    }
}

async fn plan_id(tx: &mut PgConnection, owner: Owner) -> Result<Option<Uuid>, sqlx::Error> {
    let (f, y) = owner.split();
    sqlx::query_scalar!(
        "SELECT id FROM plans WHERE family_id IS NOT DISTINCT FROM $1 AND youth_id IS NOT DISTINCT FROM $2",
        f,
        y
    )
    .fetch_optional(&mut *tx)
    .await
}

/// Adds "who does what, by when" to the plan (made if there is none yet).
pub async fn add_agreement(
    tx: &mut PgConnection,
    owner: Owner,
    actor: &Actor,
    who: &str,
    what: &str,
    due_on: Option<NaiveDate>,
) -> Result<(), sqlx::Error> {
    let plan = match plan_id(tx, owner).await? {
        Some(p) => p,
        None => save_plan(tx, owner, actor, "", None, None).await?,
    };
    sqlx::query!(
        "INSERT INTO plan_agreements (id, plan_id, who, what, due_on, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::new_v4(),
        plan,
        who,
        what,
        due_on,
        actor.user_id
    )
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Removes agreement `id` if it belongs to `owner`'s plan.
pub async fn remove_agreement(tx: &mut PgConnection, owner: Owner, id: Uuid) -> Result<bool, sqlx::Error> {
    let Some(plan) = plan_id(tx, owner).await? else {
        return Ok(false);
    };
    Ok(sqlx::query!(
        "DELETE FROM plan_agreements WHERE id = $1 AND plan_id = $2",
        id,
        plan
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// A consent record as checked by `domain::coordination::check_consent`.
#[derive(Debug, Clone)]
pub struct NewConsent {
    pub given: bool,
    pub given_by: String,
    pub what: String,
    pub with_whom: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub justification: String,
}

pub async fn record_consent(
    tx: &mut PgConnection,
    owner: Owner,
    actor: &Actor,
    c: &NewConsent,
) -> Result<Uuid, sqlx::Error> {
    let (f, y) = owner.split();
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO consents (id, family_id, youth_id, kind, given_by, what, with_whom, valid_from, valid_until,
                               justification, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        id,
        f,
        y,
        if c.given { "given" } else { "not_informed" },
        c.given_by.trim(),
        c.what.trim(),
        c.with_whom.trim(),
        c.valid_from,
        c.valid_until,
        c.justification.trim(),
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// Marks consent `id` of `owner` withdrawn.
pub async fn withdraw_consent(tx: &mut PgConnection, owner: Owner, id: Uuid) -> Result<bool, sqlx::Error> {
    let (f, y) = owner.split();
    Ok(sqlx::query!(
        "UPDATE consents SET withdrawn_at = now()
          WHERE id = $1 AND withdrawn_at IS NULL
            AND family_id IS NOT DISTINCT FROM $2 AND youth_id IS NOT DISTINCT FROM $3",
        id,
        f,
        y
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}
