//! Reading youths, and the lifecycle of one professional's registrations
//! and signals. Access rules live in the queries: a professional reads a
//! youth only while involved, and only their own signals' kinds.

mod lifecycle;
mod region;
pub mod versions;

pub use lifecycle::{change_end_date, finish, purge_born_on_or_before, Ended, Owner, Purged};
pub use region::{api_list, audit_trail, by_bsn_in_region, organisation_in_region, ApiItem};

use crate::domain::{
    involvement::{EndReason, SignalKind},
    records::{
        HistoryEntry, InvolvedParty, MyYouthRow, MyYouths, OwnInvolvement, YouthDetail, YouthSort, PAGE_SIZE,
    },
    youth::{age_on, full_name},
};
use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor, Row};
use uuid::Uuid;

/// The timestamp as a date in the Netherlands.
const NL_DATE: &str = "AT TIME ZONE 'Europe/Amsterdam')::date";

/// "Mijn jeugdigen": the youths this professional is involved with.
pub async fn mine(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    sort: YouthSort,
    descending: bool,
    page: u32,
    today: NaiveDate,
) -> Result<MyYouths, sqlx::Error> {
    // Ascending by age means the youngest first: the latest birth date.
    let (order, flip) = match sort {
        YouthSort::Name => ("s.family_name, s.given_names, y.id", false),
        YouthSort::Age => ("s.birth_date, y.id", true),
        YouthSort::Municipality => ("m.name, s.family_name, y.id", false),
        YouthSort::Since => ("mine.since, y.id", false),
        YouthSort::Match => ("(y.involved_organisations >= 2), y.matched_at, y.id", false),
    };
    let dir = if descending != flip { "DESC" } else { "ASC" };
    let order: String = order
        .split(", ")
        .map(|k| format!("{k} {dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "WITH mine AS (
             SELECT youth_id, min(since) AS since FROM involvements WHERE user_id = $1 GROUP BY youth_id)
         SELECT y.id, s.given_names, s.prefix, s.family_name, s.birth_date, m.name AS municipality,
                (mine.since {NL_DATE} AS since, y.involved_organisations >= 2 AS matched,
                co.name AS coordinator, count(*) OVER () AS total
           FROM mine JOIN youths y ON y.id = mine.youth_id
           -- the personal data as the viewer's organisation recorded it
           CROSS JOIN LATERAL (
               SELECT coalesce(v.given_names, y.given_names) AS given_names, coalesce(v.prefix, y.prefix) AS prefix,
                      coalesce(v.family_name, y.family_name) AS family_name, coalesce(v.birth_date, y.birth_date) AS birth_date,
                      coalesce(v.municipality_code, y.municipality_code) AS municipality_code
                 FROM (SELECT 1) one
                 LEFT JOIN youth_versions v ON v.youth_id = y.id
                       AND v.organisation_id = (SELECT organisation_id FROM users WHERE id = $1)) s
           JOIN municipalities m ON m.code = s.municipality_code
           LEFT JOIN coordinations c ON c.youth_id = y.id AND c.ended_at IS NULL
           LEFT JOIN organisations co ON co.id = c.organisation_id
          ORDER BY {order}
          LIMIT $2 OFFSET $3"
    );
    let page = page.max(1);
    // Dynamic: the sort order (a column the viewer picks from a fixed list) is chosen in code, so the text is assembled here, in this one place.
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(i64::from(PAGE_SIZE))
        .bind(i64::from((page - 1) * PAGE_SIZE))
        .fetch_all(db)
        .await?;
    let total = rows.first().map_or(0, |r| r.get::<i64, _>("total"));
    Ok(MyYouths {
        rows: rows
            .into_iter()
            .map(|r| MyYouthRow {
                id: r.get("id"),
                name: full_name(r.get("given_names"), r.get("prefix"), r.get("family_name")),
                age: age_on(r.get("birth_date"), today),
                municipality: r.get("municipality"),
                since: r.get("since"),
                matched: r.get("matched"),
                coordinator: r.get("coordinator"),
            })
            .collect(),
        total,
        page,
        sort,
        descending,
    })
}

/// The youths' names as the organisation of each user recorded them,
/// for mails: keyed by (youth, user).
pub async fn names_seen_by(
    tx: &mut PgConnection,
    pairs: &[(Uuid, Uuid)],
) -> Result<std::collections::HashMap<(Uuid, Uuid), String>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT y.id AS "youth_id!", u.id AS "user_id!", coalesce(v.given_names, y.given_names) AS "given_names!",
                coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!"
           FROM unnest($1::uuid[], $2::uuid[]) AS p(youth_id, user_id)
           JOIN youths y ON y.id = p.youth_id JOIN users u ON u.id = p.user_id
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = u.organisation_id"#,
        &pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
        &pairs.iter().map(|p| p.1).collect::<Vec<_>>()
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| ((r.youth_id, r.user_id), full_name(&r.given_names, &r.prefix, &r.family_name)))
    .collect())
}

/// Locks the youth row for a change of its involvements; true if it exists.
pub async fn lock(tx: &mut PgConnection, youth_id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        r#"SELECT 1 AS "locked!" FROM youths WHERE id = $1 FOR UPDATE"#,
        youth_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .is_some())
}

/// True when `user_id` has an active registration or signal on the youth.
pub async fn is_involved(
    db: impl PgExecutor<'_>,
    youth_id: Uuid,
    user_id: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM involvements WHERE youth_id = $1 AND user_id = $2) AS "involved!""#,
        youth_id,
        user_id
    )
    .fetch_one(db)
    .await
}

/// The youth page as `viewer` may see it. The caller checked involvement.
pub async fn detail(
    tx: &mut PgConnection,
    youth_id: Uuid,
    viewer: Uuid,
    today: NaiveDate,
) -> Result<Option<YouthDetail>, sqlx::Error> {
    let Some(y) = sqlx::query!(
        r#"SELECT y.id, y.bsn_tail AS "bsn_tail!", coalesce(v.given_names, y.given_names) AS "given_names!",
                coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!",
                coalesce(v.birth_date, y.birth_date) AS "birth_date!", m.name AS municipality,
                y.involved_organisations >= 2 AS "matched!"
           FROM youths y
           -- the personal data as the viewer's organisation recorded it
           LEFT JOIN youth_versions v ON v.youth_id = y.id
                 AND v.organisation_id = (SELECT organisation_id FROM users WHERE id = $2)
           JOIN municipalities m ON m.code = coalesce(v.municipality_code, y.municipality_code)
          WHERE y.id = $1"#,
        youth_id,
        viewer
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let involved = sqlx::query_as!(
        InvolvedParty,
        r#"SELECT o.id AS organisation_id, o.name AS organisation, u.id AS user_id, u.name AS professional, u.phone, u.email,
                (min(i.since) AT TIME ZONE 'Europe/Amsterdam')::date AS "since!", u.id = $2 AS "is_viewer!"
           FROM involvements i JOIN users u ON u.id = i.user_id JOIN organisations o ON o.id = i.organisation_id
          WHERE i.youth_id = $1
          GROUP BY o.id, u.id
          ORDER BY min(i.since), o.name, u.name"#,
        youth_id,
        viewer
    )
    .fetch_all(&mut *tx)
    .await?;
    let own = own_involvements(tx, youth_id, viewer).await?;
    Ok(Some(YouthDetail {
        id: y.id,
        name: full_name(&y.given_names, &y.prefix, &y.family_name),
        bsn_masked: format!("*******{}", &y.bsn_tail[1..]),
        birth_date: y.birth_date,
        age: age_on(y.birth_date, today),
        municipality: y.municipality,
        matched: y.matched,
        involved,
        own,
        coordination: Default::default(),
        family: Default::default(),
        family_involved: Vec::new(),
    }))
}

/// The viewer's own registrations and signals on a youth, with history.
async fn own_involvements(
    tx: &mut PgConnection,
    youth_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<OwnInvolvement>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", NULL::text AS kind, (started_at AT TIME ZONE 'Europe/Amsterdam')::date AS "since!",
                end_date AS "until!", (ended_at AT TIME ZONE 'Europe/Amsterdam')::date AS ended_on, end_reason AS reason
           FROM registrations WHERE youth_id = $1 AND user_id = $2
         UNION ALL
         SELECT id, kind, (given_at AT TIME ZONE 'Europe/Amsterdam')::date, (expires_at AT TIME ZONE 'Europe/Amsterdam')::date,
                (closed_at AT TIME ZONE 'Europe/Amsterdam')::date, close_reason
           FROM signals WHERE youth_id = $1 AND user_id = $2
         ORDER BY 3 DESC, 1"#,
        youth_id,
        user_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let events = sqlx::query!(
        r#"SELECT involvement_id, (at AT TIME ZONE 'Europe/Amsterdam')::date AS "on_date!", event, detail, via_api
             FROM involvement_events WHERE involvement_id = ANY($1) ORDER BY at, id"#,
        &ids
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let reason = r.reason.as_deref().and_then(EndReason::parse);
            OwnInvolvement {
                id: r.id,
                signal_kind: r.kind.as_deref().and_then(SignalKind::parse),
                since: r.since,
                until: r.until,
                ended: r.ended_on.zip(reason),
                history: events
                    .iter()
                    .filter(|e| e.involvement_id == r.id)
                    .map(|e| HistoryEntry {
                        at: e.on_date,
                        text: history_text(&e.event, &e.detail, e.via_api),
                    })
                    .collect(),
            }
        })
        .collect())
}

fn history_text(event: &str, detail: &str, via_api: bool) -> String {
    let via = if via_api {
        " (door het systeem van de organisatie)"
    } else {
        ""
    };
    match event {
        "registered" => format!("Geregistreerd{via}"),
        "signalled" => format!("Signaal afgegeven{via}"),
        "end_date_changed" => format!("Einddatum gewijzigd in {detail}"),
        "ended" | "closed" => {
            let reason = EndReason::parse(detail).map_or("", EndReason::label);
            let what = if event == "ended" {
                "Beëindigd"
            } else {
                "Gesloten"
            };
            format!("{what}{via}: {reason}")
        }
        "expired" => "Verlopen".to_string(),
        other => other.to_string(),
    }
}
