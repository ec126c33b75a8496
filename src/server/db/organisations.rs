//! Regions, municipalities and organisations.

use crate::domain::organisation::{Capabilities, OrganisationKind};
use crate::domain::views::{Municipality, OrganisationSummary};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// The name of region `id`.
pub async fn region_name(db: impl PgExecutor<'_>, id: Uuid) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("SELECT name FROM regions WHERE id = $1", id)
        .fetch_one(db)
        .await
}

/// Finds or makes the region `name`; a new region gets covenant version 1
/// (no rules yet: the fallback decides).
pub async fn upsert_region(db: impl PgExecutor<'_>, name: &str) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "WITH r AS (
             INSERT INTO regions (id, name) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
             RETURNING id),
         c AS (
             INSERT INTO covenant_versions (id, region_id, version, rules, activated_at)
             SELECT $3, id, 1, '[]', now() FROM r
             ON CONFLICT (region_id, version) DO NOTHING)
         SELECT id FROM r",
        Uuid::new_v4(),
        name,
        Uuid::new_v4()
    )
    .fetch_one(db)
    .await
}

pub async fn upsert_municipality(
    db: impl PgExecutor<'_>,
    code: &str,
    name: &str,
    region_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO municipalities (code, name, region_id) VALUES ($1, $2, $3)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, region_id = EXCLUDED.region_id",
        code,
        name,
        region_id
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn upsert_organisation(
    conn: &mut PgConnection,
    region_id: Uuid,
    name: &str,
    kind: OrganisationKind,
    caps: Capabilities,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO organisations (id, region_id, name, kind, may_register, may_signal, may_coordinate)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (region_id, name) DO UPDATE SET kind = EXCLUDED.kind
         RETURNING id",
        Uuid::new_v4(),
        region_id,
        name,
        kind.as_str(),
        caps.may_register,
        caps.may_signal,
        caps.may_coordinate
    )
    .fetch_one(conn)
    .await
}

pub async fn in_region(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
) -> Result<Vec<OrganisationSummary>, sqlx::Error> {
    sqlx::query_as!(
        OrganisationSummary,
        r#"SELECT o.id, o.name, o.kind, o.may_register, o.may_signal, o.may_coordinate,
                  (SELECT count(*) FROM users u WHERE u.organisation_id = o.id AND u.active) AS "users!"
           FROM organisations o WHERE o.region_id = $1 ORDER BY o.name"#,
        region_id
    )
    .fetch_all(db)
    .await
}

pub async fn municipalities_in_region(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
) -> Result<Vec<Municipality>, sqlx::Error> {
    sqlx::query_as!(
        Municipality,
        "SELECT code, name FROM municipalities WHERE region_id = $1 ORDER BY name",
        region_id
    )
    .fetch_all(db)
    .await
}

pub async fn municipalities_of_analyst(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
) -> Result<Vec<Municipality>, sqlx::Error> {
    sqlx::query_as!(
        Municipality,
        "SELECT m.code, m.name FROM analyst_municipalities a
         JOIN municipalities m ON m.code = a.municipality_code
         WHERE a.user_id = $1 ORDER BY m.name",
        user_id
    )
    .fetch_all(db)
    .await
}
