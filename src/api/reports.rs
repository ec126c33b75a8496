//! The reporting page: one server function that checks who may see which
//! area, builds the report from the rollup (suppressed on the server), draws
//! its charts as SVG and audits the opening.

use crate::{domain::report::figures::Report, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PERIOD_INVALID: &str =
    "Kies een periode uit de lijst, of bij \u{2018}Zelf kiezen\u{2019} hele kwartalen: een beginmaand januari, april, juli of oktober en een eindmaand maart, juni, september of december (jjjj-mm), samen hoogstens vijf jaar.";

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
    /// The form's values: the area (a municipality code or "regio"), the
    /// period choice, and a custom range's months (on the wire by the
    /// names the page's address uses).
    #[serde(rename = "gebied")]
    pub area: String,
    #[serde(rename = "periode")]
    pub period: String,
    #[serde(rename = "van")]
    pub from: String,
    #[serde(rename = "tot")]
    pub to: String,
    /// `None` when the period could not be read (`period_error` says why).
    pub report: Option<Report>,
    pub period_error: Option<String>,
    pub charts: Vec<Chart>,
    /// The CSV download's address.
    pub export: String,
}

/// The report of `area` (a municipality code, or "regio") for `period`
/// (a choice of the form; empty: the previous month). The parameters go
/// by the Dutch names the page's address shows (gebied, periode, van, tot).
#[server(endpoint = "report", name = OpenReport)]
pub async fn report(
    #[server(default)]
    #[server(rename = "gebied")]
    area: String,
    #[server(default)]
    #[server(rename = "periode")]
    period: String,
    #[server(default)]
    #[server(rename = "van")]
    from: String,
    #[server(default)]
    #[server(rename = "tot")]
    to: String,
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
        let mine = reports::areas(act.tx(), &user).await?;
        let chosen = if area.trim().is_empty() {
            mine.first().map(|a| a.value()).unwrap_or_default()
        } else {
            area.trim().to_string()
        };
        let areas: Vec<(String, String)> = mine.iter().map(|a| (a.value(), a.label())).collect();
        let Some(area) = mine.into_iter().find(|a| a.value() == chosen) else {
            return act
                .settle(
                    "report_view",
                    "report",
                    reports::refused_area_audit_ids(&chosen),
                    Err(AppError::NotFound),
                )
                .await;
        };
        let q = ReportQuery {
            area: chosen.clone(),
            period: period.trim().to_string(),
            from: from.trim().to_string(),
            to: to.trim().to_string(),
        };
        let Some(period) = reports::period_of(&q, today) else {
            // Shown again as typed, with the message beside the period field.
            let page = ReportView {
                areas,
                periods: period_choices(today),
                area: chosen,
                period: q.period,
                from: q.from,
                to: q.to,
                report: None,
                period_error: Some(PERIOD_INVALID.into()),
                charts: Vec::new(),
                export: String::new(),
            };
            act.done(
                "report_view",
                "report",
                vec![area.audit_id(user.region_id)],
                audit::Outcome::Failed,
            )
            .await?;
            return Ok(page);
        };
        let report = reports::build(act.tx(), &area, period, today).await?;
        let charts = charts(&report);
        let choice = period.choice();
        let (from, to) = match period.kind {
            crate::domain::report::PeriodKind::Range => (
                period.from.format("%Y-%m").to_string(),
                period.to.format("%Y-%m").to_string(),
            ),
            _ => (String::new(), String::new()),
        };
        let export = format!("{EXPORT_PATH}?gebied={chosen}&periode={choice}&van={from}&tot={to}");
        let page = ReportView {
            areas,
            periods: period_choices(today),
            area: chosen,
            period: choice,
            from,
            to,
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
    use crate::{
        domain::report::{Dim, FigureKey},
        server::charts,
    };
    let mut out = Vec::new();
    if let Some(kind) = r
        .figures
        .iter()
        .find(|f| f.key == FigureKey::NewSignals)
        .and_then(|f| f.breakdowns.iter().find(|b| b.by == Some(Dim::Kind)))
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

/// A municipality's periodic report settings, for the region admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MunicipalityReportSettings {
    pub code: String,
    pub name: String,
    /// "monthly" or "quarterly".
    pub frequency: String,
    /// (id, name, e-mail)
    pub recipients: Vec<(uuid::Uuid, String, String)>,
}

crate::form_fields! {
    /// A municipality's periodic report: its recipients and how often
    /// (one form per municipality: the fields of row `code` are named
    /// "naam-<code>").
    pub enum RecipientField {
        Name = "naam",
        Email = "email",
        Frequency = "frequentie",
    }
}

pub const RECIPIENT_NAME_REQUIRED: &str = "Vul de naam van de ontvanger in (hoogstens 200 tekens).";
pub const RECIPIENT_DUPLICATE: &str = "Dit e-mailadres ontvangt de rapportage van deze gemeente al.";

/// The region's municipalities with their report frequency and recipients.
#[server(endpoint = "report_settings")]
pub async fn report_settings() -> Result<Vec<MunicipalityReportSettings>, AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let schedules = db::reports::schedules(act.tx(), region).await?;
        let recipients = db::reports::recipients(act.tx(), region).await?;
        let out: Vec<MunicipalityReportSettings> = schedules
            .into_iter()
            .map(|(m, frequency)| MunicipalityReportSettings {
                recipients: recipients
                    .iter()
                    .filter(|r| r.municipality_code == m.code)
                    .map(|r| (r.id, r.name.clone(), r.email.clone()))
                    .collect(),
                code: m.code,
                name: m.name,
                frequency,
            })
            .collect();
        let ids = out.iter().map(|s| s.code.clone()).collect();
        act.settle("report_settings_view", "municipality", ids, Ok(out))
            .await
    })
    .await
}

/// Adds a recipient of `municipality`'s periodic report (the form's
/// fields go by their Dutch names: gemeente, naam, email).
#[server(endpoint = "add_report_recipient")]
pub async fn add_report_recipient(
    #[server(rename = "gemeente")] municipality: String,
    #[server(default)]
    #[server(rename = "naam")]
    name: String,
    #[server(default)] email: String,
) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, coordination::required_text, respond},
        domain::{email::Email, role::Role},
        error::FieldError,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let typed_name = name;
        let name = required_text(&typed_name, 200);
        let address = Email::parse(&email);
        let mut fields = Vec::new();
        if name.is_none() {
            fields.push(FieldError::of_row(
                RecipientField::Name,
                &municipality,
                RECIPIENT_NAME_REQUIRED,
            ));
        }
        if let Err(m) = &address {
            fields.push(FieldError::of_row(RecipientField::Email, &municipality, *m));
        }
        let result = match (name, address) {
            (Some(name), Ok(address)) => {
                let by = act.user.id;
                match db::reports::add_recipient(act.tx(), region, &municipality, &name, address.as_str(), by)
                    .await?
                {
                    Some(_) => Ok(()),
                    None if db::reports::schedules(act.tx(), region)
                        .await?
                        .iter()
                        .any(|(m, _)| m.code == municipality) =>
                    {
                        Err(AppError::invalid(vec![FieldError::of_row(
                            RecipientField::Email,
                            &municipality,
                            RECIPIENT_DUPLICATE,
                        )]))
                    }
                    None => Err(AppError::NotFound),
                }
            }
            _ => Err(AppError::Invalid {
                fields,
                values: vec![
                    (RecipientField::Name.of_row(&municipality), typed_name.clone()),
                    (RecipientField::Email.of_row(&municipality), email.clone()),
                ],
            }),
        };
        act.settle("report_recipient_add", "municipality", vec![municipality], result)
            .await
    })
    .await
}

/// Removes a recipient.
#[server(endpoint = "remove_report_recipient")]
pub async fn remove_report_recipient(id: uuid::Uuid) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let result = if db::reports::remove_recipient(act.tx(), region, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        };
        act.settle(
            "report_recipient_remove",
            "report_recipient",
            vec![id.to_string()],
            result,
        )
        .await
    })
    .await
}

/// Sets how often `municipality` gets its report: "monthly" or
/// "quarterly" (the form's fields: gemeente, frequentie).
#[server(endpoint = "set_report_frequency")]
pub async fn set_report_frequency(
    #[server(rename = "gemeente")] municipality: String,
    #[server(rename = "frequentie")] frequency: String,
) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::role::Role,
        error::FieldError,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let region = act.user.region_id;
        let result = if !matches!(frequency.as_str(), "monthly" | "quarterly") {
            Err(AppError::invalid(vec![FieldError::of_row(
                RecipientField::Frequency,
                &municipality,
                "Kies maandelijks of per kwartaal.",
            )]))
        } else if db::reports::set_frequency(act.tx(), region, &municipality, &frequency).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        };
        act.settle("report_frequency_set", "municipality", vec![municipality], result)
            .await
    })
    .await
}
