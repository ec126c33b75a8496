//! Reporting per municipality (issue 7): periods, age groups, small-number
//! suppression and the Dutch CSV format. Pure, shared with the browser.

pub mod csv;
pub mod facts;
pub mod figures;
mod measures;
pub mod suppress;
pub mod tables;

#[cfg(test)]
mod differencing;

pub use measures::{Dim, FigureKey};

use super::records::MONTHS;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Where a report downloads as CSV (with the report form's GET parameters).
pub const EXPORT_PATH: &str = "/rapportage/export.csv";

/// The age groups of every breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgeGroup {
    Baby,
    Child,
    Teen,
    YoungAdult,
}

impl AgeGroup {
    pub const ALL: [AgeGroup; 4] = [
        AgeGroup::Baby,
        AgeGroup::Child,
        AgeGroup::Teen,
        AgeGroup::YoungAdult,
    ];

    /// The group of an age in years; `None` outside 0–22.
    pub fn of(age: i32) -> Option<AgeGroup> {
        match age {
            0..=3 => Some(AgeGroup::Baby),
            4..=11 => Some(AgeGroup::Child),
            12..=17 => Some(AgeGroup::Teen),
            18..=22 => Some(AgeGroup::YoungAdult),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeGroup::Baby => "0–3 jaar",
            AgeGroup::Child => "4–11 jaar",
            AgeGroup::Teen => "12–17 jaar",
            AgeGroup::YoungAdult => "18–22 jaar",
        }
    }
}

/// How a period was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Range,
}

/// A reporting period: `from` up to and including `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The longest chosen range: five years.
pub const MAX_RANGE_DAYS: i64 = 5 * 366;

fn first_of(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

impl Period {
    fn spanning(kind: PeriodKind, from: NaiveDate, months: u32) -> Option<Period> {
        let next = from.checked_add_months(Months::new(months))?;
        Some(Period {
            kind,
            from,
            to: next.pred_opt()?,
        })
    }

    pub fn month(year: i32, month: u32) -> Option<Period> {
        Self::spanning(PeriodKind::Month, first_of(year, month)?, 1)
    }

    /// Quarter 1–4.
    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        Self::spanning(PeriodKind::Quarter, first_of(year, quarter * 3 - 2)?, 3)
    }

    pub fn year(year: i32) -> Option<Period> {
        Self::spanning(PeriodKind::Year, first_of(year, 1)?, 12)
    }

    /// A chosen range of whole quarters, at most five years, `from` not
    /// after `to`. Whole quarters, not months: a range that could start or
    /// end in any month would let two overlapping ranges single out one
    /// month (README, "Kleine aantallen").
    pub fn range(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        let starts_quarter = |d: NaiveDate| d.day() == 1 && d.month0() % 3 == 0;
        let whole_quarters = starts_quarter(from) && to.succ_opt().is_some_and(starts_quarter);
        (whole_quarters && from <= to && (to - from).num_days() < MAX_RANGE_DAYS).then_some(Period {
            kind: PeriodKind::Range,
            from,
            to,
        })
    }

    /// The period of `kind` that holds `day` (a range: the day's quarter).
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Period {
        let p = match kind {
            PeriodKind::Month => Self::month(day.year(), day.month()),
            PeriodKind::Quarter => Self::quarter(day.year(), (day.month() - 1) / 3 + 1),
            PeriodKind::Year => Self::year(day.year()),
            PeriodKind::Range => {
                Self::quarter(day.year(), day.month0() / 3 + 1).and_then(|q| Self::range(q.from, q.to))
            }
        };
        p.unwrap_or(Period {
            kind,
            from: day,
            to: day,
        })
    }

    /// The period just before, of the same length: the previous month,
    /// quarter or year; for a range, as many quarters right before it.
    pub fn previous(&self) -> Period {
        let prev = match self.kind {
            PeriodKind::Month => self
                .from
                .checked_sub_months(Months::new(1))
                .and_then(|d| Self::month(d.year(), d.month())),
            PeriodKind::Quarter => self
                .from
                .checked_sub_months(Months::new(3))
                .and_then(|d| Self::quarter(d.year(), (d.month() - 1) / 3 + 1)),
            PeriodKind::Year => Self::year(self.from.year() - 1),
            PeriodKind::Range => {
                let month = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
                let months = (month(self.to) - month(self.from) + 1) as u32;
                let from = self.from.checked_sub_months(Months::new(months));
                from.zip(self.from.pred_opt())
                    .and_then(|(from, to)| Self::range(from, to))
            }
        };
        prev.unwrap_or(*self)
    }

    /// In words: "november 2026", "3e kwartaal 2026", "2026",
    /// "1 januari 2026 t/m 31 maart 2026".
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{} {}", MONTHS[self.from.month0() as usize], self.from.year()),
            PeriodKind::Quarter => format!(
                "{}e kwartaal {}",
                (self.from.month() - 1) / 3 + 1,
                self.from.year()
            ),
            PeriodKind::Year => self.from.year().to_string(),
            PeriodKind::Range => format!(
                "{} t/m {}",
                super::records::nl_date(self.from),
                super::records::nl_date(self.to)
            ),
        }
    }

    /// From the report form: `maand` + `2026-11`, `kwartaal` + `2026-3`,
    /// `jaar` + `2026`, or `periode` with `van` and `tot en met` dates.
    pub fn parse(kind: &str, value: &str, from: &str, to: &str) -> Option<Period> {
        let value = value.trim();
        match kind {
            "maand" => {
                let (y, m) = value.split_once('-')?;
                Self::month(y.parse().ok()?, m.parse().ok()?)
            }
            "kwartaal" => {
                let (y, q) = value.split_once('-')?;
                Self::quarter(
                    y.parse().ok()?,
                    q.trim_start_matches(['K', 'k', 'Q', 'q']).parse().ok()?,
                )
            }
            "jaar" => Self::year(value.parse().ok()?),
            // The figures are kept per month; a range is whole quarters
            // (`range` refuses anything else).
            "periode" => {
                let from = super::youth::parse_iso_date(from.trim())?;
                let to = super::youth::parse_iso_date(to.trim())?;
                let to = first_of(to.year(), to.month())?
                    .checked_add_months(Months::new(1))?
                    .pred_opt()?;
                Self::range(first_of(from.year(), from.month())?, to)
            }
            _ => None,
        }
    }
}

/// The value of the report form's period field for a custom range.
pub const CUSTOM: &str = "eigen";

impl Period {
    /// The report form's value for this period: `maand:2026-10`,
    /// `kwartaal:2026-3`, `jaar:2026`, or [`CUSTOM`].
    pub fn choice(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("maand:{}", self.from.format("%Y-%m")),
            PeriodKind::Quarter => format!(
                "kwartaal:{}-{}",
                self.from.year(),
                (self.from.month() - 1) / 3 + 1
            ),
            PeriodKind::Year => format!("jaar:{}", self.from.year()),
            PeriodKind::Range => CUSTOM.to_string(),
        }
    }

    /// From the report form: a `choice` value, or [`CUSTOM`] with the months
    /// `from` and `to` (`jjjj-mm`, or a full date).
    pub fn from_choice(choice: &str, from: &str, to: &str) -> Option<Period> {
        let month = |s: &str| {
            let s = s.trim();
            if s.len() == 7 {
                format!("{s}-01")
            } else {
                s.to_string()
            }
        };
        if choice == CUSTOM {
            return Self::parse("periode", "", &month(from), &month(to));
        }
        let (kind, value) = choice.split_once(':')?;
        Self::parse(kind, value, "", "")
    }
}

/// The periods the report form offers, newest first: the last 24 months,
/// 8 quarters and 5 years up to `today`'s. (value, label)
pub fn period_choices(today: NaiveDate) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut p = Period::containing(PeriodKind::Month, today);
    for _ in 0..24 {
        out.push((p.choice(), p.label()));
        p = p.previous();
    }
    let mut p = Period::containing(PeriodKind::Quarter, today);
    for _ in 0..8 {
        out.push((p.choice(), p.label()));
        p = p.previous();
    }
    let mut p = Period::containing(PeriodKind::Year, today);
    for _ in 0..5 {
        out.push((p.choice(), p.label()));
        p = p.previous();
    }
    out
}

/// The `q` quantile (0–1) of `values` (nearest rank), `None` for fewer than
/// [`suppress::THRESHOLD`] values: a median of three cases says too much.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.len() < suppress::THRESHOLD as usize {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    Some(v[rank - 1])
}

#[cfg(test)]
mod tests;
