//! Activities one at a time, as `refprog activity` lists, changes and removes them.

use anyhow::Result;

use super::Db;

/// One recorded activity with its contact's name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ActivityRow {
    pub activity_id: String,
    pub date: String,
    pub contact_id: String,
    pub name: String,
    pub kind: String,
    pub request_id: Option<String>,
    pub minutes: Option<i64>,
    pub override_reason: Option<String>,
    pub notes: Option<String>,
    pub reference_rating: Option<i64>,
    pub prospect_rating: Option<i64>,
}

const SELECT: &str = "SELECT a.activity_id, a.date, a.contact_id, coalesce(c.name, ''), a.kind,
        a.request_id, a.minutes, a.override_reason, a.notes, a.reference_rating, a.prospect_rating
    FROM activities a LEFT JOIN contacts c ON c.contact_id = a.contact_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRow> {
    Ok(ActivityRow {
        activity_id: r.get(0)?,
        date: r.get(1)?,
        contact_id: r.get(2)?,
        name: r.get(3)?,
        kind: r.get(4)?,
        request_id: r.get(5)?,
        minutes: r.get(6)?,
        override_reason: r.get(7)?,
        notes: r.get(8)?,
        reference_rating: r.get(9)?,
        prospect_rating: r.get(10)?,
    })
}

/// Activities up to `until`, newest first, of one contact or request when given.
pub fn list(
    Db { conn }: Db<'_>,
    contact_id: Option<&str>,
    request_id: Option<&str>,
    until: &str,
) -> Result<Vec<ActivityRow>> {
    let sql = format!(
        "{SELECT} WHERE (?1 IS NULL OR a.contact_id = ?1) AND (?2 IS NULL OR a.request_id = ?2)
           AND a.date <= ?3
         ORDER BY a.date DESC, a.activity_id DESC"
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(rusqlite::params![contact_id, request_id, until], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(Db { conn }: Db<'_>, activity_id: &str) -> Result<Option<ActivityRow>> {
    let mut statement = conn.prepare(&format!("{SELECT} WHERE a.activity_id = ?1"))?;
    let mut rows = statement.query_map([activity_id], row)?;
    Ok(rows.next().transpose()?)
}

pub fn delete(Db { conn }: Db<'_>, activity_id: &str) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM activities WHERE activity_id = ?1",
        [activity_id],
    )?)
}

/// Writes every field of an activity `activity edit` may change (its id stays).
pub fn update(Db { conn }: Db<'_>, a: &ActivityRow) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE activities SET contact_id = ?2, request_id = ?3, kind = ?4, date = ?5, minutes = ?6,
            override_reason = ?7, notes = ?8, reference_rating = ?9, prospect_rating = ?10
         WHERE activity_id = ?1",
        rusqlite::params![
            a.activity_id,
            a.contact_id,
            a.request_id,
            a.kind,
            a.date,
            a.minutes,
            a.override_reason,
            a.notes,
            a.reference_rating,
            a.prospect_rating
        ],
    )?)
}
