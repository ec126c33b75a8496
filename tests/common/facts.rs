//! Typed look-ups and set-ups for the integration tests, where a raw SQL
//! string in the test would read worse than what it means. Tests of time
//! (back-dating rows) keep their `execute` lines: the date is the point.

use super::TestApp;
use uuid::Uuid;

/// What became of one queued mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailState {
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

impl TestApp {
    /// The id of the youth with this BSN.
    pub async fn youth_id(&self, bsn: &str) -> Uuid {
        sqlx::query_scalar("SELECT id FROM youths WHERE bsn_hmac = $1")
            .bind(self.bsn_hmac(bsn))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// The id of the one registration of `user`.
    pub async fn registration_of(&self, user: Uuid) -> Uuid {
        sqlx::query_scalar("SELECT id FROM registrations WHERE user_id = $1")
            .bind(user)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Switches an account on or off, as an administrator would.
    pub async fn set_active(&self, user: Uuid, active: bool) {
        sqlx::query("UPDATE users SET active = $2 WHERE id = $1")
            .bind(user)
            .bind(active)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    /// Gives `user` another e-mail address.
    pub async fn set_email(&self, user: Uuid, email: &str) {
        sqlx::query("UPDATE users SET email = $2 WHERE id = $1")
            .bind(user)
            .bind(email)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    /// Moves `user` to another organisation.
    pub async fn move_to(&self, user: Uuid, organisation: Uuid) {
        sqlx::query("UPDATE users SET organisation_id = $2 WHERE id = $1")
            .bind(user)
            .bind(organisation)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    /// The state of the one mail queued for `user`.
    pub async fn mail_state(&self, user: Uuid) -> MailState {
        let (status, attempts, last_error) =
            sqlx::query_as("SELECT status, attempts, last_error FROM outbox WHERE user_id = $1")
                .bind(user)
                .fetch_one(&self.pool)
                .await
                .unwrap();
        MailState {
            status,
            attempts,
            last_error,
        }
    }

    /// How many coordination mails were queued for `user`.
    pub async fn coordination_mails_to(&self, user: Uuid) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM outbox WHERE kind = 'coordination' AND user_id = $1")
            .bind(user)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}
