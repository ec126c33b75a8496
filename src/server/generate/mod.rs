//! A synthetic population for reports: youths, registrations, signals,
//! matches, coordinations, handovers, escalations and actions spread over
//! municipalities and years, written with COPY. The demo seed uses it for a
//! small history; `examples/generate.rs` for the 5-million-youth dataset.
//!
//! Synthetic BSNs start with a 0 and fail the 11-check on purpose, so they
//! can never be taken for a real person's number (nor typed into the app).
//! Involvements that are still running are spread over distinct youths, so
//! the one-active-per-professional rules hold without checking.

mod rows;

use chrono::{Days, NaiveDate};
pub use rows::summary;
use rows::{copy, day_secs, signal_kind, ts, Rng};
use sqlx::PgPool;
use uuid::Uuid;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub youths: usize,
    pub registrations: usize,
    pub signals: usize,
    /// Coordinated matches (each with a coordination and a match event).
    pub coordinations: usize,
    pub actions: usize,
    pub escalations: usize,
    pub handovers: usize,
    /// History from `until` minus this many years up to `until`.
    pub years: u32,
    pub until: NaiveDate,
    /// Only finished records (the demo: no open cases on anyone's lists).
    pub history_only: bool,
    pub seed: u64,
    /// The first synthetic BSN number (distinct runs use distinct ranges).
    pub bsn_offset: u64,
}

/// An organisation with its people.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: Uuid,
    pub kind: &'static str,
    pub users: Vec<Uuid>,
}

/// Where the youths live and who works there.
#[derive(Debug, Clone)]
pub struct Population {
    /// (code, relative size, index into `regions`)
    pub municipalities: Vec<(String, f64, usize)>,
    /// Per region: its id and organisations.
    pub regions: Vec<(Uuid, Vec<Org>)>,
}

/// Rows written per table, and how long it took.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub rows: Vec<(&'static str, usize)>,
}

#[derive(Clone, Copy)]
struct Youth {
    id: Uuid,
    birth: NaiveDate,
    region: usize,
}

/// Writes the population's history. Triggers stay as they are: with
/// `session_replication_role = replica` set by the caller's pool they are
/// off (then call `report_rebuild()` after), otherwise the report rollup
/// follows the rows as they are written.
pub async fn fill(pool: &PgPool, spec: &Spec, pop: &Population) -> Result<Written, sqlx::Error> {
    let mut f = Filler::new(spec, pop);
    let mut written = Written::default();
    let youths = f.youths();
    written.rows.push((
        "youths",
        copy(
            pool,
            "COPY youths (id, bsn, given_names, prefix, family_name, birth_date, municipality_code) FROM STDIN",
            youths.into_iter(),
        )
        .await?,
    ));
    let registrations = f.registrations();
    written.rows.push((
        "registrations",
        copy(
            pool,
            "COPY registrations (id, youth_id, user_id, organisation_id, started_at, end_date, ended_at, end_reason) FROM STDIN",
            registrations.into_iter(),
        )
        .await?,
    ));
    let signals = f.signals();
    written.rows.push((
        "signals",
        copy(
            pool,
            "COPY signals (id, youth_id, user_id, organisation_id, kind, given_at, expires_at, closed_at, close_reason) FROM STDIN",
            signals.into_iter(),
        )
        .await?,
    ));
    let h = f.coordinations();
    for (table, statement, lines) in [
        (
            "match_events",
            "COPY match_events (youth_id, kind, involvement_id, user_id, organisation_id, organisation_count, created_at) FROM STDIN",
            h.matches,
        ),
        (
            "coordinations",
            "COPY coordinations (id, youth_id, organisation_id, coordinator_id, how, explanation, started_at, coordinator_since, first_action_at, ended_at, end_reason) FROM STDIN",
            h.coordinations,
        ),
        (
            "actions",
            "COPY actions (id, youth_id, title, assignee_organisation_id, assignee_id, due_on, created_by, created_at, done_at, done_by, cancelled_at) FROM STDIN",
            h.actions,
        ),
        (
            "handovers",
            "COPY handovers (id, youth_id, from_organisation_id, to_organisation_id, proposed_by, proposed_at, family_informed, plan_shared, roles_agreed, meeting_planned, decided_by, decided_at, outcome) FROM STDIN",
            h.handovers,
        ),
        (
            "escalations",
            "COPY escalations (id, youth_id, region_id, raised_by, raised_at, reason, decided_by, decision, closed_at) FROM STDIN",
            h.escalations,
        ),
    ] {
        written.rows.push((table, copy(pool, statement, lines.into_iter()).await?));
    }
    Ok(written)
}

/// The organisation kinds that register, and that coordinate, in the history.
const REGISTERING: [&str; 5] = ["jgz", "wijkteam", "jeugdzorg", "ggz", "jeugdbescherming"];
const COORDINATING: [&str; 5] = ["jgz", "wijkteam", "jeugdzorg", "ggz", "jeugdbescherming"];

/// COPY lines of the coordination history, per table.
#[derive(Default)]
struct Histories {
    matches: Vec<String>,
    coordinations: Vec<String>,
    actions: Vec<String>,
    handovers: Vec<String>,
    escalations: Vec<String>,
}

/// One fill: the random stream (drawn from in a fixed order, so a seed
/// always gives the same rows), the youths drawn, and the time window.
struct Filler<'a> {
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
    fn new(spec: &'a Spec, pop: &'a Population) -> Self {
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
    fn youths(&mut self) -> Vec<String> {
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
            lines.push(format!(
                "{id}\t0{:08}\tJongere\t\tSynthetisch\t{birth}\t{}\n",
                spec.bsn_offset + i as u64,
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

    fn registrations(&mut self) -> Vec<String> {
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

    fn signals(&mut self) -> Vec<String> {
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
    fn coordinations(&mut self) -> Histories {
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
