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
        "0006_followup_ids",
        include_str!("../../migrations/0006_followup_ids.sql"),
    ),
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

fn user_version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .context("cannot read the schema version (is this a SQLite database?)")
}

/// Refuses a database from a newer refprog, or a SQLite database that is not refprog's.
pub fn check_version(conn: &Connection) -> Result<()> {
    let version = user_version(conn)?;
    if version > latest_version() {
        bail!(
            "it was written by a newer refprog (schema version {version}; this refprog knows up to {}): \
             upgrade refprog; the file was left untouched",
            latest_version()
        );
    }
    if version == 0 {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |row| row.get(0),
        )?;
        if tables > 0 {
            bail!(
                "it is a SQLite database of another program, not refprog's; refprog left it untouched"
            );
        }
    }
    Ok(())
}

/// True for a database with no schema yet.
pub fn is_new(conn: &Connection) -> Result<bool> {
    Ok(user_version(conn)? == 0)
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
    }
}
