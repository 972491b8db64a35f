//! The people a name, an email or a mistyped id may mean (`commands::lookup`).

use anyhow::Result;

use super::Db;

/// A contact as a person names them.
#[derive(Debug, Clone)]
pub struct Person {
    pub contact_id: String,
    pub name: String,
    pub email: Option<String>,
    pub account: String,
}

/// Every contact with its account's name.
pub fn people(Db { conn }: Db<'_>) -> Result<Vec<Person>> {
    let mut statement = conn.prepare(
        "SELECT c.contact_id, c.name, c.email, coalesce(a.name, c.account_id)
         FROM contacts c LEFT JOIN accounts a ON a.account_id = c.account_id
         ORDER BY c.contact_id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(Person {
            contact_id: row.get(0)?,
            name: row.get(1)?,
            email: row.get(2)?,
            account: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether a contact has exactly this id.
pub fn has_contact(Db { conn }: Db<'_>, contact_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM contacts WHERE contact_id = ?1")?
        .exists([contact_id])?)
}

/// The id of an activity already recorded with this contact, kind, date and request (or
/// none), so the same call logged twice can be caught.
pub fn same_activity(
    Db { conn }: Db<'_>,
    contact_id: &str,
    kind: &str,
    date: &str,
    request_id: Option<&str>,
) -> Result<Option<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT activity_id FROM activities
         WHERE contact_id = ?1 AND kind = ?2 AND date = ?3 AND request_id IS ?4
         ORDER BY activity_id LIMIT 1",
    )?;
    let mut rows = statement.query(rusqlite::params![contact_id, kind, date, request_id])?;
    Ok(match rows.next()? {
        Some(row) => Some(row.get(0)?),
        None => None,
    })
}
