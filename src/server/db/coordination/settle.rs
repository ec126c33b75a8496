//! Keeping coordination in step with involvement, in the writing
//! transaction: a new match gets a coordinating organisation by the
//! covenant's rules; a coordinating organisation that leaves is replaced;
//! coordination ends with the match.

use super::{cases, covenant::active_for_regions, event, CaseRow};
use crate::{domain::covenant::Covenant, server::db::happened::Happened};
use sqlx::PgConnection;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// How an appointment came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A new match.
    Rule,
    /// The coordinating organisation left; the rules chose again.
    Reappointed,
    /// The region admin applied a new covenant version to existing cases.
    Reapplied,
    /// A warm handover was accepted.
    Handover,
    /// The region decided on an escalation.
    Region,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Rule => "rule",
            How::Reappointed => "reappointed",
            How::Reapplied => "reapplied",
            How::Handover => "handover",
            How::Region => "region",
        }
    }
}

/// A coordination to start.
#[derive(Debug, Clone)]
pub struct NewCoordination {
    pub youth_id: Uuid,
    pub organisation_id: Uuid,
    pub coordinator_id: Option<Uuid>,
    pub covenant_version_id: Option<Uuid>,
    pub rule_number: Option<i32>,
    pub how: How,
    pub explanation: String,
}

impl NewCoordination {
    /// An appointment people made (a handover, the region's decision):
    /// no covenant version or rule.
    pub fn by_people(
        youth_id: Uuid,
        organisation_id: Uuid,
        coordinator_id: Option<Uuid>,
        how: How,
        explanation: String,
    ) -> Self {
        NewCoordination {
            youth_id,
            organisation_id,
            coordinator_id,
            covenant_version_id: None,
            rule_number: None,
            how,
            explanation,
        }
    }
}

/// Starts `items` (youths without an active coordination; one that got
/// one meanwhile is skipped) and writes their history. Returns the youths
/// started and what happened: their history changed, an appointment for each.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn start(
    tx: &mut PgConnection,
    items: &[NewCoordination],
) -> Result<(Vec<Uuid>, Vec<Happened>), sqlx::Error> {
    if items.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    // Arrays with NULLs in them (no person yet, no covenant rule) are bound
    // as `Vec<Option<_>>`, which the checked macro takes as the array type.
    let started: Vec<Uuid> = sqlx::query_scalar!(
        "INSERT INTO coordinations (id, youth_id, organisation_id, coordinator_id, covenant_version_id, rule_number, how, explanation)
         SELECT gen_random_uuid(), * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::text[])
         ON CONFLICT (youth_id) WHERE ended_at IS NULL DO NOTHING
         RETURNING youth_id",
        &items.iter().map(|i| i.youth_id).collect::<Vec<_>>(),
        &items.iter().map(|i| i.organisation_id).collect::<Vec<_>>(),
        &items.iter().map(|i| i.coordinator_id).collect::<Vec<_>>() as &[Option<Uuid>],
        &items.iter().map(|i| i.covenant_version_id).collect::<Vec<_>>() as &[Option<Uuid>],
        &items.iter().map(|i| i.rule_number).collect::<Vec<_>>() as &[Option<i32>],
        &items.iter().map(|i| i.how.as_str().to_string()).collect::<Vec<_>>(),
        &items.iter().map(|i| i.explanation.clone()).collect::<Vec<_>>()
    )
    .fetch_all(&mut *tx)
    .await?;
    let started_set: HashSet<Uuid> = started.iter().copied().collect();
    let done: Vec<&NewCoordination> = items
        .iter()
        .filter(|i| started_set.contains(&i.youth_id))
        .collect();
    let orgs: Vec<Uuid> = done.iter().map(|i| i.organisation_id).collect();
    let names = super::organisation_names(tx, &orgs).await?;
    let mut texts = Vec::new();
    for i in &done {
        let org = names.get(&i.organisation_id).cloned().unwrap_or_default();
        // A handover and a region decision write their own history line.
        if matches!(i.how, How::Rule | How::Reappointed | How::Reapplied) {
            texts.push((
                i.youth_id,
                format!(
                    "{org} is aangewezen als coördinerende organisatie. {}",
                    i.explanation
                ),
            ));
        }
    }
    let mut happened = event::write_many(tx, &texts).await?;
    happened.extend(done.iter().map(|i| Happened::Appointed {
        youth: i.youth_id,
        organisation_id: i.organisation_id,
        organisation: names.get(&i.organisation_id).cloned().unwrap_or_default(),
        explanation: i.explanation.clone(),
        taken: i.coordinator_id.is_some(),
    }));
    Ok((started, happened))
}

/// Brings the coordination of `youths` in line with who is involved now.
/// Called wherever involvements change, after the counts are recomputed.
/// Returns what happened: history written, the appointments it made.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn settle(tx: &mut PgConnection, youths: &[Uuid]) -> Result<Vec<Happened>, sqlx::Error> {
    if youths.is_empty() {
        return Ok(Vec::new());
    }
    // 1. End coordinations whose match ended or whose organisation left.
    let ended = sqlx::query!(
        "WITH e AS (
             UPDATE coordinations c
                SET ended_at = now(),
                    end_reason = CASE WHEN y.involved_organisations < 2 THEN 'match_ended' ELSE 'organisation_left' END
               FROM youths y
              WHERE y.id = c.youth_id AND c.ended_at IS NULL AND c.youth_id = ANY($1)
                AND (y.involved_organisations < 2
                     -- still involved with the youth or, for a family, with one of its youths
                     OR NOT EXISTS (SELECT 1 FROM involvements i
                                     WHERE i.organisation_id = c.organisation_id
                                       AND (i.youth_id = c.youth_id
                                            OR i.youth_id IN (SELECT m2.youth_id FROM family_members m1
                                                                JOIN family_members m2 ON m2.family_id = m1.family_id
                                                               WHERE m1.youth_id = c.youth_id))))
             RETURNING c.youth_id, c.organisation_id, c.end_reason)
         SELECT e.youth_id, o.name, e.end_reason FROM e JOIN organisations o ON o.id = e.organisation_id",
        youths
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut left: HashMap<Uuid, String> = HashMap::new();
    let mut texts = Vec::new();
    for r in ended {
        let (youth, org, why) = (r.youth_id, r.name, r.end_reason.unwrap_or_default());
        if why == "match_ended" {
            texts.push((
                youth,
                format!("Er is geen match meer: de coördinatie door {org} is beëindigd."),
            ));
        } else {
            texts.push((
                youth,
                format!("{org} is niet meer betrokken; het convenant wijst opnieuw een coördinator aan."),
            ));
            left.insert(youth, org);
        }
    }
    let mut happened = event::write_many(tx, &texts).await?;
    happened.extend(super::handover::lapse(tx, youths).await?);

    // 2. Appoint where a match has no coordination.
    let cases = cases(tx, youths, true).await?;
    if cases.is_empty() {
        return Ok(happened);
    }
    let regions: Vec<Uuid> = cases.values().map(|c| c.region_id).collect();
    let covenants = active_for_regions(tx, &regions).await?;
    let family = family_coordinators(tx, &cases.keys().copied().collect::<Vec<_>>()).await?;
    let items: Vec<NewCoordination> = cases
        .iter()
        .filter_map(|(youth_id, c)| {
            let (version_id, covenant) = covenants.get(&c.region_id)?;
            match family.get(youth_id) {
                Some((org, name)) if covenant.family_coordination && left.get(youth_id) != Some(name) => {
                    Some(NewCoordination {
                        youth_id: *youth_id,
                        organisation_id: *org,
                        coordinator_id: None,
                        covenant_version_id: Some(*version_id),
                        rule_number: None,
                        how: How::Rule,
                        explanation: format!(
                            "Eén gezin, één coördinator (convenant {} v{}): {name} coördineert al voor het gezin.",
                            covenant.region, covenant.version
                        ),
                    })
                }
                _ => appointment(*youth_id, c, *version_id, covenant, left.get(youth_id)),
            }
        })
        .collect();
    happened.extend(start(tx, &items).await?.1);
    Ok(happened)
}

/// For youths in a family: the organisation that coordinates another of
/// its youths (the longest-standing), if it may coordinate.
async fn family_coordinators(
    tx: &mut PgConnection,
    youths: &[Uuid],
) -> Result<HashMap<Uuid, (Uuid, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT DISTINCT ON (m1.youth_id) m1.youth_id, c.organisation_id, o.name
           FROM family_members m1
           JOIN family_members m2 ON m2.family_id = m1.family_id AND m2.youth_id <> m1.youth_id
           JOIN coordinations c ON c.youth_id = m2.youth_id AND c.ended_at IS NULL
           JOIN organisations o ON o.id = c.organisation_id
          WHERE m1.youth_id = ANY($1) AND o.may_coordinate AND o.kind NOT IN ('school', 'politie', 'gemeente')
          ORDER BY m1.youth_id, c.started_at",
        youths
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.youth_id, (r.organisation_id, r.name)))
    .collect())
}

/// The rules' appointment for one case, if anyone may coordinate.
fn appointment(
    youth_id: Uuid,
    c: &CaseRow,
    version_id: Uuid,
    covenant: &Covenant,
    left: Option<&String>,
) -> Option<NewCoordination> {
    let a = covenant.appoint(&c.case);
    Some(NewCoordination {
        youth_id,
        organisation_id: a.organisation?,
        coordinator_id: None,
        covenant_version_id: Some(version_id),
        rule_number: a.rule.map(|r| r as i32),
        how: if left.is_some() {
            How::Reappointed
        } else {
            How::Rule
        },
        explanation: match left {
            Some(old) => format!(
                "Opnieuw aangewezen omdat {old} niet meer betrokken is. {}",
                a.explanation
            ),
            None => a.explanation,
        },
    })
}
