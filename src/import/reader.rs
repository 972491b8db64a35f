//! Reads a CRM export as CSV records, whatever shape it came in: UTF-8 with or without
//! a BOM, UTF-16 with a BOM, Windows-1252 on request; CRLF or LF; `,`, `;` or tab
//! (sniffed from the header line unless given). Streams: one record in memory at a time.
//!
//! Bounded whatever comes in: a record may hold at most [`MAX_RECORD_BYTES`] and span at
//! most [`MAX_RECORD_LINES`] lines, and a quote still open at the end of the file is an
//! error naming the line it opened on, so a stray quote can never swallow the rows after
//! it. A workbook (`.xlsx`, `.xls`, `.zip`) is refused by its first bytes, and a file whose
//! lines end with a carriage return alone (classic Mac) is read line by line all the same.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
    /// What the reader noticed about the file's shape (a classic Mac file), for the summary.
    pub notes: Vec<String>,
    reader: csv::Reader<Box<dyn Read + Send>>,
    guard: Arc<GuardState>,
    /// The last record read, when its last field holds a line break: the line it began
    /// on, the field's index and the start of its text (what a quote never closed gives).
    last: Option<(u64, usize, String)>,
    /// The field delimiter, to tell rows a stray quote swallowed.
    delimiter: u8,
}

/// The most bytes one field may hold: far above any real CRM cell (a quoted field that
/// grows past it was opened by a stray quote).
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// The most bytes one record may hold (a wide export's header row can pass 1 MiB), and the
/// bound on the memory a stray quote, a huge field or an endless input can take.
pub const MAX_RECORD_BYTES: u64 = 8 << 20;

/// The most lines one record may span (a quoted field with line breaks).
pub const MAX_RECORD_LINES: u64 = 1_000;

/// Shared between the reader and the guard on its input.
#[derive(Default)]
struct GuardState {
    /// Bytes handed to the CSV parser so far.
    delivered: AtomicU64,
    /// Where the record being read began.
    record_start: AtomicU64,
    /// The last byte handed over that was not white space.
    last_byte: AtomicU64,
}

/// Refuses to hand over more than [`MAX_RECORD_BYTES`] (plus the parser's buffer) past the
/// start of the record being read, so no record grows without bound.
struct Guard {
    inner: Box<dyn Read + Send>,
    state: Arc<GuardState>,
}

/// Reads a file whose lines end with a carriage return alone as if they ended with a line
/// feed, so records and line numbers come out as in any other file.
struct CrToLf(Box<dyn Read + Send>);

impl Read for CrToLf {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        for byte in &mut buf[..n] {
            if *byte == b'\r' {
                *byte = b'\n';
            }
        }
        Ok(n)
    }
}

/// The marker of the guard's error, recognised by [`CsvSource::next`].
const TOO_LONG: &str = "refprog: record too long";

impl Read for Guard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let delivered = self.state.delivered.load(Ordering::Relaxed);
        let start = self.state.record_start.load(Ordering::Relaxed);
        if delivered.saturating_sub(start) > MAX_RECORD_BYTES + 64 * 1024 {
            return Err(io::Error::other(TOO_LONG));
        }
        let n = self.inner.read(buf)?;
        self.state
            .delivered
            .store(delivered + n as u64, Ordering::Relaxed);
        if let Some(&b) = buf[..n].iter().rev().find(|b| !b.is_ascii_whitespace()) {
            self.state.last_byte.store(u64::from(b), Ordering::Relaxed);
        }
        Ok(n)
    }
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
            Some(p) if p.is_dir() => bail!(
                "'{}' is a folder: give a CSV file (or - for standard input)",
                p.display()
            ),
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
        // A workbook is not a CSV, whatever its name: say so before reading it as text.
        let mut raw = BufReader::with_capacity(64 * 1024, raw);
        let magic = raw
            .fill_buf()
            .with_context(|| format!("cannot read '{name}'"))?;
        if magic.starts_with(b"PK\x03\x04") || magic.starts_with(b"PK\x05\x06") {
            bail!(
                "{name}: this is an Excel workbook (.xlsx) or a .zip file, not a CSV: open it in Excel and save it as CSV (UTF-8), or unzip it first"
            );
        }
        if magic.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            bail!(
                "{name}: this is an Excel workbook (.xls), not a CSV: open it in Excel and save it as CSV (UTF-8)"
            );
        }
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
        // Lines ended by a carriage return alone (classic Mac OS, some old exports): a CR
        // not followed by a line feed, and no line feed at all in the first line.
        let cr_only = !start.contains(&b'\n')
            && start
                .windows(2)
                .any(|pair| pair[0] == b'\r' && pair[1] != b'\n');
        let guard = Arc::new(GuardState::default());
        let mut inner: Box<dyn Read + Send> = Box::new(io::Cursor::new(start).chain(buffered));
        if cr_only {
            inner = Box::new(CrToLf(inner));
        }
        let reader: Box<dyn Read + Send> = Box::new(Guard {
            inner,
            state: Arc::clone(&guard),
        });
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            // Records end at '\n' only: with CRLF the '\r' stays on the last field (where
            // the trim removes it), and line numbers count real lines.
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        let mut source = CsvSource {
            name,
            headers: Vec::new(),
            notes: Vec::new(),
            reader,
            guard,
            last: None,
            delimiter,
        };
        if cr_only {
            source.notes.push(
                "note: lines end with a carriage return alone (a classic Mac file): read as lines"
                    .to_string(),
            );
        }
        let name = source.name.clone();
        let mut header = csv::ByteRecord::new();
        if !source.next(&mut header)? {
            bail!("{name}: the file is empty: expected a header row, then one row per record");
        }
        let mut headers = Vec::with_capacity(header.len());
        for (column, bytes) in header.iter().enumerate() {
            match std::str::from_utf8(bytes) {
                Ok(text) => headers.push(text.trim().to_string()),
                Err(_) => bail!(
                    "{name}:1: column {}: header '{}' is not UTF-8: {}",
                    column + 1,
                    shorten(&String::from_utf8_lossy(bytes)),
                    ENCODING_HINT
                ),
            }
        }
        source.headers = headers;
        Ok(source)
    }

    /// Reads the next record into `record`; false at the end. The record's position gives
    /// the line it starts on.
    pub fn next(&mut self, record: &mut csv::ByteRecord) -> Result<bool> {
        let start = self.reader.position().clone();
        self.guard
            .record_start
            .store(start.byte(), Ordering::Relaxed);
        let read = match self.reader.read_byte_record(record) {
            Ok(read) => read,
            Err(error) => {
                if let csv::ErrorKind::Io(e) = error.kind()
                    && e.to_string() == TOO_LONG
                {
                    bail!(
                        "{}:{}: a record that begins here runs on for more than {} MiB: expected a closing quote (a quote opened here is probably never closed), or this is not a CSV file; nothing was written",
                        self.name,
                        start.line(),
                        MAX_RECORD_BYTES >> 20
                    );
                }
                return Err(csv_error(&self.name, error));
            }
        };
        if !read {
            // The end: a field with a line break that runs to the end of a file whose last
            // character is not a quote was opened by a quote never closed.
            if let Some((line, column, value)) = &self.last
                && self.guard.last_byte.load(Ordering::Relaxed) != u64::from(b'"')
            {
                bail!(
                    "{}:{line}: {}: value '{value}': expected a closing quote: the quote opened on this line is never closed, so every line after it would be read into this one field; nothing was written",
                    self.name,
                    self.column_name(*column)
                );
            }
            return Ok(false);
        }
        let line = record.position().map_or(start.line(), |p| p.line());
        let spanned = self.reader.position().line().saturating_sub(line);
        if spanned > MAX_RECORD_LINES {
            // The field that holds the most line breaks is the one the quote opened.
            let column = (0..record.len())
                .max_by_key(|&i| {
                    let field = record.get(i).unwrap_or_default();
                    (
                        field.iter().filter(|&&b| b == b'\n').count(),
                        usize::MAX - i,
                    )
                })
                .unwrap_or_default();
            let field = record.get(column).unwrap_or_default();
            let first_line = field.split(|&b| b == b'\n').next().unwrap_or_default();
            bail!(
                "{}:{line}: {}: value '{}': expected a closing quote within {MAX_RECORD_LINES} lines: the record that begins here spans {spanned} lines (a quote opened here is probably closed far too late); nothing was written",
                self.name,
                self.column_name(column),
                shorten(String::from_utf8_lossy(first_line).trim_end()),
            );
        }
        if let Some(column) = record.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
            bail!(
                "{}:{line}: {}: value '{}': expected at most {} MiB in one field: a quote opened here is probably never closed, or this is not a CSV file; nothing was written",
                self.name,
                self.column_name(column),
                shorten(&String::from_utf8_lossy(
                    &record.get(column).unwrap_or_default()[..64]
                )),
                MAX_FIELD_BYTES >> 20
            );
        }
        if spanned > 1 {
            self.refuse_swallowed_rows(record, line)?;
        }
        self.last = None;
        if spanned > 1
            && let Some(last) = record.len().checked_sub(1)
            && let Some(field) = record.get(last)
            && field.contains(&b'\n')
        {
            let first_line = field.split(|&b| b == b'\n').next();
            let value = shorten(String::from_utf8_lossy(first_line.unwrap_or_default()).trim_end());
            self.last = Some((line, last, value));
        }
        Ok(true)
    }

    /// A quote typed at the start of a cell and another typed at the end of a cell lines
    /// later (`"Fabrikam`, then `Monitors 27"`) make one field of the rows between them, and
    /// the record still has as many fields as the header: a silent loss. Refused when the
    /// record's one multi-line field, cut at its line breaks, leaves every line of the file
    /// it spans with exactly the header's number of fields (each line a row of its own).
    fn refuse_swallowed_rows(&self, record: &csv::ByteRecord, line: u64) -> Result<()> {
        let width = self.headers.len();
        if width < 2 || record.len() != width {
            return Ok(());
        }
        let mut multi = record
            .iter()
            .enumerate()
            .filter(|(_, f)| f.contains(&b'\n'));
        let (Some((column, field)), None) = (multi.next(), multi.next()) else {
            return Ok(());
        };
        let delimiters = |text: &[u8]| text.iter().filter(|&&b| b == self.delimiter).count();
        let pieces: Vec<&[u8]> = field.split(|&b| b == b'\n').collect();
        let last = pieces.len() - 1;
        let whole_rows = pieces.iter().enumerate().all(|(i, piece)| {
            let mut fields = delimiters(piece) + 1;
            if i == 0 {
                fields += column;
            }
            if i == last {
                fields += width - column - 1;
            }
            fields == width
        });
        if whole_rows {
            let value = shorten(String::from_utf8_lossy(pieces[0]).trim_end());
            bail!(
                "{}:{line}: {}: value '{value}': expected a closing quote on the same line: the quote opened on this line closes on line {}, so lines {} to {} (each a whole row) would be read into this one field; nothing was written",
                self.name,
                self.column_name(column),
                line + last as u64,
                line + 1,
                line + last as u64
            );
        }
        Ok(())
    }

    fn column_name(&self, column: usize) -> String {
        match self.headers.get(column) {
            Some(header) => format!("column '{}'", shorten(header)),
            None => format!("column {}", column + 1),
        }
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

/// At most 40 characters of a value, for a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
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
