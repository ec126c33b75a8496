use crate::{
    domain::{role::Role, user::CurrentUser},
    error::AppError,
    ui::{components::form::ErrorNotice, session::use_user},
};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Shows `page` to a logged-in user with one of `roles` (any user when
/// empty); sends anyone else to the log-in page or shows "no access". This
/// is for the person in front of the screen: the server functions the page
/// calls check again, and they are what protects the data.
#[component]
pub fn RequireRole(#[prop(optional)] roles: Vec<Role>, page: fn(CurrentUser) -> AnyView) -> impl IntoView {
    let user = use_user();
    view! {
        <Transition fallback=|| view! { <p class="utrecht-paragraph">"Bezig met laden…"</p> }>
            {move || {
                user.get()
                    .map(|result| match result {
                        Ok(Some(u)) if u.has_any(&roles) => page(u),
                        Ok(Some(_)) => view! { <NoAccess/> }.into_any(),
                        Ok(None) => view! { <Redirect path="/inloggen"/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
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
