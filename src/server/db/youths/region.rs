//! Youths seen from outside one professional: the region admin's audit
//! trail by BSN, and an organisation's listing for the API.

use super::NL_DATE;
use crate::domain::youth::full_name;
use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor, Row};
use uuid::Uuid;

/// The youth with this BSN whose municipality lies in `region_id`.
pub async fn by_bsn_in_region(
    db: impl PgExecutor<'_>,
    bsn: &str,
    region_id: Uuid,
) -> Result<Option<(Uuid, String)>, sqlx::Error> {
    // Still a run-time query; to become a checked macro (issue 18 goes on).
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
    // Dynamic: the table (registrations or signals) is chosen in code, so the text is assembled here, in this one place.
    let rows = sqlx::query(&sql)
        .bind(organisation_id)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(&mut *tx)
        .await?;
    let table = if is_signal { "signals" } else { "registrations" };
    // Dynamic: the table (registrations or signals) is chosen in code, so the text is assembled here, in this one place.
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
    // Still a run-time query; to become a checked macro (issue 18 goes on).
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
    sqlx::query_scalar!(
        "SELECT name FROM organisations WHERE id = $1 AND region_id = $2",
        organisation_id,
        region_id
    )
    .fetch_optional(db)
    .await
}
