//! Users, their roles and the session lookup.

use crate::domain::{organisation::Capabilities, role::Role, user::CurrentUser};
use sqlx::PgExecutor;
use uuid::Uuid;

/// What the log-in needs to know of a user.
#[derive(Debug, sqlx::FromRow)]
pub struct LoginRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub password_hash: String,
    pub active: bool,
    pub roles: Vec<String>,
    /// A confirmed authenticator app.
    pub has_app: bool,
    pub two_factor_exempt: bool,
    pub region_requires_all: bool,
}

pub async fn find_for_login(db: impl PgExecutor<'_>, email: &str) -> Result<Option<LoginRow>, sqlx::Error> {
    sqlx::query_as!(
        LoginRow,
        r#"SELECT u.id, u.organisation_id, u.password_hash, u.active,
                  array(SELECT role FROM user_roles r WHERE r.user_id = u.id ORDER BY role) AS "roles!",
                  u.totp_secret IS NOT NULL AS "has_app!", u.two_factor_exempt,
                  g.two_factor_for_all AS region_requires_all
           FROM users u JOIN organisations o ON o.id = u.organisation_id JOIN regions g ON g.id = o.region_id
           WHERE u.email = $1"#,
        email
    )
    .fetch_optional(db)
    .await
}

/// The user behind a session token, if the session is still valid: not idle
/// for longer than `idle_secs` and not older than `absolute_secs`. A valid
/// session is touched, so its idle time starts again.
pub async fn by_session(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    idle_secs: f64,
    absolute_secs: f64,
    touch: bool,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    // `touch`: the user's own request keeps the session alive; a live
    // stream or a refetch after a live change (`touch` false) only looks,
    // so it never does, and writes nothing.
    let row = sqlx::query!(
        r#"WITH touched AS (
             UPDATE sessions SET last_seen_at = now()
             WHERE $4 AND token_hash = $1 AND stage = 'full'
               AND last_seen_at > now() - make_interval(secs => $2)
               AND created_at > now() - make_interval(secs => $3)
             RETURNING user_id),
           s AS (
             SELECT user_id FROM touched
             UNION ALL
             SELECT user_id FROM sessions
             WHERE NOT $4 AND token_hash = $1 AND stage = 'full'
               AND last_seen_at > now() - make_interval(secs => $2)
               AND created_at > now() - make_interval(secs => $3))
         SELECT u.id, u.name, u.email, o.id AS organisation_id, o.name AS organisation_name,
                o.region_id, o.may_register, o.may_signal, o.may_coordinate,
                array(SELECT role FROM user_roles r WHERE r.user_id = u.id ORDER BY role) AS "roles!"
         FROM s JOIN users u ON u.id = s.user_id
                JOIN organisations o ON o.id = u.organisation_id
         WHERE u.active"#,
        token_hash,
        idle_secs,
        absolute_secs,
        touch
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| CurrentUser {
        id: r.id,
        name: r.name,
        email: r.email,
        organisation_id: r.organisation_id,
        organisation_name: r.organisation_name,
        region_id: r.region_id,
        roles: r.roles.iter().filter_map(|s| Role::parse(s)).collect(),
        capabilities: Capabilities {
            may_register: r.may_register,
            may_signal: r.may_signal,
            may_coordinate: r.may_coordinate,
        },
    }))
}

/// A user to create (seed data, fixtures, later the admin screens).
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub organisation_id: Uuid,
    pub email: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a [Role],
    /// Logs in without a second factor even where one is required: only
    /// for the demo's accounts (and fixtures of tests about something else).
    pub two_factor_exempt: bool,
}

/// Inserts the user unless one with this e-mail exists; returns its id either way.
pub async fn insert_if_absent(
    conn: &mut sqlx::PgConnection,
    user: &NewUser<'_>,
) -> Result<Uuid, sqlx::Error> {
    let id: Uuid = sqlx::query_scalar!(
        r#"WITH ins AS (
             INSERT INTO users (id, organisation_id, email, name, phone, password_hash, two_factor_exempt)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (email) DO NOTHING
             RETURNING id)
         SELECT id AS "id!" FROM ins UNION ALL SELECT id FROM users WHERE email = $3 LIMIT 1"#,
        Uuid::new_v4(),
        user.organisation_id,
        user.email,
        user.name,
        user.phone,
        user.password_hash,
        user.two_factor_exempt
    )
    .fetch_one(&mut *conn)
    .await?;
    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    sqlx::query!(
        "INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        id,
        &roles as &[&str]
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn add_analyst_municipality(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    code: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO analyst_municipalities (user_id, municipality_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        user_id,
        code
    )
        .execute(db)
        .await?;
    Ok(())
}

/// Active professionals of `organisation_id` by (lower-case) e-mail.
pub async fn professionals_by_email(
    db: impl PgExecutor<'_>,
    organisation_id: Uuid,
    emails: &[String],
) -> Result<std::collections::HashMap<String, Uuid>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT u.email, u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'professional'
          WHERE u.organisation_id = $1 AND u.active AND u.email = ANY($2)",
        organisation_id,
        emails
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.email, r.id)).collect())
}

/// Whether the session is still a full log-in of an active user, without
/// keeping it alive (a live stream's check).
pub async fn session_alive(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    idle_secs: f64,
    absolute_secs: f64,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.token_hash = $1 AND s.stage = 'full' AND u.active
                AND s.last_seen_at > now() - make_interval(secs => $2)
                AND s.created_at > now() - make_interval(secs => $3)) AS "alive!""#,
        token_hash,
        idle_secs,
        absolute_secs
    )
    .fetch_one(db)
    .await
}
