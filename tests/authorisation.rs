//! The authorisation matrix (docs/AUTHORISATION.md) walked cell by cell
//! against the real server and PostgreSQL: every server function and
//! endpoint, every role, own / other / not involved.

mod common;

#[path = "authorisation/calls.rs"]
mod calls;
#[path = "authorisation/prepare.rs"]
mod prepare;
#[path = "authorisation/world.rs"]
mod world;

use calls::{call, Call};
use prepare::{prepare, Prepared};
use reqwest::{header, Client, Method, Response};
use std::collections::BTreeSet;
use world::{World, ANON, COLUMNS, K_OWN};

const TABLE: &str = include_str!("../docs/AUTHORISATION.md");

/// What a cell expects (see the document's "What each cell means").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Ok,
    Sees,
    Blind,
    Status(u16),
}

struct Row {
    name: String,
    cells: Vec<Cell>,
}

fn table() -> Vec<Row> {
    let mut rows = Vec::new();
    for line in TABLE.lines().filter(|l| l.starts_with("| `")) {
        let fields: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if fields.len() != COLUMNS.len() + 1 {
            continue; // the tables that explain the columns and cells
        }
        let cells = fields[1..]
            .iter()
            .map(|c| match *c {
                "ok" => Cell::Ok,
                "sees" => Cell::Sees,
                "blind" => Cell::Blind,
                n => Cell::Status(n.parse().unwrap_or_else(|_| panic!("cell {n:?} in {line}"))),
            })
            .collect();
        rows.push(Row {
            name: fields[0].trim_matches('`').to_string(),
            cells,
        });
    }
    rows
}

/// Every server function the app registers, and every REST operation its
/// OpenAPI document names, has a row; every row names one that exists.
#[tokio::test]
async fn the_matrix_has_a_row_for_every_server_function_and_operation_and_no_other() {
    let app = common::TestApp::spawn().await;
    let rows: BTreeSet<String> = table().into_iter().map(|r| r.name).collect();
    let mut registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let doc = app.get_json("/api/v1/openapi.json").await;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            registered.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    registered.insert("GET /api/v1/openapi.json".into());
    let missing: Vec<_> = registered.iter().filter(|r| !rows.contains(*r)).collect();
    assert!(
        missing.is_empty(),
        "no row in docs/AUTHORISATION.md for {missing:?}"
    );
    let unknown: Vec<_> = rows
        .iter()
        .filter(|r| {
            // A row "name (live)" calls `name` as a refetch after a live change.
            let function = r.strip_suffix(" (live)").unwrap_or(r);
            !registered.contains(function) && !r.starts_with("GET /") && !r.starts_with("POST /jeugdigen")
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "rows for what the app does not have: {unknown:?}"
    );
    assert!(rows.len() >= 80, "{} rows", rows.len());
}

/// Sends `c` as column `column` (with the row's own client if it has one).
async fn send(w: &World, p: &Prepared, column: usize, c: Call) -> Response {
    let subject = &w.subjects[column];
    let client: &Client = p.clients.get(&column).unwrap_or(&subject.client);
    let key = subject.key.as_deref();
    let (method, path, form, body) = match c {
        Call::Fn(name, args) => (Method::POST, format!("/api/{name}"), Some(args), None),
        Call::Http(m, path, body) => (m, path, None, body),
    };
    let accept = if path == "/jeugdigen/importeren" {
        "text/html"
    } else if path.starts_with("/live") {
        "text/event-stream"
    } else {
        "application/json"
    };
    let mut req = client
        .request(method, w.app.url(&path))
        .header(header::ORIGIN, &w.app.address)
        .header(header::ACCEPT, accept);
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    if let Some(args) = form {
        req = req.form(&args);
    }
    if let Some((kind, bytes)) = body {
        let kind = if kind == "multipart" {
            "multipart/form-data; boundary=matrixgrens"
        } else {
            kind
        };
        req = req.header(header::CONTENT_TYPE, kind).body(bytes);
    }
    req.send().await.unwrap()
}

/// What the tables the rows could change hold, per table: a refused call
/// changes none of them.
async fn fingerprint(w: &World) -> Vec<(&'static str, String)> {
    const TABLES: &[(&str, &str)] = &[
        ("youths", "t::text"),
        ("registrations", "t::text"),
        ("signals", "t::text"),
        ("coordinations", "t::text"),
        ("handovers", "t::text"),
        ("escalations", "t::text"),
        ("youth_versions", "t::text"),
        ("actions", "t::text"),
        ("action_notes", "t::text"),
        ("families", "t::text"),
        ("family_members", "t::text"),
        ("plans", "t::text"),
        ("plan_agreements", "t::text"),
        ("consents", "t::text"),
        ("covenant_versions", "t::text"),
        ("api_tokens", "t::text"),
        ("report_recipients", "t::text"),
        ("municipalities", "t::text"),
        ("organisations", "t::text"),
        ("regions", "t::text"),
        ("user_roles", "t::text"),
        ("recovery_codes", "t::text"),
        (
            "users",
            "concat_ws('/', id, password_hash, totp_secret, two_factor_exempt)",
        ),
        // Mail is sent meanwhile; what counts is what is queued and what is dead.
        ("outbox", "concat_ws('/', id, status = 'dead')"),
    ];
    let mut all = Vec::new();
    for (table, row) in TABLES {
        let sql = format!("SELECT coalesce(md5(string_agg({row}, ',' ORDER BY {row})), '') FROM {table} t");
        let h: String = sqlx::query_scalar(&sql).fetch_one(&w.app.pool).await.unwrap();
        all.push((*table, h));
    }
    all
}

/// Checks one answer against its cell; returns what is wrong, if anything.
async fn check(p: &Prepared, cell: Cell, res: Response) -> Option<String> {
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = if res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/event-stream"))
    {
        String::new()
    } else {
        res.text().await.unwrap_or_default()
    };
    let success = status.is_success() || (status.is_redirection() && !location.starts_with("/inloggen"));
    let shows = !p.marker.is_empty() && body.contains(&p.marker);
    let wrong = match cell {
        Cell::Ok => !success,
        Cell::Sees => !(success && shows),
        Cell::Blind => !success || shows,
        Cell::Status(401) => !(status == 401 || location.starts_with("/inloggen")),
        Cell::Status(n) => status.as_u16() != n,
    };
    if let (Some(case), false) = (&p.case, matches!(cell, Cell::Ok | Cell::Sees)) {
        if body.contains(&case.family) || body.contains(&case.bsn) {
            return Some(format!(
                "{status} shows the youth's name or BSN: {}",
                &body[..body.len().min(300)]
            ));
        }
    }
    wrong.then(|| format!("{status} {location} {}", &body[..body.len().min(300)]))
}

/// Calls one cell and checks its answer; a wrong one is added to `failures`.
async fn walk(w: &World, p: &Prepared, name: &str, column: usize, cell: Cell, failures: &mut Vec<String>) {
    let res = send(w, p, column, call(w, p, name, column)).await;
    if let Some(wrong) = check(p, cell, res).await {
        failures.push(format!(
            "{name} × {}: expected {cell:?}, got {wrong}",
            COLUMNS[column]
        ));
    }
}

/// The columns of `row` whose cell passes `keep`.
fn columns(row: &Row, keep: impl Fn(Cell) -> bool) -> Vec<(usize, Cell)> {
    row.cells
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, c)| keep(*c))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cell_of_the_authorisation_matrix_holds_against_the_real_server() {
    let w = World::new().await;
    let rows = table();
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in &rows {
        let name = row.name.as_str();
        let shared = prepare(&w, name).await;
        // Refusals first, and they change nothing.
        let before = fingerprint(&w).await;
        for (column, cell) in columns(row, |c| matches!(c, Cell::Status(_))) {
            walk(&w, &shared, name, column, cell, &mut failures).await;
            cells += 1;
        }
        let changed: Vec<_> = fingerprint(&w)
            .await
            .into_iter()
            .zip(before)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.0)
            .collect();
        if !changed.is_empty() {
            failures.push(format!("{name}: a refused call changed {changed:?}"));
        }
        // Reads on the same case; a one-time value is taken by its own session last.
        let mut reads = columns(row, |c| matches!(c, Cell::Blind | Cell::Sees));
        reads.sort_by_key(|(_, c)| *c == Cell::Sees);
        for (column, cell) in reads {
            walk(&w, &shared, name, column, cell, &mut failures).await;
            cells += 1;
        }
        // Each allowed write on a case of its own.
        for (column, cell) in columns(row, |c| c == Cell::Ok) {
            let own = if column != ANON && column < K_OWN && prepare::needs_case(name) {
                Some(prepare(&w, name).await)
            } else {
                None
            };
            walk(
                &w,
                own.as_ref().unwrap_or(&shared),
                name,
                column,
                cell,
                &mut failures,
            )
            .await;
            cells += 1;
        }
    }
    println!(
        "authorisation matrix: {} rows × {} columns, {cells} cells walked",
        rows.len(),
        COLUMNS.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cells} cells do not hold:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
