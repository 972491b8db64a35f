//! Reads a CRM export as CSV records, whatever shape it came in: UTF-8 with or without
//! a BOM, UTF-16 with a BOM, Windows-1252 on request; CRLF or LF; `,`, `;` or tab
//! (sniffed from the header line unless given). Streams: one record in memory at a time.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use encoding_rs::Encoding;
use encoding_rs_io::DecodeReaderBytesBuilder;

/// How to read the bytes.
#[derive(Debug, Default, Clone)]
pub struct ReadOptions {
    pub delimiter: Option<u8>,
    pub encoding: Option<&'static Encoding>,
}

/// An open CSV input: its name for messages, its header, and its records.
pub struct CsvSource {
    /// The file name as the user gave it, or `stdin`.
    pub name: String,
    pub headers: Vec<String>,
    reader: csv::Reader<Box<dyn Read + Send>>,
}

/// Parses the `--encoding` flag.
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, String> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!("unknown encoding '{label}': expected utf-8, windows-1252, latin1 or utf-16")
    })
}

/// Parses the `--delimiter` flag: one character, or `tab`.
pub fn delimiter_for_flag(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        // The quote, a line break or a letter/digit would make every row unreadable.
        _ if text.len() == 1
            && text.is_ascii()
            && !text.as_bytes()[0].is_ascii_alphanumeric()
            && !matches!(text.as_bytes()[0], b'"' | b'\n' | b'\r' | b' ') =>
        {
            Ok(text.as_bytes()[0])
        }
        "\"" | "\n" | "\r" | " " => Err(format!(
            "'{}' cannot be the delimiter (it is the quote or a blank): expected ',', ';', '|' or tab",
            text.escape_default()
        )),
        _ => Err(format!(
            "'{text}' is not one character: expected ',', ';', '|' or tab"
        )),
    }
}

impl CsvSource {
    /// Opens `path` (`None` or `-` for stdin) and reads its header row.
    pub fn open(path: Option<&Path>, options: &ReadOptions) -> Result<CsvSource> {
        let (name, raw): (String, Box<dyn Read + Send>) = match path {
            None => ("stdin".to_string(), Box::new(io::stdin())),
            Some(p) if p.as_os_str() == "-" => ("stdin".to_string(), Box::new(io::stdin())),
            Some(p) => {
                let file =
                    File::open(p).with_context(|| format!("cannot open '{}'", p.display()))?;
                (p.display().to_string(), Box::new(file))
            }
        };
        CsvSource::from_reader(name, raw, options)
    }

    /// Reads CSV from any byte stream (`name` is used in messages).
    pub fn from_reader(
        name: String,
        raw: Box<dyn Read + Send>,
        options: &ReadOptions,
    ) -> Result<CsvSource> {
        // Strips a UTF-8 BOM, decodes UTF-16 by its BOM, and decodes the chosen encoding;
        // anything else passes through as bytes and is checked as UTF-8 field by field.
        let decoded = DecodeReaderBytesBuilder::new()
            .encoding(options.encoding)
            .bom_sniffing(true)
            .strip_bom(true)
            .build(raw);
        let mut buffered = BufReader::with_capacity(256 * 1024, decoded);
        // The first read of a decoder may be only the bytes it looked at for a BOM: read on
        // until the header line is whole (or 64 KiB) before sniffing its delimiter.
        let mut start = Vec::new();
        while !start.contains(&b'\n') && start.len() < 64 * 1024 {
            let chunk = buffered
                .fill_buf()
                .with_context(|| format!("cannot read '{name}'"))?;
            if chunk.is_empty() {
                break;
            }
            start.extend_from_slice(chunk);
            let taken = chunk.len();
            buffered.consume(taken);
        }
        if start.iter().all(|b| b.is_ascii_whitespace()) {
            bail!("{name}: the file is empty: expected a header row, then one row per record");
        }
        let delimiter = options.delimiter.unwrap_or_else(|| sniff_delimiter(&start));
        let reader: Box<dyn Read + Send> = Box::new(io::Cursor::new(start).chain(buffered));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            // Records end at '\n' only: with CRLF the '\r' stays on the last field (where
            // the trim removes it), and line numbers count real lines.
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let mut header = csv::ByteRecord::new();
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| csv_error(&name, e))?
        {
            bail!("{name}: the file is empty: expected a header row, then one row per record");
        }
        let mut headers = Vec::with_capacity(header.len());
        for (column, bytes) in header.iter().enumerate() {
            match std::str::from_utf8(bytes) {
                Ok(text) => headers.push(text.trim().to_string()),
                Err(_) => bail!(
                    "{name}:1: column {}: header '{}' is not UTF-8: {}",
                    column + 1,
                    String::from_utf8_lossy(bytes),
                    ENCODING_HINT
                ),
            }
        }
        Ok(CsvSource {
            name,
            headers,
            reader,
        })
    }

    /// Reads the next record into `record`; false at the end. The record's position gives
    /// the line it starts on.
    pub fn next(&mut self, record: &mut csv::ByteRecord) -> Result<bool> {
        self.reader
            .read_byte_record(record)
            .map_err(|e| csv_error(&self.name, e))
    }
}

/// Said when a field is not UTF-8.
pub const ENCODING_HINT: &str =
    "the file is not UTF-8; if it came from Excel or an older CRM, try --encoding windows-1252";

fn csv_error(name: &str, error: csv::Error) -> anyhow::Error {
    let line = error.position().map(|p| p.line());
    match (error.kind(), line) {
        (csv::ErrorKind::Io(e), _) => anyhow::anyhow!("{name}: cannot read: {e}"),
        (_, Some(line)) => anyhow::anyhow!("{name}:{line}: not valid CSV: {error}"),
        _ => anyhow::anyhow!("{name}: not valid CSV: {error}"),
    }
}

/// Picks the delimiter that occurs most often outside quotes on the first line: `,`, `;`,
/// tab or `|`; a comma when none does.
fn sniff_delimiter(start: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &byte in start {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == byte) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], usize::MAX - i))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_header_delimiter() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }

    #[test]
    fn delimiter_flag() {
        assert_eq!(delimiter_for_flag("tab"), Ok(b'\t'));
        assert_eq!(delimiter_for_flag(";"), Ok(b';'));
        assert!(delimiter_for_flag(";;").is_err());
    }
}
