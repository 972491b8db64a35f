//! Writes imported rows: an idempotent upsert by CRM id that reports whether each row
//! was inserted, updated or unchanged, and notices an id seen twice in one import.
//!
//! Duplicates are found without keeping the ids in memory: a row inserted by this import
//! has a rowid above the largest one before it started, and an older row touched by this
//! import is marked in a bitset of one bit per older row. Memory stays flat in the file's
//! size.
//!
//! [`Mode::Check`] gives the same answers without writing to the database (a dry run, or an
//! import that already has bad rows): it needs only a read transaction, so it never takes
//! the write lock. The ids it would have inserted go to a TEMP table of the connection
//! (SQLite's temp database, not the file), where duplicates and later files' references
//! find them.

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, Statement};

use super::Db;

use super::Value;
use crate::import::spec::{Kind, KindSpec};

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    Updated,
    Unchanged,
    /// An earlier row of this import had the same id; nothing was written.
    Duplicate,
}

/// Write the rows, or only check what writing them would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// The TEMP table holding the ids a check-mode import would insert into `table`.
fn checked_table(conn: &Connection, table: &str) -> Result<String> {
    let name = format!("temp.refprog_checked_{table}");
    conn.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {name} (key TEXT PRIMARY KEY) WITHOUT ROWID"
    ))?;
    Ok(name)
}

pub struct Upserter<'c> {
    /// Write mode: the INSERT. Check mode: the insert into the TEMP table of checked ids.
    insert: Bulk<'c>,
    mode: Mode,
    lookup: Statement<'c>,
    /// None when the file gives no column but the id. In check mode a SELECT that gives a
    /// row (and so counts one) when a value differs.
    update: Option<Bulk<'c>>,
    /// Stored fields, in the order their values are bound to `insert`.
    insert_fields: Vec<usize>,
    /// Fields the file gives, in the order bound to `update` after the rowid.
    update_fields: Vec<usize>,
    before_max: i64,
    touched: Vec<u64>,
    /// Touched rows whose rowid the bit set cannot hold (negative, or past [`DENSE_IDS`]):
    /// a table another tool wrote rowids into.
    touched_sparse: rustc_hash::FxHashSet<i64>,
    /// Write mode: look the id up before trying the insert, because the last row's id was
    /// already in the table (a re-import). A failed insert binds and encodes the whole row
    /// for nothing; a lookup that finds nothing costs one index seek. Adapts row by row.
    lookup_first: bool,
}

impl<'c> Upserter<'c> {
    /// Prepares the statements for `spec`; `present[f]` says whether the file gives field f
    /// (only those are updated on an existing row).
    pub fn new(
        Db { conn }: Db<'c>,
        spec: &KindSpec,
        present: &[bool],
        mode: Mode,
    ) -> Result<Upserter<'c>> {
        let key = spec.key().name;
        let insert_fields: Vec<usize> = spec.stored().map(|(f, _)| f).collect();
        let columns: Vec<&str> = spec
            .stored()
            .filter_map(|(_, field)| field.column)
            .collect();
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let insert_sql = format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({key}) DO NOTHING",
            spec.table,
            columns.join(", "),
            placeholders.join(", ")
        );
        let update_fields: Vec<usize> = spec
            .stored()
            .filter(|(f, field)| present[*f] && field.name != key)
            .map(|(f, _)| f)
            .collect();
        let update = if update_fields.is_empty() {
            None
        } else {
            let mut sets = Vec::new();
            let mut differs = Vec::new();
            for (i, &f) in update_fields.iter().enumerate() {
                let column = spec.fields[f].column.unwrap_or_default();
                sets.push(format!("{column} = ?{}", i + 2));
                differs.push(format!("{column} IS NOT ?{}", i + 2));
            }
            let sql = match mode {
                Mode::Write => format!(
                    "UPDATE {} SET {} WHERE id = ?1 AND ({})",
                    spec.table,
                    sets.join(", "),
                    differs.join(" OR ")
                ),
                // The same bindings: ?1 the rowid, ?2.. the values; one row back if it differs.
                Mode::Check => format!(
                    "SELECT 1 FROM {} WHERE id = ?1 AND ({})",
                    spec.table,
                    differs.join(" OR ")
                ),
            };
            Some(Bulk::new(conn, &sql)?)
        };
        let before_max: i64 = conn.query_row(
            &format!("SELECT coalesce(max(id), 0) FROM {}", spec.table),
            [],
            |r| r.get(0),
        )?;
        let insert_sql = match mode {
            Mode::Write => insert_sql,
            Mode::Check => format!(
                "INSERT INTO {} (key) VALUES (?1) ON CONFLICT (key) DO NOTHING",
                checked_table(conn, spec.table)?
            ),
        };
        Ok(Upserter {
            insert: Bulk::new(conn, &insert_sql)?,
            mode,
            lookup: conn.prepare(&format!("SELECT id FROM {} WHERE {key} = ?1", spec.table))?,
            update,
            insert_fields,
            update_fields,
            before_max,
            touched: Vec::new(),
            touched_sparse: rustc_hash::FxHashSet::default(),
            lookup_first: before_max > 0,
        })
    }

    /// Writes one row; `values` holds a value per field of the spec, key first.
    pub fn upsert(&mut self, values: &[Value<'_>]) -> Result<Outcome> {
        let id: i64 = match self.mode {
            Mode::Write => {
                let found = if self.lookup_first {
                    self.find(&values[0])?
                } else {
                    None
                };
                match found {
                    Some(id) => id,
                    None => {
                        let row = self.insert_fields.iter().map(|&f| &values[f]);
                        if self.insert.execute(row)? == 1 {
                            self.lookup_first = false;
                            return Ok(Outcome::Inserted);
                        }
                        self.lookup_first = true;
                        self.lookup.query_row([&values[0]], |row| row.get(0))?
                    }
                }
            }
            Mode::Check => {
                let found = self.find(&values[0])?;
                match found {
                    Some(id) => id,
                    None => {
                        return Ok(if self.insert.execute(std::iter::once(&values[0]))? == 1 {
                            Outcome::Inserted
                        } else {
                            Outcome::Duplicate
                        });
                    }
                }
            }
        };
        if id > self.before_max || !self.mark(id) {
            return Ok(Outcome::Duplicate);
        }
        let Some(update) = self.update.as_mut() else {
            return Ok(Outcome::Unchanged);
        };
        let id = Value::Int(id);
        let row = std::iter::once(&id).chain(self.update_fields.iter().map(|&f| &values[f]));
        let changed = update.execute(row)? == 1;
        Ok(if changed {
            Outcome::Updated
        } else {
            Outcome::Unchanged
        })
    }

    /// The rowid of the stored row with this id, if there is one.
    fn find(&mut self, key: &Value<'_>) -> Result<Option<i64>> {
        Ok(self.lookup.query_row([key], |row| row.get(0)).optional()?)
    }

    /// Marks an older row as touched; false if it already was.
    fn mark(&mut self, id: i64) -> bool {
        // refprog's own rowids run from 1 up; a rowid set by another tool (negative, or
        // 2^62) would make the bit set allocate without end.
        let Some(dense) = u64::try_from(id).ok().filter(|&i| i < DENSE_IDS) else {
            return self.touched_sparse.insert(id);
        };
        let (word, bit) = ((dense / 64) as usize, dense % 64);
        if self.touched.len() <= word {
            self.touched.resize(word + 1, 0);
        }
        let was = self.touched[word] & (1 << bit) != 0;
        self.touched[word] |= 1 << bit;
        !was
    }
}

/// Rowids below this are marked in a bit set (at most 8 MiB of it); others in a hash set.
const DENSE_IDS: u64 = 1 << 26;

/// The secondary indexes and triggers of a table dropped for a bulk load into it, to be
/// made again after.
pub struct DeferredIndexes {
    sql: Vec<String>,
    /// Whether the table's triggers are among them.
    triggers: bool,
}

/// Drops `table`'s schema objects of one `kind` (index or trigger; the automatic indexes
/// of UNIQUE constraints, which have no SQL, stay) and gives back the SQL that makes them
/// again, in name order.
fn take_out(conn: &rusqlite::Connection, kind: &str, table: &str) -> Result<Vec<String>> {
    let objects: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = ?1 AND tbl_name = ?2 AND sql IS NOT NULL ORDER BY name",
        )?
        .query_map([kind, table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, _) in &objects {
        conn.execute_batch(&format!(
            "DROP {} \"{}\"",
            kind.to_uppercase(),
            name.replace('"', "\"\"")
        ))?;
    }
    Ok(objects.into_iter().map(|(_, sql)| sql).collect())
}

/// Into an empty table, rows load faster without secondary indexes, which are then built in
/// one sorted pass instead of a million random inserts. Drops them (inside the import's
/// transaction, so a failed import gets them back) when `table` is empty; the UNIQUE
/// indexes the upsert relies on stay. The definitions are read back from the schema, so
/// nothing here restates the migrations.
pub fn defer_indexes(Db { conn }: Db<'_>, spec: &KindSpec, mode: Mode) -> Result<DeferredIndexes> {
    if mode == Mode::Check {
        return Ok(DeferredIndexes {
            sql: Vec::new(),
            triggers: false,
        });
    }
    // The only triggers on refprog's tables mark the pipeline's sums stale when an open deal
    // changes (migration 0011): run for each row, they made a fresh import of a million deals
    // 1.7x slower. So an import drops a table's triggers for its load (inside its transaction:
    // nobody else ever sees the table without them) and makes them again after, marking the
    // sums stale once if it wrote a row ([`DeferredIndexes::rebuild`]); they are refreshed
    // before it commits.
    let triggers = take_out(conn, "trigger", spec.table)?;
    let had_triggers = !triggers.is_empty();
    let empty: bool = conn.query_row(
        &format!("SELECT NOT EXISTS (SELECT 1 FROM {})", spec.table),
        [],
        |r| r.get(0),
    )?;
    if !empty {
        return Ok(DeferredIndexes {
            sql: triggers,
            triggers: had_triggers,
        });
    }
    let indexes = take_out(conn, "index", spec.table)?;
    Ok(DeferredIndexes {
        sql: indexes.into_iter().chain(triggers).collect(),
        triggers: had_triggers,
    })
}

impl DeferredIndexes {
    /// Builds the dropped indexes and triggers again; `wrote`: whether the load inserted or
    /// changed a row (what the triggers would have marked).
    pub fn rebuild(self, Db { conn }: Db<'_>, wrote: bool) -> Result<()> {
        if self.triggers && wrote {
            super::scoring::mark_pipeline_stale(Db { conn })?;
        }
        if self.sql.is_empty() {
            return Ok(());
        }
        // The sort that builds an index may use as much memory as the page cache: shrink the
        // cache meanwhile, so the import stays within its memory budget.
        conn.pragma_update(None, "cache_size", -8_000)?;
        // The sorts may use a second core (SQLite's sorter threads): the index builds are
        // most of a first import's work after the load.
        conn.pragma_update(None, "threads", super::sorter_threads())?;
        for sql in self.sql {
            conn.execute_batch(&sql)
                .context("rebuilding an index after the import")?;
        }
        Ok(())
    }
}

/// Answers "is this id in the database?" for references between kinds.
///
/// One statement a question costs a descent of the key's index, about 1.7 µs: importing a
/// million activities (two references each) spent a quarter of its time there. So a write
/// asked more than [`PROBES_BEFORE_SET`] times reads the table's ids once, when there are at
/// most [`SET_MAX_ROWS`] of them (about 22 bytes an id), and answers from memory. The ids
/// are read in the import's transaction, and the kinds refer only to other kinds, so no row
/// this file writes can change the answer. A check (dry run) keeps the statement: it also
/// asks the ids this run would have inserted.
pub struct Exists<'c> {
    conn: &'c Connection,
    statement: Statement<'c>,
    spec: &'static KindSpec,
    mode: Mode,
    asked: u32,
    known: Option<KnownIds>,
}

/// After this many questions a write reads the table's ids (see [`Exists`]).
const PROBES_BEFORE_SET: u32 = 20_000;

/// The most ids [`Exists`] keeps in memory (12 bytes an id of positions and slots besides
/// their text: the 3M contacts of a 1M-account program take 71 MB); a larger table is asked
/// id by id. Importing 10M activities into that program: 128 s and 61 MB with the contacts
/// asked id by id, 92 s and 120 MB with their ids read at once.
const SET_MAX_ROWS: i64 = 4_000_000;

/// The most bytes of ids [`Exists`] keeps (long ids, such as e-mail addresses, reach it
/// before the count does); past it the table is asked id by id.
const SET_MAX_TEXT: usize = 64 << 20;

/// A table's ids, in one text, found by a hash ([`super::IdSlots`]).
struct KnownIds {
    text: String,
    ends: Vec<u32>,
    slots: super::IdSlots,
}

impl KnownIds {
    /// The ids of `spec`'s table, or None when there are more than [`SET_MAX_ROWS`] or
    /// their text passes [`SET_MAX_TEXT`].
    fn read(conn: &Connection, spec: &KindSpec) -> Result<Option<KnownIds>> {
        // The largest rowid bounds the count without reading the table.
        let bound: Option<i64> =
            conn.query_row(&format!("SELECT max(rowid) FROM {}", spec.table), [], |r| {
                r.get(0)
            })?;
        if bound.unwrap_or(0) > SET_MAX_ROWS {
            return Ok(None);
        }
        let mut statement =
            conn.prepare(&format!("SELECT {} FROM {}", spec.key().name, spec.table))?;
        let mut rows = statement.query([])?;
        let (mut text, mut ends) = (String::new(), Vec::new());
        while let Some(r) = rows.next()? {
            // Keys are text; any other value is answered by the statement.
            let rusqlite::types::ValueRef::Text(id) = r.get_ref(0)? else {
                return Ok(None);
            };
            let Ok(id) = std::str::from_utf8(id) else {
                return Ok(None);
            };
            text.push_str(id);
            if text.len() > SET_MAX_TEXT {
                return Ok(None);
            }
            // Within SET_MAX_TEXT, every end fits in 32 bits.
            ends.push(text.len() as u32);
        }
        let slots = super::IdSlots::new(
            (0..ends.len()).map(|i| KnownIds::id_at(&text, &ends, i).unwrap_or_default()),
        );
        Ok(Some(KnownIds { text, ends, slots }))
    }

    /// The `i`th id: the text from the end of the one before to its own end.
    fn id_at<'t>(text: &'t str, ends: &[u32], i: usize) -> Option<&'t str> {
        let start = if i == 0 {
            0
        } else {
            *ends.get(i - 1)? as usize
        };
        text.get(start..*ends.get(i)? as usize)
    }

    fn contains(&self, id: &str) -> bool {
        self.slots
            .find(id, |i| KnownIds::id_at(&self.text, &self.ends, i))
            .is_some()
    }
}

impl<'c> Exists<'c> {
    /// In check mode, an id a checked (not written) file of this run would insert counts too.
    pub fn new(Db { conn }: Db<'c>, kind: Kind, mode: Mode) -> Result<Exists<'c>> {
        let spec = kind.spec();
        let mut sql = format!(
            "SELECT 1 FROM {} WHERE {} = ?1",
            spec.table,
            spec.key().name
        );
        if mode == Mode::Check {
            sql.push_str(&format!(
                " UNION ALL SELECT 1 FROM {} WHERE key = ?1",
                checked_table(conn, spec.table)?
            ));
        }
        Ok(Exists {
            conn,
            statement: conn.prepare(&sql)?,
            spec,
            mode,
            asked: 0,
            known: None,
        })
    }

    pub fn check(&mut self, id: &Value<'_>) -> Result<bool> {
        if self.mode == Mode::Write && self.asked <= PROBES_BEFORE_SET {
            self.asked += 1;
            if self.asked > PROBES_BEFORE_SET {
                self.known = KnownIds::read(self.conn, self.spec)?;
            }
        }
        if let (Some(known), Value::Text(text)) = (&self.known, id) {
            return Ok(known.contains(text));
        }
        Ok(self.statement.exists([id])?)
    }
}

/// The firmographics of a deal's CRM account (customer or prospect), for the cells a
/// Salesforce or HubSpot deal export leaves blank: industry, size, country and region.
pub struct Firmographics<'c> {
    statement: Statement<'c>,
}

/// The deal fields filled from the account, in the order of the query.
const FIRMOGRAPHICS: [&str; 4] = ["industry", "employees", "country", "region"];

impl<'c> Firmographics<'c> {
    pub fn new(Db { conn }: Db<'c>) -> Result<Firmographics<'c>> {
        Ok(Firmographics {
            statement: conn.prepare(
                "SELECT industry, employees, country, region FROM accounts WHERE account_id = ?1",
            )?,
        })
    }

    /// Fills the blank firmographics of one deal row from its account; true if any was.
    /// Country and region go together, so a deal never gets half a place.
    pub fn fill(&mut self, spec: &KindSpec, values: &mut [Value<'_>]) -> Result<bool> {
        let at: Vec<Option<usize>> = FIRMOGRAPHICS.iter().map(|n| spec.index_of(n)).collect();
        let account = spec.index_of("account_id").map(|i| &values[i]);
        let Some(account) = account.filter(|v| **v != Value::Null) else {
            return Ok(false);
        };
        let blank =
            |values: &[Value<'_>], i: Option<usize>| i.is_some_and(|i| values[i] == Value::Null);
        let place_blank = blank(values, at[2]) && blank(values, at[3]);
        if !blank(values, at[0]) && !blank(values, at[1]) && !place_blank {
            return Ok(false);
        }
        let found: Option<[rusqlite::types::Value; 4]> = self
            .statement
            .query_row([account], |r| {
                Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let Some(found) = found else {
            return Ok(false);
        };
        let mut filled = false;
        for (k, from) in found.into_iter().enumerate() {
            let Some(i) = at[k] else { continue };
            let wanted = if k >= 2 {
                place_blank
            } else {
                values[i] == Value::Null
            };
            let value = match from {
                rusqlite::types::Value::Text(t) => Value::Text(std::borrow::Cow::Owned(t)),
                rusqlite::types::Value::Integer(n) => Value::Int(n),
                _ => continue,
            };
            if wanted {
                values[i] = value;
                filled = true;
            }
        }
        Ok(filled)
    }
}

/// Fills the blank firmographics of every deal whose account is known, after an import of
/// accounts or deals (a deal may come before its account); returns how many deals changed.
pub fn fill_deals_from_accounts(Db { conn }: Db<'_>) -> Result<u64> {
    let changed = conn.execute(
        "UPDATE opportunities SET
             industry = coalesce(opportunities.industry, a.industry),
             employees = coalesce(opportunities.employees, a.employees),
             country = CASE WHEN opportunities.country IS NULL AND opportunities.region IS NULL
                            THEN a.country ELSE opportunities.country END,
             region = CASE WHEN opportunities.country IS NULL AND opportunities.region IS NULL
                           THEN a.region ELSE opportunities.region END
         FROM accounts AS a
         WHERE a.account_id = opportunities.account_id
           AND ((opportunities.industry IS NULL AND a.industry IS NOT NULL)
             OR (opportunities.employees IS NULL AND a.employees IS NOT NULL)
             OR (opportunities.country IS NULL AND opportunities.region IS NULL
                 AND (a.country IS NOT NULL OR a.region IS NOT NULL)))",
        [],
    )?;
    Ok(changed as u64)
}

/// A statement run once per imported row, bound through SQLite's C interface: a row's
/// text is bound where it lies (`SQLITE_STATIC`) instead of copied by SQLite, and without
/// rusqlite's conversions. At a million rows of twenty values, binding was a tenth of an
/// import (measured with perf). The bindings are cleared after every run, so SQLite never
/// holds a pointer past the row it was given.
struct Bulk<'c> {
    stmt: *mut rusqlite::ffi::sqlite3_stmt,
    db: *mut rusqlite::ffi::sqlite3,
    /// A SELECT: it counts the row it gives (SQLite's count of changes is another
    /// statement's).
    reads: bool,
    _conn: std::marker::PhantomData<&'c Connection>,
}

impl<'c> Bulk<'c> {
    fn new(conn: &'c Connection, sql: &str) -> Result<Bulk<'c>> {
        use rusqlite::ffi;
        let length = std::os::raw::c_int::try_from(sql.len()).context("a statement too long")?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the handle is the live connection `conn`, which outlives this statement
        // (the lifetime 'c); SQLite reads `length` bytes of `sql` and writes `stmt`.
        let rc = unsafe {
            let db = conn.handle();
            let rc = ffi::sqlite3_prepare_v3(
                db,
                sql.as_ptr().cast(),
                length,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                std::ptr::null_mut(),
            );
            (rc, db)
        };
        let mut bulk = Bulk {
            stmt,
            db: rc.1,
            reads: false,
            _conn: std::marker::PhantomData,
        };
        bulk.check(rc.0)
            .with_context(|| format!("preparing {sql}"))?;
        // SAFETY: `stmt` was just prepared.
        bulk.reads = unsafe { ffi::sqlite3_stmt_readonly(bulk.stmt) } != 0;
        Ok(bulk)
    }

    /// The error SQLite reported for `rc`, if it is one.
    fn check(&self, rc: std::os::raw::c_int) -> rusqlite::Result<()> {
        use rusqlite::ffi;
        if rc == ffi::SQLITE_OK {
            return Ok(());
        }
        // SAFETY: the connection is live; the message is copied before any other call.
        let message = unsafe {
            let text = ffi::sqlite3_errmsg(self.db);
            (!text.is_null()).then(|| {
                std::ffi::CStr::from_ptr(text)
                    .to_string_lossy()
                    .into_owned()
            })
        };
        Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), message))
    }

    /// Binds the values to ?1, ?2 ... and runs the statement; returns how many rows it
    /// changed. The values need only live for this call.
    fn execute<'v>(&mut self, values: impl Iterator<Item = &'v Value<'v>>) -> Result<usize> {
        use rusqlite::ffi;
        let mut result = Ok(());
        for (i, value) in values.enumerate() {
            let at = std::os::raw::c_int::try_from(i + 1).unwrap_or(std::os::raw::c_int::MAX);
            // SAFETY: `stmt` is a live prepared statement; a text is bound SQLITE_STATIC,
            // which is sound because it lives until this call returns and the bindings
            // are cleared below, before the caller can drop it.
            let rc = unsafe {
                match value {
                    Value::Null => ffi::sqlite3_bind_null(self.stmt, at),
                    Value::Int(n) => ffi::sqlite3_bind_int64(self.stmt, at, *n),
                    Value::Real(r) => ffi::sqlite3_bind_double(self.stmt, at, *r),
                    Value::Text(t) => ffi::sqlite3_bind_text64(
                        self.stmt,
                        at,
                        t.as_ptr().cast(),
                        t.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as std::os::raw::c_uchar,
                    ),
                }
            };
            if let Err(e) = self.check(rc) {
                result = Err(e);
                break;
            }
        }
        // SAFETY: `stmt` is live; step, then reset and clear whatever happened.
        let (rc, changes) = unsafe {
            let rc = if result.is_ok() {
                ffi::sqlite3_step(self.stmt)
            } else {
                ffi::SQLITE_DONE
            };
            let changes = ffi::sqlite3_changes64(self.db);
            ffi::sqlite3_reset(self.stmt);
            ffi::sqlite3_clear_bindings(self.stmt);
            (rc, changes)
        };
        result?;
        match rc {
            ffi::SQLITE_DONE if self.reads => Ok(0),
            ffi::SQLITE_DONE => Ok(usize::try_from(changes).unwrap_or(0)),
            ffi::SQLITE_ROW => Ok(1),
            rc => Err(self
                .check(rc)
                .err()
                .unwrap_or(rusqlite::Error::ExecuteReturnedResults)
                .into()),
        }
    }
}

impl Drop for Bulk<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized once, while its connection lives (the lifetime 'c).
        unsafe {
            rusqlite::ffi::sqlite3_finalize(self.stmt);
        }
    }
}
