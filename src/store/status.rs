//! What `refprog status` counts: rows per kind and the schema version.

use anyhow::Result;

use super::Db;

/// The rows of each kind, with the number of enrolled references and open requests.
pub fn counts(Db { conn }: Db<'_>) -> Result<Vec<(&'static str, i64)>> {
    let queries: [(&str, &str); 6] = [
        ("accounts", "SELECT count(*) FROM accounts"),
        ("contacts", "SELECT count(*) FROM contacts"),
        (
            "references enrolled",
            "SELECT count(*) FROM contacts WHERE tier IS NOT NULL AND opted_out_on IS NULL",
        ),
        ("opportunities", "SELECT count(*) FROM opportunities"),
        ("requests", "SELECT count(*) FROM requests"),
        ("activities", "SELECT count(*) FROM activities"),
    ];
    queries
        .iter()
        .map(|(kind, sql)| Ok((*kind, conn.query_row(sql, [], |row| row.get(0))?)))
        .collect()
}

/// How many accounts there are (the demo writes only into a database with none).
pub fn accounts(Db { conn }: Db<'_>) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))?)
}

/// The newest date recorded for each kind that carries one (the CRMs' exports say when a
/// record was made; refprog keeps no log of imports).
pub fn newest(Db { conn }: Db<'_>) -> Result<Vec<(&'static str, Option<String>)>> {
    let queries: [(&str, &str); 2] = [
        ("requests", "SELECT max(submitted_on) FROM requests"),
        ("activities", "SELECT max(date) FROM activities"),
    ];
    queries
        .iter()
        .map(|(kind, sql)| Ok((*kind, conn.query_row(sql, [], |row| row.get(0))?)))
        .collect()
}

/// How many requests are in each status.
pub fn request_statuses(
    Db { conn }: Db<'_>,
) -> Result<Vec<(crate::domain::model::RequestStatus, i64)>> {
    let mut statement = conn.prepare("SELECT status, count(*) FROM requests GROUP BY status")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn schema_version(Db { conn }: Db<'_>) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}
