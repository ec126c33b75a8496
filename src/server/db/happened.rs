//! What a write did that others may have to hear of.
//!
//! Database functions run their SQL and return these; they send nothing.
//! The use cases (`server::cases`) are the one place that decides what
//! follows from each: who is mailed, and what the audit log says of it.
//! They carry ids and names only, never what is going on with a youth.
//! The last three say what changed for whoever watches a youth live (the
//! use case writes the live events, `db::live`).

use chrono::NaiveDate;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happened {
    /// A registration or signal made or extended the youth's match.
    Matched {
        youth: Uuid,
    },
    /// The covenant's rules (or people) made `organisation_id` the
    /// coordinating organisation; `taken` when a person coordinates already.
    Appointed {
        youth: Uuid,
        organisation_id: Uuid,
        organisation: String,
        explanation: String,
        taken: bool,
    },
    /// A coordinator gave the case to a colleague.
    Assigned {
        youth: Uuid,
        assignee: Uuid,
        by: String,
    },
    HandoverProposed {
        youth: Uuid,
        to_organisation: Uuid,
        from: String,
        to: String,
    },
    HandoverRejected {
        youth: Uuid,
        to_organisation: Uuid,
        from: String,
        to: String,
    },
    /// `previous_side`: who coordinated until the handover (the coordinating
    /// person, else the coordinators of the coordinating organisation).
    HandoverAccepted {
        youth: Uuid,
        to_organisation: Uuid,
        from: String,
        to: String,
        by: String,
        previous_side: Vec<Uuid>,
    },
    Escalated {
        youth: Uuid,
        by: String,
    },
    EscalationDecided {
        youth: Uuid,
    },
    /// A new covenant version moved the case to `organisation`;
    /// `previous_side` coordinated it until now.
    Reapplied {
        youth: Uuid,
        organisation: String,
        previous_side: Vec<Uuid>,
    },
    /// An action was set out for `person`, or for the involved
    /// professionals of `organisation_id` when no person is named.
    ActionAssigned {
        youth: Uuid,
        organisation_id: Uuid,
        person: Option<Uuid>,
        due_on: NaiveDate,
        by: String,
    },
    /// An action is past its date (claimed once for this).
    ActionOverdue {
        youth: Uuid,
        organisation_id: Uuid,
        person: Option<Uuid>,
        /// The assignee's name, or the organisation's.
        with_whom: String,
    },
    /// The region admin resolved a mismatch of personal data: `told` are
    /// the professionals concerned (id, name), each with the youth's name
    /// they now see; `same_person` or a mistyped BSN (they must correct
    /// their registration).
    MismatchResolved {
        youth: Uuid,
        told: Vec<(Uuid, String, String)>,
        same_person: bool,
    },
    /// An action was set out, changed, cancelled or ticked done.
    ActionChanged {
        action: Uuid,
    },
    /// Lines were added to the coordination history of these youths
    /// (appointed, taken, handed over, escalated, decided, ended).
    CoordinationChanged {
        youths: Vec<Uuid>,
    },
    /// Involvements of these youths began, ended or were recounted.
    InvolvementsChanged {
        youths: Vec<Uuid>,
    },
}

impl Happened {
    /// Whether this only tells live boards to refetch (no mail, no audit).
    pub fn is_live_only(&self) -> bool {
        matches!(
            self,
            Happened::ActionChanged { .. }
                | Happened::CoordinationChanged { .. }
                | Happened::InvolvementsChanged { .. }
        )
    }
}
