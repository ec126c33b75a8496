//! No BSN oracle by timing (issue 19): every path that takes a BSN, called
//! alternately with a BSN the index knows (typed with another name and
//! date of birth) and one it has never seen, by one professional who is
//! involved with neither. The two latency profiles of each path should be
//! indistinguishable; the benchmark prints them side by side.

use super::{bsn_for, percentile};
use std::time::{Duration, Instant};

/// The paths that take a BSN.
pub const PATHS: [&str; 9] = [
    "registration form (JSON)",
    "signal form (JSON)",
    "registration form, no JavaScript",
    "signal form, no JavaScript",
    "POST /api/v1/registrations",
    "POST /api/v1/signals",
    "bulk import, CSV (1 row)",
    "bulk import, NDJSON (1 row)",
    "file upload (1 row)",
];

/// Who calls: a logged-in professional of an organisation that may
/// register and signal, and that organisation's API token.
pub struct Caller<'a> {
    pub client: &'a reqwest::Client,
    pub base: &'a str,
    pub token: &'a str,
    pub email: &'a str,
}

/// One call of path `path` for `bsn`, typed as "Anders <n>", born
/// 11-11-2011; `Err` names the unexpected status.
async fn call(c: &Caller<'_>, path: usize, bsn: &str, n: u64) -> Result<(), String> {
    let family = format!("Anders{n}");
    let form = vec![
        ("bsn", bsn.to_string()),
        ("given_names", "Anders".into()),
        ("family_name", family.clone()),
        ("birth_date", "2011-11-11".into()),
        ("municipality_code", "GM0014".into()),
    ];
    let with = |extra: (&'static str, &str)| {
        let mut f = form.clone();
        f.push((extra.0, extra.1.to_string()));
        f
    };
    let json = serde_json::json!({
        "bsn": bsn, "given_names": "Anders", "family_name": family, "birth_date": "2011-11-11",
        "municipality_code": "GM0014", "professional_email": c.email, "external_ref": format!("O-{n}"),
        "kind": "overig"
    });
    let csv = format!(
        "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n\
         {bsn};Anders;;{family};2011-11-11;GM0014;{};C-{n}\n",
        c.email
    );
    let base = c.base;
    let http = reqwest::Client::new();
    let req = match path {
        0 | 1 => c
            .client
            .post(format!(
                "{base}/api/{}",
                if path == 0 { "register" } else { "signal" }
            ))
            .header("origin", base)
            .header("accept", "application/json")
            .form(&if path == 0 { form } else { with(("kind", "overig")) }),
        2 | 3 => c
            .client
            .post(format!(
                "{base}/api/{}",
                if path == 2 { "register" } else { "signal" }
            ))
            .header("origin", base)
            .header("accept", "text/html")
            .header("referer", format!("{base}/jeugdigen/registreren"))
            .form(&if path == 2 { form } else { with(("kind", "overig")) }),
        4 | 5 => {
            let mut body = json;
            if path == 4 {
                body.as_object_mut().unwrap().remove("kind");
            }
            http.post(format!(
                "{base}/api/v1/{}",
                if path == 4 { "registrations" } else { "signals" }
            ))
            .bearer_auth(c.token)
            .json(&body)
        }
        6 | 7 => {
            let mut body = json;
            body.as_object_mut().unwrap().remove("kind");
            body["external_ref"] = format!("B-{n}").into();
            let (kind, text) = if path == 6 {
                ("text/csv", csv)
            } else {
                ("application/x-ndjson", body.to_string())
            };
            http.post(format!("{base}/api/v1/registrations/bulk"))
                .bearer_auth(c.token)
                .header("content-type", kind)
                .body(text)
        }
        _ => c
            .client
            .post(format!("{base}/jeugdigen/importeren"))
            .header("origin", base)
            .header("accept", "text/html")
            .header("content-type", "multipart/form-data; boundary=grens")
            .body(format!(
                "--grens\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"lijst.csv\"\r\n\
                 Content-Type: text/csv\r\n\r\n{csv}\r\n--grens--\r\n"
            )),
    };
    let res = req.send().await.map_err(|e| format!("transport: {e}"))?;
    let status = res.status().as_u16();
    let _ = res.bytes().await;
    match status {
        200 | 201 | 302 | 303 => Ok(()),
        s => Err(format!("HTTP {s}")),
    }
}

/// Calls every path `per_path` times, known and unknown alternating, and
/// prints p50/p99 of each side. `known` gives the n-th known BSN (each
/// used once: a professional is involved once per youth).
pub async fn run(c: &Caller<'_>, per_path: usize, known: impl Fn(usize) -> String) {
    println!(
        "no enumeration, per path ({per_path} calls each, known BSN typed with other data vs never seen):"
    );
    let mut fresh = 70_000_000u64;
    let (mut used, mut seq) = (0usize, 0u64);
    for (path, label) in PATHS.iter().enumerate() {
        let (mut k, mut u): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
        let mut errors = Vec::new();
        for i in 0..per_path {
            let is_known = i % 2 == 0;
            let bsn = if is_known {
                used += 1;
                known(used)
            } else {
                loop {
                    fresh += 1;
                    if let Some(b) = bsn_for(fresh) {
                        break b;
                    }
                }
            };
            seq += 1;
            let started = Instant::now();
            match call(c, path, &bsn, seq).await {
                Ok(()) => if is_known { &mut k } else { &mut u }.push(started.elapsed()),
                Err(e) => errors.push(e),
            }
        }
        k.sort();
        u.sort();
        println!(
            "  {label:<34} known p50 {:>6.2} ms p99 {:>6.2} ms | unknown p50 {:>6.2} ms p99 {:>6.2} ms{}",
            percentile(&k, 0.50),
            percentile(&k, 0.99),
            percentile(&u, 0.50),
            percentile(&u, 0.99),
            if errors.is_empty() {
                String::new()
            } else {
                format!(" | {} errors, first: {}", errors.len(), errors[0])
            }
        );
    }
}
