//! The region admin resolves a mismatch of personal data; the
//! professionals concerned hear of it (see `db::youths::versions`).

use super::follow_if;
use crate::{domain::data_quality::Decision, server::db::youths::versions};
use sqlx::PgConnection;
use uuid::Uuid;

/// True when there was such an open mismatch in `region` and it is resolved.
pub async fn resolve(
    tx: &mut PgConnection,
    youth: Uuid,
    organisation: Uuid,
    region: Uuid,
    admin: Uuid,
    decision: Decision,
) -> Result<bool, sqlx::Error> {
    let happened = versions::resolve(tx, youth, organisation, region, admin, decision).await?;
    follow_if(tx, happened).await
}
