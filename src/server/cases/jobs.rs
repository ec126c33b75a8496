//! The scheduler's use cases that mail: expiry reminders and actions past
//! their date. Each batch is claimed and mailed in one transaction, so
//! several instances never mail one twice.

use super::follow;
use crate::server::{
    db::{self, happened::Happened, outbox::NewMail},
    mail::{self, templates::ExpiryReminder, To},
};
use chrono::NaiveDate;
use sqlx::PgPool;

/// Queues the expiry reminders due on `today` (a week before a
/// registration's end date), at most `limit`, in one transaction; returns
/// how many. Each registration and end date is reminded once, whichever
/// instance gets there first.
pub async fn expiry_reminders(pool: &PgPool, today: NaiveDate, limit: i64) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let due = db::involvements::due_reminders(&mut tx, today, limit).await?;
    let mails: Vec<NewMail> = due
        .iter()
        .map(|d| {
            let reminder = ExpiryReminder {
                recipient_name: d.user_name.clone(),
                youth_id: d.youth_id,
                youth_name: d.youth_name.clone(),
                end_date: d.end_date,
            };
            let key = format!("expiry:{}:{}", d.registration_id, d.end_date);
            mail::mail(To::User(d.user_id), &reminder, Some(d.youth_id), Some(key))
        })
        .collect();
    db::outbox::insert(&mut tx, &mails).await?;
    tx.commit().await?;
    Ok(due.len())
}

/// Claims up to `limit` actions past their date that were not mailed
/// about yet, and mails the assignee and the coordinating side once, in
/// one transaction. Returns how many actions it mailed about.
pub async fn mail_overdue(pool: &PgPool, today: NaiveDate, limit: i64) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let overdue = db::actions::claim_overdue(&mut tx, today, limit).await?;
    let n = overdue
        .iter()
        .filter(|h| matches!(h, Happened::ActionOverdue { .. }))
        .count();
    follow(&mut tx, overdue).await?;
    tx.commit().await?;
    Ok(n)
}
