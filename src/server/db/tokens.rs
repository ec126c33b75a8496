//! API tokens of institution systems. Only a token's SHA-256 is stored.

use crate::domain::records::TokenRow;
use sqlx::PgExecutor;
use uuid::Uuid;

/// The organisation an API call acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenOwner {
    pub token_id: Uuid,
    pub organisation_id: Uuid,
    pub may_register: bool,
    pub may_signal: bool,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    organisation_id: Uuid,
    name: &str,
    token_hash: &[u8; 32],
    hint: &str,
    created_by: Uuid,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO api_tokens (id, organisation_id, name, token_hash, hint, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        organisation_id,
        name,
        &token_hash[..],
        hint,
        created_by
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// The live token with this hash, marking it used (at most once a minute).
pub async fn authenticate(
    db: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
) -> Result<Option<TokenOwner>, sqlx::Error> {
    let row = sqlx::query!(
        "WITH t AS (
             UPDATE api_tokens SET last_used_at = now()
              WHERE token_hash = $1 AND revoked_at IS NULL
                AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
             RETURNING id)
         SELECT a.id, a.organisation_id, o.may_register, o.may_signal
           FROM api_tokens a JOIN organisations o ON o.id = a.organisation_id
          WHERE a.token_hash = $1 AND a.revoked_at IS NULL",
        &token_hash[..]
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| TokenOwner {
        token_id: r.id,
        organisation_id: r.organisation_id,
        may_register: r.may_register,
        may_signal: r.may_signal,
    }))
}

/// Counts one call of a token in the current minute; returns the calls so
/// far this minute (this one included) and the seconds until the next.
pub async fn count_call(db: impl PgExecutor<'_>, token_id: Uuid) -> Result<(i32, i32), sqlx::Error> {
    let row = sqlx::query!(
        r#"INSERT INTO api_calls (token_id, minute, calls) VALUES ($1, date_trunc('minute', now()), 1)
           ON CONFLICT (token_id, minute) DO UPDATE SET calls = api_calls.calls + 1
           RETURNING calls, (60 - extract(second FROM now()))::int AS "retry_after!""#,
        token_id
    )
    .fetch_one(db)
    .await?;
    Ok((row.calls, row.retry_after))
}

pub async fn in_region(db: impl PgExecutor<'_>, region_id: Uuid) -> Result<Vec<TokenRow>, sqlx::Error> {
    sqlx::query_as!(
        TokenRow,
        r#"SELECT a.id, o.name AS organisation, a.name, a.hint,
                  (a.created_at AT TIME ZONE 'Europe/Amsterdam')::date AS "created!",
                  (a.last_used_at AT TIME ZONE 'Europe/Amsterdam')::date AS last_used,
                  a.revoked_at IS NOT NULL AS "revoked!"
             FROM api_tokens a JOIN organisations o ON o.id = a.organisation_id
            WHERE o.region_id = $1
            ORDER BY a.revoked_at IS NOT NULL, o.name, a.created_at DESC"#,
        region_id
    )
    .fetch_all(db)
    .await
}

/// Revokes a live token of an organisation in `region_id`; false if none.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    id: Uuid,
    region_id: Uuid,
    by: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE api_tokens a SET revoked_at = now(), revoked_by = $3
           FROM organisations o
          WHERE a.id = $1 AND o.id = a.organisation_id AND o.region_id = $2 AND a.revoked_at IS NULL",
        id,
        region_id,
        by
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the per-minute call counts older than an hour.
pub async fn delete_old_calls(db: impl PgExecutor<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM api_calls WHERE minute < now() - interval '1 hour'")
        .execute(db)
        .await?;
    Ok(())
}
