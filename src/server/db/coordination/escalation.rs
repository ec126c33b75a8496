//! Escalations: a case taken up to the region, and the region's decision.

use super::{
    event,
    handover::{is_the_coordinator, replace, Actor, Refused},
    How, NewCoordination,
};
use crate::{
    domain::{
        coordination::{may_escalate, EscalationRow},
        youth::full_name,
    },
    server::db::happened::Happened,
};
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// What decides whether `actor` may escalate `youth`: (is the coordinator,
/// is involved, the case has a coordinating person, the match's date).
pub async fn standing(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
) -> Result<(bool, bool, bool, Option<NaiveDate>), sqlx::Error> {
    let r = sqlx::query!(
        r#"SELECT (y.matched_at AT TIME ZONE 'Europe/Amsterdam')::date AS matched_on,
                  c.organisation_id AS "organisation_id?", c.coordinator_id,
                  EXISTS (SELECT 1 FROM involvements i WHERE i.youth_id = y.id AND i.user_id = $2) AS "involved!"
             FROM youths y LEFT JOIN coordinations c ON c.youth_id = y.id AND c.ended_at IS NULL
            WHERE y.id = $1"#,
        youth,
        actor.user_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(r) = r else {
        return Ok((false, false, false, None));
    };
    let person = r.coordinator_id;
    let is_coordinator = r
        .organisation_id
        .is_some_and(|o| is_the_coordinator(actor, o, person));
    Ok((is_coordinator, r.involved, person.is_some(), r.matched_on))
}

/// Escalates `youth` to its region with `reason`; `Err(hint)` when the
/// actor may not (the hint says why), or one is open already.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn raise(
    tx: &mut PgConnection,
    youth: Uuid,
    actor: &Actor,
    reason: &str,
    today: NaiveDate,
) -> Result<Result<(Uuid, Vec<Happened>), Option<String>>, sqlx::Error> {
    crate::server::db::youths::lock(tx, youth).await?;
    let (is_coordinator, involved, has_person, matched_on) = standing(tx, youth, actor).await?;
    if !(is_coordinator || involved) {
        return Ok(Err(None));
    }
    if let Err(hint) = may_escalate(is_coordinator, involved, has_person, matched_on, today) {
        return Ok(Err(Some(hint)));
    }
    let id = Uuid::new_v4();
    let inserted = sqlx::query!(
        "INSERT INTO escalations (id, youth_id, region_id, raised_by, reason)
         SELECT $1, y.id, m.region_id, $3, $4 FROM youths y JOIN municipalities m ON m.code = y.municipality_code
          WHERE y.id = $2
         ON CONFLICT (youth_id) WHERE closed_at IS NULL DO NOTHING",
        id,
        youth,
        actor.user_id,
        reason
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(Err(Some(
            "Deze casus is al opgeschaald; de regio heeft nog niet besloten.".into(),
        )));
    }
    let written = event::write(
        tx,
        youth,
        format!("{} schaalt op naar de regio. Reden: {reason}", actor.name),
    )
    .await?;
    let escalated = Happened::Escalated {
        youth,
        by: actor.name.clone(),
    };
    Ok(Ok((id, vec![written, escalated])))
}

/// The open escalations of `region`, oldest first, with what the region
/// needs to decide: the youth, the coordinator, the organisations involved.
pub async fn open_in_region(tx: &mut PgConnection, region: Uuid) -> Result<Vec<EscalationRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.id, e.youth_id, e.reason, u.name AS raised_by,
                (e.raised_at AT TIME ZONE 'Europe/Amsterdam')::date AS "raised_on!",
                (now()::date - e.raised_at::date) AS "age_days!",
                y.given_names, y.prefix, y.family_name, m.name AS municipality,
                o.name AS "coordinating_org?", cu.name AS "coordinator?"
           FROM escalations e
           JOIN users u ON u.id = e.raised_by
           JOIN youths y ON y.id = e.youth_id
           JOIN municipalities m ON m.code = y.municipality_code
           LEFT JOIN coordinations c ON c.youth_id = e.youth_id AND c.ended_at IS NULL
           LEFT JOIN organisations o ON o.id = c.organisation_id
           LEFT JOIN users cu ON cu.id = c.coordinator_id
          WHERE e.region_id = $1 AND e.closed_at IS NULL
          ORDER BY e.raised_at"#,
        region
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let coordinator = r.coordinating_org.map(|org| match r.coordinator {
            Some(person) => format!("{person} ({org})"),
            None => format!("{org} (nog niemand heeft de casus opgepakt)"),
        });
        let candidates = super::may_coordinate(tx, r.youth_id).await?;
        out.push(EscalationRow {
            id: r.id,
            youth_name: full_name(&r.given_names, &r.prefix, &r.family_name),
            municipality: r.municipality,
            raised_by: r.raised_by,
            raised_on: r.raised_on,
            age_days: i64::from(r.age_days),
            reason: r.reason,
            coordinator,
            candidates,
        });
    }
    Ok(out)
}

/// Records the region's decision on an open escalation of `region` and
/// closes it; with `appoint`, that involved organisation coordinates from
/// now on. Returns the youth and what happened, or `Err` when there is no
/// such open escalation in the region or `appoint` may not coordinate.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn decide(
    tx: &mut PgConnection,
    id: Uuid,
    region: Uuid,
    admin: &Actor,
    decision: &str,
    appoint: Option<Uuid>,
) -> Result<Result<(Uuid, Vec<Happened>), Refused>, sqlx::Error> {
    let Some(youth) = sqlx::query_scalar!(
        "SELECT youth_id FROM escalations WHERE id = $1 AND region_id = $2 AND closed_at IS NULL FOR UPDATE",
        id,
        region
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Err(Refused::NotAllowed));
    };
    crate::server::db::youths::lock(tx, youth).await?;
    if let Some(org) = appoint {
        if !super::may_coordinate(tx, youth)
            .await?
            .iter()
            .any(|c| c.id == org)
        {
            return Ok(Err(Refused::BadTarget));
        }
    }
    sqlx::query!(
        "UPDATE escalations SET decision = $2, decided_by = $3, closed_at = now() WHERE id = $1",
        id,
        decision,
        admin.user_id
    )
    .execute(&mut *tx)
    .await?;
    let mut happened = vec![
        event::write(
            tx,
            youth,
            format!("De regio ({}) besluit: {decision}", admin.name),
        )
        .await?,
    ];
    if let Some(org) = appoint {
        let current: Option<Uuid> = sqlx::query_scalar!(
            "SELECT organisation_id FROM coordinations WHERE youth_id = $1 AND ended_at IS NULL",
            youth
        )
        .fetch_optional(&mut *tx)
        .await?;
        if current != Some(org) {
            let name: String = sqlx::query_scalar!("SELECT name FROM organisations WHERE id = $1", org)
                .fetch_one(&mut *tx)
                .await?;
            happened.extend(
                replace(
                    tx,
                    youth,
                    NewCoordination::by_people(
                        youth,
                        org,
                        None,
                        How::Region,
                        format!("Aangewezen door de regio na opschaling ({}).", admin.name),
                    ),
                    "region",
                )
                .await?,
            );
            happened.push(
                event::write(
                    tx,
                    youth,
                    format!("De regio wijst {name} aan als coördinerende organisatie."),
                )
                .await?,
            );
        }
    }
    happened.push(Happened::EscalationDecided { youth });
    Ok(Ok((youth, happened)))
}
