//! The instance's one database listener: on every notification it reads
//! the committed events after its position, in order, and broadcasts them.
//! After losing the connection it catches up from the table and tells every
//! connection to resync.

use super::{Live, Msg};
use crate::server::db::live;
use sqlx::{postgres::PgListener, PgPool};
use std::{sync::Arc, time::Duration};

/// Reads and broadcasts everything after the hub's position.
async fn catch_up(pool: &PgPool, hub: &Live) -> Result<(), sqlx::Error> {
    let _one = hub.reading.lock().await;
    loop {
        let batch = live::after(pool, hub.position(), 1000).await?;
        let full = batch.len() == 1000;
        for e in batch {
            hub.advance(e.seq);
            hub.send(Msg::Event(Arc::new(e)));
        }
        if !full {
            return Ok(());
        }
    }
}

async fn connect(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut l = PgListener::connect_with(pool).await?;
    l.listen_all(["live", "presence"]).await?;
    Ok(l)
}

/// Listens until the process ends; returns the task.
pub fn spawn(pool: PgPool, hub: Live) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut first = true;
        loop {
            let mut listener = match connect(&pool).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "live listener cannot connect; tried again in a second");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if first {
                match live::high_water(&pool).await {
                    Ok(n) => hub.advance(n),
                    Err(e) => {
                        tracing::warn!(error = %e, "live listener cannot read its position");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
                first = false;
            } else {
                if let Err(e) = catch_up(&pool, &hub).await {
                    tracing::warn!(error = %e, "live listener cannot catch up");
                }
                tracing::info!("live listener reconnected; connections are told to resync");
                hub.send(Msg::Resync);
            }
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) if n.channel() == "presence" => {
                        hub.send(Msg::Presence(Arc::from(n.payload())));
                    }
                    Ok(Some(n)) => {
                        // Several notifications may be answered by one read.
                        if n.payload().parse::<i64>().is_ok_and(|s| s <= hub.position()) {
                            continue;
                        }
                        if let Err(e) = catch_up(&pool, &hub).await {
                            tracing::warn!(error = %e, "live listener cannot read events");
                            break;
                        }
                    }
                    Ok(None) => {
                        tracing::warn!("live listener lost the database connection");
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "live listener failed");
                        break;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
}

/// Every twenty seconds: forget the presence of connections an instance
/// lost, and read anything a lost notification left behind.
pub fn spawn_upkeep(pool: PgPool, hub: Live) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(20));
        loop {
            tick.tick().await;
            if let Err(e) = live::delete_stale_presence(&pool).await {
                tracing::warn!(error = %e, "stale presence not cleaned up");
            }
            if hub.position() > 0 {
                if let Err(e) = catch_up(&pool, &hub).await {
                    tracing::warn!(error = %e, "live catch-up failed");
                }
            }
        }
    })
}
