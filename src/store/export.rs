//! Reads every row of a kind in canonical order (by CRM id), streaming.

use anyhow::Result;
use rusqlite::types::ValueRef;

use super::{Db, Value};

use crate::import::spec::KindSpec;

/// The column that dates a row of this table, for "as of D": an activity by its day, a
/// request by the day it was submitted. Other kinds keep no date of their own.
pub fn dated_by(table: &str) -> Option<&'static str> {
    match table {
        "activities" => Some("date"),
        "requests" => Some("submitted_on"),
        _ => None,
    }
}

/// How many rows of `spec` are dated after `as_of` (those `each_row` leaves out).
pub fn count_after(Db { conn }: Db<'_>, spec: &KindSpec, as_of: &str) -> Result<i64> {
    let Some(column) = dated_by(spec.table) else {
        return Ok(0);
    };
    let sql = format!("SELECT count(*) FROM {} WHERE {column} > ?1", spec.table);
    Ok(conn.query_row(&sql, [as_of], |r| r.get(0))?)
}

/// Calls `each` with the stored columns of every row of `spec`, ordered by its id; with
/// `as_of`, only the rows dated on or before it (undated rows stay).
pub fn each_row(
    Db { conn }: Db<'_>,
    spec: &KindSpec,
    as_of: Option<&str>,
    mut each: impl FnMut(&[Value<'_>]) -> Result<()>,
) -> Result<()> {
    let columns: Vec<&str> = spec.stored().filter_map(|(_, f)| f.column).collect();
    let filter = match (as_of, dated_by(spec.table)) {
        (Some(_), Some(column)) => format!(" WHERE {column} IS NULL OR {column} <= ?1"),
        _ => String::new(),
    };
    let sql = format!(
        "SELECT {} FROM {}{filter} ORDER BY {}",
        columns.join(", "),
        spec.table,
        spec.key().name
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = if filter.is_empty() {
        statement.query([])?
    } else {
        statement.query([as_of.unwrap_or_default()])?
    };
    let mut values = Vec::with_capacity(columns.len());
    while let Some(row) = rows.next()? {
        values.clear();
        for i in 0..columns.len() {
            values.push(match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Int(n),
                ValueRef::Real(r) => Value::Real(r),
                // refprog stores no blobs; one put there by another program reads as text.
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    Value::Text(String::from_utf8_lossy(t).into_owned().into())
                }
            });
        }
        each(&values)?;
    }
    Ok(())
}
