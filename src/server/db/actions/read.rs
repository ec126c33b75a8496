//! Reading actions: the one query path (the private note joins for its
//! author alone) and the coordinator's board built on it.

use crate::{
    domain::{
        actions::{ActionView, Facts},
        board::{Board, BoardCase},
        records::HistoryEntry,
        youth::full_name,
    },
    server::db::coordination::handover::Actor,
};
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// Which actions to list.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// The actions of a youth the viewer may see (the caller checked that).
    Youth(Uuid),
    /// "Mijn acties": assigned to the viewer, or to their organisation
    /// without a person on a youth they are involved with.
    Mine,
    /// The board: the youths the viewer coordinates (as the person, or as a
    /// coordinator of the organisation while nobody took the case).
    Coordinated,
}

/// The one read path of actions. The private note joins only for its
/// author, so no other viewer's answer can carry it.
///
/// Two conditions recur in it and in [`board`], written out in each
/// statement so that the compiler checks them: "involvement `i` concerns
/// the action's youth or, for a family action, a youth of its family", and
/// "coordination `c` is on the viewer's board" (active, of the viewer's
/// organisation, and the viewer's or nobody's yet while they coordinate).
pub async fn list(
    tx: &mut PgConnection,
    scope: Scope,
    viewer: &Actor,
    today: NaiveDate,
) -> Result<Vec<ActionView>, sqlx::Error> {
    let (youth, mine, coordinated) = match scope {
        Scope::Youth(y) => (Some(y), false, false),
        Scope::Mine => (None, true, false),
        Scope::Coordinated => (None, false, true),
    };
    let rows = sqlx::query!(
        r#"SELECT a.id, a.youth_id, coalesce(v.given_names, y.given_names) AS "given_names!",
                coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!",
                a.title, a.description,
                o.name AS organisation, u.name AS "assignee?", a.assignee_id, a.assignee_organisation_id, a.due_on,
                (a.done_at AT TIME ZONE 'Europe/Amsterdam')::date AS "done_on?", d.name AS "done_by?",
                a.cancelled_at IS NOT NULL AS "cancelled!", a.family_id IS NOT NULL AS "family!", n.note AS "note?",
                EXISTS (SELECT 1 FROM involvements i
                         WHERE (i.youth_id = a.youth_id
                                OR i.youth_id IN (SELECT fm.youth_id FROM family_members fm WHERE fm.family_id = a.family_id))
                           AND i.user_id = $3) AS "involved!",
                EXISTS (SELECT 1 FROM coordinations c
                         WHERE c.youth_id = a.youth_id AND c.ended_at IS NULL AND c.organisation_id = $4
                           AND (c.coordinator_id = $3 OR (c.coordinator_id IS NULL AND $5))) AS "coordinates!"
           FROM actions a
           JOIN youths y ON y.id = a.youth_id
           -- the name as the viewer's organisation recorded it
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = $4
           JOIN organisations o ON o.id = a.assignee_organisation_id
           LEFT JOIN users u ON u.id = a.assignee_id
           LEFT JOIN users d ON d.id = a.done_by
           LEFT JOIN action_notes n ON n.action_id = a.id AND n.author_id = $3
          WHERE ($1::uuid IS NULL OR a.youth_id = $1
                 OR a.family_id = (SELECT fm.family_id FROM family_members fm WHERE fm.youth_id = $1))
            AND (NOT $2 OR (a.cancelled_at IS NULL AND (a.assignee_id = $3
                 OR (a.assignee_id IS NULL AND a.assignee_organisation_id = $4
                     AND EXISTS (SELECT 1 FROM involvements i
                                  WHERE (i.youth_id = a.youth_id
                                         OR i.youth_id IN (SELECT fm.youth_id FROM family_members fm WHERE fm.family_id = a.family_id))
                                    AND i.user_id = $3)))))
            AND (NOT $2 OR a.done_at IS NULL OR a.done_at > now() - make_interval(days => $7))
            AND (NOT $6 OR EXISTS (SELECT 1 FROM coordinations c
                                    WHERE c.youth_id = a.youth_id AND c.ended_at IS NULL AND c.organisation_id = $4
                                      AND (c.coordinator_id = $3 OR (c.coordinator_id IS NULL AND $5))))
          ORDER BY a.due_on, a.created_at"#,
        youth,
        mine,
        viewer.user_id,
        viewer.organisation_id,
        viewer.is_coordinator,
        coordinated,
        crate::domain::actions::DONE_SHOWN_DAYS
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let events = sqlx::query!(
        r#"SELECT action_id, (at AT TIME ZONE 'Europe/Amsterdam')::date AS "on_date!", text
             FROM action_events WHERE action_id = ANY($1) ORDER BY at, id"#,
        &ids
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let facts = Facts {
                due_on: r.due_on,
                done_on: r.done_on,
                cancelled: r.cancelled,
            };
            let open = r.done_on.is_none() && !r.cancelled;
            let may_tick = open
                && (r.assignee_id == Some(viewer.user_id)
                    || (r.assignee_id.is_none()
                        && r.assignee_organisation_id == viewer.organisation_id
                        && r.involved));
            ActionView {
                id: r.id,
                youth_id: r.youth_id,
                youth_name: full_name(&r.given_names, &r.prefix, &r.family_name),
                title: r.title,
                description: r.description,
                organisation: r.organisation,
                assignee: r.assignee,
                due_on: facts.due_on,
                lane: facts.lane(today),
                done: r.done_on.zip(r.done_by),
                cancelled: r.cancelled,
                family: r.family,
                private_note: r.note,
                history: events
                    .iter()
                    .filter(|e| e.action_id == r.id)
                    .map(|e| HistoryEntry {
                        at: e.on_date,
                        text: e.text.clone(),
                    })
                    .collect(),
                may_tick,
                may_change: r.coordinates && open,
            }
        })
        .collect())
}

/// The board of `viewer` (a coordinator): every youth they coordinate, with
/// its actions from [`list`].
pub async fn board(tx: &mut PgConnection, viewer: &Actor, today: NaiveDate) -> Result<Board, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT y.id, coalesce(v.given_names, y.given_names) AS "given_names!",
                coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!",
                m.name AS municipality,
                coalesce(now()::date - y.matched_at::date, 0) AS "match_days!", u.name AS "coordinator?",
                greatest((c.started_at AT TIME ZONE 'Europe/Amsterdam')::date,
                         (SELECT max(e.at AT TIME ZONE 'Europe/Amsterdam')::date FROM coordination_events e
                           WHERE e.youth_id = y.id)) AS last_acted,
                coalesce((SELECT array_agg(concat_ws(' ', coalesce(ov.given_names, o.given_names),
                                                     coalesce(ov.prefix, o.prefix),
                                                     coalesce(ov.family_name, o.family_name)) ORDER BY o.birth_date)
                            FROM family_members fm JOIN family_members fo ON fo.family_id = fm.family_id AND fo.youth_id <> fm.youth_id
                            JOIN youths o ON o.id = fo.youth_id
                            LEFT JOIN youth_versions ov ON ov.youth_id = o.id AND ov.organisation_id = $2
                           WHERE fm.youth_id = y.id), '{}') AS "family!"
           FROM coordinations c JOIN youths y ON y.id = c.youth_id
           LEFT JOIN users u ON u.id = c.coordinator_id
           -- the youth as the coordinating organisation recorded it
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = $2
           JOIN municipalities m ON m.code = coalesce(v.municipality_code, y.municipality_code)
          WHERE c.ended_at IS NULL AND c.organisation_id = $2
            AND (c.coordinator_id = $1 OR (c.coordinator_id IS NULL AND $3))
          ORDER BY y.matched_at, y.family_name"#,
        viewer.user_id,
        viewer.organisation_id,
        viewer.is_coordinator
    )
    .fetch_all(&mut *tx)
    .await?;
    let organisation: String = sqlx::query_scalar!(
        "SELECT name FROM organisations WHERE id = $1",
        viewer.organisation_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut actions = list(tx, Scope::Coordinated, viewer, today).await?;
    let cases = rows
        .into_iter()
        .map(|r| {
            let id = r.id;
            let (mine, rest): (Vec<ActionView>, Vec<ActionView>) =
                actions.drain(..).partition(|a| a.youth_id == id);
            actions = rest;
            BoardCase::new(
                BoardCase {
                    youth_id: id,
                    name: full_name(&r.given_names, &r.prefix, &r.family_name),
                    municipality: r.municipality,
                    match_days: r.match_days.into(),
                    coordinator: r.coordinator,
                    family: r.family,
                    last_acted: r.last_acted,
                    progress: Default::default(),
                    actions: mine,
                },
                today,
            )
        })
        .collect();
    Ok(Board { organisation, cases })
}
