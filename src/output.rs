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
                out.write_all(b"[")?;
                Sink::Json { first: true, out }
            }
        };
        Ok(Rows {
            headers,
            sink,
            scratch: String::new(),
        })
    }

    pub fn flush(&mut self) -> Result<()> {
        self.stdout.flush()?;
        Ok(())
    }
}

type Stdout = BufWriter<Box<dyn Write>>;

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
            Sink::Csv(writer) => {
                for cell in &cells {
                    match cell {
                        Cell::Text(text) => writer.write_field(escape_formula(text).as_bytes())?,
                        Cell::Decimal(text) => writer.write_field(text.as_bytes())?,
                        Cell::Null => writer.write_field(b"")?,
                        // Numbers are written through one buffer, not a new string each.
                        Cell::Int(i) => {
                            self.scratch.clear();
                            write!(self.scratch, "{i}")?;
                            writer.write_field(self.scratch.as_bytes())?;
                        }
                        Cell::Real(r) => {
                            self.scratch.clear();
                            write_real(&mut self.scratch, *r)?;
                            writer.write_field(self.scratch.as_bytes())?;
                        }
                    }
                }
                writer.write_record(None::<&[u8]>)?;
            }
            Sink::Json { first, out } => {
                let object: serde_json::Map<String, serde_json::Value> = self
                    .headers
                    .iter()
                    .cloned()
                    .zip(cells.iter().map(Cell::json))
                    .collect();
                out.write_all(if *first { b"\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut **out, &object)?;
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
                out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                out.flush()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
