//! Ordered SQL migrations tracked by `PRAGMA user_version`. Each file in `migrations/`
//! is applied once, in its own transaction together with the version bump, so a
//! database is always exactly at one version. A database newer than this binary is
//! refused rather than touched.

use anyhow::{Context, Result, bail};
use rusqlite::Connection;

/// The migrations, in order; the schema version is the number applied.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        "0002_override_index",
        include_str!("../../migrations/0002_override_index.sql"),
    ),
    (
        "0003_application_id",
        include_str!("../../migrations/0003_application_id.sql"),
    ),
];

/// SQLite's application id for refprog databases, set by migration 0003 (keep the two equal).
pub const APPLICATION_ID: i64 = 0x5250_4447;

/// The first version whose databases carry [`APPLICATION_ID`]; older refprog databases are
/// recognised by their tables instead.
const MARKED_FROM: i64 = 3;

/// Tables every refprog database has had since version 1.
const REFPROG_TABLES: &[&str] = &[
    "accounts",
    "contacts",
    "membership_events",
    "opportunities",
    "requests",
    "asks",
    "activities",
    "policy",
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

fn user_version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .context("cannot read the schema version")
}

fn application_id(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA application_id", [], |row| row.get(0))
        .context("cannot read the database's application id")
}

const NOT_OURS: &str = "it is a SQLite database of another program, not refprog's; refprog left it untouched (check --db or REFPROG_DB)";

/// Tells what the open file is, reading only: Ok(true) for an empty database (no schema
/// yet), Ok(false) for a refprog database this binary can open; an error, before anything
/// is written, for another program's database (whatever its user_version) or one from a
/// newer refprog.
pub fn identify(conn: &Connection) -> Result<bool> {
    let version = user_version(conn)?;
    let app = application_id(conn)?;
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if app == APPLICATION_ID {
        check_version(conn)?;
        return Ok(false);
    }
    if app != 0 {
        bail!("{NOT_OURS}");
    }
    if version == 0 && tables.is_empty() {
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        if objects == 0 {
            return Ok(true);
        }
    }
    // A refprog database from before the mark: its version and its tables say so.
    let has_ours = REFPROG_TABLES.iter().all(|t| tables.iter().any(|n| n == t));
    if (1..MARKED_FROM).contains(&version) && has_ours {
        return Ok(false);
    }
    bail!("{NOT_OURS}")
}

/// Refuses a database from a newer refprog.
pub fn check_version(conn: &Connection) -> Result<()> {
    let version = user_version(conn)?;
    if version > latest_version() {
        bail!(
            "it was written by a newer refprog (schema version {version}; this refprog knows up to {}): \
             upgrade refprog; the file was left untouched",
            latest_version()
        );
    }
    Ok(())
}

/// Applies every migration the database does not have yet.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current = user_version(conn)?;
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("migration {name} failed"))?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
            assert!(
                name.starts_with(&format!("{:04}_", index + 1)),
                "{name} out of order"
            );
            assert!(!sql.trim().is_empty(), "{name} is empty");
        }
    }

    #[test]
    fn every_migration_applies_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        migrate(&mut conn).expect("migrates");
        assert_eq!(user_version(&conn).expect("version"), latest_version());
        migrate(&mut conn).expect("a second run does nothing");
        assert_eq!(application_id(&conn).expect("id"), APPLICATION_ID);
    }

    #[test]
    fn the_migration_sets_the_application_id_constant() {
        let sql = MIGRATIONS[MARKED_FROM as usize - 1].1;
        assert!(sql.contains(&format!("application_id = {APPLICATION_ID};")));
    }
}
