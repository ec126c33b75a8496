//! Reporting against the real server and database: every figure against a
//! hand-computed dataset, small-number suppression, rollups equal to raw
//! counts after a random mix of changes, who may see which municipality,
//! and the periodic report mail sent once with two schedulers.

mod common;

use chrono::{Datelike, Months, NaiveDate};
use common::{Person, TestApp};
use uuid::Uuid;
use zorgsignaal::{
    api::reports::ReportView,
    domain::{
        organisation::OrganisationKind,
        report::{
            figures::{Breakdown, Grid, Report},
            suppress::Cell,
        },
        role::Role,
    },
    server::db,
};

/// The first day of the month `back` months before this one.
fn month(back: u32) -> NaiveDate {
    let today = chrono::Local::now().date_naive();
    NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .unwrap()
        .checked_sub_months(Months::new(back))
        .unwrap()
}

/// Noon on `day` of `m`, Dutch time, as SQL.
fn at(m: NaiveDate, day: u32) -> String {
    format!(
        "'{}-{:02}-{:02} 12:00:00+01'::timestamptz",
        m.year(),
        m.month(),
        day
    )
}

fn choice(m: NaiveDate) -> String {
    format!("maand:{}", m.format("%Y-%m"))
}

async fn analyst(app: &TestApp, municipality: &str) -> Person {
    app.municipality().await;
    let user = app
        .user()
        .name("Gert")
        .email(&format!("gert-{municipality}@gemeente.example").to_lowercase())
        .organisation_kind(OrganisationKind::Gemeente)
        .roles(&[Role::MunicipalityAnalyst])
        .create()
        .await;
    sqlx::query("INSERT INTO analyst_municipalities (user_id, municipality_code) VALUES ($1, $2)")
        .bind(user.id)
        .bind(municipality)
        .execute(&app.pool)
        .await
        .unwrap();
    let client = app.logged_in(&user).await;
    Person { user, client }
}

async fn admin(app: &TestApp) -> Person {
    app.person("Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin])
        .await
}

async fn second_municipality(app: &TestApp) {
    let region = db::organisations::upsert_region(&app.pool, "Testregio")
        .await
        .unwrap();
    db::organisations::upsert_municipality(&app.pool, "GM0037", "Stadskanaal", region)
        .await
        .unwrap();
}

async fn open(app: &TestApp, p: &Person, gebied: &str, periode: &str) -> reqwest::Response {
    app.call_as(p, "report", &[("gebied", gebied), ("periode", periode)])
        .await
}

async fn report(app: &TestApp, p: &Person, gebied: &str, periode: &str) -> Report {
    let res = open(app, p, gebied, periode).await;
    assert_eq!(res.status(), 200);
    let view: ReportView = res.json().await.unwrap();
    view.report.expect("a report")
}

fn line(r: &Report, key: &str) -> (Cell, Cell, Option<i64>) {
    let f = r.figures.iter().find(|f| f.key == key).unwrap();
    (f.line.now, f.line.before, f.line.change)
}

fn breakdown<'a>(r: &'a Report, key: &str, ends_with: &str) -> &'a Breakdown {
    r.figures
        .iter()
        .find(|f| f.key == key)
        .unwrap()
        .breakdowns
        .iter()
        .find(|b| b.title.ends_with(ends_with))
        .unwrap()
}

fn cell(b: &Breakdown, label: &str) -> Cell {
    b.lines.iter().find(|l| l.label == label).unwrap().now
}

/// `n` youths living in `municipality`, born on `birth`; their ids.
async fn youths(app: &TestApp, n: usize, birth: &str, municipality: &str) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let id = Uuid::new_v4();
        // Any nine digits will do here: the column only checks the form.
        let bsn = format!("{:09}", id.as_u128() % 1_000_000_000);
        sqlx::query(
            "INSERT INTO youths (id, bsn, given_names, family_name, birth_date, municipality_code)
             VALUES ($1, $2, 'Test', 'Jeugdige', $3::date, $4)",
        )
        .bind(id)
        .bind(bsn)
        .bind(birth)
        .bind(municipality)
        .execute(&app.pool)
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

async fn register(app: &TestApp, youth: Uuid, by: &Person, started: &str, ended: Option<&str>) {
    let ended_sql = ended.map_or("NULL".to_string(), |e| e.to_string());
    let reason = if ended.is_some() {
        "'help_completed'"
    } else {
        "NULL"
    };
    app.execute(&format!(
        "INSERT INTO registrations (id, youth_id, user_id, organisation_id, started_at, end_date, ended_at, end_reason)
         VALUES ('{}', '{youth}', '{}', '{}', {started}, current_date + 300, {ended_sql}, {reason})",
        Uuid::new_v4(),
        by.user.id,
        by.user.organisation_id
    ))
    .await;
}

async fn signal(app: &TestApp, youth: Uuid, by: &Person, kind: &str, given: &str) {
    app.execute(&format!(
        "INSERT INTO signals (id, youth_id, user_id, organisation_id, kind, given_at, expires_at)
         VALUES ('{}', '{youth}', '{}', '{}', '{kind}', {given}, now() + interval '300 days')",
        Uuid::new_v4(),
        by.user.id,
        by.user.organisation_id
    ))
    .await;
}

/// The hand-computed dataset, in Groningen (GM0014). `m1` is last month,
/// `m0` the month before it. Ages: the "4–11" youths are 10, the "12–17"
/// ones 16.
struct Dataset {
    m0: NaiveDate,
    m1: NaiveDate,
}

async fn dataset(app: &TestApp, jgz: &Person, wijk: &Person) -> Dataset {
    let (m0, m1) = (month(2), month(1));
    let today = chrono::Local::now().date_naive();
    let ten = format!("{}-05-01", today.year() - 10);
    let sixteen = format!("{}-01-01", today.year() - 16);
    let young = youths(app, 12, &ten, "GM0014").await;
    let teens = youths(app, 8, &sixteen, "GM0014").await;
    // m0: 8 registrations by JGZ (youths 0–7, all 10 years old); 2 of them
    // end in m0, 3 in m1.
    for (i, y) in young[..8].iter().enumerate() {
        let ended = match i {
            0 | 1 => Some(at(m0, 25)),
            2..=4 => Some(at(m1, 20)),
            _ => None,
        };
        register(app, *y, jgz, &at(m0, 10), ended.as_deref()).await;
    }
    // m1: 12 registrations: 7 by JGZ (youths 8–11 aged 10, teens 0–2),
    // 5 by the wijkteam (teens 3–7).
    for y in young[8..].iter().chain(&teens[..3]) {
        register(app, *y, jgz, &at(m1, 10), None).await;
    }
    for y in &teens[3..8] {
        register(app, *y, wijk, &at(m1, 10), None).await;
    }
    // m1: 7 signals by the wijkteam: 6 about safety, 1 about health.
    for y in &young[..6] {
        signal(app, *y, wijk, "veiligheid", &at(m1, 12)).await;
    }
    signal(app, young[6], wijk, "gezondheid", &at(m1, 12)).await;
    // m1: 5 new matches.
    for y in &young[..5] {
        app.execute(&format!(
            "INSERT INTO match_events (youth_id, kind, involvement_id, user_id, organisation_id, organisation_count, created_at)
             VALUES ('{y}', 'new', gen_random_uuid(), '{}', '{}', 2, {})",
            wijk.user.id,
            wijk.user.organisation_id,
            at(m1, 12)
        ))
        .await;
    }
    // m1: 6 coordinations by JGZ, taken after 2 days (3) or 4 days (3);
    // the first action a day after taking for 5 of them; 1 ends in m1.
    for (i, y) in young[..6].iter().enumerate() {
        let taken = if i < 3 { 2 } else { 4 };
        let first = if i < 5 {
            format!("{} + interval '{} days'", at(m1, 3), taken + 1)
        } else {
            "NULL".into()
        };
        let (ended, reason) = if i == 5 {
            (at(m1, 26), "'match_ended'".to_string())
        } else {
            ("NULL".into(), "NULL".into())
        };
        app.execute(&format!(
            "INSERT INTO coordinations (id, youth_id, organisation_id, coordinator_id, how, explanation,
                                        started_at, coordinator_since, first_action_at, ended_at, end_reason)
             VALUES (gen_random_uuid(), '{y}', '{}', '{}', 'rule', 'Regel 1', {}, {} + interval '{taken} days', {first}, {ended}, {reason})",
            jgz.user.organisation_id,
            jgz.user.id,
            at(m1, 3),
            at(m1, 3)
        ))
        .await;
    }
    // m1: 5 escalations, still open.
    for y in &teens[..5] {
        app.execute(&format!(
            "INSERT INTO escalations (id, youth_id, region_id, raised_by, raised_at, reason)
             SELECT gen_random_uuid(), '{y}', region_id, '{}', {}, 'Niemand pakt het op'
               FROM organisations WHERE id = '{}'",
            wijk.user.id,
            at(m1, 14),
            wijk.user.organisation_id
        ))
        .await;
    }
    // Actions due in m1: 12, of which 7 done on time, 2 done late, 3 open;
    // one more cancelled (not counted).
    for i in 0..13 {
        let (done, cancelled) = match i {
            0..=6 => (format!("'{}'::date", m1.with_day(5).unwrap()), "NULL".to_string()),
            7 | 8 => (format!("'{}'::date + 3", m1.with_day(15).unwrap()), "NULL".into()),
            9..=11 => ("NULL".into(), "NULL".into()),
            _ => ("NULL".into(), "now()".into()),
        };
        let done_at = if done == "NULL" {
            "NULL".to_string()
        } else {
            format!("{done} + time '12:00'")
        };
        let done_by = if done == "NULL" {
            "NULL".to_string()
        } else {
            format!("'{}'", jgz.user.id)
        };
        app.execute(&format!(
            "INSERT INTO actions (id, youth_id, title, assignee_organisation_id, assignee_id, due_on, created_by, created_at,
                                  done_at, done_by, cancelled_at)
             VALUES (gen_random_uuid(), '{}', 'Actie', '{}', '{}', '{}', '{}', {}, {done_at}, {done_by}, {cancelled})",
            young[i % 6],
            jgz.user.organisation_id,
            jgz.user.id,
            m1.with_day(15).unwrap(),
            jgz.user.id,
            at(m1, 4)
        ))
        .await;
    }
    Dataset { m0, m1 }
}

#[tokio::test]
async fn every_figure_matches_the_hand_computed_dataset() {
    let app = TestApp::spawn().await;
    let jgz = app
        .person(
            "Anna",
            OrganisationKind::Jgz,
            &[Role::Professional, Role::Coordinator],
        )
        .await;
    let wijk = app
        .person("Bram", OrganisationKind::Wijkteam, &[Role::Professional])
        .await;
    let d = dataset(&app, &jgz, &wijk).await;
    let gert = analyst(&app, "GM0014").await;
    // Half the facts folded into the rollup, half still deltas: both count.
    db::reports::compact(&app.pool).await.unwrap();

    let r = report(&app, &gert, "GM0014", &choice(d.m1)).await;
    assert_eq!(r.scope, "Groningen");
    assert!(!r.running);
    assert_eq!(
        line(&r, "registraties_nieuw"),
        (Cell::Shown(12), Cell::Shown(8), Some(4))
    );
    // Started by m1: 20; ended before m1: 2. In m0: 8 started, none ended before.
    assert_eq!(
        line(&r, "registraties_actief"),
        (Cell::Shown(18), Cell::Shown(8), Some(10))
    );
    assert_eq!(line(&r, "signalen_nieuw").0, Cell::Shown(7));
    assert_eq!(line(&r, "signalen_actief").0, Cell::Shown(7));
    assert_eq!(line(&r, "matches").0, Cell::Shown(5));
    // 6 coordinations started, 1 ended: 5 at the end of m1.
    assert_eq!(line(&r, "coordinatie").0, Cell::Shown(5));
    assert_eq!(line(&r, "overdrachten").0, Cell::Small);
    assert_eq!(line(&r, "opschalingen").0, Cell::Shown(5));

    let age = breakdown(&r, "registraties_nieuw", "leeftijd");
    // 4 of the 10-year-olds and 8 teens.
    assert_eq!(cell(age, "4–11 jaar"), Cell::Small);
    assert_eq!(cell(age, "12–17 jaar"), Cell::Shown(8));
    assert_eq!(cell(age, "0–3 jaar"), Cell::Small);
    let org = breakdown(&r, "registraties_nieuw", "soort organisatie");
    assert_eq!(cell(org, "Jeugdgezondheidszorg (JGZ)"), Cell::Shown(7));
    assert_eq!(cell(org, "Wijkteam"), Cell::Shown(5));
    let kind = breakdown(&r, "signalen_nieuw", "soort signaal");
    assert_eq!(cell(kind, "Veiligheid"), Cell::Shown(6));
    assert_eq!(cell(kind, "Gezondheid"), Cell::Small);
    assert_eq!(kind.total.now, Cell::Shown(7));

    let outcome = |start: &str| {
        r.outcomes
            .iter()
            .find(|o| o.label.starts_with(start))
            .unwrap()
            .clone()
    };
    // Taken after 2, 2, 2, 4, 4, 4 days: median (rank 3) 2, p90 (rank 6) 4.
    let taken = outcome("Dagen van match");
    assert_eq!(taken.cases, Cell::Shown(6));
    assert_eq!(
        taken.value.as_deref(),
        Some("mediaan 2 dagen, 90% binnen 4 dagen")
    );
    let first = outcome("Dagen van het oppakken");
    assert_eq!(first.value.as_deref(), Some("mediaan 1 dag, 90% binnen 1 dag"));
    // 7 of 12 due actions done on time: 58%.
    let on_time = outcome("Acties op tijd");
    assert_eq!(
        (on_time.cases, on_time.value.as_deref()),
        (Cell::Shown(12), Some("58%"))
    );
    assert_eq!(r.open_escalations.total.now, Cell::Shown(5));

    // The month before: 8 new registrations, nothing else.
    let before = report(&app, &gert, "GM0014", &choice(d.m0)).await;
    assert_eq!(line(&before, "registraties_nieuw").0, Cell::Shown(8));
    assert_eq!(line(&before, "signalen_nieuw").0, Cell::Small);
    // The quarter or year holding both months counts both.
    let both = report(&app, &gert, "GM0014", &format!("jaar:{}", d.m1.year())).await;
    if d.m0.year() == d.m1.year() {
        assert_eq!(line(&both, "registraties_nieuw").0, Cell::Shown(20));
    }
    // The charts' monthly series agree with the table.
    let col = r.signals_by_month.cols.len() - 1;
    assert_eq!(r.signals_by_month.totals()[col], Cell::Shown(7));
    assert_eq!(r.registrations_by_month.totals()[col], Cell::Shown(12));
    assert_eq!(r.registrations_by_month.totals()[col - 1], Cell::Shown(8));

    // The CSV download has the same numbers, in Dutch CSV.
    let url = format!("/rapportage/export.csv?gebied=GM0014&periode={}", choice(d.m1));
    let res = gert.client.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    let label = r.period_label.clone();
    assert!(
        csv.contains(&format!(
            "Groningen;Kerncijfers;Nieuwe ketenregistraties;{label};12;"
        )),
        "{csv}"
    );
    assert!(csv.contains(&format!(
        "Groningen;Kerncijfers;Actieve ketenregistraties;{label};18;"
    )));
    assert!(csv.contains("Acties op tijd afgerond (van de acties waarvan de datum verstreken is);"));
    assert!(csv.contains(";58%;"));
    // Opening and exporting are audited.
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'report_view' AND result = 'success'")
            .await
            >= 3
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'report_export' AND result = 'success' AND 'GM0014' = ANY(object_ids)")
            .await,
        1
    );
    app.drop_database().await;
}

/// In every published line (a breakdown with its total, a grid's rows and
/// columns with their totals), no single cell is unpublished.
fn nothing_derivable(r: &Report) {
    let check_line = |cells: &[Cell], what: &str| {
        let unpublished = cells.iter().filter(|c| c.shown().is_none()).count();
        assert_ne!(unpublished, 1, "{what}: {cells:?}");
    };
    for f in &r.figures {
        for b in &f.breakdowns {
            let mut cells: Vec<Cell> = b.lines.iter().map(|l| l.now).collect();
            cells.push(b.total.now);
            if b.total.now.shown().is_some() {
                check_line(&cells, &b.title);
            }
            let mut before: Vec<Cell> = b.lines.iter().map(|l| l.before).collect();
            before.push(b.total.before);
            if b.total.before.shown().is_some() {
                check_line(&before, &b.title);
            }
            for l in &b.lines {
                if l.change.is_some() {
                    assert!(l.now.shown().is_some() && l.before.shown().is_some());
                }
            }
        }
    }
    let grids: Vec<&Grid> = [&r.signals_by_month, &r.registrations_by_month]
        .into_iter()
        .chain(r.municipalities.as_ref())
        .collect();
    for g in grids {
        for row in &g.cells {
            check_line(row, &g.title);
        }
        for c in 0..g.cells[0].len() {
            let col: Vec<Cell> = g.cells.iter().map(|row| row[c]).collect();
            check_line(&col, &g.title);
        }
    }
}

#[tokio::test]
async fn small_numbers_are_suppressed_and_cannot_be_worked_out() {
    let app = TestApp::spawn().await;
    second_municipality(&app).await;
    let jgz = app
        .person("Anna", OrganisationKind::Jgz, &[Role::Professional])
        .await;
    let wijk = app
        .person("Bram", OrganisationKind::Wijkteam, &[Role::Professional])
        .await;
    let d = dataset(&app, &jgz, &wijk).await;
    // Stadskanaal: 3 signals in m1 — below five.
    let today = chrono::Local::now().date_naive();
    let few = youths(&app, 3, &format!("{}-05-01", today.year() - 10), "GM0037").await;
    for y in &few {
        signal(&app, *y, &wijk, "veiligheid", &at(d.m1, 12)).await;
    }
    let rita = admin(&app).await;
    let region = report(&app, &rita, "regio", &choice(d.m1)).await;
    assert_eq!(region.scope, "Regio Testregio");
    assert_eq!(line(&region, "signalen_nieuw").0, Cell::Shown(10));
    let per = region
        .municipalities
        .as_ref()
        .expect("the region lists its municipalities");
    let row = |name: &str| per.rows.iter().position(|r| r == name).unwrap();
    // Column 0 is new signals: Stadskanaal's 3 is small, so Groningen's 7
    // is hidden too — otherwise 10 − 7 would give the 3 away.
    assert_eq!(per.cells[row("Stadskanaal")][0], Cell::Small);
    assert_eq!(per.cells[row("Groningen")][0], Cell::Hidden);
    assert_eq!(per.cells[per.rows.len()][0], Cell::Shown(10));
    nothing_derivable(&region);

    let stadskanaal = report(&app, &rita, "GM0037", &choice(d.m1)).await;
    assert_eq!(line(&stadskanaal, "signalen_nieuw").0, Cell::Small);
    assert_eq!(line(&stadskanaal, "signalen_nieuw").2, None);
    nothing_derivable(&stadskanaal);
    let groningen = report(&app, &rita, "GM0014", &choice(d.m1)).await;
    nothing_derivable(&groningen);
    // Signals by kind in Groningen: 6 safety, 1 health: the 1 is "<5"
    // beside other small kinds, so nothing else needs hiding.
    let kind = breakdown(&groningen, "signalen_nieuw", "soort signaal");
    assert_eq!(kind.lines.iter().filter(|l| l.now == Cell::Hidden).count(), 0);
    // A percentage never gives a small part away: 7 of 12 on time is
    // shown; a month with 2 late of 9 would not be (unit-tested).
    app.drop_database().await;
}

/// Sums of the rollup (compacted and pending) per measure, municipality,
/// month and value of one dimension.
async fn rollup(app: &TestApp, dim: &str) -> Vec<(String, String, NaiveDate, String, i64)> {
    sqlx::query_as(
        "SELECT measure, municipality_code, month, value, sum(n)::bigint FROM (
             SELECT measure, municipality_code, month, value, n FROM report_counts WHERE dim = $1
             UNION ALL SELECT measure, municipality_code, month, value, n FROM report_deltas WHERE dim = $1) x
          GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4",
    )
    .bind(dim)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The same sums counted straight from the raw tables, written out here
/// independently of the triggers' functions.
async fn raw(app: &TestApp, dim: &str) -> Vec<(String, String, NaiveDate, String, i64)> {
    let value = |age_at: &str, org: &str, kind: Option<&str>| {
        match dim {
        "age" => format!(
            "CASE WHEN date_part('year', age(({age_at} AT TIME ZONE 'Europe/Amsterdam')::date, y.birth_date)) <= 3 THEN '0'
                  WHEN date_part('year', age(({age_at} AT TIME ZONE 'Europe/Amsterdam')::date, y.birth_date)) <= 11 THEN '1'
                  WHEN date_part('year', age(({age_at} AT TIME ZONE 'Europe/Amsterdam')::date, y.birth_date)) <= 17 THEN '2'
                  ELSE '3' END"
        ),
        "org" => format!("(SELECT kind FROM organisations o WHERE o.id = {org})"),
        _ => kind.unwrap_or("NULL").to_string(),
    }
    };
    let month = |col: &str| format!("date_trunc('month', {col} AT TIME ZONE 'Europe/Amsterdam')::date");
    let mut parts = vec![
        format!(
            "SELECT 'registration_started' m, y.municipality_code c, {} mo, {} v FROM registrations r JOIN youths y ON y.id = r.youth_id",
            month("r.started_at"),
            value("r.started_at", "r.organisation_id", None)
        ),
        format!(
            "SELECT 'registration_ended', y.municipality_code, {}, {} FROM registrations r JOIN youths y ON y.id = r.youth_id WHERE r.ended_at IS NOT NULL",
            month("r.ended_at"),
            value("r.started_at", "r.organisation_id", None)
        ),
        format!(
            "SELECT 'signal_started', y.municipality_code, {}, {} FROM signals s JOIN youths y ON y.id = s.youth_id",
            month("s.given_at"),
            value("s.given_at", "s.organisation_id", Some("s.kind"))
        ),
        format!(
            "SELECT 'signal_ended', y.municipality_code, {}, {} FROM signals s JOIN youths y ON y.id = s.youth_id WHERE s.closed_at IS NOT NULL",
            month("s.closed_at"),
            value("s.given_at", "s.organisation_id", Some("s.kind"))
        ),
    ];
    if dim == "kind" {
        // Only signals have a kind.
        parts.drain(..2);
    }
    if dim == "age" {
        parts.push(format!(
            "SELECT 'match', y.municipality_code, {}, {} FROM match_events e JOIN youths y ON y.id = e.youth_id WHERE e.kind = 'new'",
            month("e.created_at"),
            value("e.created_at", "", None)
        ));
    }
    if dim != "kind" {
        parts.push(format!(
            "SELECT 'coordination_started', y.municipality_code, {}, {} FROM coordinations c JOIN youths y ON y.id = c.youth_id",
            month("c.started_at"),
            value("c.started_at", "c.organisation_id", None)
        ));
        parts.push(format!(
            "SELECT 'coordination_ended', y.municipality_code, {}, {} FROM coordinations c JOIN youths y ON y.id = c.youth_id WHERE c.ended_at IS NOT NULL",
            month("c.ended_at"),
            value("c.started_at", "c.organisation_id", None)
        ));
    }
    let sql = format!(
        "SELECT m, c, mo, v, count(*)::bigint FROM ({}) x (m, c, mo, v) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        parts.join(" UNION ALL ")
    );
    sqlx::query_as(&sql).fetch_all(&app.pool).await.unwrap()
}

fn only(
    rows: Vec<(String, String, NaiveDate, String, i64)>,
    measures: &[&str],
) -> Vec<(String, String, NaiveDate, String, i64)> {
    rows.into_iter()
        .filter(|r| measures.contains(&r.0.as_str()))
        .collect()
}

#[tokio::test]
async fn rollups_equal_raw_counts_after_a_random_mix_of_changes() {
    let app = TestApp::spawn().await;
    second_municipality(&app).await;
    let people = [
        app.person(
            "Anna",
            OrganisationKind::Jgz,
            &[Role::Professional, Role::Coordinator],
        )
        .await,
        app.person(
            "Bram",
            OrganisationKind::Wijkteam,
            &[Role::Professional, Role::Coordinator],
        )
        .await,
        app.person("Carla", OrganisationKind::School, &[Role::Professional])
            .await,
    ];
    // Valid BSNs (11-check) for 12 youths.
    let bsns: Vec<String> = (0..)
        .map(|n: u32| format!("{:09}", 100_000_000 + n * 7))
        .filter(|b| zorgsignaal::domain::bsn::Bsn::parse(b).is_ok())
        .take(12)
        .collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let today = chrono::Local::now().date_naive();
    for step in 0..90 {
        let who = &people[next(3) as usize];
        let i = next(12) as usize;
        let bsn = &bsns[i];
        // One date of birth per youth (ages 1 to 20), as the BSN is checked against it.
        let birth = format!("{}-0{}-15", today.year() - 1 - (i as i32 * 7) % 20, 1 + i % 9);
        let town = if next(3) == 0 { "GM0037" } else { "GM0014" };
        match next(10) {
            0..=4 => {
                let school = who.user.email.contains("school");
                let mut args = vec![
                    ("bsn", bsn.as_str()),
                    ("given_names", "Kim"),
                    ("family_name", "Visser"),
                    ("birth_date", birth.as_str()),
                    ("municipality_code", town),
                ];
                let kinds = ["veiligheid", "gezondheid", "opvoeding"];
                let kind = kinds[next(3) as usize];
                if school || next(2) == 0 {
                    args.push(("kind", kind));
                }
                let endpoint = if args.len() == 6 { "signal" } else { "register" };
                let res = app.call_as(who, endpoint, &args).await;
                // A second registration or an equal signal by the same person is refused: fine.
                let status = res.status();
                let body = res.text().await.unwrap();
                assert!(status == 200 || status == 422, "{body}");
            }
            5 | 6 => {
                // End one of this person's registrations or signals.
                let row: Option<(Uuid, bool)> = sqlx::query_as(
                    "SELECT id, false FROM registrations WHERE user_id = $1 AND ended_at IS NULL
                     UNION ALL SELECT id, true FROM signals WHERE user_id = $1 AND closed_at IS NULL LIMIT 1",
                )
                .bind(who.user.id)
                .fetch_optional(&app.pool)
                .await
                .unwrap();
                if let Some((id, is_signal)) = row {
                    let (endpoint, reason) = if is_signal {
                        ("close_signal", "worry_resolved")
                    } else {
                        ("end_registration", "help_completed")
                    };
                    let id = id.to_string();
                    let res = app
                        .call_as(who, endpoint, &[("id", &id), ("reason", reason)])
                        .await;
                    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
                }
            }
            7 => {
                // A youth moves to the other municipality.
                app.execute(&format!(
                    "UPDATE youths SET municipality_code = CASE municipality_code WHEN 'GM0014' THEN 'GM0037' ELSE 'GM0014' END
                      WHERE bsn = '{bsn}'"
                ))
                .await;
            }
            8 => {
                // A youth turns 23 and is purged by the daily job.
                app.execute(&format!(
                    "UPDATE youths SET birth_date = current_date - interval '23 years 2 days' WHERE bsn = '{bsn}'"
                ))
                .await;
                let day = today + chrono::Days::new(step + 1);
                zorgsignaal::server::jobs::run_daily_once(
                    &app.pool,
                    day,
                    std::time::Duration::from_secs(3600),
                    std::time::Duration::from_secs(36000),
                )
                .await
                .unwrap();
            }
            _ => {
                db::reports::compact(&app.pool).await.unwrap();
            }
        }
    }
    assert!(
        app.count("SELECT count(*) FROM registrations").await > 5,
        "the mix made registrations"
    );
    assert!(
        app.count("SELECT count(*) FROM signals").await > 5,
        "the mix made signals"
    );
    assert!(
        app.count("SELECT count(*) FROM match_events").await > 0,
        "the mix made matches"
    );
    assert!(
        app.count("SELECT count(*) FROM coordinations").await > 0,
        "the mix appointed coordinators"
    );
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'retention_purge'")
            .await
            > 0,
        "the mix purged youths"
    );
    assert!(
        app.count("SELECT count(*) FROM registrations WHERE ended_at IS NOT NULL")
            .await
            + app
                .count("SELECT count(*) FROM signals WHERE closed_at IS NOT NULL")
                .await
            > 0,
        "the mix ended registrations or closed signals"
    );
    for dim in ["age", "org", "kind"] {
        let measures: &[&str] = match dim {
            "kind" => &["signal_started", "signal_ended"],
            "age" => &[
                "registration_started",
                "registration_ended",
                "signal_started",
                "signal_ended",
                "match",
                "coordination_started",
                "coordination_ended",
            ],
            _ => &[
                "registration_started",
                "registration_ended",
                "signal_started",
                "signal_ended",
                "coordination_started",
                "coordination_ended",
            ],
        };
        assert_eq!(
            only(rollup(&app, dim).await, measures),
            raw(&app, dim).await,
            "dimension {dim}"
        );
    }
    // Folding the deltas in changes no sum, and a rebuild from scratch
    // (set-based, as the data generator uses it) agrees in every dimension.
    let mut before = Vec::new();
    for dim in ["age", "org", "kind", "days", "day"] {
        before.push(rollup(&app, dim).await);
    }
    db::reports::compact(&app.pool).await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM report_deltas").await, 0);
    assert_eq!(rollup(&app, "age").await, before[0]);
    app.execute("SELECT report_rebuild()").await;
    for (i, dim) in ["age", "org", "kind", "days", "day"].into_iter().enumerate() {
        assert_eq!(rollup(&app, dim).await, before[i], "rebuilt dimension {dim}");
    }
    app.drop_database().await;
}

#[tokio::test]
async fn an_analyst_reads_only_their_own_municipality() {
    let app = TestApp::spawn().await;
    second_municipality(&app).await;
    let gert = analyst(&app, "GM0014").await;
    let period = choice(month(1));
    assert_eq!(open(&app, &gert, "GM0014", &period).await.status(), 200);
    for other in ["GM0037", "regio", "GM9999", ""] {
        let res = open(&app, &gert, other, &period).await;
        if other.is_empty() {
            // No choice: the analyst's own municipality.
            let v: ReportView = res.json().await.unwrap();
            assert_eq!(v.gebied, "GM0014");
            assert_eq!(v.areas.len(), 1);
            continue;
        }
        assert_eq!(res.status(), 404, "{other}");
        let url = format!("/rapportage/export.csv?gebied={other}&periode={period}");
        let res = gert.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), 404, "export of {other}");
    }
    // The region admin's functions are not the analyst's.
    for endpoint in ["report_settings", "add_report_recipient", "set_report_frequency"] {
        let res = app
            .call_as(
                &gert,
                endpoint,
                &[
                    ("gemeente", "GM0014"),
                    ("naam", "X"),
                    ("email", "x@y.nl"),
                    ("frequentie", "monthly"),
                ],
            )
            .await;
        assert_eq!(res.status(), 403, "{endpoint}");
    }
    // Professionals and anonymous visitors get nothing.
    let anna = app
        .person(
            "Anna",
            OrganisationKind::Jgz,
            &[Role::Professional, Role::Coordinator],
        )
        .await;
    assert_eq!(open(&app, &anna, "GM0014", &period).await.status(), 403);
    let res = app
        .client()
        .get(app.url("/rapportage/export.csv?gebied=GM0014"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // A region admin of another region cannot open Groningen.
    let other_region = db::organisations::upsert_region(&app.pool, "Andere regio")
        .await
        .unwrap();
    db::organisations::upsert_municipality(&app.pool, "GM0344", "Utrecht", other_region)
        .await
        .unwrap();
    let org = {
        let mut conn = app.pool.acquire().await.unwrap();
        db::organisations::upsert_organisation(
            &mut conn,
            other_region,
            "Gemeente Utrecht",
            OrganisationKind::Gemeente,
            OrganisationKind::Gemeente.default_capabilities(),
        )
        .await
        .unwrap()
    };
    let hank = app
        .user()
        .email("hank@utrecht.example")
        .roles(&[Role::RegionAdmin])
        .create()
        .await;
    app.execute(&format!(
        "UPDATE users SET organisation_id = '{org}' WHERE id = '{}'",
        hank.id
    ))
    .await;
    let hank = Person {
        client: app.logged_in(&hank).await,
        user: hank,
    };
    assert_eq!(open(&app, &hank, "GM0014", &period).await.status(), 404);
    assert_eq!(open(&app, &hank, "GM0344", &period).await.status(), 200);
    let v: ReportView = open(&app, &hank, "regio", &period).await.json().await.unwrap();
    assert_eq!(v.report.unwrap().scope, "Regio Andere regio");
    // A bad period is a message beside the field, not an error page.
    let res = open(&app, &gert, "GM0014", "maand:2026-13").await;
    assert_eq!(res.status(), 200);
    let v: ReportView = res.json().await.unwrap();
    assert!(v.report.is_none());
    assert_eq!(
        v.period_error.as_deref(),
        Some(zorgsignaal::api::reports::PERIOD_INVALID)
    );
    // Every denial is in the audit log.
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'report_view' AND result = 'denied'")
            .await
            >= 4
    );
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'report_export' AND result = 'denied'")
            .await
            >= 3
    );
    app.drop_database().await;
}

#[tokio::test]
async fn the_periodic_report_goes_once_per_municipality_and_period_with_two_schedulers() {
    let app = TestApp::spawn().await;
    second_municipality(&app).await;
    let jgz = app
        .person("Anna", OrganisationKind::Jgz, &[Role::Professional])
        .await;
    let wijk = app
        .person("Bram", OrganisationKind::Wijkteam, &[Role::Professional])
        .await;
    let d = dataset(&app, &jgz, &wijk).await;
    let rita = admin(&app).await;
    for (town, name, email) in [
        ("GM0014", "Gert", "gert@gemeente.example"),
        ("GM0014", "Petra", "petra@gemeente.example"),
        ("GM0037", "Sven", "sven@stadskanaal.example"),
    ] {
        let res = app
            .call_as(
                &rita,
                "add_report_recipient",
                &[("gemeente", town), ("naam", name), ("email", email)],
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    // The same address twice, or a bad one, is a message beside the field.
    let res = app
        .call_as(
            &rita,
            "add_report_recipient",
            &[
                ("gemeente", "GM0014"),
                ("naam", "Gert"),
                ("email", "gert@gemeente.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call_as(
            &rita,
            "add_report_recipient",
            &[("gemeente", "GM0014"), ("naam", ""), ("email", "geen-adres")],
        )
        .await;
    assert_eq!(res.status(), 422);
    // Stadskanaal gets its report per quarter.
    let res = app
        .call_as(
            &rita,
            "set_report_frequency",
            &[("gemeente", "GM0037"), ("frequentie", "quarterly")],
        )
        .await;
    assert_eq!(res.status(), 200);
    // The recipients were added three months ago; the app was down since:
    // every missed month is due now.
    app.execute("UPDATE report_recipients SET added_at = now() - interval '3 months'")
        .await;
    let today = chrono::Local::now().date_naive();
    let months_due =
        zorgsignaal::server::mail::report::due_periods("monthly", today - chrono::Days::new(92), today).len();
    let quarters_due =
        zorgsignaal::server::mail::report::due_periods("quarterly", today - chrono::Days::new(92), today)
            .len();
    assert!(months_due >= 2);

    // Two schedulers (as two instances run them), twice each.
    let (a, b) = tokio::join!(
        zorgsignaal::server::mail::report::send_due(&app.pool, today),
        zorgsignaal::server::mail::report::send_due(&app.pool, today)
    );
    assert_eq!(a.unwrap() + b.unwrap(), months_due + quarters_due);
    let (a, b) = tokio::join!(
        zorgsignaal::server::mail::report::send_due(&app.pool, today),
        zorgsignaal::server::mail::report::send_due(&app.pool, today)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 0, "nothing is sent twice");
    assert_eq!(
        app.count("SELECT count(*) FROM report_sends").await as usize,
        months_due + quarters_due
    );
    let expected = months_due * 2 + quarters_due;
    let mails = app.wait_for_mails(expected).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.smtp.count(), expected, "one mail per recipient and period");
    // Last month's mail to Gert: the key figures, the CSV, the link.
    let label = zorgsignaal::domain::report::Period::month(d.m1.year(), d.m1.month())
        .unwrap()
        .label();
    let gert = mails
        .iter()
        .find(|m| m.to == ["gert@gemeente.example"] && m.subject.ends_with(&label))
        .expect("last month's report for Gert");
    assert_eq!(gert.subject, format!("Rapportage Groningen over {label}"));
    assert!(
        gert.text.contains("- Nieuwe ketenregistraties: 12 (8)"),
        "{}",
        gert.text
    );
    assert!(gert
        .text
        .contains(&format!("/rapportage?gebied=GM0014&periode={}", choice(d.m1))));
    assert!(gert.raw.contains("text/csv"));
    assert!(gert.raw.contains(&format!(
        "filename=\"rapportage-GM0014-{}.csv\"",
        d.m1.format("%Y-%m")
    )));
    app.drop_database().await;
}
