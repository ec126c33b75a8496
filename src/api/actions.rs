//! Actions: the coordinator sets them out, the assignee ticks them done.
//! What the assignee writes about what was done reaches no one else: the
//! answers below come from `db::actions::list`, which reads the note for
//! its author only.

use crate::{domain::actions::ActionView, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

pub const ASSIGNEE_REQUIRED: &str = "Kies een betrokken professional of organisatie.";
pub const ASSIGNEE_NOT_INVOLVED: &str =
    "Deze professional of organisatie is niet (meer) betrokken bij de jeugdige.";
pub const NOTE_TOO_LONG: &str = "De notitie is te lang (hoogstens 4000 tekens).";
pub const NO_FAMILY: &str = "Deze jeugdige hoort (nog) niet bij een gezin.";

/// The coordinator sets out an action for `youth` (or, with `for_family`
/// set, for the youth's whole family). `assignee` is `gebruiker:<id>` or
/// `organisatie:<id>`.
#[server(endpoint = "create_action")]
pub async fn create_action(
    youth: Uuid,
    #[server(default)] title: String,
    #[server(default)] description: String,
    #[server(default)] due_on: String,
    #[server(default)] assignee: String,
    #[server(default)] for_family: Option<String>,
) -> Result<(), AppError> {
    use crate::{api::respond, server::cases::actions};
    respond(async move {
        let mut act = ssr::begin(false).await?;
        let actor = act.actor();
        let family = for_family.is_some_and(|v| !v.is_empty() && v != "false");
        let result = match ssr::check(&title, &description, &due_on, &assignee, family) {
            Err(e) => Err(e),
            Ok((new, who)) => actions::create(act.tx(), youth, &actor, &new, who)
                .await?
                .map(|_| ())
                .map_err(ssr::refusal),
        };
        act.settle("action_create", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// The coordinator changes or reassigns an open action.
#[server(endpoint = "change_action")]
pub async fn change_action(
    id: Uuid,
    #[server(default)] title: String,
    #[server(default)] description: String,
    #[server(default)] due_on: String,
    #[server(default)] assignee: String,
) -> Result<(), AppError> {
    use crate::{api::respond, server::cases::actions};
    respond(async move {
        let mut act = ssr::begin(false).await?;
        let actor = act.actor();
        let result = match ssr::check(&title, &description, &due_on, &assignee, false) {
            Err(e) => Err(e),
            Ok((new, who)) => actions::change(act.tx(), id, &actor, &new, who)
                .await?
                .map_err(ssr::refusal),
        };
        act.settle("action_change", "action", vec![id.to_string()], result)
            .await
    })
    .await
}

/// The coordinator cancels an open action.
#[server(endpoint = "cancel_action")]
pub async fn cancel_action(id: Uuid) -> Result<(), AppError> {
    use crate::{api::respond, server::cases::actions};
    respond(async move {
        let mut act = ssr::begin(false).await?;
        let actor = act.actor();
        let ok = actions::cancel(act.tx(), id, &actor).await?;
        let result = if ok { Ok(()) } else { Err(AppError::NotFound) };
        act.settle("action_cancel", "action", vec![id.to_string()], result)
            .await
    })
    .await
}

/// The assignee ticks an action done, with an optional private note.
#[server(endpoint = "complete_action")]
pub async fn complete_action(id: Uuid, #[server(default)] note: String) -> Result<(), AppError> {
    use crate::{api::respond, domain::actions::ActionField, error::FieldError, server::cases::actions};
    respond(async move {
        let mut act = ssr::begin(false).await?;
        let actor = act.actor();
        let note = note.trim();
        let result = if note.chars().count() > 4000 {
            Err(AppError::invalid(vec![FieldError::new(
                ActionField::Note,
                NOTE_TOO_LONG,
            )]))
        } else if actions::tick(act.tx(), id, &actor, (!note.is_empty()).then_some(note)).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        };
        act.settle("action_complete", "action", vec![id.to_string()], result)
            .await
    })
    .await
}

/// The actions of a youth the caller may see.
#[server(endpoint = "youth_actions")]
pub async fn youth_actions(youth: Uuid, #[server(default)] live: bool) -> Result<Vec<ActionView>, AppError> {
    use crate::{
        api::respond,
        domain::today,
        server::db::{actions, coordination::read},
    };
    respond(async move {
        let mut act = ssr::begin(live).await?;
        let actor = act.actor();
        let result = if read::may_view(act.tx(), youth, &actor).await? {
            Ok(actions::list(act.tx(), actions::Scope::Youth(youth), &actor, today()).await?)
        } else {
            Err(AppError::NotFound)
        };
        act.settle("action_list", "youth", vec![youth.to_string()], result)
            .await
    })
    .await
}

/// "Mijn acties": every open action for the caller, by due date (`live`:
/// a refetch after a live change, see [`super::youths::get_youth`]).
#[server(endpoint = "my_actions")]
pub async fn my_actions(#[server(default)] live: bool) -> Result<Vec<ActionView>, AppError> {
    use crate::{api::respond, domain::today, server::db::actions};
    respond(async move {
        let mut act = ssr::begin(live).await?;
        let actor = act.actor();
        let list = actions::list(act.tx(), actions::Scope::Mine, &actor, today()).await?;
        let ids = list.iter().map(|a| a.youth_id.to_string()).collect();
        act.settle("action_list", "youth", ids, Ok(list)).await
    })
    .await
}

/// The coordinator's board: every youth they coordinate with its actions
/// (filters are applied where it is shown).
#[server(endpoint = "coordination_board")]
pub async fn coordination_board(
    #[server(default)] live: bool,
) -> Result<crate::domain::board::Board, AppError> {
    use crate::{
        api::act::Act,
        api::respond,
        domain::{role::Role, today},
        server::db::actions,
    };
    respond(async move {
        let mut act = Act::begin_live(&[Role::Coordinator], live).await?;
        let actor = act.actor();
        let board = actions::board(act.tx(), &actor, today()).await?;
        let ids = board.cases.iter().map(|c| c.youth_id.to_string()).collect();
        act.settle("board_view", "youth", ids, Ok(board)).await
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::{
        api::act::Act,
        domain::{
            actions::{ActionField, ActionForm, NewAction},
            role::Role,
            today,
        },
        error::FieldError,
        server::db::actions::{Assignee, Refused},
    };

    /// `live`: a refetch after a live change (the session is only looked at).
    pub async fn begin(live: bool) -> Result<Act, AppError> {
        Act::begin_live(&[Role::Professional, Role::Coordinator], live).await
    }

    /// Checks the form; messages per field.
    pub fn check(
        title: &str,
        description: &str,
        due_on: &str,
        assignee: &str,
        for_family: bool,
    ) -> Result<(NewAction, Assignee), AppError> {
        let form = ActionForm {
            title: title.into(),
            description: description.into(),
            due_on: due_on.into(),
            for_family,
        };
        let mut errors = Vec::new();
        let new = form.validate(today()).map_err(|e| errors.extend(e)).ok();
        let who = match assignee.trim().split_once(':') {
            Some(("gebruiker", id)) => Uuid::parse_str(id).ok().map(Assignee::User),
            Some(("organisatie", id)) => Uuid::parse_str(id).ok().map(Assignee::Organisation),
            _ => None,
        };
        if who.is_none() {
            errors.push(FieldError::new(ActionField::Assignee, ASSIGNEE_REQUIRED));
        }
        match (new, who) {
            (Some(new), Some(who)) if errors.is_empty() => Ok((new, who)),
            _ => Err(AppError::invalid(errors)),
        }
    }

    pub fn refusal(r: Refused) -> AppError {
        match r {
            Refused::NotAllowed => AppError::NotFound,
            Refused::NotInvolved => AppError::invalid(vec![FieldError::new(
                ActionField::Assignee,
                ASSIGNEE_NOT_INVOLVED,
            )]),
            Refused::NoFamily => AppError::invalid(vec![FieldError::new(ActionField::ForFamily, NO_FAMILY)]),
        }
    }
}
