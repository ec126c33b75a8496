//! The BSN keys against the database: the start-up check that this
//! instance uses the keys the database was written with, moving rows that
//! still hold a plain BSN to their lookup key, and `rekey-bsn`, which moves
//! every youth on to the newest key while the app runs (see
//! `server::pseudonym`).

use crate::{domain::bsn::Bsn, server::pseudonym::BsnKeys};
use sqlx::PgPool;
use uuid::Uuid;

/// Why an instance may not use its keys on this database.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("sleutel {0} van BSN_KEY is een andere dan waarmee de database is geschreven")]
    Differs(i16),
    #[error("de database gebruikt al {0} BSN-sleutels; deze instantie kent er {1} (voeg de nieuwe toe aan BSN_KEY)")]
    Behind(i16, i16),
    #[error("BSN_KEY heeft {0} sleutels, maar er zijn jeugdigen die meer dan één sleutel achter lopen: voer eerst `zorgsignaal rekey-bsn` uit met één sleutel minder")]
    TooFar(i16),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Checks this instance's keys against those the database knows and
/// records any new one (a rotation's first step).
pub async fn check_keys(pool: &PgPool, keys: &BsnKeys) -> Result<(), KeyError> {
    let mut tx = pool.begin().await?;
    // One instance at a time records a new generation.
    sqlx::query!("LOCK TABLE bsn_keys IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let known = sqlx::query!("SELECT generation, fingerprint FROM bsn_keys ORDER BY generation")
        .fetch_all(&mut *tx)
        .await?;
    for row in &known {
        match keys.fingerprint(row.generation) {
            None => return Err(KeyError::Behind(row.generation, keys.generation())),
            Some(f) if f != row.fingerprint => return Err(KeyError::Differs(row.generation)),
            Some(_) => {}
        }
    }
    // One key at a time: rows more than one key behind could no longer
    // be found (a lookup computes the newest and the previous hash only).
    let behind: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM youths WHERE bsn_generation < $1::smallint - 1) AS "behind!""#,
        keys.generation()
    )
    .fetch_one(&mut *tx)
    .await?;
    if behind {
        return Err(KeyError::TooFar(keys.generation()));
    }
    for generation in (known.len() as i16 + 1)..=keys.generation() {
        sqlx::query!(
            "INSERT INTO bsn_keys (generation, fingerprint) VALUES ($1, $2)",
            generation,
            keys.fingerprint(generation).expect("a key of the chain")
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Replaces every plain BSN still in the database (written before BSNs
/// were kept as lookup keys) by its lookup key; returns how many.
pub async fn seal_plain(pool: &PgPool, keys: &BsnKeys) -> Result<u64, sqlx::Error> {
    let mut sealed = 0;
    loop {
        let mut tx = pool.begin().await?;
        let rows = sqlx::query!(
            r#"SELECT id, bsn AS "bsn!" FROM youths WHERE bsn IS NOT NULL LIMIT 5000 FOR UPDATE SKIP LOCKED"#
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            return Ok(sealed);
        }
        let (mut ids, mut hashes, mut tails) = (Vec::new(), Vec::new(), Vec::new());
        for r in &rows {
            // Synthetic numbers fail the 11-check on purpose: hashed as text.
            let hash = match Bsn::parse(&r.bsn) {
                Ok(bsn) => keys.hash(&bsn),
                Err(_) => keys.hash_text(&r.bsn),
            };
            ids.push(r.id);
            hashes.push(hash);
            tails.push(r.bsn[r.bsn.len().saturating_sub(3)..].to_string());
        }
        sqlx::query!(
            "UPDATE youths y SET bsn_hmac = s.h, bsn_tail = s.t, bsn_generation = $4, bsn = NULL
               FROM unnest($1::uuid[], $2::bytea[], $3::text[]) AS s(id, h, t) WHERE y.id = s.id",
            &ids as &[Uuid],
            &hashes,
            &tails,
            keys.generation()
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sealed += rows.len() as u64;
    }
}

/// Moves every youth still under an earlier key on to the newest one,
/// `batch` rows per transaction, skipping rows the app holds (they are
/// taken on the next round, or moved by the app itself). Returns how many
/// rows this call moved. The app runs meanwhile: a registration of a youth
/// not yet moved moves it first (`involvements::record`).
pub async fn rekey(pool: &PgPool, keys: &BsnKeys, batch: i64) -> Result<u64, sqlx::Error> {
    let generation = keys.generation();
    let mut moved = 0;
    if generation < 2 {
        return Ok(0);
    }
    loop {
        let mut tx = pool.begin().await?;
        let rows = sqlx::query!(
            r#"SELECT id, bsn_hmac AS "bsn_hmac!", bsn_generation AS "generation!" FROM youths
                WHERE bsn_generation < $1 LIMIT $2 FOR UPDATE SKIP LOCKED"#,
            generation,
            batch
        )
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            let left: i64 = sqlx::query_scalar!(
                r#"SELECT count(*) AS "n!" FROM youths WHERE bsn_generation < $1"#,
                generation
            )
            .fetch_one(pool)
            .await?;
            if left == 0 {
                return Ok(moved);
            }
            // Rows the app holds right now: wait for them.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let hashes: Vec<Vec<u8>> = rows
            .iter()
            .map(|r| keys.advance(&r.bsn_hmac, r.generation))
            .collect();
        sqlx::query!(
            "UPDATE youths y SET bsn_hmac = s.h, bsn_generation = $3
               FROM unnest($1::uuid[], $2::bytea[]) AS s(id, h) WHERE y.id = s.id",
            &ids,
            &hashes,
            generation
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        moved += rows.len() as u64;
    }
}

/// What every instance does after migrating: [`check_keys`], then
/// [`seal_plain`]. Returns how many plain BSNs were sealed.
pub async fn prepare(pool: &PgPool, keys: &BsnKeys) -> Result<u64, KeyError> {
    check_keys(pool, keys).await?;
    Ok(seal_plain(pool, keys).await?)
}
