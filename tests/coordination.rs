//! Chain coordination against the real server and database: appointment by
//! the covenant's rules, taking a case, warm handover, reappointment,
//! rule editing with dry run, escalation, and who may do what.

mod common;

use common::{Person, TestApp, TestUser};
use serde_json::Value;
use zorgsignaal::domain::{organisation::OrganisationKind, role::Role};

const TODDLER: &str = "100023757"; // born two years ago
const CHILD: &str = "100039595"; // ten years old
const OTHER: &str = "100126704";

const PRO: &[Role] = &[Role::Professional];
const COORD: &[Role] = &[Role::Professional, Role::Coordinator];

fn birth_date(bsn: &str) -> String {
    let years = if bsn == TODDLER { 2 } else { 10 };
    let today = chrono::Local::now().date_naive();
    (today - chrono::Months::new(12 * years + 1)).to_string()
}

fn youth_args(bsn: &str) -> Vec<(&'static str, String)> {
    vec![
        ("bsn", bsn.to_string()),
        ("given_names", "Sanne".to_string()),
        ("family_name", "Bakker".to_string()),
        ("birth_date", birth_date(bsn)),
        ("municipality_code", "GM0014".to_string()),
    ]
}

async fn call(app: &TestApp, p: &Person, endpoint: &str, args: &[(&str, &str)]) -> reqwest::Response {
    app.call_as(p, endpoint, args).await
}

async fn person(app: &TestApp, name: &str, kind: OrganisationKind, roles: &[Role]) -> Person {
    app.person(name, kind, roles).await
}

/// Registers (JGZ, wijkteam, GGZ) or signals (school, police) on `bsn`.
async fn involve(app: &TestApp, p: &Person, bsn: &str, signal: bool) {
    let mut args = youth_args(bsn);
    if signal {
        args.push(("kind", "onderwijs_verzuim".into()));
    }
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = call(app, p, if signal { "signal" } else { "register" }, &args).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

async fn youth_id(app: &TestApp, bsn: &str) -> String {
    app.youth_id(bsn).await.to_string()
}

/// The youth page's data as `p` sees it (status, JSON).
async fn page(app: &TestApp, p: &Person, id: &str) -> (u16, Value) {
    let res = call(app, p, "youth", &[("id", id)]).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn coordination(app: &TestApp, p: &Person, id: &str) -> Value {
    let (status, v) = page(app, p, id).await;
    assert_eq!(status, 200, "{v}");
    v["coordination"].clone()
}

async fn active(app: &TestApp, bsn: &str) -> (Option<uuid::Uuid>, Option<uuid::Uuid>, String) {
    sqlx::query_as(
        "SELECT c.organisation_id, c.coordinator_id, c.how FROM coordinations c JOIN youths y ON y.id = c.youth_id
          WHERE y.bsn_hmac = $1 AND c.ended_at IS NULL",
    )
    .bind(app.bsn_hmac(bsn))
    .fetch_optional(&app.pool)
    .await
    .unwrap()
    .map(|(o, c, h): (uuid::Uuid, Option<uuid::Uuid>, String)| (Some(o), c, h))
    .unwrap_or((None, None, String::new()))
}

async fn coordination_mails(app: &TestApp, user: &TestUser) -> i64 {
    app.coordination_mails_to(user.id).await
}

/// A region admin adds a rule and activates the new version.
async fn add_rule(app: &TestApp, admin: &Person, based_on: &str, args: &[(&str, &str)]) -> Value {
    let mut all = vec![("based_on", based_on)];
    all.extend_from_slice(args);
    let res = call(app, admin, "save_rule", &all).await;
    let status = res.status();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{v}");
    v
}

#[tokio::test]
async fn a_match_appoints_exactly_one_organisation_by_its_rule_and_version_and_mails_its_coordinators() {
    let app = TestApp::spawn().await;
    let rita = person(&app, "Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin]).await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let carla = person(&app, "Carla", OrganisationKind::School, PRO).await;
    // Version 2: young children go to JGZ. The form sends the map fields as kinds[jgz].
    let v = add_rule(
        &app,
        &rita,
        "1",
        &[("max_age", "4"), ("kinds[jgz]", "ja"), ("outcome", "soort:jgz")],
    )
    .await;
    assert_eq!(v, 2);
    let res = call(&app, &rita, "activate_covenant", &[("version", "2")]).await;
    assert_eq!(res.status(), 200);

    involve(&app, &anna, TODDLER, false).await;
    assert_eq!(
        active(&app, TODDLER).await.0,
        None,
        "one organisation is no match"
    );
    involve(&app, &carla, TODDLER, true).await;

    let (org, person_id, how) = active(&app, TODDLER).await;
    assert_eq!(org, Some(anna.user.organisation_id));
    assert_eq!(
        person_id, None,
        "the organisation coordinates until someone takes the case"
    );
    assert_eq!(how, "rule");
    let (version, rule): (i32, i32) = sqlx::query_as(
        "SELECT v.version, c.rule_number FROM coordinations c JOIN covenant_versions v ON v.id = c.covenant_version_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((version, rule), (2, 1));
    assert_eq!(app.count("SELECT count(*) FROM coordinations").await, 1);
    assert_eq!(
        coordination_mails(&app, &anna.user).await,
        1,
        "the coordinator of GGD is mailed"
    );
    assert_eq!(coordination_mails(&app, &carla.user).await, 0);

    // Every involved professional sees who coordinates and why.
    let id = youth_id(&app, TODDLER).await;
    let c = coordination(&app, &carla, &id).await;
    assert_eq!(c["organisation"], "Organisatie jgz");
    assert_eq!(
        c["explanation"],
        "Regel 1 van convenant Testregio v2: leeftijd tot en met 4 en JGZ betrokken → Organisatie jgz"
    );
    assert_eq!(c["may_take"], false);
    let history = c["history"].to_string();
    assert!(
        history.contains("Organisatie jgz is aangewezen als coördinerende organisatie"),
        "{history}"
    );
    let mails = app.wait_for_mails(3).await;
    assert!(mails
        .iter()
        .any(|m| m.subject.contains("jouw organisatie coördineert")
            && m.text.contains("Regel 1 van convenant")));
}

#[tokio::test]
async fn schools_and_police_are_never_appointed_and_the_page_says_why() {
    let app = TestApp::spawn().await;
    let carla = person(&app, "Carla", OrganisationKind::School, PRO).await;
    let dirk = person(&app, "Dirk", OrganisationKind::Politie, PRO).await;
    involve(&app, &carla, CHILD, true).await;
    involve(&app, &dirk, CHILD, true).await;
    assert_eq!(app.count("SELECT count(*) FROM coordinations").await, 0);
    let c = coordination(&app, &dirk, &youth_id(&app, CHILD).await).await;
    assert_eq!(c["organisation"], Value::Null);
    assert!(c["explanation"]
        .as_str()
        .unwrap()
        .contains("Geen van de betrokken organisaties mag coördineren"));
}

#[tokio::test]
async fn a_coordinator_takes_the_case_or_assigns_a_colleague_and_nobody_else_can() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let ans = person(&app, "Ans", OrganisationKind::Jgz, &[Role::Coordinator]).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    involve(&app, &anna, CHILD, false).await;
    involve(&app, &bram, CHILD, false).await;
    let id = youth_id(&app, CHILD).await;
    // The fallback: GGD was involved first.
    assert_eq!(active(&app, CHILD).await.0, Some(anna.user.organisation_id));

    // Bram coordinates for another organisation: not his to take.
    let res = call(&app, &bram, "take_coordination", &[("youth", &id)]).await;
    assert_eq!(res.status(), 404);
    // Ans, a coordinator of GGD who is not involved herself, may open the page and take it.
    let c = coordination(&app, &ans, &id).await;
    assert_eq!(c["may_take"], true);
    let res = call(&app, &ans, "take_coordination", &[("youth", &id)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(active(&app, CHILD).await.1, Some(ans.user.id));
    // She gives it to Anna, who is mailed.
    let before = coordination_mails(&app, &anna.user).await;
    let anna_id = anna.user.id.to_string();
    let res = call(
        &app,
        &ans,
        "take_coordination",
        &[("youth", &id), ("assignee", &anna_id)],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(active(&app, CHILD).await.1, Some(anna.user.id));
    assert_eq!(coordination_mails(&app, &anna.user).await, before + 1);
    // Not to someone outside GGD.
    let bram_id = bram.user.id.to_string();
    let res = call(
        &app,
        &ans,
        "take_coordination",
        &[("youth", &id), ("assignee", &bram_id)],
    )
    .await;
    assert_eq!(res.status(), 404);
    let c = coordination(&app, &bram, &id).await;
    assert_eq!(c["coordinator"]["name"], "Anna");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'coordination_take' AND result = 'denied'")
            .await,
        2
    );
}

#[tokio::test]
async fn a_warm_handover_moves_coordination_only_when_the_receiver_accepts() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    let carla = person(&app, "Carla", OrganisationKind::School, PRO).await;
    for p in [&anna, &bram] {
        involve(&app, p, TODDLER, false).await;
    }
    involve(&app, &carla, TODDLER, true).await;
    let id = youth_id(&app, TODDLER).await;
    let wij = bram.user.organisation_id.to_string();
    let c = coordination(&app, &anna, &id).await;
    assert_eq!(
        c["handover_targets"][0]["name"], "Organisatie wijkteam",
        "the school is no target"
    );
    assert_eq!(c["handover_targets"].as_array().unwrap().len(), 1);

    // Only the coordinator proposes.
    let proposal = [
        ("youth", id.as_str()),
        ("to_organisation", wij.as_str()),
        ("family_informed", "on"),
        ("plan_shared", "on"),
        ("agreements", "Eerste overleg op dinsdag."),
    ];
    let res = call(&app, &carla, "propose_handover", &proposal).await;
    assert_eq!(res.status(), 403, "carla is no coordinator");
    let res = call(&app, &bram, "propose_handover", &proposal).await;
    assert_eq!(res.status(), 404, "bram does not coordinate this case");
    let school = carla.user.organisation_id.to_string();
    let res = call(
        &app,
        &anna,
        "propose_handover",
        &[("youth", &id), ("to_organisation", &school)],
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = call(&app, &anna, "propose_handover", &proposal).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // Until accepted GGD stays responsible, and the page says so.
    assert_eq!(active(&app, TODDLER).await.0, Some(anna.user.organisation_id));
    let c = coordination(&app, &carla, &id).await;
    assert_eq!(c["handover"]["to"], "Organisatie wijkteam");
    assert_eq!(
        c["handover"]["checklist"],
        serde_json::json!([true, true, false, false])
    );
    assert_eq!(c["handover"]["agreements"], "Eerste overleg op dinsdag.");
    let handover = c["handover"]["id"].as_str().unwrap().to_string();
    // Only the receiver decides.
    let res = call(&app, &anna, "accept_handover", &[("id", &handover)]).await;
    assert_eq!(res.status(), 404);
    let res = call(
        &app,
        &bram,
        "reject_handover",
        &[("id", &handover), ("reason", " ")],
    )
    .await;
    assert_eq!(res.status(), 422, "a rejection needs a reason");
    assert_eq!(coordination(&app, &bram, &id).await["may_decide_handover"], true);
    let res = call(&app, &bram, "accept_handover", &[("id", &handover)]).await;
    assert_eq!(res.status(), 200);

    let (org, who, how) = active(&app, TODDLER).await;
    assert_eq!(
        (org, who, how.as_str()),
        (Some(bram.user.organisation_id), Some(bram.user.id), "handover")
    );
    let c = coordination(&app, &anna, &id).await;
    assert_eq!(c["organisation"], "Organisatie wijkteam");
    assert_eq!(c["coordinator"]["name"], "Bram");
    assert_eq!(c["handover"], Value::Null);
    let history = c["history"].to_string();
    assert!(
        history.contains("stelt voor de coördinatie over te dragen"),
        "{history}"
    );
    assert!(history.contains("accepteert de overdracht"), "{history}");
    // Both sides were mailed at both steps.
    assert_eq!(
        coordination_mails(&app, &anna.user).await,
        3,
        "appointed, proposed, accepted"
    );
    assert_eq!(
        coordination_mails(&app, &bram.user).await,
        2,
        "proposed, accepted"
    );
}

#[tokio::test]
async fn a_rejected_handover_leaves_the_coordinator_in_place() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    let bert = person(&app, "Bert", OrganisationKind::Wijkteam, &[Role::Coordinator]).await;
    involve(&app, &anna, CHILD, false).await;
    involve(&app, &bram, CHILD, false).await;
    let id = youth_id(&app, CHILD).await;
    let wij = bram.user.organisation_id.to_string();
    // Bert is not involved: he sees the youth only while a handover to WIJ is open.
    assert_eq!(page(&app, &bert, &id).await.0, 404);
    let res = call(
        &app,
        &anna,
        "propose_handover",
        &[("youth", &id), ("to_organisation", &wij)],
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = call(
        &app,
        &anna,
        "propose_handover",
        &[("youth", &id), ("to_organisation", &wij)],
    )
    .await;
    assert_eq!(res.status(), 422, "one open handover at a time");
    let c = coordination(&app, &bert, &id).await;
    let handover = c["handover"]["id"].as_str().unwrap().to_string();
    let res = call(
        &app,
        &bert,
        "reject_handover",
        &[("id", &handover), ("reason", "Wij hebben geen plek.")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(active(&app, CHILD).await.0, Some(anna.user.organisation_id));
    assert_eq!(page(&app, &bert, &id).await.0, 404);
    let history = coordination(&app, &anna, &id).await["history"].to_string();
    assert!(
        history.contains("wijst de overdracht af. Reden: Wij hebben geen plek."),
        "{history}"
    );
}

#[tokio::test]
async fn when_the_coordinating_organisation_leaves_the_rules_appoint_again_and_say_so() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    let carla = person(&app, "Carla", OrganisationKind::School, PRO).await;
    for p in [&anna, &bram] {
        involve(&app, p, CHILD, false).await;
    }
    involve(&app, &carla, CHILD, true).await;
    let id = youth_id(&app, CHILD).await;
    assert_eq!(active(&app, CHILD).await.0, Some(anna.user.organisation_id));

    let registration = app.registration_of(anna.user.id).await.to_string();
    let res = call(
        &app,
        &anna,
        "end_registration",
        &[("id", &registration), ("reason", "help_completed")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let (org, _, how) = active(&app, CHILD).await;
    assert_eq!(
        (org, how.as_str()),
        (Some(bram.user.organisation_id), "reappointed")
    );
    let c = coordination(&app, &carla, &id).await;
    assert!(c["explanation"]
        .as_str()
        .unwrap()
        .starts_with("Opnieuw aangewezen omdat Organisatie jgz niet meer betrokken is."));
    assert!(c["history"]
        .to_string()
        .contains("Organisatie jgz is niet meer betrokken"));
    assert!(coordination_mails(&app, &bram.user).await >= 1);

    // WIJ leaves too: no match, no coordination.
    let registration = app.registration_of(bram.user.id).await.to_string();
    let res = call(
        &app,
        &bram,
        "end_registration",
        &[("id", &registration), ("reason", "help_completed")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(active(&app, CHILD).await.0, None);
    assert!(coordination(&app, &carla, &id).await["history"]
        .to_string()
        .contains("Er is geen match meer"));
}

#[tokio::test]
async fn the_dry_run_lists_exactly_the_changes_and_only_applying_makes_them() {
    let app = TestApp::spawn().await;
    let rita = person(&app, "Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin]).await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    for bsn in [TODDLER, CHILD] {
        involve(&app, &anna, bsn, false).await;
        involve(&app, &bram, bsn, false).await;
        assert_eq!(active(&app, bsn).await.0, Some(anna.user.organisation_id));
    }
    // The new rule sends young children to the neighbourhood team.
    add_rule(
        &app,
        &rita,
        "1",
        &[
            ("max_age", "4"),
            ("kinds[wijkteam]", "ja"),
            ("outcome", "soort:wijkteam"),
        ],
    )
    .await;
    let v: Value = call(&app, &rita, "covenant", &[]).await.json().await.unwrap();
    assert_eq!(
        (v["active_version"].as_i64(), v["version"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(v["checked"], 2);
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{v}");
    assert_eq!(changes[0]["from"], "Organisatie jgz");
    assert_eq!(changes[0]["to"], "Organisatie wijkteam");
    assert!(changes[0]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("Regel 1 van convenant Testregio v2"));

    // Activating changes no existing appointment.
    let res = call(&app, &rita, "activate_covenant", &[("version", "2")]).await;
    assert_eq!(res.status(), 200);
    for bsn in [TODDLER, CHILD] {
        assert_eq!(active(&app, bsn).await.0, Some(anna.user.organisation_id));
    }
    // Applying to existing cases does, for exactly the listed one.
    let v: Value = call(&app, &rita, "covenant", &[]).await.json().await.unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 1);
    let res = call(&app, &rita, "apply_covenant", &[("version", "2")]).await;
    assert_eq!(res.json::<Value>().await.unwrap(), 1);
    assert_eq!(
        active(&app, TODDLER).await,
        (Some(bram.user.organisation_id), None, "reapplied".into())
    );
    assert_eq!(active(&app, CHILD).await.0, Some(anna.user.organisation_id));
    let v: Value = call(&app, &rita, "covenant", &[]).await.json().await.unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 0);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'covenant_view' AND result = 'success'")
            .await,
        3
    );
}

#[tokio::test]
async fn only_region_admins_edit_rules_and_bad_rules_get_dutch_messages_per_field() {
    let app = TestApp::spawn().await;
    let rita = person(&app, "Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin]).await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    for endpoint in ["covenant", "save_rule", "activate_covenant", "escalations"] {
        let res = call(
            &app,
            &anna,
            endpoint,
            &[("based_on", "1"), ("version", "1"), ("outcome", "soort:jgz")],
        )
        .await;
        assert_eq!(res.status(), 403, "{endpoint}");
    }
    let bad = [
        (
            vec![("min_age", "10"), ("max_age", "4"), ("outcome", "soort:jgz")],
            "max_age",
        ),
        (vec![("min_age", "23"), ("outcome", "soort:jgz")], "min_age"),
        (vec![("outcome", "soort:school")], "outcome"),
        (vec![("outcome", "")], "outcome"),
    ];
    for (args, field) in bad {
        let mut all = vec![("based_on", "1"), ("index", "")];
        all.extend(args);
        let res = call(&app, &rita, "save_rule", &all).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains(&format!("\"field\":\"{field}\"")), "{body}");
        assert!(
            body.contains("\"nieuw\""),
            "the error names the form it belongs to: {body}"
        );
    }
    // Edits based on an old version are refused, not merged.
    add_rule(&app, &rita, "1", &[("outcome", "soort:ggz")]).await;
    let res = call(
        &app,
        &rita,
        "save_rule",
        &[("based_on", "1"), ("outcome", "soort:jgz")],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("intussen gewijzigd"));
    // Reorder and remove make versions 3 and 4; every version is kept.
    add_rule(&app, &rita, "2", &[("outcome", "soort:jgz")]).await;
    let res = call(
        &app,
        &rita,
        "move_rule",
        &[("based_on", "3"), ("index", "1"), ("direction", "omhoog")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let v: Value = call(&app, &rita, "covenant", &[]).await.json().await.unwrap();
    assert_eq!(v["rules"][0]["text"], "Als altijd, dan JGZ.");
    let res = call(&app, &rita, "remove_rule", &[("based_on", "4"), ("index", "0")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.count("SELECT count(*) FROM covenant_versions").await, 5);
    assert_eq!(
        app.count("SELECT count(*) FROM covenant_versions WHERE activated_at IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn escalation_by_the_coordinator_or_after_ten_working_days_and_the_regions_decision() {
    let app = TestApp::spawn().await;
    let rita = person(&app, "Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin]).await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    let carla = person(&app, "Carla", OrganisationKind::School, PRO).await;
    for p in [&anna, &bram] {
        involve(&app, p, CHILD, false).await;
    }
    involve(&app, &carla, CHILD, true).await;
    let id = youth_id(&app, CHILD).await;

    // Carla may not escalate yet: nobody took the case, but the match is new.
    let c = coordination(&app, &carla, &id).await;
    assert_eq!(c["may_escalate"], false);
    assert!(c["escalate_hint"].as_str().unwrap().contains("werkdag"));
    let res = call(
        &app,
        &carla,
        "escalate",
        &[("youth", &id), ("reason", "Niemand pakt het op.")],
    )
    .await;
    assert_eq!(res.status(), 422);
    // Ten working days later she may.
    app.execute("UPDATE youths SET matched_at = now() - interval '20 days'")
        .await;
    assert_eq!(coordination(&app, &carla, &id).await["may_escalate"], true);
    let res = call(&app, &carla, "escalate", &[("youth", &id), ("reason", "")]).await;
    assert_eq!(res.status(), 422, "a reason is required");
    let res = call(
        &app,
        &carla,
        "escalate",
        &[("youth", &id), ("reason", "Niemand pakt het op.")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = call(
        &app,
        &anna,
        "escalate",
        &[("youth", &id), ("reason", "Nog een keer.")],
    )
    .await;
    assert_eq!(res.status(), 422, "one open escalation at a time");
    assert!(
        coordination_mails(&app, &rita.user).await >= 1,
        "the region is mailed"
    );

    // The region sees it, decides and appoints WIJ.
    let list: Value = call(&app, &rita, "escalations", &[]).await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["reason"], "Niemand pakt het op.");
    assert_eq!(
        list[0]["candidates"].as_array().unwrap().len(),
        2,
        "GGD and WIJ, not the school"
    );
    let escalation = list[0]["id"].as_str().unwrap().to_string();
    let school = carla.user.organisation_id.to_string();
    let res = call(
        &app,
        &rita,
        "decide_escalation",
        &[
            ("id", &escalation),
            ("decision", "WIJ neemt het op."),
            ("appoint", &school),
        ],
    )
    .await;
    assert_eq!(res.status(), 422, "a school cannot be appointed");
    let wij = bram.user.organisation_id.to_string();
    let res = call(
        &app,
        &rita,
        "decide_escalation",
        &[
            ("id", &escalation),
            ("decision", "WIJ neemt het op."),
            ("appoint", &wij),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(active(&app, CHILD).await.0, Some(bram.user.organisation_id));
    let c = coordination(&app, &carla, &id).await;
    assert_eq!(c["escalation"], Value::Null);
    assert!(c["history"]
        .to_string()
        .contains("De regio (Rita) besluit: WIJ neemt het op."));
    let list: Value = call(&app, &rita, "escalations", &[]).await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
    assert!(
        coordination_mails(&app, &carla.user).await >= 2,
        "escalated and decided"
    );
}

#[tokio::test]
async fn a_region_admin_of_another_region_sees_and_decides_nothing() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    involve(&app, &anna, CHILD, false).await;
    involve(&app, &bram, CHILD, false).await;
    let id = youth_id(&app, CHILD).await;
    let res = call(
        &app,
        &anna,
        "escalate",
        &[("youth", &id), ("reason", "Vastgelopen.")],
    )
    .await;
    assert_eq!(res.status(), 200);
    // Another region with its own admin.
    let region = zorgsignaal::server::db::organisations::upsert_region(&app.pool, "Andere regio")
        .await
        .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let org = zorgsignaal::server::db::organisations::upsert_organisation(
        &mut conn,
        region,
        "Regiobureau Anders",
        OrganisationKind::Gemeente,
        OrganisationKind::Gemeente.default_capabilities(),
    )
    .await
    .unwrap();
    let otto_id = app
        .user()
        .email("otto@anders.example")
        .roles(&[Role::RegionAdmin])
        .create()
        .await
        .id;
    app.move_to(otto_id, org).await;
    let otto = app.client();
    assert_eq!(
        app.login(&otto, "otto@anders.example", common::PASSWORD)
            .await
            .status(),
        200
    );
    let list: Value = app.call(&otto, "escalations", &[]).await.json().await.unwrap();
    assert_eq!(list, serde_json::json!([]));
    let escalation: String = sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM escalations")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string();
    let res = app
        .call(
            &otto,
            "decide_escalation",
            &[("id", &escalation), ("decision", "Niet van ons.")],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        app.count("SELECT count(*) FROM escalations WHERE closed_at IS NULL")
            .await,
        1
    );
    let _ = OTHER;
}

#[tokio::test]
async fn the_coordinators_overview_lists_the_organisations_cases_and_incoming_handovers() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    for bsn in [CHILD, OTHER] {
        involve(&app, &anna, bsn, false).await;
        involve(&app, &bram, bsn, false).await;
    }
    let child = youth_id(&app, CHILD).await;
    call(&app, &anna, "take_coordination", &[("youth", &child)]).await;
    let wij = bram.user.organisation_id.to_string();
    call(
        &app,
        &anna,
        "propose_handover",
        &[("youth", &child), ("to_organisation", &wij)],
    )
    .await;
    let o: Value = call(&app, &anna, "my_coordination", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["mine"].as_array().unwrap().len(), 1);
    assert_eq!(o["untaken"].as_array().unwrap().len(), 1);
    assert!(o["mine"][0]["handover"]
        .as_str()
        .unwrap()
        .contains("Overdracht aan Organisatie wijkteam"));
    let o: Value = call(&app, &bram, "my_coordination", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["incoming"].as_array().unwrap().len(), 1);
    assert_eq!(o["mine"].as_array().unwrap().len(), 0);
    let carla = person(&app, "Carla", OrganisationKind::School, PRO).await;
    assert_eq!(call(&app, &carla, "my_coordination", &[]).await.status(), 403);
}

#[tokio::test]
async fn the_dry_run_leaves_appointments_people_made_alone() {
    let app = TestApp::spawn().await;
    let rita = person(&app, "Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin]).await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    involve(&app, &anna, TODDLER, false).await;
    involve(&app, &bram, TODDLER, false).await;
    let id = youth_id(&app, TODDLER).await;
    let wij = bram.user.organisation_id.to_string();
    call(
        &app,
        &anna,
        "propose_handover",
        &[("youth", &id), ("to_organisation", &wij)],
    )
    .await;
    let handover: String = sqlx::query_scalar::<_, uuid::Uuid>("SELECT id FROM handovers")
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string();
    assert_eq!(
        call(&app, &bram, "accept_handover", &[("id", &handover)])
            .await
            .status(),
        200
    );
    // Rules that would send the toddler back to JGZ do not list the handed-over case.
    add_rule(&app, &rita, "1", &[("max_age", "4"), ("outcome", "soort:jgz")]).await;
    let v: Value = call(&app, &rita, "covenant", &[]).await.json().await.unwrap();
    assert_eq!(v["checked"], 0);
    assert_eq!(v["changes"], serde_json::json!([]));
}

#[tokio::test]
async fn only_the_coordinator_withdraws_a_handover_and_then_it_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let anna = person(&app, "Anna", OrganisationKind::Jgz, COORD).await;
    let bram = person(&app, "Bram", OrganisationKind::Wijkteam, COORD).await;
    involve(&app, &anna, CHILD, false).await;
    involve(&app, &bram, CHILD, false).await;
    let id = youth_id(&app, CHILD).await;
    let wij = bram.user.organisation_id.to_string();
    call(
        &app,
        &anna,
        "propose_handover",
        &[("youth", &id), ("to_organisation", &wij)],
    )
    .await;
    let c = coordination(&app, &anna, &id).await;
    assert_eq!(c["may_withdraw_handover"], true);
    let handover = c["handover"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        call(&app, &bram, "withdraw_handover", &[("id", &handover)])
            .await
            .status(),
        404
    );
    assert_eq!(
        call(&app, &anna, "withdraw_handover", &[("id", &handover)])
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, &bram, "accept_handover", &[("id", &handover)])
            .await
            .status(),
        404
    );
    assert_eq!(active(&app, CHILD).await.0, Some(anna.user.organisation_id));
    assert_eq!(
        app.count("SELECT count(*) FROM handovers WHERE outcome = 'withdrawn'")
            .await,
        1
    );
    assert!(coordination(&app, &anna, &id).await["history"]
        .to_string()
        .contains("trekt het voorstel tot overdracht"));
}
