//! Actions (voortgangsbewaking): the rules that decide an action's lane on
//! the coordinator's board, what overdue means, the form's checks, and the
//! progress figures per youth or family. Pure, shared with the browser.

use crate::{error::FieldError, form_fields};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

form_fields! {
    /// The action form (set out or change), and ticking an action done.
    pub enum ActionField {
        Title = "title",
        Description = "description",
        DueOn = "due_on",
        Assignee = "assignee",
        ForFamily = "for_family",
        Note = "note",
    }
}

/// How far ahead a due date may lie.
pub const MAX_DUE_MONTHS: u32 = 24;
/// *Mijn acties* lists what was done in this many days; older done actions
/// stay on the youth's page (the list would otherwise grow for ever).
pub const DONE_SHOWN_DAYS: i32 = 30;

/// The board's lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lane {
    Open,
    Overdue,
    Done,
}

impl Lane {
    pub fn label(self) -> &'static str {
        match self {
            Lane::Open => "Open",
            Lane::Overdue => "Te laat",
            Lane::Done => "Gedaan",
        }
    }
}

/// What the rules need to know of one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub due_on: NaiveDate,
    /// The day it was ticked done (Dutch time).
    pub done_on: Option<NaiveDate>,
    pub cancelled: bool,
}

impl Facts {
    /// Open and past its due date: the due date itself still counts as on time.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_on.is_none() && !self.cancelled && self.due_on < today
    }

    /// The lane on the board; a cancelled action is on none.
    pub fn lane(&self, today: NaiveDate) -> Option<Lane> {
        if self.cancelled {
            None
        } else if self.done_on.is_some() {
            Some(Lane::Done)
        } else if self.is_overdue(today) {
            Some(Lane::Overdue)
        } else {
            Some(Lane::Open)
        }
    }
}

/// The coordinator's early warning for one youth or family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Progress {
    /// Of the actions that are done or past their due date, the percentage
    /// done by their due date; `None` while there are none yet.
    pub on_time_percent: Option<u32>,
    /// The due date of the oldest open action.
    pub oldest_open_due: Option<NaiveDate>,
    pub open: usize,
    pub overdue: usize,
    pub done: usize,
}

pub fn progress(actions: &[Facts], today: NaiveDate) -> Progress {
    let mut p = Progress::default();
    let (mut judged, mut on_time) = (0u32, 0u32);
    for a in actions.iter().filter(|a| !a.cancelled) {
        match a.lane(today) {
            Some(Lane::Done) => {
                p.done += 1;
                judged += 1;
                if a.done_on.is_some_and(|d| d <= a.due_on) {
                    on_time += 1;
                }
            }
            Some(Lane::Overdue) => {
                p.overdue += 1;
                judged += 1;
            }
            Some(Lane::Open) => p.open += 1,
            None => {}
        }
        if a.done_on.is_none() {
            p.oldest_open_due = Some(p.oldest_open_due.map_or(a.due_on, |d| d.min(a.due_on)));
        }
    }
    p.on_time_percent = (judged > 0).then(|| (on_time * 100 + judged / 2) / judged);
    p
}

/// An action as the coordinator's form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionForm {
    pub title: String,
    pub description: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    /// For the whole family of the youth (set out only; fixed afterwards).
    #[serde(default)]
    pub for_family: bool,
}

/// A checked action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub title: String,
    pub description: String,
    pub due_on: NaiveDate,
    pub for_family: bool,
}

impl ActionForm {
    /// Checks the form: a title of 1–200 characters, a description of at
    /// most 2000, a due date from today up to two years ahead.
    pub fn validate(&self, today: NaiveDate) -> Result<NewAction, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            e.push(FieldError::new(
                ActionField::Title,
                "Geef de actie een titel (1 tot 200 tekens).",
            ));
        }
        let description = self.description.trim();
        if description.chars().count() > 2000 {
            e.push(FieldError::new(
                ActionField::Description,
                "De omschrijving is te lang (hoogstens 2000 tekens).",
            ));
        }
        let latest = today
            .checked_add_months(Months::new(MAX_DUE_MONTHS))
            .unwrap_or(today);
        let due = super::youth::parse_iso_date(self.due_on.trim());
        match due {
            None => e.push(FieldError::new(ActionField::DueOn, "Vul een geldige datum in.")),
            Some(d) if d < today => e.push(FieldError::new(
                ActionField::DueOn,
                "De datum ligt in het verleden.",
            )),
            Some(d) if d > latest => e.push(FieldError::new(
                ActionField::DueOn,
                "Kies een datum binnen twee jaar.",
            )),
            _ => {}
        }
        match due {
            Some(due_on) if e.is_empty() => Ok(NewAction {
                title: title.to_string(),
                description: description.to_string(),
                due_on,
                for_family: self.for_family,
            }),
            _ => Err(e),
        }
    }
}

/// An action as one viewer sees it. `private_note` is filled for the
/// assignee who wrote it and for no one else (`db::actions::list` is the
/// only reader of notes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    pub id: uuid::Uuid,
    pub youth_id: uuid::Uuid,
    pub youth_name: String,
    pub title: String,
    pub description: String,
    pub organisation: String,
    /// The person it is assigned to; `None` while the organisation has not picked one.
    pub assignee: Option<String>,
    pub due_on: NaiveDate,
    pub lane: Option<Lane>,
    /// When it was ticked done, and by whom.
    pub done: Option<(NaiveDate, String)>,
    pub cancelled: bool,
    /// For the whole family: shown on every member's page.
    pub family: bool,
    pub private_note: Option<String>,
    pub history: Vec<super::records::HistoryEntry>,
    /// The viewer may tick it done (the assignee, or a professional of the
    /// assigned organisation who is involved, while nobody is picked).
    pub may_tick: bool,
    /// The viewer coordinates the youth: may change, reassign or cancel.
    pub may_change: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn facts(due: u32, done: Option<u32>, cancelled: bool) -> Facts {
        Facts {
            due_on: d(due),
            done_on: done.map(d),
            cancelled,
        }
    }

    #[test]
    fn an_action_is_overdue_the_day_after_its_due_date() {
        let today = d(20);
        let table = [
            (facts(20, None, false), Some(Lane::Open)),
            (facts(19, None, false), Some(Lane::Overdue)),
            (facts(10, Some(15), false), Some(Lane::Done)),
            (facts(10, None, true), None),
        ];
        for (a, lane) in table {
            assert_eq!(a.lane(today), lane, "{a:?}");
            assert_eq!(a.is_overdue(today), lane == Some(Lane::Overdue));
        }
    }

    #[test]
    fn progress_counts_lanes_the_on_time_share_and_the_oldest_open_action() {
        let today = d(20);
        let p = progress(
            &[
                facts(10, Some(9), false),  // on time
                facts(10, Some(12), false), // late
                facts(15, None, false),     // overdue
                facts(25, None, false),     // open
                facts(1, None, true),       // cancelled: not counted
            ],
            today,
        );
        assert_eq!((p.open, p.overdue, p.done), (1, 1, 2));
        assert_eq!(p.on_time_percent, Some(33));
        assert_eq!(p.oldest_open_due, Some(d(15)));
        assert_eq!(progress(&[facts(25, None, false)], today).on_time_percent, None);
    }

    #[test]
    fn the_form_wants_a_title_and_a_due_date_from_today_to_two_years_ahead() {
        let today = d(20);
        let form = |title: &str, due: &str| ActionForm {
            title: title.into(),
            description: String::new(),
            due_on: due.into(),
            for_family: false,
        };
        assert!(form("Huisbezoek", "2026-11-20").validate(today).is_ok());
        let fields = |r: Result<NewAction, Vec<FieldError>>| -> Vec<String> {
            r.unwrap_err().into_iter().map(|f| f.field).collect()
        };
        assert_eq!(fields(form(" ", "2026-11-21").validate(today)), ["title"]);
        assert_eq!(fields(form("x", "2026-11-19").validate(today)), ["due_on"]);
        assert_eq!(fields(form("x", "2028-12-01").validate(today)), ["due_on"]);
        assert_eq!(fields(form("x", "morgen").validate(today)), ["due_on"]);
    }
}
