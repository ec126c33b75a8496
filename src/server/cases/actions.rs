//! Actions' use cases: the coordinator sets one out, changes or cancels
//! it, and the assignee hears of it; the assignee ticks it done. Boards
//! that show the action refetch it.

use super::{follow_if, then};
use crate::{
    domain::actions::NewAction,
    server::db::{
        actions::{self, Assignee, Refused},
        coordination::handover::Actor,
    },
};
use sqlx::PgConnection;
use uuid::Uuid;

/// Sets out an action on `youth`; returns it.
pub async fn create(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    new: &NewAction,
    who: Assignee,
) -> Result<Result<Uuid, Refused>, sqlx::Error> {
    let done = actions::create(tx, youth, actor, new, who).await?;
    then(tx, done).await
}

/// Changes an open action; a new assignee is told.
pub async fn change(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
    new: &NewAction,
    who: Assignee,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let done = actions::change(tx, id, actor, new, who).await?.map(|h| ((), h));
    then(tx, done).await
}

/// Cancels an open action; false when the actor may not.
pub async fn cancel(tx: &mut PgConnection, id: Uuid, actor: &Actor) -> Result<bool, sqlx::Error> {
    let happened = actions::cancel(tx, id, actor).await?;
    follow_if(tx, happened.map(|h| vec![h])).await
}

/// Ticks an open action done, with the assignee's own note; false when
/// the actor may not.
pub async fn tick(
    tx: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
    note: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let happened = actions::tick(tx, id, actor, note).await?;
    follow_if(tx, happened.map(|h| vec![h])).await
}
