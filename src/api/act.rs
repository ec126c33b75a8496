//! One write of a server function: the user, checked for a role; a
//! transaction; and at the end one audit row committed with the change.

use crate::{
    domain::{role::Role, user::CurrentUser},
    error::AppError,
    server::{
        auth,
        db::{
            audit::{self, ui_entry},
            coordination::handover::Actor,
        },
    },
};
use sqlx::{PgConnection, Postgres, Transaction};
use std::net::IpAddr;

pub(crate) struct Act {
    pub user: CurrentUser,
    ip: Option<IpAddr>,
    tx: Transaction<'static, Postgres>,
}

impl Act {
    /// Checks that the user holds one of `roles` and opens a transaction.
    pub async fn begin(roles: &[Role]) -> Result<Act, AppError> {
        let user = auth::require(roles).await?;
        let (state, parts) = auth::request()?;
        let ip = auth::client_ip(&parts, state.config.trust_proxy_headers);
        let tx = state.pool.begin().await?;
        Ok(Act { user, ip, tx })
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
