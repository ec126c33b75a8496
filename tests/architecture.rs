//! The layering of `src/server`, checked on the source: the database layer
//! queues no mail (it reports what happened; `server::cases` decides what
//! follows), and the modules of `src/server` depend on each other without
//! a loop. Reads the files as text; runs no database.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file below `src/server`, e.g. `["db", "coordination"]`
/// for `db/coordination/mod.rs` and `["db", "coordination", "read"]` for its `read.rs`.
fn module_path(server: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(server).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    if last != "mod.rs" {
        parts.push(last.trim_end_matches(".rs").to_string());
    }
    parts
}

/// The source without comments (line comments and doc comments) and
/// without the text of string literals that open and close on one line
/// (messages), so that only code is read.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| {
            // A quote that does not close on its line opens a multi-line
            // string (SQL): its lines are read as they are.
            let strings = l.matches('"').count() % 2 == 0;
            let mut out = String::with_capacity(l.len());
            let (mut in_string, mut escaped) = (false, false);
            for (i, c) in l.char_indices() {
                if in_string {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => {
                            in_string = false;
                            out.push('"');
                        }
                        _ => {}
                    }
                } else if l[i..].starts_with("//") {
                    break;
                } else if c == '"' && strings {
                    in_string = true;
                    out.push('"');
                } else {
                    out.push(c);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> Option<String> {
    let id: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// The first path segment of each item of a `{ … }` group starting at `s[0] == '{'`.
fn group_heads(s: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect = true;
    for (i, c) in s.char_indices() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    expect = true;
                    continue;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                expect = true;
                continue;
            }
            _ => {}
        }
        if depth == 1 && expect && !c.is_whitespace() {
            expect = false;
            if let Some(id) = ident_at(&s[i..]) {
                heads.push(id);
            }
        }
    }
    heads
}

/// The items named right after each occurrence of `prefix` in `src`.
fn after(src: &str, prefix: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = src[from..].find(prefix) {
        let at = from + i;
        let before = src[..at].chars().last();
        from = at + prefix.len();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &src[from..];
        let names = if rest.starts_with('{') {
            group_heads(rest)
        } else {
            ident_at(rest).into_iter().collect()
        };
        out.push((at, names));
    }
    out
}

/// For each top-level module of `src/server`, the other top-level modules it uses.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let server = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server");
    let mut files = Vec::new();
    rust_files(&server, &mut files);
    let tops: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_path(&server, f).first().cloned())
        .collect();
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let path = module_path(&server, file);
        let Some(top) = path.first().cloned() else {
            continue; // server/mod.rs: the module list
        };
        let src = code(&fs::read_to_string(file).unwrap());
        let mut used: Vec<String> = after(&src, "server::")
            .into_iter()
            .flat_map(|(_, names)| names)
            .collect();
        // `super::super::x`: the supers climb from this file's module;
        // what they reach from `server` itself is a top-level module.
        for (at, _) in after(&src, "super::") {
            if src[..at].ends_with("super::") {
                continue; // counted with the first `super::` of the chain
            }
            let mut next = &src[at..];
            let mut climbs = 0;
            while let Some(rest) = next.strip_prefix("super::") {
                next = rest;
                climbs += 1;
            }
            if climbs == path.len() {
                if next.starts_with('{') {
                    used.extend(group_heads(next));
                } else {
                    used.extend(ident_at(next));
                }
            }
        }
        let entry = deps.entry(top.clone()).or_default();
        for u in used {
            if u != top && tops.contains(&u) {
                entry.insert(u);
            }
        }
    }
    deps
}

fn find_loop(deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == node) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in deps.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, deps, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    deps.keys()
        .find_map(|n| visit(n, deps, &mut Vec::new(), &mut done))
}

#[test]
fn the_database_layer_queues_no_mail_and_uses_no_layer_above_it() {
    let deps = dependencies();
    let db = &deps["db"];
    for above in ["mail", "cases", "live", "reports", "rest", "jobs", "startup"] {
        assert!(!db.contains(above), "server::db uses server::{above}: {db:?}");
    }
    let server = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server/db");
    let mut files = Vec::new();
    rust_files(&server, &mut files);
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        assert!(
            !code(&text).contains("server::mail"),
            "{} refers to server::mail",
            f.display()
        );
    }
}

#[test]
fn live_events_are_written_by_the_use_cases_alone() {
    // The database functions report what changed (`Happened`); only
    // `cases::follow` turns that into live-event rows.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let writers: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("server/db/live.rs"))
        .filter(|f| code(&fs::read_to_string(f).unwrap()).contains("emit_"))
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert_eq!(writers, ["server/cases/follow.rs"]);
    // Nor does any other statement write the table itself.
    let inserts: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("server/db/live.rs"))
        .filter(|f| {
            fs::read_to_string(f)
                .unwrap()
                .to_lowercase()
                .contains("into live_events")
        })
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(
        inserts.is_empty(),
        "live_events written outside db/live.rs: {inserts:?}"
    );
}

#[test]
fn the_modules_of_src_server_use_each_other_without_a_loop() {
    let deps = dependencies();
    // The check itself sees the known edges.
    assert!(
        deps["cases"].contains("db") && deps["cases"].contains("mail"),
        "{deps:?}"
    );
    assert!(deps["mail"].contains("db"), "{deps:?}");
    if let Some(cycle) = find_loop(&deps) {
        panic!("a module loop in src/server: {}\n{deps:#?}", cycle.join(" → "));
    }
}

#[test]
fn the_loop_finder_finds_a_loop() {
    let deps: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(find_loop(&deps).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(group_heads("{ a::b, c, d::{e, f} } x"), ["a", "c", "d"]);
    assert_eq!(
        code("let m = \"see server::mail\"; // server::cases\nuse crate::server::db;"),
        "let m = \"\"; \nuse crate::server::db;"
    );
}
