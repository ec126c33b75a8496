//! Presence: who else has the same board or youth open right now.

use crate::error::AppError;
use leptos::prelude::*;

/// The names of the others watching `topic` (see `domain::live::Topic`),
/// over all app instances. Refused like the page itself.
#[server(endpoint = "live_presence")]
pub async fn live_presence(topic: String) -> Result<Vec<String>, AppError> {
    use crate::{
        api::{act::Caller, respond},
        domain::{live::Topic, role::Role},
        server::{db, live_stream::may_watch},
    };
    respond(async move {
        let Caller { user, state, .. } = Caller::require(&[Role::Professional, Role::Coordinator]).await?;
        let topic = Topic::parse(&topic).ok_or(AppError::NotFound)?;
        if !may_watch(&state, &user, topic).await? {
            return Err(AppError::NotFound);
        }
        match topic.presence_room(user.organisation_id) {
            Some(room) => Ok(db::live::who_is_here(&state.pool, &room, user.id).await?),
            None => Ok(Vec::new()),
        }
    })
    .await
}
