//! The covenant's versions: read, write the next, activate, dry run, and
//! apply the active version to existing cases.

use super::{cases, coordinating_side, event, start, CaseRow, How, NewCoordination};
use crate::{
    domain::covenant::{dry_run, Change, Covenant, Current, Rule},
    server::db::happened::Happened,
};
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// One version of a region's covenant.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: Uuid,
    pub covenant: Covenant,
    pub activated_on: Option<chrono::NaiveDate>,
}

/// A version as stored: its rules as JSON.
struct VersionRow {
    id: Uuid,
    version: i32,
    rules: serde_json::Value,
    family_coordination: bool,
    region: String,
    activated_on: Option<chrono::NaiveDate>,
}

impl From<VersionRow> for Version {
    fn from(r: VersionRow) -> Self {
        let rules: Vec<Rule> = serde_json::from_value(r.rules).unwrap_or_default();
        Version {
            id: r.id,
            covenant: Covenant {
                region: r.region,
                version: r.version,
                rules,
                family_coordination: r.family_coordination,
            },
            activated_on: r.activated_on,
        }
    }
}

/// The active version of each region.
pub async fn active_for_regions(
    tx: &mut PgConnection,
    regions: &[Uuid],
) -> Result<HashMap<Uuid, (Uuid, Covenant)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT DISTINCT ON (v.region_id) v.region_id, v.id, v.version, v.rules, v.family_coordination, g.name AS region,
                (v.activated_at AT TIME ZONE 'Europe/Amsterdam')::date AS activated_on
           FROM covenant_versions v JOIN regions g ON g.id = v.region_id
          WHERE v.region_id = ANY($1) AND v.activated_at IS NOT NULL
          ORDER BY v.region_id, v.version DESC",
        regions
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let v = Version::from(VersionRow {
                id: r.id,
                version: r.version,
                rules: r.rules,
                family_coordination: r.family_coordination,
                region: r.region,
                activated_on: r.activated_on,
            });
            (r.region_id, (v.id, v.covenant))
        })
        .collect())
}

/// The active version of `region`.
pub async fn active(tx: &mut PgConnection, region: Uuid) -> Result<Option<Version>, sqlx::Error> {
    let row = sqlx::query_as!(
        VersionRow,
        "SELECT v.id, v.version, v.rules, v.family_coordination, g.name AS region,
                (v.activated_at AT TIME ZONE 'Europe/Amsterdam')::date AS activated_on
           FROM covenant_versions v JOIN regions g ON g.id = v.region_id
          WHERE v.region_id = $1 AND v.activated_at IS NOT NULL ORDER BY v.version DESC LIMIT 1",
        region
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(Version::from))
}

/// The newest version of `region`, active or a draft.
pub async fn latest(tx: &mut PgConnection, region: Uuid) -> Result<Option<Version>, sqlx::Error> {
    let row = sqlx::query_as!(
        VersionRow,
        "SELECT v.id, v.version, v.rules, v.family_coordination, g.name AS region,
                (v.activated_at AT TIME ZONE 'Europe/Amsterdam')::date AS activated_on
           FROM covenant_versions v JOIN regions g ON g.id = v.region_id
          WHERE v.region_id = $1 ORDER BY v.version DESC LIMIT 1",
        region
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(Version::from))
}

/// Someone saved a newer version since the editor loaded `based_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stale;

/// Writes `rules` as the next version of `region` (a draft), if the newest
/// is still `based_on`. Returns the new version number.
pub async fn save(
    tx: &mut PgConnection,
    region: Uuid,
    based_on: i32,
    rules: &[Rule],
    family_coordination: bool,
    by: Uuid,
) -> Result<Result<i32, Stale>, sqlx::Error> {
    sqlx::query!(
        r#"SELECT 1 AS "locked!" FROM regions WHERE id = $1 FOR UPDATE"#,
        region
    )
    .fetch_all(&mut *tx)
    .await?;
    let newest: i32 = sqlx::query_scalar!(
        r#"SELECT coalesce(max(version), 0) AS "version!" FROM covenant_versions WHERE region_id = $1"#,
        region
    )
    .fetch_one(&mut *tx)
    .await?;
    if newest != based_on {
        return Ok(Err(Stale));
    }
    sqlx::query!(
        "INSERT INTO covenant_versions (id, region_id, version, rules, family_coordination, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::new_v4(),
        region,
        newest + 1,
        serde_json::to_value(rules).expect("rules serialise"),
        family_coordination,
        by
    )
    .execute(&mut *tx)
    .await?;
    Ok(Ok(newest + 1))
}

/// Activates `version` of `region` if it is the newest and not active yet.
/// Existing appointments stay as they are.
pub async fn activate(
    tx: &mut PgConnection,
    region: Uuid,
    version: i32,
    by: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        r#"SELECT 1 AS "locked!" FROM regions WHERE id = $1 FOR UPDATE"#,
        region
    )
    .fetch_all(&mut *tx)
    .await?;
    let done = sqlx::query!(
        "UPDATE covenant_versions SET activated_at = now(), activated_by = $3
          WHERE region_id = $1 AND version = $2 AND activated_at IS NULL
            AND version = (SELECT max(version) FROM covenant_versions WHERE region_id = $1)",
        region,
        version,
        by
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// What a dry run found, with the cases for naming them.
pub struct DryRun {
    pub changes: Vec<Change>,
    pub cases: HashMap<Uuid, CaseRow>,
    pub checked: usize,
}

/// For every youth of `region` whose coordinating organisation the rules
/// appointed: the appointment `covenant` would make instead, where it differs.
pub async fn dry_run_in(
    tx: &mut PgConnection,
    region: Uuid,
    covenant: &Covenant,
) -> Result<DryRun, sqlx::Error> {
    let current: Vec<(Uuid, Uuid)> = sqlx::query!(
        "SELECT c.youth_id, c.organisation_id FROM coordinations c
           JOIN youths y ON y.id = c.youth_id JOIN municipalities m ON m.code = y.municipality_code
          WHERE c.ended_at IS NULL AND m.region_id = $1
            -- Appointments people made (a handover, the region's decision) and
            -- one coordinator per family are not the rules' to undo.
            AND c.how IN ('rule', 'reappointed', 'reapplied') AND c.rule_number IS NOT NULL",
        region
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.youth_id, r.organisation_id))
    .collect();
    let ids: Vec<Uuid> = current.iter().map(|c| c.0).collect();
    let cases = cases(tx, &ids, false).await?;
    let current: Vec<Current> = current
        .into_iter()
        .filter_map(|(youth_id, organisation)| {
            Some(Current {
                youth_id,
                organisation,
                case: cases.get(&youth_id)?.case.clone(),
            })
        })
        .collect();
    Ok(DryRun {
        changes: dry_run(covenant, &current),
        checked: current.len(),
        cases,
    })
}

/// Applies the active version to existing cases of `region`: every
/// appointment the dry run lists moves, with history. Returns how many
/// moved, and what happened.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn apply_to_existing(
    tx: &mut PgConnection,
    region: Uuid,
    by_name: &str,
) -> Result<(usize, Vec<Happened>), sqlx::Error> {
    let Some(active) = active(tx, region).await? else {
        return Ok((0, Vec::new()));
    };
    let run = dry_run_in(tx, region, &active.covenant).await?;
    let youths: Vec<Uuid> = run.changes.iter().map(|c| c.youth_id).collect();
    if youths.is_empty() {
        return Ok((0, Vec::new()));
    }
    sqlx::query!(
        r#"SELECT 1 AS "locked!" FROM youths WHERE id = ANY($1) ORDER BY id FOR UPDATE"#,
        &youths
    )
    .fetch_all(&mut *tx)
    .await?;
    // Who coordinated until now hears where the case goes.
    let mut happened = Vec::new();
    for c in &run.changes {
        happened.push(Happened::Reapplied {
            youth: c.youth_id,
            organisation: organisation_name(&run, c.youth_id, c.to),
            previous_side: coordinating_side(tx, c.youth_id).await?,
        });
    }
    sqlx::query!(
        "UPDATE coordinations SET ended_at = now(), end_reason = 'reapplied'
          WHERE ended_at IS NULL AND youth_id = ANY($1)",
        &youths
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE handovers SET outcome = 'lapsed', decided_at = now() WHERE outcome IS NULL AND youth_id = ANY($1)",
        &youths
    )
        .execute(&mut *tx)
        .await?;
    let lines: Vec<(Uuid, String)> = run
        .changes
        .iter()
        .map(|c| {
            (
                c.youth_id,
                format!(
                    "{by_name} (regio) heeft convenant v{} toegepast op bestaande casussen; de coördinatie gaat van {} naar {}.",
                    active.covenant.version,
                    organisation_name(&run, c.youth_id, c.from),
                    organisation_name(&run, c.youth_id, c.to)
                ),
            )
        })
        .collect();
    happened.extend(event::write_many(tx, &lines).await?);
    let items: Vec<NewCoordination> = run
        .changes
        .iter()
        .map(|c| NewCoordination {
            youth_id: c.youth_id,
            organisation_id: c.to,
            coordinator_id: None,
            covenant_version_id: Some(active.id),
            rule_number: c.rule.map(|r| r as i32),
            how: How::Reapplied,
            explanation: c.explanation.clone(),
        })
        .collect();
    let (started, appointed) = start(tx, &items).await?;
    happened.extend(appointed);
    Ok((started.len(), happened))
}

/// The name of an involved organisation of a case in the dry run.
pub fn organisation_name(run: &DryRun, youth: Uuid, org: Uuid) -> String {
    run.cases
        .get(&youth)
        .and_then(|c| c.case.parties.iter().find(|p| p.id == org))
        .map(|p| p.name.clone())
        .unwrap_or_default()
}
