//! The pieces the generator writes rows with: a reproducible random
//! source, timestamps in COPY's text form, and COPY itself.

use super::Written;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sqlx::{postgres::PgPoolCopyExt, PgPool};
use std::fmt::Write;
use uuid::Uuid;

/// splitmix64: fast, reproducible, good enough for synthetic data.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(super) fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub(super) fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(((self.next() as u128) << 64 | self.next() as u128).to_be_bytes())
            .into_uuid()
    }
}

pub(super) fn ts(secs: i64) -> String {
    Utc.timestamp_opt(secs, 0)
        .single()
        .map(|t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S+00").to_string())
        .unwrap_or_default()
}

pub(super) fn day_secs(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp())
}

const SIGNAL_KINDS: [(&str, u64); 8] = [
    ("ontwikkeling", 14),
    ("gezondheid", 16),
    ("opvoeding", 20),
    ("onderwijs_verzuim", 18),
    ("veiligheid", 12),
    ("middelengebruik", 6),
    ("financien", 8),
    ("overig", 6),
];

pub(super) fn signal_kind(rng: &mut Rng) -> &'static str {
    let mut x = rng.below(100);
    for (k, w) in SIGNAL_KINDS {
        if x < w {
            return k;
        }
        x -= w;
    }
    "overig"
}

/// Sends `rows` (COPY text format) in chunks.
pub(super) async fn copy(
    pool: &PgPool,
    statement: &str,
    rows: impl Iterator<Item = String>,
) -> Result<usize, sqlx::Error> {
    // Not a checked macro: COPY FROM STDIN has no result or parameters for
    // sqlx to check; `fill` names each table's columns next to its rows.
    let mut copy = pool.copy_in_raw(statement).await?;
    let mut buf = String::with_capacity(1 << 20);
    let mut n = 0;
    for row in rows {
        buf.push_str(&row);
        n += 1;
        if buf.len() > (1 << 20) {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        copy.send(buf.as_bytes()).await?;
    }
    copy.finish().await?;
    Ok(n)
}

/// The number of rows of each generated table, for a summary line.
pub fn summary(w: &Written) -> String {
    let mut s = String::new();
    for (t, n) in &w.rows {
        let _ = write!(s, "{t} {n}, ");
    }
    s.trim_end_matches(", ").to_string()
}
