//! What the youth page and the coordinator's overview show of coordination,
//! who may see a youth as its coordinator, and taking a case.

use super::{
    escalation, event,
    handover::{self, is_the_coordinator, Actor},
};
use crate::{
    domain::{
        coordination::{
            may_escalate, Choice, CoordinatedRow, CoordinationInfo, CoordinationOverview, OpenEscalation,
            OpenHandover, Person,
        },
        youth::full_name,
    },
    server::db::happened::Happened,
};
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// True when `actor` may open the youth page: involved, the coordinating
/// person, or a coordinator of the coordinating or the receiving organisation.
pub async fn may_view(tx: &mut PgConnection, youth: Uuid, actor: &Actor) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (EXISTS (SELECT 1 FROM involvements WHERE youth_id = $1 AND user_id = $2)
             OR EXISTS (SELECT 1 FROM coordinations c WHERE c.youth_id = $1 AND c.ended_at IS NULL
                           AND (c.coordinator_id = $2 OR ($4 AND c.organisation_id = $3)))
             OR ($4 AND EXISTS (SELECT 1 FROM handovers h WHERE h.youth_id = $1 AND h.outcome IS NULL
                                   AND h.to_organisation_id = $3))) AS "may_view!""#,
        youth,
        actor.user_id,
        actor.organisation_id,
        actor.is_coordinator
    )
    .fetch_one(&mut *tx)
    .await
}

/// The coordination part of the youth page, for `actor` (who may view it).
pub async fn info(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    today: NaiveDate,
) -> Result<CoordinationInfo, sqlx::Error> {
    let mut info = CoordinationInfo {
        history: event::history(tx, youth).await?,
        ..CoordinationInfo::default()
    };
    let current = current(tx, youth, actor, &mut info).await?;
    open_handover(tx, youth, actor, current, &mut info).await?;
    open_escalation(tx, youth, actor, today, &mut info).await?;
    Ok(info)
}

/// Who coordinates and what `actor` may do about it; returns the
/// coordinating (organisation, person), if any.
async fn current(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    info: &mut CoordinationInfo,
) -> Result<Option<(Uuid, Option<Uuid>)>, sqlx::Error> {
    let Some(c) = sqlx::query!(
        r#"SELECT c.organisation_id, o.name AS organisation, c.coordinator_id,
                  u.name AS "name?", u.phone AS "phone?", u.email AS "email?",
                  c.explanation, (c.started_at AT TIME ZONE 'Europe/Amsterdam')::date AS "since!"
             FROM coordinations c JOIN organisations o ON o.id = c.organisation_id
             LEFT JOIN users u ON u.id = c.coordinator_id
            WHERE c.youth_id = $1 AND c.ended_at IS NULL"#,
        youth
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        // A match without a coordinator: say why.
        let matched: bool = sqlx::query_scalar!(
            r#"SELECT involved_organisations >= 2 AS "matched!" FROM youths WHERE id = $1"#,
            youth
        )
        .fetch_one(&mut *tx)
        .await?;
        if matched {
            info.explanation = Some(
                "Geen van de betrokken organisaties mag coördineren; de regio wijst een coördinator aan."
                    .into(),
            );
        }
        return Ok(None);
    };
    let (org, person) = (c.organisation_id, c.coordinator_id);
    info.organisation = Some(c.organisation);
    info.coordinator = person.map(|_| Person {
        name: c.name.unwrap_or_default(),
        phone: c.phone.unwrap_or_default(),
        email: c.email.unwrap_or_default(),
    });
    info.since = Some(c.since);
    info.explanation = Some(c.explanation);
    info.may_take = actor.is_coordinator && actor.organisation_id == org;
    if info.may_take {
        info.colleagues = colleagues(tx, org).await?;
    }
    if is_the_coordinator(actor, org, person) {
        info.is_coordinator = true;
        info.handover_targets = handover::targets(tx, youth).await?;
    }
    Ok(Some((org, person)))
}

/// The open handover, and whether `actor` may decide on or withdraw it.
async fn open_handover(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    current: Option<(Uuid, Option<Uuid>)>,
    info: &mut CoordinationInfo,
) -> Result<(), sqlx::Error> {
    let Some(h) = sqlx::query!(
        r#"SELECT h.id, f.name AS from_name, t.name AS to_name, t.id AS to_id, u.name AS proposed_by,
                  (h.proposed_at AT TIME ZONE 'Europe/Amsterdam')::date AS "proposed_on!",
                  h.family_informed, h.plan_shared, h.roles_agreed, h.meeting_planned, h.agreements
             FROM handovers h JOIN organisations f ON f.id = h.from_organisation_id
             JOIN organisations t ON t.id = h.to_organisation_id JOIN users u ON u.id = h.proposed_by
            WHERE h.youth_id = $1 AND h.outcome IS NULL"#,
        youth
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    info.may_decide_handover = actor.is_coordinator && actor.organisation_id == h.to_id;
    info.may_withdraw_handover = current.is_some_and(|(org, person)| is_the_coordinator(actor, org, person));
    // While a handover is open, no second one can be proposed.
    info.handover_targets.clear();
    info.handover = Some(OpenHandover {
        id: h.id,
        from: h.from_name,
        to: h.to_name,
        proposed_by: h.proposed_by,
        proposed_on: h.proposed_on,
        checklist: [
            h.family_informed,
            h.plan_shared,
            h.roles_agreed,
            h.meeting_planned,
        ],
        agreements: h.agreements,
    });
    Ok(())
}

/// The open escalation, or whether (and else why not) `actor` may escalate.
async fn open_escalation(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    today: NaiveDate,
    info: &mut CoordinationInfo,
) -> Result<(), sqlx::Error> {
    if let Some(e) = sqlx::query!(
        r#"SELECT e.id, u.name, (e.raised_at AT TIME ZONE 'Europe/Amsterdam')::date AS "raised_on!", e.reason
             FROM escalations e JOIN users u ON u.id = e.raised_by
            WHERE e.youth_id = $1 AND e.closed_at IS NULL"#,
        youth
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        info.escalation = Some(OpenEscalation {
            id: e.id,
            raised_by: e.name,
            raised_on: e.raised_on,
            reason: e.reason,
        });
    } else {
        let (is_coordinator, involved, has_person, matched_on) =
            escalation::standing(tx, youth, actor).await?;
        match may_escalate(is_coordinator, involved, has_person, matched_on, today) {
            Ok(()) => info.may_escalate = true,
            Err(hint) if matched_on.is_some() && involved => info.escalate_hint = Some(hint),
            Err(_) => {}
        }
    }
    Ok(())
}

/// The active coordinators of `org`.
async fn colleagues(tx: &mut PgConnection, org: Uuid) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(
        Choice,
        "SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'coordinator'
          WHERE u.organisation_id = $1 AND u.active ORDER BY u.name",
        org
    )
    .fetch_all(&mut *tx)
    .await
}

/// A coordinator of the coordinating organisation takes the case, or
/// assigns it to `assignee` (a coordinator colleague). `None` when the actor
/// may not, or the assignee is not a coordinator of the organisation.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn take(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    assignee: Uuid,
) -> Result<Option<Vec<Happened>>, sqlx::Error> {
    let Some(org) = sqlx::query_scalar!(
        "SELECT organisation_id FROM coordinations WHERE youth_id = $1 AND ended_at IS NULL FOR UPDATE",
        youth
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    if !(actor.is_coordinator && actor.organisation_id == org) {
        return Ok(None);
    }
    let Some(who) = colleagues(tx, org).await?.into_iter().find(|c| c.id == assignee) else {
        return Ok(None);
    };
    sqlx::query!(
        "UPDATE coordinations SET coordinator_id = $2 WHERE youth_id = $1 AND ended_at IS NULL",
        youth,
        assignee
    )
    .execute(&mut *tx)
    .await?;
    let text = if assignee == actor.user_id {
        format!("{} neemt de coördinatie op zich.", who.name)
    } else {
        format!("{} wijst de coördinatie toe aan {}.", actor.name, who.name)
    };
    let mut happened = vec![event::write(tx, youth, text).await?];
    if assignee != actor.user_id {
        happened.push(Happened::Assigned {
            youth,
            assignee,
            by: actor.name.clone(),
        });
    }
    Ok(Some(happened))
}

/// The coordinator's overview: the cases of the actor's organisation and
/// the handovers proposed to it.
pub async fn overview(tx: &mut PgConnection, actor: &Actor) -> Result<CoordinationOverview, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT y.id AS "id!", coalesce(v.given_names, y.given_names) AS "given_names!",
                coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!",
                m.name AS "municipality!", coalesce(now()::date - y.matched_at::date, 0) AS "match_days!",
                c.coordinator_id, u.name AS coordinator,
                ho.name AS handover_to,
                EXISTS (SELECT 1 FROM escalations e WHERE e.youth_id = y.id AND e.closed_at IS NULL) AS "escalated!",
                false AS "incoming!"
           FROM coordinations c JOIN youths y ON y.id = c.youth_id
           LEFT JOIN users u ON u.id = c.coordinator_id
           LEFT JOIN handovers h ON h.youth_id = y.id AND h.outcome IS NULL
           LEFT JOIN organisations ho ON ho.id = h.to_organisation_id
           -- the youth as this organisation recorded it
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = $1
           JOIN municipalities m ON m.code = coalesce(v.municipality_code, y.municipality_code)
          WHERE c.ended_at IS NULL AND c.organisation_id = $1
         UNION ALL
         SELECT y.id, coalesce(v.given_names, y.given_names), coalesce(v.prefix, y.prefix),
                coalesce(v.family_name, y.family_name), m.name,
                coalesce(now()::date - y.matched_at::date, 0), NULL, NULL, f.name, false, true
           FROM handovers h JOIN youths y ON y.id = h.youth_id
           JOIN organisations f ON f.id = h.from_organisation_id
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = $1
           JOIN municipalities m ON m.code = coalesce(v.municipality_code, y.municipality_code)
          WHERE h.outcome IS NULL AND h.to_organisation_id = $1
          ORDER BY 6 DESC, 4, 2"#,
        actor.organisation_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let org: String = sqlx::query_scalar!(
        "SELECT name FROM organisations WHERE id = $1",
        actor.organisation_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut o = CoordinationOverview {
        organisation: org,
        untaken: Vec::new(),
        mine: Vec::new(),
        colleagues: Vec::new(),
        incoming: Vec::new(),
    };
    for r in rows {
        let (incoming, person) = (r.incoming, r.coordinator_id);
        let row = CoordinatedRow {
            youth_id: r.id,
            name: full_name(&r.given_names, &r.prefix, &r.family_name),
            municipality: r.municipality,
            match_days: i64::from(r.match_days),
            coordinator: r.coordinator,
            handover: r.handover_to.map(|name| {
                if incoming {
                    format!("{name} stelt overdracht aan jouw organisatie voor")
                } else {
                    format!("Overdracht aan {name} voorgesteld")
                }
            }),
            escalated: r.escalated,
        };
        if incoming {
            o.incoming.push(row);
        } else if person.is_none() {
            o.untaken.push(row);
        } else if person == Some(actor.user_id) {
            o.mine.push(row);
        } else {
            o.colleagues.push(row);
        }
    }
    Ok(o)
}
