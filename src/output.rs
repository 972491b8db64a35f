//! Writes results as a table for people, CSV for spreadsheets and cron, or JSON for
//! scripts. The only module that touches comfy-table and the CSV writer. Every text
//! cell of a CSV is neutralised against spreadsheet formulas; numbers are left alone.
//! Messages go to stderr, data to stdout.

use std::fmt::Write as _;
use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};

use crate::import::values::escape_formula;

/// The output formats every command offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// One cell of output.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    /// A decimal number kept as its exact text (money).
    Decimal(String),
    Text(String),
}

impl Cell {
    fn plain(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Real(r) => {
                let mut text = String::new();
                // Writing to a String cannot fail.
                let _ = write_real(&mut text, *r);
                text
            }
            Cell::Decimal(d) | Cell::Text(d) => d.clone(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Int(i) => (*i).into(),
            Cell::Real(r) => {
                serde_json::Number::from_f64(*r).map_or(serde_json::Value::Null, Into::into)
            }
            Cell::Decimal(d) => d
                .parse::<serde_json::Number>()
                .map_or_else(|_| serde_json::Value::String(d.clone()), Into::into),
            Cell::Text(t) => serde_json::Value::String(t.clone()),
        }
    }
}

const JSON_OPEN: &[u8] = b"[";

fn json_close(empty: bool) -> &'static [u8] {
    if empty { b"]\n" } else { b"\n]\n" }
}

/// CSV records or JSON objects (with their separators; `first` when these open the array)
/// for the rows in `range`, without a header.
fn write_rows<W: Write>(
    format: Format,
    out: &mut W,
    headers: &[String],
    range: std::ops::Range<usize>,
    row: &(impl Fn(usize) -> Vec<Cell> + Sync),
    first: bool,
) -> Result<()> {
    if format == Format::Csv {
        let mut writer = csv::Writer::from_writer(out);
        let mut scratch = String::new();
        for i in range {
            write_csv_row(&mut writer, &row(i), &mut scratch)?;
        }
        writer.flush()?;
    } else {
        let start = range.start;
        for i in range {
            write_json_row(out, headers, &row(i), first && i == start)?;
        }
    }
    Ok(())
}

/// One CSV record: text cells neutralised against formulas, numbers as they are.
fn write_csv_row<W: Write>(
    writer: &mut csv::Writer<W>,
    cells: &[Cell],
    scratch: &mut String,
) -> Result<()> {
    for cell in cells {
        match cell {
            Cell::Text(text) => writer.write_field(escape_formula(text).as_bytes())?,
            Cell::Decimal(text) => writer.write_field(text.as_bytes())?,
            Cell::Null => writer.write_field(b"")?,
            // Numbers are written through one buffer, not a new string each.
            Cell::Int(i) => {
                scratch.clear();
                write!(scratch, "{i}")?;
                writer.write_field(scratch.as_bytes())?;
            }
            Cell::Real(r) => {
                scratch.clear();
                write_real(scratch, *r)?;
                writer.write_field(scratch.as_bytes())?;
            }
        }
    }
    writer.write_record(None::<&[u8]>)?;
    Ok(())
}

/// One JSON object of the array, with its separator.
fn write_json_row<W: Write>(
    out: &mut W,
    headers: &[String],
    cells: &[Cell],
    first: bool,
) -> Result<()> {
    let object: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .cloned()
        .zip(cells.iter().map(Cell::json))
        .collect();
    out.write_all(if first { b"\n  " } else { b",\n  " })?;
    serde_json::to_writer(&mut *out, &object)?;
    Ok(())
}

/// Writes a number as `{}` would ("72.4", "100"), taking a short cut for the tenths that
/// scores and rates are rounded to: the shortest decimal of k/10 is k/10 itself, written
/// with integers, several times faster than the general float formatting.
fn write_real(out: &mut String, r: f64) -> std::fmt::Result {
    let tenths = (r * 10.0).round();
    if r != 0.0 && r.abs() < 1e15 && tenths / 10.0 == r {
        let tenths = tenths as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.abs() / 10, tenths.abs() % 10);
        if tenth == 0 {
            write!(out, "{sign}{whole}")
        } else {
            write!(out, "{sign}{whole}.{tenth}")
        }
    } else {
        write!(out, "{r}")
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Cell {
        Cell::Int(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Cell {
        value.map_or(Cell::Null, Into::into)
    }
}

/// Where a command writes.
pub struct Out {
    pub format: Format,
    pub quiet: bool,
    stdout: BufWriter<Box<dyn Write>>,
}

impl Out {
    pub fn new(format: Format, quiet: bool) -> Out {
        Out::to(format, quiet, Box::new(io::stdout()))
    }

    pub fn to(format: Format, quiet: bool, writer: Box<dyn Write>) -> Out {
        Out {
            format,
            quiet,
            stdout: BufWriter::with_capacity(64 * 1024, writer),
        }
    }

    /// A message for the person at the terminal (stderr), unless `--quiet`.
    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// A warning: always printed to stderr.
    pub fn warn(&self, message: impl std::fmt::Display) {
        eprintln!("warning: {message}");
    }

    /// Writes raw text to stdout (plain-text reports and briefs).
    pub fn text(&mut self, text: &str) -> Result<()> {
        self.stdout.write_all(text.as_bytes())?;
        Ok(())
    }

    /// Writes one JSON value to stdout.
    pub fn json(&mut self, value: &impl serde::Serialize) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.stdout, value)?;
        self.stdout.write_all(b"\n")?;
        Ok(())
    }

    /// Starts a result set with these columns; rows follow with [`Rows::row`].
    pub fn rows<'o>(&'o mut self, headers: &[&str]) -> Result<Rows<'o>> {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let out = &mut self.stdout;
        let sink = match self.format {
            Format::Table => Sink::Table(Vec::new(), out),
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(&headers)?;
                Sink::Csv(Box::new(writer))
            }
            Format::Json => {
                out.write_all(JSON_OPEN)?;
                Sink::Json { first: true, out }
            }
        };
        Ok(Rows {
            headers,
            sink,
            scratch: String::new(),
        })
    }

    /// Prints a result set of `count` rows, the `i`th made by `row(i)`. CSV and JSON rows
    /// are made and formatted in two halves at once, the second on another thread; a table
    /// is laid out as a whole. For large lists whose rows cost something to make (reading
    /// them from memory scattered by a sort counts).
    pub fn rows_parallel(
        &mut self,
        headers: &[&str],
        count: usize,
        row: impl Fn(usize) -> Vec<Cell> + Sync,
    ) -> Result<()> {
        let format = self.format;
        if format == Format::Table || count < PARALLEL_ROWS {
            let mut rows = self.rows(headers)?;
            for i in 0..count {
                rows.row(row(i))?;
            }
            return rows.finish();
        }
        let half = count / 2;
        let names: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let (row, names) = (&row, &names);
        std::thread::scope(|scope| {
            let later = scope.spawn(move || -> Result<Vec<u8>> {
                let mut bytes = Vec::new();
                write_rows(format, &mut bytes, names, half..count, row, false)?;
                Ok(bytes)
            });
            let out = &mut self.stdout;
            if format == Format::Csv {
                csv::Writer::from_writer(&mut *out).write_record(names)?;
            } else {
                out.write_all(JSON_OPEN)?;
            }
            write_rows(format, &mut *out, names, 0..half, row, true)?;
            let bytes = later
                .join()
                .map_err(|_| anyhow::anyhow!("formatting the rows failed"))??;
            out.write_all(&bytes)?;
            if format == Format::Json {
                out.write_all(json_close(false))?;
            }
            out.flush()?;
            Ok(())
        })
    }

    pub fn flush(&mut self) -> Result<()> {
        self.stdout.flush()?;
        Ok(())
    }
}

type Stdout = BufWriter<Box<dyn Write>>;

/// Below this many rows, [`Out::rows_parallel`] formats them on one thread.
const PARALLEL_ROWS: usize = 1024;

enum Sink<'o> {
    Table(Vec<Vec<Cell>>, &'o mut Stdout),
    Csv(Box<csv::Writer<&'o mut Stdout>>),
    Json { first: bool, out: &'o mut Stdout },
}

/// An open result set.
pub struct Rows<'o> {
    headers: Vec<String>,
    sink: Sink<'o>,
    scratch: String,
}

impl Rows<'_> {
    pub fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        match &mut self.sink {
            Sink::Table(rows, _) => rows.push(cells),
            Sink::Csv(writer) => write_csv_row(writer, &cells, &mut self.scratch)?,
            Sink::Json { first, out } => {
                write_json_row(out, &self.headers, &cells, *first)?;
                *first = false;
            }
        }
        Ok(())
    }

    /// Ends the result set (prints the table, closes the JSON array).
    pub fn finish(self) -> Result<()> {
        match self.sink {
            Sink::Table(rows, out) => {
                let mut table = Table::new();
                table.load_style(presets::UTF8_FULL_CONDENSED);
                if io::stdout().is_terminal() {
                    table.set_content_arrangement(ContentArrangement::Dynamic);
                }
                table.set_header(&self.headers);
                for row in rows {
                    table.add_row(row.iter().map(Cell::plain));
                }
                writeln!(out, "{table}")?;
                out.flush()?;
            }
            Sink::Csv(mut writer) => writer.flush()?,
            Sink::Json { first, out } => {
                out.write_all(json_close(first))?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

/// A row of counts as a terminal sparkline, one block character each, scaled to the
/// largest; a zero is a low dot so an idle month still shows.
pub fn sparkline(counts: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&c| {
            if c == 0 || max == 0 {
                '·'
            } else {
                BARS[((c * 7).div_ceil(max) as usize).min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer the test can read back after `Out` has written to it.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn printed(format: Format, count: usize, parallel: bool) -> String {
        let sink = Shared::default();
        let mut out = Out::to(format, false, Box::new(sink.clone()));
        let row = |i: usize| {
            vec![
                Cell::Text(if i.is_multiple_of(7) {
                    format!("=cmd{i}")
                } else {
                    format!("a, \"{i}\"")
                }),
                Cell::Int(i as i64 - 500),
                Cell::Real(i as f64 / 10.0),
                if i.is_multiple_of(3) {
                    Cell::Null
                } else {
                    Cell::Decimal(format!("{i}.50"))
                },
            ]
        };
        if parallel {
            out.rows_parallel(&["text", "int", "real", "money"], count, row)
                .expect("rows");
        } else {
            let mut rows = out.rows(&["text", "int", "real", "money"]).expect("rows");
            for i in 0..count {
                rows.row(row(i)).expect("row");
            }
            rows.finish().expect("finish");
        }
        drop(out);
        let bytes = sink.0.lock().expect("lock").clone();
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn rows_made_on_two_threads_print_as_rows_made_on_one() {
        for format in [Format::Csv, Format::Json, Format::Table] {
            for count in [
                0,
                1,
                PARALLEL_ROWS - 1,
                PARALLEL_ROWS,
                2 * PARALLEL_ROWS + 1,
            ] {
                let one = printed(format, count, false);
                assert_eq!(printed(format, count, true), one, "{format:?} {count}");
                if format == Format::Json {
                    let parsed: serde_json::Value = serde_json::from_str(&one).expect("json");
                    assert_eq!(parsed.as_array().map(Vec::len), Some(count));
                }
            }
        }
    }

    #[test]
    fn numbers_print_as_display_does() {
        let mut values = vec![0.0, -0.0, 0.1, 0.05, 1.0 / 3.0, 1e15, 1e16, 2.5e-7, -12.3];
        values.extend(f64::NAN.to_string().parse::<f64>().ok());
        values.extend([
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
        ]);
        values.extend((-2000..=2000).map(|k| k as f64 / 10.0));
        values.extend((0..=1000).map(|k| (k as f64 * 0.1 * 10.0).round() / 10.0));
        for r in values {
            let mut fast = String::new();
            write_real(&mut fast, r).expect("write");
            assert_eq!(fast, r.to_string(), "{r:?}");
        }
    }
}
