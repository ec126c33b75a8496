//! Youths seen from outside one professional: the region admin's audit
//! trail by BSN, and an organisation's listing for the API.

use crate::domain::youth::full_name;
use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// The youth with this BSN whose municipality lies in `region_id`, by
/// the BSN's lookup key (and, during a key rotation, the previous one).
pub async fn by_bsn_in_region(
    db: impl PgExecutor<'_>,
    bsn: &crate::server::pseudonym::Pseudonym,
    region_id: Uuid,
) -> Result<Option<(Uuid, String)>, sqlx::Error> {
    let keys: Vec<Vec<u8>> = std::iter::once(bsn.hmac.clone())
        .chain(bsn.previous.clone())
        .collect();
    let row = sqlx::query!(
        "SELECT y.id, y.given_names, y.prefix, y.family_name FROM youths y
           JOIN municipalities m ON m.code = y.municipality_code
          WHERE y.bsn_hmac = ANY($1) AND m.region_id = $2",
        &keys,
        region_id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.id, full_name(&r.given_names, &r.prefix, &r.family_name))))
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
    let offset = (page - 1).saturating_mul(per_page);
    if is_signal {
        let items = sqlx::query_as!(
            ApiItem,
            r#"SELECT s.id, s.external_ref, u.email AS professional_email,
                      CASE WHEN s.closed_at IS NULL THEN 'active' ELSE 'closed' END AS "status!",
                      (s.given_at AT TIME ZONE 'Europe/Amsterdam')::date AS "started_on!",
                      (s.expires_at AT TIME ZONE 'Europe/Amsterdam')::date AS "until!",
                      (s.closed_at AT TIME ZONE 'Europe/Amsterdam')::date AS ended_on, s.close_reason AS reason,
                      s.kind AS "kind?"
                 FROM signals s JOIN users u ON u.id = s.user_id
                WHERE s.organisation_id = $1 ORDER BY s.given_at DESC, s.id LIMIT $2 OFFSET $3"#,
            organisation_id,
            per_page,
            offset
        )
        .fetch_all(&mut *tx)
        .await?;
        let total = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM signals WHERE organisation_id = $1"#,
            organisation_id
        )
        .fetch_one(&mut *tx)
        .await?;
        Ok((items, total))
    } else {
        let items = sqlx::query_as!(
            ApiItem,
            r#"SELECT r.id, r.external_ref, u.email AS professional_email,
                      CASE WHEN r.ended_at IS NULL THEN 'active' ELSE 'ended' END AS "status!",
                      (r.started_at AT TIME ZONE 'Europe/Amsterdam')::date AS "started_on!", r.end_date AS until,
                      (r.ended_at AT TIME ZONE 'Europe/Amsterdam')::date AS ended_on, r.end_reason AS reason,
                      NULL::text AS kind
                 FROM registrations r JOIN users u ON u.id = r.user_id
                WHERE r.organisation_id = $1 ORDER BY r.started_at DESC, r.id LIMIT $2 OFFSET $3"#,
            organisation_id,
            per_page,
            offset
        )
        .fetch_all(&mut *tx)
        .await?;
        let total = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM registrations WHERE organisation_id = $1"#,
            organisation_id
        )
        .fetch_one(&mut *tx)
        .await?;
        Ok((items, total))
    }
}

/// Every audit row that names the youth, newest first.
pub async fn audit_trail(
    db: impl PgExecutor<'_>,
    youth_id: Uuid,
) -> Result<Vec<crate::domain::records::AuditRow>, sqlx::Error> {
    use crate::domain::records::{audit_action_label, audit_result_label, AuditRow};
    let rows = sqlx::query!(
        r#"SELECT to_char(a.at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI:SS') AS "at!",
                coalesce(u.name, '') AS "who!", coalesce(o.name, '') AS "organisation!", a.action, a.result, a.via
           FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN organisations o ON o.id = a.organisation_id
          WHERE a.object_ids @> ARRAY[$1::text]
          ORDER BY a.at DESC, a.id DESC LIMIT 1000"#,
        youth_id.to_string()
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            at: r.at,
            who: r.who,
            organisation: r.organisation,
            action: audit_action_label(&r.action).to_string(),
            result: audit_result_label(&r.result).to_string(),
            via: match r.via.as_str() {
                "api" => "API",
                "system" => "systeem",
                _ => "scherm",
            }
            .to_string(),
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
