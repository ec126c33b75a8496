//! What a report publishes: lines, breakdowns, grids and outcomes, every
//! count already a [`Cell`] (shown, small or hidden).

use super::{
    suppress::{change, grid, Cell},
    Period,
};
use serde::{Deserialize, Serialize};

/// One line of a table: a label, this period, the previous one, the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub label: String,
    pub now: Cell,
    pub before: Cell,
    pub change: Option<i64>,
}

impl Line {
    pub(super) fn new(label: impl Into<String>, now: Cell, before: Cell) -> Line {
        Line {
            label: label.into(),
            now,
            before,
            change: change(now, before),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// What it is broken down by; `None` for a table of its own (the open
    /// escalations by age).
    pub by: Option<super::Dim>,
    pub title: String,
    pub lines: Vec<Line>,
    pub total: Line,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub key: super::FigureKey,
    pub line: Line,
    pub breakdowns: Vec<Breakdown>,
}

/// A duration or share; `value` is `None` when there are too few cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub label: String,
    pub value: Option<String>,
    pub cases: Cell,
}

/// A table with row and column totals (`cells` includes them, last row and
/// column), published as [`grid`] allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    pub title: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Vec<Cell>>,
}

impl Grid {
    pub(super) fn new(title: &str, rows: Vec<String>, cols: Vec<String>, values: &[Vec<u64>]) -> Grid {
        Grid {
            title: title.into(),
            rows,
            cols,
            cells: grid(values),
        }
    }

    /// The column totals (the last row).
    pub fn totals(&self) -> &[Cell] {
        let last = &self.cells[self.cells.len() - 1];
        &last[..last.len() - 1]
    }
}

/// Everything one report shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub scope: String,
    pub period: Period,
    pub period_label: String,
    pub previous_label: String,
    /// The period has not ended yet: figures up to today.
    pub running: bool,
    pub figures: Vec<Figure>,
    pub outcomes: Vec<Outcome>,
    /// New signals per month and age group (the stacked bar chart).
    pub signals_by_month: Grid,
    /// New registrations per month and age group (with the signals, the line chart).
    pub registrations_by_month: Grid,
    /// Open escalations by how long they are open.
    pub open_escalations: Breakdown,
    /// A region's report: the municipalities, one line each, with the region total.
    pub municipalities: Option<Grid>,
}
