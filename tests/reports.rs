//! Reporting against the real server and database: every figure against a
//! hand-computed dataset, small-number suppression, rollups equal to raw
//! counts after a random mix of changes, who may see which municipality,
//! and the periodic report mail sent once with two schedulers.

mod common;

use chrono::Datelike;
use common::{report::*, Person, TestApp};
use uuid::Uuid;
use zorgsignaal::{
    api::reports::ReportView,
    domain::{
        organisation::OrganisationKind,
        report::{
            figures::{Grid, Report},
            suppress::Cell,
        },
        role::Role,
    },
    server::db,
};

/// A hand-computed count as the report publishes it: "<5", or rounded
/// down to a multiple of five.
fn published(n: u64) -> Cell {
    Cell::of(n)
}

#[tokio::test]
async fn every_figure_matches_the_hand_computed_dataset() {
    let app = TestApp::spawn().await;
    let (_, _, d) = with_dataset(&app).await;
    let gert = analyst(&app, "GM0014").await;
    // Half the facts folded into the rollup, half still deltas: both count.
    db::reports::compact(&app.pool).await.unwrap();

    let r = report(&app, &gert, "GM0014", &choice(d.m1)).await;
    assert_eq!(r.scope, "Groningen");
    assert!(!r.running);
    assert_eq!(
        line(&r, "registraties_nieuw"),
        // 12 and 8, published rounded down to fives: 10 and 5.
        (published(12), published(8), Some(5))
    );
    // Started by m1: 20; ended before m1: 2. In m0: 8 started, none ended before.
    assert_eq!(
        line(&r, "registraties_actief"),
        (published(18), published(8), Some(10))
    );
    assert_eq!(line(&r, "signalen_nieuw").0, published(7));
    assert_eq!(line(&r, "signalen_actief").0, published(7));
    assert_eq!(line(&r, "matches").0, published(5));
    // 6 coordinations started, 1 ended: 5 at the end of m1.
    assert_eq!(line(&r, "coordinatie").0, published(5));
    assert_eq!(line(&r, "overdrachten").0, Cell::Small);
    assert_eq!(line(&r, "opschalingen").0, published(5));

    let age = breakdown(&r, "registraties_nieuw", "leeftijd");
    // 4 of the 10-year-olds and 8 teens.
    assert_eq!(cell(age, "4–11 jaar"), Cell::Small);
    assert_eq!(cell(age, "12–17 jaar"), published(8));
    assert_eq!(cell(age, "0–3 jaar"), Cell::Small);
    let org = breakdown(&r, "registraties_nieuw", "soort organisatie");
    assert_eq!(cell(org, "Jeugdgezondheidszorg (JGZ)"), published(7));
    assert_eq!(cell(org, "Wijkteam"), published(5));
    let kind = breakdown(&r, "signalen_nieuw", "soort signaal");
    assert_eq!(cell(kind, "Veiligheid"), published(6));
    assert_eq!(cell(kind, "Gezondheid"), Cell::Small);
    assert_eq!(kind.total.now, published(7));

    let outcome = |start: &str| {
        r.outcomes
            .iter()
            .find(|o| o.label.starts_with(start))
            .unwrap()
            .clone()
    };
    // Taken after 2, 2, 2, 4, 4, 4 days: median (rank 3) 2, p90 (rank 6) 4.
    let taken = outcome("Dagen van match");
    assert_eq!(taken.cases, published(6));
    assert_eq!(
        taken.value.as_deref(),
        Some("mediaan 2 dagen, 90% binnen 4 dagen")
    );
    let first = outcome("Dagen van het oppakken");
    assert_eq!(first.value.as_deref(), Some("mediaan 1 dag, 90% binnen 1 dag"));
    // 7 of 12 due actions done on time: the share of the published 5 and
    // 10, 50% (58% would name both numbers).
    let on_time = outcome("Acties op tijd");
    assert_eq!(
        (on_time.cases, on_time.value.as_deref()),
        (published(12), Some("50%"))
    );
    assert_eq!(r.open_escalations.total.now, published(5));

    // The month before: 8 new registrations, nothing else.
    let before = report(&app, &gert, "GM0014", &choice(d.m0)).await;
    assert_eq!(line(&before, "registraties_nieuw").0, published(8));
    assert_eq!(line(&before, "signalen_nieuw").0, Cell::Small);
    // The quarter or year holding both months counts both.
    let both = report(&app, &gert, "GM0014", &format!("jaar:{}", d.m1.year())).await;
    if d.m0.year() == d.m1.year() {
        assert_eq!(line(&both, "registraties_nieuw").0, published(20));
    }
    // The charts' monthly series agree with the table.
    let col = r.signals_by_month.cols.len() - 1;
    assert_eq!(r.signals_by_month.totals()[col], published(7));
    assert_eq!(r.registrations_by_month.totals()[col], published(12));
    assert_eq!(r.registrations_by_month.totals()[col - 1], published(8));

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
            "Groningen;Kerncijfers;Nieuwe ketenregistraties;{label};10;"
        )),
        "{csv}"
    );
    assert!(csv.contains(&format!(
        "Groningen;Kerncijfers;Actieve ketenregistraties;{label};15;"
    )));
    assert!(csv.contains("Acties op tijd afgerond (van de acties waarvan de datum verstreken is);"));
    assert!(csv.contains(";50%;"));
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
    let (_, wijk, d) = with_dataset(&app).await;
    // Stadskanaal: 3 signals in m1 — below five.
    let today = chrono::Local::now().date_naive();
    let few = youths(&app, 3, &format!("{}-05-01", today.year() - 10), "GM0037").await;
    for y in &few {
        signal(&app, *y, &wijk, "veiligheid", &at(d.m1, 12)).await;
    }
    let rita = admin(&app).await;
    let region = report(&app, &rita, "regio", &choice(d.m1)).await;
    assert_eq!(region.scope, "Regio Testregio");
    assert_eq!(line(&region, "signalen_nieuw").0, published(10));
    let per = region
        .municipalities
        .as_ref()
        .expect("the region lists its municipalities");
    let row = |name: &str| per.rows.iter().position(|r| r == name).unwrap();
    // Column 0 is new signals: Stadskanaal's 3 is small, so Groningen's 7
    // is hidden too — otherwise 10 − 7 would give the 3 away.
    assert_eq!(per.cells[row("Stadskanaal")][0], Cell::Small);
    assert_eq!(per.cells[row("Groningen")][0], Cell::Hidden);
    assert_eq!(per.cells[per.rows.len()][0], published(10));
    nothing_derivable(&region);

    let stadskanaal = report(&app, &rita, "GM0037", &choice(d.m1)).await;
    assert_eq!(line(&stadskanaal, "signalen_nieuw").0, Cell::Small);
    assert_eq!(line(&stadskanaal, "signalen_nieuw").2, None);
    nothing_derivable(&stadskanaal);
    let groningen = report(&app, &rita, "GM0014", &choice(d.m1)).await;
    nothing_derivable(&groningen);
    // The region's 10 minus Groningen's own report (7, shown as 5) would
    // have named Stadskanaal's 3; rounded it leaves 1 to 4.
    assert_eq!(line(&groningen, "signalen_nieuw").0, Cell::Shown(5));
    assert_eq!(
        candidates(
            line(&region, "signalen_nieuw").0,
            line(&groningen, "signalen_nieuw").0,
            Some(line(&stadskanaal, "signalen_nieuw").0)
        ),
        [1, 2, 3, 4]
    );
    // Signals by kind in Groningen: 6 safety, 1 health: the 1 is "<5"
    // beside other small kinds, so nothing else needs hiding.
    let kind = breakdown(&groningen, "signalen_nieuw", "soort signaal");
    assert_eq!(kind.lines.iter().filter(|l| l.now == Cell::Hidden).count(), 0);
    // A percentage never gives a small part away: 7 of 12 on time is
    // shown; a month with 2 late of 9 would not be (unit-tested).
    app.drop_database().await;
}

/// The counts `x` an attacker holding a published `total` and a published
/// `rest` (total minus x) cannot rule out — and, where x is published on
/// its own too, that it publishes as `own`.
fn candidates(total: Cell, rest: Cell, own: Option<Cell>) -> Vec<u64> {
    (0..200)
        .filter(|&x| own.is_none_or(|c| published(x) == c))
        .filter(|&x| (0..1_000).any(|t| published(t) == rest && published(t + x) == total))
        .collect()
}

/// The differencing attack of issue 19: a year minus a range that leaves
/// one month (or quarter) out, and the region minus a municipality. The
/// range that would single out January is refused; the rest name no count
/// below five.
#[tokio::test]
async fn two_overlapping_reports_give_no_small_count_away() {
    let app = TestApp::spawn().await;
    let gert = analyst(&app, "GM0014").await;
    let wijk = app
        .person("Bram", OrganisationKind::Wijkteam, &[Role::Professional])
        .await;
    let today = chrono::Local::now().date_naive();
    let year = today.year() - 1;
    let first = |m: u32| chrono::NaiveDate::from_ymd_opt(year, m, 1).unwrap();
    // Last year: 3 signals in January, 14 in April, 14 in July, 13 in October.
    let kids = youths(&app, 44, &format!("{}-05-01", today.year() - 10), "GM0014").await;
    let months = [(1, 3), (4, 14), (7, 14), (10, 13)];
    let mut next = kids.iter();
    for (m, n) in months {
        for y in next.by_ref().take(n) {
            signal(&app, *y, &wijk, "veiligheid", &at(first(m), 12)).await;
        }
    }
    let new = |r: &Report| line(r, "signalen_nieuw").0;
    let whole = report(&app, &gert, "GM0014", &format!("jaar:{year}")).await;
    assert_eq!(new(&whole), Cell::Shown(40), "44, rounded down");
    let q1 = report(&app, &gert, "GM0014", &format!("kwartaal:{year}-1")).await;
    assert_eq!(new(&q1), Cell::Small);

    // February to December: no longer a period one can ask for.
    let range = |from: u32, to: u32| {
        [
            ("gebied", "GM0014".to_string()),
            ("periode", "eigen".to_string()),
            ("van", format!("{year}-{from:02}")),
            ("tot", format!("{year}-{to:02}")),
        ]
    };
    let args = range(2, 12);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.call_as(&gert, "report", &args).await;
    assert_eq!(res.status(), 200);
    let view: ReportView = res.json().await.unwrap();
    assert!(view.report.is_none());
    assert!(view.period_error.unwrap().contains("hele kwartalen"));
    let res = gert
        .client
        .get(app.url("/rapportage/export.csv"))
        .query(&args)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "the export refuses it too");

    // April to December, whole quarters: allowed, and 41 publishes as 40,
    // the year's 44 as 40 too. January could be anything from 0 to 4.
    let args = range(4, 12);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.call_as(&gert, "report", &args).await;
    assert_eq!(res.status(), 200);
    let rest: ReportView = res.json().await.unwrap();
    let rest = rest.report.expect("whole quarters make a report");
    assert_eq!(new(&rest), Cell::Shown(40));
    assert_eq!(
        candidates(new(&whole), new(&rest), Some(new(&q1))),
        [0, 1, 2, 3, 4]
    );
    // Without the rounding the two would have read 44 and 41: January 3.
    // Each quarter minus each of its months leaves the other two unnamed.
    for m in 1..=12 {
        let month = report(&app, &gert, "GM0014", &format!("maand:{year}-{m:02}")).await;
        let q = report(
            &app,
            &gert,
            "GM0014",
            &format!("kwartaal:{year}-{}", (m - 1) / 3 + 1),
        )
        .await;
        // The quarter minus the month: the quarter's other two months.
        let per_month = [3, 0, 0, 14, 0, 0, 14, 0, 0, 13, 0, 0];
        let first = (m - 1) / 3 * 3;
        let truth: u64 = per_month[first..first + 3].iter().sum::<u64>() - per_month[m - 1];
        let found = candidates(new(&q), new(&month), None);
        assert!(
            found.contains(&truth),
            "quarter minus month {m}: {found:?} lacks {truth}"
        );
        assert!(found.len() >= 2, "quarter minus month {m}: {found:?}");
    }
    app.drop_database().await;
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
                      WHERE {}",
                    app.bsn_is(bsn)
                ))
                .await;
            }
            8 => {
                // A youth turns 23 and is purged by the daily job.
                app.execute(&format!(
                    "UPDATE youths SET birth_date = current_date - interval '23 years 2 days' WHERE {}",
                    app.bsn_is(bsn)
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
            assert_eq!(v.area, "GM0014");
            assert_eq!(v.areas.len(), 1);
            continue;
        }
        assert_eq!(res.status(), 404, "{other}");
        let url = format!("/rapportage/export.csv?gebied={other}&periode={period}");
        let res = gert.client.get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), 404, "export of {other}");
    }
    // What is typed in place of an area reaches the audit log only once it
    // is a well-formed code: a long or odd string does not.
    let typed = format!("{}<script>", "x".repeat(5000));
    let res = open(&app, &gert, &typed, &period).await;
    assert_eq!(res.status(), 404);
    let res = gert
        .client
        .get(app.url("/rapportage/export.csv"))
        .query(&[("gebied", typed.as_str()), ("periode", period.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action IN ('report_view', 'report_export') AND result = 'denied' AND object_ids = '{}'")
            .await,
        2,
        "both refusals are audited, without what was typed"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE array_to_string(object_ids, ',') LIKE '%xxxx%' OR array_to_string(object_ids, ',') LIKE '%script%'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'report_export' AND result = 'denied' AND object_ids = '{GM0037}'")
            .await,
        1,
        "a well-formed code that was refused is kept"
    );
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
    let (_, _, d) = with_dataset(&app).await;
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
    // The scheduler runs on (or after) the first working day after last month.
    let today = zorgsignaal::server::cases::reports::first_working_day_after(month(0).pred_opt().unwrap())
        .max(chrono::Local::now().date_naive());
    // Due since the day the recipients were added, as the scheduler counts it.
    let since: chrono::NaiveDate = sqlx::query_scalar(
        "SELECT min((added_at AT TIME ZONE 'Europe/Amsterdam')::date) FROM report_recipients",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let months_due = zorgsignaal::server::cases::reports::due_periods("monthly", since, today).len();
    let quarters_due = zorgsignaal::server::cases::reports::due_periods("quarterly", since, today).len();
    assert!(months_due >= 2);

    // Two schedulers (as two instances run them), twice each.
    let (a, b) = tokio::join!(
        zorgsignaal::server::cases::reports::send_due(&app.pool, today),
        zorgsignaal::server::cases::reports::send_due(&app.pool, today)
    );
    assert_eq!(a.unwrap() + b.unwrap(), months_due + quarters_due);
    let (a, b) = tokio::join!(
        zorgsignaal::server::cases::reports::send_due(&app.pool, today),
        zorgsignaal::server::cases::reports::send_due(&app.pool, today)
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
        // 12 against 8 the month before, as published: rounded down to fives.
        gert.text.contains("- Nieuwe ketenregistraties: 10 (5)"),
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
