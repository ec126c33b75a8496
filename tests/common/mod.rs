//! The test harness: a real app on port 0 against a fresh PostgreSQL
//! database of its own, built by the same `startup::router` as `main`.
#![allow(dead_code)]

pub mod case;
pub mod facts;
pub mod mail;
pub mod report;
pub mod sse;
pub mod two_factor;

use reqwest::{header, redirect::Policy, Client, Response};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use std::collections::HashMap;
use tokio::sync::OnceCell;
use uuid::Uuid;
use zorgsignaal::{
    domain::{organisation::OrganisationKind, role::Role},
    server::{
        auth,
        config::{
            mail::{SmtpUrl, WorkerConfig},
            Config,
        },
        db,
        mail::{sink::Sink, transport::Mailer, worker},
        startup,
    },
};

pub const PASSWORD: &str = "test-wachtwoord-123";

/// The maintenance database of the cluster the tests use: `TEST_DATABASE_ADMIN_URL`,
/// else the private cluster of `scripts/pg.sh`.
fn admin_url() -> String {
    std::env::var("TEST_DATABASE_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:54329/postgres".to_string())
}

fn url_for(db_name: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    format!("{base}/{db_name}")
}

/// The role the app runs as: it cannot rewrite the audit log.
pub const APP_ROLE: &str = "zorgsignaal_app";

/// `db_name` as the app's own role (the test cluster trusts local logins).
fn app_url_for(db_name: &str) -> String {
    url_for(db_name).replacen("://postgres@", &format!("://{APP_ROLE}@"), 1)
}

async fn password_hash() -> &'static str {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_init(|| async { auth::hash_password(PASSWORD.to_string()).await.unwrap() })
        .await
}

pub struct TestApp {
    /// e.g. `http://127.0.0.1:41234`
    pub address: String,
    /// The app's own pool (its role cannot rewrite the audit log).
    pub pool: PgPool,
    /// The owner of the tables, as migrations and a DBA use it.
    pub owner: PgPool,
    pub db_name: String,
    /// The real SMTP server this app's mail goes to (over TCP).
    pub smtp: Sink,
    /// What the privacy scan found in the mails `smtp` received.
    pub scan: mail::Found,
    /// This instance's live hub (what its database listener has read).
    pub live: zorgsignaal::server::live::Live,
    /// The app's own mail worker, as `main` runs it (None: the test runs workers itself).
    mail_worker: Option<MailWorker>,
    /// The app's BSN keys: the tests find youths by the BSN's lookup key.
    pub bsn_keys: zorgsignaal::server::pseudonym::BsnKeys,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _watchdog: Watchdog,
}

/// How long one test may hold an app before the watchdog stops the run.
const TEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(240);

/// Ends the test binary, naming the test, when a test still holds its app
/// after [`TEST_LIMIT`]: a hang then fails in minutes and says where,
/// instead of running into CI's time limit without a name. Dropping it
/// (with the app) lets its thread go.
struct Watchdog {
    _alive: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    fn start(db_name: &str) -> Watchdog {
        let (alive, watched) = std::sync::mpsc::channel::<()>();
        let test = std::thread::current().name().unwrap_or("?").to_string();
        let db_name = db_name.to_string();
        std::thread::spawn(move || {
            if watched.recv_timeout(TEST_LIMIT) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            // Straight to stderr: the test harness captures `eprintln!`
            // of the test's threads and would lose it on exit.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "WATCHDOG: test `{test}` (database {db_name}) is still running after {} s; \
                 stopping this test binary so the hang has a name",
                TEST_LIMIT.as_secs()
            );
            std::process::exit(124);
        });
        Watchdog { _alive: alive }
    }
}

/// A running mail worker and the switch that stops it (SIGTERM in `main`).
pub struct MailWorker {
    pub stop: tokio::sync::watch::Sender<bool>,
    pub handle: tokio::task::JoinHandle<()>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// Starts an app with extra configuration variables.
    pub async fn spawn_with(vars: &[(&str, &str)]) -> TestApp {
        Self::create(vars, true).await
    }

    /// An app without its own mail worker: the test starts workers itself.
    pub async fn spawn_without_mail_worker() -> TestApp {
        Self::create(&[], false).await
    }

    async fn create(vars: &[(&str, &str)], mail_worker: bool) -> TestApp {
        let db_name = format!("zs_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url())
            .await
            .expect("the test cluster is running (scripts/pg.sh start)");
        admin
            .execute(format!(r#"CREATE DATABASE "{db_name}""#).as_str())
            .await
            .unwrap();
        // The app's role, once per cluster (tests racing to make it: one wins).
        let _ = admin
            .execute(format!("CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").as_str())
            .await;
        Self::start(db_name, vars, mail_worker).await
    }

    /// A second app instance on this instance's database, as behind a load
    /// balancer.
    pub async fn second_instance(&self) -> TestApp {
        Self::start(self.db_name.clone(), &[], true).await
    }

    /// A second app instance on this instance's database with `vars` set.
    pub async fn second_instance_with(&self, vars: &[(&str, &str)]) -> TestApp {
        Self::start(self.db_name.clone(), vars, true).await
    }

    async fn start(db_name: String, vars: &[(&str, &str)], mail_worker: bool) -> TestApp {
        let mut env: HashMap<String, String> = HashMap::from([
            // As in production: migrations as the owner, the app as its own role.
            ("DATABASE_URL".into(), app_url_for(&db_name)),
            ("DATABASE_MIGRATE_URL".into(), url_for(&db_name)),
            ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
            ("DATABASE_MAX_CONNECTIONS".into(), "5".into()),
        ]);
        for (k, v) in vars {
            env.insert(k.to_string(), v.to_string());
        }
        let config = Config::from_lookup(|k| env.get(k).cloned()).unwrap();
        let state = startup::state(config).unwrap();
        startup::migrate(&state).await.unwrap();
        startup::prepare(&state).await.unwrap();
        let pool = state.pool.clone();
        let owner = sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect_lazy(&url_for(&db_name))
            .unwrap();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel();
        let scan = mail::Found::default();
        let smtp = Sink::start_observed(
            "127.0.0.1:0".parse().unwrap(),
            10_000,
            Some(mail::observer(scan.clone())),
        )
        .await
        .unwrap();
        let mut app = TestApp {
            address: address.clone(),
            pool: pool.clone(),
            owner,
            db_name: db_name.clone(),
            smtp,
            scan,
            live: state.live.clone(),
            mail_worker: None,
            bsn_keys: state.config.bsn_keys.clone(),
            shutdown: None,
            _watchdog: Watchdog::start(&db_name),
        };
        if mail_worker {
            app.mail_worker = Some(app.start_mail_worker(WorkerConfig {
                poll: std::time::Duration::from_secs(1),
                ..WorkerConfig::default()
            }));
        }
        let live = state.live.clone();
        let router = startup::router(state);
        tokio::spawn(async move {
            startup::serve(listener, router, async move {
                let _ = rx.await;
                live.close();
            })
            .await
            .unwrap();
        });
        app.shutdown = Some(tx);
        app
    }

    /// Waits until this instance's live listener has read every event
    /// committed so far (a stream opened afterwards starts after them).
    pub async fn live_caught_up(&self) {
        let high = db::live::high_water(&self.pool).await.unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.live.position() < high {
            assert!(
                std::time::Instant::now() < deadline,
                "the live listener did not reach event {high} in 10 s (at {})",
                self.live.position()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// A mailer to this app's SMTP server, with links to this app.
    pub fn mailer(&self) -> Mailer {
        Mailer::new(
            &SmtpUrl::parse(&self.smtp.url()).unwrap(),
            "Zorgsignaal <noreply@zorgsignaal.test>",
            &self.address,
            4,
        )
        .unwrap()
    }

    /// Starts a mail worker on this app's outbox, sending to its SMTP server.
    pub fn start_mail_worker(&self, config: WorkerConfig) -> MailWorker {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let handle = worker::spawn(self.pool.clone(), self.mailer(), config, stopped);
        MailWorker { stop, handle }
    }

    /// Waits (at most 20 s) until the SMTP server holds `n` mails; returns them.
    pub async fn wait_for_mails(&self, n: usize) -> Vec<zorgsignaal::server::mail::sink::Received> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while self.smtp.count() < n && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let mails = self.smtp.mails();
        assert!(
            mails.len() >= n,
            "expected {n} mails, the SMTP server has {}",
            mails.len()
        );
        mails
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Calls a server function the way the hydrated page does (same origin,
    /// form-encoded arguments, JSON answer).
    pub async fn call(&self, client: &Client, endpoint: &str, args: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header(header::ORIGIN, &self.address)
            .header(header::ACCEPT, "application/json")
            .form(args)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, client: &Client, email: &str, password: &str) -> Response {
        self.call(client, "login", &[("email", email), ("password", password)])
            .await
    }

    /// A client logged in as `user`.
    pub async fn logged_in(&self, user: &TestUser) -> Client {
        let client = self.client();
        let res = self.login(&client, &user.email, &user.password).await;
        assert_eq!(res.status(), 200, "log-in of {}", user.email);
        client
    }

    /// A municipality in the test region, for the youths' residence.
    pub async fn municipality(&self) -> &'static str {
        let region = db::organisations::upsert_region(&self.pool, "Testregio")
            .await
            .unwrap();
        db::organisations::upsert_municipality(&self.pool, "GM0014", "Groningen", region)
            .await
            .unwrap();
        "GM0014"
    }

    /// A fresh API token for `organisation_id`, made by `by`.
    pub async fn api_token(&self, organisation_id: Uuid, by: Uuid) -> String {
        let token = format!("zs_{}", auth::new_token());
        db::tokens::insert(
            &self.pool,
            organisation_id,
            "test",
            &auth::hash_token(&token),
            "zs_…",
            by,
        )
        .await
        .unwrap();
        token
    }

    /// Starts building a user of a fresh organisation in a test region.
    pub fn user(&self) -> UserBuilder<'_> {
        UserBuilder {
            app: self,
            email: format!("{}@test.example", Uuid::new_v4().simple()),
            name: "Test Gebruiker".into(),
            roles: vec![Role::Professional],
            kind: OrganisationKind::Jgz,
            region: "Testregio".into(),
            two_factor_exempt: true,
        }
    }

    /// Calls a server function with a given cookie and nothing else, like
    /// someone replaying a cookie they kept.
    pub async fn call_with_cookie(&self, endpoint: &str, cookie: &str) -> Response {
        self.client()
            .post(self.url(&format!("/api/{endpoint}")))
            .header(header::ORIGIN, &self.address)
            .header(header::COOKIE, cookie)
            .send()
            .await
            .unwrap()
    }

    /// The lookup key the database keeps for `bsn`.
    pub fn bsn_hmac(&self, bsn: &str) -> Vec<u8> {
        self.bsn_keys
            .hash(&zorgsignaal::domain::bsn::Bsn::parse(bsn).expect("a valid test BSN"))
    }

    /// A SQL condition on `youths` for the youth with `bsn`.
    pub fn bsn_is(&self, bsn: &str) -> String {
        let hex: String = self.bsn_hmac(bsn).iter().map(|b| format!("{b:02x}")).collect();
        format!("bsn_hmac = decode('{hex}', 'hex')")
    }

    /// Opens a page the way a browser does (it accepts HTML).
    pub async fn page(&self, client: &Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .send()
            .await
            .unwrap()
    }

    /// The JSON a GET of `path` answers, without a session.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let res = self.client().get(self.url(path)).send().await.unwrap();
        assert!(res.status().is_success(), "GET {path}: {}", res.status());
        res.json().await.unwrap()
    }

    /// The single number `sql` selects.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    /// Runs `sql` on this app's database (for back-dating rows in tests of time).
    pub async fn execute(&self, sql: &str) {
        sqlx::query(sql).execute(&self.pool).await.unwrap();
    }

    /// The app's DATABASE_URL (its own role).
    pub fn database_url(&self) -> String {
        app_url_for(&self.db_name)
    }

    /// The owner's URL (DATABASE_MIGRATE_URL).
    pub fn owner_url(&self) -> String {
        url_for(&self.db_name)
    }

    /// Runs `sql` as the owner of the tables (what the app's role may not).
    pub async fn execute_as_owner(&self, sql: &str) {
        sqlx::query(sql).execute(&self.owner).await.unwrap();
    }

    pub async fn drop_database(&self) {
        let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
        admin
            .execute(format!(r#"DROP DATABASE "{}" WITH (FORCE)"#, self.db_name).as_str())
            .await
            .unwrap();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(w) = self.mail_worker.take() {
            w.handle.abort();
        }
        let found = self.scan.lock().unwrap().clone();
        if !found.is_empty() && !std::thread::panicking() {
            panic!("mail that must not be sent was sent: {found:#?}");
        }
    }
}

/// A user with a logged-in client.
pub struct Person {
    pub user: TestUser,
    pub client: Client,
}

impl TestApp {
    /// A logged-in user `name` (e-mail `name@kind.example`) with `roles`, in
    /// the test region's organisation of `kind`.
    pub async fn person(&self, name: &str, kind: OrganisationKind, roles: &[Role]) -> Person {
        self.municipality().await;
        let user = self
            .user()
            .name(name)
            .email(&format!("{}@{}.example", name.to_lowercase(), kind.as_str()))
            .organisation_kind(kind)
            .roles(roles)
            .create()
            .await;
        let client = self.logged_in(&user).await;
        Person { user, client }
    }

    /// Calls a server function as `p`.
    pub async fn call_as(&self, p: &Person, endpoint: &str, args: &[(&str, &str)]) -> Response {
        self.call(&p.client, endpoint, args).await
    }
}

pub struct TestUser {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub email: String,
    pub password: String,
}

pub struct UserBuilder<'a> {
    app: &'a TestApp,
    email: String,
    name: String,
    roles: Vec<Role>,
    kind: OrganisationKind,
    region: String,
    two_factor_exempt: bool,
}

impl UserBuilder<'_> {
    /// A user held to the second-factor rules. By default test users are
    /// exempt, as the demo's are, so tests about other things log in with
    /// a password alone; tests of two-factor log-in use this.
    pub fn with_two_factor_rules(mut self) -> Self {
        self.two_factor_exempt = false;
        self
    }

    pub fn roles(mut self, roles: &[Role]) -> Self {
        self.roles = roles.to_vec();
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    pub fn email(mut self, email: &str) -> Self {
        self.email = email.to_string();
        self
    }

    /// The region of the user's organisation (default: the test region).
    pub fn region(mut self, name: &str) -> Self {
        self.region = name.to_string();
        self
    }

    pub fn organisation_kind(mut self, kind: OrganisationKind) -> Self {
        self.kind = kind;
        self
    }

    pub async fn create(self) -> TestUser {
        let pool = &self.app.pool;
        let region = db::organisations::upsert_region(pool, &self.region)
            .await
            .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        let org = db::organisations::upsert_organisation(
            &mut conn,
            region,
            &format!("Organisatie {}", self.kind.as_str()),
            self.kind,
            self.kind.default_capabilities(),
        )
        .await
        .unwrap();
        let hash = password_hash().await;
        let id = db::users::insert_if_absent(
            &mut conn,
            &db::users::NewUser {
                organisation_id: org,
                email: &self.email,
                name: &self.name,
                phone: "050 000 0000",
                password_hash: hash,
                roles: &self.roles,
                two_factor_exempt: self.two_factor_exempt,
            },
        )
        .await
        .unwrap();
        TestUser {
            id,
            organisation_id: org,
            email: self.email,
            password: PASSWORD.to_string(),
        }
    }
}

/// The session cookie a response sets, as `name=value`.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("zs_session=") && !v.contains("Max-Age=0"))
        .map(|v| v.split(';').next().unwrap().to_string())
}
