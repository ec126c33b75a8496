#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    use zorgsignaal::server::{auth, config::Config, db, jobs, mail, startup, telemetry};

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("Zorgsignaal start niet: {e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(config.log_format);
    let addr = config.addr;
    let demo_data = config.demo_data;
    let mut state = match startup::state(config) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "DATABASE_URL is not usable");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = startup::migrate(&state).await {
        tracing::error!(error = %e, "database migration failed; the server does not start");
        return ExitCode::FAILURE;
    }
    if state.config.bsn_key_derived || state.config.totp_key_derived {
        tracing::warn!("no BSN_KEY or TOTP_KEY given: development derives keys, which are no secret (production refuses to start without them)");
    }
    if let Err(e) = startup::prepare(&state).await {
        tracing::error!(error = %e, "the keys do not fit this database; the server does not start");
        return ExitCode::FAILURE;
    }
    if std::env::args().nth(1).as_deref() == Some("verify-audit") {
        // Seals what is not in the chain yet, then recomputes the whole chain.
        return match async {
            db::audit::seal(&state.pool).await?;
            db::audit::verify(&state.pool).await
        }
        .await
        {
            Ok(db::audit::Verified { sealed, broken: None }) => {
                println!("verify-audit: the hash chain of {sealed} audit rows is intact");
                ExitCode::SUCCESS
            }
            Ok(db::audit::Verified {
                sealed,
                broken: Some((seq, id, problem)),
            }) => {
                println!(
                    "verify-audit: BROKEN at row {seq} of {sealed} (audit_log id {}): {problem}",
                    id.map_or("?".into(), |i| i.to_string())
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("verify-audit mislukt: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if std::env::args().nth(1).as_deref() == Some("rekey-bsn") {
        // Moves every youth on to the newest key of BSN_KEY, while the app runs.
        let started = std::time::Instant::now();
        return match db::bsn::rekey(&state.pool, &state.config.bsn_keys, 5_000).await {
            Ok(n) => {
                println!(
                    "rekey-bsn: {n} youths moved to key {} in {:.1} s",
                    state.config.bsn_keys.generation(),
                    started.elapsed().as_secs_f64()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("rekey-bsn mislukt: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if demo_data {
        let loaded = match auth::hash_password(db::seed::DEMO_PASSWORD.to_string()).await {
            Ok(hash) => db::seed::load(&state.pool, &hash)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = loaded {
            tracing::error!(error = %e, "loading the demo data failed");
            return ExitCode::FAILURE;
        }
        tracing::info!("demo data loaded (region Groningen)");
    }
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, %addr, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let mailer = match mail::setup(&state.config).await {
        Ok((mailer, sink)) => {
            match &sink {
                Some(s) => tracing::info!(
                    "mail goes to the built-in mail catcher on {}; read it at http://{addr}/dev/mail",
                    s.addr()
                ),
                None => tracing::info!(smtp = ?state.config.smtp_url, "mail goes to the SMTP server"),
            }
            state.dev_mail = sink;
            mailer
        }
        Err(e) => {
            tracing::error!(error = %e, "mail cannot be set up");
            return ExitCode::FAILURE;
        }
    };
    let (stop_mail, mail_stopped) = tokio::sync::watch::channel(false);
    let mail_worker = mail::worker::spawn(
        state.pool.clone(),
        mailer,
        state.config.mail_worker.clone(),
        mail_stopped,
    );
    tracing::info!("Zorgsignaal listens on http://{addr}");
    let scheduler = jobs::spawn(state.clone());
    let live = state.live.clone();
    let router = startup::router(state);
    let served = startup::serve(listener, router, async move {
        shutdown_signal().await;
        // Open event streams would hold the graceful shutdown up for ever.
        live.close();
    })
    .await;
    scheduler.abort();
    // Finish the mail in flight; what is not sent yet waits in the outbox.
    let _ = stop_mail.send(true);
    if tokio::time::timeout(std::time::Duration::from_secs(60), mail_worker)
        .await
        .is_err()
    {
        tracing::warn!(
            "mail in flight did not finish within a minute; it is sent again after its claim lapses"
        );
    }
    if let Err(e) = served {
        tracing::error!(error = %e, "server stopped with an error");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(feature = "ssr")]
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser side starts in lib.rs (`hydrate`).
}
