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
mod settle;

pub use settle::{settle, start, How, NewCoordination};

use crate::{
    domain::{
        coordination::Choice,
        covenant::{Case, Party},
        organisation::OrganisationKind,
        youth::{age_on, full_name},
    },
    server::mail::{self, coordination::CoordinationEvent, coordination::CoordinationNotice, To},
};
use sqlx::{PgConnection, Row};
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
    let rows = sqlx::query(
        "SELECT y.id, y.given_names, y.prefix, y.family_name, y.birth_date, y.municipality_code,
                m.name AS municipality, m.region_id
           FROM youths y JOIN municipalities m ON m.code = y.municipality_code
          WHERE y.id = ANY($1)
            AND (NOT $2 OR (y.involved_organisations >= 2
                 AND NOT EXISTS (SELECT 1 FROM coordinations c WHERE c.youth_id = y.id AND c.ended_at IS NULL)))",
    )
    .bind(youths)
    .bind(uncoordinated_only)
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
                r.get("id"),
                CaseRow {
                    region_id: r.get("region_id"),
                    youth_name: full_name(r.get("given_names"), r.get("prefix"), r.get("family_name")),
                    municipality_name: r.get("municipality"),
                    case: Case {
                        age: age_on(r.get("birth_date"), today),
                        municipality: r.get("municipality_code"),
                        parties: Vec::new(),
                    },
                },
            )
        })
        .collect();
    let ids: Vec<Uuid> = out.keys().copied().collect();
    let parties = sqlx::query(
        "SELECT i.youth_id, o.id, o.name, o.kind, o.may_coordinate, min(i.since) AS since
           FROM involvements i JOIN organisations o ON o.id = i.organisation_id
          WHERE i.youth_id = ANY($1)
          GROUP BY i.youth_id, o.id
          ORDER BY i.youth_id, since, o.name",
    )
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    for p in parties {
        if let Some(c) = out.get_mut(&p.get::<Uuid, _>("youth_id")) {
            c.case.parties.push(Party {
                id: p.get("id"),
                name: p.get("name"),
                kind: OrganisationKind::parse(p.get("kind")).unwrap_or(OrganisationKind::Gemeente),
                may_coordinate: p.get("may_coordinate"),
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
        sqlx::query_as::<_, (Uuid, String)>("SELECT id, name FROM organisations WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect(),
    )
}

/// The youths' names, for mails.
async fn youth_names(tx: &mut PgConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, sqlx::Error> {
    Ok(
        sqlx::query("SELECT id, given_names, prefix, family_name FROM youths WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.get("id"),
                    full_name(r.get("given_names"), r.get("prefix"), r.get("family_name")),
                )
            })
            .collect(),
    )
}

/// Involved organisations that may coordinate.
pub async fn may_coordinate(tx: &mut PgConnection, youth: Uuid) -> Result<Vec<Choice>, sqlx::Error> {
    Ok(sqlx::query_as::<_, (Uuid, String)>(
        "SELECT DISTINCT o.id, o.name FROM involvements i JOIN organisations o ON o.id = i.organisation_id
          WHERE i.youth_id = $1 AND o.may_coordinate AND o.kind NOT IN ('school', 'politie', 'gemeente')
          ORDER BY o.name",
    )
    .bind(youth)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id, name)| Choice { id, name })
    .collect())
}

/// Who receives a coordination mail about a youth.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    /// Every active coordinator of the organisation.
    Coordinators(Uuid),
    /// One person.
    User(Uuid),
    /// The coordinating side: the coordinating person, else the
    /// coordinators of the coordinating organisation.
    CoordinatingSide,
    /// Every involved professional.
    Involved,
    /// The region admins of the youth's region.
    RegionAdmins,
}

/// Queues `event` about `youth_id` to each audience (a person once), except `skip`.
pub async fn notify(
    tx: &mut PgConnection,
    youth_id: Uuid,
    audiences: &[Audience],
    event: &CoordinationEvent,
    skip: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    let mut users: Vec<(Uuid, String)> = Vec::new();
    for a in audiences {
        let sql = match a {
            Audience::Coordinators(_) => {
                "SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'coordinator'
                  WHERE u.organisation_id = $2 AND u.active"
            }
            Audience::User(_) => "SELECT id, name FROM users WHERE id = $2 AND active",
            Audience::CoordinatingSide => {
                "SELECT u.id, u.name FROM coordinations c JOIN users u ON u.id = c.coordinator_id
                  WHERE c.youth_id = $1 AND c.ended_at IS NULL AND u.active
                 UNION
                 SELECT u.id, u.name FROM coordinations c
                   JOIN users u ON u.organisation_id = c.organisation_id
                   JOIN user_roles r ON r.user_id = u.id AND r.role = 'coordinator'
                  WHERE c.youth_id = $1 AND c.ended_at IS NULL AND c.coordinator_id IS NULL AND u.active"
            }
            Audience::Involved => {
                "SELECT DISTINCT u.id, u.name FROM involvements i JOIN users u ON u.id = i.user_id
                  WHERE i.youth_id = $1 AND u.active"
            }
            Audience::RegionAdmins => {
                "SELECT u.id, u.name FROM youths y
                   JOIN municipalities m ON m.code = y.municipality_code
                   JOIN organisations o ON o.region_id = m.region_id
                   JOIN users u ON u.organisation_id = o.id
                   JOIN user_roles r ON r.user_id = u.id AND r.role = 'region_admin'
                  WHERE y.id = $1 AND u.active"
            }
        };
        let arg = match a {
            Audience::Coordinators(id) | Audience::User(id) => Some(*id),
            _ => None,
        };
        for r in sqlx::query(sql)
            .bind(youth_id)
            .bind(arg)
            .fetch_all(&mut *tx)
            .await?
        {
            let id: Uuid = r.get(0);
            if Some(id) != skip && !users.iter().any(|(u, _)| *u == id) {
                users.push((id, r.get(1)));
            }
        }
    }
    if users.is_empty() {
        return Ok(());
    }
    let name = youth_names(tx, &[youth_id])
        .await?
        .remove(&youth_id)
        .unwrap_or_default();
    let mails: Vec<_> = users
        .into_iter()
        .map(|(user, recipient_name)| {
            let notice = CoordinationNotice {
                recipient_name,
                youth_id,
                youth_name: name.clone(),
                event: event.clone(),
            };
            mail::mail(To::User(user), &notice, Some(youth_id), None)
        })
        .collect();
    super::outbox::insert(tx, &mails).await?;
    Ok(())
}

/// Queues each (youth, organisation, event) to the organisation's
/// coordinators, set-based (a bulk import may make thousands of matches).
async fn mail_coordinators(
    tx: &mut PgConnection,
    items: &[(Uuid, Uuid, CoordinationEvent)],
) -> Result<(), sqlx::Error> {
    if items.is_empty() {
        return Ok(());
    }
    let youths: Vec<Uuid> = items.iter().map(|i| i.0).collect();
    let orgs: Vec<Uuid> = items.iter().map(|i| i.1).collect();
    let rows = sqlx::query(
        "SELECT x.n, u.id, u.name
           FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(youth_id, org, n)
           JOIN users u ON u.organisation_id = x.org AND u.active
           JOIN user_roles r ON r.user_id = u.id AND r.role = 'coordinator'",
    )
    .bind(&youths)
    .bind(&orgs)
    .fetch_all(&mut *tx)
    .await?;
    let names = youth_names(tx, &youths).await?;
    let mails: Vec<_> = rows
        .into_iter()
        .map(|r| {
            let (youth_id, _, event) = &items[r.get::<i64, _>(0) as usize - 1];
            let notice = CoordinationNotice {
                recipient_name: r.get(2),
                youth_id: *youth_id,
                youth_name: names.get(youth_id).cloned().unwrap_or_default(),
                event: event.clone(),
            };
            mail::mail(To::User(r.get(1)), &notice, Some(*youth_id), None)
        })
        .collect();
    super::outbox::insert(tx, &mails).await?;
    Ok(())
}
