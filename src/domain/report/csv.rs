//! CSV as a Dutch Excel opens it: UTF-8 with a byte-order mark, `;` between
//! fields, CRLF lines, a decimal comma and a dot between thousands.

use super::figures::{Line, Report};

/// An integer with dots between thousands: `-1.234.567`.
pub fn nl_integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A number with `decimals` digits after a decimal comma: `1.234,5`.
pub fn nl_decimal(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int = nl_integer(int.parse().unwrap_or(0));
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int},{frac}")
    }
}

fn field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The whole file: a header line, then the rows.
pub fn write(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from('\u{feff}');
    let line = |fields: Vec<String>| fields.join(";") + "\r\n";
    out.push_str(&line(header.iter().map(|h| field(h)).collect()));
    for r in rows {
        out.push_str(&line(r.iter().map(|f| field(f)).collect()));
    }
    out
}

/// The whole report as one Dutch CSV table: every table of the page, one
/// line per published number.
pub fn report(r: &Report) -> String {
    let header = [
        "Gebied",
        "Tabel",
        "Regel",
        "Periode",
        "Aantal",
        "Vorige periode",
        "Aantal vorige periode",
        "Verschil",
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut line = |table: &str, l: &Line, with_before: bool| {
        rows.push(vec![
            r.scope.clone(),
            table.to_string(),
            l.label.clone(),
            r.period_label.clone(),
            l.now.text(),
            if with_before {
                r.previous_label.clone()
            } else {
                String::new()
            },
            if with_before {
                l.before.text()
            } else {
                String::new()
            },
            l.change.map(|c| c.to_string()).unwrap_or_default(),
        ]);
    };
    for f in &r.figures {
        line("Kerncijfers", &f.line, true);
    }
    for f in &r.figures {
        for b in &f.breakdowns {
            for l in b.lines.iter().chain([&b.total]) {
                line(&b.title, l, true);
            }
        }
    }
    for l in r.open_escalations.lines.iter().chain([&r.open_escalations.total]) {
        line(&r.open_escalations.title, l, false);
    }
    for o in &r.outcomes {
        rows.push(vec![
            r.scope.clone(),
            "Uitkomsten".into(),
            o.label.clone(),
            r.period_label.clone(),
            o.value.clone().unwrap_or_else(|| "te weinig gevallen".into()),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for g in [&r.signals_by_month, &r.registrations_by_month]
        .into_iter()
        .chain(r.municipalities.as_ref())
    {
        let rows_with_total = g.rows.iter().cloned().chain(["Totaal".to_string()]);
        for (i, row) in rows_with_total.enumerate() {
            let cols_with_total = g.cols.iter().cloned().chain(["Totaal".to_string()]);
            for (j, col) in cols_with_total.enumerate() {
                rows.push(vec![
                    r.scope.clone(),
                    g.title.clone(),
                    format!("{row} — {col}"),
                    r.period_label.clone(),
                    g.cells[i][j].text(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
    }
    write(&header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::{
        figures::{self, Fact, Facts, Scope},
        Period,
    };
    use chrono::NaiveDate;

    #[test]
    fn numbers_read_as_dutch() {
        assert_eq!(nl_integer(0), "0");
        assert_eq!(nl_integer(999), "999");
        assert_eq!(nl_integer(1000), "1.000");
        assert_eq!(nl_integer(-1234567), "-1.234.567");
        assert_eq!(nl_decimal(1234.56, 1), "1.234,6");
        assert_eq!(nl_decimal(-0.04, 1), "0,0");
        assert_eq!(nl_decimal(-2.5, 1), "-2,5");
        assert_eq!(nl_decimal(7.0, 0), "7");
    }

    #[test]
    fn the_file_opens_in_a_dutch_excel() {
        let csv = write(
            &["Gemeente", "Signalen"],
            &[
                vec!["Groningen".into(), "1.234".into()],
                vec!["Pekela; Oude".into(), "<5".into()],
            ],
        );
        assert!(csv.starts_with('\u{feff}'));
        assert_eq!(
            csv.trim_start_matches('\u{feff}'),
            "Gemeente;Signalen\r\nGroningen;1.234\r\n\"Pekela; Oude\";<5\r\n"
        );
    }

    #[test]
    fn the_csv_holds_every_published_number() {
        let facts = Facts::new([Fact {
            measure: "signal_started".into(),
            month: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            dim: "age".into(),
            value: "2".into(),
            n: 1234,
        }]);
        let r = figures::report(
            &facts,
            Scope {
                name: "Groningen".into(),
                municipalities: None,
                open_escalation_days: vec![],
            },
            Period::month(2026, 3).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        );
        let csv = report(&r);
        assert!(csv.starts_with('\u{feff}'));
        // Published rounded down to fives: 1,234 signals show as 1.230.
        assert!(csv.contains("Groningen;Kerncijfers;Nieuwe signalen;maart 2026;1.230;februari 2026;<5;\r\n"));
    }
}
