//! The reporting page (`/rapportage`): a municipality's or the region's
//! figures for a period, with the change against the previous period,
//! charts drawn on the server with a data table beside each, and a CSV
//! download. The filters are a GET form: without JavaScript it is submitted
//! with its button, with JavaScript every change shows the new figures.

use crate::{
    api::reports::{report, Chart, ReportView},
    domain::{
        report::{
            figures::{Breakdown, Grid, Line, Report},
            Dim, FigureKey, CUSTOM,
        },
        role::Role,
        user::CurrentUser,
    },
    ui::components::{form::ErrorNotice, guard::RequireRole},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <Title text="Rapportage"/>
        <RequireRole roles=vec![Role::MunicipalityAnalyst, Role::RegionAdmin] page=reports_page/>
    }
}

fn reports_page(_user: CurrentUser) -> AnyView {
    let query = use_query_map();
    let params = Memo::new(move |_| {
        query.with(|q| ["gebied", "periode", "van", "tot"].map(|k| q.get(k).unwrap_or_default()))
    });
    let data = Resource::new(move || params.get(), |[g, p, v, t]| report(g, p, v, t));
    view! {
        <h1 class="utrecht-heading-1">"Rapportage"</h1>
        <p class="utrecht-paragraph">
            "Aantallen per gemeente en periode. Aantallen onder de 5 staan er als \u{201c}<5\u{201d}; een \u{201c}×\u{201d} is een aantal dat verborgen is zodat een klein aantal niet uit de andere cijfers te berekenen is. Alle andere aantallen zijn naar beneden afgerond op vijftallen: 10 staat voor 10 tot en met 14. Zo geven ook twee rapporten samen geen klein aantal prijs; een totaal kan daardoor afwijken van de som van de delen."
        </p>
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(page) => page_view(page).into_any(),
            })}
        </Transition>
    }
    .into_any()
}

/// `/rapportage?…` with the form's values (codes, choices and months only).
fn address(values: &[(&str, String)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b':' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let q: Vec<String> = values
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("/rapportage?{}", q.join("&"))
}

fn filter_form(p: &ReportView) -> impl IntoView {
    let area = RwSignal::new(p.area.clone());
    let period = RwSignal::new(p.period.clone());
    let from = RwSignal::new(p.from.clone());
    let to = RwSignal::new(p.to.clone());
    let navigate = use_navigate();
    let go = move || {
        let target = address(&[
            ("gebied", area.get_untracked()),
            ("periode", period.get_untracked()),
            ("van", from.get_untracked()),
            ("tot", to.get_untracked()),
        ]);
        navigate(&target, Default::default());
    };
    let go_area = go.clone();
    let go_period = go.clone();
    let go_from = go.clone();
    let error = p.period_error.clone();
    let invalid = error.is_some();
    let (chosen_area, chosen_period) = (p.area.clone(), p.period.clone());
    let areas = p.areas.clone();
    let mut periods = p.periods.clone();
    periods.push((
        CUSTOM.to_string(),
        "Zelf kiezen: hele kwartalen (van en tot en met hieronder)".to_string(),
    ));
    let (from_value, to_value) = (p.from.clone(), p.to.clone());
    view! {
        <form method="get" action="/rapportage" class="zs-filters zs-report-filters" aria-label="Welke cijfers">
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="gebied">"Gebied"</label></div>
                <select class="utrecht-select utrecht-select--html-select" id="gebied" name="gebied"
                    on:change=move |ev| { area.set(event_target_value(&ev)); go_area(); }>
                    {areas.into_iter().map(|(v, l)| {
                        let selected = v == chosen_area;
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="utrecht-form-field zs-field" class:utrecht-form-field--invalid=invalid>
                <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="periode">"Periode"</label></div>
                <select class="utrecht-select utrecht-select--html-select" id="periode" name="periode"
                    aria-invalid=if invalid { "true" } else { "false" }
                    aria-describedby=invalid.then_some("periode-fout")
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let custom = v == CUSTOM;
                        period.set(v);
                        // A custom range waits for its months.
                        if !custom { go_period(); }
                    }>
                    {periods.into_iter().map(|(v, l)| {
                        let selected = v == chosen_period;
                        view! { <option value=v selected=selected>{l}</option> }
                    }).collect_view()}
                </select>
                {error.map(|m| view! { <p class="utrecht-form-field-error-message zs-field__error" id="periode-fout">{m}</p> })}
            </div>
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="van">"Van maand"</label></div>
                <div class="utrecht-form-field-description" id="van-uitleg">"Bij zelf kiezen: de eerste maand van een kwartaal (januari, april, juli of oktober), als jjjj-mm"</div>
                <input class="utrecht-textbox utrecht-textbox--html-input" id="van" name="van" value=from_value
                    aria-describedby="van-uitleg" inputmode="numeric" size="8"
                    on:change=move |ev| { from.set(event_target_value(&ev)); if period.get_untracked() == CUSTOM { go_from(); } }/>
            </div>
            <div class="utrecht-form-field zs-field">
                <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="tot">"Tot en met maand"</label></div>
                <div class="utrecht-form-field-description" id="tot-uitleg">"Bij zelf kiezen: de laatste maand van een kwartaal (maart, juni, september of december), als jjjj-mm"</div>
                <input class="utrecht-textbox utrecht-textbox--html-input" id="tot" name="tot" value=to_value
                    aria-describedby="tot-uitleg" inputmode="numeric" size="8"
                    on:change=move |ev| { to.set(event_target_value(&ev)); if period.get_untracked() == CUSTOM { go(); } }/>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Toon cijfers"</button>
        </form>
    }
}

fn change_text(c: Option<i64>) -> String {
    match c {
        Some(n) if n > 0 => format!("+{n}"),
        Some(n) => n.to_string(),
        None => "–".into(),
    }
}

/// Every table of the report: a caption, column headers (the first over
/// the row labels), and rows of a label and its values. A table wider than
/// its place scrolls, so its box can be focused to scroll by keyboard.
fn report_table(caption: String, head: Vec<String>, rows: Vec<(String, Vec<String>)>) -> impl IntoView {
    let label = caption.clone();
    let mut head = head.into_iter();
    let first = head.next().unwrap_or_default();
    view! {
        <div class="utrecht-table-container" tabindex="0" role="group" aria-label=label>
            <table class="utrecht-table utrecht-table--html-table zs-report-table">
                <caption class="utrecht-table__caption">{caption}</caption>
                <thead class="utrecht-table__header">
                    <tr class="utrecht-table__row">
                        <th scope="col" class="utrecht-table__header-cell">{first}</th>
                        {head.map(|h| view! {
                            <th scope="col" class="utrecht-table__header-cell utrecht-table__header-cell--numeric-column">{h}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody class="utrecht-table__body">
                    {rows.into_iter().map(|(label, cells)| view! {
                        <tr class="utrecht-table__row">
                            <th scope="row" class="utrecht-table__header-cell">{label}</th>
                            {cells.into_iter().map(|c| view! {
                                <td class="utrecht-table__cell utrecht-table__cell--numeric-column">{c}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A table of lines: label, this period, previous period, change.
fn lines_table(caption: String, lines: Vec<Line>, now: String, before: Option<String>) -> impl IntoView {
    let with_before = before.is_some();
    let head = [String::new(), now]
        .into_iter()
        .chain(before.map(|b| [b, "Verschil".to_string()]).into_iter().flatten())
        .collect();
    let rows = lines
        .into_iter()
        .map(|l| {
            let mut cells = vec![l.now.text()];
            if with_before {
                cells.push(l.before.text());
                cells.push(change_text(l.change));
            }
            (l.label, cells)
        })
        .collect();
    report_table(caption, head, rows)
}

fn breakdown_table(b: Breakdown, now: String, before: String) -> impl IntoView {
    let mut lines = b.lines;
    lines.push(b.total);
    lines_table(b.title, lines, now, Some(before))
}

/// A grid with its totals: rows down, columns across.
fn grid_table(g: Grid, caption: String) -> impl IntoView {
    let total = || "Totaal".to_string();
    let head = [String::new()]
        .into_iter()
        .chain(g.cols.iter().cloned())
        .chain([total()])
        .collect();
    let rows = g
        .rows
        .iter()
        .cloned()
        .chain([total()])
        .zip(g.cells)
        .map(|(r, cells)| (r, cells.into_iter().map(|c| c.text()).collect()))
        .collect();
    report_table(caption, head, rows)
}

/// The line chart's data: months down, the two series across.
fn months_table(r: &Report) -> impl IntoView {
    let rows = r
        .signals_by_month
        .cols
        .iter()
        .zip(
            r.signals_by_month
                .totals()
                .iter()
                .zip(r.registrations_by_month.totals()),
        )
        .map(|(m, (s, g))| (m.clone(), vec![s.text(), g.text()]))
        .collect();
    report_table(
        "Nieuwe signalen en ketenregistraties per maand".into(),
        vec![
            "Maand".into(),
            "Nieuwe signalen".into(),
            "Nieuwe ketenregistraties".into(),
        ],
        rows,
    )
}

fn chart_figure(chart: Chart, table: AnyView) -> impl IntoView {
    view! {
        <figure class="zs-chart" aria-labelledby=format!("{}-kop", chart.id)>
            <figcaption class="utrecht-heading-3" id=format!("{}-kop", chart.id)>{chart.title.clone()}</figcaption>
            <div class="zs-chart__body">
                <div class="zs-chart__svg" inner_html=chart.svg></div>
                <div class="zs-chart__table">{table}</div>
            </div>
        </figure>
    }
}

fn page_view(page: ReportView) -> impl IntoView {
    let form = filter_form(&page);
    let Some(r) = page.report else {
        return view! { {form} }.into_any();
    };
    let (now, before) = (r.period_label.clone(), r.previous_label.clone());
    let key_lines: Vec<Line> = r.figures.iter().map(|f| f.line.clone()).collect();
    let mut charts = page.charts.into_iter();
    let kind_table = r
        .figures
        .iter()
        .find(|f| f.key == FigureKey::NewSignals)
        .and_then(|f| f.breakdowns.iter().find(|b| b.by == Some(Dim::Kind)).cloned());
    let bar = charts.next().zip(kind_table).map(|(c, b)| {
        let t = breakdown_table(b, now.clone(), before.clone()).into_any();
        chart_figure(c, t)
    });
    let line = charts
        .next()
        .map(|c| chart_figure(c, months_table(&r).into_any()));
    let stacked = charts.next().map(|c| {
        let caption = r.signals_by_month.title.clone();
        chart_figure(c, grid_table(r.signals_by_month.clone(), caption).into_any())
    });
    let municipalities = r.municipalities.clone().map(|g| {
        let caption = format!("Per gemeente, {now}");
        view! {
            <section aria-labelledby="per-gemeente">
                <h2 class="utrecht-heading-2" id="per-gemeente">"Per gemeente"</h2>
                {grid_table(g, caption)}
            </section>
        }
    });
    let outcomes = report_table(
        format!("Uitkomsten, {now}"),
        vec!["Maat".into(), "Uitkomst".into(), "Aantal gevallen".into()],
        r.outcomes
            .iter()
            .map(|o| {
                let value = o
                    .value
                    .clone()
                    .unwrap_or_else(|| "te weinig gevallen om te tonen".into());
                (o.label.clone(), vec![value, o.cases.text()])
            })
            .collect(),
    );
    let escalations = r.open_escalations.clone();
    let details: Vec<(String, Vec<Breakdown>)> = r
        .figures
        .iter()
        .map(|f| (f.line.label.clone(), f.breakdowns.clone()))
        .collect();
    let heading = format!("{} — {}", r.scope, r.period_label);
    let running = r.running;
    let export = page.export.clone();
    view! {
        {form}
        <section aria-labelledby="rapport-kop" class="zs-report">
            <h2 class="utrecht-heading-2" id="rapport-kop">{heading}</h2>
            {running.then(|| view! { <p class="utrecht-paragraph">"Deze periode loopt nog: de cijfers gaan tot en met vandaag."</p> })}
            <p class="utrecht-paragraph zs-no-print">
                <a class="utrecht-link" href=export rel="external" download="">"Download alle tabellen als CSV (Excel)"</a>
            </p>
            {lines_table("Kerncijfers".into(), key_lines, now.clone(), Some(before.clone()))}
            {bar}
            {line}
            {stacked}
            {municipalities}
            <section aria-labelledby="uitkomsten">
                <h2 class="utrecht-heading-2" id="uitkomsten">"Werkt de coördinatie?"</h2>
                {outcomes}
                {lines_table(escalations.title.clone(), escalations.lines.into_iter().chain([escalations.total]).collect(), "Nu".into(), None)}
            </section>
            <section aria-labelledby="uitsplitsingen">
                <h2 class="utrecht-heading-2" id="uitsplitsingen">"Uitsplitsingen"</h2>
                {details.into_iter().map(|(label, bs)| view! {
                    <h3 class="utrecht-heading-3">{label}</h3>
                    {bs.into_iter().map(|b| breakdown_table(b, now.clone(), before.clone())).collect_view()}
                }).collect_view()}
            </section>
        </section>
    }
    .into_any()
}
