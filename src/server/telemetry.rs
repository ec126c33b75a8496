use super::config::LogFormat;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// Human-readable logs by default, JSON lines with `LOG_FORMAT=json`.
/// The level comes from `RUST_LOG` (default: info for this app, warn for the rest).
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn,zorgsignaal=info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Human => registry.with(fmt::layer().with_target(false)).try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().flatten_event(true).with_current_span(true))
            .try_init(),
    };
    // A second init (tests start many apps in one process) is harmless.
    let _ = result;
}
