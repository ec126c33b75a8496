use crate::{
    domain::{two_factor::LoginStep, user::CurrentUser},
    error::AppError,
};
use leptos::prelude::*;

/// Logs in with e-mail and password; answers with the step that follows
/// (the start page, or the second step). Without JavaScript the browser is
/// sent there; with JavaScript the page navigates itself.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<LoginStep, AppError> {
    use crate::{
        api::{is_plain_form_post, respond},
        domain::login::LoginInput,
        server::auth,
    };
    respond(async move {
        let (state, parts) = auth::request()?;
        let input = LoginInput::parse(&email, &password).map_err(|fields| AppError::Invalid {
            fields,
            values: vec![("email".into(), email.trim().to_string())],
        })?;
        let (token, step) = auth::log_in(&state, &parts, input).await?;
        let response = expect_context::<leptos_axum::ResponseOptions>();
        let cookie = auth::session_cookie(&token, state.config.secure_cookies());
        if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
            response.append_header(axum::http::header::SET_COOKIE, v);
        }
        if is_plain_form_post(&parts) {
            leptos_axum::redirect(step.path());
        }
        Ok(step)
    })
    .await
}

/// Ends the session on the server and removes the cookie.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::{
        api::{is_plain_form_post, respond},
        server::auth,
    };
    respond(async move {
        let (state, parts) = auth::request()?;
        auth::log_out(&state, &parts).await?;
        let response = expect_context::<leptos_axum::ResponseOptions>();
        if let Ok(v) =
            axum::http::HeaderValue::from_str(&auth::expired_session_cookie(state.config.secure_cookies()))
        {
            response.append_header(axum::http::header::SET_COOKIE, v);
        }
        if is_plain_form_post(&parts) {
            leptos_axum::redirect("/inloggen");
        }
        Ok(())
    })
    .await
}

/// The logged-in user, or `None`.
#[server(endpoint = "me")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::{api::respond, server::auth};
    respond(async move {
        let (state, parts) = auth::request()?;
        auth::current_user(&state, &parts).await
    })
    .await
}
