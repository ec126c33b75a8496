//! Who the people are behind an audience of a youth's case, read when the
//! use case queues its mail. Only active accounts are returned.

use sqlx::PgConnection;
use uuid::Uuid;

/// A group of people around a youth's case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every active coordinator of the organisation.
    Coordinators(Uuid),
    /// One person.
    User(Uuid),
    /// The coordinating side: the coordinating person, else the
    /// coordinators of the coordinating organisation.
    CoordinatingSide,
    /// Every involved professional.
    Involved,
    /// The region admins of the youth's region.
    RegionAdmins,
}

/// A person to tell.
struct Person {
    id: Uuid,
    name: String,
}

/// The people of one audience of `youth`.
async fn people(tx: &mut PgConnection, youth: Uuid, audience: Audience) -> Result<Vec<Person>, sqlx::Error> {
    match audience {
        Audience::Coordinators(org) => {
            sqlx::query_as!(
                Person,
                "SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'coordinator'
                  WHERE u.organisation_id = $1 AND u.active",
                org
            )
            .fetch_all(&mut *tx)
            .await
        }
        Audience::User(user) => {
            sqlx::query_as!(
                Person,
                "SELECT id, name FROM users WHERE id = $1 AND active",
                user
            )
            .fetch_all(&mut *tx)
            .await
        }
        Audience::CoordinatingSide => {
            sqlx::query_as!(
                Person,
                r#"SELECT u.id AS "id!", u.name AS "name!" FROM coordinations c JOIN users u ON u.id = c.coordinator_id
                    WHERE c.youth_id = $1 AND c.ended_at IS NULL AND u.active
                   UNION
                   SELECT u.id, u.name FROM coordinations c
                     JOIN users u ON u.organisation_id = c.organisation_id
                     JOIN user_roles r ON r.user_id = u.id AND r.role = 'coordinator'
                    WHERE c.youth_id = $1 AND c.ended_at IS NULL AND c.coordinator_id IS NULL AND u.active"#,
                youth
            )
            .fetch_all(&mut *tx)
            .await
        }
        Audience::Involved => {
            sqlx::query_as!(
                Person,
                "SELECT DISTINCT u.id, u.name FROM involvements i JOIN users u ON u.id = i.user_id
                  WHERE i.youth_id = $1 AND u.active",
                youth
            )
            .fetch_all(&mut *tx)
            .await
        }
        Audience::RegionAdmins => {
            sqlx::query_as!(
                Person,
                "SELECT u.id, u.name FROM youths y
                   JOIN municipalities m ON m.code = y.municipality_code
                   JOIN organisations o ON o.region_id = m.region_id
                   JOIN users u ON u.organisation_id = o.id
                   JOIN user_roles r ON r.user_id = u.id AND r.role = 'region_admin'
                  WHERE y.id = $1 AND u.active",
                youth
            )
            .fetch_all(&mut *tx)
            .await
        }
    }
}

/// The people of each audience of `youth` (a person once; the people
/// named one by one first, then the groups in the order given), except
/// `skip`: (user, name).
pub async fn recipients(
    tx: &mut PgConnection,
    youth: Uuid,
    audiences: &[Audience],
    skip: Option<Uuid>,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let mut users: Vec<(Uuid, String)> = Vec::new();
    let mut add = |found: Vec<Person>| {
        for p in found {
            if Some(p.id) != skip && !users.iter().any(|(u, _)| *u == p.id) {
                users.push((p.id, p.name));
            }
        }
    };
    // Single people are read in one statement.
    let people_named: Vec<Uuid> = audiences
        .iter()
        .filter_map(|a| match a {
            Audience::User(id) => Some(*id),
            _ => None,
        })
        .collect();
    if !people_named.is_empty() {
        add(sqlx::query_as!(
            Person,
            "SELECT id, name FROM users WHERE id = ANY($1) AND active",
            &people_named
        )
        .fetch_all(&mut *tx)
        .await?);
    }
    for a in audiences {
        if !matches!(a, Audience::User(_)) {
            add(people(tx, youth, *a).await?);
        }
    }
    Ok(users)
}

/// Who coordinates `youth` now: the coordinating person, else the
/// coordinators of the coordinating organisation. Read before the
/// coordination moves, so that they hear it moved.
pub async fn coordinating_side(tx: &mut PgConnection, youth: Uuid) -> Result<Vec<Uuid>, sqlx::Error> {
    Ok(people(tx, youth, Audience::CoordinatingSide)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// For each (youth, organisation) of `items`, the organisation's active
/// coordinators, set-based (a bulk import may make thousands of
/// appointments): (index into `items`, user, name).
pub async fn coordinators_of(
    tx: &mut PgConnection,
    items: &[(Uuid, Uuid)],
) -> Result<Vec<(usize, Uuid, String)>, sqlx::Error> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let youths: Vec<Uuid> = items.iter().map(|i| i.0).collect();
    let orgs: Vec<Uuid> = items.iter().map(|i| i.1).collect();
    Ok(sqlx::query!(
        r#"SELECT x.n AS "n!", u.id, u.name
             FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(youth_id, org, n)
             JOIN users u ON u.organisation_id = x.org AND u.active
             JOIN user_roles r ON r.user_id = u.id AND r.role = 'coordinator'"#,
        &youths,
        &orgs
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.n as usize - 1, r.id, r.name))
    .collect())
}
