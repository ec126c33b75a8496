//! Nothing readable at rest that need not be (issue 19): after every path
//! that takes a BSN has run, no table holds a BSN of the test data in any
//! text, JSON or bytea column; and moving every youth to a new BSN key
//! while the app runs loses nothing and splits nothing.

mod common;

use common::TestApp;
use reqwest::header;
use serde_json::{json, Value};
use zorgsignaal::{
    domain::{organisation::OrganisationKind, role::Role},
    server::{db, pseudonym::BsnKeys},
};

fn form<'a>(bsn: &'a str, given: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("bsn", bsn),
        ("given_names", given),
        ("prefix", ""),
        ("family_name", "Rust"),
        ("birth_date", "2014-03-31"),
        ("municipality_code", "GM0014"),
    ]
}

/// Every (table, column) of the app's schema that can hold text.
async fn columns(app: &TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text
           FROM information_schema.columns c JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
          WHERE c.table_schema = 'public'
            AND c.data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Where `bsn` occurs at rest: "table.column" for each hit.
async fn found(app: &TestApp, bsn: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for (table, column, kind) in columns(app).await {
        let condition = if kind == "bytea" {
            format!("position(convert_to($1, 'UTF8') in \"{column}\") > 0")
        } else {
            format!("\"{column}\"::text LIKE '%' || $1 || '%'")
        };
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM \"{table}\" WHERE {condition}"))
            .bind(bsn)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if n > 0 {
            hits.push(format!("{table}.{column}"));
        }
    }
    hits
}

#[tokio::test]
async fn after_every_path_that_takes_a_bsn_no_table_holds_one() {
    let app = TestApp::spawn().await;
    let anna = app
        .person("Anna", OrganisationKind::Jgz, &[Role::Professional])
        .await;
    let bram = app
        .person("Bram", OrganisationKind::Wijkteam, &[Role::Professional])
        .await;
    let carla = app
        .person("Carla", OrganisationKind::School, &[Role::Professional])
        .await;
    let rita = app
        .person("Rita", OrganisationKind::Gemeente, &[Role::RegionAdmin])
        .await;
    let token = app.api_token(bram.user.organisation_id, bram.user.id).await;
    let bsns = [
        "123456782",
        "111222333",
        "100372193",
        "010000008",
        "999999990",
        "100000009",
    ];

    // The forms, with a match and a mismatch (another name at a known BSN).
    assert_eq!(
        app.call_as(&anna, "register", &form(bsns[0], "Jan"))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call_as(&bram, "register", &form(bsns[0], "Piet"))
            .await
            .status(),
        200
    );
    let mut signal = form(bsns[1], "Els");
    signal.push(("kind", "veiligheid"));
    assert_eq!(app.call_as(&carla, "signal", &signal).await.status(), 200);
    // A form without JavaScript that fails keeps what was typed (the draft).
    let mut bad = form(bsns[2], "Mo");
    bad.retain(|(k, _)| *k != "birth_date");
    bad.push(("birth_date", "gisteren"));
    let res = anna
        .client
        .post(app.url("/api/register"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/jeugdigen/registreren"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(
        app.count("SELECT count(*) FROM flashes").await,
        1,
        "the draft is kept"
    );

    // The API, one at a time and in bulk.
    let body = json!({
        "bsn": bsns[3], "given_names": "Sem", "family_name": "Rust", "birth_date": "2016-07-07",
        "municipality_code": "GM0014", "professional_email": "bram@wijkteam.example", "external_ref": "R-1"
    });
    let res = app
        .client()
        .post(app.url("/api/v1/registrations"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let csv = format!(
        "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n\
         {};Ida;;Rust;2010-05-05;GM0014;bram@wijkteam.example;R-2\n",
        bsns[4]
    );
    let res = app
        .client()
        .post(app.url("/api/v1/registrations/bulk"))
        .bearer_auth(&token)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["created"], 1, "{report}");

    // The file upload (its report waits in a flash for the next page).
    let upload = format!(
        "--grens\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"lijst.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nbsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n\
         {};Lot;;Rust;2012-02-02;GM0014;bram@wijkteam.example;U-1\n\r\n--grens--\r\n",
        bsns[5]
    );
    let res = bram
        .client
        .post(app.url("/jeugdigen/importeren"))
        .header(header::ORIGIN, &app.address)
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=grens")
        .body(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // The region admin's audit lookup by BSN and the data-quality list.
    let res = app
        .call_as(
            &rita,
            "audit_trail",
            &[("bsn", bsns[0]), ("reason", "Verzoek van een ouder om inzage.")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(app.call_as(&rita, "mismatches", &[]).await.status(), 200);
    app.wait_for_mails(2).await;

    assert_eq!(
        app.count("SELECT count(*) FROM youths").await,
        5,
        "five youths recorded"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM flashes").await,
        2,
        "the draft and the report"
    );
    for bsn in bsns {
        assert_eq!(found(&app, bsn).await, Vec::<String>::new(), "BSN {bsn} at rest");
    }
    // The app can no longer write a plain BSN at all.
    let refused = sqlx::query(
        "INSERT INTO youths (id, bsn, given_names, family_name, birth_date, municipality_code)
         VALUES (gen_random_uuid(), '555555555', 'Oud', 'Rust', '2014-03-31', 'GM0014')",
    )
    .execute(&app.pool)
    .await;
    let refused = refused.unwrap_err().to_string();
    assert!(
        refused.contains("youths_no_plain_bsn"),
        "a plain BSN is refused: {refused}"
    );
    // The scan does find a BSN where one is (a row as written before issue
    // 19, in a database from before this release).
    app.execute_as_owner("ALTER TABLE youths DROP CONSTRAINT youths_no_plain_bsn")
        .await;
    app.execute(
        "INSERT INTO youths (id, bsn, given_names, family_name, birth_date, municipality_code)
         VALUES (gen_random_uuid(), '555555555', 'Oud', 'Rust', '2014-03-31', 'GM0014')",
    )
    .await;
    assert_eq!(found(&app, "555555555").await, ["youths.bsn"]);
    // What is kept instead: the lookup key and the last three digits.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM youths WHERE {} AND bsn_tail = '782'",
            app.bsn_is(bsns[0])
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_youth_with_a_plain_bsn_from_before_is_sealed_at_start_up() {
    let app = TestApp::spawn().await;
    app.municipality().await;
    // A database from before this release: plain BSNs could be written, and
    // the check comes back (NOT VALID, as its migration adds it) before the
    // next start seals them.
    app.execute_as_owner("ALTER TABLE youths DROP CONSTRAINT youths_no_plain_bsn")
        .await;
    app.execute(
        "INSERT INTO youths (id, bsn, given_names, family_name, birth_date, municipality_code)
         VALUES (gen_random_uuid(), '123456782', 'Oud', 'Rust', '2014-03-31', 'GM0014')",
    )
    .await;
    app.execute_as_owner(
        "ALTER TABLE youths ADD CONSTRAINT youths_no_plain_bsn CHECK (bsn IS NULL) NOT VALID",
    )
    .await;
    let again = app.second_instance().await;
    assert_eq!(
        again
            .count("SELECT count(*) FROM youths WHERE bsn IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        again
            .count(&format!(
                "SELECT count(*) FROM youths WHERE {} AND bsn_tail = '782'",
                app.bsn_is("123456782")
            ))
            .await,
        1
    );
}

#[tokio::test]
async fn rekeying_while_the_app_registers_loses_nothing_and_splits_nothing() {
    const K1: &str = "test-bsn-key-one-0123456789abcdef0123456789";
    const K2: &str = "test-bsn-key-two-fedcba9876543210fedcba9876";
    let app = TestApp::spawn_with(&[("BSN_KEY", K1)]).await;
    let anna = app
        .person("Anna", OrganisationKind::Jgz, &[Role::Professional])
        .await;
    let bsns: Vec<String> = (31_000_000u64..)
        .filter_map(|n| {
            let head = format!("{n:08}");
            let sum: u32 = head
                .bytes()
                .enumerate()
                .map(|(i, b)| (9 - i as u32) * u32::from(b - b'0'))
                .sum();
            (sum % 11 <= 9).then(|| format!("{head}{}", sum % 11))
        })
        .take(60)
        .collect();
    for bsn in &bsns {
        assert_eq!(
            app.call_as(&anna, "register", &form(bsn, "Jan")).await.status(),
            200
        );
    }

    // Every instance restarted with the new key appended, then rekey-bsn
    // runs while professionals keep registering the same youths.
    let rotated = app
        .second_instance_with(&[("BSN_KEY", &format!("{K1}\n{K2}"))])
        .await;
    let bram = rotated
        .person("Bram", OrganisationKind::Wijkteam, &[Role::Professional])
        .await;
    let keys = BsnKeys::parse(&format!("{K1},{K2}")).unwrap();
    let pool = rotated.pool.clone();
    let rekey = tokio::spawn(async move { db::bsn::rekey(&pool, &keys, 7).await.unwrap() });
    // Bram registers half of them meanwhile (those move themselves or are
    // moved by the command); the other half only the command moves.
    for bsn in &bsns[..30] {
        let res = rotated.call_as(&bram, "register", &form(bsn, "Jan")).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    let moved = rekey.await.unwrap();
    assert!((30..=60).contains(&moved), "{moved}");

    assert_eq!(
        rotated.count("SELECT count(*) FROM youths").await,
        60,
        "no youth twice"
    );
    assert_eq!(
        rotated
            .count("SELECT count(*) FROM youths WHERE bsn_generation = 2")
            .await,
        60
    );
    assert_eq!(
        rotated
            .count("SELECT count(*) FROM youths WHERE involved_organisations = 2")
            .await,
        30,
        "each youth Bram registered has both organisations: nothing lost"
    );
    assert_eq!(rotated.count("SELECT count(*) FROM registrations").await, 90);
    for bsn in &bsns {
        assert_eq!(
            rotated
                .count(&format!(
                    "SELECT count(*) FROM youths WHERE {}",
                    rotated.bsn_is(bsn)
                ))
                .await,
            1
        );
    }

    // An instance with the old key only, or another key, refuses to start.
    let pool = rotated.pool.clone();
    let old = BsnKeys::parse(K1).unwrap();
    assert!(matches!(
        db::bsn::check_keys(&pool, &old).await,
        Err(db::bsn::KeyError::Behind(2, 1))
    ));
    let other = BsnKeys::parse("another-key-entirely-0123456789abcdef").unwrap();
    assert!(matches!(
        db::bsn::check_keys(&pool, &other).await,
        Err(db::bsn::KeyError::Differs(1))
    ));
}
