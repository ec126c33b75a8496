//! Instances share nothing but the database: sessions and lockouts hold
//! across them. And the demo data loads idempotently.

mod common;

use common::{session_cookie, TestApp};
use reqwest::StatusCode;
use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};
use zorgsignaal::{
    domain::user::CurrentUser,
    server::{auth, db::seed, startup},
};

#[tokio::test]
async fn a_session_opened_on_one_instance_is_valid_on_the_other_and_ends_on_both() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let user = a.user().create().await;
    let cookie = session_cookie(&a.login(&a.client(), &user.email, &user.password).await).unwrap();

    let me: Option<CurrentUser> = b.call_with_cookie("me", &cookie).await.json().await.unwrap();
    assert_eq!(me.map(|u| u.id), Some(user.id));

    let logout = b.call_with_cookie("logout", &cookie).await;
    assert_eq!(logout.status(), StatusCode::OK);
    let me: Option<CurrentUser> = a.call_with_cookie("me", &cookie).await.json().await.unwrap();
    assert!(me.is_none());
}

#[tokio::test]
async fn failures_spread_over_two_instances_lock_the_account_on_both() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let user = a.user().create().await;
    for i in 0..5 {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            app.login(&app.client(), &user.email, "fout").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    for app in [&a, &b] {
        let res = app.login(&app.client(), &user.email, &user.password).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn loading_the_demo_data_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let hash = auth::hash_password(seed::DEMO_PASSWORD.to_string())
        .await
        .unwrap();
    let tables =
        "SELECT (SELECT count(*) FROM regions) * 1000000 + (SELECT count(*) FROM municipalities) * 10000
                 + (SELECT count(*) FROM organisations) * 100 + (SELECT count(*) FROM users)";
    seed::load(&app.pool, &hash).await.unwrap();
    let once = app.count(tables).await;
    let roles_once = app.count("SELECT count(*) FROM user_roles").await;
    let history_once = app.count("SELECT count(*) FROM youths").await;
    seed::load(&app.pool, &hash).await.unwrap();
    assert_eq!(app.count(tables).await, once);
    assert_eq!(app.count("SELECT count(*) FROM user_roles").await, roles_once);
    assert_eq!(app.count("SELECT count(*) FROM youths").await, history_once);
    // 9 demo accounts and 6 inactive archive accounts (the report history's authors).
    assert_eq!(
        once,
        1_000_000 + 10 * 10_000 + 8 * 100 + 15,
        "1 region, 10 municipalities, 8 organisations, 15 users"
    );
    assert_eq!(app.count("SELECT count(*) FROM users WHERE active").await, 9);
    assert_eq!(history_once, 2_000, "three years of finished demo history");
    assert_eq!(
        app.count("SELECT count(*) FROM registrations WHERE ended_at IS NULL")
            .await
            + app
                .count("SELECT count(*) FROM signals WHERE closed_at IS NULL")
                .await
            + app
                .count("SELECT count(*) FROM coordinations WHERE ended_at IS NULL")
                .await
            + app
                .count("SELECT count(*) FROM escalations WHERE closed_at IS NULL")
                .await
            + app
                .count("SELECT count(*) FROM actions WHERE done_at IS NULL AND cancelled_at IS NULL")
                .await,
        0,
        "the history has nothing open"
    );

    // Every demo account logs in with the demo password.
    for user in &seed::DEMO_USERS {
        let res = app.login(&app.client(), user.email, seed::DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", user.email);
    }
}

/// Starting an instance must not stall pages that another instance in the
/// same process is rendering: Leptos switches resource loading off for the
/// whole process while it generates the route list (a global flag; a
/// resource first polled meanwhile waits for ever, leptos issue #4773), so
/// the app generates its routes once per process. (Before that, a test in
/// a full run once hung on a page while another test started its app.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_an_instance_does_not_stall_pages_another_is_rendering() {
    let a = TestApp::spawn().await;
    let (anna, _bram, _carla, youth) = common::case::case(&a).await;
    let path = format!("/jeugdigen/{youth}");
    // What every instance start asks for, over and over, on its own thread.
    let done = Arc::new(AtomicBool::new(false));
    let runtime = tokio::runtime::Handle::current();
    let starting = std::thread::spawn({
        let done = done.clone();
        move || {
            let _in_runtime = runtime.enter();
            let mut n = 0;
            while !done.load(Ordering::Acquire) {
                assert!(!startup::routes().is_empty());
                n += 1;
            }
            n
        }
    });
    for _ in 0..40 {
        let page = tokio::time::timeout(Duration::from_secs(20), async {
            let res = a.page(&anna.client, &path).await;
            (res.status(), res.text().await.unwrap())
        })
        .await;
        let Ok((status, body)) = page else {
            // Leave the thread running: a stalled render never ends.
            panic!("the youth page was not rendered within 20 s");
        };
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Jansen</h1>"));
    }
    done.store(true, Ordering::Release);
    assert!(starting.join().unwrap() > 0);
}
