//! What `score` reads: accounts as plain facts, the open pipeline, and the asks and
//! activities of a window. The rules that weigh them live in `domain::score`.

use anyhow::Result;
use chrono::NaiveDate;
use compact_str::CompactString;
use rusqlite::{Connection, OptionalExtension};

use std::sync::Arc;

use super::{Db, Store};
use rustc_hash::FxHashMap;

use crate::domain::model::{AccountStatus, Milestone, RoleLevel, Signal, Tier};
use crate::domain::policy::LoadEvent;
use crate::domain::score::{AccountFacts, Deal, DealFacts, Shared};

use super::stored_date as day;

const ACCOUNT_COLUMNS: &str = "SELECT account_id, name, industry, employees, country, region, use_case, status, customer_since,
        health, nps, adoption, advanced_adoption, milestone, milestone_date, escalation, signals
 FROM accounts";

/// Every account, without the per-contact figures (yes answers, load).
pub fn accounts(Db { conn }: Db<'_>) -> Result<Vec<AccountFacts>> {
    let capacity: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM accounts", [], |r| {
        r.get(0)
    })?;
    let mut accounts = Vec::with_capacity(capacity.clamp(0, 1 << 24) as usize);
    let mut statement = conn.prepare(ACCOUNT_COLUMNS)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        accounts.push(account_facts(row)?);
    }
    Ok(accounts)
}

/// The account `account_id`, without the per-contact figures; None when there is none.
pub fn account(Db { conn }: Db<'_>, account_id: &str) -> Result<Option<AccountFacts>> {
    let mut statement = conn.prepare(&format!("{ACCOUNT_COLUMNS} WHERE account_id = ?1"))?;
    let mut rows = statement.query([account_id])?;
    Ok(match rows.next()? {
        Some(row) => Some(account_facts(row)?),
        None => None,
    })
}

fn account_facts(row: &rusqlite::Row<'_>) -> Result<AccountFacts> {
    let text =
        |i: usize| -> rusqlite::Result<Option<&str>> { Ok(row.get_ref(i)?.as_str_or_null()?) };
    Ok(AccountFacts {
        account_id: text(0)?.unwrap_or_default().into(),
        name: text(1)?.unwrap_or_default().into(),
        industry: text(2)?.map(Into::into),
        employees: row.get(3)?,
        country: text(4)?.map(Into::into),
        region: text(5)?.map(Into::into),
        use_case: text(6)?.map(Into::into),
        status: text(7)?.and_then(AccountStatus::parse),
        customer_since: day(row.get_ref(8)?),
        health: row.get(9)?,
        nps: row.get(10)?,
        adoption: row.get(11)?,
        advanced_adoption: row.get(12)?,
        milestone: text(13)?.and_then(Milestone::parse),
        milestone_date: day(row.get_ref(14)?),
        escalation: row.get::<_, Option<i64>>(15)?.unwrap_or(0) != 0,
        signals: text(16)?
            .unwrap_or_default()
            .split(';')
            .filter_map(Signal::parse)
            .collect(),
        yes_answers: 0,
        load: 0,
    })
}

/// Calls `f` with every opportunity still open that closes within `from..=to`, its texts
/// borrowed from the row, from the index that holds them
/// (`opportunities_by_status_close`, widened by migration 0009) without a seek into the table.
pub fn each_open_deal(
    Db { conn }: Db<'_>,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(DealFacts<'_>),
) -> Result<()> {
    let mut statement = conn.prepare(
        "SELECT industry, employees, country, region, use_case, amount_cents, close_date
         FROM opportunities WHERE status = 'open' AND close_date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = statement.query([from.to_string(), to.to_string()])?;
    while let Some(row) = rows.next()? {
        let text =
            |i: usize| -> rusqlite::Result<Option<&str>> { Ok(row.get_ref(i)?.as_str_or_null()?) };
        f(DealFacts {
            industry: text(0)?,
            employees: row.get(1)?,
            country: text(2)?,
            region: text(3)?,
            use_case: text(4)?,
            amount_cents: row.get::<_, Option<i64>>(5)?.unwrap_or(0),
            close_date: day(row.get_ref(6)?),
        });
    }
    Ok(())
}

/// Whether `pipeline_tallies` sums the open deals as they are (migration 0011).
fn pipeline_current(conn: &Connection) -> Result<bool> {
    let current: Option<i64> = conn
        .prepare_cached("SELECT current FROM pipeline_state WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(current == Some(1))
}

/// Marks the pipeline's sums stale, as a change to an open deal does (for a load that
/// writes deals without the triggers, see `store::import`).
pub fn mark_pipeline_stale(Db { conn }: Db<'_>) -> Result<()> {
    conn.execute("UPDATE pipeline_state SET current = 0 WHERE id = 1", [])?;
    Ok(())
}

/// Sums the open deals into `pipeline_tallies` again when a change to them marked the sums
/// stale (the triggers of migration 0011); called before every write transaction commits,
/// so refprog's own changes never leave them stale. One pass over the open deals, in the
/// order of `opportunities_by_status_close` (closing day first): each day's groups are
/// summed and written when the next day begins.
pub fn refresh_pipeline(Db { conn }: Db<'_>) -> Result<()> {
    if pipeline_current(conn)? {
        return Ok(());
    }
    const ATTRIBUTES: [&str; 4] = ["industry", "band", "place", "use_case"];
    /// Texts seen, numbered, so a group is keyed by numbers (None is `NONE`).
    #[derive(Default)]
    struct Texts {
        ids: FxHashMap<String, u32>,
        names: Vec<String>,
    }
    const NONE: u32 = u32::MAX;
    impl Texts {
        fn id(&mut self, text: Option<&str>) -> u32 {
            let Some(text) = text else {
                return NONE;
            };
            if let Some(id) = self.ids.get(text) {
                return *id;
            }
            let id = self.names.len() as u32;
            self.names.push(text.to_string());
            self.ids.insert(text.to_string(), id);
            id
        }
        fn name(&self, id: u32) -> Option<&str> {
            self.names.get(id as usize).map(String::as_str)
        }
    }
    conn.execute("DELETE FROM pipeline_tallies", [])?;
    let mut texts = Texts::default();
    let mut insert = conn.prepare(
        "INSERT INTO pipeline_tallies (close_date, attribute, value, region, deals, amount_cents)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    // The groups of one closing day: (attribute, value, region) -> (deals, cents).
    let mut groups: FxHashMap<(usize, u32, u32), (i64, i64)> = FxHashMap::default();
    let mut day = String::new();
    let mut flush = |day: &str,
                     groups: &mut FxHashMap<(usize, u32, u32), (i64, i64)>,
                     texts: &Texts|
     -> Result<()> {
        let mut sorted: Vec<_> = groups.drain().collect();
        sorted.sort_unstable();
        for ((attribute, value, region), (deals, cents)) in sorted {
            insert.execute(rusqlite::params![
                day,
                ATTRIBUTES[attribute],
                texts.name(value),
                texts.name(region),
                deals,
                cents
            ])?;
        }
        Ok(())
    };
    let mut statement = conn.prepare(
        "SELECT close_date, industry, employees, country, region, use_case, amount_cents
         FROM opportunities WHERE status = 'open' AND close_date IS NOT NULL
         ORDER BY close_date",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        // A value refprog never stores (a number where a text belongs, a text where a
        // number does: written from outside) leaves the sums stale, and `score --explain`
        // reads the deals as it always did.
        let (
            Ok(close),
            Ok(industry),
            Ok(employees),
            Ok(country),
            Ok(region),
            Ok(use_case),
            Ok(cents),
        ) = (
            row.get::<_, String>(0),
            row.get::<_, Option<String>>(1),
            row.get::<_, Option<i64>>(2),
            row.get::<_, Option<String>>(3),
            row.get::<_, Option<String>>(4),
            row.get::<_, Option<String>>(5),
            row.get::<_, Option<i64>>(6),
        )
        else {
            drop(rows);
            conn.execute("DELETE FROM pipeline_tallies", [])?;
            return Ok(());
        };
        if close != day {
            flush(&day, &mut groups, &texts)?;
            day = close;
        }
        let band = employees.map(|e| crate::domain::segments::SizeBand::of(e).as_str());
        let cents = cents.unwrap_or(0);
        for key in [
            (0, texts.id(industry.as_deref()), NONE),
            (1, texts.id(band), NONE),
            (2, texts.id(country.as_deref()), texts.id(region.as_deref())),
            (3, texts.id(use_case.as_deref()), NONE),
        ] {
            let sum = groups.entry(key).or_default();
            sum.0 += 1;
            sum.1 = sum.1.saturating_add(cents);
        }
    }
    flush(&day, &mut groups, &texts)?;
    conn.execute("UPDATE pipeline_state SET current = 1 WHERE id = 1", [])?;
    Ok(())
}

/// Calls `f` with every group of open deals closing within `from..=to` that
/// `pipeline_tallies` keeps (its closing day, what the deals share, how many, their
/// amount), and says true; says false, calling nothing, when the sums are stale (a change
/// made outside refprog): the caller then reads the deals ([`each_open_deal`]). One
/// statement, so the sums and whether they are current are of one commit.
pub fn each_pipeline_group(
    Db { conn }: Db<'_>,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(Option<NaiveDate>, Shared<'_>, u64, i64),
) -> Result<bool> {
    let mut statement = conn.prepare(
        "SELECT 0, close_date, attribute, value, region, deals, amount_cents
         FROM pipeline_tallies
         WHERE (SELECT current FROM pipeline_state WHERE id = 1) = 1
           AND close_date BETWEEN ?1 AND ?2
         UNION ALL
         SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL
         WHERE (SELECT current FROM pipeline_state WHERE id = 1) IS NOT 1",
    )?;
    let mut rows = statement.query([from.to_string(), to.to_string()])?;
    while let Some(row) = rows.next()? {
        if row.get::<_, i64>(0)? == 1 {
            return Ok(false);
        }
        let text =
            |i: usize| -> rusqlite::Result<Option<&str>> { Ok(row.get_ref(i)?.as_str_or_null()?) };
        let (value, region) = (text(3)?, text(4)?);
        let shared = match text(2)?.unwrap_or_default() {
            "industry" => Shared::Industry(value),
            "band" => Shared::Band(
                crate::domain::segments::SizeBand::ALL
                    .into_iter()
                    .find(|b| Some(b.as_str()) == value),
            ),
            "place" => Shared::Place {
                country: value,
                region,
            },
            "use_case" => Shared::UseCase(value),
            _ => continue,
        };
        let deals = row.get::<_, i64>(5)?.max(0) as u64;
        f(day(row.get_ref(1)?), shared, deals, row.get(6)?);
    }
    Ok(true)
}

/// The opportunities still open that close within `from..=to`.
pub fn open_deals(Db { conn }: Db<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<Deal>> {
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
pub fn load_events(conn: Db<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<LoadEvent>> {
    load_events_of(conn, from, to, |_| true)
}

/// [`load_events`] of the contacts `keep` accepts.
fn load_events_of(
    Db { conn }: Db<'_>,
    from: NaiveDate,
    to: NaiveDate,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<LoadEvent>> {
    let mut events = Vec::new();
    read_load_events(
        conn,
        LOAD_ASKS,
        LOAD_ACTIVITIES,
        &[&from.to_string(), &to.to_string()],
        keep,
        &mut events,
    )?;
    Ok(events)
}

const LOAD_ASKS: &str =
    "SELECT contact_id, request_id, asked_on FROM asks WHERE asked_on BETWEEN ?1 AND ?2";
const LOAD_ACTIVITIES: &str =
    "SELECT contact_id, request_id, date, kind FROM activities WHERE date BETWEEN ?1 AND ?2";

/// [`load_events`] of one contact, read through the contact's indexes.
pub fn contact_load_events(
    Db { conn }: Db<'_>,
    contact_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LoadEvent>> {
    let mut events = Vec::new();
    read_load_events(
        conn,
        "SELECT contact_id, request_id, asked_on FROM asks
         WHERE asked_on BETWEEN ?1 AND ?2 AND contact_id = ?3",
        "SELECT contact_id, request_id, date, kind FROM activities
         WHERE date BETWEEN ?1 AND ?2 AND contact_id = ?3",
        &[&from.to_string(), &to.to_string(), &contact_id],
        |_| true,
        &mut events,
    )?;
    Ok(events)
}

fn read_load_events(
    conn: &Connection,
    asks_sql: &str,
    activities_sql: &str,
    params: &[&dyn rusqlite::ToSql],
    keep: impl Fn(&str) -> bool,
    events: &mut Vec<LoadEvent>,
) -> Result<()> {
    let mut asks = conn.prepare(asks_sql)?;
    let mut rows = asks.query(params)?;
    while let Some(row) = rows.next()? {
        if !keep(row.get_ref(0)?.as_str()?) {
            continue;
        }
        if let Some(day) = day(row.get_ref(2)?) {
            events.push(LoadEvent {
                contact_id: row.get_ref(0)?.as_str()?.into(),
                request_id: row.get_ref(1)?.as_str_or_null()?.map(Into::into),
                date: day,
                ask: true,
            });
        }
    }
    let mut kinds = super::CountedKinds::default();
    let mut activities = conn.prepare(activities_sql)?;
    let mut rows = activities.query(params)?;
    while let Some(row) = rows.next()? {
        if !kinds.counts(row.get_ref(3)?.as_str()?) || !keep(row.get_ref(0)?.as_str()?) {
            continue;
        }
        if let Some(day) = day(row.get_ref(2)?) {
            events.push(LoadEvent {
                contact_id: row.get_ref(0)?.as_str()?.into(),
                request_id: row.get_ref(1)?.as_str_or_null()?.map(Into::into),
                date: day,
                ask: false,
            });
        }
    }
    Ok(())
}

/// The load events of every contact (or every member) dated in one range, each contact's
/// oldest first.
pub struct ByContact {
    from: NaiveDate,
    to: NaiveDate,
    by: FxHashMap<CompactString, Vec<LoadEvent>>,
}

/// [`load_events`] dated `from..=to`, by contact: what [`ByContact::of`] gives.
pub struct Events {
    all: Arc<ByContact>,
    from: NaiveDate,
    to: NaiveDate,
}

impl Events {
    /// The contact's events dated in the range asked, oldest first (none for a contact
    /// that has none).
    pub fn of(&self, contact_id: &str) -> &[LoadEvent] {
        let list = self.all.by.get(contact_id).map_or(&[][..], Vec::as_slice);
        if (self.from, self.to) == (self.all.from, self.all.to) {
            return list;
        }
        let start = list.partition_point(|e| e.date < self.from);
        let end = list.partition_point(|e| e.date <= self.to);
        &list[start..end.max(start)]
    }

    /// Each contact with events in the range asked, and those events.
    pub fn each(&self) -> impl Iterator<Item = (&str, &[LoadEvent])> {
        self.all
            .by
            .keys()
            .map(|contact| (contact.as_str(), self.of(contact)))
            .filter(|(_, events)| !events.is_empty())
    }
}

/// [`load_events`] dated `from..=to`, grouped by contact id. For a command that keeps
/// what it reads ([`Store::keep_members`]), only the members' (the analyses that share
/// them go through the members), and a range inside one read before is taken from it
/// rather than read again (the review's utilization, coverage, health and period load read
/// the same year).
pub fn events_by_contact(store: &Store, from: NaiveDate, to: NaiveDate) -> Result<Events> {
    let view = |all: Arc<ByContact>| Events { all, from, to };
    let Some(kept) = &store.kept else {
        return Ok(view(Arc::new(read_by_contact(
            store.db(),
            from,
            to,
            |_| true,
        )?)));
    };
    // Kept, only the members' events are read: the analyses that share them go through
    // the members, and two activities in three are by other contacts. (The kept members
    // are shared, not copied; their set is made only when the events are read.)
    let members = super::roster::members(store)?;
    let mut kept = kept
        .events
        .lock()
        .map_err(|_| anyhow::anyhow!("another analysis failed while reading the load"))?;
    if let Some(all) = kept.as_ref().filter(|all| all.from <= from && to <= all.to) {
        return Ok(view(all.clone()));
    }
    // The newest read is kept: the review asks for the widest range first.
    let set = super::IdSet::new(members.iter().map(|m| m.contact_id.as_str()));
    let all = Arc::new(read_by_contact(store.db(), from, to, |id| {
        set.contains(id)
    })?);
    *kept = Some(all.clone());
    Ok(view(all))
}

fn read_by_contact(
    conn: Db<'_>,
    from: NaiveDate,
    to: NaiveDate,
    keep: impl Fn(&str) -> bool,
) -> Result<ByContact> {
    let mut by: FxHashMap<CompactString, Vec<LoadEvent>> = FxHashMap::default();
    for event in load_events_of(conn, from, to, keep)? {
        match by.get_mut(&event.contact_id) {
            Some(list) => list.push(event),
            None => {
                by.insert(event.contact_id.clone(), vec![event]);
            }
        }
    }
    // Stable: an ask stays before the activities of its day.
    for list in by.values_mut() {
        list.sort_by_key(|e| e.date);
    }
    Ok(ByContact { from, to, by })
}

/// Asks answered yes by `until` (as of that day), per contact.
pub fn yes_answers(Db { conn }: Db<'_>, until: NaiveDate) -> Result<FxHashMap<String, u32>> {
    let mut statement = conn.prepare(
        "SELECT contact_id, count(*) FROM asks
         WHERE answer = 'yes' AND coalesce(answered_on, asked_on) <= ?1 GROUP BY contact_id",
    )?;
    let rows = statement.query_map([until.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Asks answered yes by `until` (as of that day) by one contact.
pub fn contact_yes_answers(Db { conn }: Db<'_>, contact_id: &str, until: NaiveDate) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM asks
         WHERE contact_id = ?1 AND answer = 'yes' AND coalesce(answered_on, asked_on) <= ?2",
        rusqlite::params![contact_id, until.to_string()],
        |r| r.get(0),
    )?)
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

/// The smallest and the largest row id of the contacts ((1, 0) when there are none). Two
/// subqueries, because SQLite reads `min` and `max` of a rowid from the ends of the table
/// only when a query has one of them: both in one query scanned every contact.
pub fn contact_rows(Db { conn }: Db<'_>) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT coalesce((SELECT min(id) FROM contacts), 1),
                coalesce((SELECT max(id) FROM contacts), 0)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Calls `f` with every contact whose row id is in `rows`, in storage order, without
/// copying its texts.
pub fn each_contact(
    Db { conn }: Db<'_>,
    rows: std::ops::RangeInclusive<i64>,
    f: impl FnMut(ContactRow<'_>),
) -> Result<()> {
    each_contact_where(
        conn,
        "WHERE id BETWEEN ?1 AND ?2",
        &[rows.start(), rows.end()],
        f,
    )
}

/// Calls `f` with every contact of the account `account_id`, in storage order.
pub fn each_contact_of(
    Db { conn }: Db<'_>,
    account_id: &str,
    f: impl FnMut(ContactRow<'_>),
) -> Result<()> {
    each_contact_where(conn, "WHERE account_id = ?1 ORDER BY id", &[&account_id], f)
}

fn each_contact_where(
    conn: &Connection,
    filter: &str,
    params: &[&dyn rusqlite::ToSql],
    mut f: impl FnMut(ContactRow<'_>),
) -> Result<()> {
    let mut statement = conn.prepare(&format!(
        "SELECT account_id, contact_id, name, role_level, tier, opted_out_on IS NOT NULL
         FROM contacts {filter}"
    ))?;
    let mut rows = statement.query(params)?;
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
