//! The people and organisations of the matrix, and the case each row is
//! called on (see docs/AUTHORISATION.md, "Who").

use crate::common::{TestApp, TestUser};
use reqwest::{header, Client, Response};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use uuid::Uuid;
use zorgsignaal::{
    domain::{bsn::Bsn, organisation::OrganisationKind, role::Role},
    server::db,
};

pub const OTHER_REGION: &str = "Andere regio";
/// The youth's municipality (test region) and one in the other region.
pub const TOWN: &str = "GM0014";
pub const OTHER_TOWN: &str = "GM0034";

/// The columns of the table, in order.
pub const COLUMNS: [&str; 14] = [
    "anon", "P own", "P other", "P none", "C own", "C other", "C none", "A own", "A other", "M own",
    "M other", "K own", "K other", "K none",
];
pub const ANON: usize = 0;
pub const P_OWN: usize = 1;
pub const P_OTHER: usize = 2;
pub const P_NONE: usize = 3;
pub const C_OWN: usize = 4;
pub const A_OWN: usize = 7;
pub const A_OTHER: usize = 8;
pub const K_OWN: usize = 11;

/// Who a column is: its kind of organisation, region and role.
pub struct Profile {
    pub kind: OrganisationKind,
    pub region: &'static str,
    pub role: Option<Role>,
    pub municipality: Option<&'static str>,
}

pub fn profile(column: usize) -> Profile {
    use OrganisationKind::*;
    use Role::*;
    let (kind, region, role, municipality) = match column {
        ANON => (Jgz, "Testregio", None, None),
        1 => (Jgz, "Testregio", Some(Professional), None),
        2 => (Wijkteam, "Testregio", Some(Professional), None),
        3 => (Jeugdzorg, "Testregio", Some(Professional), None),
        4 => (Jgz, "Testregio", Some(Coordinator), None),
        5 => (Wijkteam, "Testregio", Some(Coordinator), None),
        6 => (Jeugdzorg, "Testregio", Some(Coordinator), None),
        7 => (Gemeente, "Testregio", Some(RegionAdmin), None),
        8 => (Gemeente, OTHER_REGION, Some(RegionAdmin), None),
        9 => (Gemeente, "Testregio", Some(MunicipalityAnalyst), Some(TOWN)),
        10 => (
            Gemeente,
            OTHER_REGION,
            Some(MunicipalityAnalyst),
            Some(OTHER_TOWN),
        ),
        11 => (Jgz, "Testregio", None, None),
        12 => (Wijkteam, "Testregio", None, None),
        _ => (Jeugdzorg, "Testregio", None, None),
    };
    Profile {
        kind,
        region,
        role,
        municipality,
    }
}

/// One column's caller.
pub struct Subject {
    pub user: Option<TestUser>,
    /// Logged in as `user`; for anonymous callers and keys, a client without a session.
    pub client: Client,
    pub key: Option<String>,
}

pub struct World {
    pub app: TestApp,
    pub subjects: Vec<Subject>,
    /// Organisation ids of the own and the other involved organisation.
    pub own_org: Uuid,
    pub other_org: Uuid,
    next: AtomicU64,
}

impl World {
    pub async fn new() -> World {
        let app = TestApp::spawn().await;
        app.municipality().await;
        let other = db::organisations::upsert_region(&app.pool, OTHER_REGION)
            .await
            .unwrap();
        db::organisations::upsert_municipality(&app.pool, OTHER_TOWN, "Delfzijl", other)
            .await
            .unwrap();
        let mut subjects = Vec::new();
        for column in 0..COLUMNS.len() {
            subjects.push(Self::subject(&app, column).await);
        }
        let org = |c: usize| subjects[c].user.as_ref().unwrap().organisation_id;
        let (own_org, other_org, none_org) = (org(P_OWN), org(P_OTHER), org(P_NONE));
        let by = subjects[A_OWN].user.as_ref().unwrap().id;
        for (column, org) in [(K_OWN, own_org), (K_OWN + 1, other_org), (K_OWN + 2, none_org)] {
            subjects[column].key = Some(app.api_token(org, by).await);
        }
        World {
            app,
            subjects,
            own_org,
            other_org,
            next: AtomicU64::new(1),
        }
    }

    /// A user like column `column`'s (same organisation, role and
    /// municipality), logged in; anonymous callers and keys get none.
    pub async fn fresh_user(app: &TestApp, column: usize) -> Option<(TestUser, Client)> {
        Self::fresh(app, column, false).await
    }

    /// As `fresh_user`, but held to the second-factor rules (the password
    /// step only, for those who must set up an app).
    pub async fn fresh_user_with_rules(app: &TestApp, column: usize) -> Option<(TestUser, Client)> {
        Self::fresh(app, column, true).await
    }

    async fn fresh(app: &TestApp, column: usize, rules: bool) -> Option<(TestUser, Client)> {
        let p = profile(column);
        let role = p.role?;
        let builder = if rules {
            app.user().with_two_factor_rules()
        } else {
            app.user()
        };
        let user = builder
            .name(&format!("{} {}", COLUMNS[column], Uuid::new_v4().simple()))
            .region(p.region)
            .organisation_kind(p.kind)
            .roles(&[role])
            .create()
            .await;
        if let Some(code) = p.municipality {
            db::users::add_analyst_municipality(&app.pool, user.id, code)
                .await
                .unwrap();
        }
        let client = app.logged_in(&user).await;
        Some((user, client))
    }

    async fn subject(app: &TestApp, column: usize) -> Subject {
        match Self::fresh_user(app, column).await {
            Some((user, client)) => Subject {
                user: Some(user),
                client,
                key: None,
            },
            None if column == ANON => Subject {
                user: None,
                client: app.client(),
                key: None,
            },
            // A key's organisation: a user of it, never logged in.
            None => {
                let p = profile(column);
                let user = app
                    .user()
                    .region(p.region)
                    .organisation_kind(p.kind)
                    .roles(&[Role::Professional])
                    .create()
                    .await;
                Subject {
                    user: Some(user),
                    client: app.client(),
                    key: None,
                }
            }
        }
    }

    pub fn user(&self, column: usize) -> &TestUser {
        self.subjects[column].user.as_ref().unwrap()
    }

    /// A fresh valid BSN and a family name no other case has.
    pub fn next_youth(&self) -> (String, String) {
        loop {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let first8 = format!("{:08}", 31_000_000 + n * 7);
            if let Some(bsn) = (0..10)
                .map(|d| format!("{first8}{d}"))
                .find(|b| Bsn::parse(b).is_ok())
            {
                return (bsn, format!("Matrix{n}"));
            }
        }
    }

    /// Calls `endpoint` as column `column` the way the hydrated page does.
    pub async fn call(&self, column: usize, endpoint: &str, args: &[(&str, &str)]) -> Response {
        self.app.call(&self.subjects[column].client, endpoint, args).await
    }

    /// The form fields of a youth.
    pub fn youth_form<'a>(bsn: &'a str, family: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("bsn", bsn),
            ("given_names", "Sanne"),
            ("family_name", family),
            ("birth_date", "2016-05-01"),
            ("municipality_code", TOWN),
        ]
    }

    /// A case as the table describes it (see the module's docs).
    pub async fn case(&self, taken: bool) -> Case {
        let (bsn, family) = self.next_youth();
        let form = Self::youth_form(&bsn, &family);
        let registration = json_ok(self.call(P_OWN, "register", &form).await).await;
        let mut signal = form.clone();
        signal.push(("kind", "veiligheid"));
        let signal = json_ok(self.call(P_OWN, "signal", &signal).await).await;
        json_ok(self.call(P_OTHER, "register", &form).await).await;
        let youth: Uuid = registration["youth_id"].as_str().unwrap().parse().unwrap();
        let coordinating: Option<Uuid> = sqlx::query_scalar(
            "SELECT organisation_id FROM coordinations WHERE youth_id = $1 AND ended_at IS NULL",
        )
        .bind(youth)
        .fetch_optional(&self.app.pool)
        .await
        .unwrap();
        assert_eq!(
            coordinating,
            Some(self.own_org),
            "the own organisation coordinates"
        );
        let case = Case {
            youth,
            bsn,
            family,
            registration: registration["id"].as_str().unwrap().parse().unwrap(),
            signal: signal["id"].as_str().unwrap().parse().unwrap(),
            action: None,
        };
        if !taken {
            return case;
        }
        json_ok(
            self.call(C_OWN, "take_coordination", &[("youth", &case.youth.to_string())])
                .await,
        )
        .await;
        let assignee = format!("gebruiker:{}", self.user(P_OTHER).id);
        let due = (chrono::Local::now().date_naive() + chrono::Days::new(14)).to_string();
        let res = self
            .call(
                C_OWN,
                "create_action",
                &[
                    ("youth", &case.youth.to_string()),
                    ("title", "Huisbezoek"),
                    ("description", "Samen met WIJ."),
                    ("due_on", &due),
                    ("assignee", &assignee),
                ],
            )
            .await;
        json_ok(res).await;
        let action = self
            .uuid("SELECT id FROM actions WHERE youth_id = $1", case.youth)
            .await;
        Case {
            action: Some(action),
            ..case
        }
    }

    /// The one id `sql` selects for `param`.
    pub async fn uuid(&self, sql: &str, param: Uuid) -> Uuid {
        sqlx::query_scalar(sql)
            .bind(param)
            .fetch_one(&self.app.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Posts `endpoint` with `client` as a browser without JavaScript does
    /// (the answer is a redirect); returns the one-time value (flash) it made.
    pub async fn plain_post_flash(&self, client: &Client, endpoint: &str, args: &[(&str, &str)]) -> Uuid {
        let res = client
            .post(self.app.url(&format!("/api/{endpoint}")))
            .header(header::ORIGIN, &self.app.address)
            .header(header::ACCEPT, "text/html")
            .form(args)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{endpoint}: {}", res.status());
        self.newest_flash().await
    }

    /// The one-time value made last.
    pub async fn newest_flash(&self) -> Uuid {
        sqlx::query_scalar("SELECT id FROM flashes ORDER BY created_at DESC LIMIT 1")
            .fetch_one(&self.app.pool)
            .await
            .unwrap()
    }
}

pub struct Case {
    pub youth: Uuid,
    pub bsn: String,
    pub family: String,
    /// P own's registration and signal.
    pub registration: Uuid,
    pub signal: Uuid,
    /// Set out by C own for P other (when the case is taken).
    pub action: Option<Uuid>,
}

/// The JSON of a 2xx answer; panics with the body otherwise.
pub async fn json_ok(res: Response) -> Value {
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
