//! The figures of one report, computed from facts (sums per measure, month,
//! dimension and value, as `report_counts` keeps them) and published only
//! as [`Cell`]s: the small-number rules are applied here, on the server,
//! before anything leaves it.

pub use super::facts::{month_of, Fact, Facts};
use super::measures::{figure, FIGURES};
pub use super::measures::{municipality_column_measures, MUNICIPALITY_COLUMNS};
pub use super::tables::{Breakdown, Figure, Grid, Line, Outcome, Report};
use super::{
    suppress::{self, breakdown, percentage, Cell},
    AgeGroup, Period,
};
use chrono::{Datelike, Months, NaiveDate};

/// Open escalations by their age in days, grouped.
pub const ESCALATION_AGES: [(&str, i64, i64); 4] = [
    ("Korter dan 1 week", 0, 6),
    ("1 tot 2 weken", 7, 13),
    ("2 tot 4 weken", 14, 27),
    ("4 weken of langer", 28, i64::MAX),
];

/// The months a report's charts show: the period's months, or for a single
/// month the twelve months up to it.
pub fn chart_months(p: &Period) -> Vec<NaiveDate> {
    let to = month_of(p.to);
    let mut from = month_of(p.from);
    if from == to {
        from = to.checked_sub_months(Months::new(11)).unwrap_or(to);
    }
    let mut months = Vec::new();
    let mut m = from;
    while m <= to {
        months.push(m);
        m = match m.checked_add_months(Months::new(1)) {
            Some(n) => n,
            None => break,
        };
    }
    months
}

/// "nov 2026", "mrt 2026".
pub fn month_label(m: NaiveDate) -> String {
    const SHORT: [&str; 12] = [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    format!("{} {}", SHORT[m.month0() as usize], m.year())
}

/// The nearest-rank quantile of a histogram of whole days; `None` under five cases.
fn histogram_quantile(h: &[(i64, i64)], q: f64) -> Option<i64> {
    let n: i64 = h.iter().map(|&(_, c)| c).sum();
    if n < suppress::THRESHOLD as i64 {
        return None;
    }
    let rank = ((q * n as f64).ceil() as i64).clamp(1, n);
    let mut seen = 0;
    for &(days, c) in h {
        seen += c;
        if seen >= rank {
            return Some(days);
        }
    }
    None
}

fn days_text(d: i64) -> String {
    if d == 1 {
        "1 dag".into()
    } else {
        format!("{d} dagen")
    }
}

/// Inputs of one report besides the facts.
pub struct Scope<'a> {
    pub name: String,
    /// For a region: each municipality's (name, facts).
    pub municipalities: Option<Vec<(String, &'a Facts)>>,
    /// The days each open escalation has been open.
    pub open_escalation_days: Vec<i64>,
}

/// Computes the report of `facts` for `period`, as it may be published.
pub fn report(facts: &Facts, scope: Scope<'_>, period: Period, today: NaiveDate) -> Report {
    let previous = period.previous();
    let months = chart_months(&period);
    let month_labels: Vec<String> = months.iter().map(|&m| month_label(m)).collect();
    let by_month = |measure: &str| -> Vec<Vec<u64>> {
        AgeGroup::ALL
            .iter()
            .enumerate()
            .map(|(i, _)| {
                months
                    .iter()
                    .map(|&m| facts.sum(measure, "age", &i.to_string(), m, m).max(0) as u64)
                    .collect()
            })
            .collect()
    };
    let age_labels: Vec<String> = AgeGroup::ALL.iter().map(|a| a.label().to_string()).collect();
    Report {
        scope: scope.name,
        period,
        period_label: period.label(),
        previous_label: previous.label(),
        running: period.to >= today,
        figures: figures(facts, &period),
        outcomes: outcomes(facts, &period, today),
        signals_by_month: Grid::new(
            "Nieuwe signalen per maand en leeftijd",
            age_labels.clone(),
            month_labels.clone(),
            &by_month("signal_started"),
        ),
        registrations_by_month: Grid::new(
            "Nieuwe ketenregistraties per maand en leeftijd",
            age_labels,
            month_labels,
            &by_month("registration_started"),
        ),
        open_escalations: open_escalations(&scope.open_escalation_days),
        municipalities: scope
            .municipalities
            .as_ref()
            .map(|list| per_municipality(list, &period)),
    }
}

/// Every figure, with its breakdowns, now and in the period before.
fn figures(facts: &Facts, period: &Period) -> Vec<Figure> {
    let previous = period.previous();
    FIGURES
        .iter()
        .map(|f| {
            let breakdowns: Vec<Breakdown> = f
                .dims
                .iter()
                .map(|&dim| {
                    let (total_now, now) = breakdown(&f.parts(facts, dim, period));
                    let (total_before, before) = breakdown(&f.parts(facts, dim, &previous));
                    Breakdown {
                        by: Some(dim),
                        title: format!("{} naar {}", f.label, dim.label().to_lowercase()),
                        lines: dim
                            .values()
                            .into_iter()
                            .zip(now.into_iter().zip(before))
                            .map(|((_, label), (n, b))| Line::new(label, n, b))
                            .collect(),
                        total: Line::new("Totaal", total_now, total_before),
                    }
                })
                .collect();
            Figure {
                key: f.key,
                line: Line::new(
                    f.label,
                    Cell::of(f.total(facts, period)),
                    Cell::of(f.total(facts, &previous)),
                ),
                breakdowns,
            }
        })
        .collect()
}

/// How quickly cases are taken up and acted on, and actions done in time.
fn outcomes(facts: &Facts, period: &Period, today: NaiveDate) -> Vec<Outcome> {
    let (from, to) = (month_of(period.from), month_of(period.to));
    let durations = [
        (
            "taken_days",
            "Dagen van match tot een coördinator de jongere oppakt",
        ),
        ("first_action_days", "Dagen van het oppakken tot de eerste actie"),
    ];
    let mut outcomes = Vec::new();
    for (measure, label) in durations {
        let h = facts.histogram(measure, "days", from, to);
        let cases: i64 = h.iter().map(|&(_, c)| c).sum();
        let value = histogram_quantile(&h, 0.5)
            .zip(histogram_quantile(&h, 0.9))
            .map(|(m, p)| format!("mediaan {}, 90% binnen {}", days_text(m), days_text(p)));
        outcomes.push(Outcome {
            label: label.into(),
            value,
            cases: Cell::of(cases as u64),
        });
    }
    // Actions whose due date has passed (up to yesterday) within the period.
    let last_due = period.to.min(today.pred_opt().unwrap_or(today));
    let (mut due, mut on_time) = (0u64, 0u64);
    for day in 1..=31u32 {
        let v = day.to_string();
        let mut m = from;
        while m <= to {
            if let Some(d) = m.with_day(day) {
                if d <= last_due && d >= period.from {
                    due += facts.sum("action_due", "day", &v, m, m).max(0) as u64;
                    on_time += facts.sum("action_on_time", "day", &v, m, m).max(0) as u64;
                }
            }
            m = match m.checked_add_months(Months::new(1)) {
                Some(n) => n,
                None => break,
            };
        }
    }
    outcomes.push(Outcome {
        label: "Acties op tijd afgerond (van de acties waarvan de datum verstreken is)".into(),
        value: percentage(on_time, due).map(|p| format!("{p}%")),
        cases: Cell::of(due),
    });
    outcomes
}

/// Open escalations now, by how long they have been open.
fn open_escalations(open_days: &[i64]) -> Breakdown {
    let mut esc = [0u64; 4];
    for &d in open_days {
        if let Some(i) = ESCALATION_AGES.iter().position(|&(_, lo, hi)| d >= lo && d <= hi) {
            esc[i] += 1;
        }
    }
    let (esc_total, esc_cells) = breakdown(&esc);
    Breakdown {
        by: None,
        title: "Open opschalingen nu, naar hoe lang ze open staan".into(),
        lines: ESCALATION_AGES
            .iter()
            .zip(esc_cells)
            .map(|(&(l, _, _), c)| Line {
                label: l.into(),
                now: c,
                before: Cell::Small,
                change: None,
            })
            .collect(),
        total: Line {
            label: "Totaal".into(),
            now: esc_total,
            before: Cell::Small,
            change: None,
        },
    }
}

/// For a region: the municipality columns per municipality.
fn per_municipality(list: &[(String, &Facts)], period: &Period) -> Grid {
    let values: Vec<Vec<u64>> = list
        .iter()
        .map(|(_, f)| {
            MUNICIPALITY_COLUMNS
                .iter()
                .map(|&k| figure(k).total(f, period))
                .collect()
        })
        .collect();
    Grid::new(
        "Per gemeente",
        list.iter().map(|(n, _)| n.clone()).collect(),
        MUNICIPALITY_COLUMNS
            .iter()
            .map(|&k| figure(k).label.to_string())
            .collect(),
        &values,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    }

    fn f(measure: &str, month: NaiveDate, dim: &str, value: &str, n: i64) -> Fact {
        Fact {
            measure: measure.into(),
            month,
            dim: dim.into(),
            value: value.into(),
            n,
        }
    }

    fn scope() -> Scope<'static> {
        Scope {
            name: "Groningen".into(),
            municipalities: None,
            open_escalation_days: vec![],
        }
    }

    #[test]
    fn new_and_active_counts_follow_the_months() {
        let facts = Facts::new([
            f("signal_started", d(2026, 1), "age", "1", 10),
            f("signal_started", d(2026, 2), "age", "1", 7),
            f("signal_started", d(2026, 3), "age", "2", 6),
            f("signal_ended", d(2026, 2), "age", "1", 4),
            f("signal_ended", d(2026, 3), "age", "1", 3),
        ]);
        let p = Period::month(2026, 3).unwrap();
        let r = report(&facts, scope(), p, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        let get = |k: &str| r.figures.iter().find(|x| x.key == k).unwrap().line.clone();
        // March: 6 new; active: 23 started by March minus 4 ended before
        // March. Published rounded down to fives.
        assert_eq!(get("signalen_nieuw").now, Cell::Shown(5));
        assert_eq!(get("signalen_nieuw").before, Cell::Shown(5));
        assert_eq!(get("signalen_nieuw").change, Some(0));
        assert_eq!(get("signalen_actief").now, Cell::Shown(15));
        // February: 17 started by February, none ended before it.
        assert_eq!(get("signalen_actief").before, Cell::Shown(15));
        let jan = report(
            &facts,
            scope(),
            Period::month(2026, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        );
        assert_eq!(
            jan.figures
                .iter()
                .find(|x| x.key == "signalen_nieuw")
                .unwrap()
                .line
                .now,
            Cell::Shown(10)
        );
        assert!(!r.running);
        let age = &r
            .figures
            .iter()
            .find(|x| x.key == "signalen_nieuw")
            .unwrap()
            .breakdowns[0];
        assert_eq!(age.lines[2].now, Cell::Shown(5));
        assert_eq!(age.total.now, Cell::Shown(5));
    }

    #[test]
    fn coordination_counts_at_the_end_of_the_period() {
        let facts = Facts::new([
            f("coordination_started", d(2026, 1), "age", "0", 9),
            f("coordination_ended", d(2026, 3), "age", "0", 2),
        ]);
        let q1 = Period::quarter(2026, 1).unwrap();
        let r = report(&facts, scope(), q1, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        let c = r.figures.iter().find(|x| x.key == "coordinatie").unwrap();
        // 9 started, 2 ended: 7, published as 5 (5 to 9).
        assert_eq!(c.line.now, Cell::Shown(5));
    }

    #[test]
    fn durations_need_five_cases_and_use_nearest_rank() {
        let h = [(0, 2), (3, 2), (10, 1)];
        assert_eq!(histogram_quantile(&h, 0.5), Some(3));
        assert_eq!(histogram_quantile(&h, 0.9), Some(10));
        assert_eq!(histogram_quantile(&h[..2], 0.5), None);
    }

    #[test]
    fn on_time_share_counts_only_passed_due_dates() {
        let m = d(2026, 11);
        let facts = Facts::new([
            f("action_due", m, "day", "3", 10),
            f("action_on_time", m, "day", "3", 6),
            // Due on the 30th: after today, not counted yet.
            f("action_due", m, "day", "30", 50),
        ]);
        let p = Period::month(2026, 11).unwrap();
        let r = report(&facts, scope(), p, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert!(r.running);
        let share = r.outcomes.iter().find(|o| o.label.starts_with("Acties")).unwrap();
        assert_eq!(share.cases, Cell::Shown(10));
        // 6 of 10 on time, 4 late: 4 is a small part, so no percentage.
        assert_eq!(share.value, None);
    }

    #[test]
    fn chart_months_of_a_month_are_the_year_up_to_it() {
        let p = Period::month(2026, 3).unwrap();
        let m = chart_months(&p);
        assert_eq!(m.len(), 12);
        assert_eq!(m[0], d(2025, 4));
        assert_eq!(month_label(m[11]), "mrt 2026");
        assert_eq!(chart_months(&Period::quarter(2026, 2).unwrap()).len(), 3);
    }
}
