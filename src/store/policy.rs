//! The policy table: the values the program manager changed.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use rusqlite::params;

use super::Db;

use crate::domain::policy::Policy;

/// The policy in force: defaults with every stored change applied.
pub fn load(Db { conn }: Db<'_>) -> Result<Policy> {
    let mut policy = Policy::default();
    for (key, value, _) in changes(Db { conn })? {
        if let Err(expected) = policy.set_unchecked(&key, &value) {
            bail!(
                "the stored policy value {key} = '{value}' is not valid ({expected}); fix it with \
                 'refprog policy set {key} VALUE' or 'refprog policy reset {key}'"
            );
        }
    }
    if let Err(why) = policy.bounds() {
        bail!(
            "the stored policy does not hold together: {why}; fix it with 'refprog policy set' or 'refprog policy reset'"
        );
    }
    Ok(policy)
}

/// The stored changes: key, value, and the day it was set.
pub fn changes(Db { conn }: Db<'_>) -> Result<Vec<(String, String, String)>> {
    let mut statement = conn.prepare("SELECT key, value, set_on FROM policy ORDER BY key")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect::<rusqlite::Result<_>>()
        .context("reading the policy")
}

pub fn set(Db { conn }: Db<'_>, key: &str, value: &str, today: NaiveDate) -> Result<()> {
    conn.execute(
        "INSERT INTO policy (key, value, set_on) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_on = excluded.set_on",
        params![key, value, today.to_string()],
    )?;
    Ok(())
}

/// Removes the change to `key`, or every change; returns how many there were.
pub fn reset(Db { conn }: Db<'_>, key: Option<&str>) -> Result<usize> {
    Ok(match key {
        Some(key) => conn.execute("DELETE FROM policy WHERE key = ?1", [key])?,
        None => conn.execute("DELETE FROM policy", [])?,
    })
}
