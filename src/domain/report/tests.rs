//! The periods, age groups and quantiles of the report module.
use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn form_choices_round_trip() {
    let today = d(2026, 11, 22);
    let choices = period_choices(today);
    assert_eq!(choices.len(), 37);
    assert_eq!(
        choices[0],
        ("maand:2026-11".to_string(), "november 2026".to_string())
    );
    for (value, label) in &choices {
        let p = Period::from_choice(value, "", "").unwrap();
        assert_eq!(&p.choice(), value);
        assert_eq!(&p.label(), label);
    }
    let r = Period::from_choice(CUSTOM, "2025-04", "2025-09").unwrap();
    assert_eq!((r.from, r.to), (d(2025, 4, 1), d(2025, 9, 30)));
    assert!(Period::from_choice(CUSTOM, "2025-02", "2025-04").is_none());
    assert!(Period::from_choice(CUSTOM, "2025-07", "2025-03").is_none());
    assert!(Period::from_choice("maand:2026-13", "", "").is_none());
    assert!(Period::from_choice("nonsense", "", "").is_none());
}

#[test]
fn age_groups_cover_0_to_22() {
    let table = [
        (0, Some(AgeGroup::Baby)),
        (3, Some(AgeGroup::Baby)),
        (4, Some(AgeGroup::Child)),
        (11, Some(AgeGroup::Child)),
        (12, Some(AgeGroup::Teen)),
        (17, Some(AgeGroup::Teen)),
        (18, Some(AgeGroup::YoungAdult)),
        (22, Some(AgeGroup::YoungAdult)),
        (23, None),
        (-1, None),
    ];
    for (age, group) in table {
        assert_eq!(AgeGroup::of(age), group, "{age}");
    }
}

#[test]
fn periods_span_whole_months_and_know_the_one_before() {
    let nov = Period::month(2026, 11).unwrap();
    assert_eq!((nov.from, nov.to), (d(2026, 11, 1), d(2026, 11, 30)));
    assert_eq!(nov.label(), "november 2026");
    let jan = Period::month(2026, 1).unwrap();
    assert_eq!(jan.previous(), Period::month(2025, 12).unwrap());
    let q1 = Period::quarter(2026, 1).unwrap();
    assert_eq!((q1.from, q1.to), (d(2026, 1, 1), d(2026, 3, 31)));
    assert_eq!(q1.previous(), Period::quarter(2025, 4).unwrap());
    assert_eq!(q1.previous().label(), "4e kwartaal 2025");
    assert_eq!(Period::year(2024).unwrap().to, d(2024, 12, 31));
    assert_eq!(
        Period::year(2024).unwrap().previous(),
        Period::year(2023).unwrap()
    );
    let r = Period::range(d(2025, 4, 1), d(2025, 12, 31)).unwrap();
    let p = r.previous();
    assert_eq!((p.from, p.to), (d(2024, 7, 1), d(2025, 3, 31)));
    assert_eq!(p.kind, PeriodKind::Range);
    // Ranges are whole quarters: no range starts or ends inside one.
    for (from, to) in [
        (d(2026, 3, 10), d(2026, 3, 19)),
        (d(2026, 2, 1), d(2026, 12, 31)),
        (d(2026, 1, 1), d(2026, 11, 30)),
        (d(2026, 1, 2), d(2026, 3, 31)),
    ] {
        assert!(Period::range(from, to).is_none(), "{from} {to}");
    }
    assert_eq!(
        Period::containing(PeriodKind::Quarter, d(2026, 8, 15)),
        Period::quarter(2026, 3).unwrap()
    );
    assert!(Period::range(d(2026, 3, 10), d(2026, 3, 9)).is_none());
    assert!(Period::quarter(2026, 5).is_none());
}

#[test]
fn the_form_names_its_periods_in_dutch() {
    assert_eq!(Period::parse("maand", "2026-02", "", ""), Period::month(2026, 2));
    assert_eq!(
        Period::parse("kwartaal", "2026-K3", "", ""),
        Period::quarter(2026, 3)
    );
    assert_eq!(Period::parse("jaar", "2025", "", ""), Period::year(2025));
    assert_eq!(
        Period::parse("periode", "", "2026-01-01", "2026-03-31"),
        Period::range(d(2026, 1, 1), d(2026, 3, 31))
    );
    for (k, v) in [
        ("maand", "2026-13"),
        ("maand", "nov"),
        ("week", "2026-1"),
        ("periode", ""),
    ] {
        assert_eq!(Period::parse(k, v, "", ""), None, "{k} {v}");
    }
}

#[test]
fn quantiles_need_five_values() {
    assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), None);
    let v = [9.0, 1.0, 5.0, 3.0, 7.0];
    assert_eq!(quantile(&v, 0.5), Some(5.0));
    assert_eq!(quantile(&v, 0.9), Some(9.0));
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(quantile(&ten, 0.9), Some(9.0));
}
