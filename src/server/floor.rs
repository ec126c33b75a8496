//! No BSN oracle by timing (issue 19). A registration or signal of a BSN
//! the index knows does more than one of a BSN it has never seen: a youth
//! with others involved is matched, and the match is mailed and may appoint
//! a coordinator, all in the request. Measured on this machine that is a
//! fraction of a millisecond, but a caller who repeats it could average
//! it out. So every answer to a registration or signal (forms, API, bulk,
//! upload) waits until a fixed time after the request began —
//! `BSN_ANSWER_FLOOR_MS` plus `BSN_ANSWER_FLOOR_PER_ROW_US` per row —
//! whichever BSN it carried. Only an answer that takes longer than the
//! floor (a loaded server) can still show the difference, and then
//! drowned in the load's own spread. Bad input answered before any lookup
//! needs no floor: it says nothing of the index.

use std::time::Duration;
use tokio::time::Instant;

use super::config::Config;

/// Started when a request that takes a BSN begins.
#[derive(Debug, Clone, Copy)]
pub struct Floor {
    until: Instant,
    per_row: Duration,
}

impl Floor {
    pub fn start(config: &Config) -> Floor {
        Floor {
            until: Instant::now() + config.answer_floor,
            per_row: config.answer_floor_per_row,
        }
    }

    /// Waits until the floor for an answer about `rows` rows has passed.
    pub async fn wait(self, rows: usize) {
        let rows = u32::try_from(rows).unwrap_or(u32::MAX);
        tokio::time::sleep_until(self.until + self.per_row.saturating_mul(rows)).await;
    }
}
