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
    let mut rng = Rng(spec.seed);
    let mut written = Written::default();
    let until = day_secs(spec.until) - 3600;
    let from = day_secs(
        spec.until
            .checked_sub_months(chrono::Months::new(12 * spec.years))
            .unwrap_or(spec.until),
    );
    // Municipalities by size: a cumulative table to draw from.
    let total: f64 = pop.municipalities.iter().map(|m| m.1).sum();
    let mut cumulative = Vec::with_capacity(pop.municipalities.len());
    let mut acc = 0.0;
    for m in &pop.municipalities {
        acc += m.1 / total;
        cumulative.push(acc);
    }
    let mut youths = Vec::with_capacity(spec.youths);
    let mut lines = Vec::with_capacity(spec.youths);
    for i in 0..spec.youths {
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        let m = cumulative
            .partition_point(|&c| c < x)
            .min(pop.municipalities.len() - 1);
        // Born up to 22 years before the end, at least half a year before it.
        let age_days = 180 + rng.below(22 * 365 - 180);
        let birth = spec.until - Days::new(age_days);
        let id = rng.uuid();
        lines.push(format!(
            "{id}\t0{:08}\tJongere\t\tSynthetisch\t{birth}\t{}\n",
            spec.bsn_offset + i as u64,
            pop.municipalities[m].0
        ));
        youths.push(Youth {
            id,
            birth,
            region: pop.municipalities[m].2,
        });
    }
    written.rows.push((
        "youths",
        copy(
            pool,
            "COPY youths (id, bsn, given_names, prefix, family_name, birth_date, municipality_code) FROM STDIN",
            lines.into_iter(),
        )
        .await?,
    ));

    // A moment in the youth's 0–22 years within the history window.
    let moment = |rng: &mut Rng, y: &Youth| -> i64 {
        let start = from.max(day_secs(y.birth));
        start + rng.below((until - start).max(1) as u64) as i64
    };
    let pick = |rng: &mut Rng, y: &Youth, kinds: &[&str]| -> (Uuid, Uuid, &'static str) {
        let orgs: Vec<&Org> = pop.regions[y.region]
            .1
            .iter()
            .filter(|o| kinds.is_empty() || kinds.contains(&o.kind))
            .filter(|o| !o.users.is_empty())
            .collect();
        let o = orgs[rng.below(orgs.len() as u64) as usize];
        (o.id, o.users[rng.below(o.users.len() as u64) as usize], o.kind)
    };
    let registering = ["jgz", "wijkteam", "jeugdzorg", "ggz", "jeugdbescherming"];
    // Still-running records go to distinct youths (`active` walks them).
    let mut active = 0usize;
    let mut next_active = |rng: &mut Rng| {
        let _ = rng;
        active = (active + 1) % youths.len();
        active
    };

    let mut lines = Vec::with_capacity(spec.registrations);
    for _ in 0..spec.registrations {
        let running = !spec.history_only && rng.chance(0.3);
        let y = if running {
            &youths[next_active(&mut rng)]
        } else {
            &youths[rng.below(youths.len() as u64) as usize]
        };
        let (org, user, _) = pick(&mut rng, y, &registering);
        let started = moment(&mut rng, y);
        let end_date = chrono::DateTime::from_timestamp(started, 0)
            .map(|t| t.date_naive() + Days::new(365 + rng.below(365)))
            .unwrap_or(spec.until);
        let ended = (!running).then(|| (started + 86_400 * (14 + rng.below(700) as i64)).min(until));
        lines.push(format!(
            "{}\t{}\t{user}\t{org}\t{}\t{end_date}\t{}\t{}\n",
            rng.uuid(),
            y.id,
            ts(started),
            ended.map_or("\\N".into(), ts),
            if ended.is_some() { "help_completed" } else { "\\N" },
        ));
    }
    written.rows.push((
        "registrations",
        copy(
            pool,
            "COPY registrations (id, youth_id, user_id, organisation_id, started_at, end_date, ended_at, end_reason) FROM STDIN",
            lines.into_iter(),
        )
        .await?,
    ));

    let mut lines = Vec::with_capacity(spec.signals);
    for _ in 0..spec.signals {
        let running = !spec.history_only && rng.chance(0.2);
        let y = if running {
            &youths[next_active(&mut rng)]
        } else {
            &youths[rng.below(youths.len() as u64) as usize]
        };
        let (org, user, _) = pick(&mut rng, y, &[]);
        let given = moment(&mut rng, y);
        let closed = (!running).then(|| (given + 86_400 * (7 + rng.below(500) as i64)).min(until));
        lines.push(format!(
            "{}\t{}\t{user}\t{org}\t{}\t{}\t{}\t{}\t{}\n",
            rng.uuid(),
            y.id,
            signal_kind(&mut rng),
            ts(given),
            ts(given + 2 * 365 * 86_400),
            closed.map_or("\\N".into(), ts),
            if closed.is_some() { "worry_resolved" } else { "\\N" },
        ));
    }
    written.rows.push((
        "signals",
        copy(
            pool,
            "COPY signals (id, youth_id, user_id, organisation_id, kind, given_at, expires_at, closed_at, close_reason) FROM STDIN",
            lines.into_iter(),
        )
        .await?,
    ));

    // Matches with their coordination: taken after days, a first action
    // after more days; most finished.
    let coordinating = ["jgz", "wijkteam", "jeugdzorg", "ggz", "jeugdbescherming"];
    let (mut matches, mut coords, mut actions, mut escalations, mut handovers) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let per_coordination = spec.actions.checked_div(spec.coordinations).unwrap_or(0);
    let mut extra_actions = spec.actions.saturating_sub(per_coordination * spec.coordinations);
    for i in 0..spec.coordinations {
        let running = !spec.history_only && rng.chance(0.15);
        let y = if running {
            &youths[next_active(&mut rng)]
        } else {
            &youths[rng.below(youths.len() as u64) as usize]
        };
        let (org, coordinator, _) = pick(&mut rng, y, &coordinating);
        let (other_org, other_user, _) = pick(&mut rng, y, &[]);
        // A finished history leaves room for its actions' dates to pass.
        let room = if spec.history_only { 150 } else { 40 };
        let start = moment(&mut rng, y).min(until - room * 86_400).max(from);
        matches.push(format!(
            "{}\tnew\t{}\t{other_user}\t{other_org}\t2\t{}\n",
            y.id,
            rng.uuid(),
            ts(start)
        ));
        let taken = start + 3_600 * (2 + rng.below(24 * 20) as i64);
        let first_action = taken + 3_600 * (4 + rng.below(24 * 25) as i64);
        let ended = (!running).then(|| (first_action + 86_400 * (30 + rng.below(400) as i64)).min(until));
        let n_actions = per_coordination
            + if extra_actions > 0 {
                extra_actions -= 1;
                1
            } else {
                0
            };
        coords.push(format!(
            "{}\t{}\t{org}\t{coordinator}\trule\tRegel 1 van het convenant\t{}\t{}\t{}\t{}\t{}\n",
            rng.uuid(),
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
            let created = first_action + a as i64 * 86_400 * 7;
            let due = chrono::DateTime::from_timestamp(created, 0)
                .map(|t| t.date_naive() + Days::new(7 + rng.below(40)))
                .unwrap_or(spec.until);
            let due_secs = day_secs(due) + 12 * 3600;
            let (done, cancelled) = match rng.below(100) {
                0..=69 => (Some(due_secs - 86_400 * rng.below(6) as i64), None),
                70..=84 => (Some(due_secs + 86_400 * (1 + rng.below(20) as i64)), None),
                85..=89 => (None, Some(created + 86_400)),
                _ if spec.history_only => (Some(due_secs), None),
                _ => (None, None),
            };
            let done = done.filter(|&d| d < until);
            actions.push(format!(
                "{}\t{}\tActie\t{org}\t{coordinator}\t{due}\t{coordinator}\t{}\t{}\t{}\t{}\n",
                rng.uuid(),
                y.id,
                ts(created.min(until)),
                done.map_or("\\N".into(), ts),
                if done.is_some() {
                    coordinator.to_string()
                } else {
                    "\\N".into()
                },
                cancelled.map_or("\\N".into(), |c| ts(c.min(until))),
            ));
        }
        if i < spec.handovers {
            let decided = (taken + 86_400 * (10 + rng.below(60) as i64)).min(until);
            if other_org != org {
                handovers.push(format!(
                    "{}\t{}\t{org}\t{other_org}\t{coordinator}\t{}\tt\tt\tt\tt\t{other_user}\t{}\taccepted\n",
                    rng.uuid(),
                    y.id,
                    ts(decided - 86_400),
                    ts(decided),
                ));
            }
        }
        if i < spec.escalations {
            let raised = (start + 86_400 * (14 + rng.below(30) as i64)).min(until);
            // Open only on a running case: one youth, one open escalation.
            let open = running && rng.chance(0.3);
            let region = pop.regions[y.region].0;
            escalations.push(format!(
                "{}\t{}\t{region}\t{other_user}\t{}\tNiemand pakt de coördinatie op\t{}\t{}\t{}\n",
                rng.uuid(),
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
                    ts((raised + 86_400 * 5).min(until))
                },
            ));
        }
    }
    for (table, statement, lines) in [
        (
            "match_events",
            "COPY match_events (youth_id, kind, involvement_id, user_id, organisation_id, organisation_count, created_at) FROM STDIN",
            matches,
        ),
        (
            "coordinations",
            "COPY coordinations (id, youth_id, organisation_id, coordinator_id, how, explanation, started_at, coordinator_since, first_action_at, ended_at, end_reason) FROM STDIN",
            coords,
        ),
        (
            "actions",
            "COPY actions (id, youth_id, title, assignee_organisation_id, assignee_id, due_on, created_by, created_at, done_at, done_by, cancelled_at) FROM STDIN",
            actions,
        ),
        (
            "handovers",
            "COPY handovers (id, youth_id, from_organisation_id, to_organisation_id, proposed_by, proposed_at, family_informed, plan_shared, roles_agreed, meeting_planned, decided_by, decided_at, outcome) FROM STDIN",
            handovers,
        ),
        (
            "escalations",
            "COPY escalations (id, youth_id, region_id, raised_by, raised_at, reason, decided_by, decision, closed_at) FROM STDIN",
            escalations,
        ),
    ] {
        written.rows.push((table, copy(pool, statement, lines.into_iter()).await?));
    }
    Ok(written)
}
