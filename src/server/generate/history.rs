//! The population's history drawn row by row: youths, registrations,
//! signals, and matches with their coordination, actions, handovers and
//! escalations, as COPY lines. One random stream, drawn from in a fixed
//! order, so a seed always gives the same rows.

use super::{
    rows::{day_secs, signal_kind, ts, Rng},
    Org, Population, Spec,
};
use chrono::{Days, NaiveDate};
use sha2::Digest;
use uuid::Uuid;

#[derive(Clone, Copy)]
struct Youth {
    id: Uuid,
    birth: NaiveDate,
    region: usize,
}

/// The organisation kinds that register, and that coordinate, in the history.
const REGISTERING: [&str; 5] = ["jgz", "wijkteam", "jeugdzorg", "ggz", "jeugdbescherming"];
const COORDINATING: [&str; 5] = ["jgz", "wijkteam", "jeugdzorg", "ggz", "jeugdbescherming"];

/// COPY lines of the coordination history, per table.
#[derive(Default)]
pub(super) struct Histories {
    pub(super) matches: Vec<String>,
    pub(super) coordinations: Vec<String>,
    pub(super) actions: Vec<String>,
    pub(super) handovers: Vec<String>,
    pub(super) escalations: Vec<String>,
}

/// One fill: the random stream (drawn from in a fixed order, so a seed
/// always gives the same rows), the youths drawn, and the time window.
pub(super) struct Filler<'a> {
    rng: Rng,
    spec: &'a Spec,
    pop: &'a Population,
    youths: Vec<Youth>,
    /// The window in seconds since 1970.
    from: i64,
    until: i64,
    /// Still-running records go to distinct youths: this walks them.
    active: usize,
}

impl<'a> Filler<'a> {
    pub(super) fn new(spec: &'a Spec, pop: &'a Population) -> Self {
        Filler {
            rng: Rng(spec.seed),
            spec,
            pop,
            youths: Vec::with_capacity(spec.youths),
            from: day_secs(
                spec.until
                    .checked_sub_months(chrono::Months::new(12 * spec.years))
                    .unwrap_or(spec.until),
            ),
            until: day_secs(spec.until) - 3600,
            active: 0,
        }
    }

    /// Draws the youths, spread over municipalities by size.
    pub(super) fn youths(&mut self) -> Vec<String> {
        let (spec, pop) = (self.spec, self.pop);
        // Municipalities by size: a cumulative table to draw from.
        let total: f64 = pop.municipalities.iter().map(|m| m.1).sum();
        let mut cumulative = Vec::with_capacity(pop.municipalities.len());
        let mut acc = 0.0;
        for m in &pop.municipalities {
            acc += m.1 / total;
            cumulative.push(acc);
        }
        let mut lines = Vec::with_capacity(spec.youths);
        for i in 0..spec.youths {
            let x = (self.rng.next() >> 11) as f64 / (1u64 << 53) as f64;
            let m = cumulative
                .partition_point(|&c| c < x)
                .min(pop.municipalities.len() - 1);
            // Born up to 22 years before the end, at least half a year before it.
            let age_days = 180 + self.rng.below(22 * 365 - 180);
            let birth = spec.until - Days::new(age_days);
            let id = self.rng.uuid();
            // The BSN's lookup key: for these numbers (never real) a plain
            // SHA-256 will do; no key can be needed to find them.
            let number = format!("0{:08}", spec.bsn_offset + i as u64);
            let hash: String = sha2::Sha256::digest(format!("synthetisch {number}").as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            lines.push(format!(
                "{id}\t\\\\x{hash}\t{}\t1\tJongere\t\tSynthetisch\t{birth}\t{}\n",
                &number[6..],
                pop.municipalities[m].0
            ));
            self.youths.push(Youth {
                id,
                birth,
                region: pop.municipalities[m].2,
            });
        }
        lines
    }

    /// A youth for a record: for a running one the next of distinct youths.
    fn youth(&mut self, running: bool) -> Youth {
        if running {
            self.active = (self.active + 1) % self.youths.len();
            self.youths[self.active]
        } else {
            self.youths[self.rng.below(self.youths.len() as u64) as usize]
        }
    }

    /// A moment in the youth's 0–22 years within the history window.
    fn moment(&mut self, y: &Youth) -> i64 {
        let start = self.from.max(day_secs(y.birth));
        start + self.rng.below((self.until - start).max(1) as u64) as i64
    }

    /// An organisation of the youth's region (of `kinds`, or any) and one of its people.
    fn pick(&mut self, y: &Youth, kinds: &[&str]) -> (Uuid, Uuid, &'static str) {
        let pop = self.pop;
        let orgs: Vec<&Org> = pop.regions[y.region]
            .1
            .iter()
            .filter(|o| kinds.is_empty() || kinds.contains(&o.kind))
            .filter(|o| !o.users.is_empty())
            .collect();
        let o = orgs[self.rng.below(orgs.len() as u64) as usize];
        (
            o.id,
            o.users[self.rng.below(o.users.len() as u64) as usize],
            o.kind,
        )
    }

    pub(super) fn registrations(&mut self) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.spec.registrations);
        for _ in 0..self.spec.registrations {
            let running = !self.spec.history_only && self.rng.chance(0.3);
            let y = self.youth(running);
            let (org, user, _) = self.pick(&y, &REGISTERING);
            let started = self.moment(&y);
            let end_date = chrono::DateTime::from_timestamp(started, 0)
                .map(|t| t.date_naive() + Days::new(365 + self.rng.below(365)))
                .unwrap_or(self.spec.until);
            let ended =
                (!running).then(|| (started + 86_400 * (14 + self.rng.below(700) as i64)).min(self.until));
            lines.push(format!(
                "{}\t{}\t{user}\t{org}\t{}\t{end_date}\t{}\t{}\n",
                self.rng.uuid(),
                y.id,
                ts(started),
                ended.map_or("\\N".into(), ts),
                if ended.is_some() { "help_completed" } else { "\\N" },
            ));
        }
        lines
    }

    pub(super) fn signals(&mut self) -> Vec<String> {
        let mut lines = Vec::with_capacity(self.spec.signals);
        for _ in 0..self.spec.signals {
            let running = !self.spec.history_only && self.rng.chance(0.2);
            let y = self.youth(running);
            let (org, user, _) = self.pick(&y, &[]);
            let given = self.moment(&y);
            let closed =
                (!running).then(|| (given + 86_400 * (7 + self.rng.below(500) as i64)).min(self.until));
            lines.push(format!(
                "{}\t{}\t{user}\t{org}\t{}\t{}\t{}\t{}\t{}\n",
                self.rng.uuid(),
                y.id,
                signal_kind(&mut self.rng),
                ts(given),
                ts(given + 2 * 365 * 86_400),
                closed.map_or("\\N".into(), ts),
                if closed.is_some() { "worry_resolved" } else { "\\N" },
            ));
        }
        lines
    }

    /// Matches with their coordination: taken after days, a first action
    /// after more days; most finished.
    pub(super) fn coordinations(&mut self) -> Histories {
        let spec = self.spec;
        let mut h = Histories::default();
        let per_coordination = spec.actions.checked_div(spec.coordinations).unwrap_or(0);
        let mut extra_actions = spec.actions.saturating_sub(per_coordination * spec.coordinations);
        for i in 0..spec.coordinations {
            let running = !spec.history_only && self.rng.chance(0.15);
            let y = self.youth(running);
            let (org, coordinator, _) = self.pick(&y, &COORDINATING);
            let (other_org, other_user, _) = self.pick(&y, &[]);
            // A finished history leaves room for its actions' dates to pass.
            let room = if spec.history_only { 150 } else { 40 };
            let start = self.moment(&y).min(self.until - room * 86_400).max(self.from);
            h.matches.push(format!(
                "{}\tnew\t{}\t{other_user}\t{other_org}\t2\t{}\n",
                y.id,
                self.rng.uuid(),
                ts(start)
            ));
            let taken = start + 3_600 * (2 + self.rng.below(24 * 20) as i64);
            let first_action = taken + 3_600 * (4 + self.rng.below(24 * 25) as i64);
            let ended = (!running)
                .then(|| (first_action + 86_400 * (30 + self.rng.below(400) as i64)).min(self.until));
            let n_actions = per_coordination
                + if extra_actions > 0 {
                    extra_actions -= 1;
                    1
                } else {
                    0
                };
            h.coordinations.push(format!(
                "{}\t{}\t{org}\t{coordinator}\trule\tRegel 1 van het convenant\t{}\t{}\t{}\t{}\t{}\n",
                self.rng.uuid(),
                y.id,
                ts(start),
                ts(taken),
                if n_actions > 0 {
                    ts(first_action)
                } else {
                    "\\N".into()
                },
                ended.map_or("\\N".into(), ts),
                if ended.is_some() { "match_ended" } else { "\\N" },
            ));
            for a in 0..n_actions {
                let line = self.action(&y, org, coordinator, first_action + a as i64 * 86_400 * 7);
                h.actions.push(line);
            }
            if i < spec.handovers {
                let decided = (taken + 86_400 * (10 + self.rng.below(60) as i64)).min(self.until);
                if other_org != org {
                    h.handovers.push(format!(
                        "{}\t{}\t{org}\t{other_org}\t{coordinator}\t{}\tt\tt\tt\tt\t{other_user}\t{}\taccepted\n",
                        self.rng.uuid(),
                        y.id,
                        ts(decided - 86_400),
                        ts(decided),
                    ));
                }
            }
            if i < spec.escalations {
                let line = self.escalation(&y, running, start, coordinator, other_user);
                h.escalations.push(line);
            }
        }
        h
    }

    /// An action set out at `created` by the coordinator, most done in time.
    fn action(&mut self, y: &Youth, org: Uuid, coordinator: Uuid, created: i64) -> String {
        let due = chrono::DateTime::from_timestamp(created, 0)
            .map(|t| t.date_naive() + Days::new(7 + self.rng.below(40)))
            .unwrap_or(self.spec.until);
        let due_secs = day_secs(due) + 12 * 3600;
        let (done, cancelled) = match self.rng.below(100) {
            0..=69 => (Some(due_secs - 86_400 * self.rng.below(6) as i64), None),
            70..=84 => (Some(due_secs + 86_400 * (1 + self.rng.below(20) as i64)), None),
            85..=89 => (None, Some(created + 86_400)),
            _ if self.spec.history_only => (Some(due_secs), None),
            _ => (None, None),
        };
        let done = done.filter(|&d| d < self.until);
        format!(
            "{}\t{}\tActie\t{org}\t{coordinator}\t{due}\t{coordinator}\t{}\t{}\t{}\t{}\n",
            self.rng.uuid(),
            y.id,
            ts(created.min(self.until)),
            done.map_or("\\N".into(), ts),
            if done.is_some() {
                coordinator.to_string()
            } else {
                "\\N".into()
            },
            cancelled.map_or("\\N".into(), |c| ts(c.min(self.until))),
        )
    }

    /// An escalation two to six weeks after the match; open only on a
    /// running case (one youth, one open escalation).
    fn escalation(
        &mut self,
        y: &Youth,
        running: bool,
        start: i64,
        coordinator: Uuid,
        raised_by: Uuid,
    ) -> String {
        let raised = (start + 86_400 * (14 + self.rng.below(30) as i64)).min(self.until);
        let open = running && self.rng.chance(0.3);
        let region = self.pop.regions[y.region].0;
        format!(
            "{}\t{}\t{region}\t{raised_by}\t{}\tNiemand pakt de coördinatie op\t{}\t{}\t{}\n",
            self.rng.uuid(),
            y.id,
            ts(raised),
            if open {
                "\\N".to_string()
            } else {
                coordinator.to_string()
            },
            if open { "\\N" } else { "Coördinatie toegewezen" },
            if open {
                "\\N".into()
            } else {
                ts((raised + 86_400 * 5).min(self.until))
            },
        )
    }
}
