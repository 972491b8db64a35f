//! `refprog undo [--dry-run]`: reverts the last change made by hand (never an import), in
//! one transaction, and says in words what it undid. A second undo reverts the change
//! before; there is no redo (the command can be run again). The history is kept by
//! `store::history`, without the commands doing anything.

use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::cli::UndoArgs;
use crate::output::{Cell, Column, Format, Out};
use crate::stamp;
use crate::store::Store;
use crate::store::history::{self, Change, RowChange};

pub fn run(args: &UndoArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    if args.list {
        return list(store, out);
    }
    let Some(change) = history::last(store.db())? else {
        let undone = history::undone(store.db())?;
        if undone > 0 {
            bail!(
                "nothing left to undo: the {undone} change(s) made by hand are undone already (there is no redo: run the command again; imports are not undone)"
            );
        }
        bail!(
            "nothing to undo: no change made by hand is left in {} (imports are not undone: re-import the file, or restore a backup)",
            store.path().display()
        );
    };
    let rows = net(&change.rows);
    let title = title(store.db(), &change, &rows)?;
    let tense = if args.dry_run { "would be" } else { "is" };
    let effects = effects(store.db(), &rows, tense)?;
    let at = stamp(today);
    let conflict = store.in_transaction(|tx| {
        let conflict = history::revert(tx, &change, &at)?;
        Ok((conflict.clone(), conflict.is_none() && !args.dry_run))
    })?;
    if let Some(conflict) = conflict {
        let label = label(store.db(), &conflict.table, &conflict.row, false)?;
        let what = match &conflict.now {
            None => "was deleted since, by an import or another program".to_string(),
            Some(now) => {
                let changed: Vec<String> = conflict
                    .row
                    .iter()
                    .filter(|(k, v)| now.get(k.as_str()).is_some_and(|n| n != *v))
                    .map(|(k, v)| {
                        format!(
                            "{} is now {}, not {}",
                            k.replace('_', " "),
                            value_words(now.get(k.as_str())),
                            value_words(Some(v))
                        )
                    })
                    .collect();
                if changed.is_empty() {
                    "is there again, put back by an import or another program".to_string()
                } else {
                    format!(
                        "was changed since, by an import or another program ({})",
                        changed.join("; ")
                    )
                }
            }
        };
        bail!(
            "cannot undo {title}: {label} {what}, and undo would overwrite that; nothing was undone"
        );
    }
    let verb = if args.dry_run { "would undo" } else { "undid" };
    let effects = if effects.is_empty() {
        vec![format!(
            "its entries in the history of a request or a reference {tense} removed"
        )]
    } else {
        effects
    };
    if out.format == Format::Json {
        return out.json(&serde_json::json!({
            "undone": !args.dry_run,
            "change": title,
            "effects": effects,
            "command": change.line,
            "at": change.at,
        }));
    }
    out.note(format!("{verb}: {title} — {}", effects.join("; ")));
    out.note(format!("(the command was: {})", change.line));
    if args.dry_run {
        out.note("dry run: nothing was changed; run 'refprog undo' to undo it");
    }
    Ok(())
}

/// `undo --list`: the changes made by hand, newest first; the first not undone is the one
/// `undo` takes back next.
fn list(store: &mut Store, out: &mut Out) -> Result<()> {
    let mut table = out.rows(&[
        Column::number("change"),
        Column::id("at"),
        Column::id("command"),
        Column::date("undone_on"),
        Column::number("rows").wide(),
        Column::id("undone_at").wide(),
        Column::long("command_line").wide(),
    ])?;
    for c in history::list(store.db())? {
        table.row(vec![
            Cell::Int(c.id),
            Cell::from(c.at),
            Cell::from(c.command),
            Cell::from(
                c.undone_at
                    .as_ref()
                    .map(|a| a.chars().take(10).collect::<String>()),
            ),
            Cell::Int(c.rows),
            Cell::from(c.undone_at),
            Cell::from(c.line),
        ])?;
    }
    table.finish()
}

/// One row's net change over the whole command (a row updated twice shows once).
struct Net<'a> {
    table: &'a str,
    before: Option<&'a Map<String, Value>>,
    after: Option<&'a Map<String, Value>>,
}

fn net(rows: &[RowChange]) -> Vec<Net<'_>> {
    let mut out: Vec<(i64, Net<'_>)> = Vec::new();
    for row in rows {
        match out
            .iter_mut()
            .find(|(id, n)| *id == row.row_id && n.table == row.table)
        {
            Some((_, n)) => n.after = row.after.as_ref(),
            None => out.push((
                row.row_id,
                Net {
                    table: &row.table,
                    before: row.before.as_ref(),
                    after: row.after.as_ref(),
                },
            )),
        }
    }
    out.into_iter()
        .map(|(_, n)| n)
        .filter(|n| n.before != n.after && !n.table.ends_with("_events"))
        .collect()
}

/// The row the change was about: an activity before a request before the rest.
fn primary(rows: &[Net<'_>]) -> Option<usize> {
    let order = [
        "activities",
        "requests",
        "asks",
        "contacts",
        "followup_snoozes",
        "policy",
    ];
    let rank = |t: &str| order.iter().position(|o| *o == t).unwrap_or(order.len());
    (0..rows.len()).min_by_key(|&i| rank(rows[i].table))
}

fn text<'a>(row: &'a Map<String, Value>, field: &str) -> &'a str {
    row.get(field).and_then(Value::as_str).unwrap_or("?")
}

fn person(conn: crate::store::Db<'_>, contact_id: &str) -> Result<String> {
    Ok(match history::contact_name(conn, contact_id)? {
        Some(name) => format!("{name} ({contact_id})"),
        None => contact_id.to_string(),
    })
}

/// "log-call of a check-in for Sam Lee (S) on 2026-11-23 (ACT-00012)".
fn title(conn: crate::store::Db<'_>, change: &Change, rows: &[Net<'_>]) -> Result<String> {
    let Some(n) = primary(rows).map(|i| &rows[i]) else {
        return Ok(change.command.clone());
    };
    let row = n.after.or(n.before).cloned().unwrap_or_default();
    let thing = match n.table {
        "activities" => format!(
            "a {} for {} on {} ({})",
            text(&row, "kind"),
            person(conn, text(&row, "contact_id"))?,
            text(&row, "date"),
            text(&row, "activity_id")
        ),
        "followup_snoozes" => format!("follow-up {}", text(&row, "followup_id")),
        _ => label(conn, n.table, &row, false)?,
    };
    Ok(format!("{} of {thing}", change.command))
}

/// How a row is named in words; `the` names the row the change was about.
fn label(
    conn: crate::store::Db<'_>,
    table: &str,
    row: &Map<String, Value>,
    the: bool,
) -> Result<String> {
    Ok(match (table, the) {
        ("activities", true) => "the activity".to_string(),
        ("activities", false) => format!("activity {}", text(row, "activity_id")),
        ("requests", true) => "the request".to_string(),
        ("requests", false) => format!(
            "request {} ({})",
            text(row, "request_id"),
            text(row, "prospect")
        ),
        ("asks", _) => format!(
            "the ask of {} on {}",
            person(conn, text(row, "contact_id"))?,
            text(row, "request_id")
        ),
        ("contacts", _) => format!("{} ({})", text(row, "name"), text(row, "contact_id")),
        ("followup_snoozes", true) => "the snooze".to_string(),
        ("followup_snoozes", false) => {
            format!("the snooze of follow-up {}", text(row, "followup_id"))
        }
        ("policy", _) => format!("policy {}", text(row, "key")),
        (other, _) => format!("a row of {other}"),
    })
}

/// "deal size 120000" for money kept in cents, "needed by 2026-12-01" for the rest.
fn field_words(column: &str, value: &Value) -> String {
    match (column.strip_suffix("_cents"), value.as_i64()) {
        (Some(name), Some(cents)) => format!(
            "{} {}",
            name.replace('_', " "),
            crate::import::values::format_money_cents(cents)
        ),
        _ => format!("{} {}", column.replace('_', " "), value_words(Some(value))),
    }
}

fn value_words(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "none".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What undoing does to each row, in words: "the activity is deleted", "request
/// REQ-00003 (Acme) is back to status scheduled".
fn effects(conn: crate::store::Db<'_>, rows: &[Net<'_>], tense: &str) -> Result<Vec<String>> {
    let main = primary(rows);
    let mut out = Vec::new();
    for (i, n) in rows.iter().enumerate() {
        let the = main == Some(i);
        let row = n.after.or(n.before).cloned().unwrap_or_default();
        let label = label(conn, n.table, &row, the)?;
        out.push(match (n.before, n.after) {
            // A policy value set by hand is a row; no row is the default.
            (None, _) if n.table == "policy" => format!("{label} {tense} back to its default"),
            (Some(before), _) if n.table == "policy" => format!(
                "{label} {tense} back to {}",
                value_words(before.get("value"))
            ),
            (None, _) => format!("{label} {tense} deleted"),
            (Some(_), None) => format!("{label} {tense} back"),
            (Some(before), Some(after)) => {
                let fields: Vec<String> = before
                    .iter()
                    .filter(|(k, v)| k.as_str() != "id" && after.get(k.as_str()) != Some(v))
                    .map(|(k, v)| field_words(k, v))
                    .collect();
                format!("{label} {tense} back to {}", fields.join(", "))
            }
        });
    }
    Ok(out)
}
