//! What a live connection watches, and what it is told. Shared by the
//! server's event stream and the browser that listens to it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The path of the event stream (Server-Sent Events).
pub const PATH: &str = "/live";

/// What a page watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// The coordinator's board: every youth the viewer may see.
    Board,
    /// "Mijn acties": every youth the viewer may see.
    Mine,
    /// One youth's page.
    Youth(Uuid),
}

impl Topic {
    /// As the query string carries it: `?topic=…`.
    pub fn param(self) -> String {
        match self {
            Topic::Board => "board".into(),
            Topic::Mine => "mine".into(),
            Topic::Youth(id) => format!("youth:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        match s {
            "board" => Some(Topic::Board),
            "mine" => Some(Topic::Mine),
            _ => s
                .strip_prefix("youth:")
                .and_then(|id| Uuid::parse_str(id).ok())
                .map(Topic::Youth),
        }
    }

    /// The presence room, if this topic has one: the board is shared by the
    /// coordinators of one organisation.
    pub fn presence_room(self, organisation: Uuid) -> Option<String> {
        match self {
            Topic::Board => Some(format!("board:{organisation}")),
            Topic::Youth(id) => Some(format!("youth:{id}")),
            Topic::Mine => None,
        }
    }

    /// The youth whose events alone this topic passes.
    pub fn youth(self) -> Option<Uuid> {
        match self {
            Topic::Youth(id) => Some(id),
            _ => None,
        }
    }
}

/// The data of a `change` event: ids, never names or text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// `action`, `coordination` or `involvement`.
    pub kind: String,
    pub youth: Uuid,
    pub action: Option<Uuid>,
    /// When it committed, in microseconds since 1970.
    pub at: i64,
}

/// The event names on the stream.
pub mod event {
    /// Something the viewer may see changed (`id:` is its number).
    pub const CHANGE: &str = "change";
    /// Refetch everything: too much was missed, or the server lost track.
    pub const RESYNC: &str = "resync";
    /// Someone came to or left the page's presence room.
    pub const PRESENCE: &str = "presence";
    /// The stream is open; `id:` is where it stands.
    pub const READY: &str = "ready";
    /// Nothing for this viewer, but the stream moved on to `id:`.
    pub const POSITION: &str = "position";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_survive_the_query_string_and_nothing_else_parses() {
        let id = Uuid::from_u128(7);
        for t in [Topic::Board, Topic::Mine, Topic::Youth(id)] {
            assert_eq!(Topic::parse(&t.param()), Some(t));
        }
        for bad in ["", "youth:", "youth:x", "bord", "board "] {
            assert_eq!(Topic::parse(bad), None, "{bad}");
        }
        let org = Uuid::from_u128(9);
        assert_eq!(Topic::Mine.presence_room(org), None);
        assert_eq!(Topic::Board.presence_room(org), Some(format!("board:{org}")));
    }
}
