//! Writes results as a table for people, CSV or TSV for spreadsheets and cron, or JSON for
//! scripts. The only module that lays out tables and touches the CSV writer. Every text
//! cell of a CSV or TSV is neutralised against spreadsheet formulas; numbers are left
//! alone. Messages go to stderr, data to stdout (or to `--out FILE`, written whole or not
//! at all).
//!
//! Each command declares its columns once ([`Column`]: which are shown by default, which
//! are ids, dates, numbers, money or long text) and this module lays them out. On a
//! terminal a table fits its width: ids, dates and numbers are never cut or wrapped, names
//! and long text are cut with `…` to the space left, a column marked [`Column::below`]
//! goes on the row's second line, and the columns that still do not fit are left out with a
//! note (`--wide` shows every column, `--columns a,b` chooses). Piped or written to a file,
//! a table has one row a line, nothing cut, and no box drawing, so `grep`, `sort` and
//! `less` work.
//!
//! Output is always one document: a command that prints several result sets names them
//! with [`Out::section`]; JSON then is one object with a member per section, CSV and TSV
//! print one section (`--section NAME`, default the first) and say how to get the others.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::Result;
use unicode_width::UnicodeWidthStr;

use crate::files::OutputFile;

/// The output formats every command offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Tsv,
    Json,
}

impl Format {
    /// The format a file name asks for by its extension (`--out week.csv`).
    pub fn of_file(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    fn delimited(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }

    fn csv_writer<W: Write>(self, out: W) -> csv::Writer<W> {
        let delimiter = if self == Format::Tsv { b'\t' } else { b',' };
        csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(out)
    }
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
    /// A number that a table shows as text ("94.9 % (56 of 59)"): CSV and JSON get the
    /// number (`None`: no value, "n/a"), a person gets the words.
    Figure(Option<f64>, String),
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
            Cell::Decimal(d) | Cell::Text(d) | Cell::Figure(_, d) => d.clone(),
        }
    }

    fn is_number(&self) -> bool {
        matches!(
            self,
            Cell::Int(_) | Cell::Real(_) | Cell::Decimal(_) | Cell::Figure(..)
        )
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null | Cell::Figure(None, _) => serde_json::Value::Null,
            Cell::Int(i) => (*i).into(),
            Cell::Real(r) | Cell::Figure(Some(r), _) => {
                serde_json::Number::from_f64(*r).map_or(serde_json::Value::Null, Into::into)
            }
            Cell::Decimal(d) => d
                .parse::<serde_json::Number>()
                .map_or_else(|_| serde_json::Value::String(d.clone()), Into::into),
            Cell::Text(t) => serde_json::Value::String(t.clone()),
        }
    }

    /// [`Cell::json`], taking the cell's text rather than copying it.
    fn into_json(self) -> serde_json::Value {
        match self {
            Cell::Text(t) => serde_json::Value::String(t),
            other => other.json(),
        }
    }
}

/// What a column holds, which decides how a table lays it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Short text (a name, an account): cut with `…` when space is short.
    Text,
    /// An id, a code, a status or a label: never cut.
    Id,
    /// A date: never cut.
    Date,
    /// A number: right-aligned, never cut.
    Number,
    /// Money: right-aligned with thousands separators in tables (CSV and JSON raw).
    Money,
    /// Long text (reasons, why): takes the space left, cut with `…`.
    Long,
}

/// One column of a result set, declared once by the command that prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header in every format, and the name `--columns` takes.
    pub name: Cow<'static, str>,
    /// `None` when undeclared: numbers if every cell is a number, else text.
    pub kind: Option<Kind>,
    /// Shown in a table only with `--wide` or `--columns` (CSV and JSON always have it).
    pub wide: bool,
    /// On a terminal, printed on the row's second line instead of as a column.
    pub below: bool,
    /// On a terminal, printed as a heading line whenever it changes instead of as a
    /// column (a report's section).
    pub group: bool,
}

impl Column {
    const fn of(name: &'static str, kind: Kind) -> Column {
        Column {
            name: Cow::Borrowed(name),
            kind: Some(kind),
            wide: false,
            below: false,
            group: false,
        }
    }
    pub const fn text(name: &'static str) -> Column {
        Column::of(name, Kind::Text)
    }
    pub const fn id(name: &'static str) -> Column {
        Column::of(name, Kind::Id)
    }
    pub const fn date(name: &'static str) -> Column {
        Column::of(name, Kind::Date)
    }
    pub const fn number(name: &'static str) -> Column {
        Column::of(name, Kind::Number)
    }
    pub const fn money(name: &'static str) -> Column {
        Column::of(name, Kind::Money)
    }
    pub const fn long(name: &'static str) -> Column {
        Column::of(name, Kind::Long)
    }
    /// Only with `--wide` or `--columns` in a table.
    pub const fn wide(mut self) -> Column {
        self.wide = true;
        self
    }
    /// On the row's second line on a terminal (long text a person reads under the row).
    pub const fn below(mut self) -> Column {
        self.below = true;
        self
    }
    /// A heading over the rows that share it, on a terminal (rows come grouped).
    pub const fn group(mut self) -> Column {
        self.group = true;
        self
    }
}

/// What `rows` accepts as a column: a declared [`Column`], or a bare name.
pub trait IntoColumn {
    fn column(&self) -> Column;
}

impl IntoColumn for Column {
    fn column(&self) -> Column {
        self.clone()
    }
}

impl IntoColumn for &str {
    fn column(&self) -> Column {
        Column {
            name: Cow::Owned(self.to_string()),
            kind: None,
            wide: false,
            below: false,
            group: false,
        }
    }
}

impl IntoColumn for String {
    fn column(&self) -> Column {
        self.as_str().column()
    }
}

const JSON_OPEN: &[u8] = b"[";

fn json_close(empty: bool) -> &'static [u8] {
    if empty { b"]\n" } else { b"\n]\n" }
}

/// Which of a result set's columns are printed, and in which order (`--columns`).
type Pick = Option<Vec<usize>>;

fn picked<'c>(cells: &'c [Cell], pick: &Pick) -> Cow<'c, [Cell]> {
    match pick {
        None => Cow::Borrowed(cells),
        Some(indices) => Cow::Owned(
            indices
                .iter()
                .map(|&i| cells.get(i).cloned().unwrap_or(Cell::Null))
                .collect(),
        ),
    }
}

/// CSV/TSV records or JSON objects (with their separators; `first` when these open the
/// array) for the rows in `range`, without a header.
fn write_rows<W: Write>(
    format: Format,
    out: &mut W,
    headers: &[String],
    pick: &Pick,
    range: std::ops::Range<usize>,
    row: &(impl Fn(usize) -> Vec<Cell> + Sync),
    first: bool,
) -> Result<()> {
    if format.delimited() {
        let mut writer = format.csv_writer(out);
        let mut scratch = String::new();
        for i in range {
            write_csv_row(&mut writer, &picked(&row(i), pick), &mut scratch)?;
        }
        writer.flush()?;
    } else {
        let start = range.start;
        for i in range {
            write_json_row(out, headers, &picked(&row(i), pick), first && i == start)?;
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
            Cell::Null | Cell::Figure(None, _) => writer.write_field(b"")?,
            // Numbers are written through one buffer, not a new string each.
            Cell::Int(i) => {
                scratch.clear();
                write!(scratch, "{i}")?;
                writer.write_field(scratch.as_bytes())?;
            }
            Cell::Real(r) | Cell::Figure(Some(r), _) => {
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

/// How tables are laid out and which columns are printed: from the global flags.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// The terminal's width; `None` when piped or written to a file (nothing is cut).
    pub width: Option<usize>,
    /// `--wide`: every column, nothing cut.
    pub wide: bool,
    /// `--columns a,b,c`: these columns, in this order.
    pub columns: Option<Vec<String>>,
    /// `--section NAME`: the section CSV and TSV print.
    pub section: Option<String>,
    /// Figures as their words in CSV and JSON too ("94.9 % (56 of 59)", not 94.9): how the
    /// review page reads a report in-process, keeping the counts behind each rate.
    pub words: bool,
}

impl View {
    /// The width of the terminal on stdout, if stdout is one.
    pub fn terminal_width() -> Option<usize> {
        if !io::stdout().is_terminal() {
            return None;
        }
        Some(
            terminal_size::terminal_size()
                .map(|(w, _)| usize::from(w.0))
                .filter(|w| *w >= 20)
                .unwrap_or(80),
        )
    }
}

/// Where the data goes: stdout, a file completed at the end, or a writer of a test.
enum Dest {
    Stdout(io::Stdout),
    File(OutputFile),
    Other(Box<dyn Write>),
    Closed,
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::Stdout(w) => w.write(buf),
            Dest::File(w) => w.write(buf),
            Dest::Other(w) => w.write(buf),
            Dest::Closed => Err(io::Error::other("the output is already complete")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Stdout(w) => w.flush(),
            Dest::File(w) => w.flush(),
            Dest::Other(w) => w.flush(),
            Dest::Closed => Ok(()),
        }
    }
}

/// The sections a command has printed so far (see [`Out::section`]).
#[derive(Default)]
struct Sections {
    names: Vec<String>,
    printed: Option<String>,
    json_open: bool,
    /// Whether `--columns` fitted a result set.
    columns_used: bool,
}

/// Where a command writes.
pub struct Out {
    pub format: Format,
    pub quiet: bool,
    pub view: View,
    stdout: BufWriter<Dest>,
    sections: Sections,
    /// Result sets kept as values instead of written (see [`Out::capture`]).
    captured: Option<Vec<CapturedSet>>,
}

/// Where a capturing [`Out`] sends what is not a result set: nowhere.
struct RowsOnly;

impl Write for RowsOnly {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other(
            "it printed something other than rows, which only a terminal or a file can take",
        ))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One result set an [`Out::capture`] kept: each row's values as `--format json` gives
/// them, in the order of `columns`.
#[derive(Debug, Clone, Default)]
pub struct CapturedSet {
    /// The section's name (`Out::section`), None for a plain result set.
    pub section: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

impl Out {
    pub fn new(format: Format, quiet: bool) -> Out {
        let mut out = Out::with_dest(format, quiet, Dest::Stdout(io::stdout()));
        out.view.width = View::terminal_width();
        out
    }

    pub fn to(format: Format, quiet: bool, writer: Box<dyn Write>) -> Out {
        Out::with_dest(format, quiet, Dest::Other(writer))
    }

    fn with_dest(format: Format, quiet: bool, dest: Dest) -> Out {
        Out {
            format,
            quiet,
            view: View::default(),
            stdout: BufWriter::with_capacity(64 * 1024, dest),
            sections: Sections::default(),
            captured: None,
        }
    }

    /// An output that keeps its result sets as the values `--format json` would write
    /// (rows, sections, the choice of words over numbers) instead of writing and reading
    /// them back: the review page takes every report this way. Anything else a command
    /// writes (text, raw JSON) has nowhere to go: flushing it is an error, not a loss.
    pub fn capture(quiet: bool) -> Out {
        let mut out = Out::to(Format::Json, quiet, Box::new(RowsOnly));
        out.captured = Some(Vec::new());
        out
    }

    /// The result sets kept so far (see [`Out::capture`]), in the order they began.
    pub fn take_captured(&mut self) -> Vec<CapturedSet> {
        self.captured
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Sends the data to `file` instead of stdout (`--out`); [`Out::finish`] completes it.
    /// Tables written to a file are laid out as when piped.
    pub fn write_to(&mut self, file: OutputFile) -> Result<()> {
        self.stdout.flush()?;
        self.stdout = BufWriter::with_capacity(64 * 1024, Dest::File(file));
        self.view.width = None;
        Ok(())
    }

    /// A message for the person at the terminal (stderr), unless `--quiet`.
    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("{}", wrap_for_stderr(&message.to_string()));
        }
    }

    /// A warning: always printed to stderr.
    pub fn warn(&self, message: impl std::fmt::Display) {
        eprintln!("{}", wrap_for_stderr(&format!("warning: {message}")));
    }

    /// Writes raw text to stdout (plain-text reports and briefs).
    pub fn text(&mut self, text: &str) -> Result<()> {
        self.stdout.write_all(text.as_bytes())?;
        Ok(())
    }

    /// Writes text to stdout wrapped at word boundaries to the terminal's width when
    /// stdout is one (to a file or a pipe, as it is: one line per paragraph, for grep).
    pub fn paragraph(&mut self, text: &str) -> Result<()> {
        match self.view.width {
            Some(width) => self.text(&wrap(text, width)),
            None => self.text(text),
        }
    }

    /// Writes one JSON value to stdout.
    pub fn json(&mut self, value: &impl serde::Serialize) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.stdout, value)?;
        self.stdout.write_all(b"\n")?;
        Ok(())
    }

    /// Starts a result set with these columns; rows follow with [`Rows::row`]. A command
    /// that prints more than one result set names each with [`Out::section`] instead.
    pub fn rows<'o, C: IntoColumn>(&'o mut self, columns: &[C]) -> Result<Rows<'o>> {
        let columns: Vec<Column> = columns.iter().map(IntoColumn::column).collect();
        self.open(columns, None)
    }

    /// Starts one named result set of several (`request show`: the request, its history,
    /// its asks). A table prints each under its name; JSON makes one object with a member
    /// per section; CSV and TSV print only the section `--section` names (default the
    /// first) and [`Out::finish`] says how to get the others.
    pub fn section<'o, C: IntoColumn>(&'o mut self, name: &str, columns: &[C]) -> Result<Rows<'o>> {
        let columns: Vec<Column> = columns.iter().map(IntoColumn::column).collect();
        self.open(columns, Some(name))
    }

    fn open<'o>(&'o mut self, columns: Vec<Column>, section: Option<&str>) -> Result<Rows<'o>> {
        let format = self.format;
        let pick = self.pick(&columns, section.is_some())?;
        let mut skip = false;
        if let Some(name) = section {
            let first = self.sections.names.is_empty();
            self.sections.names.push(name.to_string());
            match format {
                Format::Table => {
                    if !first {
                        write!(self.stdout, "\n{name}:\n")?;
                    }
                }
                Format::Csv | Format::Tsv => {
                    let wanted = match &self.view.section {
                        Some(chosen) => chosen == name,
                        None => first,
                    };
                    if wanted && self.sections.printed.is_none() {
                        self.sections.printed = Some(name.to_string());
                    } else {
                        skip = true;
                    }
                }
                Format::Json if self.captured.is_some() => {}
                Format::Json => {
                    self.stdout.write_all(if first { b"{\n" } else { b",\n" })?;
                    serde_json::to_writer(&mut self.stdout, name)?;
                    self.stdout.write_all(b": ")?;
                    self.sections.json_open = true;
                }
            }
        }
        let headers: Vec<String> = match &pick {
            Some(indices) => indices
                .iter()
                .map(|&i| columns[i].name.to_string())
                .collect(),
            None => columns.iter().map(|c| c.name.to_string()).collect(),
        };
        let view = self.view.clone();
        let out = &mut self.stdout;
        let sink = if skip {
            Sink::Skip
        } else if let Some(sets) = &mut self.captured {
            sets.push(CapturedSet {
                section: section.map(str::to_string),
                columns: headers.clone(),
                rows: Vec::new(),
            });
            let last = sets.len() - 1;
            Sink::Capture(&mut sets[last].rows)
        } else {
            match format {
                Format::Table => Sink::Table(Vec::new(), out),
                Format::Csv | Format::Tsv => {
                    let mut writer = format.csv_writer(out);
                    writer.write_record(&headers)?;
                    Sink::Csv(Box::new(writer))
                }
                Format::Json => {
                    out.write_all(JSON_OPEN)?;
                    Sink::Json { first: true, out }
                }
            }
        };
        Ok(Rows {
            columns,
            headers,
            pick,
            view,
            sink,
            scratch: String::new(),
        })
    }

    /// The columns `--columns` chooses, as indices, when it names columns of this set. A
    /// name this set lacks is a usage error, unless the output has sections (another may
    /// have it).
    fn pick(&mut self, columns: &[Column], in_section: bool) -> Result<Pick> {
        let Some(wanted) = &self.view.columns else {
            return Ok(None);
        };
        let mut indices = Vec::new();
        let mut unknown = Vec::new();
        for name in wanted {
            match columns.iter().position(|c| c.name == name.as_str()) {
                Some(i) => indices.push(i),
                None => unknown.push(name.as_str()),
            }
        }
        if unknown.is_empty() {
            self.sections.columns_used = true;
            return Ok(Some(indices));
        }
        if in_section {
            return Ok(None);
        }
        Err(crate::UsageError(format!(
            "--columns: no column {} here; the columns are {}",
            unknown
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", "),
            columns
                .iter()
                .map(|c| c.name.as_ref())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into())
    }

    /// Prints a result set of `count` rows, the `i`th made by `row(i)`. CSV and JSON rows
    /// are made and formatted on two threads at once, in chunks taken in turn and written
    /// in order (memory holds a chunk, not half the output); a table is laid out as a
    /// whole. For large lists whose rows cost something to make (reading them from memory
    /// scattered by a sort counts).
    pub fn rows_parallel<C: IntoColumn>(
        &mut self,
        columns: &[C],
        count: usize,
        row: impl Fn(usize) -> Vec<Cell> + Sync,
    ) -> Result<()> {
        let format = self.format;
        if format == Format::Table || count < PARALLEL_ROWS {
            let mut rows = self.rows(columns)?;
            for i in 0..count {
                rows.row(row(i))?;
            }
            return rows.finish();
        }
        let columns: Vec<Column> = columns.iter().map(IntoColumn::column).collect();
        let pick = self.pick(&columns, false)?;
        let names: Vec<String> = match &pick {
            Some(indices) => indices
                .iter()
                .map(|&i| columns[i].name.to_string())
                .collect(),
            None => columns.iter().map(|c| c.name.to_string()).collect(),
        };
        if let Some(sets) = &mut self.captured {
            // Kept as the JSON below would write them.
            sets.push(CapturedSet {
                section: None,
                rows: (0..count)
                    .map(|i| match &pick {
                        None => row(i).into_iter().map(Cell::into_json).collect(),
                        Some(_) => picked(&row(i), &pick).iter().map(Cell::json).collect(),
                    })
                    .collect(),
                columns: names,
            });
            return Ok(());
        }
        let (row, names, pick) = (&row, &names, &pick);
        std::thread::scope(|scope| {
            // Chunks of rows in turn: the other thread formats every second one into
            // memory while this one writes the one before, so no more than a chunk waits.
            let (ask, asked) = std::sync::mpsc::channel::<std::ops::Range<usize>>();
            let (give, given) = std::sync::mpsc::channel::<Result<Vec<u8>>>();
            scope.spawn(move || {
                for range in asked {
                    let mut bytes = Vec::new();
                    let made = write_rows(format, &mut bytes, names, pick, range, row, false);
                    if give.send(made.map(|()| bytes)).is_err() {
                        break;
                    }
                }
            });
            let out = &mut self.stdout;
            if format.delimited() {
                format.csv_writer(&mut *out).write_record(names)?;
            } else {
                out.write_all(JSON_OPEN)?;
            }
            let mut start = 0;
            while start < count {
                let mine = start..(start + PARALLEL_CHUNK).min(count);
                let theirs = mine.end..(mine.end + PARALLEL_CHUNK).min(count);
                start = theirs.end;
                let other = !theirs.is_empty();
                if other {
                    ask.send(theirs)
                        .map_err(|_| anyhow::anyhow!("formatting the rows failed"))?;
                }
                let first = mine.start == 0;
                write_rows(format, &mut *out, names, pick, mine, row, first)?;
                if other {
                    let bytes = given
                        .recv()
                        .map_err(|_| anyhow::anyhow!("formatting the rows failed"))??;
                    out.write_all(&bytes)?;
                }
            }
            if format == Format::Json {
                out.write_all(json_close(false))?;
            }
            out.flush()?;
            Ok(())
        })
    }

    /// Flushes what was written; a JSON object of sections is closed first, so output
    /// read back within the program (the review page reads the reports) is one document.
    pub fn flush(&mut self) -> Result<()> {
        if self.sections.json_open {
            self.stdout.write_all(b"}\n")?;
            self.sections.json_open = false;
        }
        self.stdout.flush()?;
        Ok(())
    }

    /// Ends the output: closes a JSON object of sections, says which sections a CSV left
    /// out, and completes the `--out` file (renamed into place only now).
    pub fn finish(&mut self) -> Result<()> {
        if self.sections.json_open {
            self.stdout.write_all(b"}\n")?;
            self.sections.json_open = false;
        }
        let names = &self.sections.names;
        if let Some(chosen) = &self.view.section
            && !names.iter().any(|n| n == chosen)
        {
            let have = if names.is_empty() {
                "this output has no sections".to_string()
            } else {
                format!("the sections are {}", names.join(", "))
            };
            return Err(crate::UsageError(format!(
                "--section: no section '{chosen}' here; {have}"
            ))
            .into());
        }
        if self.view.columns.is_some() && !self.sections.columns_used && !names.is_empty() {
            return Err(crate::UsageError(
                "--columns: no section of this output has all of those columns".to_string(),
            )
            .into());
        }
        if self.format.delimited()
            && let Some(printed) = &self.sections.printed
            && names.len() > 1
        {
            let others: Vec<&str> = names
                .iter()
                .map(String::as_str)
                .filter(|n| n != printed)
                .collect();
            self.note(format!(
                "note: printed the section '{printed}'; the others are {} (choose one with --section NAME, or --format json for all)",
                others.join(", ")
            ));
        }
        self.stdout.flush()?;
        if matches!(self.stdout.get_ref(), Dest::File(_)) {
            let done =
                std::mem::replace(&mut self.stdout, BufWriter::with_capacity(0, Dest::Closed));
            let dest = done.into_inner().map_err(|e| e.into_error())?;
            if let Dest::File(file) = dest {
                file.commit()?;
            }
        }
        Ok(())
    }
}

type Stdout = BufWriter<Dest>;

/// Below this many rows, [`Out::rows_parallel`] formats them on one thread.
const PARALLEL_ROWS: usize = 1024;

/// Rows [`Out::rows_parallel`] hands to each thread at a time: what waits in memory is two
/// of them, whatever the count.
const PARALLEL_CHUNK: usize = 8192;

enum Sink<'o> {
    Table(Vec<Vec<Cell>>, &'o mut Stdout),
    /// Rows kept as values (see [`Out::capture`]).
    Capture(&'o mut Vec<Vec<serde_json::Value>>),
    Csv(Box<csv::Writer<&'o mut Stdout>>),
    Json {
        first: bool,
        out: &'o mut Stdout,
    },
    /// A section CSV does not print.
    Skip,
}

/// An open result set.
pub struct Rows<'o> {
    columns: Vec<Column>,
    headers: Vec<String>,
    pick: Pick,
    view: View,
    sink: Sink<'o>,
    scratch: String,
}

impl Rows<'_> {
    pub fn row(&mut self, mut cells: Vec<Cell>) -> Result<()> {
        if self.view.words {
            for cell in &mut cells {
                if let Cell::Figure(_, words) = cell {
                    *cell = Cell::Text(std::mem::take(words));
                }
            }
        }
        match &mut self.sink {
            Sink::Table(rows, _) => rows.push(cells),
            Sink::Csv(writer) => {
                write_csv_row(writer, &picked(&cells, &self.pick), &mut self.scratch)?
            }
            Sink::Json { first, out } => {
                write_json_row(out, &self.headers, &picked(&cells, &self.pick), *first)?;
                *first = false;
            }
            Sink::Capture(rows) => rows.push(match &self.pick {
                None => cells.into_iter().map(Cell::into_json).collect(),
                Some(_) => picked(&cells, &self.pick).iter().map(Cell::json).collect(),
            }),
            Sink::Skip => {}
        }
        Ok(())
    }

    /// Ends the result set (prints the table, closes the JSON array).
    pub fn finish(self) -> Result<()> {
        match self.sink {
            Sink::Table(rows, out) => {
                let hidden = layout(out, &self.columns, &self.pick, &rows, &self.view)?;
                out.flush()?;
                if !hidden.is_empty() {
                    eprintln!(
                        "{}",
                        wrap_for_stderr(&format!("(not shown: {}; see --wide)", hidden.join(", ")))
                    );
                }
            }
            Sink::Csv(mut writer) => writer.flush()?,
            Sink::Capture(_) => {}
            Sink::Json { first, out } => {
                out.write_all(json_close(first))?;
                out.flush()?;
            }
            Sink::Skip => {}
        }
        Ok(())
    }
}

/// The space between two columns of a table.
const GAP: usize = 2;
/// The indent of a row's second line.
const INDENT: usize = 4;

/// The text of a cell in a table: money with thousands separators, one line whatever the
/// cell holds.
fn shown(cell: &Cell, kind: Kind) -> String {
    let text = match (cell, kind) {
        (Cell::Int(i), Kind::Money) => thousands(&i.to_string()),
        (Cell::Decimal(d), Kind::Money) => thousands(d.strip_suffix(".00").unwrap_or(d.as_str())),
        _ => cell.plain(),
    };
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    } else {
        text
    }
}

/// "1234567.5" -> "1,234,567.5"; anything that is not a plain number is left as it is.
fn thousands(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_string();
    }
    let mut text = String::from(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    if let Some(fraction) = fraction {
        text.push('.');
        text.push_str(fraction);
    }
    text
}

/// A message wrapped at word boundaries to the width of the terminal on stderr, if it is
/// one (a message to a file or a pipe stays one line, for grep).
pub fn wrap_for_stderr(message: &str) -> String {
    let Some(width) = io::stderr()
        .is_terminal()
        .then(|| terminal_size::terminal_size_of(io::stderr()))
        .flatten()
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w >= 20)
    else {
        return message.to_string();
    };
    wrap(message, width)
}

/// `text` broken into lines of at most `width` columns, at spaces where it can.
fn wrap(text: &str, width: usize) -> String {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let word = cut(word, width);
            if !line.is_empty() && width_of(&line) + 1 + width_of(&word) > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// Writes one line of a table without its trailing blanks.
fn print(line: &mut String, out: &mut dyn Write) -> Result<()> {
    out.write_all(line.trim_end().as_bytes())?;
    out.write_all(b"\n")?;
    line.clear();
    Ok(())
}

fn width_of(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` split where a line of `width` columns ends: at the last space that keeps more
/// than half the width, else at the width; the rest without its leading blanks. All of
/// it, and nothing after, when it fits.
fn split_at_width(text: &str, width: usize) -> (&str, &str) {
    if width_of(text) <= width {
        return (text, "");
    }
    let mut used = 0;
    let mut end = 0;
    let mut space = None;
    for (at, c) in text.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        if c == ' ' && used > width / 2 {
            space = Some(at);
        }
        used += w;
        end = at + c.len_utf8();
    }
    let (head, tail) = match space {
        Some(at) => (&text[..at], &text[at..]),
        None => (&text[..end], &text[end..]),
    };
    (head.trim_end(), tail.trim_start())
}

/// `text` cut to `width` display columns, ending in `…` when cut.
fn cut(text: &str, width: usize) -> Cow<'_, str> {
    if width_of(text) <= width {
        return Cow::Borrowed(text);
    }
    let mut kept = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    kept.push('…');
    Cow::Owned(kept)
}

/// Lays a table out and prints it; returns the columns left out to fit the terminal.
fn layout(
    out: &mut impl Write,
    columns: &[Column],
    pick: &Pick,
    rows: &[Vec<Cell>],
    view: &View,
) -> Result<Vec<String>> {
    // Each column's kind: declared, or numbers when every cell is one.
    let kinds: Vec<Kind> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.kind.unwrap_or_else(|| {
                let mut cells = rows.iter().filter_map(|r| r.get(i));
                let mut any = false;
                let numeric = cells.all(|cell| {
                    any |= !matches!(cell, Cell::Null);
                    matches!(cell, Cell::Null) || cell.is_number()
                });
                if numeric && any {
                    Kind::Number
                } else {
                    Kind::Text
                }
            })
        })
        .collect();
    // Which columns: --columns, else every one with --wide, else the default ones.
    let chosen: Vec<usize> = match pick {
        Some(indices) => indices.clone(),
        None => (0..columns.len())
            .filter(|&i| view.wide || !columns[i].wide)
            .collect(),
    };
    // On a terminal, long text marked `below` goes on the row's second line.
    let fit = view.width.filter(|_| !view.wide);
    let (mut inline, below): (Vec<usize>, Vec<usize>) = chosen
        .iter()
        .filter(|&&i| fit.is_none() || !columns[i].group)
        .partition(|&&i| fit.is_none() || !columns[i].below);
    // And a group column becomes a heading over its rows.
    let group = chosen
        .iter()
        .copied()
        .find(|&i| fit.is_some() && columns[i].group);
    let texts: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            (0..columns.len())
                .map(|i| {
                    if chosen.contains(&i) {
                        row.get(i).map(|c| shown(c, kinds[i])).unwrap_or_default()
                    } else {
                        String::new()
                    }
                })
                .collect()
        })
        .collect();
    let natural = |i: usize| {
        texts
            .iter()
            .map(|r| width_of(&r[i]))
            .chain([width_of(&columns[i].name)])
            .max()
            .unwrap_or(0)
    };
    let mut widths: Vec<usize> = (0..columns.len()).map(natural).collect();
    let mut hidden = Vec::new();
    if let Some(width) = fit {
        // How narrow a column may get: long text and names first to a readable floor,
        // then names to their header's width, before any column is left out.
        let least = |i: usize, last_resort: bool| {
            let floor = match (kinds[i], last_resort) {
                (Kind::Long, _) => 16,
                (Kind::Text, false) => 12,
                (Kind::Text, true) => 6,
                _ => usize::MAX,
            };
            natural(i).min(floor.max(width_of(&columns[i].name)))
        };
        loop {
            let total = |widths: &[usize], inline: &[usize]| {
                inline.iter().map(|&i| widths[i]).sum::<usize>()
                    + GAP * inline.len().saturating_sub(1)
            };
            let mut excess = total(&widths, &inline).saturating_sub(width);
            // Long text gives up its space first, then names, the widest first.
            for (kind, last_resort) in
                [(Kind::Long, false), (Kind::Text, false), (Kind::Text, true)]
            {
                while excess > 0 {
                    let widest = inline
                        .iter()
                        .copied()
                        .filter(|&i| kinds[i] == kind && widths[i] > least(i, last_resort))
                        .max_by_key(|&i| widths[i]);
                    let Some(i) = widest else { break };
                    widths[i] -= 1;
                    excess -= 1;
                }
            }
            // Still too wide: leave out the last column that is not the first, unless
            // the person chose the columns.
            if excess == 0 || pick.is_some() || inline.len() <= 1 {
                break;
            }
            if let Some(last) = inline.pop() {
                hidden.push(columns[last].name.to_string());
                widths[last] = natural(last);
            }
        }
    }
    hidden.reverse();
    let right = |i: usize| matches!(kinds[i], Kind::Number | Kind::Money);
    let mut line = String::new();
    let pad = |line: &mut String, text: &str, i: usize, width: usize| {
        let text = cut(text, width);
        let fill = width.saturating_sub(width_of(&text));
        if right(i) {
            line.extend(std::iter::repeat_n(' ', fill));
            line.push_str(&text);
        } else {
            line.push_str(&text);
            line.extend(std::iter::repeat_n(' ', fill));
        }
    };
    for (k, &i) in inline.iter().enumerate() {
        if k > 0 {
            line.push_str("  ");
        }
        pad(&mut line, &columns[i].name, i, widths[i]);
    }
    print(&mut line, out)?;
    let mut heading: Option<&str> = None;
    for row in &texts {
        if let Some(g) = group
            && heading != Some(row[g].as_str())
        {
            heading = Some(row[g].as_str());
            line.push_str(&cut(&row[g], fit.unwrap_or(usize::MAX)));
            line.push(':');
            print(&mut line, out)?;
        }
        let under: Vec<&str> = below
            .iter()
            .map(|&i| row[i].as_str())
            .filter(|t| !t.is_empty())
            .collect();
        // Long text too wide for its column goes on in the row's second line, under
        // itself, when that line is free (a row takes at most two lines).
        let mut rest: Vec<(usize, usize, &str)> = Vec::new();
        let mut at = 0;
        for (k, &i) in inline.iter().enumerate() {
            if k > 0 {
                line.push_str("  ");
                at += GAP;
            }
            if fit.is_some() && under.is_empty() && kinds[i] == Kind::Long {
                let (head, tail) = split_at_width(&row[i], widths[i]);
                pad(&mut line, head, i, widths[i]);
                if !tail.is_empty() {
                    rest.push((at, widths[i], tail));
                }
            } else {
                pad(&mut line, &row[i], i, widths[i]);
            }
            at += widths[i];
        }
        print(&mut line, out)?;
        if !rest.is_empty() {
            for (start, width, tail) in rest {
                let fill = start.saturating_sub(width_of(&line));
                line.extend(std::iter::repeat_n(' ', fill));
                line.push_str(&cut(tail, width));
            }
            print(&mut line, out)?;
        }
        if let (false, Some(width)) = (under.is_empty(), fit) {
            line.extend(std::iter::repeat_n(' ', INDENT));
            line.push_str(&cut(&under.join(" — "), width.saturating_sub(INDENT)));
            print(&mut line, out)?;
        }
    }
    Ok(hidden)
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

/// The command line that carries out a follow-up's action, as the person types it
/// (`refprog log-call C-1 --kind feedback --request R-7 --reference-rating N`).
pub fn command_hint(action: &crate::domain::followups::Action) -> String {
    use crate::domain::followups::{Action, Rating};
    match action {
        Action::LogCall {
            contact_id,
            kind,
            request_id,
            rating,
        } => {
            let mut line = format!("refprog log-call {contact_id} --kind {kind}");
            if let Some(request) = request_id {
                line.push_str(" --request ");
                line.push_str(request);
            }
            match rating {
                Some(Rating::Reference) => line.push_str(" --reference-rating N"),
                Some(Rating::Prospect) => line.push_str(" --prospect-rating N"),
                None => {}
            }
            line
        }
        Action::Recommit { contact_id } => format!("refprog roster recommit {contact_id}"),
    }
}

/// A follow-up in JSON: its fields, its words and the command that closes it.
impl serde::Serialize for crate::domain::followups::FollowUp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("FollowUp", 9)?;
        s.serialize_field("due", &self.due)?;
        s.serialize_field("id", &self.id())?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("contact_id", self.contact_id.as_str())?;
        s.serialize_field("name", &*self.name)?;
        s.serialize_field("account", &*self.account)?;
        s.serialize_field("request_id", &self.request_id.as_deref())?;
        s.serialize_field("what", &self.what())?;
        s.serialize_field("command", &command_hint(&self.action()))?;
        s.end()
    }
}

/// The sparkline of a reference's counted activities: the dates, a mark for each of the
/// 12 months to `today` (`roster show`, `report utilization --wide`).
pub fn activity_sparkline(dates: &[chrono::NaiveDate], today: chrono::NaiveDate) -> String {
    sparkline(&crate::domain::metrics::monthly_counts(dates, today, 12))
}

/// Characters that make a spreadsheet run a cell as a formula when they are its first
/// non-blank character (a spreadsheet skips leading spaces and line breaks).
const FORMULA_START: [char; 4] = ['=', '+', '-', '@'];

/// Characters that are themselves a trigger at the very start of a cell.
const CONTROL_START: [char; 2] = ['\t', '\r'];

/// Whether a spreadsheet would run this cell, looking past any leading quotes: a tab or
/// carriage return first, or `=`, `+`, `-`, `@` as the first non-blank character. Leading
/// quotes are skipped so that one more quote never changes the answer, which makes
/// [`unescape_formula`] the exact inverse of [`escape_formula`].
fn runs_as_formula(text: &str) -> bool {
    let rest = text.trim_start_matches('\'');
    rest.starts_with(CONTROL_START)
        || rest
            .trim_start_matches(|c: char| c == '\'' || c.is_whitespace())
            .starts_with(FORMULA_START)
}

/// Neutralises a text cell for CSV and TSV (JSON stays raw): a leading `'` before anything
/// a spreadsheet would run, including `' =HYPERLINK(..)'` and `"\n=cmd"`. Text that already
/// starts with quotes before such a cell gets one more, so that [`unescape_formula`] gives
/// back exactly the original.
pub fn escape_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if runs_as_formula(text) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The inverse of [`escape_formula`], applied to every imported text cell: one leading
/// quote is dropped exactly where `escape_formula` would have added one.
pub fn unescape_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if runs_as_formula(text) => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A capturing output keeps the rows and sections as JSON would give them, and what
    /// is not a row is an error at the flush, never dropped.
    #[test]
    fn capture_keeps_rows_and_refuses_anything_else() {
        let mut out = Out::capture(true);
        out.view.words = true;
        {
            let mut rows = out.section("metrics", &["name", "value"]).expect("open");
            rows.row(vec![
                Cell::from("rate"),
                Cell::Figure(Some(0.5), "50 %".into()),
            ])
            .expect("row");
            rows.finish().expect("finish");
        }
        out.rows_parallel(&["n"], 3000, |i| vec![Cell::Int(i as i64)])
            .expect("rows");
        out.flush().expect("rows alone flush");
        let sets = out.take_captured();
        assert_eq!(sets.len(), 2);
        assert_eq!(sets[0].section.as_deref(), Some("metrics"));
        assert_eq!(sets[0].columns, ["name", "value"]);
        assert_eq!(
            sets[0].rows,
            [vec![serde_json::json!("rate"), serde_json::json!("50 %")]]
        );
        assert_eq!(sets[1].rows.len(), 3000);
        assert_eq!(sets[1].rows[2999], [serde_json::json!(2999)]);
        out.text("a paragraph").expect("buffered");
        assert!(out.flush().is_err(), "text in a capture must not vanish");
    }

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

    /// A table of a long-text column and a number, laid out `width` columns wide.
    fn table_at(width: usize, long: &str, below: Option<&str>) -> String {
        let sink = Shared::default();
        let mut out = Out::to(Format::Table, false, Box::new(sink.clone()));
        out.view.width = Some(width);
        let mut columns = vec![Column::long("segment"), Column::number("available")];
        let mut cells = vec![Cell::from(long), Cell::Int(3)];
        if let Some(text) = below {
            columns.push(Column::long("why").below());
            cells.push(Cell::from(text));
        }
        let mut rows = out.rows(&columns).expect("rows");
        rows.row(cells).expect("row");
        rows.finish().expect("finish");
        drop(out);
        let bytes = sink.0.lock().expect("lock").clone();
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn long_text_too_wide_goes_on_under_itself_on_the_second_line() {
        let text = table_at(
            60,
            "manufacturing and industrials / mid-market (200-999)",
            None,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{text}");
        // Every word is shown, the first line broken at a space, nothing cut.
        assert!(!text.contains('…'), "{text}");
        let words: Vec<&str> = lines[1..]
            .iter()
            .flat_map(|l| l.split_whitespace())
            .collect();
        assert_eq!(
            words.join(" "),
            "manufacturing and industrials / mid-market 3 (200-999)",
            "{text}"
        );
        assert!(lines[2].starts_with("(200-999)"), "{text}");
        // Text that fits stays on one line.
        assert_eq!(table_at(40, "technology / small", None).lines().count(), 2);
        // A row whose second line holds its below text keeps to two lines: cut instead.
        let text = table_at(
            40,
            "manufacturing and industrials / mid-market",
            Some("why"),
        );
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.lines().nth(1).expect("row").contains('…'), "{text}");
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
                // Chunks in turn: one, two, and an odd number ending in a part of one.
                PARALLEL_CHUNK,
                2 * PARALLEL_CHUNK,
                3 * PARALLEL_CHUNK + 17,
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
