//! The rollup's sums as the report computation reads them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One sum of the rollup: `n` facts of `measure` in `month` with `dim` = `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub measure: String,
    pub month: NaiveDate,
    pub dim: String,
    pub value: String,
    pub n: i64,
}

/// Facts indexed for summing over months.
#[derive(Debug, Default)]
pub struct Facts {
    by_key: HashMap<(String, String, String), BTreeMap<NaiveDate, i64>>,
}

impl Facts {
    pub fn new(facts: impl IntoIterator<Item = Fact>) -> Facts {
        let mut by_key: HashMap<(String, String, String), BTreeMap<NaiveDate, i64>> = HashMap::new();
        for f in facts {
            *by_key
                .entry((f.measure, f.dim, f.value))
                .or_default()
                .entry(f.month)
                .or_default() += f.n;
        }
        Facts { by_key }
    }

    /// The sum over the months `from` up to and including `to` (first days).
    pub fn sum(&self, measure: &str, dim: &str, value: &str, from: NaiveDate, to: NaiveDate) -> i64 {
        self.by_key
            .get(&(measure.to_string(), dim.to_string(), value.to_string()))
            .map_or(0, |m| m.range(from..=to).map(|(_, n)| n).sum())
    }

    /// The values of `dim` for `measure` with their sums over the months.
    pub(super) fn histogram(
        &self,
        measure: &str,
        dim: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<(i64, i64)> {
        let mut h: Vec<(i64, i64)> = self
            .by_key
            .iter()
            .filter(|((m, d, _), _)| m == measure && d == dim)
            .filter_map(|((_, _, v), months)| {
                let n: i64 = months.range(from..=to).map(|(_, n)| n).sum();
                Some((v.parse().ok()?, n)).filter(|&(_, n)| n > 0)
            })
            .collect();
        h.sort_unstable();
        h
    }
}

/// The first day of `day`'s month.
pub fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}
