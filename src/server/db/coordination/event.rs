//! The coordination history of a youth, in words.

use crate::{domain::records::HistoryEntry, server::db::happened::Happened};
use sqlx::PgConnection;
use uuid::Uuid;

/// Appends one line per (youth, text); whoever watches these youths live
/// is to refetch their coordination (what it returns).
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn write_many(
    tx: &mut PgConnection,
    lines: &[(Uuid, String)],
) -> Result<Vec<Happened>, sqlx::Error> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query!(
        "INSERT INTO coordination_events (youth_id, text) SELECT * FROM unnest($1::uuid[], $2::text[])",
        &lines.iter().map(|l| l.0).collect::<Vec<_>>(),
        &lines.iter().map(|l| l.1.clone()).collect::<Vec<_>>()
    )
    .execute(&mut *tx)
    .await?;
    let youths: Vec<Uuid> = lines.iter().map(|l| l.0).collect();
    Ok(vec![Happened::CoordinationChanged { youths }])
}

/// Appends one line to the youth's history.
#[must_use = "what happened must be followed up by the use case (cases::follow)"]
pub async fn write(tx: &mut PgConnection, youth_id: Uuid, text: String) -> Result<Happened, sqlx::Error> {
    let _written = write_many(tx, &[(youth_id, text)]).await?;
    Ok(Happened::CoordinationChanged {
        youths: vec![youth_id],
    })
}

/// The youth's coordination history, oldest first.
pub async fn history(tx: &mut PgConnection, youth_id: Uuid) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as!(
        HistoryEntry,
        r#"SELECT (at AT TIME ZONE 'Europe/Amsterdam')::date AS "at!", text
             FROM coordination_events WHERE youth_id = $1 ORDER BY at, id"#,
        youth_id
    )
    .fetch_all(&mut *tx)
    .await
}
