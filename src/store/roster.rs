//! The roster: program membership of contacts and its kept history, the activities and
//! touches a reference did, and what the follow-up and fatigue rules read.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use compact_str::CompactString;
use rusqlite::{OptionalExtension, params};

use super::Db;
use rustc_hash::FxHashMap;

use super::Store;

use crate::domain::eligibility::{PendingAsk, Subject};
use crate::domain::followups::{Done, Member, Outcome};
use crate::domain::model::{AccountStatus, ActivityKind, OpportunityStatus, RoleLevel, Tier};
use crate::domain::policy::{AnswerRecord, LoadEvent};

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
        .map(crate::domain::dates::clamp)
}

fn list(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A contact with its membership, and what the reports group it by: its role level and
/// its account's segment.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MemberRow {
    pub contact_id: String,
    pub name: String,
    pub title: Option<String>,
    pub account_id: String,
    pub account: String,
    pub tier: Option<Tier>,
    pub willing: Vec<ActivityKind>,
    pub topics: Vec<String>,
    pub avoid_topics: Vec<String>,
    pub enrolled_on: Option<NaiveDate>,
    pub recommitted_on: Option<NaiveDate>,
    pub break_until: Option<NaiveDate>,
    pub opted_out_on: Option<NaiveDate>,
    #[serde(skip)]
    pub role_level: Option<RoleLevel>,
    #[serde(skip)]
    pub segment: AccountSegment,
    /// The account's status and open escalation (read as they are now: no history).
    #[serde(skip)]
    pub account_status: Option<AccountStatus>,
    #[serde(skip)]
    pub escalation: bool,
    #[serde(skip)]
    pub renewal_date: Option<NaiveDate>,
}

/// What an account brings to a segment of the reports.
#[derive(Debug, Clone, Default)]
pub struct AccountSegment {
    pub industry: Option<CompactString>,
    pub employees: Option<i64>,
    pub region: Option<CompactString>,
    pub use_case: Option<CompactString>,
}

impl MemberRow {
    /// What the rule book reads about this member.
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            contact_id: &self.contact_id,
            account: &self.account,
            tier: self.tier,
            willing: &self.willing,
            break_until: self.break_until,
            enrolled_on: self.enrolled_on,
            opted_out_on: self.opted_out_on,
            status: self.account_status,
            escalation: self.escalation,
        }
    }

    pub fn as_member(&self) -> Member {
        Member {
            contact_id: self.contact_id.clone(),
            name: self.name.clone(),
            account: self.account.clone(),
            tier: self.tier,
            enrolled_on: self.enrolled_on,
            recommitted_on: self.recommitted_on,
            break_until: self.break_until,
            opted_out: self.opted_out_on.is_some(),
        }
    }
}

use super::stored_date as day;

fn member_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MemberRow> {
    Ok(MemberRow {
        contact_id: r.get(0)?,
        name: r.get(1)?,
        title: r.get(2)?,
        account_id: r.get(3)?,
        account: String::new(),
        tier: r.get_ref(4)?.as_str_or_null()?.and_then(Tier::parse),
        willing: r
            .get_ref(5)?
            .as_str_or_null()?
            .unwrap_or_default()
            .split(';')
            .filter_map(ActivityKind::parse)
            .collect(),
        topics: list(r.get(6)?),
        avoid_topics: list(r.get(7)?),
        enrolled_on: day(r.get_ref(8)?),
        recommitted_on: day(r.get_ref(9)?),
        break_until: day(r.get_ref(10)?),
        opted_out_on: day(r.get_ref(11)?),
        role_level: r.get_ref(12)?.as_str_or_null()?.and_then(RoleLevel::parse),
        segment: AccountSegment::default(),
        account_status: None,
        escalation: false,
        renewal_date: None,
    })
}

const SELECT: &str =
    "SELECT contact_id, name, title, account_id, tier, willing, topics, avoid_topics,
        enrolled_on, recommitted_on, break_until, opted_out_on, role_level FROM contacts";

/// Who is a member, as a condition on a contact's row: enrolled at a tier, or once enrolled
/// and opted out since.
macro_rules! member {
    () => {
        "tier IS NOT NULL OR opted_out_on IS NOT NULL"
    };
}
const MEMBER: &str = member!();

/// The members' ids, as a subquery: `contact_id IN ({MEMBER_IDS})` keeps a stream of
/// activities to the members' before SQLite sorts it (two in three are other contacts').
const MEMBER_IDS: &str = concat!(
    "SELECT contact_id FROM contacts NOT INDEXED WHERE ",
    member!()
);

const ACCOUNT_COLUMNS: &str =
    "account_id, name, industry, employees, region, use_case, status, escalation, renewal_date";

/// An account as a member carries it: its name, segment, status, escalation and renewal.
#[derive(Debug, Clone, Default)]
struct AccountFields {
    name: String,
    segment: AccountSegment,
    status: Option<AccountStatus>,
    escalation: bool,
    renewal_date: Option<NaiveDate>,
}

impl AccountFields {
    fn apply(&self, m: &mut MemberRow) {
        self.clone().set_on(m);
    }

    fn set_on(self, m: &mut MemberRow) {
        m.account = self.name;
        m.segment = self.segment;
        m.account_status = self.status;
        m.escalation = self.escalation;
        m.renewal_date = self.renewal_date;
    }
}

fn account_fields(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccountFields> {
    let text = |i: usize| -> rusqlite::Result<Option<CompactString>> {
        Ok(r.get_ref(i)?.as_str_or_null()?.map(Into::into))
    };
    let (status, escalation, renewal_date) = account_state(r)?;
    Ok(AccountFields {
        name: r.get(1)?,
        segment: AccountSegment {
            industry: text(2)?,
            employees: r.get(3)?,
            region: text(4)?,
            use_case: text(5)?,
        },
        status,
        escalation,
        renewal_date,
    })
}

/// An account row's (`ACCOUNT_COLUMNS`) status, open escalation and renewal date.
fn account_state(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(Option<AccountStatus>, bool, Option<NaiveDate>)> {
    Ok((
        r.get_ref(6)?
            .as_str_or_null()?
            .and_then(AccountStatus::parse),
        r.get::<_, Option<i64>>(7)?.unwrap_or(0) != 0,
        day(r.get_ref(8)?),
    ))
}

/// One contact with its membership and account; None when there is no such contact (or
/// its account is missing).
/// The ids of the contacts enrolled in a tier, sorted.
pub fn enrolled_ids(Db { conn }: Db<'_>) -> Result<Vec<String>> {
    let mut statement =
        conn.prepare("SELECT contact_id FROM contacts WHERE tier IS NOT NULL ORDER BY contact_id")?;
    let rows = statement.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn member(Db { conn }: Db<'_>, contact_id: &str) -> Result<Option<MemberRow>> {
    let Some(mut row) = conn
        .query_row(
            &format!("{SELECT} WHERE contact_id = ?1"),
            [contact_id],
            member_row,
        )
        .optional()?
    else {
        return Ok(None);
    };
    let account = conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE account_id = ?1"),
            [&row.account_id],
            account_fields,
        )
        .optional()?;
    Ok(account.map(|fields| {
        fields.apply(&mut row);
        row
    }))
}

/// Every contact that is or was in the program (enrolled, or opted out), by contact id,
/// with its account's name and segment; a member whose account is missing is left out (as
/// a join would).
///
/// The contacts are read in one scan (the filter cannot use the tier index, and reading in
/// contact-id order would visit the table at random) while a second connection reads the
/// accounts; each member then finds its account by a hash of the id. SQLite's join would
/// take two B-tree descents per member, four times slower (measured in bench/).
///
/// Once [`Store::keep_members`] was called, the first call's rows are kept and later
/// calls share them.
pub fn members(store: &Store) -> Result<Members> {
    let Some(kept) = &store.kept else {
        return Ok(Members::new(read_members(store)?));
    };
    let mut kept = kept
        .members
        .lock()
        .map_err(|_| anyhow::anyhow!("another analysis failed while reading the members"))?;
    if let Some(rows) = kept.as_ref() {
        return Ok(rows.clone());
    }
    let rows = Members::new(read_members(store)?);
    Ok(kept.insert(rows).clone())
}

/// The ids of the members (in no promised order): the kept members'
/// ([`Store::keep_members`]), or read from the table without the rest of their rows. A
/// member whose account is missing may be among them, though [`members`] leaves it out.
pub fn member_ids(store: &Store) -> Result<Vec<CompactString>> {
    if store.kept.is_some() {
        return Ok(members(store)?
            .iter()
            .map(|m| CompactString::from(m.contact_id.as_str()))
            .collect());
    }
    let mut statement = store
        .conn
        .prepare(&format!("SELECT contact_id FROM contacts WHERE {MEMBER}"))?;
    let mut rows = statement.query([])?;
    let mut ids = Vec::new();
    while let Some(r) = rows.next()? {
        ids.push(CompactString::from(r.get_ref(0)?.as_str()?));
    }
    Ok(ids)
}

/// The members [`members`] read, shared (not copied) by the analyses of one snapshot.
pub type Members = std::sync::Arc<Vec<MemberRow>>;

fn read_members(store: &Store) -> Result<Vec<MemberRow>> {
    let read_accounts = |Db { conn }: Db<'_>| -> Result<_> {
        let mut statement = conn.prepare(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts"))?;
        let mut rows = statement.query([])?;
        let mut accounts: FxHashMap<CompactString, AccountFields> = FxHashMap::default();
        while let Some(r) = rows.next()? {
            accounts.insert(r.get_ref(0)?.as_str()?.into(), account_fields(r)?);
        }
        Ok(accounts)
    };
    let read_contacts = || -> Result<Vec<MemberRow>> {
        let mut statement = store
            .conn
            .prepare(&format!("{SELECT} NOT INDEXED WHERE {MEMBER}"))?;
        let mut rows = statement
            .query_map([], member_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.sort_unstable_by(|a, b| a.contact_id.cmp(&b.contact_id));
        Ok(rows)
    };
    // A second connection on the same snapshot reads the accounts meanwhile, if there is
    // one (Store::begin_snapshot); otherwise one after the other.
    let (rows, accounts) = match store.reader() {
        Some(reader) => std::thread::scope(|scope| -> Result<_> {
            let accounts = scope.spawn(move || read_accounts(reader.db()));
            let rows = read_contacts()?;
            let accounts = accounts
                .join()
                .map_err(|_| anyhow::anyhow!("reading the accounts failed"))??;
            Ok((rows, accounts))
        })?,
        None => (read_contacts()?, read_accounts(store.db())?),
    };
    let members = rows
        .into_iter()
        .filter_map(|mut m| {
            accounts.get(m.account_id.as_str())?.apply(&mut m);
            Some(m)
        })
        .collect();
    // Not freed: the caller's process ends soon (see the utilization report).
    std::mem::forget(accounts);
    Ok(members)
}

/// The accounts' fields members carry, for [`each_member_with_load`]: ids and names in
/// one text, the segment's words interned, about 70 bytes an account (a million accounts
/// in 70 MiB, where [`members`]' map takes three times that and each member a copy).
struct AccountBook {
    /// Each account's id followed by its name, one after the other in the order read.
    text: String,
    /// In the order read, found through `slots`.
    accounts: Vec<BookEntry>,
    /// Positions in `accounts` by their ids.
    slots: super::IdSlots,
    /// The distinct industries, regions and use cases; a [`BookEntry`] holds positions.
    words: Vec<CompactString>,
}

struct BookEntry {
    /// Where the id starts in [`AccountBook::text`], its length and the name's after it.
    at: u32,
    id_len: u32,
    name_len: u32,
    /// Positions in [`AccountBook::words`], 0 for none.
    industry: u32,
    region: u32,
    use_case: u32,
    employees: Option<i64>,
    renewal_date: Option<NaiveDate>,
    status: Option<AccountStatus>,
    escalation: bool,
}

impl AccountBook {
    fn read(Db { conn }: Db<'_>) -> Result<AccountBook> {
        let mut words = vec![CompactString::default()];
        let mut known: FxHashMap<CompactString, u32> = FxHashMap::default();
        let mut word = |text: Option<&str>| -> u32 {
            let Some(text) = text else { return 0 };
            if let Some(&i) = known.get(text) {
                return i;
            }
            let i = words.len() as u32;
            words.push(text.into());
            known.insert(text.into(), i);
            i
        };
        let mut statement = conn.prepare(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts"))?;
        let mut rows = statement.query([])?;
        let (mut text, mut accounts) = (String::new(), Vec::new());
        let too_long = || anyhow::anyhow!("the accounts' ids and names exceed 4 GiB");
        while let Some(r) = rows.next()? {
            let (status, escalation, renewal_date) = account_state(r)?;
            let (id, name) = (r.get_ref(0)?.as_str()?, r.get_ref(1)?.as_str()?);
            let at = u32::try_from(text.len()).map_err(|_| too_long())?;
            text.push_str(id);
            text.push_str(name);
            accounts.push(BookEntry {
                at,
                id_len: u32::try_from(id.len()).map_err(|_| too_long())?,
                name_len: u32::try_from(name.len()).map_err(|_| too_long())?,
                industry: word(r.get_ref(2)?.as_str_or_null()?),
                employees: r.get(3)?,
                region: word(r.get_ref(4)?.as_str_or_null()?),
                use_case: word(r.get_ref(5)?.as_str_or_null()?),
                status,
                escalation,
                renewal_date,
            });
        }
        u32::try_from(text.len()).map_err(|_| too_long())?;
        let mut book = AccountBook {
            text,
            accounts,
            slots: super::IdSlots::new(std::iter::empty()),
            words,
        };
        book.slots = super::IdSlots::new((0..book.accounts.len()).map(|i| book.id(i)));
        Ok(book)
    }

    /// The id of the account at position `i`.
    fn id(&self, i: usize) -> &str {
        let a = &self.accounts[i];
        &self.text[a.at as usize..(a.at + a.id_len) as usize]
    }

    /// The account whose id is `id`.
    fn get(&self, id: &str) -> Option<&BookEntry> {
        let i = self
            .slots
            .find(id, |i| (i < self.accounts.len()).then(|| self.id(i)))?;
        Some(&self.accounts[i])
    }

    /// Gives `m` its account's fields, as [`AccountFields::apply`] does; false when there
    /// is no such account.
    fn apply(&self, m: &mut MemberRow) -> bool {
        let Some(a) = self.get(&m.account_id) else {
            return false;
        };
        let word = |i: u32| (i > 0).then(|| self.words[i as usize].clone());
        let name_at = (a.at + a.id_len) as usize;
        AccountFields {
            name: self.text[name_at..name_at + a.name_len as usize].to_string(),
            segment: AccountSegment {
                industry: word(a.industry),
                employees: a.employees,
                region: word(a.region),
                use_case: word(a.use_case),
            },
            status: a.status,
            escalation: a.escalation,
            renewal_date: a.renewal_date,
        }
        .set_on(m);
        true
    }
}

/// Every member as [`members`] gives them (by contact id, a member whose account is
/// missing left out), each with its load events dated `from..=to` (oldest first), one at
/// a time: for a command that goes through the members once and need not hold the
/// program (`roster list`, the coverage report). A command that keeps what it reads
/// ([`Store::keep_members`]) is given the kept members and load; any other streams: SQLite
/// sorts the members and the events by contact id (its sorter spills to temporary files,
/// so memory stays bounded) and they are merged here.
pub fn each_member_with_load(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    each: impl FnMut(&MemberRow, &[LoadEvent]) -> Result<()>,
) -> Result<()> {
    each_member_in(store, Some((from, to)), each)
}

/// [`each_member_with_load`] without the load (the capacity report).
pub fn each_member(store: &Store, mut each: impl FnMut(&MemberRow) -> Result<()>) -> Result<()> {
    each_member_in(store, None, |m, _| each(m))
}

fn each_member_in(
    store: &Store,
    load: Option<(NaiveDate, NaiveDate)>,
    mut each: impl FnMut(&MemberRow, &[LoadEvent]) -> Result<()>,
) -> Result<()> {
    if store.kept.is_some() {
        let events = match load {
            Some((from, to)) => Some(super::scoring::events_by_contact(store, from, to)?),
            None => None,
        };
        for m in members(store)?.iter() {
            each(m, events.as_ref().map_or(&[], |e| e.of(&m.contact_id)))?;
        }
        return Ok(());
    }
    let events = "SELECT contact_id, request_id, asked_on, NULL FROM asks
         WHERE asked_on BETWEEN ?1 AND ?2 AND ?3
         UNION ALL
         SELECT contact_id, request_id, date, kind FROM activities
         WHERE date BETWEEN ?1 AND ?2 AND ?3
         ORDER BY 1";
    // Without a range the statement reads nothing (?3 is false).
    let (from, to) = load.unwrap_or((NaiveDate::MIN, NaiveDate::MIN));
    let mut kinds = super::CountedKinds::default();
    let read = |r: &rusqlite::Row<'_>| -> Result<Option<LoadEvent>> {
        let kind = r.get_ref(3)?.as_str_or_null()?;
        if let Some(kind) = kind
            && !kinds.counts(kind)
        {
            return Ok(None);
        }
        let Some(date) = day(r.get_ref(2)?) else {
            return Ok(None);
        };
        Ok(Some(LoadEvent {
            contact_id: r.get_ref(0)?.as_str()?.into(),
            request_id: r.get_ref(1)?.as_str_or_null()?.map(Into::into),
            date,
            ask: kind.is_none(),
        }))
    };
    let sorted = Sorted {
        sql: events,
        params: params![from.to_string(), to.to_string(), load.is_some()],
        read,
        contact: load_contact as fn(&LoadEvent) -> &str,
    };
    each_member_merged(store, sorted, |m, mine| {
        // Stable: an ask stays before the activities of its day.
        mine.sort_by_key(|e| e.date);
        each(m, mine)
    })
}

/// Every member as [`members`] gives them, each with its activities and relationship
/// touches dated `from..=to` ([`Done`], in no particular order), one at a time, streamed
/// as [`each_member_with_load`] streams (SQLite sorts them by contact id; the kept members
/// are not used): what `followups` goes through without holding the program.
pub fn each_member_with_done(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    each: impl FnMut(&MemberRow, &mut Vec<Done>) -> Result<()>,
) -> Result<()> {
    let sorted = Sorted {
        sql: &format!(
            "{DONE_COLUMNS} NOT INDEXED WHERE date >= ?1 AND date <= ?2
             AND contact_id IN ({MEMBER_IDS}) ORDER BY contact_id"
        ),
        params: params![from.to_string(), to.to_string()],
        read: |r: &rusqlite::Row<'_>| done_row(r),
        contact: done_contact as fn(&Done) -> &str,
    };
    each_member_merged(store, sorted, each)
}

fn load_contact(e: &LoadEvent) -> &str {
    &e.contact_id
}

fn done_contact(d: &Done) -> &str {
    &d.contact_id
}

/// A statement whose rows come sorted by contact id, with how to read one (None: skip it)
/// and the contact it belongs to.
struct Sorted<'q, P, R, C> {
    sql: &'q str,
    params: P,
    read: R,
    contact: C,
}

/// The members, streamed: sorted by SQLite with the rows of `sorted` merged in, while the
/// account book is read on the snapshot's second connection (Store::begin_snapshot).
fn each_member_merged<E, P, R, C>(
    store: &Store,
    sorted: Sorted<'_, P, R, C>,
    each: impl FnMut(&MemberRow, &mut Vec<E>) -> Result<()>,
) -> Result<()>
where
    P: rusqlite::Params,
    R: FnMut(&rusqlite::Row<'_>) -> Result<Option<E>>,
    C: Fn(&E) -> &str,
{
    match store.reader() {
        Some(reader) => std::thread::scope(|scope| {
            let book = scope.spawn(move || AccountBook::read(reader.db()));
            let book = || {
                book.join()
                    .map_err(|_| anyhow::anyhow!("reading the accounts failed"))?
            };
            merge_members(store, sorted, book, each)
        }),
        None => merge_members(store, sorted, || AccountBook::read(store.db()), each),
    }
}

/// The members sorted by id, each with its rows of `sorted`; the account book comes once
/// the sorted rows start.
fn merge_members<E, P, R, C>(
    store: &Store,
    sorted: Sorted<'_, P, R, C>,
    book: impl FnOnce() -> Result<AccountBook>,
    mut each: impl FnMut(&MemberRow, &mut Vec<E>) -> Result<()>,
) -> Result<()>
where
    P: rusqlite::Params,
    R: FnMut(&rusqlite::Row<'_>) -> Result<Option<E>>,
    C: Fn(&E) -> &str,
{
    let conn = &store.conn;
    conn.pragma_update(None, "threads", super::sorter_threads())?;
    let mut members = conn.prepare(&format!(
        "{SELECT} NOT INDEXED WHERE {MEMBER} ORDER BY contact_id"
    ))?;
    let Sorted {
        sql,
        params,
        mut read,
        contact,
    } = sorted;
    let mut events = conn.prepare(sql)?;
    let mut events = events.query(params)?;
    let mut next_event = || -> Result<Option<E>> {
        while let Some(r) = events.next()? {
            if let Some(event) = read(r)? {
                return Ok(Some(event));
            }
        }
        Ok(None)
    };
    let mut ahead = next_event()?;
    let mut mine: Vec<E> = Vec::new();
    let mut rows = members.query([])?;
    // The first row waits for SQLite's sort; the accounts have been read meanwhile.
    let (mut read_book, mut book) = (Some(book), None);
    while let Some(r) = rows.next()? {
        if let Some(read) = read_book.take() {
            book = Some(read()?);
        }
        let Some(book) = book.as_ref() else { break };
        let mut m = member_row(r)?;
        mine.clear();
        while let Some(event) = ahead.take() {
            match contact(&event).cmp(m.contact_id.as_str()) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => mine.push(event),
                std::cmp::Ordering::Greater => {
                    ahead = Some(event);
                    break;
                }
            }
            ahead = next_event()?;
        }
        if !book.apply(&mut m) {
            continue;
        }
        each(&m, &mut mine)?;
    }
    if let Some(read) = read_book {
        read()?;
    }
    Ok(())
}

/// The membership fields a roster command changes.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    Tier,
    Willing,
    Topics,
    AvoidTopics,
    EnrolledOn,
    RecommittedOn,
    BreakUntil,
    OptedOutOn,
}

impl Field {
    fn column(self) -> &'static str {
        match self {
            Field::Tier => "tier",
            Field::Willing => "willing",
            Field::Topics => "topics",
            Field::AvoidTopics => "avoid_topics",
            Field::EnrolledOn => "enrolled_on",
            Field::RecommittedOn => "recommitted_on",
            Field::BreakUntil => "break_until",
            Field::OptedOutOn => "opted_out_on",
        }
    }
}

pub fn set(Db { conn }: Db<'_>, contact_id: &str, field: Field, value: Option<&str>) -> Result<()> {
    conn.execute(
        &format!(
            "UPDATE contacts SET {} = ?2 WHERE contact_id = ?1",
            field.column()
        ),
        params![contact_id, value],
    )?;
    Ok(())
}

/// One change to a member's standing in the program, with the value it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A new tier for an enrolled member.
    Tier { from: Option<Tier>, to: Tier },
    /// A break until a day.
    Break {
        from: Option<NaiveDate>,
        until: NaiveDate,
    },
    /// Back from a break before its end.
    Resume { from: Option<NaiveDate> },
    /// Out of the program for good (the history keeps the tier they had).
    OptOut { tier: Option<Tier>, on: NaiveDate },
    /// Recommitted to the program on a day.
    Recommit {
        from: Option<NaiveDate>,
        on: NaiveDate,
    },
}

impl Change {
    /// The field it sets, its new value as stored, the history's word for it and the
    /// value the history keeps as the old one.
    fn parts(self) -> (Field, Option<String>, &'static str, Option<String>) {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string());
        match self {
            Change::Tier { from, to } => (
                Field::Tier,
                Some(to.as_str().to_string()),
                "tier",
                from.map(|t| t.as_str().to_string()),
            ),
            Change::Break { from, until } => {
                (Field::BreakUntil, day(Some(until)), "break", day(from))
            }
            Change::Resume { from } => (Field::BreakUntil, None, "resume", day(from)),
            Change::OptOut { tier, on } => (
                Field::OptedOutOn,
                day(Some(on)),
                "opt-out",
                tier.map(|t| t.as_str().to_string()),
            ),
            Change::Recommit { from, on } => {
                (Field::RecommittedOn, day(Some(on)), "recommit", day(from))
            }
        }
    }
}

/// A membership change as the history keeps it: whose, when (a [`crate::stamp`]), what,
/// and an optional note (an opt-out's reason, the follow-up it closed).
#[derive(Debug, Clone, Copy)]
pub struct MembershipChange<'a> {
    pub contact_id: &'a str,
    pub at: &'a str,
    pub change: Change,
    pub note: Option<&'a str>,
}

/// Makes one membership change and keeps it in the history (old value to new).
pub fn change(db: Db<'_>, c: &MembershipChange<'_>) -> Result<()> {
    let (field, value, event, old) = c.change.parts();
    set(db, c.contact_id, field, value.as_deref())?;
    record(
        db,
        c.contact_id,
        c.at,
        event,
        old.as_deref(),
        value.as_deref(),
        c.note,
    )
}

/// Keeps a membership change.
pub fn record(
    Db { conn }: Db<'_>,
    contact_id: &str,
    at: &str,
    event: &str,
    old: Option<&str>,
    new: Option<&str>,
    note: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO membership_events (contact_id, at, event, old_value, new_value, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![contact_id, at, event, old, new, note],
    )?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MembershipEvent {
    pub at: String,
    pub event: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note: Option<String>,
}

pub fn history(Db { conn }: Db<'_>, contact_id: &str) -> Result<Vec<MembershipEvent>> {
    let mut statement = conn.prepare(
        "SELECT at, event, old_value, new_value, note FROM membership_events WHERE contact_id = ?1 ORDER BY at, id",
    )?;
    let rows = statement.query_map([contact_id], |r| {
        Ok(MembershipEvent {
            at: r.get(0)?,
            event: r.get(1)?,
            old_value: r.get(2)?,
            new_value: r.get(3)?,
            note: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every activity and touch of a contact (all of them when `contact_id` is None) dated
/// `from..=until` (as of `until`, nothing later exists). One contact's come in the order
/// they happened (date, then id); everyone's in the order they are stored (the follow-up
/// rules put each member's in order).
pub fn done(
    conn: Db<'_>,
    contact_id: Option<&str>,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Done>> {
    done_of(conn, contact_id, from, until, |_| true)
}

/// [`done`] of the contacts `keep` accepts: everyone's activities are two thirds
/// prospects' and customers' who are no members, which the follow-up rules never read.
pub fn done_of(
    Db { conn }: Db<'_>,
    contact_id: Option<&str>,
    from: NaiveDate,
    until: NaiveDate,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<Done>> {
    // Two statements, not `?1 IS NULL OR contact_id = ?1`: that form cannot use the contact
    // index, and one contact's history would scan every activity.
    let mut statement = match contact_id {
        Some(_) => conn.prepare(&format!(
            "{DONE_COLUMNS} WHERE contact_id = ?1 AND date >= ?2 AND date <= ?3 ORDER BY date, activity_id"
        ))?,
        // Everyone's: a year of activities is half the table or more, which one scan in
        // storage order reads several times faster than the date index and a table
        // lookup per row; they are put in order here.
        None => conn.prepare(&format!(
            "{DONE_COLUMNS} NOT INDEXED WHERE date >= ?2 AND date <= ?3 AND ?1 IS NULL"
        ))?,
    };
    let mut rows = statement.query(params![contact_id, from.to_string(), until.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        if !keep(r.get_ref(1)?.as_str()?) {
            continue;
        }
        if let Some(done) = done_row(r)? {
            out.push(done);
        }
    }
    Ok(out)
}

const DONE_COLUMNS: &str = "SELECT activity_id, contact_id, request_id, kind, date, reference_rating, prospect_rating, closes FROM activities";

/// An activity of [`DONE_COLUMNS`]; None when its kind or day cannot be read.
fn done_row(r: &rusqlite::Row<'_>) -> Result<Option<Done>> {
    let (Some(kind), Some(day)) = (
        ActivityKind::parse(r.get_ref(3)?.as_str()?),
        day(r.get_ref(4)?),
    ) else {
        return Ok(None);
    };
    let text = |i: usize| -> rusqlite::Result<Option<CompactString>> {
        Ok(r.get_ref(i)?.as_str_or_null()?.map(Into::into))
    };
    Ok(Some(Done {
        activity_id: r.get_ref(0)?.as_str()?.into(),
        contact_id: r.get_ref(1)?.as_str()?.into(),
        request_id: text(2)?,
        kind,
        date: day,
        reference_rating: r.get(5)?,
        prospect_rating: r.get(6)?,
        closes: r.get(7)?,
    }))
}

/// A contact's asks and counted activities up to `until` (as of that day, nothing later
/// exists): its load events.
pub fn load_events(
    Db { conn }: Db<'_>,
    contact_id: &str,
    until: NaiveDate,
) -> Result<Vec<LoadEvent>> {
    let mut events = Vec::new();
    let mut asks = conn.prepare(
        "SELECT request_id, asked_on FROM asks WHERE contact_id = ?1 AND asked_on <= ?2",
    )?;
    let mut rows = asks.query(params![contact_id, until.to_string()])?;
    while let Some(r) = rows.next()? {
        if let Some(day) = date(r.get(1)?) {
            events.push(LoadEvent {
                contact_id: contact_id.into(),
                request_id: r.get_ref(0)?.as_str_or_null()?.map(Into::into),
                date: day,
                ask: true,
            });
        }
    }
    for d in done(Db { conn }, Some(contact_id), NaiveDate::MIN, until)? {
        if d.kind.counts_against_limit() {
            events.push(LoadEvent {
                contact_id: d.contact_id,
                request_id: d.request_id,
                date: d.date,
                ask: false,
            });
        }
    }
    events.sort_by_key(|e| e.date);
    Ok(events)
}

/// The asks in flight on `until`, by contact id (one contact's when `contact_id` is given):
/// asked by then, not answered by then, on a request not closed by then.
pub fn pending_asks(
    Db { conn }: Db<'_>,
    contact_id: Option<&str>,
    until: NaiveDate,
) -> Result<FxHashMap<String, Vec<PendingAsk>>> {
    // One contact's through the contact index; everyone's in one scan.
    let which = if contact_id.is_some() {
        "k.contact_id = ?2"
    } else {
        "?2 IS NULL"
    };
    let mut statement = conn.prepare(&format!(
        "SELECT k.contact_id, k.request_id, k.asked_on FROM asks k
         WHERE {which} AND k.asked_on <= ?1
           AND (k.answered_on IS NULL OR k.answered_on > ?1)
           AND NOT EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = k.request_id
                           AND e.status IN ('completed', 'cancelled', 'declined')
                           AND substr(e.at, 1, 10) <= ?1)
         ORDER BY k.asked_on, k.request_id"
    ))?;
    let mut rows = statement.query(params![until.to_string(), contact_id])?;
    let mut out: FxHashMap<String, Vec<PendingAsk>> = FxHashMap::default();
    while let Some(r) = rows.next()? {
        if let Some(asked_on) = day(r.get_ref(2)?) {
            out.entry(r.get(0)?).or_default().push(PendingAsk {
                request_id: r.get(1)?,
                asked_on,
            });
        }
    }
    Ok(out)
}

/// A contact's asks up to `until`, with the answers given by then.
pub fn answers(
    Db { conn }: Db<'_>,
    contact_id: &str,
    until: NaiveDate,
) -> Result<Vec<AnswerRecord>> {
    let mut statement = conn.prepare(
        "SELECT asked_on, CASE WHEN answered_on <= ?2 THEN answered_on END,
                CASE WHEN answered_on IS NULL OR answered_on <= ?2 THEN answer END
         FROM asks WHERE contact_id = ?1 AND asked_on <= ?2 ORDER BY asked_on",
    )?;
    let rows = statement.query_map(params![contact_id, until.to_string()], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (asked, answered, answer) = row?;
        if let Some(asked_on) = date(asked) {
            out.push(AnswerRecord {
                asked_on,
                answered_on: date(answered),
                yes: answer.map(|a| a == "yes"),
            });
        }
    }
    Ok(out)
}

/// The outcome of the deal behind each request that has one, as of `until`: a deal that
/// closes later is still open then.
pub fn outcomes(Db { conn }: Db<'_>, until: NaiveDate) -> Result<Vec<Outcome>> {
    let mut statement = conn.prepare(
        "SELECT r.request_id, CASE WHEN o.close_date > ?1 THEN 'open' ELSE o.status END, o.close_date
         FROM requests r JOIN opportunities o ON o.opportunity_id = r.opportunity_id",
    )?;
    let rows = statement.query_map([until.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (request_id, status, close) = row?;
        if let Some(status) = OpportunityStatus::parse(&status) {
            out.push(Outcome {
                request_id,
                status,
                close_date: date(close),
            });
        }
    }
    Ok(out)
}

/// The outcomes of the deals behind the requests that `done` names, and only those: what
/// one contact's follow-ups need, read by primary key, so a command about one contact
/// costs what its activities need, not what the program holds.
pub fn outcomes_for(Db { conn }: Db<'_>, done: &[Done], until: NaiveDate) -> Result<Vec<Outcome>> {
    let mut statement = conn.prepare_cached(
        "SELECT CASE WHEN o.close_date > ?2 THEN 'open' ELSE o.status END, o.close_date
         FROM requests r JOIN opportunities o ON o.opportunity_id = r.opportunity_id
         WHERE r.request_id = ?1",
    )?;
    let mut seen = rustc_hash::FxHashSet::default();
    let mut out = Vec::new();
    let until = until.to_string();
    for request_id in done.iter().filter_map(|d| d.request_id.as_deref()) {
        if !seen.insert(request_id) {
            continue;
        }
        let row = statement
            .query_row(rusqlite::params![request_id, until], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .optional()?;
        if let Some((status, close)) = row
            && let Some(status) = OpportunityStatus::parse(&status)
        {
            out.push(Outcome {
                request_id: request_id.to_string(),
                status,
                close_date: date(close),
            });
        }
    }
    Ok(out)
}

/// An activity to write.
#[derive(Debug, Clone)]
pub struct NewActivity<'a> {
    pub contact_id: &'a str,
    pub request_id: Option<&'a str>,
    pub kind: ActivityKind,
    pub date: NaiveDate,
    pub minutes: Option<i64>,
    pub reference_rating: Option<i64>,
    pub prospect_rating: Option<i64>,
    pub notes: Option<&'a str>,
    pub override_reason: Option<&'a str>,
    /// The follow-up this touch closes (`followups done ID`).
    pub closes: Option<&'a str>,
}

/// Writes an activity with the next free id of the form ACT-00042; returns the id.
pub fn insert_activity(Db { conn }: Db<'_>, a: &NewActivity<'_>) -> Result<String> {
    let mut n: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM activities", [], |r| {
            r.get(0)
        })?;
    let id = loop {
        let id = format!("ACT-{n:05}");
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM activities WHERE activity_id = ?1)",
            [&id],
            |r| r.get(0),
        )?;
        if !taken {
            break id;
        }
        n += 1;
    };
    conn.execute(
        "INSERT INTO activities (activity_id, contact_id, request_id, kind, date, minutes, reference_rating, prospect_rating, notes, override_reason, closes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id, a.contact_id, a.request_id, a.kind.as_str(), a.date.to_string(), a.minutes, a.reference_rating,
            a.prospect_rating, a.notes, a.override_reason, a.closes
        ],
    )
    .context("saving the activity")?;
    Ok(id)
}

/// The snoozed follow-ups: id -> the day they are due again.
pub fn snoozes(Db { conn }: Db<'_>) -> Result<FxHashMap<String, NaiveDate>> {
    let mut statement = conn.prepare("SELECT followup_id, until FROM followup_snoozes")?;
    let mut rows = statement.query([])?;
    let mut out = FxHashMap::default();
    while let Some(r) = rows.next()? {
        if let Some(until) = day(r.get_ref(1)?) {
            out.insert(r.get(0)?, until);
        }
    }
    Ok(out)
}

/// Snoozes a follow-up until a day (replacing an earlier snooze).
pub fn snooze(Db { conn }: Db<'_>, id: &str, until: NaiveDate, today: NaiveDate) -> Result<()> {
    conn.execute(
        "INSERT INTO followup_snoozes (followup_id, until, set_on) VALUES (?1, ?2, ?3)
         ON CONFLICT (followup_id) DO UPDATE SET until = excluded.until, set_on = excluded.set_on",
        params![id, until.to_string(), today.to_string()],
    )
    .context("saving the snooze")?;
    Ok(())
}

/// Per contact, the asks up to `until` that no counted activity on the same request
/// fulfilled by then: with the counted activities, the units of load ever.
///
/// The activity is looked up by its request: left to itself SQLite searches the contact's
/// activities for each of the contact's asks, quadratic for a busy reference (4,717 asks
/// and 7,899 activities of one demo contact at 100k accounts: 11 s instead of 0.1 s).
pub fn unfulfilled_asks(Db { conn }: Db<'_>, until: NaiveDate) -> Result<FxHashMap<String, i64>> {
    let counted: Vec<String> = ActivityKind::ALL
        .iter()
        .filter(|k| k.counts_against_limit())
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    let mut statement = conn.prepare(&format!(
        "SELECT k.contact_id, count(*) FROM asks k
         WHERE k.asked_on <= ?1 AND NOT EXISTS (
             SELECT 1 FROM activities a INDEXED BY activities_by_request
             WHERE a.request_id = k.request_id
               AND a.contact_id = k.contact_id AND a.date <= ?1 AND a.kind IN ({}))
         GROUP BY k.contact_id",
        counted.join(", ")
    ))?;
    let rows = statement.query_map([until.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 17): the unfulfilled asks were found by searching the person's
    /// activities once per ask, quadratic for a busy reference (the demo's busiest at 100k
    /// accounts: 11 s of `report utilization`). Each ask's activity is now found by its
    /// request (4,000 asks: 4.4 s before, milliseconds after).
    #[test]
    fn a_busy_reference_s_unfulfilled_asks_are_found_by_request() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store =
            Store::open(&dir.path().join("t.db"), crate::store::Create::Yes).expect("store");
        let conn = &store.conn;
        conn.execute_batch(
            "INSERT INTO accounts (account_id, name) VALUES ('A1', 'Busy Co');
             INSERT INTO contacts (contact_id, account_id, name, tier) VALUES ('C1', 'A1', 'Busy', 'strategic');",
        )
        .expect("account and contact");
        let n = 4_000;
        conn.execute_batch("BEGIN").expect("begin");
        for i in 0..n {
            let request = format!("R{i:05}");
            let day = format!("2026-{:02}-{:02}", 1 + i % 10, 1 + i % 28);
            conn.execute(
                "INSERT INTO requests (request_id, prospect) VALUES (?1, 'P')",
                [&request],
            )
            .expect("request");
            conn.execute(
                "INSERT INTO asks (request_id, contact_id, asked_on) VALUES (?1, 'C1', ?2)",
                [&request, &day],
            )
            .expect("ask");
            // Every other ask became a call; every activity is the same person's.
            let kind = if i % 2 == 0 { "call" } else { "thank-you" };
            conn.execute(
                "INSERT INTO activities (activity_id, contact_id, request_id, kind, date)
                 VALUES (?1, 'C1', ?2, ?3, ?4)",
                [&format!("ACT{i:05}"), &request, kind, &day],
            )
            .expect("activity");
        }
        conn.execute_batch("COMMIT").expect("commit");
        let until = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
        let started = std::time::Instant::now();
        let unfulfilled = unfulfilled_asks(store.db(), until).expect("query");
        let took = started.elapsed();
        assert_eq!(unfulfilled.get("C1"), Some(&(n / 2)));
        assert!(
            took < std::time::Duration::from_millis(500),
            "{n} asks of one reference took {took:?}"
        );
    }
}
