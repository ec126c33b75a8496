//! Actions against the real server and database: who sets them out and
//! ticks them, and the assignee's private note on every read path.

mod common;

use common::{
    case::{case, create, PRO},
    TestApp,
};
use serde_json::Value;
use zorgsignaal::domain::{organisation::OrganisationKind, role::Role};

const NOTE: &str = "Gesprek met moeder gevoerd over thuissituatie";

/// The id of the one action that matches `condition`.
async fn action_id(app: &TestApp, condition: &str) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>(&format!("SELECT id FROM actions WHERE {condition}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
        .to_string()
}

async fn json(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn only_the_coordinator_sets_out_actions_and_only_the_assignee_ticks_them() {
    let app = TestApp::spawn().await;
    let (anna, bram, carla, youth) = case(&app).await;
    let eva = app.person("Eva", OrganisationKind::Ggz, PRO).await;
    let to_carla = format!("gebruiker:{}", carla.user.id);
    assert_eq!(
        create(&app, &bram, &youth, &to_carla).await.status(),
        404,
        "bram does not coordinate"
    );
    assert_eq!(create(&app, &carla, &youth, &to_carla).await.status(), 404);
    let res = create(&app, &anna, &youth, &format!("gebruiker:{}", eva.user.id)).await;
    assert_eq!(res.status(), 422, "eva is not involved");
    let res = app
        .call_as(
            &anna,
            "create_action",
            &[
                ("youth", &youth),
                ("title", " "),
                ("due_on", "2001-01-01"),
                ("assignee", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    for field in ["title", "due_on", "assignee"] {
        assert!(
            body.contains(&format!("\"field\":\"{field}\"")),
            "{field}: {body}"
        );
    }
    assert_eq!(create(&app, &anna, &youth, &to_carla).await.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'coordination' AND subject LIKE '%actie voor je klaar%'")
            .await,
        1,
        "carla is mailed"
    );
    let action = app.count("SELECT count(*) FROM actions").await;
    assert_eq!(action, 1);
    let id = action_id(&app, "true").await;
    assert_eq!(
        app.call_as(&bram, "complete_action", &[("id", &id)])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.call_as(&anna, "complete_action", &[("id", &id)])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.call_as(&carla, "cancel_action", &[("id", &id)])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.call_as(&carla, "complete_action", &[("id", &id), ("note", NOTE)])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call_as(&carla, "complete_action", &[("id", &id)])
            .await
            .status(),
        404,
        "once"
    );
    let list = json(app.call_as(&anna, "youth_actions", &[("youth", &youth)]).await).await;
    assert_eq!(list[0]["lane"], "Done");
    assert_eq!(list[0]["done"][1], "Carla");
    let history = list[0]["history"].to_string();
    assert!(
        history.contains("Anna zet de actie uit bij Carla")
            && history.contains("Carla meldt de actie gedaan"),
        "{history}"
    );
}

#[tokio::test]
async fn what_was_done_is_readable_by_the_assignee_alone_on_every_path() {
    let app = TestApp::spawn().await;
    let (anna, bram, carla, youth) = case(&app).await;
    let rita = app
        .person("Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin])
        .await;
    assert_eq!(
        create(&app, &anna, &youth, &format!("gebruiker:{}", carla.user.id))
            .await
            .status(),
        200
    );
    let id = action_id(&app, "true").await;
    assert_eq!(
        app.call_as(&carla, "complete_action", &[("id", &id), ("note", NOTE)])
            .await
            .status(),
        200
    );

    // Anna's board shows the action done, by whom, not what was done.
    let board = json(app.call_as(&anna, "coordination_board", &[]).await).await;
    let action = &board["cases"][0]["actions"][0];
    assert_eq!(action["lane"], "Done");
    assert_eq!(action["done"][1], "Carla");
    assert_eq!(action["private_note"], Value::Null);

    // Carla reads her note on both of her paths.
    for res in [
        app.call_as(&carla, "youth_actions", &[("youth", &youth)]).await,
        app.call_as(&carla, "my_actions", &[]).await,
    ] {
        let body = res.text().await.unwrap();
        assert!(body.contains(NOTE), "{body}");
    }
    let mine = json(app.call_as(&carla, "youth_actions", &[("youth", &youth)]).await).await;
    assert_eq!(mine[0]["private_note"], NOTE);
    // Nobody else finds it, in any answer that carries actions or the youth.
    for (who, endpoint, args) in [
        (&anna, "youth_actions", vec![("youth", youth.as_str())]),
        (&bram, "youth_actions", vec![("youth", youth.as_str())]),
        (&anna, "my_actions", vec![]),
        (&bram, "my_actions", vec![]),
        (&anna, "youth", vec![("id", youth.as_str())]),
        (&bram, "youth", vec![("id", youth.as_str())]),
        (&anna, "my_coordination", vec![]),
        (&anna, "coordination_board", vec![]),
        (&rita, "youth_actions", vec![("youth", youth.as_str())]),
        (&rita, "escalations", vec![]),
        (&rita, "mail_outbox", vec![("status", "pending")]),
    ] {
        let body = app.call_as(who, endpoint, &args).await.text().await.unwrap();
        assert!(!body.contains("Gesprek met moeder"), "{endpoint}: {body}");
    }
    // Nor in mail, audit or history.
    for sql in [
        "SELECT count(*) FROM outbox WHERE payload::text LIKE '%Gesprek met moeder%' OR subject LIKE '%Gesprek%'",
        "SELECT count(*) FROM audit_log WHERE coalesce(reason, '') LIKE '%Gesprek%' OR array_to_string(object_ids, ' ') LIKE '%Gesprek%'",
        "SELECT count(*) FROM action_events WHERE text LIKE '%Gesprek%'",
        "SELECT count(*) FROM coordination_events WHERE text LIKE '%Gesprek%'",
    ] {
        assert_eq!(app.count(sql).await, 0, "{sql}");
    }
    assert_eq!(app.count("SELECT count(*) FROM action_notes").await, 1);
}

#[tokio::test]
async fn an_organisation_picks_a_person_by_ticking_and_the_coordinator_changes_or_cancels() {
    let app = TestApp::spawn().await;
    let (anna, bram, carla, youth) = case(&app).await;
    let wij = format!("organisatie:{}", bram.user.organisation_id);
    assert_eq!(create(&app, &anna, &youth, &wij).await.status(), 200);
    let mine = json(app.call_as(&bram, "my_actions", &[]).await).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["assignee"], Value::Null);
    assert_eq!(mine[0]["may_tick"], true);
    assert_eq!(
        json(app.call_as(&carla, "my_actions", &[]).await).await,
        serde_json::json!([])
    );
    let id = mine[0]["id"].as_str().unwrap().to_string();

    // The coordinator moves it to carla, with a new date: carla is mailed.
    let later = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    let to_carla = format!("gebruiker:{}", carla.user.id);
    let args = [
        ("id", id.as_str()),
        ("title", "Huisbezoek"),
        ("due_on", later.as_str()),
        ("assignee", to_carla.as_str()),
    ];
    assert_eq!(app.call_as(&bram, "change_action", &args).await.status(), 404);
    assert_eq!(app.call_as(&anna, "change_action", &args).await.status(), 200);
    assert_eq!(
        json(app.call_as(&bram, "my_actions", &[]).await).await,
        serde_json::json!([])
    );
    assert_eq!(
        json(app.call_as(&carla, "my_actions", &[]).await)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.call_as(&anna, "cancel_action", &[("id", &id)]).await.status(),
        200
    );
    let list = json(app.call_as(&carla, "youth_actions", &[("youth", &youth)]).await).await;
    assert_eq!(list[0]["cancelled"], true);
    assert_eq!(list[0]["lane"], Value::Null);
    assert_eq!(
        app.call_as(&carla, "complete_action", &[("id", &id)])
            .await
            .status(),
        404
    );

    // A second action to WIJ: bram ticks it and so becomes its assignee.
    assert_eq!(create(&app, &anna, &youth, &wij).await.status(), 200);
    let id = json(app.call_as(&bram, "my_actions", &[]).await).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.call_as(&bram, "complete_action", &[("id", &id)])
            .await
            .status(),
        200
    );
    let assignee: uuid::Uuid =
        sqlx::query_scalar("SELECT assignee_id FROM actions WHERE done_at IS NOT NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(assignee, bram.user.id);
}

#[tokio::test]
async fn the_board_holds_the_coordinators_cases_with_lanes_and_progress() {
    let app = TestApp::spawn().await;
    let (anna, bram, carla, youth) = case(&app).await;
    for who in [&carla, &bram] {
        let to = format!("gebruiker:{}", who.user.id);
        assert_eq!(create(&app, &anna, &youth, &to).await.status(), 200);
    }
    // bram's action is past its date.
    app.execute(&format!(
        "UPDATE actions SET due_on = current_date - 3 WHERE assignee_id = '{}'",
        bram.user.id
    ))
    .await;
    let board = json(app.call_as(&anna, "coordination_board", &[]).await).await;
    let cases = board["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert_eq!(c["youth_id"], youth.as_str());
    assert_eq!(c["municipality"], "Groningen");
    assert_eq!(
        (c["progress"]["open"].as_u64(), c["progress"]["overdue"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(c["progress"]["on_time_percent"], 0);
    assert!(c["last_acted"].is_string());
    // Bram coordinates nothing; carla is no coordinator.
    let brams = json(app.call_as(&bram, "coordination_board", &[]).await).await;
    assert_eq!(brams["cases"], serde_json::json!([]));
    assert_eq!(app.call_as(&carla, "coordination_board", &[]).await.status(), 403);
}

#[tokio::test]
async fn an_overdue_action_is_mailed_once_to_assignee_and_coordinator() {
    let app = TestApp::spawn().await;
    let (anna, _bram, carla, youth) = case(&app).await;
    let to_carla = format!("gebruiker:{}", carla.user.id);
    assert_eq!(create(&app, &anna, &youth, &to_carla).await.status(), 200);
    let today = chrono::Local::now().date_naive();
    let pool = app.pool.clone();
    let mail = |_: &TestApp| zorgsignaal::server::cases::jobs::mail_overdue(&pool, today, 100);
    assert_eq!(mail(&app).await.unwrap(), 0, "not yet due");
    app.execute("UPDATE actions SET due_on = current_date - 1").await;
    assert_eq!(mail(&app).await.unwrap(), 1);
    assert_eq!(mail(&app).await.unwrap(), 0, "once");
    let recipients: Vec<String> = sqlx::query_scalar(
        "SELECT recipient FROM outbox WHERE subject LIKE '%over de datum%' ORDER BY recipient",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(recipients, [anna.user.email.clone(), carla.user.email.clone()]);
    // Done actions are not mailed about.
    assert_eq!(create(&app, &anna, &youth, &to_carla).await.status(), 200);
    let id = action_id(&app, "overdue_mailed_at IS NULL").await;
    assert_eq!(
        app.call_as(&carla, "complete_action", &[("id", &id)])
            .await
            .status(),
        200
    );
    app.execute("UPDATE actions SET due_on = current_date - 1").await;
    assert_eq!(mail(&app).await.unwrap(), 0);
    // The mails really go out (and pass the privacy scan: no past date).
    let queued = app.count("SELECT count(*) FROM outbox").await as usize;
    let mails = app.wait_for_mails(queued).await;
    let overdue: Vec<_> = mails
        .iter()
        .filter(|m| m.text.contains("over de afgesproken datum"))
        .collect();
    assert_eq!(overdue.len(), 2);
}

/// *Mijn acties* keeps open actions and what was done in the last 30 days;
/// older done actions are only on the youth's page.
#[tokio::test]
async fn my_actions_lists_done_actions_of_the_last_30_days_only() {
    let app = TestApp::spawn().await;
    let (anna, _bram, carla, youth) = case(&app).await;
    let to_carla = format!("gebruiker:{}", carla.user.id);
    for _ in 0..3 {
        assert_eq!(create(&app, &anna, &youth, &to_carla).await.status(), 200);
    }
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM actions ORDER BY created_at")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    for id in &ids[..2] {
        let res = app
            .call_as(&carla, "complete_action", &[("id", &id.to_string())])
            .await;
        assert_eq!(res.status(), 200);
    }
    // One was done 31 days ago, one 29 days ago.
    for (id, days) in [(ids[0], 31), (ids[1], 29)] {
        sqlx::query("UPDATE actions SET done_at = now() - make_interval(days => $2) WHERE id = $1")
            .bind(id)
            .bind(days)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let listed = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mine = listed(json(app.call_as(&carla, "my_actions", &[]).await).await);
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(!mine.contains(&ids[0].to_string()), "done 31 days ago");
    assert!(mine.contains(&ids[1].to_string()) && mine.contains(&ids[2].to_string()));
    let on_page = listed(json(app.call_as(&carla, "youth_actions", &[("youth", &youth)]).await).await);
    assert_eq!(on_page.len(), 3, "the youth's page keeps all");
}
