//! Reading youths, and the lifecycle of one professional's registrations
//! and signals. Access rules live in the queries: a professional reads a
//! youth only while involved, and only their own signals' kinds.

use super::involvements::recount;
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
        YouthSort::Name => ("y.family_name, y.given_names, y.id", false),
        YouthSort::Age => ("y.birth_date, y.id", true),
        YouthSort::Municipality => ("m.name, y.family_name, y.id", false),
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
         SELECT y.id, y.given_names, y.prefix, y.family_name, y.birth_date, m.name AS municipality,
                (mine.since {NL_DATE} AS since, y.involved_organisations >= 2 AS matched,
                count(*) OVER () AS total
           FROM mine JOIN youths y ON y.id = mine.youth_id JOIN municipalities m ON m.code = y.municipality_code
          ORDER BY {order}
          LIMIT $2 OFFSET $3"
    );
    let page = page.max(1);
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
                coordinator: None,
            })
            .collect(),
        total,
        page,
        sort,
        descending,
    })
}

/// Locks the youth row for a change of its involvements; true if it exists.
pub async fn lock(tx: &mut PgConnection, youth_id: Uuid) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM youths WHERE id = $1 FOR UPDATE")
        .bind(youth_id)
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
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM involvements WHERE youth_id = $1 AND user_id = $2)")
        .bind(youth_id)
        .bind(user_id)
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
    let Some(y) = sqlx::query(
        "SELECT y.id, y.bsn, y.given_names, y.prefix, y.family_name, y.birth_date, m.name AS municipality,
                y.involved_organisations >= 2 AS matched
           FROM youths y JOIN municipalities m ON m.code = y.municipality_code WHERE y.id = $1",
    )
    .bind(youth_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let involved = sqlx::query(&format!(
        "SELECT o.name AS organisation, u.name AS professional, u.phone, u.email,
                (min(i.since) {NL_DATE} AS since, u.id = $2 AS is_viewer
           FROM involvements i JOIN users u ON u.id = i.user_id JOIN organisations o ON o.id = i.organisation_id
          WHERE i.youth_id = $1
          GROUP BY o.name, u.id
          ORDER BY min(i.since), o.name, u.name"
    ))
    .bind(youth_id)
    .bind(viewer)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| InvolvedParty {
        organisation: r.get("organisation"),
        professional: r.get("professional"),
        phone: r.get("phone"),
        email: r.get("email"),
        since: r.get("since"),
        is_viewer: r.get("is_viewer"),
    })
    .collect();
    let own = own_involvements(tx, youth_id, viewer).await?;
    let bsn: String = y.get("bsn");
    let birth_date: NaiveDate = y.get("birth_date");
    Ok(Some(YouthDetail {
        id: y.get("id"),
        name: full_name(y.get("given_names"), y.get("prefix"), y.get("family_name")),
        bsn_masked: format!("*******{}", &bsn[7..]),
        birth_date,
        age: age_on(birth_date, today),
        municipality: y.get("municipality"),
        matched: y.get("matched"),
        involved,
        own,
    }))
}

/// The viewer's own registrations and signals on a youth, with history.
async fn own_involvements(
    tx: &mut PgConnection,
    youth_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<OwnInvolvement>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT id, NULL::text AS kind, (started_at {NL_DATE} AS since, end_date AS until,
                (ended_at {NL_DATE} AS ended_on, end_reason AS reason
           FROM registrations WHERE youth_id = $1 AND user_id = $2
         UNION ALL
         SELECT id, kind, (given_at {NL_DATE}, (expires_at {NL_DATE}, (closed_at {NL_DATE}, close_reason
           FROM signals WHERE youth_id = $1 AND user_id = $2
         ORDER BY since DESC, id"
    ))
    .bind(youth_id)
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.get("id")).collect();
    let events = sqlx::query(&format!(
        "SELECT involvement_id, (at {NL_DATE} AS on_date, event, detail, via_api
           FROM involvement_events WHERE involvement_id = ANY($1) ORDER BY at, id"
    ))
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let id: Uuid = r.get("id");
            let ended_on: Option<NaiveDate> = r.get("ended_on");
            let reason = r
                .get::<Option<String>, _>("reason")
                .and_then(|s| EndReason::parse(&s));
            OwnInvolvement {
                id,
                signal_kind: r
                    .get::<Option<String>, _>("kind")
                    .and_then(|k| SignalKind::parse(&k)),
                since: r.get("since"),
                until: r.get("until"),
                ended: ended_on.zip(reason),
                history: events
                    .iter()
                    .filter(|e| e.get::<Uuid, _>("involvement_id") == id)
                    .map(|e| HistoryEntry {
                        at: e.get("on_date"),
                        text: history_text(e.get("event"), e.get("detail"), e.get("via_api")),
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

/// What ending or closing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Done {
        youth_id: Uuid,
    },
    /// Not this professional's, not active, or not there: all read alike.
    NotFound,
}

/// Ends the registration or closes the signal `id` of `user_id` (or of any
/// professional of `organisation_id`, for the API) with `reason`.
pub async fn finish(
    tx: &mut PgConnection,
    is_signal: bool,
    id: Uuid,
    owner: Owner,
    reason: EndReason,
    via_api: bool,
) -> Result<Ended, sqlx::Error> {
    let (table, stamp, reason_col, event) = if is_signal {
        ("signals", "closed_at", "close_reason", "closed")
    } else {
        ("registrations", "ended_at", "end_reason", "ended")
    };
    let (user, org) = owner.split();
    let Some(youth_id) = sqlx::query_scalar::<_, Uuid>(&format!(
        "SELECT youth_id FROM {table} WHERE id = $1 AND {stamp} IS NULL
            AND ($2::uuid IS NULL OR user_id = $2) AND ($3::uuid IS NULL OR organisation_id = $3)"
    ))
    .bind(id)
    .bind(user)
    .bind(org)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Ended::NotFound);
    };
    lock(tx, youth_id).await?;
    let done = sqlx::query(&format!(
        "UPDATE {table} SET {stamp} = now(), {reason_col} = $2 WHERE id = $1 AND {stamp} IS NULL"
    ))
    .bind(id)
    .bind(reason.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(Ended::NotFound);
    }
    sqlx::query("INSERT INTO involvement_events (youth_id, involvement_id, event, detail, via_api) VALUES ($1, $2, $3, $4, $5)")
        .bind(youth_id)
        .bind(id)
        .bind(event)
        .bind(reason.as_str())
        .bind(via_api)
        .execute(&mut *tx)
        .await?;
    recount(tx, &[youth_id]).await?;
    Ok(Ended::Done { youth_id })
}

/// Whose registration or signal: one professional's, or (API) any of one
/// organisation's.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    User(Uuid),
    Organisation(Uuid),
}

impl Owner {
    fn split(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Owner::User(u) => (Some(u), None),
            Owner::Organisation(o) => (None, Some(o)),
        }
    }
}

/// Moves the end date of an active registration of `user_id`; the reminder
/// falls due again a week before the new date.
pub async fn change_end_date(
    tx: &mut PgConnection,
    id: Uuid,
    user_id: Uuid,
    end_date: NaiveDate,
) -> Result<Option<Uuid>, sqlx::Error> {
    let youth_id = sqlx::query_scalar::<_, Uuid>(
        "UPDATE registrations SET end_date = $3, reminder_sent_at = NULL
          WHERE id = $1 AND user_id = $2 AND ended_at IS NULL RETURNING youth_id",
    )
    .bind(id)
    .bind(user_id)
    .bind(end_date)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(youth_id) = youth_id {
        sqlx::query(
            "INSERT INTO involvement_events (youth_id, involvement_id, event, detail) VALUES ($1, $2, 'end_date_changed', $3)",
        )
        .bind(youth_id)
        .bind(id)
        .bind(crate::domain::records::nl_date(end_date))
        .execute(&mut *tx)
        .await?;
    }
    Ok(youth_id)
}

/// The youth with this BSN whose municipality lies in `region_id`.
pub async fn by_bsn_in_region(
    db: impl PgExecutor<'_>,
    bsn: &str,
    region_id: Uuid,
) -> Result<Option<(Uuid, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT y.id, y.given_names, y.prefix, y.family_name FROM youths y
           JOIN municipalities m ON m.code = y.municipality_code
          WHERE y.bsn = $1 AND m.region_id = $2",
    )
    .bind(bsn)
    .bind(region_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        (
            r.get("id"),
            full_name(r.get("given_names"), r.get("prefix"), r.get("family_name")),
        )
    }))
}

/// A registration or signal as its own organisation's system sees it
/// through the API. No personal data of the youth: the system has its own.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiItem {
    pub id: Uuid,
    pub external_ref: Option<String>,
    pub professional_email: String,
    pub status: String,
    pub started_on: NaiveDate,
    /// Registrations: end date; signals: expiry.
    pub until: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub reason: Option<String>,
    /// Signals only: the kind, which only the own organisation sees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// One page of an organisation's registrations or signals, newest first.
pub async fn api_list(
    tx: &mut PgConnection,
    is_signal: bool,
    organisation_id: Uuid,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ApiItem>, i64), sqlx::Error> {
    let sql = if is_signal {
        format!(
            "SELECT s.id, s.external_ref, u.email, CASE WHEN s.closed_at IS NULL THEN 'active' ELSE 'closed' END AS status,
                    (s.given_at {NL_DATE} AS started_on, (s.expires_at {NL_DATE} AS until,
                    (s.closed_at {NL_DATE} AS ended_on, s.close_reason AS reason, s.kind
               FROM signals s JOIN users u ON u.id = s.user_id
              WHERE s.organisation_id = $1 ORDER BY s.given_at DESC, s.id LIMIT $2 OFFSET $3"
        )
    } else {
        format!(
            "SELECT r.id, r.external_ref, u.email, CASE WHEN r.ended_at IS NULL THEN 'active' ELSE 'ended' END AS status,
                    (r.started_at {NL_DATE} AS started_on, r.end_date AS until,
                    (r.ended_at {NL_DATE} AS ended_on, r.end_reason AS reason, NULL::text AS kind
               FROM registrations r JOIN users u ON u.id = r.user_id
              WHERE r.organisation_id = $1 ORDER BY r.started_at DESC, r.id LIMIT $2 OFFSET $3"
        )
    };
    let rows = sqlx::query(&sql)
        .bind(organisation_id)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(&mut *tx)
        .await?;
    let table = if is_signal { "signals" } else { "registrations" };
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {table} WHERE organisation_id = $1"
    ))
    .bind(organisation_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok((
        rows.into_iter()
            .map(|r| ApiItem {
                id: r.get("id"),
                external_ref: r.get("external_ref"),
                professional_email: r.get("email"),
                status: r.get("status"),
                started_on: r.get("started_on"),
                until: r.get("until"),
                ended_on: r.get("ended_on"),
                reason: r.get("reason"),
                kind: r.get("kind"),
            })
            .collect(),
        total,
    ))
}

/// Every audit row that names the youth, newest first.
pub async fn audit_trail(
    db: impl PgExecutor<'_>,
    youth_id: Uuid,
) -> Result<Vec<crate::domain::records::AuditRow>, sqlx::Error> {
    use crate::domain::records::{audit_action_label, audit_result_label, AuditRow};
    let rows = sqlx::query(
        "SELECT to_char(a.at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI:SS') AS at,
                coalesce(u.name, '') AS who, coalesce(o.name, '') AS organisation, a.action, a.result, a.via
           FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = a.organisation_id
          WHERE a.object_ids @> ARRAY[$1::text]
          ORDER BY a.at DESC, a.id DESC LIMIT 1000",
    )
    .bind(youth_id.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let via: String = r.get("via");
            AuditRow {
                at: r.get("at"),
                who: r.get("who"),
                organisation: r.get("organisation"),
                action: audit_action_label(r.get("action")).to_string(),
                result: audit_result_label(r.get("result")).to_string(),
                via: match via.as_str() {
                    "api" => "API",
                    "system" => "systeem",
                    _ => "scherm",
                }
                .to_string(),
            }
        })
        .collect())
}

/// The organisation's name, if it lies in `region_id`.
pub async fn organisation_in_region(
    db: impl PgExecutor<'_>,
    organisation_id: Uuid,
    region_id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1 AND region_id = $2")
        .bind(organisation_id)
        .bind(region_id)
        .fetch_optional(db)
        .await
}
