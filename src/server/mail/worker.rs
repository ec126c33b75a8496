//! The mail worker: one per app instance. It claims due mails from the
//! outbox (`FOR UPDATE SKIP LOCKED`, with a lease), sends a few at a time,
//! and settles each. It is woken by NOTIFY on `outbox` and also polls, so
//! nothing waits on a missed notification. Asked to stop, it finishes the
//! mails in flight, gives the rest of its claim back and stops claiming.

use super::{
    backoff, render,
    transport::{Mailer, SendError},
};
use crate::server::{
    config::mail::WorkerConfig,
    db::outbox::{self, Claimed, Settle},
};
use chrono::Utc;
use lettre::message::Mailbox;
use sqlx::{postgres::PgListener, PgPool};
use std::{sync::Arc, time::Duration};
use tokio::{
    sync::{watch, Notify},
    task::{JoinHandle, JoinSet},
};

/// Aborts a task when dropped, so the listener goes with its worker.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts a worker; it stops when `shutdown` turns true.
pub fn spawn(
    pool: PgPool,
    mailer: Mailer,
    config: WorkerConfig,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(run(pool, mailer, config, shutdown))
}

/// LISTEN on `outbox`, waking the worker at every notification and after
/// every reconnect (a notification may have been missed meanwhile).
async fn listen(pool: PgPool, wake: Arc<Notify>) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(mut l) => match l.listen("outbox").await {
                Ok(()) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "mail worker cannot LISTEN; polling meanwhile");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    continue;
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "mail worker cannot connect to LISTEN; polling meanwhile");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        wake.notify_one();
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => wake.notify_one(),
                // The connection was lost; try_recv reconnects on the next call.
                Ok(None) => wake.notify_one(),
                Err(e) => {
                    tracing::warn!(error = %e, "mail worker lost its LISTEN connection");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    break;
                }
            }
        }
    }
}

async fn run(pool: PgPool, mailer: Mailer, config: WorkerConfig, mut shutdown: watch::Receiver<bool>) {
    let wake = Arc::new(Notify::new());
    let _listener = AbortOnDrop(tokio::spawn(listen(pool.clone(), wake.clone())));
    loop {
        if *shutdown.borrow() {
            break;
        }
        match outbox::claim(&pool, config.batch, config.lease).await {
            Ok(batch) if !batch.is_empty() => {
                deliver_all(&pool, &mailer, batch, config.concurrency, &shutdown).await;
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mail worker cannot claim mail; trying again"),
        }
        let wait = match outbox::next_due(&pool).await {
            Ok(Some(at)) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(config.poll),
            _ => config.poll,
        }
        // A due mail another worker is claiming right now: do not spin.
        .max(Duration::from_millis(50));
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("mail worker stopped");
}

async fn deliver_all(
    pool: &PgPool,
    mailer: &Mailer,
    batch: Vec<Claimed>,
    concurrency: usize,
    shutdown: &watch::Receiver<bool>,
) {
    let mut in_flight = JoinSet::new();
    let mut queue = batch.into_iter();
    let mut given_back = Vec::new();
    loop {
        while in_flight.len() < concurrency.max(1) {
            if *shutdown.borrow() {
                given_back.extend(queue.by_ref().map(|m| m.id));
                break;
            }
            match queue.next() {
                Some(m) => {
                    in_flight.spawn(deliver(pool.clone(), mailer.clone(), m));
                }
                None => break,
            }
        }
        if in_flight.join_next().await.is_none() {
            break;
        }
    }
    if !given_back.is_empty() {
        if let Err(e) = outbox::release(pool, &given_back).await {
            tracing::warn!(error = %e, count = given_back.len(), "could not give claimed mail back; it is sent when the claim lapses");
        }
    }
}

/// What to do with a claimed mail after trying it; `None` is sent.
async fn attempt(mailer: &Mailer, m: &Claimed) -> Option<(Settle, String)> {
    if !m.active {
        return Some((
            Settle::Failed,
            "het account van de ontvanger is uitgeschakeld; niet verstuurd".into(),
        ));
    }
    let Ok(to) = m.address.parse::<Mailbox>() else {
        return Some((
            Settle::Failed,
            "de ontvanger heeft geen bruikbaar e-mailadres".into(),
        ));
    };
    let body = match render(&m.kind, &m.payload, &mailer.base_url) {
        Ok(b) => b,
        Err(e) => return Some((Settle::Dead, e)),
    };
    match mailer.send(to, &m.subject, m.message_id, body).await {
        Ok(()) => None,
        Err(SendError::Permanent(e)) => Some((Settle::Dead, format!("geweigerd: {e}"))),
        Err(SendError::Transient(e)) => {
            let delay = backoff(m.attempts);
            let next = Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
            if next > m.give_up_at {
                Some((
                    Settle::Dead,
                    format!("48 uur lang niet gelukt; laatste fout: {e}"),
                ))
            } else {
                Some((Settle::RetryAfter(delay), e))
            }
        }
    }
}

async fn deliver(pool: PgPool, mailer: Mailer, m: Claimed) {
    let outcome = attempt(&mailer, &m).await;
    // Settling must not be lost to a short database hiccup: a sent mail
    // left unsettled would be sent again when its claim lapses.
    for wait in [0u64, 200, 1000, 3000, 8000] {
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let settled = match &outcome {
            None => outbox::mark_sent(&pool, m.id).await,
            Some((settle, error)) => outbox::mark_unsent(&pool, m.id, *settle, error).await,
        };
        match settled {
            Ok(()) => {
                match &outcome {
                    None => tracing::debug!(outbox_id = m.id, kind = %m.kind, "mail sent"),
                    Some((settle, error)) => {
                        tracing::warn!(outbox_id = m.id, kind = %m.kind, attempts = m.attempts, ?settle, %error, "mail not sent")
                    }
                }
                return;
            }
            Err(e) => {
                tracing::warn!(outbox_id = m.id, error = %e, "cannot record the mail's outcome; trying again")
            }
        }
    }
    tracing::error!(
        outbox_id = m.id,
        "the mail's outcome is not recorded; it is tried again when its claim lapses"
    );
}
