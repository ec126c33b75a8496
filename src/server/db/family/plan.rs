//! The family's (or a youth's) one plan, its agreements, and consent.

use super::{Actor, Owner};
use crate::domain::{
    family::{Agreement, ConsentView, PlanView},
    records::nl_date,
};
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

pub(super) async fn plan(tx: &mut PgConnection, owner: Owner) -> Result<PlanView, sqlx::Error> {
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

pub(super) async fn consents(tx: &mut PgConnection, owner: Owner) -> Result<Vec<ConsentView>, sqlx::Error> {
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

/// A consent record as checked by `domain::family::check_consent`.
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
