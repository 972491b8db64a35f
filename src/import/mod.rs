//! `import`: a CRM export in, canonical rows out to the store. The reader copes with
//! the file's shape, `headers` finds the columns, `values` parses each cell, and this
//! module ties them together: validate every row, derive what CRMs leave out (a role
//! level from a title, a won/lost status from IsWon), check references between kinds,
//! and write all or nothing.

pub mod crm;
pub mod headers;
pub mod mapping;
pub mod notes;
pub mod reader;
pub mod spec;
pub mod values;

use std::borrow::Cow;
use std::path::PathBuf;

use anyhow::Result;

use crate::domain::model::{AccountStatus, RoleLevel};
use crate::store::Value;
use crate::store::import::{Exists, Outcome, Upserter};
use headers::ColumnMap;
use reader::{CsvSource, ENCODING_HINT, ReadOptions};
use spec::{Field, Kind, KindSpec, Type};

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

/// A batch of parsed records on its way from the reader thread to the writer. The text
/// of all values sits in one buffer, so a batch costs a few allocations, not one per cell
/// (memory allocated on one thread and freed on another is slow).
#[derive(Default)]
struct Batch {
    text: String,
    slots: Vec<Slot>,
    items: Vec<Parsed>,
}

/// A value whose text is a range of the batch's buffer.
enum Slot {
    Null,
    Int(i64),
    Real(f64),
    Text(std::ops::Range<usize>),
}

enum Parsed {
    /// A valid row: its values are `slots[first..first + fields]`.
    Row {
        line: u64,
        first: usize,
        /// The record as read, kept only when bad rows are written to a rejects file.
        raw: Option<csv::ByteRecord>,
    },
    Bad {
        line: u64,
        reasons: Vec<String>,
        raw: csv::ByteRecord,
    },
}

impl Batch {
    fn push_row(&mut self, line: u64, values: &[Value<'_>], raw: Option<csv::ByteRecord>) {
        let first = self.slots.len();
        for value in values {
            self.slots.push(match value {
                Value::Null => Slot::Null,
                Value::Int(i) => Slot::Int(*i),
                Value::Real(r) => Slot::Real(*r),
                Value::Text(t) => {
                    let start = self.text.len();
                    self.text.push_str(t);
                    Slot::Text(start..self.text.len())
                }
            });
        }
        self.items.push(Parsed::Row { line, first, raw });
    }

    fn values(&self, first: usize, fields: usize) -> Vec<Value<'_>> {
        self.slots[first..first + fields]
            .iter()
            .map(|slot| match slot {
                Slot::Null => Value::Null,
                Slot::Int(i) => Value::Int(*i),
                Slot::Real(r) => Value::Real(*r),
                Slot::Text(range) => Value::Text(Cow::Borrowed(&self.text[range.clone()])),
            })
            .collect()
    }
}

/// Records per message between the threads, and messages in flight: memory stays flat.
const BATCH: usize = 512;
const BATCHES_IN_FLIGHT: usize = 4;

/// Reads and writes the whole input inside `tx`. Returns the summary and the bad rows
/// (the first [`SHOWN_ERRORS`]); the caller commits only if `summary.written`.
///
/// Two threads: one reads and validates the CSV, the other (this one, which owns the
/// transaction) checks references and writes, so parsing overlaps SQLite's work.
pub fn import(
    tx: &rusqlite::Transaction<'_>,
    options: &ImportOptions,
    progress: &mut dyn Progress,
) -> Result<(Summary, Vec<BadRow>)> {
    let spec = options.kind.spec();
    let source = CsvSource::open(options.path.as_deref(), &options.read)?;
    let columns = headers::map_headers(spec, &source.headers, &options.maps)
        .map_err(|message| anyhow::anyhow!("{}: {message}", source.name))?;
    let value_maps = mapping::ValueMaps::new(spec, &options.value_maps)
        .map_err(|message| anyhow::anyhow!("{message}"))?;
    let present = present_fields(spec, &columns);
    let deferred = crate::store::import::defer_indexes(tx, spec)?;
    let mut writer = RowWriter::new(tx, spec, &columns, &present)?;
    let headers = source.headers.clone();
    let mut summary = Summary {
        kind: spec.table,
        file: source.name.clone(),
        ignored_columns: columns.ignored.clone(),
        dry_run: options.dry_run,
        ..Summary::default()
    };
    let parser = RowParser {
        spec,
        columns: &columns,
        headers: &headers,
        date_format: options.date_format.as_deref(),
        value_maps: &value_maps,
        sales_activities: spec.kind == Kind::Activities
            && crm::is_salesforce_activity_export(&headers),
    };
    let keep_raw = options.rejects.is_some();
    let mut shown = Vec::new();
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    std::thread::scope(|scope| -> Result<()> {
        let reader = scope.spawn(|| parser.read_all(source, sender, keep_raw));
        // The receiver is dropped when this block ends, early or not, so the reader stops.
        let written: Result<()> = (|| {
            let receiver = receiver;
            for mut batch in receiver.iter() {
                let items = std::mem::take(&mut batch.items);
                for item in items {
                    summary.read += 1;
                    let (line, reasons, raw) = match item {
                        Parsed::Bad { line, reasons, raw } => (line, reasons, Some(raw)),
                        Parsed::Row { line, first, raw } => {
                            let mut values = batch.values(first, spec.fields.len());
                            let reasons = writer.write(&mut values, &parser, &mut summary)?;
                            (line, reasons, raw)
                        }
                    };
                    if !reasons.is_empty() {
                        summary.rejected += 1;
                        let bad = BadRow { line, reasons };
                        if let Some(raw) = &raw {
                            progress.bad_row(&headers, &bad, raw)?;
                        }
                        if shown.len() < SHOWN_ERRORS {
                            shown.push(bad);
                        }
                    }
                }
                progress.rows(summary.read);
            }
            Ok(())
        })();
        let derived = reader
            .join()
            .map_err(|_| anyhow::anyhow!("the CSV reader stopped unexpectedly"))?;
        written?;
        let (derived, prospects, unreadable) = derived?;
        summary.derived_role_levels = derived;
        summary.prospects = prospects;
        summary.unreadable = unreadable.finish(spec, |f| parser.header_of(f).to_string());
        Ok(())
    })?;
    drop(writer);
    deferred.rebuild(tx)?;
    if matches!(spec.kind, Kind::Accounts | Kind::Opportunities) {
        summary.filled_from_accounts += crate::store::import::fill_deals_from_accounts(tx)?;
    }
    if summary.read == 0 {
        anyhow::bail!(
            "{}: no rows after the header: nothing to import",
            summary.file
        );
    }
    summary.written = !options.dry_run && (summary.rejected == 0 || options.skip_bad);
    Ok((summary, shown))
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
        tx: &'c rusqlite::Transaction<'_>,
        spec: &'static KindSpec,
        columns: &ColumnMap,
        present: &[bool],
    ) -> Result<RowWriter<'c>> {
        let mut references = Vec::new();
        for (f, field) in spec.fields.iter().enumerate() {
            if let (Type::Ref(kind), Some(_)) = (field.ty, columns.by_field[f]) {
                references.push((f, kind, Exists::new(tx, kind)?));
            }
        }
        let firmographics = match spec.kind {
            Kind::Opportunities => Some(crate::store::import::Firmographics::new(tx)?),
            _ => None,
        };
        Ok(RowWriter {
            upserter: Upserter::new(tx, spec, present)?,
            references,
            spec,
            firmographics,
        })
    }

    /// Writes one valid row; the reasons it was refused, if it was.
    fn write(
        &mut self,
        values: &mut [Value<'_>],
        parser: &RowParser<'_>,
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
                    parser.header_of(*f),
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
                parser.header_of(0),
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
        Kind::Activities => present[0] = true,
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
    value_maps: &'a mapping::ValueMaps,
    /// A Salesforce task or event export, whose standard types are not reference activities.
    sales_activities: bool,
}

/// What the reader thread counts besides the rows: role levels derived from titles,
/// accounts stored as prospects, and the values no rule could read.
type ReaderCounts = (u64, u64, mapping::Unreadable);

impl RowParser<'_> {
    /// The reader thread: reads every record, validates it, and sends it on in batches.
    fn read_all(
        &self,
        mut source: CsvSource,
        sender: std::sync::mpsc::SyncSender<Batch>,
        keep_raw: bool,
    ) -> Result<ReaderCounts> {
        let mut derived = 0;
        let mut prospects = 0;
        let mut unreadable = mapping::Unreadable::default();
        let mut batch = Batch::default();
        let mut record = csv::ByteRecord::new();
        while source.next(&mut record)? {
            let blank = |field: &[u8]| field.iter().all(u8::is_ascii_whitespace);
            if record.get(0).is_none_or(blank) && record.iter().all(blank) {
                continue;
            }
            let line = record.position().map_or(0, |p| p.line());
            let is_header = |i: usize, field: &[u8]| {
                std::str::from_utf8(field)
                    .is_ok_and(|t| t.trim().eq_ignore_ascii_case(&self.headers[i]))
            };
            if record.len() == self.headers.len()
                && record.get(0).is_some_and(|f| is_header(0, f))
                && record.iter().enumerate().all(|(i, f)| is_header(i, f))
            {
                let reasons = vec![
                    "the header row appears again here (two exports joined?): remove this line"
                        .to_string(),
                ];
                batch.items.push(Parsed::Bad {
                    line,
                    reasons,
                    raw: record.clone(),
                });
            } else if record.len() != self.headers.len() {
                let reasons = vec![format!(
                    "{} fields, but the header has {}: check for an unquoted delimiter or a missing quote",
                    record.len(),
                    self.headers.len()
                )];
                batch.items.push(Parsed::Bad {
                    line,
                    reasons,
                    raw: record.clone(),
                });
            } else {
                // UTF-8 is checked once per record; the fields are then borrowed as text.
                match csv::StringRecord::from_byte_record(std::mem::take(&mut record)) {
                    Err(error) => {
                        let column = error.utf8_error().field();
                        record = error.into_byte_record();
                        let reasons = vec![format!(
                            "column '{}': value '{}': {ENCODING_HINT}",
                            self.headers[column],
                            String::from_utf8_lossy(record.get(column).unwrap_or_default())
                        )];
                        batch.items.push(Parsed::Bad {
                            line,
                            reasons,
                            raw: record.clone(),
                        });
                    }
                    Ok(text) => {
                        match self.parse(&text, &mut unreadable) {
                            Ok((values, derived_role)) => {
                                derived += u64::from(derived_role);
                                prospects += u64::from(self.is_prospect(&values));
                                let raw = keep_raw.then(|| text.as_byte_record().clone());
                                batch.push_row(line, &values, raw);
                            }
                            Err(reasons) => batch.items.push(Parsed::Bad {
                                line,
                                reasons,
                                raw: text.as_byte_record().clone(),
                            }),
                        }
                        record = text.into_byte_record();
                    }
                }
            }
            if batch.items.len() == BATCH {
                let full = std::mem::take(&mut batch);
                if sender.send(full).is_err() {
                    // the writer stopped; it reports why
                    return Ok((derived, prospects, unreadable));
                }
            }
        }
        if !batch.items.is_empty() {
            let _ = sender.send(batch);
        }
        Ok((derived, prospects, unreadable))
    }

    fn is_prospect(&self, values: &[Value<'_>]) -> bool {
        self.spec.kind == Kind::Accounts
            && self.spec.index_of("status").is_some_and(|s| {
                values[s] == Value::Text(Cow::Borrowed(AccountStatus::Prospect.as_str()))
            })
    }

    fn header_of(&self, field: usize) -> &str {
        self.columns.by_field[field]
            .map_or(self.spec.fields[field].name, |c| self.headers[c].as_str())
    }

    /// Parses every mapped cell: the values (and whether the role level was derived from
    /// the title), or all the cell errors of the row.
    fn parse<'r>(
        &self,
        record: &'r csv::StringRecord,
        unreadable: &mut mapping::Unreadable,
    ) -> Result<(Vec<Value<'r>>, bool), Vec<String>> {
        let mut values = Vec::with_capacity(self.spec.fields.len());
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
            let cell = record.get(column).unwrap_or_default().trim();
            let mapped = self.value_maps.apply(f, cell);
            let text = mapped.unwrap_or(cell);
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
            match parse_cell(field, text, self.date_format) {
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
        }
        // A task of a lead is not about a contact at all: that is the one reason to give.
        if let Some(lead) = errors.iter().position(|e| e.ends_with(crm::NOT_A_CONTACT)) {
            let lead = errors.swap_remove(lead);
            return Err(vec![lead]);
        }
        for (f, text) in unread {
            unreadable.add(f, text);
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
        if errors.is_empty() {
            Ok((values, derived_role))
        } else {
            Err(errors)
        }
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

/// Parses one cell by its column's type; the error says what would be accepted.
pub fn parse_cell<'r>(
    field: &Field,
    text: &'r str,
    date_format: Option<&str>,
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
        Type::Money => Value::Int(values::parse_money_cents(text)?),
        Type::Percent => Value::Real(values::parse_percent(text)?),
        Type::Date => {
            let date = values::parse_date(text, date_format)?;
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
        Kind::Activities if values[0] == Value::Null => {
            // A stable id from what identifies the activity, so a re-import is idempotent.
            let mut id = format!(
                "{}:{}:{}",
                text(values, "contact_id").unwrap_or_default(),
                text(values, "date").unwrap_or_default(),
                text(values, "kind").unwrap_or_default()
            );
            if let Some(request) = text(values, "request_id") {
                id.push(':');
                id.push_str(&request);
            }
            values[0] = Value::Text(Cow::Owned(id));
        }
        _ => {}
    }
    false
}
