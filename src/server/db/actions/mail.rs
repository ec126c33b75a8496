//! The mails about actions: to the assignee when one is set out, and once
//! to assignee and coordinator when one is past its date. Neither carries
//! the action's text, its note or a past date.

use super::{
    super::{
        coordination::{notify, Audience},
        live,
    },
    concerns, family_of,
};
use crate::server::mail::coordination::CoordinationEvent;
use chrono::NaiveDate;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

/// Whom an action's mail goes to: the assignee, or the assigned
/// organisation's professionals involved with the youth.
async fn assignee_audience(
    tx: &mut PgConnection,
    youth: Uuid,
    org: Uuid,
    person: Option<Uuid>,
) -> Result<Vec<Audience>, sqlx::Error> {
    let family = family_of(tx, youth).await?;
    Ok(match person {
        Some(p) => vec![Audience::User(p)],
        None => sqlx::query_scalar::<_, Uuid>(&format!(
            "SELECT DISTINCT i.user_id FROM involvements i WHERE {} AND i.organisation_id = $2",
            concerns("$1", "$3")
        ))
        .bind(youth)
        .bind(org)
        .bind(family)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(Audience::User)
        .collect(),
    })
}

/// Mails the assignee that an action waits for them. The mail names the
/// youth and the due date, never the action's text.
pub(super) async fn mail_assigned(
    tx: &mut PgConnection,
    youth: Uuid,
    org: Uuid,
    person: Option<Uuid>,
    due_on: NaiveDate,
    by: &str,
) -> Result<(), sqlx::Error> {
    let audiences = assignee_audience(tx, youth, org, person).await?;
    notify(
        tx,
        youth,
        &audiences,
        &CoordinationEvent::ActionAssigned {
            by: by.to_string(),
            due_on,
        },
        None,
    )
    .await
}

/// Claims up to `limit` actions that are past their date and were not
/// mailed about yet (other instances skip them), and queues one mail to the
/// assignee and one to the coordinating side, in one transaction. Returns
/// how many actions it mailed about.
pub async fn mail_overdue(pool: &sqlx::PgPool, today: NaiveDate, limit: i64) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
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
    for r in &due {
        let (id, youth): (Uuid, Uuid) = (r.get("id"), r.get("youth_id"));
        let person: Option<Uuid> = r.get("assignee_id");
        let to = assignee_audience(&mut tx, youth, r.get("assignee_organisation_id"), person).await?;
        notify(
            &mut tx,
            youth,
            &to,
            &CoordinationEvent::ActionOverdue { assignee: None },
            None,
        )
        .await?;
        let event = CoordinationEvent::ActionOverdue {
            assignee: Some(r.get("with_whom")),
        };
        notify(&mut tx, youth, &[Audience::CoordinatingSide], &event, person).await?;
        // Its lane on the board changed.
        live::emit_action(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(due.len())
}
