//! Registrations and signals over the API: create, end or close, list, and
//! the bulk import of registrations.

use super::{authenticate, body_bytes, content_type, json_body, ApiError, ApiResult};
use crate::{
    domain::{
        involvement::EndReason,
        today,
        youth::{ChainField, YouthForm},
    },
    error::FieldError,
    form_fields,
    server::{
        cases::chain::{self, refusal_error, Input},
        db::{
            self,
            audit::{self, Outcome},
            involvements::Refusal,
            youths::{Ended, Owner},
        },
        errors::internal,
        floor::Floor,
        import::Format,
        state::AppState,
    },
};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, Request, State},
    http::StatusCode,
    response::IntoResponse,
    Json,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

form_fields! {
    /// The paging of a listing.
    enum PageField {
        Page = "page",
        PerPage = "per_page",
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    bsn: String,
    given_names: String,
    #[serde(default)]
    prefix: Option<String>,
    family_name: String,
    birth_date: String,
    municipality_code: String,
    professional_email: String,
    external_ref: String,
    /// Registrations only.
    #[serde(default)]
    end_date: Option<String>,
    /// Signals only.
    #[serde(default)]
    kind: Option<String>,
    /// Accepted and ignored since v1.1: a name or date of birth that differs
    /// from what is stored is never refused (no BSN oracle).
    #[serde(default, rename = "confirmed")]
    _confirmed: Option<serde_json::Value>,
}

pub(super) async fn create_registration(State(state): State<AppState>, req: Request) -> ApiResult {
    create(state, req, false).await
}

pub(super) async fn create_signal(State(state): State<AppState>, req: Request) -> ApiResult {
    create(state, req, true).await
}

async fn create(state: AppState, req: Request, is_signal: bool) -> ApiResult {
    let (parts, body) = req.into_parts();
    let caller = authenticate(&state, &parts).await?;
    let (allowed, action, object) = if is_signal {
        (caller.owner.may_signal, "signal_create", "signal")
    } else {
        (caller.owner.may_register, "registration_create", "registration")
    };
    if !allowed {
        audit::record(
            &state.pool,
            &caller.entry(action, object, vec![], Outcome::Denied),
        )
        .await?;
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Deze organisatie mag dit niet volgens het convenant.",
        ));
    }
    let b: CreateBody = json_body(&parts, body).await?;
    // Left out or null means the default end date; an empty string is
    // neither (the document says a date), so it is refused, not guessed.
    if b.end_date.as_deref().is_some_and(|d| d.trim().is_empty()) {
        return Err(ApiError::invalid(vec![FieldError::new(
            ChainField::EndDate,
            "Laat end_date weg (standaard twee jaar) of geef een datum als jjjj-mm-dd.",
        )]));
    }
    let email = b.professional_email.trim().to_lowercase();
    let professionals = db::users::professionals_by_email(
        &state.pool,
        caller.owner.organisation_id,
        std::slice::from_ref(&email),
    )
    .await?;
    let input = Input {
        youth: YouthForm {
            bsn: b.bsn,
            given_names: b.given_names,
            prefix: b.prefix.unwrap_or_default(),
            family_name: b.family_name,
            birth_date: b.birth_date,
            municipality_code: b.municipality_code,
        },
        end_date: b.end_date.unwrap_or_default(),
        kind: b.kind.unwrap_or_default(),
        external_ref: Some(b.external_ref),
    };
    let user_id = professionals.get(&email).copied();
    let validated = chain::validate(
        &input,
        is_signal,
        user_id.unwrap_or_default(),
        caller.owner.organisation_id,
        today(),
        &state.config.bsn_keys,
    );
    let item = match (user_id, validated) {
        (Some(_), Ok(item)) => item,
        (user, result) => {
            let mut fields = result.err().unwrap_or_default();
            if user.is_none() {
                fields.insert(
                    0,
                    FieldError::new(ChainField::ProfessionalEmail, chain::UNKNOWN_PROFESSIONAL),
                );
            }
            audit::record(
                &state.pool,
                &caller.entry(action, object, vec![], Outcome::Failed),
            )
            .await?;
            return Err(ApiError::invalid(fields));
        }
    };
    let floor = Floor::start(&state.config);
    // Even a failure waits for the floor (it answers after the index was looked at).
    let recorded = async {
        let mut tx = state.pool.begin().await?;
        let outcome = chain::record(&mut tx, &[item], &caller.actor())
            .await?
            .pop()
            .ok_or_else(|| ApiError::from(internal("api record", "no outcome")))?;
        tx.commit().await?;
        Ok::<_, ApiError>(outcome)
    }
    .await;
    floor.wait(1).await;
    let outcome = recorded?;
    match outcome {
        Ok(r) => {
            let status = if r.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let until = r.until.date_naive().to_string();
            let body = if is_signal {
                json!({ "id": r.id, "status": "active", "expires_on": until })
            } else {
                json!({ "id": r.id, "status": "active", "end_date": until })
            };
            Ok((status, Json(body)).into_response())
        }
        Err(refusal) => {
            let e = refusal_error(refusal, is_signal);
            let (status, code) = match refusal {
                Refusal::AlreadyInvolved => (StatusCode::CONFLICT, "already_involved"),
                Refusal::UnknownMunicipality => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            };
            Err(ApiError {
                fields: vec![e.clone()],
                ..ApiError::new(status, code, e.message)
            })
        }
    }
}

#[derive(Debug, Deserialize)]
struct ReasonBody {
    reason: String,
}

pub(super) async fn end_registration(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult {
    finish(state, id, req, false).await
}

pub(super) async fn close_signal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> ApiResult {
    finish(state, id, req, true).await
}

async fn finish(state: AppState, id: String, req: Request, is_signal: bool) -> ApiResult {
    let (parts, body) = req.into_parts();
    let caller = authenticate(&state, &parts).await?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Niet gevonden: niet van deze organisatie, of onbekend.",
        )
    };
    let (action, object) = if is_signal {
        ("signal_close", "signal")
    } else {
        ("registration_end", "registration")
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return Err(not_found());
    };
    let b: ReasonBody = json_body(&parts, body).await?;
    let reason = if is_signal {
        EndReason::parse_for_signal(b.reason.trim())
    } else {
        EndReason::parse_for_registration(b.reason.trim())
    };
    let Some(reason) = reason else {
        return Err(ApiError::invalid(vec![FieldError::new(
            crate::domain::involvement::EndField::Reason,
            crate::domain::involvement::REASON_REQUIRED,
        )]));
    };
    let mut tx = state.pool.begin().await?;
    let ended = chain::finish(
        &mut tx,
        is_signal,
        id,
        Owner::Organisation(caller.owner.organisation_id),
        reason,
        true,
    )
    .await?;
    let (outcome, ids) = match &ended {
        Ended::Done { youth_id, .. } | Ended::Already { youth_id, .. } => {
            (Outcome::Success, vec![youth_id.to_string(), id.to_string()])
        }
        Ended::NotFound => (Outcome::Denied, vec![id.to_string()]),
    };
    audit::record(&mut *tx, &caller.entry(action, object, ids, outcome)).await?;
    tx.commit().await?;
    let status = if is_signal { "closed" } else { "ended" };
    match ended {
        Ended::Done { .. } => {
            Ok(Json(json!({ "id": id, "status": status, "reason": reason.as_str() })).into_response())
        }
        // Ending what this organisation ended before (a retry after a lost
        // answer) answers as the first time did, with the reason it ended with.
        Ended::Already { reason: earlier, .. } => {
            Ok(Json(json!({ "id": id, "status": status, "reason": earlier })).into_response())
        }
        Ended::NotFound => Err(not_found()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct Paging {
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Debug, Serialize)]
struct Listing {
    items: Vec<db::youths::ApiItem>,
    page: i64,
    per_page: i64,
    total: i64,
}

pub(super) async fn list_registrations(
    State(state): State<AppState>,
    paging: Result<Query<Paging>, QueryRejection>,
    req: Request,
) -> ApiResult {
    list(state, paging, req, false).await
}

pub(super) async fn list_signals(
    State(state): State<AppState>,
    paging: Result<Query<Paging>, QueryRejection>,
    req: Request,
) -> ApiResult {
    list(state, paging, req, true).await
}

async fn list(
    state: AppState,
    paging: Result<Query<Paging>, QueryRejection>,
    req: Request,
    is_signal: bool,
) -> ApiResult {
    let (parts, _) = req.into_parts();
    let caller = authenticate(&state, &parts).await?;
    let Ok(Query(paging)) = paging else {
        return Err(ApiError::invalid(vec![FieldError::new(
            PageField::Page,
            "Gebruik page en per_page als gehele getallen.",
        )]));
    };
    let page = paging.page.unwrap_or(1);
    let per_page = paging.per_page.unwrap_or(100);
    let mut fields = Vec::new();
    if page < 1 {
        fields.push(FieldError::new(PageField::Page, "page begint bij 1."));
    }
    if !(1..=1000).contains(&per_page) {
        fields.push(FieldError::new(
            PageField::PerPage,
            "per_page ligt tussen 1 en 1000.",
        ));
    }
    if !fields.is_empty() {
        return Err(ApiError::invalid(fields));
    }
    let mut tx = state.pool.begin().await?;
    let (items, total) =
        db::youths::api_list(&mut tx, is_signal, caller.owner.organisation_id, page, per_page).await?;
    let object = if is_signal { "signal" } else { "registration" };
    let ids = items.iter().map(|i| i.id.to_string()).collect();
    audit::record(&mut *tx, &caller.entry("api_list", object, ids, Outcome::Success)).await?;
    tx.commit().await?;
    Ok(Json(Listing {
        items,
        page,
        per_page,
        total,
    })
    .into_response())
}

pub(super) async fn bulk(State(state): State<AppState>, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let caller = authenticate(&state, &parts).await?;
    if !caller.owner.may_register {
        audit::record(
            &state.pool,
            &caller.entry("registration_import", "registration", vec![], Outcome::Denied),
        )
        .await?;
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Deze organisatie mag niet registreren.",
        ));
    }
    let Some(format) = Format::from_content_type(&content_type(&parts.headers)) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Stuur text/csv of application/x-ndjson.",
        ));
    };
    let bytes = body_bytes(&parts, body).await?;
    let floor = Floor::start(&state.config);
    let imported = chain::import_file(
        &state.pool,
        &state.config.bsn_keys,
        caller.owner.organisation_id,
        format,
        &bytes,
        &caller.actor(),
    )
    .await;
    floor.wait(imported.as_ref().map_or(0, |r| r.rows)).await;
    let report = imported?;
    audit::record(
        &state.pool,
        &caller.entry(
            "registration_import",
            "registration",
            vec![format!("rows:{}", report.rows)],
            Outcome::Success,
        ),
    )
    .await?;
    Ok(Json(report).into_response())
}
