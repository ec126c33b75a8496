//! Reports: who may see which area, building one report from the rollup,
//! and the CSV download (the periodic report mail is `cases::reports`).

use super::{
    act::{Act, Caller},
    db,
    state::AppState,
};
use crate::{
    domain::{
        report::{
            figures::{self, month_of, Facts, Report, Scope},
            Period, PeriodKind,
        },
        role::Role,
        user::CurrentUser,
        views::Municipality,
    },
    error::AppError,
};
use axum::{
    extract::{Query, Request, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use chrono::{Datelike, NaiveDate};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The value of the area field for a whole region.
pub const REGION: &str = "regio";

/// What a report covers.
#[derive(Debug, Clone)]
pub enum Area {
    Municipality(Municipality),
    Region {
        name: String,
        municipalities: Vec<Municipality>,
    },
}

impl Area {
    pub fn codes(&self) -> Vec<String> {
        match self {
            Area::Municipality(m) => vec![m.code.clone()],
            Area::Region { municipalities, .. } => municipalities.iter().map(|m| m.code.clone()).collect(),
        }
    }

    /// The area field's value: a municipality code, or [`REGION`].
    pub fn value(&self) -> String {
        match self {
            Area::Municipality(m) => m.code.clone(),
            Area::Region { .. } => REGION.to_string(),
        }
    }

    /// As the area field lists it.
    pub fn label(&self) -> String {
        match self {
            Area::Municipality(m) => m.name.clone(),
            Area::Region { name, .. } => format!("{name} (alle gemeenten)"),
        }
    }

    /// For the audit log: the municipality codes, or "regio:<id>".
    pub fn audit_id(&self, region: Uuid) -> String {
        match self {
            Area::Municipality(m) => m.code.clone(),
            Area::Region { .. } => format!("regio:{region}"),
        }
    }
}

/// What the audit log keeps of an area that was asked for but is not one the
/// caller may open: a well-formed municipality code or "regio", and of
/// anything else nothing (it is typed input of any length).
pub fn refused_area_audit_ids(requested: &str) -> Vec<String> {
    let requested = requested.trim();
    if requested == REGION {
        return vec![REGION.to_string()];
    }
    crate::domain::youth::parse_municipality_code(requested)
        .map(|code| vec![code])
        .unwrap_or_default()
}

/// The areas `user` may open, in the order the form lists them: a region
/// admin the region as a whole and each of its municipalities, an analyst
/// their municipalities.
pub async fn areas(db: &mut PgConnection, user: &CurrentUser) -> Result<Vec<Area>, sqlx::Error> {
    let mut out = Vec::new();
    if user.has(Role::RegionAdmin) {
        let name = db::organisations::region_name(&mut *db, user.region_id).await?;
        let municipalities = db::organisations::municipalities_in_region(&mut *db, user.region_id).await?;
        out.push(Area::Region {
            name: format!("Regio {name}"),
            municipalities: municipalities.clone(),
        });
        out.extend(municipalities.into_iter().map(Area::Municipality));
    }
    if user.has(Role::MunicipalityAnalyst) {
        for m in db::organisations::municipalities_of_analyst(&mut *db, user.id).await? {
            if !out.iter().any(|a| a.value() == m.code) {
                out.push(Area::Municipality(m));
            }
        }
    }
    Ok(out)
}

/// The report of `area` for `period`, as it may be published.
pub async fn build(
    db: &mut PgConnection,
    area: &Area,
    period: Period,
    today: NaiveDate,
) -> Result<Report, sqlx::Error> {
    let codes = area.codes();
    let to = month_of(period.to);
    let facts = Facts::new(db::reports::facts(&mut *db, &codes, to).await?);
    let open = db::reports::open_escalation_days(&mut *db, &codes).await?;
    let (name, per_municipality) = match area {
        Area::Municipality(m) => (m.name.clone(), None),
        Area::Region { name, municipalities } => {
            let measures = figures::municipality_column_measures();
            let rows = db::reports::totals_by_municipality(&mut *db, &codes, &measures, to).await?;
            let mut by_code: BTreeMap<String, Vec<figures::Fact>> = BTreeMap::new();
            for (code, f) in rows {
                by_code.entry(code).or_default().push(f);
            }
            let list: Vec<(String, Facts)> = municipalities
                .iter()
                .map(|m| {
                    (
                        m.name.clone(),
                        Facts::new(by_code.remove(&m.code).unwrap_or_default()),
                    )
                })
                .collect();
            (name.clone(), Some(list))
        }
    };
    let scope = Scope {
        name,
        municipalities: per_municipality
            .as_ref()
            .map(|l| l.iter().map(|(n, f)| (n.clone(), f)).collect()),
        open_escalation_days: open,
    };
    Ok(figures::report(&facts, scope, period, today))
}

/// The report form's fields; as GET parameters they go by the Dutch names
/// the page's address shows (gebied, periode, van, tot).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReportQuery {
    /// A municipality code, or "regio".
    #[serde(default, rename = "gebied")]
    pub area: String,
    /// A choice of the form (`Period::choice`); empty: the previous month.
    #[serde(default, rename = "periode")]
    pub period: String,
    /// A custom range's first and last month (jjjj-mm).
    #[serde(default, rename = "van")]
    pub from: String,
    #[serde(default, rename = "tot")]
    pub to: String,
}

/// The period the form names; the previous complete month when none is chosen.
pub fn period_of(q: &ReportQuery, today: NaiveDate) -> Option<Period> {
    if q.period.is_empty() {
        return Some(Period::containing(PeriodKind::Month, month_of(today).pred_opt()?));
    }
    Period::from_choice(&q.period, &q.from, &q.to)
}

/// `GET /rapportage/export.csv?gebied=…&periode=…`: the report as a
/// Dutch CSV file. The same rules as the page; audited as an export.
pub async fn export(State(state): State<AppState>, Query(q): Query<ReportQuery>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let today = crate::domain::today();
    let result = async {
        // The role may not export at all: 403, as the report itself answers.
        let caller =
            Caller::of_request(state, parts, &[Role::MunicipalityAnalyst, Role::RegionAdmin]).await?;
        let mut act = Act::of(caller).await?;
        let user = act.user.clone();
        let area = areas(act.tx(), &user)
            .await?
            .into_iter()
            .find(|a| a.value() == q.area);
        let ids = area.as_ref().map_or_else(
            || refused_area_audit_ids(&q.area),
            |a| vec![a.audit_id(user.region_id)],
        );
        let found = match (area, period_of(&q, today)) {
            (Some(area), Some(period)) => {
                let report = build(act.tx(), &area, period, today).await?;
                Ok((
                    crate::domain::report::csv::report(&report),
                    file_name(&area, &period),
                ))
            }
            _ => Err(AppError::NotFound),
        };
        act.settle("report_export", "report", ids, found).await
    }
    .await;
    match result {
        Ok((csv, name)) => {
            let mut r = csv.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => super::errors::plain_response(e),
    }
}

/// "rapportage-GM0014-2026-10.csv".
pub fn file_name(area: &Area, period: &Period) -> String {
    let what = match area {
        Area::Municipality(m) => m.code.clone(),
        Area::Region { .. } => REGION.to_string(),
    };
    let when = match period.kind {
        PeriodKind::Month => format!("{}-{:02}", period.from.year(), period.from.month()),
        PeriodKind::Quarter => format!("{}-K{}", period.from.year(), (period.from.month() - 1) / 3 + 1),
        PeriodKind::Year => period.from.year().to_string(),
        PeriodKind::Range => format!("{}-{}", period.from.format("%Y%m"), period.to.format("%Y%m")),
    };
    format!("rapportage-{what}-{when}.csv")
}

/// Folds the rollup's pending deltas; run by every instance's scheduler.
pub async fn compact(pool: &PgPool) {
    match db::reports::compact(pool).await {
        Ok(n) if n > 0 => tracing::debug!(sums = n, "report rollup compacted"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "compacting the report rollup failed; tried again later"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_area_is_audited_only_when_it_is_well_formed() {
        assert_eq!(refused_area_audit_ids(" gm0037 "), vec!["GM0037"]);
        assert_eq!(refused_area_audit_ids("regio"), vec!["regio"]);
        for typed in ["", "GM99999", "Groningen", "<script>", &"x".repeat(10_000)] {
            assert!(refused_area_audit_ids(typed).is_empty(), "{typed:.20}");
        }
    }
}
