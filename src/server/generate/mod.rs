//! A synthetic population for reports: youths, registrations, signals,
//! matches, coordinations, handovers, escalations and actions spread over
//! municipalities and years, written with COPY. The demo seed uses it for a
//! small history; `examples/generate.rs` for the 5-million-youth dataset.
//!
//! Synthetic BSNs start with a 0 and fail the 11-check on purpose, so they
//! can never be taken for a real person's number (nor typed into the app).
//! Involvements that are still running are spread over distinct youths, so
//! the one-active-per-professional rules hold without checking.

mod history;
mod rows;

use chrono::NaiveDate;
use history::Filler;
use rows::copy;
pub use rows::summary;
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
            "COPY youths (id, bsn_hmac, bsn_tail, bsn_generation, given_names, prefix, family_name, birth_date, municipality_code) FROM STDIN",
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
