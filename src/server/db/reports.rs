//! Report reads (the rollup: `report_counts` plus pending `report_deltas`),
//! their upkeep, and the report mail's recipients and claimed periods.

use crate::domain::{report::figures::Fact, views::Municipality};
use chrono::NaiveDate;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// The facts of `municipalities` (summed over them) up to and including `to_month`.
pub async fn facts(
    db: impl PgExecutor<'_>,
    municipalities: &[String],
    to_month: NaiveDate,
) -> Result<Vec<Fact>, sqlx::Error> {
    sqlx::query_as!(
        Fact,
        r#"SELECT measure AS "measure!", month AS "month!", dim AS "dim!", value AS "value!", sum(n)::bigint AS "n!" FROM (
               SELECT measure, month, dim, value, n FROM report_counts
                WHERE municipality_code = ANY($1) AND month <= $2
               UNION ALL
               SELECT measure, month, dim, value, n FROM report_deltas
                WHERE municipality_code = ANY($1) AND month <= $2
           ) f GROUP BY measure, month, dim, value"#,
        municipalities,
        to_month
    )
    .fetch_all(db)
    .await
}

/// Per municipality: the age-dimension facts of `measures` (enough for totals).
pub async fn totals_by_municipality(
    db: impl PgExecutor<'_>,
    municipalities: &[String],
    measures: &[&str],
    to_month: NaiveDate,
) -> Result<Vec<(String, Fact)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT municipality_code AS "code!", measure AS "measure!", month AS "month!", value AS "value!",
                  sum(n)::bigint AS "n!" FROM (
               SELECT municipality_code, measure, month, value, n FROM report_counts
                WHERE municipality_code = ANY($1) AND measure = ANY($2) AND month <= $3 AND dim = 'age'
               UNION ALL
               SELECT municipality_code, measure, month, value, n FROM report_deltas
                WHERE municipality_code = ANY($1) AND measure = ANY($2) AND month <= $3 AND dim = 'age'
           ) f GROUP BY 1, 2, 3, 4"#,
        municipalities,
        measures as &[&str],
        to_month
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.code,
                Fact {
                    measure: r.measure,
                    month: r.month,
                    dim: "age".into(),
                    value: r.value,
                    n: r.n,
                },
            )
        })
        .collect())
}

/// How many days each open escalation of a youth living in `municipalities` is open.
pub async fn open_escalation_days(
    db: impl PgExecutor<'_>,
    municipalities: &[String],
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT (current_date - (e.raised_at AT TIME ZONE 'Europe/Amsterdam')::date)::bigint AS "days!"
           FROM escalations e JOIN youths y ON y.id = e.youth_id
          WHERE e.closed_at IS NULL AND y.municipality_code = ANY($1)"#,
        municipalities
    )
    .fetch_all(db)
    .await
}

/// Folds the pending deltas into the rollup; returns how many sums changed.
pub async fn compact(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT report_compact() AS "folded!""#)
        .fetch_one(pool)
        .await
}

/// A municipality's report settings and recipients.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub id: Uuid,
    pub municipality_code: String,
    pub name: String,
    pub email: String,
}

pub async fn recipients(db: impl PgExecutor<'_>, region_id: Uuid) -> Result<Vec<Recipient>, sqlx::Error> {
    sqlx::query_as!(
        Recipient,
        "SELECT r.id, r.municipality_code, r.name, r.email FROM report_recipients r
           JOIN municipalities m ON m.code = r.municipality_code
          WHERE m.region_id = $1 ORDER BY m.name, r.name",
        region_id
    )
    .fetch_all(db)
    .await
}

/// (code, name, frequency) of the region's municipalities.
pub async fn schedules(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
) -> Result<Vec<(Municipality, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT code, name, report_frequency FROM municipalities WHERE region_id = $1 ORDER BY name",
        region_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let place = Municipality {
                code: r.code,
                name: r.name,
            };
            (place, r.report_frequency)
        })
        .collect())
}

/// Adds a recipient to a municipality of `region_id`; false when the
/// municipality is not in the region or the address is there already.
pub async fn add_recipient(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
    municipality: &str,
    name: &str,
    email: &str,
    by: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO report_recipients (id, municipality_code, name, email, added_by)
         SELECT $1, code, $3, $4, $5 FROM municipalities WHERE code = $2 AND region_id = $6
         ON CONFLICT (municipality_code, email) DO NOTHING RETURNING id",
        Uuid::new_v4(),
        municipality,
        name,
        email,
        by,
        region_id
    )
    .fetch_optional(db)
    .await
}

pub async fn remove_recipient(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM report_recipients r USING municipalities m
          WHERE r.id = $1 AND m.code = r.municipality_code AND m.region_id = $2",
        id,
        region_id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_frequency(
    db: impl PgExecutor<'_>,
    region_id: Uuid,
    municipality: &str,
    frequency: &str,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "UPDATE municipalities SET report_frequency = $3 WHERE code = $1 AND region_id = $2",
        municipality,
        region_id,
        frequency
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// A municipality with recipients: its region, frequency, recipients and
/// since when it has had them (no report for periods that ended before).
#[derive(Debug, Clone)]
pub struct Due {
    pub code: String,
    pub name: String,
    pub region_id: Uuid,
    pub frequency: String,
    pub since: NaiveDate,
    pub recipients: Vec<(String, String)>,
}

pub async fn with_recipients(db: impl PgExecutor<'_>) -> Result<Vec<Due>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.code, m.name, m.region_id, m.report_frequency,
                  min((r.added_at AT TIME ZONE 'Europe/Amsterdam')::date) AS "since!",
                  array_agg(r.name ORDER BY r.email) AS "names!", array_agg(r.email ORDER BY r.email) AS "emails!"
             FROM municipalities m JOIN report_recipients r ON r.municipality_code = m.code
            GROUP BY m.code ORDER BY m.code"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Due {
            code: r.code,
            name: r.name,
            region_id: r.region_id,
            frequency: r.report_frequency,
            since: r.since,
            recipients: r.names.into_iter().zip(r.emails).collect(),
        })
        .collect())
}

/// Claims the report of `municipality` for the period starting `start`;
/// false when it was claimed before (by any instance, at any time).
pub async fn claim(
    db: impl PgExecutor<'_>,
    municipality: &str,
    frequency: &str,
    start: NaiveDate,
    recipients: i32,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query!(
        "INSERT INTO report_sends (municipality_code, period_kind, period_start, recipients)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        municipality,
        frequency,
        start,
        recipients
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}
