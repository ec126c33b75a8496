//! Actions' use cases: the coordinator sets one out or changes it, and the
//! assignee hears of it.

use super::then;
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
    let done = actions::create(tx, youth, actor, new, who)
        .await?
        .map(|(id, h)| (id, vec![h]));
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
    let done = actions::change(tx, id, actor, new, who)
        .await?
        .map(|h| ((), h.into_iter().collect()));
    then(tx, done).await
}
