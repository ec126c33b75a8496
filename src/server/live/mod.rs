//! Live updates across app instances. Each instance holds one database
//! listener ([`listener`]) that reads committed events in order and fans
//! them out over a broadcast channel; every browser connection
//! (`server::live_stream`) takes from it what its viewer may see. Events
//! carry ids only; the browser refetches what changed.

pub mod listener;

use crate::server::db::live::Stored;
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc, Mutex,
    },
};
use tokio::sync::{broadcast, watch};

/// What the listener hands to the connections.
#[derive(Debug, Clone)]
pub enum Msg {
    Event(Arc<Stored>),
    /// Someone came to or left a presence topic.
    Presence(Arc<str>),
    /// The listener lost the database for a while: refetch everything.
    Resync,
}

/// The instance's hub: cheap to clone.
#[derive(Clone)]
pub struct Live {
    sender: broadcast::Sender<Msg>,
    /// The highest event number this instance has broadcast.
    position: Arc<AtomicI64>,
    closing: watch::Sender<bool>,
    /// One catch-up at a time, so events go out in order.
    reading: Arc<tokio::sync::Mutex<()>>,
    /// Open streams per session (by the session's hash), on this instance.
    streams: Arc<Mutex<HashMap<Vec<u8>, usize>>>,
}

/// The most live streams one session may hold open on one instance: a
/// page with its board or youth in a few tabs.
pub const MAX_STREAMS_PER_SESSION: usize = 6;

/// One open stream of a session; dropping it frees its place.
pub struct StreamSlot {
    streams: Arc<Mutex<HashMap<Vec<u8>, usize>>>,
    session: Vec<u8>,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.session) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.session);
            }
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Self::new()
    }
}

impl Live {
    pub fn new() -> Live {
        Live {
            sender: broadcast::channel(4096).0,
            position: Arc::new(AtomicI64::new(0)),
            closing: watch::channel(false).0,
            reading: Arc::new(tokio::sync::Mutex::new(())),
            streams: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A place for one more stream of `session`, unless it holds
    /// [`MAX_STREAMS_PER_SESSION`] already.
    pub fn open_stream(&self, session: &[u8]) -> Option<StreamSlot> {
        let mut open = self.streams.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(session.to_vec()).or_insert(0);
        if *n >= MAX_STREAMS_PER_SESSION {
            return None;
        }
        *n += 1;
        Some(StreamSlot {
            streams: self.streams.clone(),
            session: session.to_vec(),
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Msg> {
        self.sender.subscribe()
    }

    pub fn position(&self) -> i64 {
        self.position.load(Ordering::Acquire)
    }

    fn advance(&self, seq: i64) {
        self.position.fetch_max(seq, Ordering::AcqRel);
    }

    fn send(&self, msg: Msg) {
        // No receiver is not an error: nobody is watching.
        let _ = self.sender.send(msg);
    }

    /// Ends every live connection (before a graceful shutdown, which
    /// would otherwise wait for them for ever).
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    pub fn closed(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}
