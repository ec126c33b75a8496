//! The append-only NEN 7513 audit log.

use crate::domain::user::CurrentUser;
use sqlx::{types::ipnetwork::IpNetwork, PgExecutor};
use std::net::IpAddr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// Where an action came from: a person in the UI, an institution system
/// through the API, or the system itself (scheduled jobs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Ui,
    Api,
    System,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Ui => "ui",
            Via::Api => "api",
            Via::System => "system",
        }
    }
}

/// One audit row: who did what to which objects, from where, with what
/// result. `reason` is what a person typed to justify a look (never
/// personal data of a youth).
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
    pub reason: Option<String>,
    pub via: Via,
}

/// An audit row for what `user` did from the UI.
pub fn ui_entry<'a>(
    user: &CurrentUser,
    client_ip: Option<IpAddr>,
    action: &'a str,
    object_type: &'a str,
    object_ids: Vec<String>,
    outcome: Outcome,
) -> Entry<'a> {
    Entry {
        user_id: Some(user.id),
        organisation_id: Some(user.organisation_id),
        roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
        action,
        object_type: Some(object_type),
        object_ids,
        client_ip,
        outcome,
        reason: None,
        via: Via::Ui,
    }
}

/// An audit row for what the system did by itself on behalf of an
/// organisation (an appointment by the covenant's rules).
pub fn system_entry<'a>(
    organisation_id: Option<Uuid>,
    action: &'a str,
    object_type: &'a str,
    object_ids: Vec<String>,
) -> Entry<'a> {
    Entry {
        user_id: None,
        organisation_id,
        roles: Vec::new(),
        action,
        object_type: Some(object_type),
        object_ids,
        client_ip: None,
        outcome: Outcome::Success,
        reason: None,
        via: Via::System,
    }
}

pub async fn record(db: impl PgExecutor<'_>, entry: &Entry<'_>) -> Result<(), sqlx::Error> {
    record_many(db, std::slice::from_ref(entry)).await
}

/// Writes all `entries` in one statement.
pub async fn record_many(db: impl PgExecutor<'_>, entries: &[Entry<'_>]) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let n = entries.len();
    let mut users = Vec::with_capacity(n);
    let mut orgs = Vec::with_capacity(n);
    let mut roles = Vec::with_capacity(n);
    let mut actions = Vec::with_capacity(n);
    let mut types = Vec::with_capacity(n);
    let mut objects = Vec::with_capacity(n);
    let mut ips = Vec::with_capacity(n);
    let mut results = Vec::with_capacity(n);
    let mut reasons = Vec::with_capacity(n);
    let mut vias = Vec::with_capacity(n);
    for e in entries {
        users.push(e.user_id);
        orgs.push(e.organisation_id);
        // Arrays of arrays must be rectangular in PostgreSQL: pass them as text.
        roles.push(array_literal(&e.roles));
        actions.push(e.action);
        types.push(e.object_type);
        objects.push(array_literal(&e.object_ids));
        ips.push(e.client_ip.map(IpNetwork::from));
        results.push(e.outcome.as_str());
        reasons.push(e.reason.as_deref());
        vias.push(e.via.as_str());
    }
    sqlx::query!(
        "INSERT INTO audit_log (user_id, organisation_id, roles, action, object_type, object_ids, client_ip, result, reason, via)
         SELECT u, o, r::text[], a, t, ids::text[], ip, res, reason, via
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::inet[],
                       $8::text[], $9::text[], $10::text[])
                AS x(u, o, r, a, t, ids, ip, res, reason, via)",
        &users as &[Option<Uuid>],
        &orgs as &[Option<Uuid>],
        &roles,
        &actions as &[&str],
        &types as &[Option<&str>],
        &objects,
        &ips as &[Option<IpNetwork>],
        &results as &[&str],
        &reasons as &[Option<&str>],
        &vias as &[&str]
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A PostgreSQL array literal with every element quoted.
fn array_literal(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}

#[cfg(test)]
mod tests {
    #[test]
    fn array_literals_quote_every_element() {
        let items = vec![
            "a,b".to_string(),
            "say \"hi\"".to_string(),
            "back\\slash".to_string(),
        ];
        assert_eq!(
            super::array_literal(&items),
            r#"{"a,b","say \"hi\"","back\\slash"}"#
        );
        assert_eq!(super::array_literal(&[]), "{}");
    }
}

/// Gives every audit row not yet in the hash chain its place and hash
/// (`audit_seal()`, which runs as the table's owner); returns how many.
pub async fn seal(pool: &sqlx::PgPool) -> Result<u64, sqlx::Error> {
    let mut total = 0;
    loop {
        let n = sqlx::query_scalar!(r#"SELECT audit_seal(10000) AS "n!""#)
            .fetch_one(pool)
            .await?;
        total += n as u64;
        if n < 10000 {
            return Ok(total);
        }
    }
}

/// What `verify-audit` found: how many rows are in the chain, and the
/// first that no longer fits (sequence number, id, what is wrong).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub sealed: i64,
    pub broken: Option<(i64, Option<i64>, String)>,
}

/// Recomputes the audit log's hash chain.
pub async fn verify(pool: &sqlx::PgPool) -> Result<Verified, sqlx::Error> {
    let broken = sqlx::query!(r#"SELECT seq AS "seq!", id, problem AS "problem!" FROM audit_verify()"#)
        .fetch_optional(pool)
        .await?
        .map(|r| (r.seq, r.id, r.problem));
    let sealed = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM audit_log WHERE seq IS NOT NULL"#)
        .fetch_one(pool)
        .await?;
    Ok(Verified { sealed, broken })
}

/// Whether this connection's role could change or remove audit rows (it
/// owns the table, or holds UPDATE, DELETE or TRUNCATE on it).
pub async fn may_rewrite(pool: &sqlx::PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'audit_log'::regclass), 'USAGE')
                  OR has_table_privilege('audit_log', 'UPDATE')
                  OR has_table_privilege('audit_log', 'DELETE')
                  OR has_table_privilege('audit_log', 'TRUNCATE')) AS "may!""#
    )
    .fetch_one(pool)
    .await
}
