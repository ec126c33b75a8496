//! The logged-in user, loaded once per page load and shared through context.
//! Log-in and log-out load a fresh page, so this never goes stale.

use crate::{api::auth::get_current_user, domain::user::CurrentUser, error::AppError};
use leptos::prelude::*;

pub type UserResource = Resource<Result<Option<CurrentUser>, AppError>>;

pub fn provide_user() {
    let user: UserResource = Resource::new(|| (), |_| get_current_user());
    provide_context(user);
}

pub fn use_user() -> UserResource {
    expect_context::<UserResource>()
}
