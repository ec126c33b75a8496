//! The session of every page request, looked up once before the page
//! renders (see [`session_user`]).

use super::{
    auth::{current_user, SessionUser},
    state::AppState,
};

/// Middleware: looks up the session of every page request (GET, outside the
/// API and the static files) and puts the result in the request's
/// extensions. Pages then render once, with the user known, instead of
/// waiting on it inside a reactive closure that the server may run twice.
pub async fn session_user(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    let is_page = req.method() == axum::http::Method::GET
        && !["/api/", "/pkg/", "/vendor/"].iter().any(|p| path.starts_with(p))
        && !path.contains('.')
        && path != "/health"
        && path != "/ready"
        // A live stream looks at its session without keeping it alive.
        && path != crate::domain::live::PATH;
    if !is_page {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let user = current_user(&state, &parts).await;
    parts.extensions.insert(SessionUser(user));
    next.run(axum::extract::Request::from_parts(parts, body)).await
}
