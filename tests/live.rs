//! Live updates against two real app instances on one database: a change
//! committed through one reaches subscribers on the other; a reconnecting
//! subscriber gets what it missed exactly once; outsiders get nothing;
//! presence spans instances; a lost database listener makes clients resync.

mod common;

use common::{
    case::{case, create, COORD},
    sse::Stream,
    Person, TestApp,
};
use std::{collections::HashSet, time::Duration};
use uuid::Uuid;
use zorgsignaal::domain::organisation::OrganisationKind;

const WAIT: Duration = Duration::from_secs(5);

async fn action_ids(app: &TestApp) -> Vec<Uuid> {
    sqlx::query_scalar("SELECT id FROM actions ORDER BY created_at")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Opens a stream once `app` has read what was committed before (else an
/// event of the case's set-up, still on its way to this instance, could
/// come first: harmless to a page, which refetches, but not what a test
/// waits for).
async fn open(p: &Person, app: &TestApp, topic: &str, last: Option<&str>) -> Stream {
    app.live_caught_up().await;
    let mut s = Stream::open(&p.client, &app.url(&format!("/live?topic={topic}")), last).await;
    s.next_named("ready", WAIT)
        .await
        .expect("the stream says it is ready");
    s
}

fn seq(f: &common::sse::Frame) -> i64 {
    f.id.as_deref().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_change_through_one_instance_reaches_subscribers_on_the_other() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let (anna, _bram, carla, youth) = case(&a).await;
    let mut board = open(&anna, &b, "board", None).await;
    let mut mine = open(&carla, &b, "mine", None).await;
    let mut page = open(&carla, &b, &format!("youth:{youth}"), None).await;
    let ready: i64 = board.last_id.as_deref().unwrap().parse().unwrap();

    let to_carla = format!("gebruiker:{}", carla.user.id);
    assert_eq!(create(&a, &anna, &youth, &to_carla).await.status(), 200);
    let id = action_ids(&a).await[0];
    for s in [&mut board, &mut mine, &mut page] {
        let f = s.next_named("change", WAIT).await.expect("the change arrives");
        let data = f.json();
        assert_eq!(data["kind"], "action");
        assert_eq!(data["youth"], youth.as_str());
        assert_eq!(data["action"], id.to_string().as_str());
        assert!(seq(&f) > ready);
        // Ids only: no names or text on the stream.
        assert!(
            !f.data.contains("Huisbezoek") && !f.data.contains("Sanne"),
            "{}",
            f.data
        );
    }

    // carla ticks on instance B; anna's board on instance A sees it.
    let mut board_a = open(&anna, &a, "board", None).await;
    let res = b
        .call_as(
            &carla,
            "complete_action",
            &[("id", &id.to_string()), ("note", "geheim")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let f = board_a
        .next_named("change", WAIT)
        .await
        .expect("the tick arrives");
    assert_eq!(f.json()["action"], id.to_string().as_str());
    assert!(!f.data.contains("geheim"));
}

#[tokio::test]
async fn a_subscriber_that_reconnects_gets_every_missed_event_exactly_once() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let (anna, bram, _carla, youth) = case(&a).await;
    let to_bram = format!("gebruiker:{}", bram.user.id);
    let s = open(&anna, &a, "board", None).await;
    let last = s.last_id.clone().expect("ready carries the position");
    drop(s);

    // Missed while away: three actions set out through the other instance.
    for _ in 0..3 {
        assert_eq!(create(&b, &anna, &youth, &to_bram).await.status(), 200);
    }
    let missed: HashSet<String> = action_ids(&a).await.iter().map(Uuid::to_string).collect();

    // Back, on instance B, with the Last-Event-ID the browser keeps.
    let mut s = Stream::open(&anna.client, &b.url("/live?topic=board"), Some(&last)).await;
    let mut replayed = Vec::new();
    loop {
        let f = s.next(WAIT).await.expect("replay, then ready");
        match f.event.as_str() {
            "change" => replayed.push(f),
            "ready" => break,
            other => panic!("unexpected {other}"),
        }
    }
    // (Events of the case itself may come first if the stream's position
    // was taken before they reached this instance; they are not actions.)
    let got: Vec<String> = replayed
        .iter()
        .filter(|f| f.json()["kind"] == "action")
        .map(|f| f.json()["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got.len(), 3, "each missed event once: {got:?}");
    assert_eq!(got.iter().cloned().collect::<HashSet<_>>(), missed);
    let seqs: Vec<i64> = replayed.iter().map(seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");

    // And the stream goes on live, without repeating the replay.
    assert_eq!(create(&a, &anna, &youth, &to_bram).await.status(), 200);
    let changes = s.changes_within(Duration::from_millis(1500)).await;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(seq(&changes[0]) > *seqs.last().unwrap());
    assert!(!missed.contains(changes[0].json()["action"].as_str().unwrap()));

    // Resuming from a point the clean-up deleted asks for a full refresh.
    a.execute("UPDATE live_purged SET upto_seq = 1000000").await;
    let mut s = Stream::open(&anna.client, &b.url("/live?topic=board"), Some(&last)).await;
    assert_eq!(s.next(WAIT).await.unwrap().event, "resync");
}

#[tokio::test]
async fn a_viewer_who_may_not_see_the_youth_receives_none_of_its_events() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let (anna, bram, _carla, youth) = case(&a).await;
    // A coordinator of an organisation that is not involved.
    let dora = a.person("Dora", OrganisationKind::Ggz, COORD).await;
    let mut outsider = open(&dora, &b, "board", None).await;
    let mut outsider_mine = open(&dora, &a, "mine", None).await;
    let mut insider = open(&anna, &b, "board", None).await;
    let page = dora
        .client
        .get(b.url(&format!("/live?topic=youth:{youth}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404, "the youth's stream is refused like its page");
    let anonymous = a.client().get(b.url("/live?topic=board")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let carla_board = bram
        .client
        .get(b.url("/live?topic=nonsense"))
        .send()
        .await
        .unwrap();
    assert_eq!(carla_board.status(), 404);

    assert_eq!(
        create(
            &a,
            &anna,
            &youth,
            &format!("organisatie:{}", bram.user.organisation_id)
        )
        .await
        .status(),
        200
    );
    assert!(insider.next_named("change", WAIT).await.is_some());
    assert!(outsider
        .changes_within(Duration::from_millis(800))
        .await
        .is_empty());
    assert!(outsider_mine
        .changes_within(Duration::from_millis(200))
        .await
        .is_empty());
}

async fn presence(app: &TestApp, p: &Person, topic: &str) -> Vec<String> {
    let res = app.call_as(p, "live_presence", &[("topic", topic)]).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn presence_spans_instances_and_a_lost_listener_makes_clients_resync() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let (anna, bram, _carla, youth) = case(&a).await;
    let topic = format!("youth:{youth}");
    let mut annas = open(&anna, &a, &topic, None).await;
    assert!(presence(&a, &anna, &topic).await.is_empty());
    let brams = open(&bram, &b, &topic, None).await;
    annas
        .next_named("presence", WAIT)
        .await
        .expect("anna is told bram came");
    assert_eq!(presence(&a, &anna, &topic).await, ["Bram"]);
    assert_eq!(presence(&b, &bram, &topic).await, ["Anna"]);
    drop(brams);
    // Anna is told; a presence event already on its way (bram's arrival
    // seen by the other instance too) may come first, so wait for the one
    // after which bram is gone.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        annas
            .next_named(
                "presence",
                deadline.saturating_duration_since(std::time::Instant::now()),
            )
            .await
            .expect("anna is told bram left");
        if presence(&a, &anna, &topic).await.is_empty() {
            break;
        }
    }

    // The database drops the listeners' connections (a failover, say).
    a.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    )
    .await;
    annas
        .next_named("resync", Duration::from_secs(10))
        .await
        .expect("clients are told to resync");
    // And live updates work again afterwards.
    let to_bram = format!("gebruiker:{}", bram.user.id);
    assert_eq!(create(&b, &anna, &youth, &to_bram).await.status(), 200);
    assert!(annas.next_named("change", WAIT).await.is_some());
}

#[tokio::test]
async fn coordination_steps_and_new_involvements_on_a_coordinated_youth_are_live() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let (anna, bram, _carla, youth) = case(&a).await;
    let page = format!("youth:{youth}");
    let mut annas = open(&anna, &b, "board", None).await;
    let mut brams = open(&bram, &a, &page, None).await;

    // Taken, handed over, accepted, escalated: each reaches both.
    let org = bram.user.organisation_id.to_string();
    let res = a.call_as(&anna, "take_coordination", &[("youth", &youth)]).await;
    assert_eq!(res.status(), 200);
    both_told(&mut annas, &mut brams, "taking").await;
    let proposal = [
        ("youth", youth.as_str()),
        ("to_organisation", &org),
        ("agreements", "Overleg gepland"),
    ];
    assert_eq!(
        b.call_as(&anna, "propose_handover", &proposal).await.status(),
        200
    );
    both_told(&mut annas, &mut brams, "proposal").await;
    let handover: Uuid = sqlx::query_scalar("SELECT id FROM handovers")
        .fetch_one(&a.pool)
        .await
        .unwrap();
    let res = b
        .call_as(&bram, "accept_handover", &[("id", &handover.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    both_told(&mut annas, &mut brams, "acceptance").await;
    let res = a
        .call_as(&bram, "escalate", &[("youth", &youth), ("reason", "Vastgelopen")])
        .await;
    assert_eq!(res.status(), 200);
    both_told(&mut annas, &mut brams, "escalation").await;

    // A new professional registers the coordinated youth.
    let eva = a.person("Eva", OrganisationKind::Ggz, COORD).await;
    common::case::involve(&a, &eva).await;
    // (Steps above may have sent more than one event each; skip to it.)
    loop {
        let f = annas
            .next_named("change", WAIT)
            .await
            .expect("registration arrives");
        if f.json()["kind"] == "involvement" {
            break;
        }
    }
}

/// Both streams get a coordination change for `what`.
async fn both_told(x: &mut Stream, y: &mut Stream, what: &str) {
    for s in [x, y] {
        let f = s.next_named("change", WAIT).await;
        let f = f.unwrap_or_else(|| panic!("{what} arrives"));
        assert_eq!(f.json()["kind"], "coordination", "{what}");
    }
}

/// Reads `s` until the server ends it; true when it did within `wait`.
async fn ends_within(s: &mut Stream, wait: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    while tokio::time::Instant::now() < deadline && !s.ended {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        s.next(left).await;
    }
    s.ended
}

#[tokio::test]
async fn a_live_stream_ends_with_its_session_and_never_keeps_it_alive() {
    let app = TestApp::spawn_with(&[("LIVE_SESSION_CHECK_SECONDS", "1")]).await;
    let anna = app
        .person(
            "Anna",
            OrganisationKind::Jgz,
            &[zorgsignaal::domain::role::Role::Professional],
        )
        .await;
    let last_seen = || async {
        app.count("SELECT (extract(epoch FROM now() - last_seen_at))::bigint FROM sessions")
            .await
    };
    // Quiet for ten minutes: a stream that opens (or runs) does not wake the session.
    app.execute("UPDATE sessions SET last_seen_at = now() - interval '10 minutes'")
        .await;
    let mut s = open(&anna, &app, "mine", None).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(last_seen().await >= 600, "the stream kept the session alive");
    assert!(!s.ended);

    // The session times out (idle 30 minutes): the stream ends within the check,
    // and a reconnect is refused.
    app.execute("UPDATE sessions SET last_seen_at = now() - interval '31 minutes'")
        .await;
    assert!(
        ends_within(&mut s, Duration::from_secs(5)).await,
        "the stream outlived its session"
    );
    let res = anna
        .client
        .get(app.url("/live?topic=mine"))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

/// A page's refetch after a live change (`live=true`) only looks at the
/// session; the same call made by the user keeps it alive. So a board or
/// a youth page left open lets its session time out.
#[tokio::test]
async fn a_refetch_after_a_live_change_does_not_keep_the_session_alive() {
    let app = TestApp::spawn().await;
    let anna = app
        .person(
            "Anna",
            OrganisationKind::Jgz,
            &[
                zorgsignaal::domain::role::Role::Professional,
                zorgsignaal::domain::role::Role::Coordinator,
            ],
        )
        .await;
    common::case::involve(&app, &anna).await;
    let youth = common::case::youth(&app).await;
    let idle = || async {
        app.count("SELECT (extract(epoch FROM now() - last_seen_at))::bigint FROM sessions")
            .await
    };
    let calls: [(&str, Vec<(&str, &str)>); 4] = [
        ("youth", vec![("id", youth.as_str())]),
        ("youth_actions", vec![("youth", youth.as_str())]),
        ("my_actions", vec![]),
        ("coordination_board", vec![]),
    ];
    for (endpoint, args) in &calls {
        app.execute("UPDATE sessions SET last_seen_at = now() - interval '10 minutes'")
            .await;
        let mut looking = args.clone();
        looking.push(("live", "true"));
        let res = app.call_as(&anna, endpoint, &looking).await;
        assert_eq!(res.status(), 200, "{endpoint}");
        assert!(
            idle().await >= 600,
            "{endpoint} with live=true kept the session alive"
        );
        let res = app.call_as(&anna, endpoint, args).await;
        assert_eq!(res.status(), 200, "{endpoint}");
        assert!(
            idle().await < 60,
            "{endpoint} as the user's own request keeps it alive"
        );
    }
    // A session that timed out is refused to both.
    app.execute("UPDATE sessions SET last_seen_at = now() - interval '31 minutes'")
        .await;
    let res = app.call_as(&anna, "my_actions", &[("live", "true")]).await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn logging_out_a_password_change_or_deactivation_ends_the_stream() {
    let app = TestApp::spawn_with(&[("LIVE_SESSION_CHECK_SECONDS", "1")]).await;
    let role = [zorgsignaal::domain::role::Role::Professional];
    let anna = app.person("Anna", OrganisationKind::Jgz, &role).await;
    let mut s = open(&anna, &app, "mine", None).await;
    let res = app.call(&anna.client, "logout", &[]).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert!(ends_within(&mut s, Duration::from_secs(5)).await, "log-out");

    // A password change ends the other sessions, and their streams.
    let bram = app.person("Bram", OrganisationKind::Wijkteam, &role).await;
    let other = app.logged_in(&bram.user).await;
    let mut s = Stream::open(&other, &app.url("/live?topic=mine"), None).await;
    s.next_named("ready", WAIT).await.expect("ready");
    let res = app
        .call(
            &bram.client,
            "change_password",
            &[
                ("current", &bram.user.password),
                ("new_password", "een-heel-nieuw-wachtwoord"),
                ("repeat", "een-heel-nieuw-wachtwoord"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert!(
        ends_within(&mut s, Duration::from_secs(5)).await,
        "password change"
    );

    // A deactivated account: its streams end.
    let eva = app.person("Eva", OrganisationKind::Ggz, &role).await;
    let mut s = open(&eva, &app, "mine", None).await;
    app.execute(&format!(
        "UPDATE users SET active = false WHERE id = '{}'",
        eva.user.id
    ))
    .await;
    assert!(ends_within(&mut s, Duration::from_secs(5)).await, "deactivation");
}

#[tokio::test]
async fn one_session_holds_a_handful_of_streams_and_no_more() {
    let app = TestApp::spawn().await;
    let anna = app
        .person(
            "Anna",
            OrganisationKind::Jgz,
            &[zorgsignaal::domain::role::Role::Professional],
        )
        .await;
    let mut open_ones = Vec::new();
    for _ in 0..zorgsignaal::server::live::MAX_STREAMS_PER_SESSION {
        open_ones.push(open(&anna, &app, "mine", None).await);
    }
    let url = app.url("/live?topic=mine");
    let res = anna
        .client
        .get(&url)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    // One closes: its place is free again.
    drop(open_ones.pop());
    let mut again = None;
    for _ in 0..50 {
        let res = anna
            .client
            .get(&url)
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        if res.status() == 200 {
            again = Some(res);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed stream frees its place");
}
