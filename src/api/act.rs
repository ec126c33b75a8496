//! One write of a server function: the user, checked for a role; a
//! transaction; and at the end one audit row committed with the change.

use crate::{
    domain::{role::Role, user::CurrentUser},
    error::AppError,
    server::{
        auth,
        chain::ui_entry,
        db::{audit, coordination::handover::Actor},
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

    /// Writes the audit row and commits.
    pub async fn done(
        mut self,
        action: &'static str,
        object_type: &'static str,
        ids: Vec<String>,
        outcome: audit::Outcome,
    ) -> Result<(), AppError> {
        audit::record(
            &mut *self.tx,
            &ui_entry(&self.user, self.ip, action, object_type, ids, outcome),
        )
        .await?;
        self.tx.commit().await?;
        Ok(())
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
