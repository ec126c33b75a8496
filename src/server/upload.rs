//! The bulk import as a file upload in the UI: a plain multipart form
//! post, the same with and without JavaScript. The report goes to the
//! page through a one-time flash; the redirect URL holds only its id.

use super::{act::Caller, cases::chain::Actor, db::audit, import::Format, rest::MAX_BODY, state::AppState};
use crate::domain::records::ImportSummary;
use axum::{
    extract::{FromRequest, Multipart, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

pub const PATH: &str = "/jeugdigen/importeren";

pub async fn post(State(state): State<AppState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // Opened like every server function (any role: the organisation's
    // capability decides below); a browser that is logged out goes to the
    // log-in page.
    let caller = match Caller::of_request(state.clone(), parts, &[]).await {
        Ok(c) => c,
        Err(crate::error::AppError::Unauthenticated) => return Redirect::to("/inloggen").into_response(),
        Err(e) => return super::errors::plain_response(e),
    };
    let ip = caller.client_ip();
    let Caller { user, parts, .. } = caller;
    // Who may register one youth may import many (the `register` function's rule).
    if !user.may_register() {
        let entry = super::db::audit::ui_entry(
            &user,
            ip,
            "registration_import",
            "registration",
            vec![],
            audit::Outcome::Denied,
        );
        let _ = audit::record(&state.pool, &entry).await;
        return (
            StatusCode::FORBIDDEN,
            crate::error::AppError::Forbidden.to_string(),
        )
            .into_response();
    }
    let back = |q: &str| Redirect::to(&format!("{PATH}?{q}")).into_response();
    let req = Request::from_parts(parts.clone(), body);
    let Ok(mut multipart) = Multipart::from_request(req, &state).await else {
        return back("fout=formulier");
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("bestand") {
            let name = field.file_name().unwrap_or("bestand").to_string();
            match field.bytes().await {
                Ok(b) if b.len() <= MAX_BODY => file = Some((name, b.to_vec())),
                _ => return back("fout=groot"),
            }
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back("fout=leeg");
    };
    let lower = file_name.to_lowercase();
    let format = if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        Format::Ndjson
    } else {
        Format::Csv
    };
    let actor = Actor {
        roles: user.roles.iter().map(|r| r.as_str().to_string()).collect(),
        client_ip: ip,
        via: audit::Via::Ui,
        extra_ids: vec![],
    };
    let floor = super::floor::Floor::start(&state.config);
    let result: Result<Option<uuid::Uuid>, crate::error::AppError> = async {
        let report = super::cases::chain::import_file(
            &state.pool,
            &state.config.bsn_keys,
            user.organisation_id,
            format,
            &bytes,
            &actor,
        )
        .await?;
        let entry = super::db::audit::ui_entry(
            &user,
            ip,
            "registration_import",
            "registration",
            vec![format!("rows:{}", report.rows)],
            audit::Outcome::Success,
        );
        audit::record(&state.pool, &entry).await?;
        floor.wait(report.rows).await;
        let summary = ImportSummary {
            file_name: file_name.chars().take(200).collect(),
            rows: report.rows,
            created: report.created,
            existing: report.existing,
            errors: report.errors,
        };
        super::flash::put(&state.pool, &parts, &summary).await
    }
    .await;
    // A failure too waits for the floor (it answers after the index was looked at).
    if result.is_err() {
        floor.wait(0).await;
    }
    match result {
        Ok(Some(flash)) => back(&format!("verslag={flash}")),
        Ok(None) => Redirect::to("/inloggen").into_response(),
        Err(e) => super::errors::plain_response(e),
    }
}
