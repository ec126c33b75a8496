//! The second log-in step, the authenticator app, recovery codes and the
//! password: the account's own server functions.

use crate::{
    domain::two_factor::{Account, Setup},
    error::AppError,
};
use leptos::prelude::*;
use uuid::Uuid;

/// The second log-in step: a code from the app or a recovery code.
#[server(endpoint = "login_code")]
pub async fn login_code(#[server(default)] code: String) -> Result<(), AppError> {
    use crate::{
        api::{is_plain_form_post, respond},
        server::{account, auth},
    };
    respond(async move {
        let (state, parts) = auth::request()?;
        account::finish_with_code(&state, &parts, &code).await?;
        if is_plain_form_post(&parts) {
            leptos_axum::redirect("/");
        }
        Ok(())
    })
    .await
}

/// The app being set up: its secret and QR code.
#[server(endpoint = "two_factor_setup")]
pub async fn two_factor_setup() -> Result<Setup, AppError> {
    use crate::{
        api::respond,
        server::{account, auth},
    };
    respond(async move {
        let (state, parts) = auth::request()?;
        account::setup(&state, &parts).await
    })
    .await
}

/// Confirms the app with a code from it; returns the recovery codes, shown
/// once (without JavaScript on the page the browser is sent to). Putting
/// another app in place of one also takes the password and a code of the
/// current app or a recovery code.
#[server(endpoint = "confirm_two_factor")]
pub async fn confirm_two_factor(
    #[server(default)] code: String,
    #[server(default)]
    #[server(rename = "wachtwoord_vervangen")]
    password: String,
    #[server(default)]
    #[server(rename = "code_vervangen")]
    current_code: String,
) -> Result<Vec<String>, AppError> {
    use crate::{
        api::respond,
        server::{account, auth, flash},
    };
    respond(async move {
        let (state, parts) = auth::request()?;
        let given = account::Confirmation {
            code: &code,
            password: &password,
            current_code: &current_code,
        };
        let codes = account::confirm(&state, &parts, given).await?;
        flash::redirect_with(&state.pool, &parts, &codes, "/account/herstelcodes", "codes").await?;
        Ok(codes)
    })
    .await
}

/// Recovery codes kept for the page after a form post without JavaScript.
#[server(endpoint = "recovery_codes")]
pub async fn take_recovery_codes(codes: Uuid) -> Result<Option<Vec<String>>, AppError> {
    use crate::{api::respond, server::flash};
    respond(flash::take_for(&[], codes)).await
}

/// The logged-in user's account.
#[server(endpoint = "account")]
pub async fn my_account() -> Result<Account, AppError> {
    use crate::{
        api::{act::Caller, respond},
        server::account,
    };
    respond(async move {
        let Caller { user, state, .. } = Caller::require(&[]).await?;
        account::account(&state, &user).await
    })
    .await
}

/// Changes the password; every other session of the user ends.
#[server(endpoint = "change_password")]
pub async fn change_password(
    #[server(default)] current: String,
    #[server(default)] new_password: String,
    #[server(default)] repeat: String,
) -> Result<u64, AppError> {
    use crate::{
        api::{act::Caller, is_plain_form_post, respond},
        server::account,
    };
    respond(async move {
        let Caller { user, state, parts } = Caller::require(&[]).await?;
        let ended = account::change_password(&state, &parts, &user, &current, &new_password, &repeat).await?;
        if is_plain_form_post(&parts) {
            leptos_axum::redirect("/account?wachtwoord=gewijzigd");
        }
        Ok(ended)
    })
    .await
}

/// Turns the app off (only for users who need no second factor), with the
/// password and a code of the app or a recovery code.
#[server(endpoint = "disable_two_factor")]
pub async fn disable_two_factor(
    #[server(default)]
    #[server(rename = "wachtwoord_uit")]
    password: String,
    #[server(default)]
    #[server(rename = "code_uit")]
    code: String,
) -> Result<(), AppError> {
    use crate::{
        api::{act::Caller, is_plain_form_post, respond},
        server::account,
    };
    respond(async move {
        let Caller { user, state, parts } = Caller::require(&[]).await?;
        account::disable(&state, &parts, &user, &password, &code).await?;
        if is_plain_form_post(&parts) {
            leptos_axum::redirect("/account");
        }
        Ok(())
    })
    .await
}

/// New recovery codes in place of the old ones.
#[server(endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes(
    #[server(default)]
    #[server(rename = "wachtwoord_codes")]
    password: String,
) -> Result<Vec<String>, AppError> {
    use crate::{
        api::{act::Caller, respond},
        server::{account, flash},
    };
    respond(async move {
        let Caller { user, state, parts } = Caller::require(&[]).await?;
        let codes = account::new_recovery_codes(&state, &parts, &user, &password).await?;
        flash::redirect_with(&state.pool, &parts, &codes, "/account/herstelcodes", "codes").await?;
        Ok(codes)
    })
    .await
}

/// Whether the region asks a second factor of everyone (region admins).
#[server(endpoint = "region_two_factor")]
pub async fn region_two_factor() -> Result<bool, AppError> {
    use crate::{
        api::{act::Caller, respond},
        domain::role::Role,
        server::db,
    };
    respond(async move {
        let Caller { user, state, .. } = Caller::require(&[Role::RegionAdmin]).await?;
        Ok(db::two_factor::region_requires_all(&state.pool, user.region_id).await?)
    })
    .await
}

/// Asks (or stops asking) a second factor of everyone in the region.
#[server(endpoint = "set_region_two_factor")]
pub async fn set_region_two_factor(
    #[server(default)]
    #[server(rename = "iedereen")]
    for_everyone: String,
) -> Result<(), AppError> {
    use crate::{
        api::{act::Act, is_plain_form_post, respond},
        domain::role::Role,
        domain::two_factor::AccountField,
        error::FieldError,
        server::{auth, db},
    };
    respond(async move {
        let mut act = Act::begin(&[Role::RegionAdmin]).await?;
        let all = match for_everyone.as_str() {
            "ja" => true,
            "nee" => false,
            _ => {
                return Err(AppError::Invalid {
                    fields: vec![FieldError::new(AccountField::ForEveryone, "Kies ja of nee.")],
                    values: vec![],
                })
            }
        };
        let region = act.user.region_id;
        db::two_factor::set_region_requires_all(act.tx(), region, all).await?;
        let action = if all {
            "two_factor_for_all_on"
        } else {
            "two_factor_for_all_off"
        };
        act.done(
            action,
            "region",
            vec![region.to_string()],
            db::audit::Outcome::Success,
        )
        .await?;
        let (_, parts) = auth::request()?;
        if is_plain_form_post(&parts) {
            leptos_axum::redirect("/regio");
        }
        Ok(())
    })
    .await
}
