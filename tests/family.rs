//! 1 Gezin 1 Plan 1 Regisseur against the real server and database:
//! linking youths into a family, the one plan, consent, and one coordinator
//! for the family when the covenant says so.

mod common;

use common::{Person, TestApp};
use serde_json::Value;
use zorgsignaal::domain::{organisation::OrganisationKind, role::Role};

const A: &str = "100174218";
const B: &str = "100372193";
const C: &str = "100419707";

const COORD: &[Role] = &[Role::Professional, Role::Coordinator];

async fn call(app: &TestApp, p: &Person, endpoint: &str, args: &[(&str, &str)]) -> reqwest::Response {
    app.call_as(p, endpoint, args).await
}

async fn person(app: &TestApp, name: &str, kind: OrganisationKind, roles: &[Role]) -> Person {
    app.person(name, kind, roles).await
}

use common::case::involve_in as involve;

async fn id(app: &TestApp, bsn: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM youths WHERE bsn_hmac = $1")
        .bind(app.bsn_hmac(bsn))
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string()
}

async fn family(app: &TestApp, p: &Person, youth: &str) -> (u16, Value) {
    let res = call(app, p, "youth", &[("id", youth)]).await;
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap_or(Value::Null);
    (status, v["family"].clone())
}

/// Issue 19: each organisation sees a youth as it recorded it in the
/// family part of a page (members and the youths it may link), and the
/// history line of a link names no youth (not everyone involved with one
/// knows the other).
/// The names of the youths the family part offers to link.
fn candidate_names(f: &Value) -> Vec<&str> {
    f["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn family_members_show_as_the_viewers_organisation_recorded_them() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let carla = person(&app, "Carla", OrganisationKind::School, &[Role::Professional]).await;
    involve(&app, &anna, A, "Sanne").await;
    involve(&app, &anna, B, "Daan").await;
    involve(&app, &carla, A, "Sanne").await;
    // Carla's school knows Daan as Daniel: recorded, never refused.
    involve(&app, &carla, B, "Daniel").await;
    let (a, b) = (id(&app, A).await, id(&app, B).await);
    let (_, f) = family(&app, &carla, &a).await;
    let names = candidate_names(&f);
    assert_eq!(names, ["Daniel Jansen"], "Carla's own youths, in her version");
    let res = call(&app, &anna, "link_family", &[("youth", &a), ("other", &b)]).await;
    assert_eq!(res.status(), 200);
    let (_, f) = family(&app, &carla, &a).await;
    assert_eq!(f["members"][0]["name"], "Daniel Jansen");
    let (_, f) = family(&app, &anna, &a).await;
    assert_eq!(f["members"][0]["name"], "Daan Jansen");
    let texts: Vec<String> =
        sqlx::query_scalar("SELECT text FROM coordination_events WHERE youth_id = ANY($1)")
            .bind([a.parse::<uuid::Uuid>().unwrap(), b.parse::<uuid::Uuid>().unwrap()])
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let linked: Vec<&String> = texts.iter().filter(|t| t.contains("gezin")).collect();
    assert_eq!(linked.len(), 2, "{texts:?}");
    for t in linked {
        assert!(!["Sanne", "Daan", "Daniel"].iter().any(|n| t.contains(n)), "{t}");
    }
    app.drop_database().await;
}

#[tokio::test]
async fn a_professional_links_two_of_their_youths_and_nobody_links_what_they_cannot_see() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let carla = person(&app, "Carla", OrganisationKind::School, &[Role::Professional]).await;
    for (bsn, given) in [(A, "Sanne"), (B, "Daan"), (C, "Mila")] {
        involve(&app, &anna, bsn, given).await;
    }
    involve(&app, &carla, A, "Sanne").await;
    let (a, b, c) = (id(&app, A).await, id(&app, B).await, id(&app, C).await);

    // Carla sees only Sanne: she cannot pull Daan into a family.
    let res = call(&app, &carla, "link_family", &[("youth", &a), ("other", &b)]).await;
    assert_eq!(res.status(), 404);
    let (_, f) = family(&app, &anna, &a).await;
    let names = candidate_names(&f);
    assert_eq!(names, ["Daan Jansen", "Mila Jansen"]);
    let res = call(&app, &anna, "link_family", &[("youth", &a), ("other", &b)]).await;
    assert_eq!(res.status(), 200);

    // Both pages name the other; carla sees Daan's name but cannot open his page.
    let (_, f) = family(&app, &carla, &a).await;
    assert_eq!(f["in_family"], true);
    assert_eq!(f["members"][0]["name"], "Daan Jansen");
    assert_eq!(f["members"][0]["may_view"], false);
    assert_eq!(family(&app, &carla, &b).await.0, 404);
    let (_, f) = family(&app, &anna, &b).await;
    assert_eq!(f["members"][0]["name"], "Sanne Jansen");
    assert_eq!(f["members"][0]["may_view"], true);

    // Mila in a family of her own cannot join a second one.
    let (_, d) = (
        involve(&app, &anna, "100475140", "Noor").await,
        id(&app, "100475140").await,
    );
    assert_eq!(
        call(&app, &anna, "link_family", &[("youth", &c), ("other", &d)])
            .await
            .status(),
        200
    );
    let res = call(&app, &anna, "link_family", &[("youth", &a), ("other", &c)]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("al bij een ander gezin"));
    // Taking Daan out leaves Sanne alone.
    assert_eq!(
        call(&app, &anna, "unlink_family", &[("youth", &b)])
            .await
            .status(),
        200
    );
    assert_eq!(family(&app, &anna, &a).await.1["members"], serde_json::json!([]));
}

#[tokio::test]
async fn the_family_has_one_plan_and_consent_that_only_involved_professionals_read() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    let eva = person(&app, "Eva", OrganisationKind::Ggz, &[Role::Professional]).await;
    involve(&app, &anna, A, "Sanne").await;
    involve(&app, &anna, B, "Daan").await;
    involve(&app, &bram, B, "Daan").await;
    let (a, b) = (id(&app, A).await, id(&app, B).await);
    // A plan for Sanne alone becomes the family's when Daan joins.
    let res = call(
        &app,
        &anna,
        "save_plan",
        &[
            ("youth", &a),
            ("goals", "Rust in huis."),
            ("review_on", "2027-03-01"),
            ("family_agreed", "on"),
            ("family_agreed_on", "2026-11-20"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        call(&app, &anna, "link_family", &[("youth", &a), ("other", &b)])
            .await
            .status(),
        200
    );
    let res = call(
        &app,
        &bram,
        "add_agreement",
        &[
            ("youth", &b),
            ("who", "Bram"),
            ("what", "Huisbezoek"),
            ("due_on", "2026-12-01"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = call(
        &app,
        &bram,
        "add_agreement",
        &[("youth", &b), ("who", ""), ("what", "")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("\"who\"") && body.contains("\"agreement_what\""),
        "{body}"
    );

    let (_, f) = family(&app, &bram, &b).await;
    assert_eq!(f["plan"]["goals"], "Rust in huis.");
    assert_eq!(f["plan"]["family_agreed_on"], "2026-11-20");
    assert_eq!(f["plan"]["agreements"][0]["what"], "Huisbezoek");

    // Consent: who, what, with whom; or not informed, with a justification.
    let res = call(
        &app,
        &anna,
        "record_consent",
        &[
            ("youth", &a),
            ("kind", "gegeven"),
            ("given_by", "Moeder"),
            ("what", "het plan"),
            ("with_whom", "GGD en WIJ"),
            ("valid_from", "2026-11-20"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = call(
        &app,
        &anna,
        "record_consent",
        &[
            ("youth", &a),
            ("kind", "niet_geinformeerd"),
            ("valid_from", "2026-11-20"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("\"justification\""));
    let res = call(
        &app,
        &anna,
        "record_consent",
        &[
            ("youth", &a),
            ("kind", "niet_geinformeerd"),
            ("valid_from", "2026-11-20"),
            ("justification", "Vermoeden van geweld."),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let (_, f) = family(&app, &bram, &b).await;
    let consents = f["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 2);
    let consent = consents.iter().find(|c| c["given"] == true).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        call(
            &app,
            &bram,
            "withdraw_consent",
            &[("youth", &b), ("id", &consent)]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        family(&app, &anna, &a).await.1["consents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["withdrawn"] == true)
            .count(),
        1
    );

    // Eva is not involved: nothing to read, nothing to write.
    assert_eq!(family(&app, &eva, &a).await.0, 404);
    for (endpoint, args) in [
        ("save_plan", vec![("youth", a.as_str()), ("goals", "x")]),
        (
            "add_agreement",
            vec![("youth", a.as_str()), ("who", "x"), ("what", "y")],
        ),
        (
            "record_consent",
            vec![
                ("youth", a.as_str()),
                ("kind", "gegeven"),
                ("given_by", "x"),
                ("what", "y"),
                ("with_whom", "z"),
                ("valid_from", "2026-11-20"),
            ],
        ),
        (
            "withdraw_consent",
            vec![("youth", a.as_str()), ("id", consent.as_str())],
        ),
        ("unlink_family", vec![("youth", a.as_str())]),
    ] {
        assert_eq!(
            call(&app, &eva, endpoint, &args).await.status(),
            404,
            "{endpoint}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM plans").await, 1);
    assert_eq!(app.count("SELECT count(*) FROM consents").await, 2);
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE result = 'denied' AND user_id IS NOT NULL")
            .await
            >= 5
    );
}

#[tokio::test]
async fn under_a_covenant_with_family_coordination_a_youth_gets_the_familys_coordinator() {
    let app = TestApp::spawn().await;
    let rita = person(&app, "Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin]).await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    let eva = person(&app, "Eva", OrganisationKind::Ggz, &[Role::Professional]).await;
    let res = call(
        &app,
        &rita,
        "set_family_coordination",
        &[("based_on", "1"), ("family", "on")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        call(&app, &rita, "activate_covenant", &[("version", "2")])
            .await
            .status(),
        200
    );

    // Sanne: GGD first, then WIJ: GGD coordinates.
    involve(&app, &anna, A, "Sanne").await;
    involve(&app, &bram, A, "Sanne").await;
    // Daan: WIJ first; linked to Sanne before his match.
    involve(&app, &bram, B, "Daan").await;
    let (a, b) = (id(&app, A).await, id(&app, B).await);
    assert_eq!(
        call(&app, &bram, "link_family", &[("youth", &b), ("other", &a)])
            .await
            .status(),
        200
    );
    involve(&app, &eva, B, "Daan").await;
    let org: uuid::Uuid = sqlx::query_scalar(
        "SELECT organisation_id FROM coordinations c JOIN youths y ON y.id = c.youth_id WHERE y.bsn_hmac = $1 AND c.ended_at IS NULL",
    )
    .bind(app.bsn_hmac(B))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        org, anna.user.organisation_id,
        "the family's coordinator, not the rules' WIJ"
    );
    let res = call(&app, &eva, "youth", &[("id", &b)]).await;
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["coordination"]["explanation"],
        "Eén gezin, één coördinator (convenant Testregio v2): Organisatie jgz coördineert al voor het gezin."
    );
    // Anna coordinates Daan without being involved with him, and may open his page.
    let res = call(&app, &anna, "youth", &[("id", &b)]).await;
    assert_eq!(res.status(), 200);
    // A change on Daan keeps it: GGD is involved with the family.
    let registration = sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM registrations WHERE user_id = $1")
        .bind(eva.user.id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string();
    let res = call(
        &app,
        &eva,
        "change_end_date",
        &[("id", &registration), ("end_date", "2027-06-01")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM coordinations c JOIN youths y ON y.id = c.youth_id WHERE y.{} AND c.ended_at IS NULL AND c.how = 'rule'",
            app.bsn_is("100372193")
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn an_action_for_the_family_shows_on_every_members_page_and_any_members_professional_may_do_it() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    let eva = person(&app, "Eva", OrganisationKind::Ggz, &[Role::Professional]).await;
    // A: anna and bram (GGD coordinates); B: anna and eva.
    for (p, bsn, given) in [
        (&anna, A, "Sanne"),
        (&bram, A, "Sanne"),
        (&anna, B, "Tim"),
        (&eva, B, "Tim"),
    ] {
        involve(&app, p, bsn, given).await;
    }
    let (a, b) = (id(&app, A).await, id(&app, B).await);
    let due = (chrono::Local::now().date_naive() + chrono::Days::new(10)).to_string();
    let to_eva = format!("gebruiker:{}", eva.user.id);
    let create = |family: bool| {
        let mut args = vec![
            ("youth", a.clone()),
            ("title", "Gezinsgesprek".to_string()),
            ("due_on", due.clone()),
            ("assignee", to_eva.clone()),
        ];
        if family {
            args.push(("for_family", "ja".to_string()));
        }
        args
    };
    let send = |args: Vec<(&'static str, String)>| {
        let anna = &anna;
        let app = &app;
        async move {
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            call(app, anna, "create_action", &args).await
        }
    };
    let res = send(create(true)).await;
    assert_eq!(res.status(), 422, "no family yet");
    assert!(res.text().await.unwrap().contains("\"field\":\"for_family\""));
    assert_eq!(
        call(&app, &anna, "link_family", &[("youth", &a), ("other", &b)])
            .await
            .status(),
        200
    );
    assert_eq!(
        send(create(false)).await.status(),
        422,
        "eva is not involved with A"
    );
    assert_eq!(send(create(true)).await.status(), 200, "but with the family");

    // On both members' pages, for everyone who may see them.
    for (p, youth) in [(&anna, &a), (&bram, &a), (&eva, &b), (&anna, &b)] {
        let list: Value = call(&app, p, "youth_actions", &[("youth", youth)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["family"], true);
    }
    let mine: Value = call(&app, &eva, "my_actions", &[]).await.json().await.unwrap();
    let action = mine[0]["id"].as_str().unwrap().to_string();
    assert_eq!(mine[0]["may_tick"], true);
    assert_eq!(
        call(
            &app,
            &eva,
            "complete_action",
            &[("id", &action), ("note", "alleen voor Eva")]
        )
        .await
        .status(),
        200
    );
    let seen: Value = call(&app, &bram, "youth_actions", &[("youth", &a)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen[0]["lane"], "Done");
    assert_eq!(seen[0]["private_note"], Value::Null);
    // Both members' pages are told live.
    let told = app
        .count(&format!(
            "SELECT count(DISTINCT youth_id) FROM live_events WHERE action_id = '{action}'"
        ))
        .await;
    assert_eq!(told, 2);
}
