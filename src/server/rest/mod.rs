//! The REST API for institution systems under /api/v1: JSON, bearer
//! tokens per organisation, every call audited like a UI action.

mod openapi;

use super::{
    auth::{client_ip, hash_token},
    chain::{self, refusal_error, Input},
    db::{
        self,
        audit::{self, Outcome, Via},
        involvements::{Actor, Refusal},
        tokens::TokenOwner,
        youths::{Ended, Owner},
    },
    errors::internal,
    import::{self, Format},
    state::AppState,
};
use crate::{
    domain::{involvement::EndReason, today, youth::YouthForm},
    error::{AppError, FieldError},
};
use axum::{
    body::{to_bytes, Body},
    extract::{rejection::QueryRejection, Path, Query, Request, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// Bodies over 10 MB are refused with 413.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route(
            "/registrations",
            post(create_registration).get(list_registrations),
        )
        .route("/registrations/bulk", post(bulk))
        .route("/registrations/{id}/end", post(end_registration))
        .route("/signals", post(create_signal).get(list_signals))
        .route("/signals/{id}/close", post(close_signal))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "Dit adres bestaat niet in de API.",
            )
        })
}

/// `{ "error": { "code", "message", "fields": [...] } }`
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Vec<FieldError>,
    /// Seconds for a `Retry-After` header (429 only).
    retry_after: Option<i32>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
        }
    }

    fn invalid(fields: Vec<FieldError>) -> Self {
        ApiError {
            fields,
            ..ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Controleer de velden.",
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message, "fields": self.fields } });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match e {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden | AppError::CrossSite => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Internal { .. } => "internal",
            _ => "error",
        };
        let fields = match &e {
            AppError::Invalid { fields, .. } => fields.clone(),
            _ => Vec::new(),
        };
        ApiError {
            status,
            code,
            message: e.to_string(),
            fields,
            retry_after: None,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

type ApiResult = Result<Response, ApiError>;

/// The caller: a live token, from where.
struct Caller {
    owner: TokenOwner,
    ip: Option<std::net::IpAddr>,
}

impl Caller {
    fn actor(&self) -> Actor {
        Actor {
            roles: vec![],
            client_ip: self.ip,
            via: Via::Api,
            extra_ids: vec![format!("token:{}", self.owner.token_id)],
        }
    }

    fn entry<'a>(
        &self,
        action: &'a str,
        object_type: &'a str,
        mut ids: Vec<String>,
        outcome: Outcome,
    ) -> audit::Entry<'a> {
        ids.push(format!("token:{}", self.owner.token_id));
        audit::Entry {
            user_id: None,
            organisation_id: Some(self.owner.organisation_id),
            roles: vec![],
            action,
            object_type: Some(object_type),
            object_ids: ids,
            client_ip: self.ip,
            outcome,
            reason: None,
            via: Via::Api,
        }
    }
}

async fn authenticate(state: &AppState, parts: &Parts) -> Result<Caller, ApiError> {
    let unauthenticated = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Geef een geldige API-sleutel mee: Authorization: Bearer <sleutel>.",
        )
    };
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(unauthenticated)?;
    let owner = db::tokens::authenticate(&state.pool, &hash_token(token))
        .await?
        .ok_or_else(unauthenticated)?;
    let (calls, retry_after) = db::tokens::count_call(&state.pool, owner.token_id).await?;
    if calls > state.config.api_calls_per_minute {
        return Err(ApiError {
            retry_after: Some(retry_after.max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "Te veel verzoeken: deze sleutel mag {} verzoeken per minuut doen. Probeer het over {} seconden opnieuw.",
                    state.config.api_calls_per_minute,
                    retry_after.max(1)
                ),
            )
        });
    }
    Ok(Caller {
        owner,
        ip: client_ip(parts, state.config.trust_proxy_headers),
    })
}

async fn body_bytes(parts: &Parts, body: Body) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "Het verzoek is groter dan 10 MB.",
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    to_bytes(body, MAX_BODY).await.map_err(|_| too_large())
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

async fn json_body<T: for<'de> Deserialize<'de>>(parts: &Parts, body: Body) -> Result<T, ApiError> {
    if !content_type(&parts.headers).starts_with("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Stuur JSON met Content-Type: application/json.",
        ));
    }
    let bytes = body_bytes(parts, body).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let message = if e.is_data() {
            "De JSON mist verplichte velden of bevat velden van het verkeerde type."
        } else {
            "Dit is geen geldige JSON."
        };
        ApiError::new(StatusCode::BAD_REQUEST, "malformed", message)
    })
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
    /// The system checked the youth's data although it differs from what is stored.
    #[serde(default)]
    confirmed: bool,
}

async fn create_registration(State(state): State<AppState>, req: Request) -> ApiResult {
    create(state, req, false).await
}

async fn create_signal(State(state): State<AppState>, req: Request) -> ApiResult {
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
        confirmed: b.confirmed,
    };
    let user_id = professionals.get(&email).copied();
    let validated = chain::validate(
        &input,
        is_signal,
        user_id.unwrap_or_default(),
        caller.owner.organisation_id,
        today(),
    );
    let item = match (user_id, validated) {
        (Some(_), Ok(item)) => item,
        (user, result) => {
            let mut fields = result.err().unwrap_or_default();
            if user.is_none() {
                fields.insert(
                    0,
                    FieldError::new("professional_email", chain::UNKNOWN_PROFESSIONAL),
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
    let mut tx = state.pool.begin().await?;
    let outcome = db::involvements::record(&mut tx, &[item], &caller.actor())
        .await?
        .pop()
        .ok_or_else(|| ApiError::from(internal("api record", "no outcome")))?;
    tx.commit().await?;
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
                Refusal::DataDiffers => (StatusCode::CONFLICT, "data_differs"),
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

async fn end_registration(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> ApiResult {
    finish(state, id, req, false).await
}

async fn close_signal(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> ApiResult {
    finish(state, id, req, true).await
}

async fn finish(state: AppState, id: String, req: Request, is_signal: bool) -> ApiResult {
    let (parts, body) = req.into_parts();
    let caller = authenticate(&state, &parts).await?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Niet gevonden, of al beëindigd.",
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
            "reason",
            crate::domain::involvement::REASON_REQUIRED,
        )]));
    };
    let mut tx = state.pool.begin().await?;
    let ended = db::youths::finish(
        &mut tx,
        is_signal,
        id,
        Owner::Organisation(caller.owner.organisation_id),
        reason,
        true,
    )
    .await?;
    let (outcome, ids) = match ended {
        Ended::Done { youth_id } => (Outcome::Success, vec![youth_id.to_string(), id.to_string()]),
        Ended::NotFound => (Outcome::Denied, vec![id.to_string()]),
    };
    audit::record(&mut *tx, &caller.entry(action, object, ids, outcome)).await?;
    tx.commit().await?;
    match ended {
        Ended::Done { .. } => {
            let status = if is_signal { "closed" } else { "ended" };
            Ok(Json(json!({ "id": id, "status": status, "reason": reason.as_str() })).into_response())
        }
        Ended::NotFound => Err(not_found()),
    }
}

#[derive(Debug, Deserialize)]
struct Paging {
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

async fn list_registrations(
    State(state): State<AppState>,
    paging: Result<Query<Paging>, QueryRejection>,
    req: Request,
) -> ApiResult {
    list(state, paging, req, false).await
}

async fn list_signals(
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
            "page",
            "Gebruik page en per_page als gehele getallen.",
        )]));
    };
    let page = paging.page.unwrap_or(1).max(1);
    let per_page = paging.per_page.unwrap_or(100).clamp(1, 1000);
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

async fn bulk(State(state): State<AppState>, req: Request) -> ApiResult {
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
    let report = run_import(
        &state,
        caller.owner.organisation_id,
        format,
        &bytes,
        &caller.actor(),
    )
    .await?;
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

/// Parses and imports a bulk file; shared with the upload page.
pub async fn run_import(
    state: &AppState,
    organisation_id: Uuid,
    format: Format,
    bytes: &[u8],
    actor: &Actor,
) -> Result<chain::ImportReport, sqlx::Error> {
    let (rows, parse_errors) = import::parse(format, bytes);
    let mut report = chain::import(&state.pool, organisation_id, rows, actor, today()).await?;
    report.rows += parse_errors.len();
    report.errors.extend(parse_errors);
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}
