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
    (
        "0004_salesforce_ids",
        include_str!("../../migrations/0004_salesforce_ids.sql"),
    ),
    (
        "0006_followup_ids",
        include_str!("../../migrations/0006_followup_ids.sql"),
    ),
    (
        "0007_history",
        include_str!("../../migrations/0007_history.sql"),
    ),
    (
        "0008_prospect_index",
        include_str!("../../migrations/0008_prospect_index.sql"),
    ),
    (
        "0009_read_indexes",
        include_str!("../../migrations/0009_read_indexes.sql"),
    ),
    (
        "0010_enrolled_index",
        include_str!("../../migrations/0010_enrolled_index.sql"),
    ),
    (
        "0011_one_record_reads",
        include_str!("../../migrations/0011_one_record_reads.sql"),
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

/// Migrations with a step in Rust after their SQL (run with SQLite's foreign-key
/// enforcement off, which a table rebuild needs and can change only outside a
/// transaction).
fn rust_step(name: &str) -> Option<fn(&Connection) -> Result<()>> {
    if name.ends_with("_salesforce_ids") {
        return Some(salesforce_ids);
    }
    // The pipeline's sums of a database that has deals already.
    name.ends_with("_one_record_reads")
        .then_some(|conn: &Connection| super::scoring::refresh_pipeline(super::Db { conn }))
}

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
        let step = rust_step(name);
        let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        if step.is_some() && foreign_keys {
            conn.pragma_update(None, "foreign_keys", false)?;
        }
        let applied = (|| -> Result<()> {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)
                .with_context(|| format!("migration {name} failed"))?;
            if let Some(step) = step {
                step(&tx).with_context(|| format!("migration {name} failed"))?;
            }
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
            Ok(())
        })();
        if step.is_some() && foreign_keys {
            conn.pragma_update(None, "foreign_keys", true)?;
        }
        applied?;
    }
    Ok(())
}

/// The tables keyed by a CRM id, and their key.
const KEYED: [(&str, &str); 5] = [
    ("accounts", "account_id"),
    ("contacts", "contact_id"),
    ("opportunities", "opportunity_id"),
    ("requests", "request_id"),
    ("activities", "activity_id"),
];

/// Migration 0004: accounts may be prospects; Salesforce ids in their 18-character form.
fn salesforce_ids(conn: &Connection) -> Result<()> {
    allow_prospects(conn)?;
    for (table, key) in KEYED {
        merge_keys(conn, table, key)?;
    }
    // Every other column holding an id, in any table (whatever later migrations add).
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for column in columns.iter().filter(|c| c.ends_with("_id")) {
            if KEYED.contains(&(table.as_str(), column.as_str())) {
                continue;
            }
            repoint(conn, table, column)?;
        }
    }
    Ok(())
}

/// The 15-character Salesforce ids of a column, with their 18-character forms.
fn short_ids(conn: &Connection, table: &str, column: &str) -> Result<Vec<(String, String)>> {
    let mut statement = conn.prepare(&format!(
        "SELECT DISTINCT {column} FROM {table} WHERE length({column}) = 15"
    ))?;
    let ids: Vec<String> = statement
        .query_map([], |r| r.get::<_, Option<String>>(0))?
        .filter_map(|r| r.transpose())
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids
        .into_iter()
        .filter_map(|id| {
            let long = crate::import::crm::canonical_id(&id).into_owned();
            (long != id).then_some((id, long))
        })
        .collect())
}

/// Gives each row of a keyed table the 18-character form of its id; two rows that name
/// the same record become one, the later-written row's values winning.
fn merge_keys(conn: &Connection, table: &str, key: &str) -> Result<()> {
    let mut renames = short_ids(conn, table, key)?;
    if table == "activities" {
        renames.extend(derived_activity_ids(conn)?);
    }
    let find = format!("SELECT id FROM {table} WHERE {key} = ?1");
    for (short, long) in renames {
        let short_row: i64 = conn.query_row(&find, [&short], |r| r.get(0))?;
        let long_row: Option<i64> = match conn.query_row(&find, [&long], |r| r.get(0)) {
            Ok(id) => Some(id),
            Err(rusqlite::Error::QueryReturnedNoRows) => None,
            Err(e) => return Err(e.into()),
        };
        if let Some(long_row) = long_row {
            let loser = short_row.min(long_row);
            conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [loser])?;
        }
        conn.execute(
            &format!("UPDATE {table} SET {key} = ?1 WHERE {key} = ?2"),
            [&long, &short],
        )?;
    }
    Ok(())
}

/// The activity ids refprog made from a 15-character contact id
/// (`003Dn00000QwErT:2026-11-18:call`), with the 18-character contact id in their place, so
/// the same activity imported again (with either form) is found, not added a second time.
fn derived_activity_ids(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut statement =
        conn.prepare("SELECT activity_id FROM activities WHERE substr(activity_id, 16, 1) = ':'")?;
    let ids: Vec<String> = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids
        .into_iter()
        .filter_map(|id| {
            let (contact, rest) = id.split_at_checked(15)?;
            let long = crate::import::crm::canonical_id(contact);
            (long != contact).then(|| (id.clone(), format!("{long}{rest}")))
        })
        .collect())
}

/// Points a column's 15-character Salesforce ids at their 18-character form. A row that
/// would then repeat another (the same ask of both forms of one contact) is the same fact
/// twice: the copy goes.
fn repoint(conn: &Connection, table: &str, column: &str) -> Result<()> {
    for (short, long) in short_ids(conn, table, column)? {
        conn.execute(
            &format!("UPDATE OR IGNORE {table} SET {column} = ?1 WHERE {column} = ?2"),
            [&long, &short],
        )?;
        conn.execute(
            &format!("DELETE FROM {table} WHERE {column} = ?1"),
            [&short],
        )?;
    }
    Ok(())
}

/// Rebuilds `accounts` with a status CHECK that takes 'prospect', keeping every column and
/// index (read back from the schema, so columns added by other migrations stay).
fn allow_prospects(conn: &Connection) -> Result<()> {
    const OLD: &str = "CHECK (status IN ('active', 'churned'))";
    const NEW: &str = "CHECK (status IN ('active', 'churned', 'prospect'))";
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'accounts'",
        [],
        |r| r.get(0),
    )?;
    if !sql.contains(OLD) {
        bail!("the accounts table does not have the status check this migration widens");
    }
    let indexes: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'accounts' AND sql IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let create = sql
        .replacen("CREATE TABLE accounts", "CREATE TABLE accounts_new", 1)
        .replace(OLD, NEW);
    conn.execute_batch(&create)?;
    conn.execute_batch(
        "INSERT INTO accounts_new SELECT * FROM accounts;
         DROP TABLE accounts;
         ALTER TABLE accounts_new RENAME TO accounts;",
    )?;
    for index in indexes {
        conn.execute_batch(&index)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        // Numbers increase; a gap is a migration of another branch not merged yet (the
        // numbers are made contiguous when the branches meet).
        let mut last = 0;
        for (name, sql) in MIGRATIONS {
            let number: u32 = name[..4].parse().expect("a 4-digit number");
            assert!(number > last, "{name} out of order");
            last = number;
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
