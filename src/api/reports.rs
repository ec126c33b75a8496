//! The reporting page: one server function that checks who may see which
//! area, builds the report from the rollup (suppressed on the server), draws
//! its charts as SVG and audits the opening.

use crate::{domain::report::figures::Report, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PERIOD_INVALID: &str =
    "Kies een periode uit de lijst, of bij \u{2018}Zelf kiezen\u{2019} een begin- en eindmaand (jjjj-mm) van hoogstens vijf jaar.";

/// A chart drawn on the server, with what screen readers and print need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub svg: String,
}

/// Everything the page shows: the form's choices and values, the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub areas: Vec<(String, String)>,
    pub periods: Vec<(String, String)>,
    pub gebied: String,
    pub periode: String,
    pub van: String,
    pub tot: String,
    /// `None` when the period could not be read (`period_error` says why).
    pub report: Option<Report>,
    pub period_error: Option<String>,
    pub charts: Vec<Chart>,
    /// The CSV download's address.
    pub export: String,
}

/// The report of `gebied` (a municipality code, or "regio") for `periode`
/// (a choice of the form; empty: the previous month).
#[server(endpoint = "report", name = OpenReport)]
pub async fn report(
    #[server(default)] gebied: String,
    #[server(default)] periode: String,
    #[server(default)] van: String,
    #[server(default)] tot: String,
) -> Result<ReportView, AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::{
            report::{period_choices, EXPORT_PATH},
            role::Role,
        },
        server::{
            db::audit,
            reports::{self, ReportQuery},
        },
    };
    respond(async move {
        let mut act = Act::begin(&[Role::MunicipalityAnalyst, Role::RegionAdmin]).await?;
        let today = crate::domain::today();
        let user = act.user.clone();
        let areas = reports::choices(act.tx(), &user).await?;
        let gebied = if gebied.trim().is_empty() {
            areas.first().map(|a| a.0.clone()).unwrap_or_default()
        } else {
            gebied.trim().to_string()
        };
        let Some(area) = reports::area(act.tx(), &user, &gebied).await? else {
            return act
                .settle("report_view", "report", vec![gebied], Err(AppError::NotFound))
                .await;
        };
        let q = ReportQuery {
            gebied: gebied.clone(),
            periode: periode.trim().to_string(),
            van: van.trim().to_string(),
            tot: tot.trim().to_string(),
        };
        let Some(period) = reports::period_of(&q, today) else {
            // Shown again as typed, with the message beside the period field.
            let page = ReportView {
                areas,
                periods: period_choices(today),
                gebied,
                periode: q.periode,
                van: q.van,
                tot: q.tot,
                report: None,
                period_error: Some(PERIOD_INVALID.into()),
                charts: Vec::new(),
                export: String::new(),
            };
            act.done("report_view", "report", vec![area.audit_id(user.region_id)], audit::Outcome::Failed)
                .await?;
            return Ok(page);
        };
        let report = reports::build(act.tx(), &area, period, today).await?;
        let charts = charts(&report);
        let periode = period.choice();
        let (van, tot) = match period.kind {
            crate::domain::report::PeriodKind::Range => {
                (period.from.format("%Y-%m").to_string(), period.to.format("%Y-%m").to_string())
            }
            _ => (String::new(), String::new()),
        };
        let export = format!(
            "{EXPORT_PATH}?gebied={}&periode={}&van={van}&tot={tot}",
            gebied, periode
        );
        let page = ReportView {
            areas,
            periods: period_choices(today),
            gebied,
            periode,
            van,
            tot,
            report: Some(report),
            period_error: None,
            charts,
            export,
        };
        let ids = vec![area.audit_id(user.region_id), period.label()];
        act.settle("report_view", "report", ids, Ok(page)).await
    })
    .await
}

#[cfg(feature = "ssr")]
fn charts(r: &Report) -> Vec<Chart> {
    use crate::server::charts;
    let mut out = Vec::new();
    if let Some(kind) = r
        .figures
        .iter()
        .find(|f| f.key == "signalen_nieuw")
        .and_then(|f| f.breakdowns.iter().find(|b| b.title.ends_with("soort signaal")))
    {
        let bars: Vec<(String, _)> = kind.lines.iter().map(|l| (l.label.clone(), l.now)).collect();
        let title = format!("Nieuwe signalen naar soort, {}", r.period_label);
        out.push(Chart {
            id: "grafiek-soort".into(),
            svg: charts::bar(
                "grafiek-soort",
                &title,
                "Staafdiagram: het aantal nieuwe signalen per soort signaal. De tabel ernaast geeft dezelfde aantallen.",
                &bars,
            ),
            title,
        });
    }
    let months = r.signals_by_month.cols.clone();
    let title = format!("Nieuwe signalen en ketenregistraties per maand, {}", r.scope);
    out.push(Chart {
        id: "grafiek-maanden".into(),
        svg: charts::line(
            "grafiek-maanden",
            &title,
            "Lijndiagram: het aantal nieuwe signalen (doorgetrokken lijn) en nieuwe ketenregistraties (gestippelde lijn) per maand. De tabel ernaast geeft dezelfde aantallen.",
            &months,
            &[
                ("Nieuwe signalen".into(), r.signals_by_month.totals().to_vec()),
                ("Nieuwe ketenregistraties".into(), r.registrations_by_month.totals().to_vec()),
            ],
        ),
        title,
    });
    let g = &r.signals_by_month;
    let stacks: Vec<Vec<_>> = (0..g.cols.len())
        .map(|c| (0..g.rows.len()).map(|row| g.cells[row][c]).collect())
        .collect();
    let title = format!("Nieuwe signalen per maand naar leeftijd, {}", r.scope);
    out.push(Chart {
        id: "grafiek-leeftijd".into(),
        svg: charts::stacked(
            "grafiek-leeftijd",
            &title,
            "Gestapeld staafdiagram: per maand het aantal nieuwe signalen, opgedeeld naar leeftijdsgroep; boven elke staaf het totaal. Aantallen onder de 5 zijn weggelaten. De tabel ernaast geeft dezelfde aantallen.",
            &g.cols,
            &g.rows,
            &stacks,
            g.totals(),
        ),
        title,
    });
    out
}
