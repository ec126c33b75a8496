use super::config::Config;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// Everything a request handler or server function needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// The development mail catcher, when this instance runs one (`/dev/mail`).
    pub dev_mail: Option<super::mail::sink::Sink>,
    /// Live updates of this instance (one database listener).
    pub live: super::live::Live,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
