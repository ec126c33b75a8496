//! CSV as a Dutch Excel opens it: UTF-8 with a byte-order mark, `;` between
//! fields, CRLF lines, a decimal comma and a dot between thousands.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
