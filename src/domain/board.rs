//! The coordinator's board: every youth the coordinator coordinates, with
//! their actions in lanes, progress at a glance and filters. Pure: the
//! server fills it, the filters are tested here.

use super::actions::{progress, ActionView, Facts, Lane, Progress};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One coordinated youth on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardCase {
    pub youth_id: Uuid,
    pub name: String,
    pub municipality: String,
    /// Days since the match began.
    pub match_days: i64,
    /// The coordinating person; `None` while nobody took the case.
    pub coordinator: Option<String>,
    /// The other youths of the family, when the youth is in one.
    pub family: Vec<String>,
    /// The last day anyone acted: an action or the coordination changed.
    pub last_acted: Option<NaiveDate>,
    pub progress: Progress,
    /// Cancelled actions left out.
    pub actions: Vec<ActionView>,
}

impl BoardCase {
    pub fn new(mut c: BoardCase, today: NaiveDate) -> BoardCase {
        c.actions.retain(|a| !a.cancelled);
        let facts: Vec<Facts> = c
            .actions
            .iter()
            .map(|a| Facts {
                due_on: a.due_on,
                done_on: a.done.as_ref().map(|d| d.0),
                cancelled: a.cancelled,
            })
            .collect();
        c.progress = progress(&facts, today);
        let acted = c
            .actions
            .iter()
            .flat_map(|a| a.history.iter().map(|h| h.at))
            .max();
        c.last_acted = c.last_acted.max(acted);
        c
    }

    pub fn lane(&self, lane: Lane) -> impl Iterator<Item = &ActionView> {
        self.actions.iter().filter(move |a| a.lane == Some(lane))
    }
}

/// The board's filters, as the form sends them (GET, so a link keeps them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFilter {
    /// A municipality's name; empty: all.
    pub municipality: String,
    /// The assignee's name (a person or, while nobody is picked, the
    /// organisation); empty: all.
    pub assignee: String,
    pub overdue_only: bool,
}

impl BoardFilter {
    /// Who an action is with, as the assignee filter names it.
    pub fn assignee_of(a: &ActionView) -> String {
        a.assignee.clone().unwrap_or_else(|| a.organisation.clone())
    }

    /// The cases that pass, each with only the actions that pass. With an
    /// assignee or "overdue only", a case without such actions goes.
    pub fn apply(&self, cases: &[BoardCase]) -> Vec<BoardCase> {
        let narrows = !self.assignee.is_empty() || self.overdue_only;
        cases
            .iter()
            .filter(|c| self.municipality.is_empty() || c.municipality == self.municipality)
            .filter_map(|c| {
                let mut c = c.clone();
                c.actions.retain(|a| {
                    (self.assignee.is_empty() || Self::assignee_of(a) == self.assignee)
                        && (!self.overdue_only || a.lane == Some(Lane::Overdue))
                });
                (!narrows || !c.actions.is_empty()).then_some(c)
            })
            .collect()
    }
}

/// The board as the server sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub organisation: String,
    pub cases: Vec<BoardCase>,
}

impl Board {
    /// The choices of the municipality filter, sorted.
    pub fn municipalities(&self) -> Vec<String> {
        let mut m: Vec<String> = self.cases.iter().map(|c| c.municipality.clone()).collect();
        m.sort();
        m.dedup();
        m
    }

    /// The choices of the assignee filter, sorted.
    pub fn assignees(&self) -> Vec<String> {
        let mut m: Vec<String> = self
            .cases
            .iter()
            .flat_map(|c| c.actions.iter().map(BoardFilter::assignee_of))
            .collect();
        m.sort();
        m.dedup();
        m
    }

    /// Counts per lane over the cases shown.
    pub fn counts(cases: &[BoardCase]) -> [(Lane, usize); 3] {
        [Lane::Open, Lane::Overdue, Lane::Done].map(|l| (l, cases.iter().map(|c| c.lane(l).count()).sum()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::HistoryEntry;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn action(assignee: Option<&str>, due: u32, done: Option<u32>, cancelled: bool) -> ActionView {
        let facts = Facts {
            due_on: d(due),
            done_on: done.map(d),
            cancelled,
        };
        ActionView {
            id: Uuid::new_v4(),
            youth_id: Uuid::nil(),
            youth_name: "Sanne".into(),
            title: "Huisbezoek".into(),
            description: String::new(),
            organisation: "WIJ Groningen".into(),
            assignee: assignee.map(Into::into),
            due_on: d(due),
            lane: facts.lane(d(20)),
            done: done.map(|x| (d(x), "Bram".into())),
            cancelled,
            family: false,
            private_note: None,
            history: vec![HistoryEntry {
                at: d(done.unwrap_or(3)),
                text: "…".into(),
            }],
            may_tick: false,
            may_change: true,
        }
    }

    fn case(municipality: &str, actions: Vec<ActionView>) -> BoardCase {
        BoardCase::new(
            BoardCase {
                youth_id: Uuid::new_v4(),
                name: "Sanne".into(),
                municipality: municipality.into(),
                match_days: 4,
                coordinator: None,
                family: vec![],
                last_acted: Some(d(2)),
                progress: Progress::default(),
                actions,
            },
            d(20),
        )
    }

    #[test]
    fn a_case_counts_its_lanes_leaves_cancelled_actions_out_and_knows_when_anyone_last_acted() {
        let c = case(
            "Groningen",
            vec![
                action(Some("Bram"), 25, None, false),
                action(Some("Bram"), 10, None, false),
                action(None, 10, Some(12), false),
                action(Some("Carla"), 10, None, true),
            ],
        );
        assert_eq!(c.actions.len(), 3);
        assert_eq!((c.progress.open, c.progress.overdue, c.progress.done), (1, 1, 1));
        assert_eq!(c.progress.on_time_percent, Some(0));
        assert_eq!(c.last_acted, Some(d(12)));
        assert_eq!(Board::counts(&[c.clone(), c]).map(|(_, n)| n), [2, 2, 2]);
    }

    #[test]
    fn filters_narrow_cases_and_actions_by_municipality_assignee_and_overdue() {
        let cases = vec![
            case(
                "Groningen",
                vec![
                    action(Some("Bram"), 25, None, false),
                    action(None, 10, None, false),
                ],
            ),
            case("Haren", vec![action(Some("Carla"), 25, None, false)]),
            case("Haren", vec![]),
        ];
        let board = Board {
            organisation: "GGD".into(),
            cases: cases.clone(),
        };
        assert_eq!(board.municipalities(), ["Groningen", "Haren"]);
        assert_eq!(board.assignees(), ["Bram", "Carla", "WIJ Groningen"]);
        let f = |m: &str, a: &str, o: bool| BoardFilter {
            municipality: m.into(),
            assignee: a.into(),
            overdue_only: o,
        };
        assert_eq!(f("", "", false).apply(&cases).len(), 3);
        assert_eq!(
            f("Haren", "", false).apply(&cases).len(),
            2,
            "a case without actions stays"
        );
        let bram = f("", "Bram", false).apply(&cases);
        assert_eq!((bram.len(), bram[0].actions.len()), (1, 1));
        let late = f("", "", true).apply(&cases);
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].actions[0].assignee, None);
        assert!(f("Haren", "", true).apply(&cases).is_empty());
    }
}
