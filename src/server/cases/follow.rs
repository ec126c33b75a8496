//! What follows from what happened: who hears of it by mail, the audit
//! rows of what the system did by itself, and the live events that make
//! open boards refetch. Every mail of the application is
//! decided here (except the periodic reports and the expiry reminders,
//! `cases::jobs`); the mails name the youth and the people, never what is
//! going on.

use crate::server::{
    db::{
        self, audit,
        coordination::{recipients::coordinators_of, recipients::recipients, Audience},
        happened::Happened,
        outbox::NewMail,
        youths::names_seen_by,
    },
    mail::{
        self,
        coordination::{CoordinationEvent, CoordinationNotice},
        data_quality::MismatchResolved,
        match_notice_mails, To,
    },
};
use sqlx::PgConnection;
use uuid::Uuid;

/// Queues the mails, writes the audit rows and the live events that
/// `happened` calls for, in the caller's transaction.
pub async fn follow(tx: &mut PgConnection, happened: Vec<Happened>) -> Result<(), sqlx::Error> {
    if happened.is_empty() {
        return Ok(());
    }
    let mut mails: Vec<NewMail> = Vec::new();
    let mut entries: Vec<audit::Entry> = Vec::new();
    let mut matched: Vec<Uuid> = Vec::new();
    // Appointments come in runs (a bulk import makes thousands): each run
    // is mailed set-based, in its place among the other mails.
    let mut appointed: Vec<(Uuid, Uuid, CoordinationEvent)> = Vec::new();
    let mut live: Vec<Happened> = Vec::new();
    for h in happened {
        if h.is_live_only() {
            live.push(h);
            continue;
        }
        if let Happened::Appointed {
            youth,
            organisation_id,
            organisation,
            explanation,
            taken,
        } = h
        {
            entries.push(audit::system_entry(
                Some(organisation_id),
                "coordination_appoint",
                "youth",
                vec![youth.to_string()],
            ));
            // Nobody coordinates yet: the organisation's coordinators are asked to.
            if !taken {
                let event = CoordinationEvent::Appointed {
                    organisation,
                    explanation,
                };
                appointed.push((youth, organisation_id, event));
            }
            continue;
        }
        mails.extend(appointment_mails(tx, std::mem::take(&mut appointed)).await?);
        match h {
            Happened::Matched { youth } => matched.push(youth),
            Happened::MismatchResolved {
                youth,
                told,
                same_person,
            } => mails.extend(told.into_iter().map(|(user, recipient_name, youth_name)| {
                mail::mail(
                    To::User(user),
                    &MismatchResolved {
                        recipient_name,
                        youth_id: youth,
                        youth_name,
                        same_person,
                    },
                    Some(youth),
                    None,
                )
            })),
            other => {
                for (youth, audiences, event, skip) in told(tx, other).await? {
                    mails.extend(coordination_mails(tx, youth, &audiences, event, skip).await?);
                }
            }
        }
    }
    mails.extend(appointment_mails(tx, appointed).await?);
    // Everyone involved with a youth whose match was made or extended
    // hears who else is: one mail each.
    if !matched.is_empty() {
        matched.sort_unstable();
        matched.dedup();
        let contacts = db::involvements::contacts(tx, &matched).await?;
        mails.extend(match_notice_mails(&contacts));
    }
    db::outbox::insert(tx, &mails).await?;
    audit::record_many(&mut *tx, &entries).await?;
    live_events(tx, live).await
}

/// One live event per change, in the order they happened: whoever watches
/// the youth (or the action's family) refetches that part of the board.
async fn live_events(tx: &mut PgConnection, live: Vec<Happened>) -> Result<(), sqlx::Error> {
    for h in live {
        match h {
            Happened::ActionChanged { action } => db::live::emit_action(tx, action).await?,
            Happened::CoordinationChanged { youths } => db::live::emit_coordination(tx, &youths).await?,
            Happened::InvolvementsChanged { youths } => db::live::emit_involvement(tx, &youths).await?,
            _ => {}
        }
    }
    Ok(())
}

/// A coordination mail to send: about a youth, to audiences, except one person.
type Told = (Uuid, Vec<Audience>, CoordinationEvent, Option<Uuid>);

/// Who hears of a coordination step, and what they are told.
async fn told(tx: &mut PgConnection, h: Happened) -> Result<Vec<Told>, sqlx::Error> {
    use Audience::*;
    let users = |ids: Vec<Uuid>| ids.into_iter().map(User).collect::<Vec<_>>();
    Ok(match h {
        Happened::Matched { .. }
        | Happened::Appointed { .. }
        | Happened::MismatchResolved { .. }
        | Happened::ActionChanged { .. }
        | Happened::CoordinationChanged { .. }
        | Happened::InvolvementsChanged { .. } => Vec::new(),
        Happened::Assigned { youth, assignee, by } => {
            vec![(
                youth,
                vec![User(assignee)],
                CoordinationEvent::Assigned { by },
                None,
            )]
        }
        Happened::HandoverProposed {
            youth,
            to_organisation,
            from,
            to,
        } => vec![(
            youth,
            vec![Coordinators(to_organisation), CoordinatingSide],
            CoordinationEvent::HandoverProposed { from, to },
            None,
        )],
        Happened::HandoverRejected {
            youth,
            to_organisation,
            from,
            to,
        } => vec![(
            youth,
            vec![CoordinatingSide, Coordinators(to_organisation)],
            CoordinationEvent::HandoverRejected { from, to },
            None,
        )],
        Happened::HandoverAccepted {
            youth,
            to_organisation,
            from,
            to,
            by,
            previous_side,
        } => {
            let mut audiences = users(previous_side);
            audiences.push(Coordinators(to_organisation));
            vec![(
                youth,
                audiences,
                CoordinationEvent::HandoverAccepted { from, to, by },
                None,
            )]
        }
        Happened::Escalated { youth, by } => vec![(
            youth,
            vec![RegionAdmins, CoordinatingSide, Involved],
            CoordinationEvent::Escalated { by },
            None,
        )],
        Happened::EscalationDecided { youth } => vec![(
            youth,
            vec![CoordinatingSide, Involved],
            CoordinationEvent::EscalationDecided,
            None,
        )],
        Happened::Reapplied {
            youth,
            organisation,
            previous_side,
        } => vec![(
            youth,
            users(previous_side),
            CoordinationEvent::Reapplied { organisation },
            None,
        )],
        Happened::ActionAssigned {
            youth,
            organisation_id,
            person,
            due_on,
            by,
        } => {
            let with = db::actions::assignees(tx, youth, organisation_id, person).await?;
            vec![(
                youth,
                users(with),
                CoordinationEvent::ActionAssigned { by, due_on },
                None,
            )]
        }
        Happened::ActionOverdue {
            youth,
            organisation_id,
            person,
            with_whom,
        } => overdue(tx, youth, organisation_id, person, with_whom).await?,
    })
}

/// An overdue action: once to the assignee, once to the coordinating side
/// naming whom it is with (not to the assignee twice).
async fn overdue(
    tx: &mut PgConnection,
    youth: Uuid,
    organisation_id: Uuid,
    person: Option<Uuid>,
    with_whom: String,
) -> Result<Vec<Told>, sqlx::Error> {
    let with = db::actions::assignees(tx, youth, organisation_id, person).await?;
    Ok(vec![
        (
            youth,
            with.into_iter().map(Audience::User).collect(),
            CoordinationEvent::ActionOverdue { assignee: None },
            None,
        ),
        (
            youth,
            vec![Audience::CoordinatingSide],
            CoordinationEvent::ActionOverdue {
                assignee: Some(with_whom),
            },
            person,
        ),
    ])
}

/// One mail per person of `audiences` (a person once), except `skip`.
async fn coordination_mails(
    tx: &mut PgConnection,
    youth: Uuid,
    audiences: &[Audience],
    event: CoordinationEvent,
    skip: Option<Uuid>,
) -> Result<Vec<NewMail>, sqlx::Error> {
    let people = recipients(tx, youth, audiences, skip).await?;
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let pairs: Vec<(Uuid, Uuid)> = people.iter().map(|(user, _)| (youth, *user)).collect();
    let names = names_seen_by(tx, &pairs).await?;
    Ok(people
        .into_iter()
        .map(|(user, recipient_name)| {
            let notice = CoordinationNotice {
                recipient_name,
                youth_id: youth,
                youth_name: names.get(&(youth, user)).cloned().unwrap_or_default(),
                event: event.clone(),
            };
            mail::mail(To::User(user), &notice, Some(youth), None)
        })
        .collect())
}

/// Each (youth, organisation, event) to the organisation's coordinators, set-based.
async fn appointment_mails(
    tx: &mut PgConnection,
    items: Vec<(Uuid, Uuid, CoordinationEvent)>,
) -> Result<Vec<NewMail>, sqlx::Error> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let pairs: Vec<(Uuid, Uuid)> = items.iter().map(|i| (i.0, i.1)).collect();
    let people = coordinators_of(tx, &pairs).await?;
    let seen: Vec<(Uuid, Uuid)> = people.iter().map(|(n, user, _)| (items[*n].0, *user)).collect();
    let names = names_seen_by(tx, &seen).await?;
    Ok(people
        .into_iter()
        .map(|(n, user, recipient_name)| {
            let (youth_id, _, event) = &items[n];
            let notice = CoordinationNotice {
                recipient_name,
                youth_id: *youth_id,
                youth_name: names.get(&(*youth_id, user)).cloned().unwrap_or_default(),
                event: event.clone(),
            };
            mail::mail(To::User(user), &notice, Some(*youth_id), None)
        })
        .collect())
}
