//! Who an action is with, and claiming the actions past their date. The
//! use cases mail them; an action's mail never carries its text, its note
//! or a past date.

use super::{super::live, concerns, family_of};
use crate::server::db::happened::Happened;
use chrono::NaiveDate;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// The people an action of `org` on `youth` is with: the assignee, or the
/// assigned organisation's professionals involved with the youth (or, for
/// a family's youth, with any youth of the family).
pub async fn assignees(
    tx: &mut PgConnection,
    youth: Uuid,
    org: Uuid,
    person: Option<Uuid>,
) -> Result<Vec<Uuid>, sqlx::Error> {
    if let Some(p) = person {
        return Ok(vec![p]);
    }
    let family = family_of(tx, youth).await?;
    sqlx::query_scalar::<_, Uuid>(&format!(
        "SELECT DISTINCT i.user_id FROM involvements i WHERE {} AND i.organisation_id = $2",
        concerns("$1", "$3")
    ))
    .bind(youth)
    .bind(org)
    .bind(family)
    .fetch_all(&mut *tx)
    .await
}

/// Claims up to `limit` actions that are past their date and were not
/// mailed about yet (other instances skip them) and marks them mailed, in
/// the caller's transaction; returns one event per action.
pub async fn claim_overdue(
    tx: &mut PgConnection,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<Happened>, sqlx::Error> {
    let due = sqlx::query(
        "WITH due AS (
             SELECT id FROM actions
              WHERE done_at IS NULL AND cancelled_at IS NULL AND overdue_mailed_at IS NULL AND due_on < $1
              ORDER BY due_on LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE actions a SET overdue_mailed_at = now() FROM due WHERE a.id = due.id
         RETURNING a.id, a.youth_id, a.assignee_organisation_id, a.assignee_id,
                   (SELECT coalesce(u.name, o.name) FROM organisations o LEFT JOIN users u ON u.id = a.assignee_id
                     WHERE o.id = a.assignee_organisation_id) AS with_whom",
    )
    .bind(today)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::with_capacity(due.len());
    for r in &due {
        // Its lane on the board changed.
        live::emit_action(tx, r.get("id")).await?;
        out.push(Happened::ActionOverdue {
            youth: r.get("youth_id"),
            organisation_id: r.get("assignee_organisation_id"),
            person: r.get("assignee_id"),
            with_whom: r.get("with_whom"),
        });
    }
    Ok(out)
}
