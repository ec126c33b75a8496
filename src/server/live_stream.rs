//! `GET /live?topic=…`: the event stream of one page (Server-Sent Events).
//!
//! On connect the stream replays what the viewer missed since
//! `Last-Event-ID` (or says `resync` when that is too much or already
//! deleted), then passes on, in order and each once, every event about a
//! youth the viewer may see (the audience the database stored at commit).
//! A connection on a board or youth page counts as presence there. A
//! stream never keeps its session alive, ends when the session does
//! (checked every `LIVE_SESSION_CHECK_SECONDS`), and a session holds at
//! most `live::MAX_STREAMS_PER_SESSION` of them per instance.

use super::live::{Live, Msg};
use crate::{
    domain::{
        live::{event, Change, Topic},
        role::Role,
        user::CurrentUser,
    },
    server::{
        auth,
        db::{self, coordination::handover::Actor, live::Stored},
        state::AppState,
    },
};
use axum::{
    extract::{Query, Request, State},
    http::{HeaderValue, StatusCode},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use std::{convert::Infallible, time::Duration};
use tokio::sync::{broadcast::error::RecvError, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

/// More missed events than this: refetch instead of replaying.
pub const REPLAY_LIMIT: i64 = 500;

#[derive(serde::Deserialize)]
pub struct Params {
    topic: Option<String>,
}

/// May `user` watch `topic`? (The same rule as the page it belongs to.)
pub async fn may_watch(state: &AppState, user: &CurrentUser, topic: Topic) -> Result<bool, sqlx::Error> {
    Ok(match topic {
        Topic::Board => user.has(Role::Coordinator),
        Topic::Mine => user.has_any(&[Role::Professional, Role::Coordinator]),
        Topic::Youth(youth) => {
            user.has_any(&[Role::Professional, Role::Coordinator]) && {
                let mut conn = state.pool.acquire().await?;
                db::coordination::read::may_view(&mut conn, youth, &Actor::from(user)).await?
            }
        }
    })
}

pub async fn stream(State(state): State<AppState>, Query(params): Query<Params>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    // The stream looks at its session without keeping it alive: only the
    // user's own requests do.
    let user = match auth::session_user_of(&state, &parts, false).await {
        Ok(Some(u)) => u,
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => return super::errors::plain_response(e),
    };
    let session = auth::session_token(&parts.headers)
        .map(|t| auth::hash_token(&t).to_vec())
        .unwrap_or_default();
    let Some(slot) = state.live.open_stream(&session) else {
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    };
    let Some(topic) = params.topic.as_deref().and_then(Topic::parse) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match may_watch(&state, &user, topic).await {
        Ok(true) => {}
        Ok(false) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return super::errors::plain_response(e),
    }
    let last_seen = parts
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n >= 0);
    // Subscribe, then take the position: what is broadcast from here on is
    // passed on unless it is older (the page refetches on `ready`).
    let subscription = state.live.subscribe();
    let position = state.live.position();
    let (out, rx) = mpsc::channel::<Result<Event, Infallible>>(256);
    let conn = Connection {
        pool: state.pool.clone(),
        hub: state.live.clone(),
        session,
        limits: (state.config.session_idle, state.config.session_absolute),
        check_every: state.config.live_session_check,
        _slot: slot,
        user: user.id,
        youth: topic.youth(),
        room: topic.presence_room(user.organisation_id),
        out,
    };
    tokio::spawn(conn.run(subscription, position, last_seen));
    let mut response = Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
        .into_response();
    let h = response.headers_mut();
    h.insert("cache-control", HeaderValue::from_static("no-store"));
    // Proxies must not hold events back.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

struct Connection {
    pool: sqlx::PgPool,
    hub: Live,
    /// The session's hash, checked every `check_every`: the stream ends
    /// with it (log-out, time-out, password change, deactivation).
    session: Vec<u8>,
    limits: (Duration, Duration),
    check_every: Duration,
    _slot: super::live::StreamSlot,
    user: Uuid,
    youth: Option<Uuid>,
    room: Option<String>,
    out: mpsc::Sender<Result<Event, Infallible>>,
}

fn change(e: &Stored) -> Event {
    let data = Change {
        kind: e.kind.clone(),
        youth: e.youth_id,
        action: e.action_id,
        at: e.at_micros,
    };
    Event::default()
        .event(event::CHANGE)
        .id(e.seq.to_string())
        .json_data(data)
        .unwrap_or_default()
}

fn marker(name: &'static str, position: i64) -> Event {
    Event::default().event(name).id(position.to_string()).data("{}")
}

impl Connection {
    fn visible(&self, e: &Stored) -> bool {
        e.audience.contains(&self.user) && self.youth.is_none_or(|y| y == e.youth_id)
    }

    async fn send(&self, e: Event) -> bool {
        self.out.send(Ok(e)).await.is_ok()
    }

    /// Whether the stream's session still holds (a database error keeps
    /// the stream: the next check decides).
    async fn session_alive(&self) -> bool {
        let (idle, absolute) = self.limits;
        db::users::session_alive(
            &self.pool,
            &self.session,
            idle.as_secs_f64(),
            absolute.as_secs_f64(),
        )
        .await
        .unwrap_or(true)
    }

    /// The missed events, or `None` when the viewer should resync.
    async fn replay(&self, after: i64) -> Option<Vec<Stored>> {
        match db::live::missed(&self.pool, self.user, after, self.youth, REPLAY_LIMIT + 1).await {
            Ok(Some(list)) if list.len() as i64 <= REPLAY_LIMIT => Some(list),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!(error = %e, "live replay failed; the client resyncs");
                None
            }
        }
    }

    async fn run(
        self,
        mut sub: tokio::sync::broadcast::Receiver<Msg>,
        mut position: i64,
        last_seen: Option<i64>,
    ) {
        let connection = Uuid::new_v4();
        if let Some(room) = &self.room {
            if let Err(e) = db::live::present(&self.pool, connection, self.user, room).await {
                tracing::warn!(error = %e, "presence not recorded");
            }
        }
        let mut opened = true;
        if let Some(after) = last_seen {
            position = position.max(after);
            match self.replay(after).await {
                Some(list) => {
                    for e in &list {
                        position = position.max(e.seq);
                        opened = opened && self.send(change(e)).await;
                    }
                }
                None => opened = self.send(marker(event::RESYNC, position)).await,
            }
        }
        opened = opened && self.send(marker(event::READY, position)).await;
        let mut closing = self.hub.closed();
        let mut heartbeat = tokio::time::interval(Duration::from_secs(15));
        heartbeat.tick().await;
        let mut session_check = tokio::time::interval(self.check_every);
        session_check.tick().await;
        let mut told = position;
        while opened && !*closing.borrow() {
            tokio::select! {
                msg = sub.recv() => {
                    opened = match msg {
                        Ok(Msg::Event(e)) if e.seq > position => {
                            position = e.seq;
                            if self.visible(&e) {
                                told = position;
                                self.send(change(&e)).await
                            } else {
                                true
                            }
                        }
                        Ok(Msg::Event(_)) => true,
                        Ok(Msg::Presence(room)) => {
                            if self.room.as_deref() == Some(&*room) {
                                self.send(Event::default().event(event::PRESENCE).data("{}")).await
                            } else {
                                true
                            }
                        }
                        Ok(Msg::Resync) | Err(RecvError::Lagged(_)) => {
                            position = position.max(self.hub.position());
                            told = position;
                            self.send(marker(event::RESYNC, position)).await
                        }
                        Err(RecvError::Closed) => false,
                    };
                }
                _ = heartbeat.tick() => {
                    if self.room.is_some() {
                        if let Err(e) = db::live::still_present(&self.pool, connection).await {
                            tracing::warn!(error = %e, "presence not refreshed");
                        }
                    }
                    // Move the client's Last-Event-ID past events it did not need.
                    if told < position {
                        told = position;
                        opened = self.send(marker(event::POSITION, position)).await;
                    }
                }
                _ = session_check.tick() => {
                    opened = self.session_alive().await;
                }
                _ = self.out.closed() => opened = false,
                _ = closing.changed() => {}
            }
        }
        if self.room.is_some() {
            if let Err(e) = db::live::gone(&self.pool, connection).await {
                tracing::warn!(error = %e, "presence not removed");
            }
        }
    }
}
