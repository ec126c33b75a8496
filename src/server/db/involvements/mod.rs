//! Recording registrations and signals, one or a hundred thousand at a time.
//!
//! A single form post and a bulk import run the same set-based statements,
//! so both follow one path: the youth is found or created by BSN with one
//! upsert (the same statement and the same answer whether the BSN was known
//! or not), the youth rows stay locked until commit, the involvement is
//! inserted, the match is worked out by `domain::involvement::Involved`,
//! and history and match events are written in the same transaction.
//! What follows from it (mail, audit) is the use case's
//! (`server::cases::chain`): [`record`] reports it.

mod contacts;
mod statements;
mod upkeep;

pub use contacts::{contacts, Contact};
pub use upkeep::{due_reminders, expire, recount, DueReminder};

use super::happened::Happened;
use crate::domain::{
    involvement::{Involved, MatchKind, SignalKind},
    youth::Youth,
};
use crate::server::pseudonym::Pseudonym;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use statements::{by_external_ref, insert, upsert_youths};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A registration (`signal_kind` None) or a signal to record.
#[derive(Debug, Clone)]
pub struct NewInvolvement {
    pub youth: Youth,
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    /// The registration's end date; ignored for a signal (it expires two
    /// years after it is given).
    pub end_date: NaiveDate,
    pub signal_kind: Option<SignalKind>,
    pub external_ref: Option<String>,
    /// What the database keeps of the youth's BSN (`server::pseudonym`).
    pub pseudonym: Pseudonym,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: Uuid,
    pub youth_id: Uuid,
    /// The registration's end date or the signal's expiry.
    pub until: DateTime<Utc>,
    /// False when an earlier call with the same external reference made it.
    pub created: bool,
    pub matched: Option<MatchKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This professional already has this active registration (or an
    /// active signal of this kind) on this youth.
    AlreadyInvolved,
    UnknownMunicipality,
}

pub type Outcomes = Vec<Result<Recorded, Refusal>>;

pub fn table(is_signal: bool) -> &'static str {
    if is_signal {
        "signals"
    } else {
        "registrations"
    }
}

/// What [`record`] did: one outcome per item, in order; the stored youth
/// of each item's BSN where there is one (for the audit rows); and what
/// follows for others.
#[derive(Debug, Default)]
pub struct Recording {
    pub outcomes: Outcomes,
    pub youths: Vec<Option<Uuid>>,
    pub happened: Vec<Happened>,
}

type Pending = Vec<Option<Result<Recorded, Refusal>>>;
/// The stored youth of each BSN, by its lookup key: id, data (with the
/// BSN as typed, which the database does not keep), and its
/// municipality's region.
type Stored = HashMap<Vec<u8>, (Uuid, Youth, Uuid)>;

/// Records `items` (all registrations or all signals) in the transaction
/// `tx`; `via_api` marks their history as coming from the API.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn record(
    tx: &mut PgConnection,
    items: &[NewInvolvement],
    via_api: bool,
) -> Result<Recording, sqlx::Error> {
    let Some(first) = items.first() else {
        return Ok(Recording::default());
    };
    let is_signal = first.signal_kind.is_some();
    debug_assert!(items.iter().all(|i| i.signal_kind.is_some() == is_signal));
    let mut outcomes: Pending = vec![None; items.len()];

    // 1. Idempotency: an external reference seen before returns what it made.
    let existing = by_external_ref(tx, items, is_signal).await?;
    for (i, item) in items.iter().enumerate() {
        if let Some(r) = item
            .external_ref
            .as_ref()
            .and_then(|e| existing.get(&(item.organisation_id, e.clone())))
        {
            outcomes[i] = Some(Ok(r.clone()));
        }
    }
    // 2. Municipalities must exist.
    let regions = refuse_unknown_municipalities(tx, items, &mut outcomes).await?;

    // 3. Find or create every youth by the BSN's lookup key, in key order
    //    (a fixed lock order).
    let mut seen = HashSet::new();
    let mut fresh: Vec<&NewInvolvement> = pending(&outcomes, items)
        .map(|(_, it)| it)
        .filter(|it| seen.insert(it.pseudonym.hmac.clone()))
        .collect();
    fresh.sort_by(|a, b| a.pseudonym.hmac.cmp(&b.pseudonym.hmac));
    let stored = upsert_youths(tx, &fresh).await?;

    // 4. Another name or date of birth than stored is never refused, nor
    //    told to the one who typed it (no BSN oracle): the involvement is
    //    recorded against the BSN and its organisation keeps its own
    //    version (written with the history below). So is a municipality of
    //    another region: typing it does not move the youth out of its
    //    region; the admins of both regions decide.
    let differs: Vec<bool> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            outcomes[i].is_none() && {
                let (_, youth, region) = &stored[&item.pseudonym.hmac];
                youth.differs_from(&item.youth) || regions.get(&item.youth.municipality_code) != Some(region)
            }
        })
        .collect();

    // 5. What expired on these youths stops counting now, not at the next job run.
    let youth_ids: Vec<Uuid> = {
        let mut ids: Vec<Uuid> = pending(&outcomes, items)
            .map(|(_, it)| stored[&it.pseudonym.hmac].0)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    // (the youths given here are recounted below, with the new involvements)
    let (_, recounted) = expire(tx, Some(&youth_ids)).await?;
    debug_assert!(recounted.is_empty());
    let mut involved = involved_with(tx, &youth_ids).await?;

    // 6. Insert, and work out the matches.
    let matches = insert_pending(tx, items, &mut outcomes, &stored, &mut involved, is_signal).await?;
    let outcomes: Outcomes = outcomes
        .into_iter()
        .map(|o| o.expect("every item has an outcome"))
        .collect();

    // 7. History, match events, where the youths live, counts.
    history(
        tx, items, &outcomes, &differs, &matches, &involved, &stored, is_signal, via_api,
    )
    .await?;
    let mut happened = recount(tx, &youth_ids).await?;
    // Everyone involved with a youth whose match was made or extended hears who else is.
    let mut matched: Vec<Uuid> = matches.iter().map(|m| m.youth).collect();
    matched.sort_unstable();
    matched.dedup();
    happened.extend(matched.into_iter().map(|youth| Happened::Matched { youth }));
    let youths = items
        .iter()
        .zip(&outcomes)
        .map(|(item, o)| match o {
            Ok(r) => Some(r.youth_id),
            Err(_) => stored.get(&item.pseudonym.hmac).map(|(id, _, _)| *id),
        })
        .collect();
    Ok(Recording {
        outcomes,
        youths,
        happened,
    })
}

/// Refuses the pending items whose municipality Zorgsignaal does not know;
/// returns the region of each known one.
async fn refuse_unknown_municipalities(
    tx: &mut PgConnection,
    items: &[NewInvolvement],
    outcomes: &mut Pending,
) -> Result<HashMap<String, Uuid>, sqlx::Error> {
    let codes: Vec<String> = pending(outcomes, items)
        .map(|(_, it)| it.youth.municipality_code.clone())
        .collect();
    let known: HashMap<String, Uuid> = sqlx::query!(
        "SELECT code, region_id FROM municipalities WHERE code = ANY($1)",
        &codes
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.code, r.region_id))
    .collect();
    for (i, item) in items.iter().enumerate() {
        if outcomes[i].is_none() && !known.contains_key(&item.youth.municipality_code) {
            outcomes[i] = Some(Err(Refusal::UnknownMunicipality));
        }
    }
    Ok(known)
}

/// Who is involved with each of `youths` now.
async fn involved_with(
    tx: &mut PgConnection,
    youths: &[Uuid],
) -> Result<HashMap<Uuid, Involved>, sqlx::Error> {
    let mut involved: HashMap<Uuid, Involved> = HashMap::new();
    for row in sqlx::query!(
        r#"SELECT youth_id AS "youth_id!", user_id AS "user_id!", organisation_id AS "organisation_id!"
             FROM involvements WHERE youth_id = ANY($1)"#,
        youths
    )
    .fetch_all(&mut *tx)
    .await?
    {
        involved
            .entry(row.youth_id)
            .or_insert_with(|| Involved::new([]))
            .add(row.user_id, row.organisation_id);
    }
    Ok(involved)
}

/// A match made or extended by one new involvement.
struct MatchEvent {
    youth: Uuid,
    kind: MatchKind,
    involvement: Uuid,
    user: Uuid,
    organisation: Uuid,
}

/// Inserts the pending items and settles their outcomes; a conflict means
/// this professional is involved already (or a concurrent call with the
/// same external reference won). Returns the matches the new ones made.
async fn insert_pending(
    tx: &mut PgConnection,
    items: &[NewInvolvement],
    outcomes: &mut Pending,
    stored: &Stored,
    involved: &mut HashMap<Uuid, Involved>,
    is_signal: bool,
) -> Result<Vec<MatchEvent>, sqlx::Error> {
    let todo: Vec<usize> = pending(outcomes, items).map(|(i, _)| i).collect();
    let ids: Vec<Uuid> = todo.iter().map(|_| Uuid::new_v4()).collect();
    let inserted = insert(tx, items, &todo, &ids, stored, is_signal).await?;
    let retry_refs: Vec<&NewInvolvement> = todo
        .iter()
        .zip(&ids)
        .filter(|(_, id)| !inserted.contains_key(*id))
        .map(|(i, _)| &items[*i])
        .collect();
    let late = if retry_refs.iter().any(|it| it.external_ref.is_some()) {
        let owned: Vec<NewInvolvement> = retry_refs.into_iter().cloned().collect();
        by_external_ref(tx, &owned, is_signal).await?
    } else {
        HashMap::new()
    };
    let mut events = Vec::new();
    for (i, id) in todo.iter().zip(&ids) {
        let item = &items[*i];
        let youth_id = stored[&item.pseudonym.hmac].0;
        outcomes[*i] = Some(match inserted.get(id) {
            Some(until) => {
                let matched = involved
                    .entry(youth_id)
                    .or_insert_with(|| Involved::new([]))
                    .add(item.user_id, item.organisation_id);
                if let Some(kind) = matched {
                    events.push(MatchEvent {
                        youth: youth_id,
                        kind,
                        involvement: *id,
                        user: item.user_id,
                        organisation: item.organisation_id,
                    });
                }
                Ok(Recorded {
                    id: *id,
                    youth_id,
                    until: *until,
                    created: true,
                    matched,
                })
            }
            None => match item
                .external_ref
                .as_ref()
                .and_then(|e| late.get(&(item.organisation_id, e.clone())))
            {
                Some(r) => Ok(r.clone()),
                None => Err(Refusal::AlreadyInvolved),
            },
        });
    }
    Ok(events)
}

/// Writes the history of the new involvements, their match events, the
/// versions of organisations that typed other personal data, and the
/// municipality the youth lives in now: the latest one typed by someone
/// who went ahead with the stored data.
#[allow(clippy::too_many_arguments)]
async fn history(
    tx: &mut PgConnection,
    items: &[NewInvolvement],
    outcomes: &Outcomes,
    differs: &[bool],
    matches: &[MatchEvent],
    involved: &HashMap<Uuid, Involved>,
    stored: &Stored,
    is_signal: bool,
    via_api: bool,
) -> Result<(), sqlx::Error> {
    let created: Vec<(Uuid, Uuid)> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().ok().filter(|r| r.created).map(|r| (r.youth_id, r.id)))
        .collect();
    let event = if is_signal { "signalled" } else { "registered" };
    sqlx::query!(
        "INSERT INTO involvement_events (youth_id, involvement_id, event, via_api)
         SELECT y, i, $3, $4 FROM unnest($1::uuid[], $2::uuid[]) AS x(y, i)",
        &created.iter().map(|c| c.0).collect::<Vec<_>>(),
        &created.iter().map(|c| c.1).collect::<Vec<_>>(),
        event,
        via_api
    )
    .execute(&mut *tx)
    .await?;
    if !matches.is_empty() {
        let counts: Vec<i32> = matches
            .iter()
            .map(|e| involved[&e.youth].organisation_count() as i32)
            .collect();
        let kinds: Vec<String> = matches.iter().map(|e| e.kind.as_str().to_string()).collect();
        sqlx::query!(
            "INSERT INTO match_events (youth_id, kind, involvement_id, user_id, organisation_id, organisation_count)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int[])",
            &matches.iter().map(|e| e.youth).collect::<Vec<_>>(),
            &kinds,
            &matches.iter().map(|e| e.involvement).collect::<Vec<_>>(),
            &matches.iter().map(|e| e.user).collect::<Vec<_>>(),
            &matches.iter().map(|e| e.organisation).collect::<Vec<_>>(),
            &counts
        )
        .execute(&mut *tx)
        .await?;
    }
    let created_at = |i: usize| matches!(&outcomes[i], Ok(r) if r.created);
    // Always the one statement, whether anything differs or not, so a
    // known BSN takes no longer than an unknown one.
    let versions: Vec<&NewInvolvement> = (0..items.len())
        .filter(|&i| created_at(i) && differs[i])
        .map(|i| &items[i])
        .collect();
    statements::insert_versions(tx, &versions, stored).await?;
    let moved: Vec<(Uuid, String)> = items
        .iter()
        .enumerate()
        .filter(|(i, _)| created_at(*i) && !differs[*i])
        .map(|(_, it)| (stored[&it.pseudonym.hmac].0, it.youth.municipality_code.clone()))
        .collect();
    sqlx::query!(
        "UPDATE youths y SET municipality_code = m.code
           FROM (SELECT DISTINCT ON (id) id, code FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS x(id, code, n)
                 ORDER BY id, n DESC) m
          WHERE y.id = m.id AND y.municipality_code <> m.code",
        &moved.iter().map(|m| m.0).collect::<Vec<_>>(),
        &moved.iter().map(|m| m.1.clone()).collect::<Vec<_>>()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn pending<'a>(
    outcomes: &'a [Option<Result<Recorded, Refusal>>],
    items: &'a [NewInvolvement],
) -> impl Iterator<Item = (usize, &'a NewInvolvement)> + 'a {
    items.iter().enumerate().filter(|(i, _)| outcomes[*i].is_none())
}
