//! One youth, three involved professionals and the coordinator's actions:
//! the case the action and live tests share.

use super::{Person, TestApp};
use zorgsignaal::domain::{organisation::OrganisationKind, role::Role};

pub const BSN: &str = "100601844";

pub const COORD: &[Role] = &[Role::Professional, Role::Coordinator];
pub const PRO: &[Role] = &[Role::Professional];

pub async fn involve(app: &TestApp, p: &Person) {
    involve_in(app, p, BSN, "Sanne").await
}

/// `p` registers youth `bsn` (a school signals instead).
pub async fn involve_in(app: &TestApp, p: &Person, bsn: &str, given: &str) {
    let mut args = vec![
        ("bsn", bsn),
        ("given_names", given),
        ("family_name", "Jansen"),
        ("birth_date", "2016-05-01"),
        ("municipality_code", "GM0014"),
    ];
    let school = p.user.email.contains("school");
    if school {
        args.push(("kind", "onderwijs_verzuim"));
    }
    let res = app
        .call_as(p, if school { "signal" } else { "register" }, &args)
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

pub async fn youth(app: &TestApp) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM youths WHERE bsn_hmac = $1")
        .bind(app.bsn_hmac(BSN))
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string()
}

pub fn due() -> String {
    (chrono::Local::now().date_naive() + chrono::Days::new(14)).to_string()
}

/// anna (GGD, coordinator), bram (WIJ), carla (school), all involved; GGD coordinates.
pub async fn case(app: &TestApp) -> (Person, Person, Person, String) {
    let anna = app.person("Anna", OrganisationKind::Jgz, COORD).await;
    let bram = app.person("Bram", OrganisationKind::Wijkteam, COORD).await;
    let carla = app.person("Carla", OrganisationKind::School, PRO).await;
    for p in [&anna, &bram, &carla] {
        involve(app, p).await;
    }
    let id = youth(app).await;
    (anna, bram, carla, id)
}

pub async fn create(app: &TestApp, by: &Person, youth: &str, assignee: &str) -> reqwest::Response {
    let due = due();
    app.call_as(
        by,
        "create_action",
        &[
            ("youth", youth),
            ("title", "Huisbezoek"),
            ("description", "Samen met WIJ."),
            ("due_on", &due),
            ("assignee", assignee),
        ],
    )
    .await
}
