//! Small numbers: no report may point at one youth. A count below five is
//! shown as "<5" (primary suppression). Where a total is shown beside a
//! breakdown, one hidden cell could be worked back out of the total and the
//! others, so a second cell is hidden too (secondary suppression, shown as
//! "×"). A change against the previous period is shown only when both
//! counts are shown.
//!
//! Every shown count is rounded down to a multiple of five. Suppression
//! alone protects one report, not two:
//! periods overlap (a year and the quarters in it, a range of quarters and
//! a year), areas nest (the region and its municipalities), and exact
//! counts subtracted across two reports would give a suppressed one back.
//! Rounded, such a difference is off by up to four either way, so it
//! names no small count (the differencing tests in `tests/reports.rs` and
//! below). See README, "Kleine aantallen".

use serde::{Deserialize, Serialize};

/// Counts below this are not shown.
pub const THRESHOLD: u64 = 5;

/// Shown counts are multiples of this.
pub const BASE: u64 = 5;

/// `n` rounded down to a multiple of [`BASE`]: 10 stands for 10 up to and
/// including 14. Down, not to the nearest: then every published number
/// stands for a band of five that starts at a multiple of five, as "<5"
/// stands for 0–4, and bands only line up with bands. Rounded to the
/// nearest, 3–7 would publish as 5 beside "<5" for 0–4, and a total of
/// 8–12 ("10") beside a part "<5" names the other part when it is 4.
pub fn rounded(n: u64) -> u64 {
    n / BASE * BASE
}

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
    /// A single count on its own (no total beside it), as published:
    /// "<5" below five, otherwise rounded to a multiple of five.
    pub fn of(n: u64) -> Cell {
        if n < THRESHOLD {
            Cell::Small
        } else {
            Cell::Shown(rounded(n))
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
/// both `part` and the rest reach the threshold: beside a shown whole, a
/// percentage gives the part away. Its value is the share of the two
/// rounded counts (7 of 12 exactly would name both numbers); whether it is
/// shown says, as the "<5" beside it would, only that both parts reach five.
pub fn percentage(part: u64, whole: u64) -> Option<u32> {
    let rest = whole.checked_sub(part)?;
    let (part, whole) = (rounded(part), rounded(whole));
    (part >= THRESHOLD && rest >= THRESHOLD).then(|| ((part * 100 + whole / 2) / whole) as u32)
}

/// A table published with its row totals, column totals and grand total:
/// `values[r][c]` in, `(rows + 1) × (cols + 1)` cells out, the last row and
/// column being the totals. In every row and every column (totals
/// included) no cell or two or more cells are unpublished, so no line's sum
/// gives one of them away; a line with one is completed by hiding its
/// smallest shown cell, until every line holds.
pub fn grid(values: &[Vec<u64>]) -> Vec<Vec<Cell>> {
    let rows = values.len();
    let cols = values.first().map_or(0, Vec::len);
    let mut v = vec![vec![0u64; cols + 1]; rows + 1];
    for (r, row) in values.iter().enumerate() {
        for (c, &x) in row.iter().enumerate().take(cols) {
            v[r][c] = x;
            v[r][cols] += x;
            v[rows][c] += x;
            v[rows][cols] += x;
        }
    }
    let mut cells: Vec<Vec<Cell>> = v
        .iter()
        .map(|row| row.iter().map(|&x| Cell::of(x)).collect())
        .collect();
    let lines: Vec<Vec<(usize, usize)>> = (0..=rows)
        .map(|r| (0..=cols).map(|c| (r, c)).collect())
        .chain((0..=cols).map(|c| (0..=rows).map(|r| (r, c)).collect()))
        .collect();
    loop {
        let mut changed = false;
        for line in &lines {
            let unpublished = line
                .iter()
                .filter(|&&(r, c)| cells[r][c].shown().is_none())
                .count();
            if unpublished == 1 {
                if let Some(&(r, c)) = line
                    .iter()
                    .filter(|&&(r, c)| cells[r][c].shown().is_some())
                    .min_by_key(|&&(r, c)| v[r][c])
                {
                    cells[r][c] = Cell::Hidden;
                    changed = true;
                }
            }
        }
        if !changed {
            return cells;
        }
    }
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
        // Shown counts are rounded down to fives: "5" is 5 to 9.
        assert_eq!(Cell::of(9), Cell::Shown(5));
        assert_eq!(Cell::of(10), Cell::Shown(10));
        assert_eq!(Cell::of(14), Cell::Shown(10));
        assert_eq!(Cell::of(1234).text(), "1.230");
        assert_eq!(Cell::Small.text(), "<5");
    }

    #[test]
    fn one_small_part_hides_the_smallest_other_one_too() {
        let (total, cells) = breakdown(&[20, 3, 9, 41]);
        assert_eq!(total, Cell::Shown(70));
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
        assert_eq!((total, cells), (Cell::Shown(5), vec![Cell::Hidden, Cell::Small]));
    }

    #[test]
    fn percentages_give_no_small_part_away() {
        assert_eq!(percentage(10, 20), Some(50));
        assert_eq!(percentage(2, 20), None);
        assert_eq!(percentage(18, 20), None);
        assert_eq!(percentage(5, 4), None);
        // The share of the rounded counts (5 of 10), not of 7 of 12 (58%),
        // which would name both.
        assert_eq!(percentage(7, 12), Some(50));
        assert_eq!(percentage(48, 61), Some(75));
    }

    #[test]
    fn no_line_of_a_grid_gives_an_unpublished_cell_away() {
        // 3 × 4 grids with values from a fixed pseudo-random sequence.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let values: Vec<Vec<u64>> = (0..3)
                .map(|_| {
                    (0..4)
                        .map(|_| {
                            seed ^= seed << 13;
                            seed ^= seed >> 7;
                            seed ^= seed << 17;
                            seed % 14
                        })
                        .collect()
                })
                .collect();
            let cells = grid(&values);
            let total: u64 = values.iter().flatten().sum();
            assert_eq!(cells[3][4], Cell::of(total));
            for r in 0..=3 {
                let row: Vec<Cell> = cells[r].clone();
                assert_ne!(
                    row.iter().filter(|c| c.shown().is_none()).count(),
                    1,
                    "{values:?} → {cells:?}"
                );
            }
            for c in 0..=4 {
                let col: Vec<Cell> = (0..=3).map(|r| cells[r][c]).collect();
                assert_ne!(
                    col.iter().filter(|c| c.shown().is_none()).count(),
                    1,
                    "{values:?} → {cells:?}"
                );
            }
            for r in 0..3 {
                for c in 0..4 {
                    match cells[r][c] {
                        Cell::Shown(n) => assert_eq!(n, rounded(values[r][c])),
                        Cell::Small => assert!(values[r][c] < THRESHOLD),
                        Cell::Hidden => assert!(values[r][c] >= THRESHOLD),
                    }
                }
            }
        }
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
                    assert!(c.shown().is_none_or(|s| s == rounded(p) && p >= THRESHOLD));
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
        // A share of a small part would give the part away.
        assert_eq!(percentage(2, 3 + 3), None);
    }

    /// What an attacker learns about a count below five from a published
    /// total and a published other part: every `x` in 0..5 for which some
    /// count `t` publishes as `other` and `t + x` as `total`.
    fn candidates(total: Cell, other: Cell) -> Vec<u64> {
        (0..THRESHOLD)
            .filter(|&x| (0..1_000).any(|t| Cell::of(t) == other && Cell::of(t + x) == total))
            .collect()
    }

    #[test]
    fn the_difference_of_two_published_counts_never_names_a_small_one() {
        // January–December minus February–December, a region minus a
        // municipality: any total minus any other part, for every small
        // count in between.
        for t in 0..600 {
            for x in 0..THRESHOLD {
                let found = candidates(Cell::of(t + x), Cell::of(t));
                assert!(found.contains(&x));
                assert!(found.len() >= 2, "t {t}, x {x}: {found:?}");
            }
        }
        // Exact counts, as before the rounding, name it every time.
        let exact = |n: u64| {
            if n < THRESHOLD {
                Cell::Small
            } else {
                Cell::Shown(n)
            }
        };
        let named: Vec<u64> = (0..THRESHOLD)
            .filter(|&x| (0..1_000).any(|t| exact(t) == exact(41) && exact(t + x) == exact(44)))
            .collect();
        assert_eq!(named, [3]);
    }
}
