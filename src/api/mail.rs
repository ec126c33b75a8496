//! The region admin's view of the mail outbox, and retrying a mail.

use crate::{domain::records::MailOverview, error::AppError};
use leptos::prelude::*;

/// Mails shown per state.
pub const MAIL_LIST_LIMIT: i64 = 200;

/// Counts per state and the newest mails in `status` of the admin's region.
#[server(endpoint = "mail_outbox")]
pub async fn mail_outbox(#[server(default)] status: String) -> Result<MailOverview, AppError> {
    use crate::{
        api::{act::Caller, respond},
        domain::{records::MAIL_STATUSES, role::Role},
        server::db,
    };
    respond(async move {
        let Caller { user, state, .. } = Caller::require(&[Role::RegionAdmin]).await?;
        let status = MAIL_STATUSES
            .iter()
            .map(|(s, _)| *s)
            .find(|s| *s == status)
            .unwrap_or("pending");
        let found = db::outbox::counts(&state.pool, user.region_id).await?;
        let counts = MAIL_STATUSES
            .iter()
            .map(|(s, _)| {
                // A mail being sent right now counts as waiting.
                let n: i64 = found
                    .iter()
                    .filter(|(f, _)| f == s || (*s == "pending" && f == "sending"))
                    .map(|(_, n)| n)
                    .sum();
                (s.to_string(), n)
            })
            .collect();
        let rows = db::outbox::in_region(&state.pool, user.region_id, status, MAIL_LIST_LIMIT).await?;
        Ok(MailOverview {
            status: status.to_string(),
            counts,
            rows,
        })
    })
    .await
}

/// Puts a dead or failed mail of the admin's region back in the queue.
#[server(endpoint = "retry_mail")]
pub async fn retry_mail(id: i64) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let done = db::outbox::retry(act.tx(), id, region).await?;
        let result = if done { Ok(()) } else { Err(AppError::NotFound) };
        act.settle("mail_retry", "outbox", vec![id.to_string()], result)
            .await
    })
    .await
}
