use crate::error::AppError;
use axum::http::{header, request::Parts, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::future::Future;

/// True for a form that the browser posted itself (JavaScript off): the
/// answer is then a redirect, not data.
pub(crate) fn is_plain_form_post(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Runs a server function body and gives an error its HTTP status. A plain
/// form post keeps the redirect back to its page (Leptos puts the error in
/// that URL), and a call made while rendering a page leaves the page's
/// status alone.
pub(crate) async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(err) = &result {
        let parts = use_context::<Parts>();
        let is_api_call = parts
            .as_ref()
            .is_some_and(|p| p.uri.path().starts_with("/api/") && !is_plain_form_post(p));
        if is_api_call {
            if let (Some(opts), Ok(status)) = (
                use_context::<ResponseOptions>(),
                StatusCode::from_u16(err.status()),
            ) {
                opts.set_status(status);
            }
        }
    }
    result
}
