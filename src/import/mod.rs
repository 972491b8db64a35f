//! `import`: a CRM export in, canonical rows out to the store. The reader copes with
//! the file's shape, `headers` finds the columns, `values` parses each cell, and this
//! module ties them together: validate every row, derive what CRMs leave out (a role
//! level from a title, a won/lost status from IsWon), check references between kinds,
//! and write all or nothing.

pub mod headers;
pub mod reader;
pub mod spec;
pub mod values;

use std::borrow::Cow;
use std::path::PathBuf;

use anyhow::Result;

use crate::domain::model::RoleLevel;
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

/// Reads and writes the whole input inside `tx`. Returns the summary and the bad rows
/// (the first [`SHOWN_ERRORS`]); the caller commits only if `summary.written`.
pub fn import(
    tx: &rusqlite::Transaction<'_>,
    options: &ImportOptions,
    progress: &mut dyn Progress,
) -> Result<(Summary, Vec<BadRow>)> {
    let spec = options.kind.spec();
    let mut source = CsvSource::open(options.path.as_deref(), &options.read)?;
    let columns = headers::map_headers(spec, &source.headers, &options.maps)
        .map_err(|message| anyhow::anyhow!("{}: {message}", source.name))?;
    let present = present_fields(spec, &columns);
    let mut upserter = Upserter::new(tx, spec, &present)?;
    let mut references: Vec<(usize, Kind, Exists<'_>)> = Vec::new();
    for (f, field) in spec.fields.iter().enumerate() {
        if let (Type::Ref(kind), Some(_)) = (field.ty, columns.by_field[f]) {
            references.push((f, kind, Exists::new(tx, kind)?));
        }
    }

    let mut summary = Summary {
        kind: spec.table,
        file: source.name.clone(),
        ignored_columns: columns.ignored.clone(),
        dry_run: options.dry_run,
        ..Summary::default()
    };
    let mut shown = Vec::new();
    let mut record = csv::ByteRecord::new();
    let headers = source.headers.clone();
    let parser = RowParser {
        spec,
        columns: &columns,
        headers: &headers,
        date_format: options.date_format.as_deref(),
    };
    while source.next(&mut record)? {
        if record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        summary.read += 1;
        if summary.read.is_multiple_of(10_000) {
            progress.rows(summary.read);
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut reasons = Vec::new();
        if record.len() != source.headers.len() {
            reasons.push(format!(
                "{} fields, but the header has {}: check for an unquoted delimiter or a missing quote",
                record.len(),
                source.headers.len()
            ));
        } else {
            match parser.parse(&record, &mut summary) {
                Ok(values) => {
                    for (f, kind, exists) in &mut references {
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
                    if reasons.is_empty() {
                        match upserter.upsert(&values)? {
                            Outcome::Inserted => summary.inserted += 1,
                            Outcome::Updated => summary.updated += 1,
                            Outcome::Unchanged => summary.unchanged += 1,
                            Outcome::Duplicate => reasons.push(format!(
                                "column '{}': value '{}': duplicate {}: an earlier row in this file has the same id",
                                parser.header_of(0),
                                text_of(&values[0]),
                                spec.key().name
                            )),
                        }
                    }
                }
                Err(cell_errors) => reasons = cell_errors,
            }
        }
        if !reasons.is_empty() {
            summary.rejected += 1;
            let bad = BadRow { line, reasons };
            progress.bad_row(&source.headers, &bad, &record)?;
            if shown.len() < SHOWN_ERRORS {
                shown.push(bad);
            }
        }
    }
    if summary.read == 0 && summary.rejected == 0 {
        anyhow::bail!(
            "{}: no rows after the header: nothing to import",
            source.name
        );
    }
    summary.written = !options.dry_run && (summary.rejected == 0 || options.skip_bad);
    Ok((summary, shown))
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
}

impl RowParser<'_> {
    fn header_of(&self, field: usize) -> &str {
        self.columns.by_field[field]
            .map_or(self.spec.fields[field].name, |c| self.headers[c].as_str())
    }

    /// Parses every mapped cell; all the cell errors of the row, or its values.
    fn parse<'r>(
        &self,
        record: &'r csv::ByteRecord,
        summary: &mut Summary,
    ) -> Result<Vec<Value<'r>>, Vec<String>> {
        let mut values = Vec::with_capacity(self.spec.fields.len());
        let mut errors = Vec::new();
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
            let bytes = record.get(column).unwrap_or_default();
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text.trim(),
                Err(_) => {
                    errors.push(format!(
                        "column '{}': value '{}': {ENCODING_HINT}",
                        self.headers[column],
                        String::from_utf8_lossy(bytes)
                    ));
                    values.push(Value::Null);
                    continue;
                }
            };
            match parse_cell(field, text, self.date_format) {
                Ok(value) => values.push(value),
                Err(expected) => {
                    errors.push(format!(
                        "column '{}': value '{}': expected {expected}",
                        self.headers[column],
                        shorten(text)
                    ));
                    values.push(Value::Null);
                }
            }
        }
        derive(self.spec, &mut values, summary);
        for (f, field) in self.spec.fields.iter().enumerate() {
            if field.required && values[f] == Value::Null && errors.is_empty() {
                errors.push(format!(
                    "column '{}': empty: a value is required",
                    self.header_of(f)
                ));
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(errors)
        }
    }
}

/// Cuts a long value for a message.
fn shorten(text: &str) -> Cow<'_, str> {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => Cow::Owned(format!(
            "{}... ({} characters)",
            &text[..at],
            text.chars().count()
        )),
        None => Cow::Borrowed(text),
    }
}

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
    let text = values::unescape_formula(text);
    Ok(match field.ty {
        Type::Id | Type::Ref(_) => {
            if text.chars().count() > 255 {
                return Err(format!(
                    "an id of at most 255 characters (this one has {})",
                    text.chars().count()
                ));
            }
            Value::Text(Cow::Borrowed(text))
        }
        Type::Text => Value::Text(Cow::Borrowed(text)),
        Type::Int(min, max) => Value::Int(values::parse_int(text, min, max)?),
        Type::Money => Value::Int(values::parse_money_cents(text)?),
        Type::Percent => Value::Real(values::parse_percent(text)?),
        Type::Date => Value::Text(Cow::Owned(
            values::parse_date(text, date_format)?
                .format("%Y-%m-%d")
                .to_string(),
        )),
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

/// Fills the values CRM exports leave implicit.
fn derive(spec: &KindSpec, values: &mut [Value<'_>], summary: &mut Summary) {
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
                summary.derived_role_levels += 1;
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
}
