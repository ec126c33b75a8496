//! Small numbers: no report may point at one youth. A count below five is
//! shown as "<5" (primary suppression). Where a total is shown beside a
//! breakdown, one hidden cell could be worked back out of the total and the
//! others, so a second cell is hidden too (secondary suppression, shown as
//! "×"). A change against the previous period is shown only when both
//! counts are shown.

use serde::{Deserialize, Serialize};

/// Counts below this are not shown.
pub const THRESHOLD: u64 = 5;

/// One published count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    Shown(u64),
    /// Below the threshold.
    Small,
    /// Large enough, but hidden so that a small cell cannot be derived.
    Hidden,
}

impl Cell {
    /// A single count on its own (no total beside it).
    pub fn of(n: u64) -> Cell {
        if n < THRESHOLD {
            Cell::Small
        } else {
            Cell::Shown(n)
        }
    }

    pub fn shown(self) -> Option<u64> {
        match self {
            Cell::Shown(n) => Some(n),
            _ => None,
        }
    }

    /// As the page and the CSV print it (Dutch thousands separator).
    pub fn text(self) -> String {
        match self {
            Cell::Shown(n) => super::csv::nl_integer(n as i64),
            Cell::Small => "<5".into(),
            Cell::Hidden => "×".into(),
        }
    }
}

/// A breakdown whose parts add up to `total`: the total and the parts as
/// they may be published. No part that is hidden can be computed from the
/// total and the shown parts: at least two parts are hidden, or none.
pub fn breakdown(parts: &[u64]) -> (Cell, Vec<Cell>) {
    let total: u64 = parts.iter().sum();
    let total_cell = Cell::of(total);
    if total_cell == Cell::Small {
        // Every part is smaller still.
        return (total_cell, parts.iter().map(|_| Cell::Small).collect());
    }
    let mut cells: Vec<Cell> = parts.iter().map(|&n| Cell::of(n)).collect();
    let hidden = cells.iter().filter(|c| c.shown().is_none()).count();
    if hidden == 1 {
        // Hide the smallest shown part as well.
        if let Some(i) = (0..cells.len())
            .filter(|&i| cells[i].shown().is_some())
            .min_by_key(|&i| parts[i])
        {
            cells[i] = Cell::Hidden;
        }
    }
    (total_cell, cells)
}

/// The change against the previous period, when both counts are shown.
pub fn change(now: Cell, before: Cell) -> Option<i64> {
    Some(now.shown()? as i64 - before.shown()? as i64)
}

/// A percentage (0–100, rounded) of `part` out of `whole`, shown only when
/// `whole` reaches the threshold.
pub fn percentage(part: u64, whole: u64) -> Option<u32> {
    (whole >= THRESHOLD).then(|| ((part * 100 + whole / 2) / whole) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True when a hidden part equals the shown total minus the shown
    /// parts: exactly one part hidden beside a shown total.
    fn derivable(total: Cell, cells: &[Cell]) -> bool {
        total.shown().is_some() && cells.iter().filter(|c| c.shown().is_none()).count() == 1
    }

    #[test]
    fn counts_below_five_are_small() {
        assert_eq!(Cell::of(4), Cell::Small);
        assert_eq!(Cell::of(0), Cell::Small);
        assert_eq!(Cell::of(5), Cell::Shown(5));
        assert_eq!(Cell::of(1234).text(), "1.234");
        assert_eq!(Cell::Small.text(), "<5");
    }

    #[test]
    fn one_small_part_hides_the_smallest_other_one_too() {
        let (total, cells) = breakdown(&[20, 3, 9, 40]);
        assert_eq!(total, Cell::Shown(72));
        assert_eq!(
            cells,
            [Cell::Shown(20), Cell::Small, Cell::Hidden, Cell::Shown(40)]
        );
        let (_, cells) = breakdown(&[20, 3, 2, 40]);
        assert_eq!(
            cells,
            [Cell::Shown(20), Cell::Small, Cell::Small, Cell::Shown(40)]
        );
        let (total, cells) = breakdown(&[1, 2]);
        assert_eq!((total, cells), (Cell::Small, vec![Cell::Small, Cell::Small]));
        let (total, cells) = breakdown(&[6, 1]);
        assert_eq!((total, cells), (Cell::Shown(7), vec![Cell::Hidden, Cell::Small]));
    }

    #[test]
    fn no_hidden_part_can_be_worked_out_of_any_small_breakdown() {
        // Every breakdown of up to four parts with values 0..12.
        let mut parts = [0u64; 4];
        for n in 0..12u64.pow(4) {
            let mut x = n;
            for p in parts.iter_mut() {
                *p = x % 12;
                x /= 12;
            }
            for len in 1..=4 {
                let (total, cells) = breakdown(&parts[..len]);
                assert!(
                    !derivable(total, &cells),
                    "{:?} → {total:?} {cells:?}",
                    &parts[..len]
                );
                for (c, &p) in cells.iter().zip(&parts[..len]) {
                    assert!(c.shown().is_none_or(|s| s == p && s >= THRESHOLD));
                    if p < THRESHOLD {
                        assert_ne!(c.shown(), Some(p));
                    }
                }
            }
        }
    }

    #[test]
    fn a_change_needs_both_counts() {
        assert_eq!(change(Cell::Shown(12), Cell::Shown(7)), Some(5));
        assert_eq!(change(Cell::Shown(12), Cell::Small), None);
        assert_eq!(change(Cell::Hidden, Cell::Shown(7)), None);
        assert_eq!(percentage(3, 4), None);
        assert_eq!(percentage(2, 3 + 3), Some(33));
    }
}
