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
    #[server(default)] confirmed: Option<String>,
) -> Result<Recorded, AppError> {
    use crate::{api::respond, domain::youth::YouthForm, server::chain::Input};
    let input = Input {
        youth: YouthForm {
            bsn,
            given_names,
            prefix,
            family_name,
            birth_date,
            municipality_code,
        },
        end_date,
        confirmed: confirmed.is_some(),
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
    #[server(default)] confirmed: Option<String>,
) -> Result<Recorded, AppError> {
    use crate::{api::respond, domain::youth::YouthForm, server::chain::Input};
    let input = Input {
        youth: YouthForm {
            bsn,
            given_names,
            prefix,
            family_name,
            birth_date,
            municipality_code,
        },
        kind,
        confirmed: confirmed.is_some(),
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
        api::respond,
        domain::{records::YouthSort, role::Role, today},
        server::{auth, chain::ui_entry, db, db::audit},
    };
    respond(async move {
        let user = auth::require(&[Role::Professional]).await?;
        let (state, parts) = auth::request()?;
        let sort = YouthSort::parse(&sort).unwrap_or_default();
        let mut tx = state.pool.begin().await?;
        let list = db::youths::mine(&mut *tx, user.id, sort, descending, page, today()).await?;
        let ids = list.rows.iter().map(|r| r.id.to_string()).collect();
        let ip = auth::client_ip(&parts, state.config.trust_proxy_headers);
        audit::record(
            &mut *tx,
            &ui_entry(&user, ip, "youth_list", "youth", ids, audit::Outcome::Success),
        )
        .await?;
        tx.commit().await?;
        Ok(list)
    })
    .await
}

/// The youth page. Anyone not involved gets the same "not found" as for a
/// youth that does not exist, and an audit row "denied".
#[server(endpoint = "youth")]
pub async fn get_youth(id: Uuid) -> Result<YouthDetail, AppError> {
    use crate::{
        api::respond,
        domain::{role::Role, today},
        server::{
            auth,
            chain::ui_entry,
            db,
            db::audit::{self, Outcome},
        },
    };
    respond(async move {
        let user = auth::require(&[Role::Professional, Role::Coordinator]).await?;
        let (state, parts) = auth::request()?;
        let ip = auth::client_ip(&parts, state.config.trust_proxy_headers);
        let mut tx = state.pool.begin().await?;
        let actor = db::coordination::handover::Actor::from(&user);
        let detail = if db::coordination::read::may_view(&mut tx, id, &actor).await? {
            match db::youths::detail(&mut tx, id, user.id, today()).await? {
                Some(mut d) => {
                    d.coordination = db::coordination::read::info(&mut tx, id, &actor, today()).await?;
                    d.family = db::family::info(&mut tx, id, &actor).await?;
                    if d.coordination.is_coordinator && d.family.in_family {
                        d.family_involved = db::actions::family_assignees(&mut tx, id).await?;
                    }
                    Some(d)
                }
                None => None,
            }
        } else {
            None
        };
        let outcome = if detail.is_some() {
            Outcome::Success
        } else {
            Outcome::Denied
        };
        audit::record(
            &mut *tx,
            &ui_entry(&user, ip, "youth_view", "youth", vec![id.to_string()], outcome),
        )
        .await?;
        tx.commit().await?;
        detail.ok_or(AppError::NotFound)
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
        api::respond,
        domain::{involvement::parse_end_date, role::Role, today},
        error::FieldError,
        server::{
            auth,
            chain::ui_entry,
            db,
            db::audit::{self, Outcome},
        },
    };
    respond(async move {
        let user = auth::require(&[Role::Professional]).await?;
        let (state, parts) = auth::request()?;
        let date = parse_end_date(&end_date, today())
            .map_err(|m| AppError::invalid(vec![FieldError::new(format!("end_date-{id}"), m)]))?;
        let ip = auth::client_ip(&parts, state.config.trust_proxy_headers);
        let mut tx = state.pool.begin().await?;
        let youth = db::youths::change_end_date(&mut tx, id, user.id, date).await?;
        let outcome = if youth.is_some() {
            Outcome::Success
        } else {
            Outcome::Denied
        };
        let ids = youth
            .map(|y| y.to_string())
            .into_iter()
            .chain([id.to_string()])
            .collect();
        audit::record(
            &mut *tx,
            &ui_entry(&user, ip, "registration_change", "registration", ids, outcome),
        )
        .await?;
        tx.commit().await?;
        youth.map(|_| ()).ok_or(AppError::NotFound)
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::{
        api::is_plain_form_post,
        domain::{
            involvement::{EndReason, REASON_REQUIRED},
            records::Recorded,
            role::Role,
            today,
        },
        error::FieldError,
        server::{
            auth,
            chain::{self, refusal_error, ui_entry, Input},
            db::{
                self,
                audit::{self, Outcome},
                involvements::Actor,
                youths::{Ended, Owner},
            },
            flash,
        },
    };

    /// Registers or signals; on bad input, a form posted without JavaScript
    /// gets what was typed back through a one-time flash, never the URL.
    pub async fn record(input: Input, is_signal: bool) -> Result<Recorded, AppError> {
        let user = auth::require(&[Role::Professional]).await?;
        let (state, parts) = auth::request()?;
        let ip = auth::client_ip(&parts, state.config.trust_proxy_headers);
        let (allowed, action) = if is_signal {
            (user.may_signal(), "signal_create")
        } else {
            (user.may_register(), "registration_create")
        };
        if !allowed {
            let entry = ui_entry(
                &user,
                ip,
                action,
                "organisation",
                vec![user.organisation_id.to_string()],
                Outcome::Denied,
            );
            audit::record(&state.pool, &entry).await?;
            return Err(AppError::Forbidden);
        }
        let item = match chain::validate(&input, is_signal, user.id, user.organisation_id, today()) {
            Ok(item) => item,
            Err(fields) => return Err(form_error(fields, &input, is_signal).await),
        };
        let actor = Actor {
            roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
            client_ip: ip,
            via: audit::Via::Ui,
            extra_ids: vec![],
        };
        let mut tx = state.pool.begin().await?;
        let outcome = db::involvements::record(&mut tx, &[item], &actor)
            .await?
            .pop()
            .ok_or_else(|| crate::server::errors::internal("record", "no outcome"))?;
        tx.commit().await?;
        match outcome {
            Ok(r) => {
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
            ("bsn", y.bsn.clone()),
            ("given_names", y.given_names.clone()),
            ("prefix", y.prefix.clone()),
            ("family_name", y.family_name.clone()),
            ("birth_date", y.birth_date.clone()),
            ("municipality_code", y.municipality_code.clone()),
        ];
        if is_signal {
            typed.push(("kind", input.kind.clone()));
        } else {
            typed.push(("end_date", input.end_date.clone()));
        }
        match flash::put(&state.pool, &parts, &typed).await {
            Ok(Some(id)) => AppError::Invalid {
                fields,
                values: vec![("draft".into(), id.to_string())],
            },
            Ok(None) => AppError::invalid(fields),
            Err(e) => e,
        }
    }

    pub async fn finish(id: Uuid, reason: String, is_signal: bool) -> Result<(), AppError> {
        let user = auth::require(&[Role::Professional]).await?;
        let (state, parts) = auth::request()?;
        let reason = if is_signal {
            EndReason::parse_for_signal(&reason)
        } else {
            EndReason::parse_for_registration(&reason)
        }
        .ok_or_else(|| AppError::invalid(vec![FieldError::new(format!("reason-{id}"), REASON_REQUIRED)]))?;
        let ip = auth::client_ip(&parts, state.config.trust_proxy_headers);
        let mut tx = state.pool.begin().await?;
        let ended = db::youths::finish(&mut tx, is_signal, id, Owner::User(user.id), reason, false).await?;
        let (action, object) = if is_signal {
            ("signal_close", "signal")
        } else {
            ("registration_end", "registration")
        };
        let (outcome, ids) = match ended {
            Ended::Done { youth_id } => (Outcome::Success, vec![youth_id.to_string(), id.to_string()]),
            Ended::NotFound | Ended::Already { .. } => (Outcome::Denied, vec![id.to_string()]),
        };
        audit::record(&mut *tx, &ui_entry(&user, ip, action, object, ids, outcome)).await?;
        let still_involved = match ended {
            Ended::Done { youth_id } => db::youths::is_involved(&mut *tx, youth_id, user.id).await?,
            Ended::NotFound | Ended::Already { .. } => false,
        };
        tx.commit().await?;
        match ended {
            // On the page an ended record is gone from the list: not found.
            Ended::NotFound | Ended::Already { .. } => Err(AppError::NotFound),
            Ended::Done { .. } => {
                if is_plain_form_post(&parts) && !still_involved {
                    leptos_axum::redirect("/jeugdigen?afgesloten=1");
                }
                Ok(())
            }
        }
    }
}

/// The municipalities a youth in the user's region can live in, for the forms.
#[server(endpoint = "form_municipalities")]
pub async fn form_municipalities() -> Result<Vec<crate::domain::views::Municipality>, AppError> {
    use crate::{
        api::respond,
        domain::role::Role,
        server::{auth, db},
    };
    respond(async move {
        let user = auth::require(&[Role::Professional]).await?;
        let (state, _) = auth::request()?;
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
