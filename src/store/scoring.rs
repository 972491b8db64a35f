//! What `score` reads: accounts as plain facts, the open pipeline, and the asks and
//! activities of a window. The rules that weigh them live in `domain::score`.

use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::Connection;
use rustc_hash::FxHashMap;

use crate::domain::model::{AccountStatus, Milestone, RoleLevel, Signal, Tier};
use crate::domain::policy::LoadEvent;
use crate::domain::score::{AccountFacts, Deal};

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

fn day(value: rusqlite::types::ValueRef<'_>) -> Option<NaiveDate> {
    value.as_str().ok().and_then(|t| t.parse().ok())
}

/// Every account, without the per-contact figures (yes answers, load).
pub fn accounts(conn: &Connection) -> Result<Vec<AccountFacts>> {
    let mut statement = conn.prepare(
        "SELECT account_id, name, industry, employees, country, region, use_case, status, customer_since,
                health, nps, adoption, advanced_adoption, milestone, milestone_date, escalation, signals
         FROM accounts ORDER BY account_id",
    )?;
    let rows = statement.query_map([], |row| {
        let signals: Option<String> = row.get(16)?;
        Ok(AccountFacts {
            account_id: row.get(0)?,
            name: row.get(1)?,
            industry: row.get(2)?,
            employees: row.get(3)?,
            country: row.get(4)?,
            region: row.get(5)?,
            use_case: row.get(6)?,
            status: row
                .get::<_, Option<String>>(7)?
                .and_then(|s| AccountStatus::parse(&s)),
            customer_since: date(row.get(8)?),
            health: row.get(9)?,
            nps: row.get(10)?,
            adoption: row.get(11)?,
            advanced_adoption: row.get(12)?,
            milestone: row
                .get::<_, Option<String>>(13)?
                .and_then(|s| Milestone::parse(&s)),
            milestone_date: date(row.get(14)?),
            escalation: row.get::<_, Option<i64>>(15)?.unwrap_or(0) != 0,
            signals: signals
                .unwrap_or_default()
                .split(';')
                .filter_map(Signal::parse)
                .collect(),
            yes_answers: 0,
            load: 0,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The opportunities still open that close within `from..=to`.
pub fn open_deals(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Deal>> {
    let mut statement = conn.prepare(
        "SELECT industry, employees, country, region, use_case, amount_cents, close_date
         FROM opportunities WHERE status = 'open' AND close_date BETWEEN ?1 AND ?2",
    )?;
    let rows = statement.query_map([from.to_string(), to.to_string()], |row| {
        Ok(Deal {
            industry: row.get(0)?,
            employees: row.get(1)?,
            country: row.get(2)?,
            region: row.get(3)?,
            use_case: row.get(4)?,
            amount_cents: row.get::<_, Option<i64>>(5)?.unwrap_or(0),
            close_date: day(row.get_ref(6)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The asks, and the activities of kinds that count against the limits, dated within
/// `from..=to`.
pub fn load_events(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<LoadEvent>> {
    let (from, to) = (from.to_string(), to.to_string());
    let mut events = Vec::new();
    let mut asks = conn.prepare(
        "SELECT contact_id, request_id, asked_on FROM asks WHERE asked_on BETWEEN ?1 AND ?2",
    )?;
    let mut rows = asks.query([&from, &to])?;
    while let Some(row) = rows.next()? {
        if let Some(day) = day(row.get_ref(2)?) {
            events.push(LoadEvent {
                contact_id: row.get(0)?,
                request_id: row.get(1)?,
                date: day,
            });
        }
    }
    let mut kinds = super::CountedKinds::default();
    let mut activities = conn.prepare(
        "SELECT contact_id, request_id, date, kind FROM activities WHERE date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = activities.query([&from, &to])?;
    while let Some(row) = rows.next()? {
        if !kinds.counts(row.get_ref(3)?.as_str()?) {
            continue;
        }
        if let Some(day) = day(row.get_ref(2)?) {
            events.push(LoadEvent {
                contact_id: row.get(0)?,
                request_id: row.get(1)?,
                date: day,
            });
        }
    }
    Ok(events)
}

/// [`load_events`], grouped by contact id.
pub fn events_by_contact(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<FxHashMap<String, Vec<LoadEvent>>> {
    let mut by: FxHashMap<String, Vec<LoadEvent>> = FxHashMap::default();
    for event in load_events(conn, from, to)? {
        match by.get_mut(&event.contact_id) {
            Some(list) => list.push(event),
            None => {
                by.insert(event.contact_id.clone(), vec![event]);
            }
        }
    }
    Ok(by)
}

/// Asks answered yes, ever, per contact.
pub fn yes_answers(conn: &Connection) -> Result<FxHashMap<String, u32>> {
    let mut statement = conn.prepare(
        "SELECT contact_id, count(*) FROM asks WHERE answer = 'yes' GROUP BY contact_id",
    )?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A contact as `score` reads it, borrowed from the row.
pub struct ContactRow<'r> {
    pub account_id: &'r str,
    pub contact_id: &'r str,
    pub name: &'r str,
    pub role_level: RoleLevel,
    pub tier: Option<Tier>,
    pub opted_out: bool,
}

/// Calls `f` with every contact, in storage order, without copying its texts.
pub fn each_contact(conn: &Connection, mut f: impl FnMut(ContactRow<'_>)) -> Result<()> {
    let mut statement = conn.prepare(
        "SELECT account_id, contact_id, name, role_level, tier, opted_out_on IS NOT NULL
         FROM contacts",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        f(ContactRow {
            account_id: row.get_ref(0)?.as_str()?,
            contact_id: row.get_ref(1)?.as_str()?,
            name: row.get_ref(2)?.as_str()?,
            role_level: RoleLevel::parse(row.get_ref(3)?.as_str()?)
                .unwrap_or(RoleLevel::Individual),
            tier: row.get_ref(4)?.as_str_or_null()?.and_then(Tier::parse),
            opted_out: row.get(5)?,
        });
    }
    Ok(())
}
