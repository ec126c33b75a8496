//! The region admin's data-quality list (issue 19): a BSN typed with
//! another name or date of birth than stored is recorded, never refused;
//! both versions are shown to the region admin alone, who resolves each —
//! the same person (one set of data for everyone) or a mistyped BSN (the
//! organisation is mailed to correct it and never sees the other child).

mod common;

use common::{Person, TestApp};
use serde_json::Value;
use zorgsignaal::domain::{organisation::OrganisationKind, role::Role};

const BSN: &str = "123456782";
const OTHER_BSN: &str = "111222333";

fn form<'a>(bsn: &'a str, given: &'a str, family: &'a str, born: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("bsn", bsn),
        ("given_names", given),
        ("prefix", ""),
        ("family_name", family),
        ("birth_date", born),
        ("municipality_code", "GM0014"),
    ]
}

struct World {
    app: TestApp,
    anna: Person,
    bram: Person,
    admin: Person,
}

/// Anna (JGZ) registered `bsn` as Jan Vries, 31-03-2014; Bram (wijkteam)
/// registered it as Pieter Bakker, 01-01-2015. Returns the youth's id.
async fn mismatch(w: &World, bsn: &str) -> String {
    let res = w
        .app
        .call_as(&w.anna, "register", &form(bsn, "Jan", "Vries", "2014-03-31"))
        .await;
    assert_eq!(res.status(), 200);
    let res = w
        .app
        .call_as(&w.bram, "register", &form(bsn, "Pieter", "Bakker", "2015-01-01"))
        .await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    v["youth_id"].as_str().unwrap().to_string()
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let anna = app
        .person("Anna", OrganisationKind::Jgz, &[Role::Professional])
        .await;
    let bram = app
        .person("Bram", OrganisationKind::Wijkteam, &[Role::Professional])
        .await;
    let admin = app
        .person("Regina", OrganisationKind::Gemeente, &[Role::RegionAdmin])
        .await;
    World {
        app,
        anna,
        bram,
        admin,
    }
}

async fn list(w: &World) -> Vec<Value> {
    let res = w.app.call_as(&w.admin, "mismatches", &[]).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap().as_array().unwrap().clone()
}

async fn resolve(w: &World, youth: &str, organisation: &str, decision: &str) -> reqwest::Response {
    w.app
        .call_as(
            &w.admin,
            "resolve_mismatch",
            &[
                ("youth", youth),
                ("organisation", organisation),
                ("decision", decision),
            ],
        )
        .await
}

async fn name_seen(w: &World, p: &Person, youth: &str) -> String {
    let v: Value = w
        .app
        .call_as(p, "youth", &[("id", youth)])
        .await
        .json()
        .await
        .unwrap();
    v["name"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_region_admin_alone_sees_both_versions_and_every_look_is_audited() {
    let w = world().await;
    let youth = mismatch(&w, BSN).await;

    let rows = list(&w).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let m = &rows[0];
    assert_eq!(m["youth_id"], youth.as_str());
    assert_eq!(m["bsn_masked"], "******782");
    assert_eq!(m["stored"]["name"], "Jan Vries");
    assert_eq!(m["stored"]["birth_date"], "2014-03-31");
    assert_eq!(m["typed"]["name"], "Pieter Bakker");
    assert_eq!(m["typed"]["birth_date"], "2015-01-01");
    assert_eq!(m["typed_organisation"], "Organisatie wijkteam");
    assert_eq!(m["typed_by"], "Bram");
    assert_eq!(m["stored_organisations"], serde_json::json!(["Organisatie jgz"]));
    assert!(!m.to_string().contains(BSN), "never the full BSN");

    for p in [&w.anna, &w.bram] {
        assert_eq!(w.app.call_as(p, "mismatches", &[]).await.status(), 403);
    }
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT count(*) FROM audit_log WHERE action = 'mismatch_list' AND result = 'success'
                  AND object_ids @> ARRAY['{youth}']"
            ))
            .await,
        1
    );
    // The page, without JavaScript: both versions are on it.
    let page = w.app.page(&w.admin.client, "/regio/gegevenskwaliteit").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Jan Vries") && html.contains("Pieter Bakker"),
        "{html}"
    );
}

#[tokio::test]
async fn a_mistyped_bsn_mails_the_organisation_that_typed_it_and_never_shows_it_the_other_child() {
    let w = world().await;
    let youth = mismatch(&w, BSN).await;
    let org = w.bram.user.organisation_id.to_string();
    // Bram gave a signal on the same (mistyped) BSN as well.
    let mut signal = form(BSN, "Pieter", "Bakker", "2015-01-01");
    signal.push(("kind", "veiligheid"));
    assert_eq!(w.app.call_as(&w.bram, "signal", &signal).await.status(), 200);
    let before = w.app.wait_for_mails(2).await.len();

    assert_eq!(resolve(&w, &youth, &org, "wrong_bsn").await.status(), 200);
    assert!(list(&w).await.is_empty(), "resolved");
    let mails = w.app.wait_for_mails(before + 1).await;
    let new: Vec<_> = mails[before..].iter().collect();
    assert_eq!(new.len(), 1, "only Bram is told");
    let m = new[0];
    assert_eq!(m.to, std::slice::from_ref(&w.bram.user.email));
    assert!(m.text.contains("bij een ander kind hoort"), "{}", m.text);
    assert!(m.text.contains("Pieter Bakker"), "{}", m.text);
    assert!(!m.text.contains("Jan") && !m.text.contains("Vries"), "{}", m.text);
    assert!(m.text.contains("beëindigd"), "{}", m.text);
    // Bram's registration on the other child ended as made in error: his
    // organisation is out of that child's chain (no match, no mails about
    // it); Anna's stays. Each keeps its own version of the name.
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT count(*) FROM registrations WHERE youth_id = '{youth}' AND organisation_id = '{org}'
                    AND ended_at IS NOT NULL AND end_reason = 'in_error'"
            ))
            .await,
        1
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT count(*) FROM registrations WHERE youth_id = '{youth}' AND ended_at IS NULL"
            ))
            .await,
        1
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT count(*) FROM signals WHERE youth_id = '{youth}' AND organisation_id = '{org}'
                    AND closed_at IS NOT NULL AND close_reason = 'in_error'"
            ))
            .await,
        1,
        "the signal too"
    );
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT involved_organisations::bigint FROM youths WHERE id = '{youth}'"
            ))
            .await,
        1
    );
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM audit_log WHERE action IN ('registration_end', 'signal_close') AND user_id IS NULL")
            .await,
        2,
        "each ending is audited as the system's act"
    );
    assert_eq!(name_seen(&w, &w.anna, &youth).await, "Jan Vries");
    // The other child's page is no longer Bram's to open; the mail leads
    // to the registration form instead.
    let res = w.app.call_as(&w.bram, "youth", &[("id", youth.as_str())]).await;
    assert_eq!(res.status(), 404);
    assert!(m.text.contains("/jeugdigen/registreren"), "{}", m.text);
    assert!(!m.text.contains(&format!("/jeugdigen/{youth}")), "{}", m.text);
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM audit_log WHERE action = 'mismatch_resolve' AND result = 'success'")
            .await,
        1
    );
    // Resolved once: a second decision finds nothing.
    assert_eq!(resolve(&w, &youth, &org, "keep_stored").await.status(), 404);
    // Typing the same wrong BSN again brings the mismatch back on the list.
    let res = w
        .app
        .call_as(&w.bram, "register", &form(BSN, "Pieter", "Bakker", "2015-01-01"))
        .await;
    assert_eq!(res.status(), 200);
    let again = list(&w).await;
    assert_eq!(again.len(), 1, "{again:?}");
}

#[tokio::test]
async fn the_same_person_gets_one_set_of_data_for_everyone_and_those_whose_view_changed_are_told() {
    let w = world().await;
    let org = w.bram.user.organisation_id.to_string();

    // The typed data is right: Anna's view changes, and she is told.
    let first = mismatch(&w, BSN).await;
    let before = w.app.wait_for_mails(2).await.len();
    assert_eq!(resolve(&w, &first, &org, "take_typed").await.status(), 200);
    assert_eq!(name_seen(&w, &w.anna, &first).await, "Pieter Bakker");
    assert_eq!(name_seen(&w, &w.bram, &first).await, "Pieter Bakker");
    let mails = w.app.wait_for_mails(before + 1).await;
    assert_eq!(mails.len(), before + 1);
    assert_eq!(mails[before].to, std::slice::from_ref(&w.anna.user.email));
    assert!(mails[before].text.contains("Pieter Bakker"));
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM youths WHERE given_names = 'Pieter' AND birth_date = '2015-01-01'")
            .await,
        1
    );

    // The stored data is right: Bram's view changes, and he is told.
    let second = mismatch(&w, OTHER_BSN).await;
    let before = w.app.wait_for_mails(before + 3).await.len();
    assert_eq!(resolve(&w, &second, &org, "keep_stored").await.status(), 200);
    assert_eq!(name_seen(&w, &w.bram, &second).await, "Jan Vries");
    let mails = w.app.wait_for_mails(before + 1).await;
    assert_eq!(mails[before].to, std::slice::from_ref(&w.bram.user.email));
    assert!(mails[before].text.contains("Jan Vries"));
    assert_eq!(w.app.count("SELECT count(*) FROM youth_versions").await, 0);
}

#[tokio::test]
async fn a_decision_is_required_and_only_an_open_mismatch_of_the_region_is_resolved() {
    let w = world().await;
    let youth = mismatch(&w, BSN).await;
    let org = w.bram.user.organisation_id.to_string();

    let res = resolve(&w, &youth, &org, "").await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("Kies wat er aan de hand is."), "{body}");
    assert!(
        body.contains(&format!("decision-{youth}-{org}")),
        "the message names the row's field: {body}"
    );
    let anna_org = w.anna.user.organisation_id.to_string();
    assert_eq!(
        resolve(&w, &youth, &anna_org, "keep_stored").await.status(),
        404,
        "Anna typed no other data"
    );
    assert_eq!(list(&w).await.len(), 1, "nothing changed");

    // Open longer than a week: named on the region's start page.
    let overview: Value = w
        .app
        .call_as(&w.admin, "region_overview", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overview["overdue_mismatches"], serde_json::json!([]));
    w.app
        .execute("UPDATE youth_versions SET since = now() - interval '8 days'")
        .await;
    let overview: Value = w
        .app
        .call_as(&w.admin, "region_overview", &[])
        .await
        .json()
        .await
        .unwrap();
    let overdue = overview["overdue_mismatches"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["days"], 8);
    let html = w.app.page(&w.admin.client, "/regio").await.text().await.unwrap();
    assert!(
        html.contains("1 afwijking in persoonsgegevens langer dan een week open"),
        "{html}"
    );
    // Named by who typed it and since when; nothing of the youth.
    let typed_by: String = sqlx::query_scalar(
        "SELECT o.name FROM youth_versions v JOIN organisations o ON o.id = v.organisation_id",
    )
    .fetch_one(&w.app.pool)
    .await
    .unwrap();
    assert_eq!(overdue[0]["typed_organisation"], typed_by.as_str());
    assert!(
        html.contains(&format!("getypt door {typed_by}, open sinds")),
        "{html}"
    );
    for personal in ["Pieter", "Bakker", "Jan", "Vries"] {
        assert!(!serde_json::to_string(&overview).unwrap().contains(personal));
    }
}

#[tokio::test]
async fn typing_a_municipality_of_another_region_does_not_move_the_youth_and_both_regions_decide() {
    let w = world().await;
    let other = zorgsignaal::server::db::organisations::upsert_region(&w.app.pool, "Andere regio")
        .await
        .unwrap();
    zorgsignaal::server::db::organisations::upsert_municipality(&w.app.pool, "GM0034", "Delfzijl", other)
        .await
        .unwrap();
    let other_admin = w
        .app
        .user()
        .region("Andere regio")
        .organisation_kind(OrganisationKind::Gemeente)
        .roles(&[Role::RegionAdmin])
        .create()
        .await;
    let other_admin = Person {
        client: w.app.logged_in(&other_admin).await,
        user: other_admin,
    };
    let res = w
        .app
        .call_as(&w.anna, "register", &form(BSN, "Jan", "Vries", "2014-03-31"))
        .await;
    assert_eq!(res.status(), 200);
    let mut moved = form(BSN, "Jan", "Vries", "2014-03-31");
    moved.retain(|(k, _)| *k != "municipality_code");
    moved.push(("municipality_code", "GM0034"));
    let res = w.app.call_as(&w.bram, "register", &moved).await;
    assert_eq!(res.status(), 200, "recorded, not refused");
    let youth: Value = res.json().await.unwrap();
    let youth = youth["youth_id"].as_str().unwrap().to_string();
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM youths WHERE municipality_code = 'GM0014'")
            .await,
        1,
        "the youth stays in its region"
    );

    // On the list of both regions.
    let ours = list(&w).await;
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["stored"]["municipality"], "Groningen");
    assert_eq!(ours[0]["typed"]["municipality"], "Delfzijl");
    let theirs: Value = w
        .app
        .call_as(&other_admin, "mismatches", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 1);

    // The other region's admin agrees to the move: the youth moves.
    let org = w.bram.user.organisation_id.to_string();
    let res = w
        .app
        .call_as(
            &other_admin,
            "resolve_mismatch",
            &[
                ("youth", &youth),
                ("organisation", &org),
                ("decision", "take_typed"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        w.app
            .count("SELECT count(*) FROM youths WHERE municipality_code = 'GM0034'")
            .await,
        1
    );
    assert!(list(&w).await.is_empty());
}
