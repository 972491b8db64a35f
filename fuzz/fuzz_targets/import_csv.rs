//! Any bytes, as a CSV of any kind: the reader, the header matching and every value parser
//! must answer with rows or an error, never a panic. Run: cargo fuzz run import_csv
#![no_main]

use libfuzzer_sys::fuzz_target;
use refprog::import::headers::map_headers;
use refprog::import::parse_cell;
use refprog::import::reader::{CsvSource, ReadOptions};
use refprog::import::spec::Kind;

fuzz_target!(|data: &[u8]| {
    let kinds = [Kind::Accounts, Kind::Contacts, Kind::Opportunities, Kind::Requests, Kind::Activities];
    let kind = kinds[data.first().map_or(0, |b| *b as usize % kinds.len())];
    let bytes = data.get(1..).unwrap_or_default().to_vec();
    let Ok(mut source) = CsvSource::from_reader("fuzz".to_string(), Box::new(std::io::Cursor::new(bytes)), &ReadOptions::default()) else {
        return;
    };
    let spec = kind.spec();
    let Ok(columns) = map_headers(spec, &source.headers, &[]) else { return };
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = source.next(&mut record) {
        for (f, field) in spec.fields.iter().enumerate() {
            if let Some(text) = columns.by_field[f].and_then(|c| record.get(c)).and_then(|b| std::str::from_utf8(b).ok()) {
                let _ = parse_cell(field, text.trim(), None);
            }
        }
    }
});
