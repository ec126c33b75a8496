use crate::{
    domain::{role::Role, user::CurrentUser},
    error::AppError,
    ui::{
        components::form::ErrorNotice,
        session::{use_user, UserResource},
    },
};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Shows `page` to a logged-in user with one of `roles` (any user when
/// empty); sends anyone else to the log-in page or shows "no access". This
/// is for the person in front of the screen: the server functions the page
/// calls check again, and they are what protects the data.
///
/// The user is known when the page is built (on the server from the request,
/// in the browser from the hydrated user resource), so the page is built
/// exactly once: built inside a reactive closure, the server may run it twice
/// and start its resources twice, and the browser would then hydrate against
/// the wrong ones.
#[component]
pub fn RequireRole(#[prop(optional)] roles: Vec<Role>, page: fn(CurrentUser) -> AnyView) -> impl IntoView {
    let user = use_user();
    match known_user(user) {
        Some(result) => decide(result, &roles, page),
        None => view! {
            <Transition fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
                {move || user.get().map(|result| decide(result, &roles, page))}
            </Transition>
        }
        .into_any(),
    }
}

fn decide(
    result: Result<Option<CurrentUser>, AppError>,
    roles: &[Role],
    page: fn(CurrentUser) -> AnyView,
) -> AnyView {
    match result {
        Ok(Some(u)) if u.has_any(roles) => page(u),
        Ok(Some(_)) => view! { <NoAccess/> }.into_any(),
        Ok(None) => view! { <Redirect path="/inloggen"/> }.into_any(),
        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
    }
}

/// The user of this page, when already known without waiting.
#[cfg(feature = "ssr")]
fn known_user(_user: UserResource) -> Option<Result<Option<CurrentUser>, AppError>> {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<crate::domain::user::SessionUser>().cloned())
        .map(|u| u.0)
}

// Debug builds warn that this reads a resource outside <Suspense/>: that is
// deliberate. The value is there from the server's hydration data (or from
// the page load, once hydrated), so nothing waits and nothing mismatches.
#[cfg(not(feature = "ssr"))]
fn known_user(user: UserResource) -> Option<Result<Option<CurrentUser>, AppError>> {
    user.get_untracked()
}

#[component]
pub fn NoAccess() -> impl IntoView {
    set_status(403);
    view! {
        <h1 class="utrecht-heading-1">"Geen toegang"</h1>
        <p class="utrecht-paragraph">{AppError::Forbidden.to_string()}</p>
        <p class="utrecht-paragraph">
            <a class="utrecht-link" href="/">"Naar de startpagina"</a>
        </p>
    }
}

/// Sets the HTTP status of a server-rendered page; nothing in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
