//! Ending, closing and changing one professional's registrations and
//! signals (the API acts for a whole organisation).

use super::super::{happened::Happened, involvements::recount};
use super::lock;
use crate::domain::involvement::EndReason;
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// What ending or closing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Done {
        youth_id: Uuid,
        /// What recounting the youth's involvement did (a new coordinator).
        happened: Vec<Happened>,
    },
    /// Not this professional's, not active, or not there: all read alike.
    NotFound,
    /// The owner's, and ended before (with this reason): an API retry of
    /// the same end gets the same answer.
    Already { youth_id: Uuid, reason: String },
}

/// Ends the registration or closes the signal `id` of `user_id` (or of any
/// professional of `organisation_id`, for the API) with `reason`.
pub async fn finish(
    tx: &mut PgConnection,
    is_signal: bool,
    id: Uuid,
    owner: Owner,
    reason: EndReason,
    via_api: bool,
) -> Result<Ended, sqlx::Error> {
    let event = if is_signal { "closed" } else { "ended" };
    let (user, org) = owner.split();
    // The owner's record, and the reason it ended with if it has
    // (a statement per table, so both are checked).
    let row = if is_signal {
        sqlx::query!(
            "SELECT youth_id, close_reason AS reason FROM signals WHERE id = $1
                AND ($2::uuid IS NULL OR user_id = $2) AND ($3::uuid IS NULL OR organisation_id = $3)",
            id,
            user,
            org
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| (r.youth_id, r.reason))
    } else {
        sqlx::query!(
            "SELECT youth_id, end_reason AS reason FROM registrations WHERE id = $1
                AND ($2::uuid IS NULL OR user_id = $2) AND ($3::uuid IS NULL OR organisation_id = $3)",
            id,
            user,
            org
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| (r.youth_id, r.reason))
    };
    let youth_id = match row {
        None => return Ok(Ended::NotFound),
        Some((youth_id, Some(reason))) => return Ok(Ended::Already { youth_id, reason }),
        Some((youth_id, None)) => youth_id,
    };
    lock(tx, youth_id).await?;
    let done = if is_signal {
        sqlx::query!(
            "UPDATE signals SET closed_at = now(), close_reason = $2 WHERE id = $1 AND closed_at IS NULL",
            id,
            reason.as_str()
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!(
            "UPDATE registrations SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL",
            id,
            reason.as_str()
        )
        .execute(&mut *tx)
        .await?
    }
    .rows_affected();
    if done == 0 {
        return Ok(Ended::NotFound);
    }
    sqlx::query!(
        "INSERT INTO involvement_events (youth_id, involvement_id, event, detail, via_api) VALUES ($1, $2, $3, $4, $5)",
        youth_id,
        id,
        event,
        reason.as_str(),
        via_api
    )
        .execute(&mut *tx)
        .await?;
    let happened = recount(tx, &[youth_id]).await?;
    Ok(Ended::Done { youth_id, happened })
}

/// Whose registration or signal: one professional's, or (API) any of one
/// organisation's.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    User(Uuid),
    Organisation(Uuid),
}

impl Owner {
    fn split(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Owner::User(u) => (Some(u), None),
            Owner::Organisation(o) => (None, Some(o)),
        }
    }
}

/// Moves the end date of an active registration of `user_id`; the reminder
/// falls due again a week before the new date.
pub async fn change_end_date(
    tx: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    end_date: NaiveDate,
) -> Result<Option<Uuid>, sqlx::Error> {
    let youth_id = sqlx::query_scalar!(
        "UPDATE registrations SET end_date = $3, reminder_sent_at = NULL
          WHERE id = $1 AND user_id = $2 AND ended_at IS NULL RETURNING youth_id",
        id,
        user_id,
        end_date
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(youth_id) = youth_id {
        sqlx::query!(
            "INSERT INTO involvement_events (youth_id, involvement_id, event, detail) VALUES ($1, $2, 'end_date_changed', $3)",
            youth_id,
            id,
            crate::domain::records::nl_date(end_date)
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(youth_id)
}

/// What the retention purge removed.
#[derive(Debug, Default)]
pub struct Purged {
    pub youth_ids: Vec<Uuid>,
    pub registrations: i64,
    pub signals: i64,
}

/// Removes every youth born on or before `born_on_or_before` with all
/// their data (cascading); returns the ids and counts for the audit log.
pub async fn purge_born_on_or_before(
    tx: &mut PgConnection,
    born_on_or_before: NaiveDate,
) -> Result<Purged, sqlx::Error> {
    let counts = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM registrations r JOIN youths y ON y.id = r.youth_id WHERE y.birth_date <= $1) AS "registrations!",
                  (SELECT count(*) FROM signals s JOIN youths y ON y.id = s.youth_id WHERE y.birth_date <= $1) AS "signals!""#,
        born_on_or_before
    )
    .fetch_one(&mut *tx)
    .await?;
    let (registrations, signals) = (counts.registrations, counts.signals);
    let youth_ids = sqlx::query_scalar!(
        "DELETE FROM youths WHERE birth_date <= $1 RETURNING id",
        born_on_or_before
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(Purged {
        youth_ids,
        registrations,
        signals,
    })
}
