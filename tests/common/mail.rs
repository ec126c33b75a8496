//! The privacy scan of every mail the integration tests produce: each test
//! app's SMTP server (a real one, over TCP) passes every mail it receives
//! through [`violations`]. A mail may name the youth and the involved
//! professionals; it never carries a BSN, a date of birth or what a signal
//! is about.
//!
//! The scan is generic, so it needs no knowledge of the test's data: no
//! nine-digit number that passes the BSN 11-check, no date before today
//! (every date of birth is; the only dates a mail may hold are end dates,
//! which lie ahead), no signal kind by code or by label.

use chrono::{Datelike, NaiveDate};
use std::{
    io::Write,
    sync::{Arc, Mutex},
};
use zorgsignaal::{
    domain::{bsn::Bsn, involvement::SignalKind, records::MONTHS},
    server::mail::sink::Received,
};

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Runs of digits bounded by something that is neither letter nor digit.
fn numbers(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

/// Dates written as 2014-03-31, 31-03-2014, 31/3/2014 or 31 maart 2014.
fn dates(text: &str) -> Vec<NaiveDate> {
    let mut found = Vec::new();
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || ",;()<>\"'".contains(c))
        .collect();
    for t in &tokens {
        let t = t.trim_end_matches('.');
        for sep in ['-', '/'] {
            let p: Vec<&str> = t.split(sep).collect();
            if p.len() == 3
                && p.iter()
                    .all(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit()))
            {
                let n: Vec<i32> = p.iter().map(|x| x.parse().unwrap_or(0)).collect();
                let d = if p[0].len() == 4 {
                    NaiveDate::from_ymd_opt(n[0], n[1] as u32, n[2] as u32)
                } else {
                    NaiveDate::from_ymd_opt(n[2], n[1] as u32, n[0] as u32)
                };
                found.extend(d);
            }
        }
    }
    for w in tokens.windows(3) {
        let month = MONTHS.iter().position(|m| w[1].eq_ignore_ascii_case(m));
        if let (Ok(day), Some(m), Ok(year)) = (
            w[0].parse::<u32>(),
            month,
            w[2].trim_end_matches('.').parse::<i32>(),
        ) {
            found.extend(NaiveDate::from_ymd_opt(year, m as u32 + 1, day));
        }
    }
    found
}

/// What is wrong with `mail`, if anything.
pub fn violations(mail: &Received, today: NaiveDate) -> Vec<String> {
    let text = format!("{}\n{}\n{}", mail.subject, mail.text, mail.html);
    let mut wrong = Vec::new();
    for n in numbers(&text) {
        if n.len() == 9 && Bsn::parse(n).is_ok() {
            wrong.push(format!("a BSN-like number ending in {}", &n[7..]));
        }
    }
    for d in dates(&text) {
        if d < today {
            wrong.push(format!("a date in the past ({}-{})", d.month(), d.year()));
        }
    }
    let w = words(&text);
    let joined = format!(" {} ", w.join(" "));
    for k in SignalKind::ALL {
        let label = format!(" {} ", words(k.label()).join(" "));
        if w.iter().any(|x| x == k.as_str()) || joined.contains(&label) {
            wrong.push(format!("the signal kind {}", k.as_str()));
        }
    }
    wrong
}

/// Violations found by one test app's SMTP server.
pub type Found = Arc<Mutex<Vec<String>>>;

/// The observer for a sink: scans every mail, keeps what it finds in
/// `found`, and appends a line per mail to `$ZS_TEST_MAIL_DIR/scan.log`
/// when that is set (the test command totals it).
pub fn observer(found: Found) -> Arc<dyn Fn(&Received) + Send + Sync> {
    Arc::new(move |mail: &Received| {
        let today = chrono::Local::now().date_naive();
        let wrong = violations(mail, today);
        if let Ok(dir) = std::env::var("ZS_TEST_MAIL_DIR") {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(format!("{dir}/scan.log"))
            {
                let line = if wrong.is_empty() {
                    format!("ok {}\n", mail.message_id)
                } else {
                    format!("VIOLATION {}: {}\n", mail.message_id, wrong.join("; "))
                };
                let _ = f.write_all(line.as_bytes());
            }
        }
        if !wrong.is_empty() {
            found.lock().unwrap().push(format!(
                "{} ({}): {}",
                mail.subject,
                mail.message_id,
                wrong.join("; ")
            ));
        }
    })
}
