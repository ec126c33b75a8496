//! Working days in the Netherlands: Monday to Friday, except the national
//! public holidays (Nieuwjaarsdag, Tweede Paasdag, Koningsdag, Bevrijdingsdag
//! in lustrum years, Hemelvaartsdag, Tweede Pinksterdag, Kerstmis).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Easter Sunday (anonymous Gregorian algorithm).
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a real date")
}

/// True for a national public holiday.
pub fn is_holiday(d: NaiveDate) -> bool {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let easter = easter(y);
    let after_easter = (d - easter).num_days();
    // Koningsdag is 27 April, or the 26th when the 27th is a Sunday.
    let kings_day = {
        let k = NaiveDate::from_ymd_opt(y, 4, 27).expect("27 April exists");
        if k.weekday() == Weekday::Sun {
            k.pred_opt().expect("26 April exists")
        } else {
            k
        }
    };
    (m == 1 && day == 1)
        || matches!(after_easter, 1 | 39 | 50)
        || d == kings_day
        || (m == 5 && day == 5 && y % 5 == 0)
        || (m == 12 && (day == 25 || day == 26))
}

pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(d)
}

/// Working days after `from` up to and including `to` (0 when `to` is not later).
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = d + Days::new(1);
        if is_working_day(d) {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_falls_on_known_dates() {
        assert_eq!(easter(2024), date(2024, 3, 31));
        assert_eq!(easter(2025), date(2025, 4, 20));
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert_eq!(easter(2027), date(2027, 3, 28));
    }

    #[test]
    fn the_national_holidays_of_2026_are_not_working_days() {
        for d in [
            date(2026, 1, 1),
            date(2026, 4, 6),  // Tweede Paasdag
            date(2026, 4, 27), // Koningsdag, a Monday
            date(2026, 5, 14), // Hemelvaartsdag
            date(2026, 5, 25), // Tweede Pinksterdag
            date(2026, 12, 25),
        ] {
            assert!(!is_working_day(d), "{d}");
        }
        assert!(
            is_working_day(date(2026, 5, 5)),
            "Bevrijdingsdag only in lustrum years"
        );
        assert!(!is_working_day(date(2025, 5, 5)));
        assert!(
            !is_working_day(date(2025, 4, 26)),
            "Koningsdag on the 26th when the 27th is a Sunday"
        );
        assert!(is_working_day(date(2026, 11, 23)));
    }

    #[test]
    fn weekends_do_not_count() {
        // Friday 20 to Monday 23 November 2026: one working day.
        assert_eq!(working_days_between(date(2026, 11, 20), date(2026, 11, 23)), 1);
        // Two full weeks.
        assert_eq!(working_days_between(date(2026, 11, 2), date(2026, 11, 16)), 10);
        assert_eq!(working_days_between(date(2026, 11, 16), date(2026, 11, 2)), 0);
        // Christmas week 2026: 25 and 26 December fall on Friday and Saturday.
        assert_eq!(working_days_between(date(2026, 12, 21), date(2026, 12, 28)), 4);
    }
}
