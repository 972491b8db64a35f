//! `import`: a CRM export in, canonical rows out to the store. The reader copes with
//! the file's shape, `headers` finds the columns, `values` parses each cell, and this
//! module ties them together: validate every row, derive what CRMs leave out (a role
//! level from a title, a won/lost status from IsWon), check references between kinds,
//! and write all or nothing.

pub mod crm;
pub mod folder;
pub mod headers;
pub mod mapping;
pub mod notes;
pub mod reader;
pub mod spec;
pub mod stage;
pub mod values;

use std::borrow::Cow;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::domain::model::{AccountStatus, RoleLevel};
use crate::store::Value;
pub use crate::store::import::Mode;
use crate::store::import::{Exists, Outcome, Upserter};
use headers::ColumnMap;
use reader::{CsvSource, ENCODING_HINT, ReadOptions};
use spec::{Field, Kind, KindSpec, Type};
use stage::{Entry, StageReader, StageWriter, StagedValue};

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub kind: Kind,
    pub path: Option<PathBuf>,
    pub read: ReadOptions,
    pub date_format: Option<String>,
    pub maps: Vec<(String, String)>,
    pub value_maps: Vec<mapping::ValueMap>,
    pub skip_bad: bool,
    pub rejects: Option<PathBuf>,
    pub dry_run: bool,
}

/// The counts an import reports.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub kind: &'static str,
    pub file: String,
    pub read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Contacts whose role level was derived from their title.
    pub derived_role_levels: u64,
    /// Opportunities whose industry, size or region came from their account.
    pub filled_from_accounts: u64,
    /// Accounts stored as prospects (the CRM's type or lifecycle stage says not a customer).
    pub prospects: u64,
    /// Values of fixed-vocabulary fields that could not be read, with their counts.
    pub unreadable: Vec<mapping::UnreadableValues>,
    pub ignored_columns: Vec<String>,
    /// Whole-file notes: a footer skipped, the date order chosen, values changed.
    pub notes: Vec<String>,
    pub dry_run: bool,
    pub written: bool,
}

/// One bad row: where, and why (one or more reasons).
#[derive(Debug, Clone)]
pub struct BadRow {
    pub line: u64,
    pub reasons: Vec<String>,
}

/// How many bad-row messages an import prints before it only counts.
pub const SHOWN_ERRORS: usize = 20;

/// Receives progress and bad rows as the import goes.
pub trait Progress {
    fn rows(&mut self, _read: u64) {}
    fn bad_row(
        &mut self,
        _headers: &[String],
        _row: &BadRow,
        _fields: &csv::ByteRecord,
    ) -> Result<()> {
        Ok(())
    }
}

/// An input read and validated, its rows staged in a temporary file, ready for [`apply`].
/// See [`stage`] (the module) for how several are written in one transaction.
pub struct Staged {
    spec: &'static KindSpec,
    headers: Vec<String>,
    columns: ColumnMap,
    present: Vec<bool>,
    file: std::fs::File,
    /// The file's dates are day-first (decided from the whole file).
    day_first: bool,
    skip_bad: bool,
    /// What reading found: the name, ignored columns, notes, rows read and bad so far.
    pub summary: Summary,
}

impl Staged {
    /// Bad rows were found and `--skip-bad` was not given: nothing will be written, so
    /// [`apply`] should run in [`Mode::Check`] (no write lock), only to report.
    pub fn doomed(&self) -> bool {
        self.summary.rejected > 0 && !self.skip_bad
    }
}

/// An input opened, its header read and its columns found: what reading the rows needs.
struct Prepared {
    spec: &'static KindSpec,
    source: CsvSource,
    headers: Vec<String>,
    columns: ColumnMap,
    value_maps: mapping::ValueMaps,
    present: Vec<bool>,
    name: String,
    summary: Summary,
}

fn prepare(options: &ImportOptions) -> Result<Prepared> {
    let spec = options.kind.spec();
    let source = CsvSource::open(options.path.as_deref(), &options.read)?;
    let columns = headers::map_headers(spec, &source.headers, &options.maps)
        .map_err(|message| anyhow::anyhow!("{}: {message}", source.name))?;
    let value_maps = mapping::ValueMaps::new(spec, &options.value_maps)
        .map_err(|message| anyhow::anyhow!("{message}"))?;
    let present = present_fields(spec, &columns);
    let headers = source.headers.clone();
    let name = source.name.clone();
    let mut summary = Summary {
        kind: spec.table,
        file: source.name.clone(),
        ignored_columns: columns.ignored.clone(),
        notes: columns.notes.clone(),
        dry_run: options.dry_run,
        ..Summary::default()
    };
    summary.notes.extend(source.notes.iter().cloned());
    Ok(Prepared {
        spec,
        source,
        headers,
        columns,
        value_maps,
        present,
        name,
        summary,
    })
}

/// Reads and validates every record of `source` into `writer`; returns what reading found
/// (the summary with its notes, and whether the dates are day-first).
#[allow(clippy::too_many_arguments)]
fn parse_all(
    spec: &'static KindSpec,
    source: CsvSource,
    columns: &ColumnMap,
    headers: &[String],
    value_maps: &mapping::ValueMaps,
    name: &str,
    options: &ImportOptions,
    mut summary: Summary,
    writer: &mut StageWriter,
    progress: &mut dyn Progress,
) -> Result<(Summary, bool)> {
    let mut parser = RowParser {
        spec,
        columns,
        headers,
        date_format: options.date_format.as_deref(),
        name,
        counts: CellCounts::default(),
        value_maps,
        sales_activities: spec.kind == Kind::Activities
            && crm::is_salesforce_activity_export(headers),
        unreadable: mapping::Unreadable::default(),
    };
    parser.read_all(
        source,
        writer,
        options.rejects.is_some(),
        &mut summary,
        progress,
    )?;
    let day_first = parser.counts.day_first.is_some();
    summary.notes.extend(parser.counts.notes(&parser));
    let unreadable = std::mem::take(&mut parser.unreadable);
    summary.unreadable = unreadable.finish(spec, |f| parser.header_of(f).to_string());
    Ok((summary, day_first))
}

/// Reads and validates the whole input (no database), staging its rows in a temporary
/// file. Whole-file problems (not a CSV, a quote never closed, not UTF-8, dates in both
/// orders) are errors here; bad rows are staged and reported by [`apply`].
pub fn stage(options: &ImportOptions, progress: &mut dyn Progress) -> Result<Staged> {
    let Prepared {
        spec,
        source,
        headers,
        columns,
        value_maps,
        present,
        name,
        summary,
    } = prepare(options)?;
    let mut writer = StageWriter::new().context("cannot create a temporary file for the import")?;
    let (summary, day_first) = parse_all(
        spec,
        source,
        &columns,
        &headers,
        &value_maps,
        &name,
        options,
        summary,
        &mut writer,
        progress,
    )?;
    let file = writer
        .finish()
        .context("cannot write the import's temporary file")?
        .context("the import's temporary file is missing")?;
    Ok(Staged {
        spec,
        headers,
        columns,
        present,
        file,
        day_first,
        skip_bad: options.skip_bad,
        summary,
    })
}

/// Replays a staged input into `tx`: reference checks, duplicates, the upsert (in
/// [`Mode::Check`], the same checks without writing). Returns the summary and the bad rows
/// (the first [`SHOWN_ERRORS`]); the caller commits only if `summary.written`.
pub fn apply(
    tx: crate::store::Db<'_>,
    staged: Staged,
    mode: Mode,
    progress: &mut dyn Progress,
) -> Result<(Summary, Vec<BadRow>)> {
    let Staged {
        spec,
        headers,
        columns,
        present,
        file,
        day_first,
        skip_bad,
        mut summary,
    } = staged;
    let mut reader = StageReader::new(file, spec.fields.len());
    let mut counts = Summary::default();
    let shown = write_rows(
        tx,
        spec,
        &headers,
        &columns,
        &present,
        &mut reader,
        day_first,
        mode,
        false,
        progress,
        &mut counts,
    )?
    .unwrap_or_default();
    summary.take_counts(&counts);
    summary.finish(mode, skip_bad);
    Ok((summary, shown))
}

/// Reads, validates and writes one input into a new database (see
/// `Store::is_loading`), the reading on a thread of its own while this one writes: no
/// staging file, and the two cores both at work. Nobody else can see the database, so
/// writing before the whole input is known to be good is safe: the caller commits only if
/// `summary.written`, as after [`apply`].
///
/// With `stop_at_bad` (an existing database, whose write lock this holds), the first bad
/// row ends it with None and nothing reported, so that the caller rolls back at once and
/// checks the file again without the lock ([`stage`], [`apply`] in [`Mode::Check`]).
pub fn load(
    tx: crate::store::Db<'_>,
    options: &ImportOptions,
    mode: Mode,
    stop_at_bad: bool,
    progress: &mut dyn Progress,
) -> Result<Option<(Summary, Vec<BadRow>)>> {
    let Prepared {
        spec,
        source,
        headers,
        columns,
        value_maps,
        present,
        name,
        summary,
    } = prepare(options)?;
    let (mut writer, mut reader) = stage::channel(spec.fields.len());
    let (read, written) = std::thread::scope(|scope| {
        let reading = scope.spawn(|| {
            let read = parse_all(
                spec,
                source,
                &columns,
                &headers,
                &value_maps,
                &name,
                options,
                summary,
                &mut writer,
                &mut NoProgress,
            );
            // The channel closes here, also after an error: the writing side sees the end.
            let finished = writer.finish();
            let read = read?;
            finished.context("cannot pass the rows on")?;
            Ok::<_, anyhow::Error>(read)
        });
        let mut counts = Summary::default();
        let written = write_rows(
            tx,
            spec,
            &headers,
            &columns,
            &present,
            &mut reader,
            false,
            mode,
            stop_at_bad,
            progress,
            &mut counts,
        )
        .map(|shown| shown.map(|shown| (counts, shown)));
        // Stops the reading thread if writing failed (its next send finds no receiver).
        drop(reader);
        let read = reading
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the thread reading the input failed")));
        (read, written)
    });
    // Stopped at a bad row: whatever the reader met, the check without the lock meets too.
    if matches!(written, Ok(None)) {
        return Ok(None);
    }
    // A whole-file problem found by the reader is the error to tell, whatever the writer met.
    let (mut summary, _) = read?;
    let Some((counts, shown)) = written? else {
        return Ok(None);
    };
    summary.take_counts(&counts);
    summary.finish(mode, options.skip_bad);
    Ok(Some((summary, shown)))
}

/// A [`Progress`] that shows nothing (the reading thread of [`load`]).
struct NoProgress;
impl Progress for NoProgress {}

impl Summary {
    /// The counts of writing (which also counts the rows read and rejected).
    fn take_counts(&mut self, counts: &Summary) {
        self.read = counts.read;
        self.rejected = counts.rejected;
        self.inserted = counts.inserted;
        self.updated = counts.updated;
        self.unchanged = counts.unchanged;
        self.filled_from_accounts += counts.filled_from_accounts;
    }

    fn finish(&mut self, mode: Mode, skip_bad: bool) {
        if self.read == 0 {
            self.notes
                .push("note: no rows after the header: nothing to import".to_string());
        }
        self.written = mode == Mode::Write && !self.dry_run && (self.rejected == 0 || skip_bad);
    }
}

/// Writes (or checks) the staged entries: reference checks, duplicates, the upsert. Counts
/// into `summary`; returns the first [`SHOWN_ERRORS`] bad rows. `day_first`: the file's
/// order, unless the stream says it (a channel's, see [`stage::channel`]).
#[allow(clippy::too_many_arguments)]
fn write_rows(
    tx: crate::store::Db<'_>,
    spec: &'static KindSpec,
    headers: &[String],
    columns: &ColumnMap,
    present: &[bool],
    reader: &mut StageReader,
    day_first: bool,
    mode: Mode,
    stop_at_bad: bool,
    progress: &mut dyn Progress,
    summary: &mut Summary,
) -> Result<Option<Vec<BadRow>>> {
    let deferred = crate::store::import::defer_indexes(tx, spec, mode)?;
    let mut writer = RowWriter::new(tx, spec, columns, present, mode)?;
    let header_of =
        |f: usize| columns.by_field[f].map_or(spec.fields[f].name, |c| headers[c].as_str());
    let derived_id = spec.kind == Kind::Activities && columns.by_field[0].is_none();
    let mut shown = Vec::new();
    while let Some(entry) = reader
        .next_entry()
        .context("cannot read the import's temporary file")?
    {
        summary.read += 1;
        if summary.read.is_multiple_of(4096) && reader.is_streaming() {
            progress.rows(summary.read);
        }
        let (line, reasons) = match entry {
            Entry::Bad { line, reasons } => (line, reasons),
            Entry::Row { line } => {
                let day_first = reader.said_day_first().unwrap_or(day_first);
                let mut values = reader.values(day_first);
                if derived_id && day_first && reader.has_ambiguous_date() {
                    values[0] = Value::Text(Cow::Owned(activity_id(spec, &values)));
                }
                (line, writer.write(&mut values, &header_of, summary)?)
            }
        };
        if !reasons.is_empty() {
            if stop_at_bad {
                return Ok(None);
            }
            summary.rejected += 1;
            let bad = BadRow { line, reasons };
            if let Some(raw) = reader.raw() {
                progress.bad_row(headers, &bad, raw)?;
            }
            if shown.len() < SHOWN_ERRORS {
                shown.push(bad);
            }
        }
    }
    drop(writer);
    deferred.rebuild(tx, summary.inserted + summary.updated > 0)?;
    if mode == Mode::Write && matches!(spec.kind, Kind::Accounts | Kind::Opportunities) {
        summary.filled_from_accounts += crate::store::import::fill_deals_from_accounts(tx)?;
    }
    Ok(Some(shown))
}

/// Reads, validates and writes one input inside `tx` (stage, then apply): for callers
/// that already hold a transaction and write one file (the demo).
pub fn import(
    tx: crate::store::Db<'_>,
    options: &ImportOptions,
    progress: &mut dyn Progress,
) -> Result<(Summary, Vec<BadRow>)> {
    let staged = stage(options, progress)?;
    let mode = if options.dry_run || staged.doomed() {
        Mode::Check
    } else {
        Mode::Write
    };
    apply(tx, staged, mode, progress)
}

/// The writing side: reference checks and the upsert.
struct RowWriter<'c> {
    upserter: Upserter<'c>,
    references: Vec<(usize, Kind, Exists<'c>)>,
    spec: &'static KindSpec,
    /// For opportunities: their accounts' firmographics, for the cells left blank.
    firmographics: Option<crate::store::import::Firmographics<'c>>,
}

impl<'c> RowWriter<'c> {
    fn new(
        tx: crate::store::Db<'c>,
        spec: &'static KindSpec,
        columns: &ColumnMap,
        present: &[bool],
        mode: Mode,
    ) -> Result<RowWriter<'c>> {
        let mut references = Vec::new();
        for (f, field) in spec.fields.iter().enumerate() {
            if let (Type::Ref(kind), Some(_)) = (field.ty, columns.by_field[f]) {
                references.push((f, kind, Exists::new(tx, kind, mode)?));
            }
        }
        let firmographics = match spec.kind {
            Kind::Opportunities => Some(crate::store::import::Firmographics::new(tx)?),
            _ => None,
        };
        Ok(RowWriter {
            upserter: Upserter::new(tx, spec, present, mode)?,
            references,
            spec,
            firmographics,
        })
    }

    /// Writes one valid row; the reasons it was refused, if it was.
    fn write<'h>(
        &mut self,
        values: &mut [Value<'_>],
        header_of: &dyn Fn(usize) -> &'h str,
        summary: &mut Summary,
    ) -> Result<Vec<String>> {
        if let Some(firmographics) = &mut self.firmographics {
            summary.filled_from_accounts += u64::from(firmographics.fill(self.spec, values)?);
        }
        let mut reasons = Vec::new();
        for (f, kind, exists) in &mut self.references {
            if values[*f] != Value::Null && !exists.check(&values[*f])? {
                reasons.push(format!(
                    "column '{}': {} '{}' is not in the database: import {} first",
                    header_of(*f),
                    kind.singular(),
                    text_of(&values[*f]),
                    kind.as_str()
                ));
            }
        }
        if !reasons.is_empty() {
            return Ok(reasons);
        }
        match self.upserter.upsert(values)? {
            Outcome::Inserted => summary.inserted += 1,
            Outcome::Updated => summary.updated += 1,
            Outcome::Unchanged => summary.unchanged += 1,
            Outcome::Duplicate => reasons.push(format!(
                "column '{}': value '{}': duplicate {}: an earlier row in this file has the same id",
                header_of(0),
                text_of(&values[0]),
                self.spec.key().name
            )),
        }
        Ok(reasons)
    }
}

/// Which fields the file gives, directly or through a value derived from it.
fn present_fields(spec: &KindSpec, columns: &ColumnMap) -> Vec<bool> {
    let mut present: Vec<bool> = columns.by_field.iter().map(Option::is_some).collect();
    let given = |name: &str| {
        spec.index_of(name)
            .is_some_and(|i| columns.by_field[i].is_some())
    };
    let derived = |present: &mut Vec<bool>, target: &str, sources: &[&str]| {
        if let Some(i) = spec.index_of(target) {
            present[i] |= sources.iter().any(|s| given(s));
        }
    };
    match spec.kind {
        Kind::Contacts => {
            derived(&mut present, "name", &["first_name", "last_name"]);
            derived(&mut present, "role_level", &["title"]);
        }
        Kind::Opportunities => derived(&mut present, "status", &["is_won", "is_closed", "stage"]),
        Kind::Accounts => derived(&mut present, "status", &["account_type", "lifecycle_stage"]),
        Kind::Activities => {
            present[0] = true;
            derived(&mut present, "minutes", &["duration_seconds"]);
        }
        _ => {}
    }
    present
}

fn text_of<'a>(value: &'a Value<'_>) -> Cow<'a, str> {
    match value {
        Value::Text(t) => Cow::Borrowed(t.as_ref()),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Real(r) => Cow::Owned(r.to_string()),
        Value::Null => Cow::Borrowed(""),
    }
}

struct RowParser<'a> {
    spec: &'static KindSpec,
    columns: &'a ColumnMap,
    headers: &'a [String],
    date_format: Option<&'a str>,
    /// The input's name, for whole-file errors.
    name: &'a str,
    counts: CellCounts,
    value_maps: &'a mapping::ValueMaps,
    /// A Salesforce task or event export, whose standard types are not reference activities.
    sales_activities: bool,
    /// Values of enum fields no rule could read, listed once at the end.
    unreadable: mapping::Unreadable,
}

/// What the cells of a whole file told: evidence of the day/month order, and the values
/// changed on the way in (each said once, in a note).
#[derive(Default)]
struct CellCounts {
    /// The first date that can only be day-first: line, column, value.
    day_first: Option<(u64, String, String)>,
    /// The first date that can only be month-first.
    month_first: Option<(u64, String, String)>,
    /// Dates that read either way.
    ambiguous: u64,
    /// CRM "never" dates (4000-12-31, 9999-12-31) imported as blank.
    never: u64,
    /// Amounts with more than 2 decimals, rounded to cents.
    rounded: u64,
}

impl CellCounts {
    fn notes(&self, parser: &RowParser<'_>) -> Vec<String> {
        let mut notes = Vec::new();
        match (&self.day_first, self.ambiguous) {
            (Some((line, column, value)), 1..) => notes.push(format!(
                "note: read {} date(s) like 03/04/2026 day-first, as line {line} shows (column '{column}': '{value}')",
                self.ambiguous
            )),
            (None, 1..) if parser.date_format.is_none() && self.month_first.is_none() => notes.push(format!(
                "note: {} date(s) like 03/04/2026 could be read either way; read them month-first (Salesforce's default); for day-first dates give --date-format %d/%m/%Y",
                self.ambiguous
            )),
            _ => {}
        }
        if self.never > 0 {
            notes.push(format!(
                "note: {} date(s) of 4000-12-31 or 9999-12-31 (a CRM's \"never\") imported as blank",
                self.never
            ));
        }
        if self.rounded > 0 {
            notes.push(format!(
                "note: rounded {} amount(s) with more than 2 decimals to cents (half to even)",
                self.rounded
            ));
        }
        notes
    }
}

/// Records per batch between the splitting thread and the validating one, and batches in
/// flight: memory stays flat.
const BATCH: usize = 512;
const BATCHES_IN_FLIGHT: usize = 4;

type RecordBatch = Result<Vec<csv::ByteRecord>>;

/// The splitting thread: reads records in batches (reusing the batches sent back) until the
/// end, an error, or the receiver is gone.
fn split_records(
    mut source: CsvSource,
    sender: std::sync::mpsc::SyncSender<RecordBatch>,
    recycled: std::sync::mpsc::Receiver<Vec<csv::ByteRecord>>,
) {
    loop {
        let mut batch = recycled
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH));
        batch.resize_with(BATCH, csv::ByteRecord::new);
        let mut filled = 0;
        while filled < BATCH {
            match source.next(&mut batch[filled]) {
                Ok(true) => filled += 1,
                Ok(false) => break,
                Err(error) => {
                    let _ = sender.send(Err(error));
                    return;
                }
            }
        }
        let last = filled < BATCH;
        batch.truncate(filled);
        if sender.send(Ok(batch)).is_err() || last {
            return;
        }
    }
}

/// The validating side's view of the splitting thread: one record at a time.
struct Records {
    receiver: std::sync::mpsc::Receiver<RecordBatch>,
    recycle: std::sync::mpsc::Sender<Vec<csv::ByteRecord>>,
    batch: Vec<csv::ByteRecord>,
    at: usize,
    done: bool,
}

impl Records {
    fn next_record(&mut self) -> Result<Option<&mut csv::ByteRecord>> {
        while self.at >= self.batch.len() {
            if self.done {
                return Ok(None);
            }
            let used = std::mem::take(&mut self.batch);
            if used.capacity() > 0 {
                let _ = self.recycle.send(used);
            }
            match self.receiver.recv() {
                Ok(Ok(batch)) => {
                    self.done = batch.len() < BATCH;
                    self.batch = batch;
                    self.at = 0;
                }
                Ok(Err(error)) => return Err(error),
                Err(_) => return Ok(None),
            }
        }
        self.at += 1;
        Ok(self.batch.get_mut(self.at - 1))
    }
}

/// The most one-field rows at the end of a file taken for a report footer.
const FOOTER_ROWS: usize = 20;

impl RowParser<'_> {
    /// Reads every record, validates it, and stages it. Whole-file problems are errors.
    ///
    /// Two threads: one splits the CSV into records, this one validates and stages them.
    fn read_all(
        &mut self,
        source: CsvSource,
        stage: &mut StageWriter,
        keep_raw: bool,
        summary: &mut Summary,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
            let (recycle, recycled) = std::sync::mpsc::channel();
            scope.spawn(move || split_records(source, sender, recycled));
            // Dropped when this closure returns, early or not, so the splitter stops.
            let mut records = Records {
                receiver,
                recycle,
                batch: Vec::new(),
                at: 0,
                done: false,
            };
            self.read_records(&mut records, stage, keep_raw, summary, progress)
        })
    }

    fn read_records(
        &mut self,
        records: &mut Records,
        stage: &mut StageWriter,
        keep_raw: bool,
        summary: &mut Summary,
        progress: &mut dyn Progress,
    ) -> Result<()> {
        let staging = |e: std::io::Error| {
            anyhow::Error::new(e).context("cannot write the import's temporary file")
        };
        // One-field rows after the data: a report footer if nothing but blank lines follows.
        let mut footer: Vec<(u64, csv::ByteRecord)> = Vec::new();
        let mut blank_before_footer = false;
        let mut blank_since_data = false;
        while let Some(record) = records.next_record()? {
            let blank = |field: &[u8]| field.iter().all(u8::is_ascii_whitespace);
            if record.get(0).is_none_or(blank) && record.iter().all(blank) {
                blank_since_data = true;
                continue;
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.len() == 1 && self.headers.len() > 1 && footer.len() < FOOTER_ROWS {
                if footer.is_empty() {
                    blank_before_footer = blank_since_data;
                }
                footer.push((line, record.clone()));
                continue;
            }
            // Not the end after all: the one-field rows were bad rows.
            for (line, row) in footer.drain(..) {
                self.stage_bad(stage, summary, line, self.ragged(&row), &row)
                    .map_err(staging)?;
            }
            blank_since_data = false;
            self.stage_record(stage, summary, line, record, keep_raw)?;
            if summary.read.is_multiple_of(4096) {
                progress.rows(summary.read);
            }
        }
        if !footer.is_empty() {
            let looks_like_footer = blank_before_footer
                || footer.iter().any(|(_, row)| {
                    let text = String::from_utf8_lossy(row.get(0).unwrap_or_default());
                    text.contains("Copyright") || text.contains("Confidential")
                });
            if looks_like_footer {
                let first = String::from_utf8_lossy(footer[0].1.get(0).unwrap_or_default())
                    .trim()
                    .to_string();
                summary.notes.push(format!(
                    "note: skipped the report footer after the data: {} one-field line(s) from line {} ('{}')",
                    footer.len(),
                    footer[0].0,
                    shorten(&first)
                ));
            } else {
                for (line, row) in footer.drain(..) {
                    self.stage_bad(stage, summary, line, self.ragged(&row), &row)
                        .map_err(staging)?;
                }
            }
        }
        progress.rows(summary.read);
        Ok(())
    }

    fn ragged(&self, record: &csv::ByteRecord) -> Vec<String> {
        vec![format!(
            "{} fields, but the header has {}: check for an unquoted delimiter or a missing quote",
            record.len(),
            self.headers.len()
        )]
    }

    fn stage_bad(
        &self,
        stage: &mut StageWriter,
        summary: &mut Summary,
        line: u64,
        reasons: Vec<String>,
        raw: &csv::ByteRecord,
    ) -> std::io::Result<()> {
        summary.read += 1;
        summary.rejected += 1;
        stage.bad(line, &reasons, Some(raw))
    }

    /// Validates one record and stages it as a row or a bad row.
    fn stage_record(
        &mut self,
        stage: &mut StageWriter,
        summary: &mut Summary,
        line: u64,
        record: &mut csv::ByteRecord,
        keep_raw: bool,
    ) -> Result<()> {
        let staging = |e: std::io::Error| {
            anyhow::Error::new(e).context("cannot write the import's temporary file")
        };
        // A header repeated by joining two exports (`cat a.csv b.csv`) may begin with the
        // second file's byte-order mark, which leaves the first cell's quotes in its text.
        let is_header = |i: usize, field: &[u8]| {
            std::str::from_utf8(field).is_ok_and(|t| {
                let t = t.trim();
                let t = match t.strip_prefix('\u{feff}') {
                    Some(rest) => rest.trim().trim_matches('"'),
                    None => t,
                };
                t.eq_ignore_ascii_case(&self.headers[i])
            })
        };
        if record.len() == self.headers.len()
            && record.get(0).is_some_and(|f| is_header(0, f))
            && record.iter().enumerate().all(|(i, f)| is_header(i, f))
        {
            let reasons = vec![
                "the header row appears again here (two exports joined?): remove this line"
                    .to_string(),
            ];
            return self
                .stage_bad(stage, summary, line, reasons, record)
                .map_err(staging);
        }
        if record.len() != self.headers.len() {
            let reasons = self.ragged(record);
            return self
                .stage_bad(stage, summary, line, reasons, record)
                .map_err(staging);
        }
        // UTF-8 is checked once per record; the fields are then borrowed as text.
        let text = match csv::StringRecord::from_byte_record(std::mem::take(record)) {
            Ok(text) => text,
            Err(error) => {
                // Not a row's problem but the whole file's: the rows that happened to
                // decode would be imported with their text garbled.
                let column = error.utf8_error().field();
                *record = error.into_byte_record();
                bail!(
                    "{}:{line}: column '{}': value '{}': {ENCODING_HINT}; nothing was written",
                    self.name,
                    self.headers.get(column).map_or("?", String::as_str),
                    shorten(&String::from_utf8_lossy(
                        record.get(column).unwrap_or_default()
                    ))
                );
            }
        };
        summary.read += 1;
        match self.parse(&text, line) {
            Ok((values, derived_role)) => {
                summary.derived_role_levels += u64::from(derived_role);
                summary.prospects += u64::from(self.is_prospect(&values));
                let raw = keep_raw.then(|| text.as_byte_record());
                let order = match (&self.counts.day_first, &self.counts.month_first) {
                    (Some(_), None) => Some(true),
                    (None, Some(_)) => Some(false),
                    _ => None,
                };
                stage.row(line, &values, raw, order).map_err(staging)?;
            }
            Err(reasons) => {
                summary.rejected += 1;
                stage
                    .bad(line, &reasons, Some(text.as_byte_record()))
                    .map_err(staging)?;
            }
        }
        if let (Some(day), Some(month)) = (&self.counts.day_first, &self.counts.month_first) {
            let (first, second) = if day.0 < month.0 {
                (day, month)
            } else {
                (month, day)
            };
            let order = |d: &(u64, String, String)| {
                if std::ptr::eq(d, day) {
                    "day-first"
                } else {
                    "month-first"
                }
            };
            bail!(
                "{}:{}: column '{}': value '{}': expected a {} date, as line {} ('{}') reads: this file mixes day-first and month-first dates; fix them, or give --date-format; nothing was written",
                self.name,
                second.0,
                second.1,
                second.2,
                order(first),
                first.0,
                first.2
            );
        }
        *record = text.into_byte_record();
        Ok(())
    }

    fn is_prospect(&self, values: &[StagedValue<'_>]) -> bool {
        let prospect = Value::Text(Cow::Borrowed(AccountStatus::Prospect.as_str()));
        self.spec.kind == Kind::Accounts
            && self
                .spec
                .index_of("status")
                .is_some_and(|s| matches!(&values[s], StagedValue::Value(v) if *v == prospect))
    }

    fn header_of(&self, field: usize) -> &str {
        self.columns.by_field[field]
            .map_or(self.spec.fields[field].name, |c| self.headers[c].as_str())
    }

    /// Parses every mapped cell: the values (a role level derived from the title when
    /// absent), or all the cell errors of the row.
    fn parse<'r>(
        &mut self,
        record: &'r csv::StringRecord,
        line: u64,
    ) -> Result<(Vec<StagedValue<'r>>, bool), Vec<String>> {
        let mut values = Vec::with_capacity(self.spec.fields.len());
        let mut ambiguous = Vec::new();
        let mut errors = Vec::new();
        // Unreadable enum values, tallied once the row is known not to be a lead's.
        let mut unread: Vec<(usize, &str)> = Vec::new();
        for (f, field) in self.spec.fields.iter().enumerate() {
            let Some(column) = self.columns.by_field[f] else {
                // Used only when the row is new: absent columns are never updated.
                values.push(
                    field
                        .default
                        .map_or(Value::Null, |d| Value::Text(Cow::Borrowed(d))),
                );
                continue;
            };
            let cell_text = record.get(column).unwrap_or_default().trim();
            let mapped = self.value_maps.apply(f, cell_text);
            let text = mapped.unwrap_or(cell_text);
            if let Some(reason) =
                crm::problem(field, text, self.sales_activities && mapped.is_none())
            {
                if matches!(field.ty, Type::Choice(_)) {
                    unread.push((f, text));
                }
                errors.push(format!(
                    "column '{}': value '{}': {reason}",
                    self.headers[column],
                    shorten(text)
                ));
                values.push(Value::Null);
                continue;
            }
            let mut cell = CellNote::None;
            match parse_cell(field, text, self.date_format, &mut cell) {
                Ok(value) => {
                    if value == Value::Null && field.required && matches!(field.ty, Type::Choice(_))
                    {
                        unread.push((f, text));
                    }
                    values.push(value)
                }
                Err(expected) => {
                    if matches!(field.ty, Type::Choice(_)) {
                        unread.push((f, text));
                    }
                    errors.push(format!(
                        "column '{}': value '{}': expected {expected}",
                        self.headers[column],
                        shorten(text)
                    ));
                    values.push(Value::Null);
                }
            }
            let evidence = |counts: &mut Option<(u64, String, String)>| {
                counts.get_or_insert_with(|| {
                    (
                        line,
                        self.headers[column].clone(),
                        shorten(text).into_owned(),
                    )
                });
            };
            match cell {
                CellNote::None => {}
                CellNote::DayFirst => evidence(&mut self.counts.day_first),
                CellNote::MonthFirst => evidence(&mut self.counts.month_first),
                CellNote::Ambiguous => {
                    self.counts.ambiguous += 1;
                    ambiguous.push(f);
                }
                CellNote::Never => self.counts.never += 1,
                CellNote::Rounded => self.counts.rounded += 1,
            }
        }
        // A task of a lead is not about a contact at all: that is the one reason to give.
        if let Some(lead) = errors.iter().position(|e| e.ends_with(crm::NOT_A_CONTACT)) {
            let lead = errors.swap_remove(lead);
            return Err(vec![lead]);
        }
        for (f, text) in unread {
            self.unreadable.add(f, text);
        }
        let derived_role = derive(self.spec, &mut values);
        for (f, field) in self.spec.fields.iter().enumerate() {
            if field.required && values[f] == Value::Null && errors.is_empty() {
                errors.push(format!(
                    "column '{}': empty: a value is required",
                    self.header_of(f)
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let values = values
            .into_iter()
            .enumerate()
            .map(|(f, value)| match value {
                Value::Text(t) if ambiguous.contains(&f) => StagedValue::AmbiguousDate(t),
                value => StagedValue::Value(value),
            })
            .collect();
        Ok((values, derived_role))
    }
}

/// Cuts a long value for a message, and shows control characters (a NUL, a tab) escaped.
fn shorten(text: &str) -> Cow<'_, str> {
    const MAX: usize = 60;
    let visible = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    match text.char_indices().nth(MAX) {
        Some((at, _)) => Cow::Owned(format!(
            "{}... ({} characters)",
            visible(&text[..at]),
            text.chars().count()
        )),
        None if text.chars().any(char::is_control) => Cow::Owned(visible(text)),
        None => Cow::Borrowed(text),
    }
}

/// The longest text a cell may hold: far above any real CRM field, far below what would
/// swell the database by accident.
pub const MAX_TEXT_BYTES: usize = 65_536;

/// What parsing a cell noticed, for the file's notes and its day/month decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellNote {
    None,
    /// A date that can only be day-first (`25/03/2026`).
    DayFirst,
    /// A date that can only be month-first (`03/25/2026`).
    MonthFirst,
    /// A date that reads either way (`03/04/2026`), parsed month-first.
    Ambiguous,
    /// A CRM's "never" date, read as blank.
    Never,
    /// An amount rounded to cents.
    Rounded,
}

/// Parses one cell by its column's type; the error says what would be accepted.
pub fn parse_cell<'r>(
    field: &Field,
    text: &'r str,
    date_format: Option<&str>,
    note: &mut CellNote,
) -> Result<Value<'r>, String> {
    if text.is_empty() {
        return Ok(field
            .default
            .map_or(Value::Null, |d| Value::Text(Cow::Borrowed(d))));
    }
    if text.contains('\0') {
        return Err("text without NUL bytes (is this a binary or UTF-16 file?)".to_string());
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!(
            "at most {MAX_TEXT_BYTES} bytes of text (this value has {})",
            text.len()
        ));
    }
    let text = values::unescape_formula(text);
    Ok(match field.ty {
        Type::Id | Type::Ref(_) | Type::Link(_) => {
            if text.chars().count() > 255 {
                return Err(format!(
                    "an id of at most 255 characters (this one has {})",
                    text.chars().count()
                ));
            }
            if crm::is_empty_id(text) {
                return Ok(Value::Null);
            }
            Value::Text(crm::canonical_id(text))
        }
        Type::Text => Value::Text(Cow::Borrowed(text)),
        Type::Int(min, max) => Value::Int(values::parse_int(text, min, max)?),
        Type::Money => {
            let (cents, rounded) = values::parse_money(text)?;
            if rounded {
                *note = CellNote::Rounded;
            }
            Value::Int(cents)
        }
        Type::Percent => Value::Real(values::parse_percent(text)?),
        Type::Date => {
            let (date, reading) = values::parse_date_reading(text, date_format)?;
            if values::is_never_date(date) {
                *note = CellNote::Never;
                return Ok(Value::Null);
            }
            crate::domain::dates::in_range(date).map_err(|_| {
                format!(
                    "{} between {} and {}",
                    values::DATE_SHAPES,
                    crate::domain::dates::MIN_DATE,
                    crate::domain::dates::MAX_DATE
                )
            })?;
            *note = match reading {
                values::Reading::DayFirst => CellNote::DayFirst,
                values::Reading::MonthFirst => CellNote::MonthFirst,
                values::Reading::Ambiguous => CellNote::Ambiguous,
                values::Reading::Fixed => CellNote::None,
            };
            // Already canonical: keep the input's text rather than formatting it again.
            if text.len() == 10 && text.as_bytes()[4] == b'-' {
                Value::Text(Cow::Borrowed(text))
            } else {
                Value::Text(Cow::Owned(values::iso_date(date)))
            }
        }
        Type::Bool => Value::Int(values::parse_bool(text)? as i64),
        Type::List => Value::Text(join_list(values::split_list(text).map(Ok::<_, String>))?),
        Type::ListOf(vocab) => Value::Text(join_list(values::split_list(text).map(|item| {
            vocab.parse(item).ok_or_else(|| {
                format!(
                    "a list of {} separated by ';' ('{item}' is not one)",
                    vocab.expected()
                )
            })
        }))?),
        Type::Choice(vocab) => Value::Text(Cow::Borrowed(
            vocab.parse(text).ok_or_else(|| vocab.expected())?,
        )),
    })
}

fn join_list<'r>(
    items: impl Iterator<Item = Result<&'r str, String>>,
) -> Result<Cow<'r, str>, String> {
    let items: Vec<&str> = items.collect::<Result<_, _>>()?;
    Ok(Cow::Owned(items.join(";")))
}

/// A stable id for an activity from what identifies it, so a re-import is idempotent.
fn activity_id(spec: &KindSpec, values: &[Value<'_>]) -> String {
    let text = |name: &str| match spec.index_of(name).and_then(|i| values.get(i)) {
        Some(Value::Text(t)) => t.to_string(),
        _ => String::new(),
    };
    let mut id = format!("{}:{}:{}", text("contact_id"), text("date"), text("kind"));
    let request = text("request_id");
    if !request.is_empty() {
        id.push(':');
        id.push_str(&request);
    }
    id
}

/// Fills the values CRM exports leave implicit; true when a role level came from a title.
fn derive(spec: &KindSpec, values: &mut [Value<'_>]) -> bool {
    let at = |name: &str| spec.index_of(name).unwrap_or(usize::MAX);
    let text = |values: &[Value<'_>], name: &str| match values.get(at(name)) {
        Some(Value::Text(t)) => Some(t.to_string()),
        _ => None,
    };
    match spec.kind {
        Kind::Contacts => {
            if values[at("name")] == Value::Null {
                let parts: Vec<String> = ["first_name", "last_name"]
                    .iter()
                    .filter_map(|n| text(values, n))
                    .collect();
                if !parts.is_empty() {
                    values[at("name")] = Value::Text(Cow::Owned(parts.join(" ")));
                }
            }
            if values[at("role_level")] == Value::Null {
                let title = text(values, "title").unwrap_or_default();
                values[at("role_level")] =
                    Value::Text(Cow::Borrowed(RoleLevel::from_title(&title).as_str()));
                return true;
            }
        }
        Kind::Opportunities => {
            let flag = |values: &[Value<'_>], name: &str| match values.get(at(name)) {
                Some(Value::Int(i)) => Some(*i == 1),
                _ => None,
            };
            let status = at("status");
            let explicit = values[status] != Value::Null
                && values[status] != Value::Text(Cow::Borrowed("open"));
            if !explicit {
                let derived = match (flag(values, "is_closed"), flag(values, "is_won")) {
                    (_, Some(true)) => Some("won"),
                    (Some(true), Some(false)) => Some("lost"),
                    (Some(false), _) => Some("open"),
                    _ => text(values, "stage")
                        .and_then(|s| crate::domain::model::OpportunityStatus::parse(&s))
                        .map(|s| s.as_str()),
                };
                if let Some(derived) = derived {
                    values[status] = Value::Text(Cow::Borrowed(derived));
                } else if values[status] == Value::Null {
                    values[status] = Value::Text(Cow::Borrowed("open"));
                }
            }
        }
        Kind::Accounts => {
            // The CRM's type or lifecycle stage tells a customer from a prospect, partner,
            // competitor or other; an explicit status of churned stands.
            let status = at("status");
            if values[status] == Value::Text(Cow::Borrowed(AccountStatus::Active.as_str())) {
                let said = ["account_type", "lifecycle_stage"]
                    .iter()
                    .filter_map(|name| text(values, name))
                    .filter_map(|t| crm::account_status(&t))
                    .min_by_key(|s| match s {
                        AccountStatus::Prospect => 0,
                        AccountStatus::Churned => 1,
                        AccountStatus::Active => 2,
                    });
                if let Some(said) = said {
                    values[status] = Value::Text(Cow::Borrowed(said.as_str()));
                }
            }
        }
        Kind::Activities => {
            let (minutes, seconds) = (at("minutes"), at("duration_seconds"));
            if let (Value::Null, Value::Int(seconds)) = (&values[minutes], &values[seconds]) {
                // A started minute counts: a 20-second call took a minute of the reference.
                values[minutes] = Value::Int((seconds + 59) / 60);
            }
            if values[0] == Value::Null {
                values[0] = Value::Text(Cow::Owned(activity_id(spec, values)));
            }
        }
        _ => {}
    }
    false
}
