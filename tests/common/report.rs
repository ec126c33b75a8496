//! The reporting tests' dataset and helpers: youths and their records
//! written straight into the tables (with back-dated times), the report
//! read through the server function, and the rollup against raw counts.

use super::{Person, TestApp};
use chrono::{Datelike, Months, NaiveDate};
use uuid::Uuid;
use zorgsignaal::{
    api::reports::ReportView,
    domain::{
        organisation::OrganisationKind,
        report::{
            figures::{Breakdown, Report},
            suppress::Cell,
        },
        role::Role,
    },
    server::db,
};

/// The first day of the month `back` months before this one.
pub fn month(back: u32) -> NaiveDate {
    let today = chrono::Local::now().date_naive();
    NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .unwrap()
        .checked_sub_months(Months::new(back))
        .unwrap()
}

/// Noon on `day` of `m`, Dutch time, as SQL.
pub fn at(m: NaiveDate, day: u32) -> String {
    format!(
        "'{}-{:02}-{:02} 12:00:00+01'::timestamptz",
        m.year(),
        m.month(),
        day
    )
}

pub fn choice(m: NaiveDate) -> String {
    format!("maand:{}", m.format("%Y-%m"))
}

pub async fn analyst(app: &TestApp, municipality: &str) -> Person {
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

pub async fn admin(app: &TestApp) -> Person {
    app.person("Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin])
        .await
}

pub async fn second_municipality(app: &TestApp) {
    let region = db::organisations::upsert_region(&app.pool, "Testregio")
        .await
        .unwrap();
    db::organisations::upsert_municipality(&app.pool, "GM0037", "Stadskanaal", region)
        .await
        .unwrap();
}

pub async fn open(app: &TestApp, p: &Person, gebied: &str, periode: &str) -> reqwest::Response {
    app.call_as(p, "report", &[("gebied", gebied), ("periode", periode)])
        .await
}

pub async fn report(app: &TestApp, p: &Person, gebied: &str, periode: &str) -> Report {
    let res = open(app, p, gebied, periode).await;
    assert_eq!(res.status(), 200);
    let view: ReportView = res.json().await.unwrap();
    view.report.expect("a report")
}

pub fn line(r: &Report, key: &str) -> (Cell, Cell, Option<i64>) {
    let f = r.figures.iter().find(|f| f.key == key).unwrap();
    (f.line.now, f.line.before, f.line.change)
}

pub fn breakdown<'a>(r: &'a Report, key: &str, ends_with: &str) -> &'a Breakdown {
    r.figures
        .iter()
        .find(|f| f.key == key)
        .unwrap()
        .breakdowns
        .iter()
        .find(|b| b.title.ends_with(ends_with))
        .unwrap()
}

pub fn cell(b: &Breakdown, label: &str) -> Cell {
    b.lines.iter().find(|l| l.label == label).unwrap().now
}

/// `n` youths living in `municipality`, born on `birth`; their ids.
pub async fn youths(app: &TestApp, n: usize, birth: &str, municipality: &str) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let id = Uuid::new_v4();
        // Any 32 bytes will do as the lookup key here: the column only checks the length.
        let key: Vec<u8> = [id.as_bytes().as_slice(), id.as_bytes().as_slice()].concat();
        sqlx::query(
            "INSERT INTO youths (id, bsn_hmac, bsn_tail, bsn_generation, given_names, family_name, birth_date, municipality_code)
             VALUES ($1, $2, '000', 1, 'Test', 'Jeugdige', $3::date, $4)",
        )
        .bind(id)
        .bind(key)
        .bind(birth)
        .bind(municipality)
        .execute(&app.pool)
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

pub async fn register(app: &TestApp, youth: Uuid, by: &Person, started: &str, ended: Option<&str>) {
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

pub async fn signal(app: &TestApp, youth: Uuid, by: &Person, kind: &str, given: &str) {
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
pub struct Dataset {
    pub m0: NaiveDate,
    pub m1: NaiveDate,
}

/// Anna (JGZ, coordinator), Bram (wijkteam) and the dataset they made.
pub async fn with_dataset(app: &TestApp) -> (Person, Person, Dataset) {
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
    let d = dataset(app, &jgz, &wijk).await;
    (jgz, wijk, d)
}

pub async fn dataset(app: &TestApp, jgz: &Person, wijk: &Person) -> Dataset {
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

/// Sums of the rollup (compacted and pending) per measure, municipality,
/// month and value of one dimension.
pub async fn rollup(app: &TestApp, dim: &str) -> Vec<(String, String, NaiveDate, String, i64)> {
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
pub async fn raw(app: &TestApp, dim: &str) -> Vec<(String, String, NaiveDate, String, i64)> {
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

pub fn only(
    rows: Vec<(String, String, NaiveDate, String, i64)>,
    measures: &[&str],
) -> Vec<(String, String, NaiveDate, String, i64)> {
    rows.into_iter()
        .filter(|r| measures.contains(&r.0.as_str()))
        .collect()
}
