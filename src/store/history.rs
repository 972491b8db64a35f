//! The history of changes made by hand, and `refprog undo`.
//!
//! A command run by hand is recorded without its code doing anything: the dispatcher gives
//! the store a [`Recording`], and the first transaction of the command adds a `changes` row
//! and installs TEMP triggers (this connection only) on every table of the program. Each
//! row the command inserts, updates or deletes is then written to `history` with its
//! columns before and after, as JSON objects. An import never installs the triggers, so
//! its rows are not recorded one by one (a million-row import stays as fast as it was).
//!
//! Undo walks back: the newest change not yet undone is reverted, row by row, newest row
//! first, in one transaction. A row changed since (by an import, say) is not overwritten:
//! the undo is refused and nothing changes. An undo is not itself recorded: a second undo
//! reverts the change before, and there is no redo (run the command again).

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};

use super::Db;
use serde_json::{Map, Value};

/// Tables never recorded: the bookkeeping of the history itself, and the pipeline's sums
/// (made again from the deals whenever they change, an undo included).
const OWN: [&str; 5] = [
    "changes",
    "history",
    "imports",
    "pipeline_tallies",
    "pipeline_state",
];

/// A command run by hand, as the dispatcher names it; `change` is the id of its `changes`
/// row once its first transaction wrote one.
#[derive(Debug, Clone)]
pub struct Recording {
    pub command: String,
    pub line: String,
    pub at: String,
    change: Option<i64>,
}

impl Recording {
    pub fn new(command: impl Into<String>, line: impl Into<String>, at: String) -> Recording {
        Recording {
            command: command.into(),
            line: line.into(),
            at,
            change: None,
        }
    }
}

/// The tables recorded, with their columns (read from the schema, so a table a later
/// migration adds is recorded too).
fn tables(conn: &Connection) -> Result<Vec<(String, Vec<String>)>> {
    let mut statement = conn.prepare(
        "SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let names: Vec<String> = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| !OWN.contains(&n.as_str())) {
        out.push((name.clone(), columns(conn, &name)?));
    }
    Ok(out)
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut statement = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = statement
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn text_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `json_object('a', P.a, 'b', P.b, ...)` of a row (`P` is NEW, OLD or a table name).
fn json_of(prefix: &str, columns: &[String]) -> String {
    let pairs: Vec<String> = columns
        .iter()
        .map(|c| format!("{}, {prefix}.{}", text_literal(c), quoted(c)))
        .collect();
    format!("json_object({})", pairs.join(", "))
}

/// Called at the start of each transaction of a recorded command: the first one adds the
/// `changes` row and installs the triggers (both roll back with a failed transaction).
/// Returns true when it did, so [`rolled_back`] can forget them.
pub fn begin(Db { conn }: Db<'_>, recording: &mut Recording) -> Result<bool> {
    if recording.change.is_some() {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO changes (command, line, at) VALUES (?1, ?2, ?3)",
        params![recording.command, recording.line, recording.at],
    )
    .context("recording the change in the history")?;
    let change = conn.last_insert_rowid();
    let mut sql = String::new();
    for (table, columns) in tables(conn)? {
        let t = quoted(&table);
        let name = text_literal(&table);
        let new = json_of("NEW", &columns);
        let old = json_of("OLD", &columns);
        let trigger = |event: &str| quoted(&format!("refprog_history_{table}_{event}"));
        sql.push_str(&format!(
            "DROP TRIGGER IF EXISTS temp.{ins};
             CREATE TEMP TRIGGER {ins} AFTER INSERT ON {t} BEGIN
               INSERT INTO history (change_id, table_name, row_id, before, after)
               VALUES ({change}, {name}, NEW.rowid, NULL, {new});
             END;
             DROP TRIGGER IF EXISTS temp.{upd};
             CREATE TEMP TRIGGER {upd} AFTER UPDATE ON {t} WHEN {old} IS NOT {new} BEGIN
               INSERT INTO history (change_id, table_name, row_id, before, after)
               VALUES ({change}, {name}, NEW.rowid, {old}, {new});
             END;
             DROP TRIGGER IF EXISTS temp.{del};
             CREATE TEMP TRIGGER {del} AFTER DELETE ON {t} BEGIN
               INSERT INTO history (change_id, table_name, row_id, before, after)
               VALUES ({change}, {name}, OLD.rowid, {old}, NULL);
             END;\n",
            ins = trigger("insert"),
            upd = trigger("update"),
            del = trigger("delete"),
        ));
    }
    conn.execute_batch(&sql)
        .context("recording the change in the history")?;
    recording.change = Some(change);
    Ok(true)
}

/// Before a recorded transaction commits: a change that wrote nothing (a dry run, a
/// refusal) leaves no `changes` row behind, so `undo` never lands on an empty change.
pub fn before_commit(Db { conn }: Db<'_>, recording: &mut Recording) -> Result<()> {
    if let Some(change) = recording.change {
        let empty: bool = conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM history WHERE change_id = ?1)",
            [change],
            |r| r.get(0),
        )?;
        if empty {
            conn.execute("DELETE FROM changes WHERE id = ?1", [change])?;
            drop_triggers(conn)?;
            recording.change = None;
        }
    }
    Ok(())
}

/// After a transaction that began the change was rolled back: its row and triggers are
/// gone with it.
pub fn rolled_back(recording: &mut Recording) {
    recording.change = None;
}

fn drop_triggers(conn: &Connection) -> Result<()> {
    let mut statement = conn.prepare(
        "SELECT name FROM temp.sqlite_schema WHERE type = 'trigger' AND name LIKE 'refprog_history_%'",
    )?;
    let names: Vec<String> = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TRIGGER temp.{}", quoted(&name)))?;
    }
    Ok(())
}

/// One recorded row: its table, rowid and columns before and after (None: not there).
#[derive(Debug, Clone)]
pub struct RowChange {
    pub table: String,
    pub row_id: i64,
    pub before: Option<Map<String, Value>>,
    pub after: Option<Map<String, Value>>,
}

/// A change made by hand, with its rows in the order they were written.
#[derive(Debug, Clone)]
pub struct Change {
    pub id: i64,
    pub command: String,
    pub line: String,
    pub at: String,
    pub rows: Vec<RowChange>,
}

fn object(text: Option<String>) -> Result<Option<Map<String, Value>>> {
    match text {
        None => Ok(None),
        Some(t) => match serde_json::from_str(&t).context("reading the history")? {
            Value::Object(map) => Ok(Some(map)),
            _ => bail!("the history holds a row that is not a JSON object: {t}"),
        },
    }
}

/// The newest change made by hand that is not undone yet.
pub fn last(Db { conn }: Db<'_>) -> Result<Option<Change>> {
    let Some((id, command, line, at)) = conn
        .query_row(
            "SELECT id, command, line, at FROM changes WHERE undone_at IS NULL
             ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let mut statement = conn.prepare(
        "SELECT table_name, row_id, before, after FROM history WHERE change_id = ?1 ORDER BY id",
    )?;
    let raw: Vec<(String, i64, Option<String>, Option<String>)> = statement
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::with_capacity(raw.len());
    for (table, row_id, before, after) in raw {
        rows.push(RowChange {
            table,
            row_id,
            before: object(before)?,
            after: object(after)?,
        });
    }
    Ok(Some(Change {
        id,
        command,
        line,
        at,
        rows,
    }))
}

/// A change made by hand as `undo --list` shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub at: String,
    pub command: String,
    pub line: String,
    pub rows: i64,
    pub undone_at: Option<String>,
}

/// The changes made by hand, newest first.
pub fn list(Db { conn }: Db<'_>) -> Result<Vec<Listed>> {
    let mut statement = conn.prepare(
        "SELECT c.id, c.at, c.command, c.line,
                (SELECT count(*) FROM history h WHERE h.change_id = c.id), c.undone_at
         FROM changes c ORDER BY c.id DESC",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(Listed {
            id: r.get(0)?,
            at: r.get(1)?,
            command: r.get(2)?,
            line: r.get(3)?,
            rows: r.get(4)?,
            undone_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many changes made by hand were undone.
pub fn undone(Db { conn }: Db<'_>) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM changes WHERE undone_at IS NOT NULL",
        [],
        |r| r.get(0),
    )?)
}

/// The row as it is now, as the triggers write it (None: no such row).
fn current(conn: &Connection, table: &str, row_id: i64) -> Result<Option<Map<String, Value>>> {
    let columns = columns(conn, table)?;
    if columns.is_empty() {
        bail!("the table '{table}' of the history no longer exists");
    }
    let text: Option<String> = conn
        .query_row(
            &format!(
                "SELECT {} FROM {} AS T WHERE rowid = ?1",
                json_of("T", &columns),
                quoted(table)
            ),
            [row_id],
            |r| r.get(0),
        )
        .optional()?;
    object(text)
}

/// Why a row cannot be put back: it is no longer as the change left it.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub table: String,
    pub row: Map<String, Value>,
    pub now: Option<Map<String, Value>>,
}

/// Reverts `change` in the open transaction `conn`: newest row first, each checked to be
/// as the change left it. Returns the first row changed since, and writes nothing then
/// (the caller rolls back).
pub fn revert(Db { conn }: Db<'_>, change: &Change, undone_at: &str) -> Result<Option<Conflict>> {
    for row in change.rows.iter().rev() {
        let now = current(conn, &row.table, row.row_id)?;
        // Compared on the columns the change knew: a column a later migration added is
        // not a change made since.
        let as_left = match (&now, &row.after) {
            (Some(now), Some(after)) => after.iter().all(|(k, v)| now.get(k) == Some(v)),
            (None, None) => true,
            _ => false,
        };
        if !as_left {
            return Ok(Some(Conflict {
                table: row.table.clone(),
                row: row
                    .after
                    .clone()
                    .or_else(|| row.before.clone())
                    .unwrap_or_default(),
                now,
            }));
        }
        let table = quoted(&row.table);
        match (&row.before, &row.after) {
            (None, _) => {
                conn.execute(
                    &format!("DELETE FROM {table} WHERE rowid = ?1"),
                    [row.row_id],
                )
                .map_err(|e| blocked(e, row))?;
            }
            (Some(before), None) => {
                let names: Vec<&String> = before.keys().collect();
                let values: Vec<String> = names
                    .iter()
                    .map(|n| format!("json_extract(?1, {})", text_literal(&json_path(n))))
                    .collect();
                conn.execute(
                    &format!(
                        "INSERT INTO {table} (rowid, {}) VALUES (?2, {})",
                        names
                            .iter()
                            .map(|n| quoted(n))
                            .collect::<Vec<_>>()
                            .join(", "),
                        values.join(", ")
                    ),
                    params![Value::Object(before.clone()).to_string(), row.row_id],
                )
                .map_err(|e| blocked(e, row))?;
            }
            (Some(before), Some(_)) => {
                let sets: Vec<String> = before
                    .keys()
                    .map(|n| {
                        format!(
                            "{} = json_extract(?1, {})",
                            quoted(n),
                            text_literal(&json_path(n))
                        )
                    })
                    .collect();
                conn.execute(
                    &format!("UPDATE {table} SET {} WHERE rowid = ?2", sets.join(", ")),
                    params![Value::Object(before.clone()).to_string(), row.row_id],
                )
                .with_context(|| format!("putting back a row of {}", row.table))?;
            }
        }
    }
    conn.execute(
        "UPDATE changes SET undone_at = ?2 WHERE id = ?1",
        params![change.id, undone_at],
    )?;
    Ok(None)
}

/// A row undo cannot remove (rows written since refer to it: an activity an import logged
/// against a request added by hand) or put back (a row with its id was written since):
/// said in words; the caller rolls back, so nothing is undone.
fn blocked(error: rusqlite::Error, row: &RowChange) -> anyhow::Error {
    let code = match &error {
        rusqlite::Error::SqliteFailure(e, _) => e.extended_code,
        _ => return error.into(),
    };
    let key = match row.table.as_str() {
        "activities" => "activity_id",
        "requests" => "request_id",
        "contacts" => "contact_id",
        "accounts" => "account_id",
        "opportunities" => "opportunity_id",
        _ => "id",
    };
    let name = row
        .after
        .as_ref()
        .or(row.before.as_ref())
        .and_then(|r| r.get(key))
        .map_or_else(
            || format!("row {}", row.row_id),
            |v| v.to_string().replace('"', ""),
        );
    let table = &row.table;
    match code {
        rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => anyhow::anyhow!(
            "cannot undo: {name} ({table}) would be removed, but rows written since (by an import, or another program) refer to it; nothing was undone"
        ),
        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            anyhow::anyhow!(
                "cannot undo: {name} ({table}) would be put back, but a row with the same id was written since (by an import, or another program); nothing was undone"
            )
        }
        _ => error.into(),
    }
}

fn json_path(column: &str) -> String {
    format!("$.\"{}\"", column.replace('"', "\\\""))
}

/// A contact's name, for the words of an undo.
pub fn contact_name(Db { conn }: Db<'_>, contact_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT name FROM contacts WHERE contact_id = ?1",
            [contact_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// One import, as `refprog status` shows the last of each kind.
#[derive(Debug, Clone)]
pub struct Import {
    pub kind: String,
    pub at: String,
    pub file: String,
    pub rows: i64,
    pub inserted: i64,
    pub updated: i64,
}

/// Records an import (in the import's own transaction).
pub fn record_import(Db { conn }: Db<'_>, i: &Import) -> Result<()> {
    conn.execute(
        "INSERT INTO imports (kind, at, file, rows, inserted, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![i.kind, i.at, i.file, i.rows, i.inserted, i.updated],
    )
    .context("recording the import")?;
    Ok(())
}

/// The newest import of each kind, in the order kinds depend on each other.
pub fn last_imports(Db { conn }: Db<'_>) -> Result<Vec<Import>> {
    let mut statement = conn.prepare(
        "SELECT kind, at, file, rows, inserted, updated FROM imports
         WHERE id IN (SELECT max(id) FROM imports GROUP BY kind)
         ORDER BY CASE kind WHEN 'accounts' THEN 1 WHEN 'contacts' THEN 2
                  WHEN 'opportunities' THEN 3 WHEN 'requests' THEN 4 WHEN 'activities' THEN 5
                  ELSE 6 END, kind",
    )?;
    let rows = statement.query_map([], |r| {
        Ok(Import {
            kind: r.get(0)?,
            at: r.get(1)?,
            file: r.get(2)?,
            rows: r.get(3)?,
            inserted: r.get(4)?,
            updated: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
