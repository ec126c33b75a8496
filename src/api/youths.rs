//! Registering youths, giving signals, and reading and ending them.
// The two form handlers take one argument per form field.
#![allow(clippy::too_many_arguments)]

use crate::{
    domain::records::{MyYouths, Recorded, YouthDetail},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

/// "Jeugdige registreren": this professional knows the youth.
#[server(endpoint = "register")]
pub async fn register_youth(
    bsn: String,
    given_names: String,
    #[server(default)] prefix: String,
    family_name: String,
    birth_date: String,
    municipality_code: String,
    #[server(default)] end_date: String,
) -> Result<Recorded, AppError> {
    use crate::{api::respond, domain::youth::YouthForm, server::cases::chain::Input};
    let youth = YouthForm {
        bsn,
        given_names,
        prefix,
        family_name,
        birth_date,
        municipality_code,
    };
    let input = Input {
        youth,
        end_date,
        ..Input::default()
    };
    respond(ssr::record(input, false)).await
}

/// "Signaal afgeven": this professional is worried about the youth.
#[server(endpoint = "signal")]
pub async fn give_signal(
    bsn: String,
    given_names: String,
    #[server(default)] prefix: String,
    family_name: String,
    birth_date: String,
    municipality_code: String,
    #[server(default)] kind: String,
) -> Result<Recorded, AppError> {
    use crate::{api::respond, domain::youth::YouthForm, server::cases::chain::Input};
    let youth = YouthForm {
        bsn,
        given_names,
        prefix,
        family_name,
        birth_date,
        municipality_code,
    };
    let input = Input {
        youth,
        kind,
        ..Input::default()
    };
    respond(ssr::record(input, true)).await
}

/// What was typed into a form that failed without JavaScript (read once).
#[server(endpoint = "draft")]
pub async fn load_draft(id: Uuid) -> Result<Vec<(String, String)>, AppError> {
    use crate::{api::respond, server::flash};
    respond(async move {
        Ok(flash::take_for::<Vec<(String, String)>>(&[], id)
            .await?
            .unwrap_or_default())
    })
    .await
}

/// "Mijn jeugdigen", one page.
#[server(endpoint = "my_youths", name = ListMyYouths)]
pub async fn list_my_youths(
    #[server(default)] sort: String,
    #[server(default)] descending: bool,
    #[server(default)] page: u32,
) -> Result<MyYouths, AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::{records::YouthSort, role::Role, today},
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::Professional]).await?;
        let sort = YouthSort::parse(&sort).unwrap_or_default();
        let user = act.user.id;
        let list = db::youths::mine(act.tx(), user, sort, descending, page, today()).await?;
        let ids = list.rows.iter().map(|r| r.id.to_string()).collect();
        act.settle("youth_list", "youth", ids, Ok(list)).await
    })
    .await
}

/// The youth page. Anyone not involved gets the same "not found" as for a
/// youth that does not exist, and an audit row "denied". `live`: a refetch
/// after a live change, which does not keep the session alive.
#[server(endpoint = "youth")]
pub async fn get_youth(id: Uuid, #[server(default)] live: bool) -> Result<YouthDetail, AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::{role::Role, today},
        server::db,
    };
    respond(async move {
        let mut act = Act::begin_live(&[Role::Professional, Role::Coordinator], live).await?;
        let actor = act.actor();
        let tx = act.tx();
        let detail = if db::coordination::read::may_view(tx, id, &actor).await? {
            match db::youths::detail(tx, id, actor.user_id, today()).await? {
                Some(mut d) => {
                    d.coordination = db::coordination::read::info(tx, id, &actor, today()).await?;
                    d.family = db::family::info(tx, id, &actor).await?;
                    if d.coordination.is_coordinator && d.family.in_family {
                        d.family_involved = db::actions::family_assignees(tx, id).await?;
                    }
                    Some(d)
                }
                None => None,
            }
        } else {
            None
        };
        act.settle(
            "youth_view",
            "youth",
            vec![id.to_string()],
            detail.ok_or(AppError::NotFound),
        )
        .await
    })
    .await
}

/// Ends one of the professional's own registrations, with a reason.
#[server(endpoint = "end_registration")]
pub async fn end_registration(id: Uuid, #[server(default)] reason: String) -> Result<(), AppError> {
    use crate::api::respond;
    respond(ssr::finish(id, reason, false)).await
}

/// Closes one of the professional's own signals, with a reason.
#[server(endpoint = "close_signal")]
pub async fn close_signal(id: Uuid, #[server(default)] reason: String) -> Result<(), AppError> {
    use crate::api::respond;
    respond(ssr::finish(id, reason, true)).await
}

/// Moves the end date of one of the professional's own registrations.
#[server(endpoint = "change_end_date")]
pub async fn change_end_date(id: Uuid, #[server(default)] end_date: String) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, respond},
        domain::{
            involvement::{parse_end_date, EndField},
            role::Role,
            today,
        },
        error::FieldError,
        server::db,
    };
    respond(async move {
        let mut act = Act::begin(&[Role::Professional]).await?;
        let date = parse_end_date(&end_date, today())
            .map_err(|m| AppError::invalid(vec![FieldError::of_row(EndField::EndDate, id, m)]))?;
        let user = act.user.id;
        let youth = db::youths::change_end_date(act.tx(), id, user, date).await?;
        let ids = youth
            .map(|y| y.to_string())
            .into_iter()
            .chain([id.to_string()])
            .collect();
        let result = youth.map(|_| ()).ok_or(AppError::NotFound);
        act.settle("registration_change", "registration", ids, result)
            .await
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::{
        api::{
            act::{Act, Caller},
            is_plain_form_post,
        },
        domain::{
            involvement::{EndField, EndReason, REASON_REQUIRED},
            records::Recorded,
            role::Role,
            today,
            youth::ChainField,
        },
        error::{AnyForm, FieldError},
        server::{
            auth,
            cases::chain::{self, refusal_error, Actor, Input},
            db::{
                self,
                audit::Via,
                youths::{Ended, Owner},
            },
            flash,
        },
    };

    /// Registers or signals (one path for both); on bad input, a form
    /// posted without JavaScript gets what was typed back through a
    /// one-time flash, never the URL.
    pub async fn record(input: Input, is_signal: bool) -> Result<Recorded, AppError> {
        let caller = Caller::require(&[Role::Professional]).await?;
        let (allowed, action) = if is_signal {
            (caller.user.may_signal(), "signal_create")
        } else {
            (caller.user.may_register(), "registration_create")
        };
        if !allowed {
            let org = vec![caller.user.organisation_id.to_string()];
            let act = Act::of(caller).await?;
            return act
                .settle(action, "organisation", org, Err(AppError::Forbidden))
                .await;
        }
        let (user, org) = (caller.user.id, caller.user.organisation_id);
        // Bad input is answered before a transaction is opened (a form
        // posted without JavaScript keeps what was typed in a flash).
        let keys = &caller.state.config.bsn_keys;
        let item = match chain::validate(&input, is_signal, user, org, today(), keys) {
            Ok(item) => item,
            Err(fields) => return Err(form_error(fields, &input, is_signal).await),
        };
        let floor = crate::server::floor::Floor::start(&caller.state.config);
        let mut act = Act::of(caller).await?;
        let actor = Actor {
            roles: act.user.roles.iter().map(|r| r.as_str().to_string()).collect(),
            client_ip: act.client_ip(),
            via: Via::Ui,
            extra_ids: vec![],
        };
        // The use case writes one audit row per item itself. Even a failure
        // waits for the floor: it answers after the index was looked at.
        let recorded = async {
            let outcome = chain::record(act.tx(), &[item], &actor)
                .await?
                .pop()
                .ok_or_else(|| crate::server::errors::internal("record", "no outcome"))?;
            act.commit().await?;
            Ok::<_, AppError>(outcome)
        }
        .await;
        floor.wait(1).await;
        let outcome = recorded?;
        match outcome {
            Ok(r) => {
                let (_, parts) = auth::request()?;
                if is_plain_form_post(&parts) {
                    leptos_axum::redirect(&format!("/jeugdigen/{}", r.youth_id));
                }
                Ok(Recorded {
                    youth_id: r.youth_id,
                    id: r.id,
                    until: r.until.date_naive(),
                })
            }
            Err(refusal) => Err(form_error(vec![refusal_error(refusal, is_signal)], &input, is_signal).await),
        }
    }

    /// The validation error for the registration and signal forms.
    async fn form_error(fields: Vec<FieldError>, input: &Input, is_signal: bool) -> AppError {
        let Ok((state, parts)) = auth::request() else {
            return AppError::invalid(fields);
        };
        if !is_plain_form_post(&parts) {
            return AppError::invalid(fields);
        }
        let y = &input.youth;
        let mut typed = vec![
            (ChainField::Bsn, y.bsn.clone()),
            (ChainField::GivenNames, y.given_names.clone()),
            (ChainField::Prefix, y.prefix.clone()),
            (ChainField::FamilyName, y.family_name.clone()),
            (ChainField::BirthDate, y.birth_date.clone()),
            (ChainField::MunicipalityCode, y.municipality_code.clone()),
        ];
        if is_signal {
            typed.push((ChainField::Kind, input.kind.clone()));
        } else {
            typed.push((ChainField::EndDate, input.end_date.clone()));
        }
        let typed: Vec<(&str, String)> = typed.into_iter().map(|(f, v)| (f.name(), v)).collect();
        match flash::put(&state.pool, &parts, &typed).await {
            Ok(Some(id)) => AppError::Invalid {
                fields,
                values: vec![(AnyForm::Draft.name().into(), id.to_string())],
            },
            Ok(None) => AppError::invalid(fields),
            Err(e) => e,
        }
    }

    pub async fn finish(id: Uuid, reason: String, is_signal: bool) -> Result<(), AppError> {
        let mut act = Act::begin(&[Role::Professional]).await?;
        let reason = if is_signal {
            EndReason::parse_for_signal(&reason)
        } else {
            EndReason::parse_for_registration(&reason)
        }
        .ok_or_else(|| AppError::invalid(vec![FieldError::of_row(EndField::Reason, id, REASON_REQUIRED)]))?;
        let user = act.user.id;
        let ended = chain::finish(act.tx(), is_signal, id, Owner::User(user), reason, false).await?;
        let (action, object) = if is_signal {
            ("signal_close", "signal")
        } else {
            ("registration_end", "registration")
        };
        let (result, ids, still_involved) = match ended {
            Ended::Done { youth_id, .. } => (
                Ok(()),
                vec![youth_id.to_string(), id.to_string()],
                db::youths::is_involved(act.tx(), youth_id, user).await?,
            ),
            // On the page an ended record is gone from the list: not found.
            Ended::NotFound | Ended::Already { .. } => (Err(AppError::NotFound), vec![id.to_string()], false),
        };
        act.settle(action, object, ids, result).await?;
        let (_, parts) = auth::request()?;
        if is_plain_form_post(&parts) && !still_involved {
            leptos_axum::redirect("/jeugdigen?afgesloten=1");
        }
        Ok(())
    }
}

/// The municipalities a youth in the user's region can live in, for the forms.
#[server(endpoint = "form_municipalities")]
pub async fn form_municipalities() -> Result<Vec<crate::domain::views::Municipality>, AppError> {
    use crate::{
        api::{act::Caller, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let Caller { user, state, .. } = Caller::require(&[Role::Professional]).await?;
        Ok(db::organisations::municipalities_in_region(&state.pool, user.region_id).await?)
    })
    .await
}

/// The report of a bulk import posted from the upload page (read once).
#[server(endpoint = "import_report")]
pub async fn take_import_report(
    flash: Uuid,
) -> Result<Option<crate::domain::records::ImportSummary>, AppError> {
    use crate::{api::respond, server::flash};
    respond(flash::take_for(&[], flash)).await
}
