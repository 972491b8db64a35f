//! The people a name, an email or a mistyped id may mean (`domain::people` decides which).

use anyhow::Result;

use super::Db;

pub use crate::domain::people::Person;

/// The people `given` may name, for [`crate::domain::people::named`]: the one contact
/// whose id is exactly `given` when there is one (an exact id wins, so no one else need be
/// read), else every contact.
pub fn people_named(db: Db<'_>, given: &str) -> Result<Vec<Person>> {
    let exact = read(db, "WHERE c.contact_id = ?1", given)?;
    if exact.is_empty() {
        return people(db);
    }
    Ok(exact)
}

/// Every contact with its account's name.
pub fn people(db: Db<'_>) -> Result<Vec<Person>> {
    read(db, "", "")
}

fn read(Db { conn }: Db<'_>, filter: &str, value: &str) -> Result<Vec<Person>> {
    let mut statement = conn.prepare(&format!(
        "SELECT c.contact_id, c.name, c.email, coalesce(a.name, c.account_id)
         FROM contacts c LEFT JOIN accounts a ON a.account_id = c.account_id
         {filter} ORDER BY c.contact_id"
    ))?;
    let person = |row: &rusqlite::Row<'_>| {
        Ok(Person {
            contact_id: row.get(0)?,
            name: row.get(1)?,
            email: row.get(2)?,
            account: row.get(3)?,
        })
    };
    let rows = if filter.is_empty() {
        statement.query_map([], person)?
    } else {
        statement.query_map([value], person)?
    };
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
