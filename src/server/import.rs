//! Parsing a bulk registration file: CSV (header row, `;` or `,`) or
//! NDJSON, one registration per row. Pure and total: any input gives rows
//! and per-line errors, never a panic (a fuzz target in issue 8).

use crate::{domain::youth::ChainField, error::FieldError};
use serde::Deserialize;

/// One row as read, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Row {
    #[serde(default)]
    pub bsn: String,
    #[serde(default)]
    pub given_names: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub municipality_code: String,
    #[serde(default)]
    pub professional_email: String,
    #[serde(default)]
    pub external_ref: String,
    #[serde(default)]
    pub end_date: Option<String>,
}

/// A problem with one line of the file.
pub use crate::domain::records::ImportLineError as LineError;

impl LineError {
    /// A message about one field of line `line`.
    pub fn new(line: u64, field: ChainField, message: impl Into<String>) -> Self {
        LineError {
            line,
            field: field.name().to_string(),
            message: message.into(),
        }
    }

    /// A message about the whole line (it could not be read).
    pub fn whole(line: u64, message: impl Into<String>) -> Self {
        LineError {
            line,
            field: String::new(),
            message: message.into(),
        }
    }

    /// A validation message of the forms' code, on line `line`.
    pub fn of(line: u64, e: FieldError) -> Self {
        LineError {
            line,
            field: e.field,
            message: e.message,
        }
    }
}

pub const MAX_ROWS: usize = 200_000;
pub const FIELDS: [ChainField; 9] = [
    ChainField::Bsn,
    ChainField::GivenNames,
    ChainField::Prefix,
    ChainField::FamilyName,
    ChainField::BirthDate,
    ChainField::MunicipalityCode,
    ChainField::ProfessionalEmail,
    ChainField::ExternalRef,
    ChainField::EndDate,
];

/// The columns a row must have (the others are optional).
pub const REQUIRED: [ChainField; 7] = [
    ChainField::Bsn,
    ChainField::GivenNames,
    ChainField::FamilyName,
    ChainField::BirthDate,
    ChainField::MunicipalityCode,
    ChainField::ProfessionalEmail,
    ChainField::ExternalRef,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
}

impl Format {
    /// From a Content-Type header, or a file name in the UI.
    pub fn from_content_type(ct: &str) -> Option<Format> {
        let ct = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match ct.as_str() {
            "text/csv" | "application/csv" => Some(Format::Csv),
            "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Some(Format::Ndjson),
            _ => None,
        }
    }
}

/// Rows with their line numbers (1 = the first line of the file), and the
/// lines that could not be read.
pub fn parse(format: Format, data: &[u8]) -> (Vec<(u64, Row)>, Vec<LineError>) {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    match format {
        Format::Csv => parse_csv(data),
        Format::Ndjson => parse_ndjson(data),
    }
}

fn too_many(line: u64) -> LineError {
    LineError::whole(line, format!("Een bestand heeft hoogstens {MAX_ROWS} regels."))
}

fn parse_ndjson(data: &[u8]) -> (Vec<(u64, Row)>, Vec<LineError>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in data.split(|b| *b == b'\n').enumerate() {
        let n = i as u64 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            errors.push(too_many(n));
            break;
        }
        match serde_json::from_slice::<Row>(line) {
            Ok(row) => rows.push((n, row)),
            Err(_) => errors.push(LineError::whole(
                n,
                "Deze regel is geen geldig JSON-object met de velden van een registratie.",
            )),
        }
    }
    (rows, errors)
}

fn parse_csv(data: &[u8]) -> (Vec<(u64, Row)>, Vec<LineError>) {
    let first_line = data.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(data);
    let mut errors = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_ascii_lowercase()).collect(),
        Err(_) => {
            errors.push(LineError::whole(1, "De kopregel kon niet worden gelezen."));
            return (Vec::new(), errors);
        }
    };
    for required in REQUIRED {
        let name = required.name();
        if !header.iter().any(|h| h == name) {
            errors.push(LineError::new(
                1,
                required,
                format!("De kopregel mist de kolom \"{name}\"."),
            ));
        }
    }
    if !errors.is_empty() {
        return (Vec::new(), errors);
    }
    let column = |name: &str| header.iter().position(|h| h == name);
    let columns: Vec<Option<usize>> = FIELDS.iter().map(|f| column(f.name())).collect();
    let mut rows = Vec::new();
    let mut lines = Lines::new(data);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                errors.push(LineError::whole(
                    line,
                    "Deze regel kon niet worden gelezen (controleer aanhalingstekens en tekens).",
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        if rows.len() >= MAX_ROWS {
            errors.push(too_many(line));
            break;
        }
        let get = |i: usize| columns[i].and_then(|c| record.get(c)).unwrap_or("").to_string();
        let opt = |i: usize| Some(get(i)).filter(|s| !s.is_empty());
        rows.push((
            line,
            Row {
                bsn: get(0),
                given_names: get(1),
                prefix: opt(2),
                family_name: get(3),
                birth_date: get(4),
                municipality_code: get(5),
                professional_email: get(6),
                external_ref: get(7),
                end_date: opt(8),
            },
        ));
    }
    (rows, errors)
}

/// Physical line numbers of byte offsets that only move forward, as the CSV
/// reader's records do: each byte is counted once, so a 100,000-row file
/// costs one pass, not one pass per row.
struct Lines<'a> {
    data: &'a [u8],
    counted_to: usize,
    newlines: u64,
}

impl<'a> Lines<'a> {
    fn new(data: &'a [u8]) -> Self {
        Lines {
            data,
            counted_to: 0,
            newlines: 0,
        }
    }

    /// The 1-based line of the byte at `offset` (blank lines count too).
    fn at(&mut self, offset: u64) -> u64 {
        let data = self.data;
        let mut end = usize::try_from(offset).unwrap_or(usize::MAX).min(data.len());
        // A record's position may lie before the blank lines the reader skipped.
        while end < data.len() && (data[end] == b'\n' || data[end] == b'\r') {
            end += 1;
        }
        if end < self.counted_to {
            self.counted_to = 0;
            self.newlines = 0;
        }
        self.newlines += data[self.counted_to..end].iter().filter(|b| **b == b'\n').count() as u64;
        self.counted_to = end;
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_each_byte_once_and_match_a_plain_count() {
        let data = b"kop\n\nregel 2\r\nregel 3\n\n\nregel 6\n";
        let plain = |offset: usize| data[..offset].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let mut lines = Lines::new(data);
        for (offset, _) in data
            .iter()
            .enumerate()
            .filter(|(i, b)| **b != b'\n' && **b != b'\r' && (*i == 0 || data[i - 1] == b'\n'))
        {
            assert_eq!(lines.at(offset as u64), plain(offset), "offset {offset}");
        }
        // An offset before the last one is still answered correctly.
        assert_eq!(lines.at(0), 1);
        // A record starting at a blank line is on the next non-blank line.
        assert_eq!(Lines::new(data).at(4), 3);
    }

    #[test]
    fn csv_with_semicolons_and_a_bom_is_read_with_line_numbers() {
        let data = "\u{FEFF}bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref\n\
                    123456782;Jan;de;Vries;2012-03-31;GM0014;anna@ggd.example;A-1\n\
                    \n\
                    111222333;Piet;;Jansen;2010-01-01;GM0014;anna@ggd.example;A-2\n";
        let (rows, errors) = parse(Format::Csv, data.as_bytes());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.prefix.as_deref(), Some("de"));
        assert_eq!(rows[1].0, 4);
        assert_eq!(rows[1].1.prefix, None);
    }

    #[test]
    fn csv_with_commas_and_quotes_is_read() {
        let data =
            "external_ref,bsn,given_names,family_name,birth_date,municipality_code,professional_email\n\
                    \"X,1\",123456782,\"Jan, Piet\",Vries,2012-03-31,GM0014,a@b.nl\n";
        let (rows, errors) = parse(Format::Csv, data.as_bytes());
        assert!(errors.is_empty());
        assert_eq!(rows[0].1.external_ref, "X,1");
        assert_eq!(rows[0].1.given_names, "Jan, Piet");
    }

    #[test]
    fn a_missing_column_is_reported_on_the_header_line() {
        let (rows, errors) = parse(Format::Csv, b"bsn;given_names\n1;2\n");
        assert!(rows.is_empty());
        assert!(errors.iter().all(|e| e.line == 1));
        assert!(errors.iter().any(|e| e.field == "external_ref"));
    }

    #[test]
    fn ndjson_reports_bad_lines_and_keeps_good_ones() {
        let data = b"{\"bsn\":\"123456782\",\"external_ref\":\"A\"}\nnot json\n\n{\"bsn\":1}\n";
        let (rows, errors) = parse(Format::Ndjson, data);
        assert_eq!(rows.len(), 1);
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn garbage_never_panics() {
        for data in [&b"\xff\xfe\x00"[..], b"\"", b";;;\n\"\n", b"", b"\n\n\n"] {
            let _ = parse(Format::Csv, data);
            let _ = parse(Format::Ndjson, data);
        }
    }

    #[test]
    fn content_types_choose_the_format() {
        assert_eq!(
            Format::from_content_type("text/csv; charset=utf-8"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_content_type("application/x-ndjson"),
            Some(Format::Ndjson)
        );
        assert_eq!(Format::from_content_type("application/json"), None);
    }
}
