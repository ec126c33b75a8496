//! Who is involved with a youth and how to reach them: what a match notice
//! may carry, and nothing more.

use crate::domain::youth::full_name;
use sqlx::PgConnection;
use uuid::Uuid;

/// One involved professional (with an active account) of a youth, with
/// the youth's name as that professional's organisation recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub youth_id: Uuid,
    pub youth_name: String,
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation: String,
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// The involved professionals of `youth_ids`, one row per youth and user,
/// ordered by youth, then by organisation and name.
pub async fn contacts(tx: &mut PgConnection, youth_ids: &[Uuid]) -> Result<Vec<Contact>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT y.id AS youth_id, coalesce(v.given_names, y.given_names) AS "given_names!",
                coalesce(v.prefix, y.prefix) AS "prefix!", coalesce(v.family_name, y.family_name) AS "family_name!",
                u.id AS user_id, o.id AS organisation_id, o.name AS organisation,
                u.name, u.phone, u.email
           FROM involvements i
           JOIN youths y ON y.id = i.youth_id
           -- each organisation reads the name as it recorded it
           LEFT JOIN youth_versions v ON v.youth_id = y.id AND v.organisation_id = i.organisation_id
           JOIN users u ON u.id = i.user_id
           JOIN organisations o ON o.id = i.organisation_id
          WHERE i.youth_id = ANY($1) AND u.active
          ORDER BY y.id, o.name, u.name, u.id"#,
        youth_ids
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Contact {
            youth_id: r.youth_id,
            youth_name: full_name(&r.given_names, &r.prefix, &r.family_name),
            user_id: r.user_id,
            organisation_id: r.organisation_id,
            organisation: r.organisation,
            name: r.name,
            phone: r.phone,
            email: r.email,
        })
        .collect())
}
