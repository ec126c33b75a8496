//! Building the application: the one router that `main` and the tests serve.

use super::{config::Config, db, rest, security, state::AppState, upload};
use crate::app::{shell, App};
use axum::{
    extract::State,
    http::{request::Parts, StatusCode},
    middleware,
    response::IntoResponse,
    routing::get,
    Router,
};
use leptos::{config::LeptosOptions, prelude::*};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::Arc;

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("zorgsignaal")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build()
}

/// Connects (lazily) and builds the state; does not migrate.
pub fn state(config: Config) -> Result<AppState, sqlx::Error> {
    let pool = db::pool(&config)?;
    let live = super::live::Live::new();
    Ok(AppState {
        pool,
        leptos_options: leptos_options(&config),
        config: Arc::new(config),
        dev_mail: None,
        live,
    })
}

/// Context for every page render and server function: the state, and the
/// CSP nonce of this response so Leptos's inline scripts carry it.
fn provide_request_context(state: AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.clone());
        if let Some(nonce) =
            use_context::<Parts>().and_then(|p| p.extensions.get::<security::CspNonce>().cloned())
        {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
    }
}

/// The app's routes, generated once per process and cloned after that.
///
/// Generating them runs the app with resource loading switched off for
/// the whole process (a global flag in `leptos_server`): a resource first
/// polled meanwhile, by a page another instance in this process is
/// rendering, would wait for ever (leptos issue #4773). One process runs
/// one instance in production, but the tests run many, and one hung on a
/// page that way.
pub fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The instance's router. Starts its live listener, so call it once per
/// instance, after the migrations.
pub fn router(state: AppState) -> Router {
    super::live::listener::spawn(state.pool.clone(), state.live.clone());
    super::live::listener::spawn_upkeep(state.pool.clone(), state.live.clone());
    let routes = routes();
    let context = provide_request_context(state.clone());
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .route("/dev/mail", get(super::dev_mail::page))
        .route(crate::domain::live::PATH, get(super::live_stream::stream))
        .route(crate::domain::report::EXPORT_PATH, get(super::reports::export))
        .nest("/api/v1", rest::router())
        .route(upload::PATH, axum::routing::post(upload::post))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::page_session::session_user,
        ))
        .layer(middleware::from_fn(security::headers))
        .layer(middleware::from_fn_with_state(state.clone(), security::csrf))
        .layer(middleware::from_fn(security::request_id))
        .with_state(state)
}

async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    if db::ping(&state.pool).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// What every instance does after migrating, before it serves: checks its
/// BSN keys against the database's, and seals what an earlier version left
/// readable (plain BSNs, authenticator secrets). Says in Dutch what is wrong.
pub async fn prepare(state: &AppState) -> Result<(), String> {
    // The app's own role must not be able to rewrite the audit log.
    let may_rewrite = super::db::audit::may_rewrite(&state.pool)
        .await
        .map_err(|e| e.to_string())?;
    if may_rewrite {
        if state.config.app_env == super::config::AppEnv::Production {
            return Err("de rol van DATABASE_URL kan het auditlog wijzigen: laat de app draaien als zorgsignaal_app en de migraties met DATABASE_MIGRATE_URL".into());
        }
        tracing::warn!(
            "the app's database role can rewrite the audit log (development; production refuses this)"
        );
    }
    let sealed = super::db::bsn::prepare(&state.pool, &state.config.bsn_keys)
        .await
        .map_err(|e| e.to_string())?;
    if sealed > 0 {
        tracing::info!(youths = sealed, "plain BSNs replaced by their lookup key");
    }
    let secrets = super::account::seal_readable_secrets(&state.pool, &state.config.totp_key)
        .await
        .map_err(|e| e.to_string())?;
    if secrets > 0 {
        tracing::info!(users = secrets, "authenticator secrets sealed with TOTP_KEY");
    }
    // A replaced TOTP_KEY: what only the previous key opens moves on to the
    // new one. A key that opens none of the stored secrets is a mistake
    // (every authenticator would stop working): refuse it.
    let found = super::account::reseal_secrets(&state.pool, &state.config)
        .await
        .map_err(|e| e.to_string())?;
    if found.moved > 0 {
        tracing::info!(
            secrets = found.moved,
            "authenticator secrets moved on to the new TOTP_KEY"
        );
    }
    if found.unopened > 0 && found.unopened == found.secrets {
        return Err(format!(
            "TOTP_KEY opent geen van de {} opgeslagen geheimen van authenticator-apps: is het de goede sleutel? \
             Zet bij een nieuwe sleutel de vorige in TOTP_KEY_OTHER.",
            found.secrets
        ));
    }
    if found.unopened > 0 {
        tracing::warn!(
            secrets = found.unopened,
            "authenticator secrets that neither TOTP_KEY nor TOTP_KEY_OTHER opens (a key missing from this instance?)"
        );
    }
    Ok(())
}

/// Applies the migrations: as the owner of the tables with
/// `DATABASE_MIGRATE_URL` when given (the app's own role then cannot
/// rewrite the audit log), else with the app's own connection.
pub async fn migrate(state: &AppState) -> Result<(), String> {
    match &state.config.database_migrate_url {
        Some(url) => {
            let owner = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(url)
                .await
                .map_err(|e| format!("DATABASE_MIGRATE_URL: {e}"))?;
            let done = super::db::migrate(&owner).await.map_err(|e| e.to_string());
            owner.close().await;
            done
        }
        None => super::db::migrate(&state.pool).await.map_err(|e| e.to_string()),
    }
}
