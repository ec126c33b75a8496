//! The opening every server function shares: the caller, checked for a
//! role ([`Caller`]); for a write or a read of personal data also a
//! transaction and, at the end, one audit row committed with it ([`Act`]).

use crate::{
    domain::{role::Role, user::CurrentUser},
    error::AppError,
    server::{
        auth,
        db::{
            audit::{self, ui_entry},
            coordination::handover::Actor,
        },
        state::AppState,
    },
};
use axum::http::request::Parts;
use sqlx::{PgConnection, Postgres, Transaction};
use std::net::IpAddr;

/// Who calls a server function, with what the function needs of the request.
pub struct Caller {
    pub user: CurrentUser,
    pub state: AppState,
    pub parts: Parts,
}

impl Caller {
    /// The logged-in user of the server function being called, who must
    /// hold one of `roles` (any role when empty); a refusal is audited.
    pub async fn require(roles: &[Role]) -> Result<Caller, AppError> {
        let (state, parts) = auth::request()?;
        Caller::of_request(state, parts, roles).await
    }

    /// The same for an HTTP handler outside Leptos, from its request.
    pub async fn of_request(state: AppState, parts: Parts, roles: &[Role]) -> Result<Caller, AppError> {
        let user = auth::require_in(&state, &parts, roles).await?;
        Ok(Caller { user, state, parts })
    }

    /// [`Caller::require`] for a refetch after a live change (`live`):
    /// it only looks at the session, never keeps it alive.
    pub async fn require_live(roles: &[Role], live: bool) -> Result<Caller, AppError> {
        let (state, parts) = auth::request()?;
        let user = auth::require_touching(&state, &parts, roles, !live).await?;
        Ok(Caller { user, state, parts })
    }

    pub fn client_ip(&self) -> Option<IpAddr> {
        auth::client_ip(&self.parts, &self.state.config)
    }
}

pub struct Act {
    pub user: CurrentUser,
    ip: Option<IpAddr>,
    tx: Transaction<'static, Postgres>,
}

impl Act {
    /// Checks that the user holds one of `roles` and opens a transaction.
    pub async fn begin(roles: &[Role]) -> Result<Act, AppError> {
        Act::of(Caller::require(roles).await?).await
    }

    /// [`Act::begin`] for a refetch after a live change when `live`.
    pub async fn begin_live(roles: &[Role], live: bool) -> Result<Act, AppError> {
        Act::of(Caller::require_live(roles, live).await?).await
    }

    /// Opens the transaction for a caller already checked.
    pub async fn of(caller: Caller) -> Result<Act, AppError> {
        let ip = caller.client_ip();
        let tx = caller.state.pool.begin().await?;
        Ok(Act {
            user: caller.user,
            ip,
            tx,
        })
    }

    pub fn tx(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    pub fn actor(&self) -> Actor {
        Actor::from(&self.user)
    }

    /// Where the request came from, for use cases that write their own audit rows.
    pub fn client_ip(&self) -> Option<IpAddr> {
        self.ip
    }

    /// Commits what a use case wrote together with its own audit rows.
    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Writes an audit row now, in the transaction (with the reason a
    /// person gave for a look, if any).
    pub async fn audit(
        &mut self,
        action: &'static str,
        object_type: &'static str,
        ids: Vec<String>,
        outcome: audit::Outcome,
        reason: Option<String>,
    ) -> Result<(), AppError> {
        let mut entry = ui_entry(&self.user, self.ip, action, object_type, ids, outcome);
        entry.reason = reason;
        audit::record(&mut *self.tx, &entry).await?;
        Ok(())
    }

    /// Writes the audit row and commits.
    pub async fn done(
        mut self,
        action: &'static str,
        object_type: &'static str,
        ids: Vec<String>,
        outcome: audit::Outcome,
    ) -> Result<(), AppError> {
        self.audit(action, object_type, ids, outcome, None).await?;
        self.commit().await
    }

    /// Commits `Ok`, or a denial (audited) as "not found" — the same answer
    /// as for something that does not exist.
    pub async fn settle<T>(
        self,
        action: &'static str,
        object_type: &'static str,
        ids: Vec<String>,
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        let outcome = match &result {
            Ok(_) => audit::Outcome::Success,
            Err(AppError::Invalid { .. }) => audit::Outcome::Failed,
            Err(_) => audit::Outcome::Denied,
        };
        self.done(action, object_type, ids, outcome).await?;
        result
    }
}
