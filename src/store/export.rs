//! Reads every row of a kind in canonical order (by CRM id), streaming.

use anyhow::Result;
use rusqlite::Connection;
use rusqlite::types::Value;

use crate::import::spec::KindSpec;

/// Calls `each` with the stored columns of every row of `spec`, ordered by its id.
pub fn each_row(
    conn: &Connection,
    spec: &KindSpec,
    mut each: impl FnMut(&[Value]) -> Result<()>,
) -> Result<()> {
    let columns: Vec<&str> = spec.stored().filter_map(|(_, f)| f.column).collect();
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        spec.table,
        spec.key().name
    );
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([])?;
    let mut values = Vec::with_capacity(columns.len());
    while let Some(row) = rows.next()? {
        values.clear();
        for i in 0..columns.len() {
            values.push(row.get::<_, Value>(i)?);
        }
        each(&values)?;
    }
    Ok(())
}
