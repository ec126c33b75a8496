//! What each row of the matrix is called on: a case, a fresh user, a
//! one-time value, a draft rule (see docs/AUTHORISATION.md).

use super::calls::{consent, csv_row, in_days, upload};
use super::world::{
    json_ok, Case, World, A_OTHER, A_OWN, COLUMNS, C_OWN, K_OWN, P_NONE, P_OTHER, P_OWN, TOWN,
};
use crate::common::{two_factor, PASSWORD};
use reqwest::Client;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// What a row is called on.
#[derive(Default)]
pub struct Prepared {
    pub case: Option<Case>,
    /// What a `sees` answer shows (the youth's family name unless the row says).
    pub marker: String,
    pub ids: HashMap<&'static str, String>,
    /// Columns that call with a client of their own for this row (a fresh
    /// user, or the session that made a one-time value).
    pub clients: HashMap<usize, Client>,
    /// The e-mail address a column logs in with (the `login` row).
    pub emails: HashMap<usize, String>,
    pub secrets: HashMap<usize, Vec<u8>>,
}

/// Rows about one youth, called on a fresh case.
const CASE_ROWS: &[&str] = &[
    "my_youths",
    "youth",
    "end_registration",
    "close_signal",
    "change_end_date",
    "live_presence",
    "create_action",
    "change_action",
    "cancel_action",
    "complete_action",
    "youth_actions",
    "my_actions",
    "coordination_board",
    "youth (live)",
    "youth_actions (live)",
    "my_actions (live)",
    "coordination_board (live)",
    "my_coordination",
    "take_coordination",
    "propose_handover",
    "accept_handover",
    "reject_handover",
    "withdraw_handover",
    "escalate",
    "escalations",
    "decide_escalation",
    "mismatches",
    "resolve_mismatch",
    "link_family",
    "unlink_family",
    "save_plan",
    "add_agreement",
    "remove_agreement",
    "record_consent",
    "withdraw_consent",
    "audit_trail",
    "audit_trail_result",
    "mail_outbox",
    "retry_mail",
    "GET /live",
    "GET /api/v1/registrations",
    "POST /api/v1/registrations/{id}/end",
    "GET /api/v1/signals",
    "POST /api/v1/signals/{id}/close",
];

/// Whether row `name` is called on a case (each allowed call then gets a case of its own).
pub fn needs_case(name: &str) -> bool {
    CASE_ROWS.contains(&name)
}

/// Rows whose callers each need a user of their own (they change the
/// account or the session).
const FRESH_ROWS: &[&str] = &[
    "login",
    "logout",
    "login_code",
    "two_factor_setup",
    "confirm_two_factor",
    "renew_recovery_codes",
    "disable_two_factor",
    "change_password",
];

/// The one id in `table` for the youth (each row has a case of its own).
async fn only_id(w: &World, table: &str, youth: Uuid) -> String {
    w.uuid(&format!("SELECT id FROM {table} WHERE youth_id = $1"), youth)
        .await
        .to_string()
}

/// The newest covenant version of the region of column `column`'s user.
async fn version(w: &World, column: usize) -> i32 {
    sqlx::query_scalar(
        "SELECT max(v.version) FROM covenant_versions v JOIN organisations o ON o.region_id = v.region_id
         WHERE o.id = $1",
    )
    .bind(w.user(column).organisation_id)
    .fetch_one(&w.app.pool)
    .await
    .unwrap()
}

/// A new draft rule in the region of both admins; returns their versions.
async fn draft_rule(w: &World, p: &mut Prepared, rules: usize, activate: bool) {
    for (column, key) in [(A_OWN, "v_own"), (A_OTHER, "v_other")] {
        let mut v = version(w, column).await;
        for _ in 0..rules {
            let res = w
                .call(
                    column,
                    "save_rule",
                    &[
                        ("based_on", &v.to_string()),
                        ("index", ""),
                        ("outcome", "soort:jgz"),
                    ],
                )
                .await;
            v = json_ok(res).await.as_i64().unwrap() as i32;
        }
        if activate {
            json_ok(
                w.call(column, "activate_covenant", &[("version", &v.to_string())])
                    .await,
            )
            .await;
        }
        p.ids.insert(key, v.to_string());
    }
}

/// A user like column `column`'s, held to the second-factor rules, with an
/// authenticator app set up, logged in in full.
async fn with_app(w: &World, p: &mut Prepared, column: usize) {
    if let Some((user, client)) = World::fresh_user_with_rules(&w.app, column).await {
        let (secret, _, _) = two_factor::enrol(&w.app, &client).await;
        p.secrets.insert(column, secret);
        p.clients.insert(column, client);
        p.emails.insert(column, user.email);
    }
}

pub async fn prepare(w: &World, row: &str) -> Prepared {
    let mut p = Prepared::default();
    if CASE_ROWS.contains(&row) {
        let case = w.case(row != "take_coordination").await;
        p.marker = case.family.clone();
        p.case = Some(case);
    }
    if FRESH_ROWS.contains(&row) {
        for column in 0..COLUMNS.len() {
            match row {
                "login_code" | "renew_recovery_codes" | "disable_two_factor" => {
                    with_app(w, &mut p, column).await
                }
                _ => {
                    if let Some((user, client)) = World::fresh_user(&w.app, column).await {
                        p.emails.insert(column, user.email.clone());
                        p.clients.insert(column, client);
                    }
                }
            }
            if row == "confirm_two_factor" {
                if let Some(client) = p.clients.get(&column) {
                    let secret = two_factor::setup_secret(&w.app, client).await;
                    p.secrets.insert(column, secret);
                }
            }
        }
        if row == "login_code" {
            // The password given again: the session waits for the code.
            for (column, email) in p.emails.clone() {
                let client = w.app.client();
                let res = w.app.login(&client, &email, PASSWORD).await;
                assert_eq!(json_ok(res).await, json!("Code"), "{email}");
                p.clients.insert(column, client);
            }
        }
        for column in [0, K_OWN, K_OWN + 1, K_OWN + 2] {
            p.emails.insert(
                column,
                w.user(if column == 0 { P_OWN } else { column }).email.clone(),
            );
        }
    }
    let case = p.case.as_ref();
    let youth = case.map(|c| c.youth.to_string()).unwrap_or_default();
    match row {
        "draft" => {
            let (bsn, family) = w.next_youth();
            let mut form = World::youth_form(&bsn, &family);
            form.retain(|(k, _)| *k != "birth_date");
            form.push(("birth_date", "gisteren"));
            let id = w
                .plain_post_flash(&w.subjects[P_OWN].client, "register", &form)
                .await;
            p.ids.insert("flash", id.to_string());
            p.marker = family;
        }
        "import_report" => {
            let res = upload(w, &w.subjects[P_OWN].client, &csv_row(w)).await;
            assert!(res.status().is_redirection(), "{}", res.status());
            p.ids.insert("flash", w.newest_flash().await.to_string());
            p.marker = "matrix.csv".into();
        }
        "recovery_codes" => {
            let (_, client) = World::fresh_user(&w.app, P_OWN).await.unwrap();
            let secret = two_factor::setup_secret(&w.app, &client).await;
            let code = two_factor::code_at(&secret, two_factor::now_step());
            let id = w
                .plain_post_flash(&client, "confirm_two_factor", &[("code", code.as_str())])
                .await;
            p.ids.insert("flash", id.to_string());
            p.clients.insert(P_OWN, client);
            p.marker = "-".into();
        }
        "accept_handover" | "reject_handover" | "withdraw_handover" => {
            let other = w.other_org.to_string();
            let res = w
                .call(
                    C_OWN,
                    "propose_handover",
                    &[("youth", &youth), ("to_organisation", &other)],
                )
                .await;
            json_ok(res).await;
            p.ids
                .insert("id", only_id(w, "handovers", case.unwrap().youth).await);
        }
        "escalations" | "decide_escalation" => {
            json_ok(
                w.call(
                    C_OWN,
                    "escalate",
                    &[("youth", &youth), ("reason", "Geen voortgang.")],
                )
                .await,
            )
            .await;
            p.ids
                .insert("id", only_id(w, "escalations", case.unwrap().youth).await);
        }
        "mismatches" | "resolve_mismatch" => {
            // An organisation not involved types the case's BSN with
            // another name: recorded, never refused, and a mismatch.
            let case = case.unwrap();
            let mut form = World::youth_form(&case.bsn, &case.family);
            for (k, v) in form.iter_mut() {
                if *k == "given_names" {
                    *v = "Anders";
                }
            }
            form.push(("kind", "veiligheid"));
            json_ok(w.call(P_NONE, "signal", &form).await).await;
            p.ids
                .insert("organisation", w.user(P_NONE).organisation_id.to_string());
        }
        "link_family" | "unlink_family" => {
            let (bsn, family) = w.next_youth();
            let form = World::youth_form(&bsn, &family);
            let second = json_ok(w.call(P_OWN, "register", &form).await).await;
            json_ok(w.call(P_OTHER, "register", &form).await).await;
            let second = second["youth_id"].as_str().unwrap().to_string();
            if row == "unlink_family" {
                json_ok(
                    w.call(P_OWN, "link_family", &[("youth", &youth), ("other", &second)])
                        .await,
                )
                .await;
            }
            p.ids.insert("other", second);
        }
        "remove_agreement" => {
            let res = w
                .call(
                    P_OWN,
                    "add_agreement",
                    &[
                        ("youth", &youth),
                        ("who", "Moeder"),
                        ("what", "Belt school"),
                        ("due_on", &in_days(9)),
                    ],
                )
                .await;
            json_ok(res).await;
            let id = w
                .uuid(
                    "SELECT a.id FROM plan_agreements a JOIN plans p ON p.id = a.plan_id WHERE p.youth_id = $1",
                    case.unwrap().youth,
                )
                .await;
            p.ids.insert("id", id.to_string());
        }
        "withdraw_consent" => {
            json_ok(w.call(P_OWN, "record_consent", &consent(&youth)).await).await;
            p.ids
                .insert("id", only_id(w, "consents", case.unwrap().youth).await);
        }
        "audit_trail_result" => {
            let bsn = case.unwrap().bsn.clone();
            let id = w
                .plain_post_flash(
                    &w.subjects[A_OWN].client,
                    "audit_trail",
                    &[("bsn", &bsn), ("reason", "Verzoek van een ouder.")],
                )
                .await;
            p.ids.insert("flash", id.to_string());
        }
        "retry_mail" => {
            let id: i64 = sqlx::query_scalar(
                "UPDATE outbox SET status = 'dead' WHERE id = (SELECT max(id) FROM outbox WHERE youth_id = $1) RETURNING id",
            )
            .bind(case.unwrap().youth)
            .fetch_one(&w.app.pool)
            .await
            .unwrap();
            p.ids.insert("id", id.to_string());
        }
        "mail_outbox" => p.marker = w.user(P_OWN).email.clone(),
        // The institution's list holds its own records: the own organisation's registration.
        "GET /api/v1/registrations" => p.marker = case.unwrap().registration.to_string(),
        "GET /api/v1/signals" => p.marker = case.unwrap().signal.to_string(),
        "api_tokens" | "revoke_api_token" => {
            let name = format!("Koppeling {}", Uuid::new_v4().simple());
            let org = w.own_org.to_string();
            json_ok(
                w.call(
                    A_OWN,
                    "create_api_token",
                    &[("organisation_id", &org), ("name", &name)],
                )
                .await,
            )
            .await;
            let id: Uuid = sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = $1")
                .bind(&name)
                .fetch_one(&w.app.pool)
                .await
                .unwrap();
            p.ids.insert("id", id.to_string());
            p.marker = name;
        }
        "new_api_token" => {
            let org = w.own_org.to_string();
            let id = w
                .plain_post_flash(
                    &w.subjects[A_OWN].client,
                    "create_api_token",
                    &[("organisation_id", &org), ("name", "Koppeling")],
                )
                .await;
            p.ids.insert("flash", id.to_string());
            p.marker = "zs_".into();
        }
        "report_municipalities" | "report" | "report_settings" => p.marker = TOWN.into(),
        "remove_report_recipient" => {
            let email = format!("{}@gemeente.example", Uuid::new_v4().simple());
            let res = w
                .call(
                    A_OWN,
                    "add_report_recipient",
                    &[("gemeente", TOWN), ("naam", "Gert"), ("email", &email)],
                )
                .await;
            json_ok(res).await;
            let id: Uuid = sqlx::query_scalar("SELECT id FROM report_recipients WHERE email = $1")
                .bind(&email)
                .fetch_one(&w.app.pool)
                .await
                .unwrap();
            p.ids.insert("id", id.to_string());
        }
        "save_rule" | "set_family_coordination" => draft_rule(w, &mut p, 0, false).await,
        "move_rule" => draft_rule(w, &mut p, 2, false).await,
        "remove_rule" | "activate_covenant" => draft_rule(w, &mut p, 1, false).await,
        "apply_covenant" => draft_rule(w, &mut p, 1, true).await,
        _ => {}
    }
    p
}
