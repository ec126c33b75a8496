//! The append-only NEN 7513 audit log.

use sqlx::PgExecutor;
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One audit row: who did what to which objects, from where, with what result.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub user_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub roles: Vec<String>,
    pub action: &'a str,
    pub object_type: Option<&'a str>,
    pub object_ids: Vec<String>,
    pub client_ip: Option<IpAddr>,
    pub outcome: Outcome,
}

pub async fn record(db: impl PgExecutor<'_>, entry: &Entry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (user_id, organisation_id, roles, action, object_type, object_ids, client_ip, result)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.user_id)
    .bind(entry.organisation_id)
    .bind(&entry.roles)
    .bind(entry.action)
    .bind(entry.object_type)
    .bind(&entry.object_ids)
    .bind(entry.client_ip.map(sqlx::types::ipnetwork::IpNetwork::from))
    .bind(entry.outcome.as_str())
    .execute(db)
    .await?;
    Ok(())
}
