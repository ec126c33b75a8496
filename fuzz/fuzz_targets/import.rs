//! The bulk import parser (CSV and NDJSON): any bytes give rows and line
//! errors, never a panic; line numbers are real lines of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zorgsignaal::server::import::{parse, Format};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = if first % 2 == 0 { Format::Csv } else { Format::Ndjson };
    let (rows, errors) = parse(format, rest);
    // A line is at most every newline plus one; a CSV field may span lines,
    // so a row's number is never past the last line.
    let lines = rest.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    for (line, _) in &rows {
        assert!(*line >= 1 && *line <= lines, "row at line {line} of {lines}");
    }
    for e in &errors {
        assert!(e.line <= lines, "error at line {} of {lines}", e.line);
        assert!(!e.message.is_empty());
    }
});
