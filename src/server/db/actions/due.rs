//! Who an action is with, and claiming the actions past their date. The
//! use cases mail them; an action's mail never carries its text, its note
//! or a past date.

use super::family_of;
use crate::server::db::happened::Happened;
use chrono::NaiveDate;
use sqlx::PgConnection;
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
    // "Involved with the youth, or with a youth of the family" (as in `read::list`).
    sqlx::query_scalar!(
        r#"SELECT DISTINCT i.user_id AS "user_id!" FROM involvements i
            WHERE (i.youth_id = $1 OR i.youth_id IN (SELECT fm.youth_id FROM family_members fm WHERE fm.family_id = $3))
              AND i.organisation_id = $2"#,
        youth,
        org,
        family
    )
    .fetch_all(&mut *tx)
    .await
}

/// Claims up to `limit` actions that are past their date and were not
/// mailed about yet (other instances skip them) and marks them mailed, in
/// the caller's transaction; returns one event per action.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn claim_overdue(
    tx: &mut PgConnection,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<Happened>, sqlx::Error> {
    let due = sqlx::query!(
        r#"WITH due AS (
               SELECT id FROM actions
                WHERE done_at IS NULL AND cancelled_at IS NULL AND overdue_mailed_at IS NULL AND due_on < $1
                ORDER BY due_on LIMIT $2 FOR UPDATE SKIP LOCKED)
           UPDATE actions a SET overdue_mailed_at = now() FROM due WHERE a.id = due.id
           RETURNING a.id, a.youth_id, a.assignee_organisation_id, a.assignee_id,
                     (SELECT coalesce(u.name, o.name) FROM organisations o LEFT JOIN users u ON u.id = a.assignee_id
                       WHERE o.id = a.assignee_organisation_id) AS "with_whom!""#,
        today,
        limit
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::with_capacity(2 * due.len());
    for r in due {
        // Its lane on the board changed.
        out.push(Happened::ActionChanged { action: r.id });
        out.push(Happened::ActionOverdue {
            youth: r.youth_id,
            organisation_id: r.assignee_organisation_id,
            person: r.assignee_id,
            with_whom: r.with_whom,
        });
    }
    Ok(out)
}
