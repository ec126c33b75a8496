//! Chain coordination: who coordinates each matched youth and why, the
//! covenant's versions, warm handovers and escalations. The access rules
//! are in the queries: a person acts on a case only as what they are to it
//! (involved, coordinator of the coordinating or receiving organisation,
//! region admin of the youth's region).

pub mod covenant;
pub mod escalation;
mod event;
pub mod handover;
pub mod read;
pub mod recipients;
mod settle;

pub use recipients::{coordinating_side, Audience};
pub use settle::{settle, start, How, NewCoordination};

use crate::domain::{
    coordination::Choice,
    covenant::{Case, Party},
    organisation::OrganisationKind,
    youth::{age_on, full_name},
};
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// A youth as the rule engine and the mails need it.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub region_id: Uuid,
    pub youth_name: String,
    pub municipality_name: String,
    pub case: Case,
}

/// The cases of `youths`; with `uncoordinated_only`, only matched youths
/// without an active coordination.
pub async fn cases(
    tx: &mut PgConnection,
    youths: &[Uuid],
    uncoordinated_only: bool,
) -> Result<HashMap<Uuid, CaseRow>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT y.id, y.given_names, y.prefix, y.family_name, y.birth_date, y.municipality_code,
                m.name AS municipality, m.region_id
           FROM youths y JOIN municipalities m ON m.code = y.municipality_code
          WHERE y.id = ANY($1)
            AND (NOT $2 OR (y.involved_organisations >= 2
                 AND NOT EXISTS (SELECT 1 FROM coordinations c WHERE c.youth_id = y.id AND c.ended_at IS NULL)))",
        youths,
        uncoordinated_only
    )
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let today = crate::domain::today();
    let mut out: HashMap<Uuid, CaseRow> = rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                CaseRow {
                    region_id: r.region_id,
                    youth_name: full_name(&r.given_names, &r.prefix, &r.family_name),
                    municipality_name: r.municipality,
                    case: Case {
                        age: age_on(r.birth_date, today),
                        municipality: r.municipality_code,
                        parties: Vec::new(),
                    },
                },
            )
        })
        .collect();
    let ids: Vec<Uuid> = out.keys().copied().collect();
    let parties = sqlx::query!(
        r#"SELECT i.youth_id AS "youth_id!", o.id, o.name, o.kind, o.may_coordinate, min(i.since) AS since
             FROM involvements i JOIN organisations o ON o.id = i.organisation_id
            WHERE i.youth_id = ANY($1)
            GROUP BY i.youth_id, o.id
            ORDER BY i.youth_id, since, o.name"#,
        &ids
    )
    .fetch_all(&mut *tx)
    .await?;
    for p in parties {
        if let Some(c) = out.get_mut(&p.youth_id) {
            c.case.parties.push(Party {
                id: p.id,
                name: p.name,
                kind: OrganisationKind::parse(&p.kind).unwrap_or(OrganisationKind::Gemeente),
                may_coordinate: p.may_coordinate,
            });
        }
    }
    Ok(out)
}

pub async fn organisation_names(
    tx: &mut PgConnection,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>, sqlx::Error> {
    Ok(
        sqlx::query!("SELECT id, name FROM organisations WHERE id = ANY($1)", ids)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect(),
    )
}

/// Involved organisations that may coordinate.
pub async fn may_coordinate(tx: &mut PgConnection, youth: Uuid) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(
        Choice,
        "SELECT DISTINCT o.id, o.name FROM involvements i JOIN organisations o ON o.id = i.organisation_id
          WHERE i.youth_id = $1 AND o.may_coordinate AND o.kind NOT IN ('school', 'politie', 'gemeente')
          ORDER BY o.name",
        youth
    )
    .fetch_all(&mut *tx)
    .await
}
