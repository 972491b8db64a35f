//! What the reports read. Counts over windows are aggregated here; the windows, the kinds
//! that count and every rule come from the domain.

use std::collections::HashMap;

use rustc_hash::FxHashSet;

use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::params_from_iter;
use rusqlite::types::{Value, ValueRef};

use super::Db;

use super::{IdIndex, Store};

use crate::domain::model::ActivityKind;

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
        .map(crate::domain::dates::clamp)
}

fn counted_kinds() -> Vec<Value> {
    ActivityKind::ALL
        .iter()
        .filter(|k| k.counts_against_limit())
        .map(|k| Value::Text(k.as_str().to_string()))
        .collect()
}

/// A contact's counted activities ever (up to the last day counted), its last one and the
/// activities logged past a limit (with an override reason) in the limits' window: twelve
/// bytes a contact.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllTime {
    pub count: u32,
    /// The last day counted, as YYYYMMDD; 0 for none.
    last: u32,
    pub overrides: u32,
}

impl AllTime {
    /// The day of the last counted activity.
    pub fn last_activity(&self) -> Option<NaiveDate> {
        (self.last > 0)
            .then(|| super::number_day(self.last))
            .flatten()
    }
}

/// The first days of the windows the counts are taken over, and the last day counted.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub quarter_from: NaiveDate,
    pub window_from: NaiveDate,
    pub year_from: NaiveDate,
    pub today: NaiveDate,
}

/// Per id of `ids`, in their order: its counted activities up to
/// `windows.today`, ever, the last day of them, and those logged with an override reason
/// in the limits' window (`window_from..=today`).
///
/// Reads the (date, contact, kind) index and not the table, the dates in two halves at
/// once on two connections; each row finds its contact through the ids' slots (four
/// bytes an id, [`super::IdIndex`]) and adds to twelve bytes, so a million members hold 20 MiB.
/// Activities of other contacts are skipped. Overrides come from their own small index.
pub fn all_time_counts(store: &Store, windows: Windows, ids: &IdIndex) -> Result<Vec<AllTime>> {
    let first: Option<String> =
        store
            .conn
            .query_row("SELECT min(date) FROM activities", [], |r| r.get(0))?;
    let Some(first) = first else {
        return Ok(vec![AllTime::default(); ids.len()]);
    };
    // A first date that is not ISO (never written by refprog) still counts everything: the
    // halves then start at year 0, which sorts before any ISO date.
    let first = first
        .parse::<NaiveDate>()
        .ok()
        .or(NaiveDate::from_ymd_opt(0, 1, 1))
        .unwrap_or(NaiveDate::MIN);
    let mut out = tally_by_id(
        store,
        ids,
        (first, windows.today),
        |c: &mut AllTime, day| {
            c.count += 1;
            c.last = c.last.max(day);
        },
        |c, other| {
            c.count += other.count;
            c.last = c.last.max(other.last);
        },
    )?;
    add_overrides(store, windows, ids, &mut out)?;
    Ok(out)
}

/// Per id of `ids`, in their order: only its overrides of the limit window (count and
/// last day left at zero), for a caller that shows no all-time figures (the review page).
pub fn override_counts(store: &Store, windows: Windows, ids: &IdIndex) -> Result<Vec<AllTime>> {
    let mut out = vec![AllTime::default(); ids.len()];
    add_overrides(store, windows, ids, &mut out)?;
    Ok(out)
}

/// Counts into `out` each id's activities of counted kinds logged with an override reason
/// in the limit window (`windows.window_from..=today`).
fn add_overrides(
    store: &Store,
    windows: Windows,
    ids: &IdIndex,
    out: &mut [AllTime],
) -> Result<()> {
    let mut kinds = super::CountedKinds::default();
    let mut overridden = store.conn.prepare(
        "SELECT contact_id, kind FROM activities
         WHERE override_reason IS NOT NULL AND date BETWEEN ?1 AND ?2",
    )?;
    let mut rows =
        overridden.query([windows.window_from.to_string(), windows.today.to_string()])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = ids.find(r.get_ref(0)?.as_str()?)
            && kinds.counts(r.get_ref(1)?.as_str()?)
        {
            out[i].overrides += 1;
        }
    }
    Ok(())
}

/// The activities of kinds that count against the limits dated in the last year
/// (`windows.year_from..=today`) of each of `ids`, in their order, holding a count and
/// four bytes of slots an id ([`super::IdIndex`]) instead of a map of the ids.
///
/// A command that keeps the members' load events ([`Store::keep_members`]) counts the
/// activities among them, as the review's utilization read them, rather than reading the
/// year again; `ids` are then members.
pub fn year_counts(store: &Store, windows: Windows, ids: &IdIndex) -> Result<Vec<i64>> {
    if store.kept.is_some() {
        let events = super::scoring::events_by_contact(store, windows.year_from, windows.today)?;
        return Ok(ids
            .ids()
            .iter()
            .map(|id| events.of(id).iter().filter(|e| !e.ask).count() as i64)
            .collect());
    }
    tally_by_id(
        store,
        ids,
        (windows.year_from, windows.today),
        |c: &mut i64, _| *c += 1,
        |c, other| *c += other,
    )
}

/// For each id of `ids`, `add` of each of its counted activities
/// dated `from..=to` (the day as YYYYMMDD), from the date index in two halves of the
/// dates ([`in_two_halves`]), the halves' tallies put together by `merge`.
fn tally_by_id<T: Default + Clone + Send>(
    store: &Store,
    ids: &IdIndex,
    (from, to): (NaiveDate, NaiveDate),
    add: impl Fn(&mut T, u32) + Sync,
    merge: impl Fn(&mut T, T),
) -> Result<Vec<T>> {
    let count = |Db { conn }: Db<'_>, from: NaiveDate, to: NaiveDate| -> Result<Vec<T>> {
        let mut out = vec![T::default(); ids.len()];
        let mut statement = conn.prepare(
            "SELECT contact_id, kind, date FROM activities WHERE date BETWEEN ?1 AND ?2",
        )?;
        let mut rows = statement.query([from.to_string(), to.to_string()])?;
        let mut kinds = super::CountedKinds::default();
        while let Some(r) = rows.next()? {
            let contact = r.get_ref(0)?.as_str()?;
            let Some(i) = ids.find(contact) else {
                continue;
            };
            if let Some(day) = super::day_number(r.get_ref(2)?.as_str()?)
                && kinds.counts(r.get_ref(1)?.as_str()?)
            {
                add(&mut out[i], day);
            }
        }
        Ok(out)
    };
    let [mut early, late] = in_two_halves(store, from, to, count)?;
    for (e, l) in early.iter_mut().zip(late) {
        merge(e, l);
    }
    Ok(early)
}

/// `count` of `first..=today` in two halves of the dates: the later on a second connection
/// of the same snapshot (Store::begin_snapshot) while this one counts the earlier; one
/// after the other when there is none.
fn in_two_halves<T: Send>(
    store: &Store,
    first: NaiveDate,
    today: NaiveDate,
    count: impl Fn(Db<'_>, NaiveDate, NaiveDate) -> Result<T> + Sync,
) -> Result<[T; 2]> {
    // today is within refprog's range; a stored first date far outside it (not written by
    // refprog) still splits without overflow.
    let middle = first
        .checked_add_signed((today - first) / 2)
        .unwrap_or(today)
        .min(today);
    let late_from = middle.succ_opt().unwrap_or(middle);
    let count = &count;
    match store.reader() {
        Some(reader) => std::thread::scope(|scope| -> Result<_> {
            let late = scope.spawn(move || count(reader.db(), late_from, today));
            let early = count(store.db(), first, middle)?;
            let late = late
                .join()
                .map_err(|_| anyhow::anyhow!("counting the activities failed"))??;
            Ok([early, late])
        }),
        None => Ok([
            count(store.db(), first, middle)?,
            count(store.db(), late_from, today)?,
        ]),
    }
}

pub fn active_customers(Db { conn }: Db<'_>) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM accounts WHERE status = 'active'",
        [],
        |r| r.get(0),
    )?)
}

/// A request with what the fulfilment report needs.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub request_id: String,
    pub rep: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    pub status: crate::domain::model::RequestStatus,
    /// Time stamps of the first step of each kind.
    pub submitted_at: Option<String>,
    pub qualified_at: Option<String>,
    pub asked_at: Option<String>,
    pub scheduled_at: Option<String>,
    /// Whether its deal is won.
    pub deal_won: bool,
}

/// The requests submitted `from..=to`, in the order of their ids, with their first step
/// of each kind by `to` and whether their deal is won.
pub fn requests(Db { conn }: Db<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<RequestFacts>> {
    let (from, to) = (from.to_string(), to.to_string());
    let of_period = "SELECT request_id FROM requests WHERE submitted_on BETWEEN ?1 AND ?2";
    // The won deals in a second statement, in the order of their ids: joined request by
    // request, a year of requests read the deals all over a large program (100k requests at
    // 1M accounts: 1.1 s, four fifths of it in system calls; 0.2 s this way).
    let mut deals = conn.prepare(
        "SELECT opportunity_id, status FROM opportunities WHERE opportunity_id IN
            (SELECT opportunity_id FROM requests WHERE submitted_on BETWEEN ?1 AND ?2)",
    )?;
    let mut won: FxHashSet<String> = FxHashSet::default();
    let mut rows = deals.query([&from, &to])?;
    while let Some(r) = rows.next()? {
        if r.get_ref(1)?.as_str_or_null()? == Some("won") {
            won.insert(r.get(0)?);
        }
    }
    let mut statement = conn.prepare(
        "SELECT request_id, rep, submitted_on, status, opportunity_id
         FROM requests WHERE submitted_on BETWEEN ?1 AND ?2 ORDER BY request_id",
    )?;
    let mut list = statement
        .query_map([&from, &to], |r| {
            let deal = r.get_ref(4)?.as_str_or_null()?;
            Ok(RequestFacts {
                request_id: r.get(0)?,
                rep: r.get(1)?,
                submitted_on: date(r.get(2)?),
                status: r.get(3)?,
                submitted_at: None,
                qualified_at: None,
                asked_at: None,
                scheduled_at: None,
                deal_won: deal.is_some_and(|d| won.contains(d)),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // The first step of each kind, one read of the period's requests' steps (one query per
    // request and kind was four index searches a request).
    let mut steps = conn.prepare(&format!(
        "SELECT request_id, status, min(at) FROM request_events
         WHERE request_id IN ({of_period})
           AND status IN ('submitted', 'qualified', 'asked', 'scheduled')
           AND substr(at, 1, 10) <= ?2
         GROUP BY request_id, status"
    ))?;
    let mut rows = steps.query([&from, &to])?;
    while let Some(r) = rows.next()? {
        let id = r.get_ref(0)?.as_str()?;
        let Ok(i) = list.binary_search_by(|f| f.request_id.as_str().cmp(id)) else {
            continue;
        };
        let at: Option<String> = r.get(2)?;
        let f = &mut list[i];
        match r.get_ref(1)?.as_str()? {
            "submitted" => f.submitted_at = at,
            "qualified" => f.qualified_at = at,
            "asked" => f.asked_at = at,
            _ => f.scheduled_at = at,
        }
    }
    Ok(list)
}

/// A closed opportunity and whether a reference worked on it.
#[derive(Debug, Clone)]
pub struct ClosedDeal {
    pub won: bool,
    pub amount_cents: i64,
    pub cycle_days: Option<i64>,
    pub with_reference: bool,
}

/// Opportunities closed won or lost within `from..=to`; "with a reference" when a
/// reference activity was logged on one of its requests.
pub fn closed_deals(
    Db { conn }: Db<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ClosedDeal>> {
    let kinds = counted_kinds();
    let marks = (3..3 + kinds.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT o.status, coalesce(o.amount_cents, 0), o.created_on, o.close_date,
                EXISTS (SELECT 1 FROM requests r JOIN activities a ON a.request_id = r.request_id
                        WHERE r.opportunity_id = o.opportunity_id AND a.kind IN ({marks}) AND a.date <= ?2)
         FROM opportunities o WHERE o.status IN ('won', 'lost') AND o.close_date BETWEEN ?1 AND ?2"
    );
    let mut values = vec![Value::Text(from.to_string()), Value::Text(to.to_string())];
    values.extend(kinds);
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map(params_from_iter(values), |r| {
        let created = date(r.get(2)?);
        let closed = date(r.get(3)?);
        Ok(ClosedDeal {
            won: r.get::<_, String>(0)? == "won",
            amount_cents: r.get(1)?,
            cycle_days: created.zip(closed).map(|(a, b)| (b - a).num_days()),
            with_reference: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Open opportunities (created by `today`) with a reference at work: a reference activity
/// dated by `today` on one of their requests, as `closed_deals` counts "with a reference".
/// (count, amount in cents). The few deals with a reference are looked up by id (`+`
/// keeps SQLite from reading every open deal through the status index instead: 0.2 s at
/// 100k accounts), and each request's activities through their index (reading every
/// activity to list the requests that have one took another 0.2 s).
pub fn open_pipeline_with_reference(Db { conn }: Db<'_>, today: NaiveDate) -> Result<(u64, i64)> {
    let kinds = counted_kinds();
    let marks = (2..2 + kinds.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT count(*), coalesce(sum(o.amount_cents), 0) FROM opportunities o
         WHERE +o.status = 'open' AND (o.created_on IS NULL OR o.created_on <= ?1)
           AND o.opportunity_id IN (SELECT r.opportunity_id FROM requests r
                                    WHERE r.opportunity_id IS NOT NULL
                                      AND EXISTS (SELECT 1 FROM activities a WHERE a.request_id = r.request_id
                                                  AND a.kind IN ({marks}) AND a.date <= ?1))"
    );
    let mut values = vec![Value::Text(today.to_string())];
    values.extend(kinds);
    Ok(conn.query_row(&sql, params_from_iter(values), |r| {
        Ok((r.get::<_, i64>(0)?.max(0) as u64, r.get(1)?))
    })?)
}

/// Ratings given on activities dated within `from..=to`: (reference's, prospect's).
pub fn ratings(db: Db<'_>, from: NaiveDate, to: NaiveDate) -> Result<(Vec<i64>, Vec<i64>)> {
    Ok(ratings_in(db, &[(from, to)])?.pop().unwrap_or_default())
}

/// [`ratings`] of each of `periods` (in order, none overlapping the next), read in one pass
/// over the activities: the review's trend reads a year of months at the cost of one.
pub fn ratings_in(
    Db { conn }: Db<'_>,
    periods: &[(NaiveDate, NaiveDate)],
) -> Result<Vec<(Vec<i64>, Vec<i64>)>> {
    let mut out = vec![(Vec::new(), Vec::new()); periods.len()];
    let (Some((from, _)), Some((_, to))) = (periods.first(), periods.last()) else {
        return Ok(out);
    };
    // Compared as the text SQL compares the dates with, so a month holds what a report of
    // that month counts.
    let bounds: Vec<(String, String)> = periods
        .iter()
        .map(|(since, until)| (since.to_string(), until.to_string()))
        .collect();
    let mut statement = conn.prepare(
        "SELECT reference_rating, prospect_rating, date FROM activities
         WHERE +date BETWEEN ?1 AND ?2 AND (reference_rating IS NOT NULL OR prospect_rating IS NOT NULL)",
    )?;
    let mut rows = statement.query([from.to_string(), to.to_string()])?;
    while let Some(r) = rows.next()? {
        let ValueRef::Text(day) = r.get_ref(2)? else {
            continue;
        };
        let i = bounds.partition_point(|(_, until)| until.as_bytes() < day);
        let Some((reference, prospect)) = out.get_mut(i).filter(|_| bounds[i].0.as_bytes() <= day)
        else {
            continue;
        };
        if let Some(x) = r.get::<_, Option<i64>>(0)? {
            reference.push(x);
        }
        if let Some(x) = r.get::<_, Option<i64>>(1)? {
            prospect.push(x);
        }
    }
    Ok(out)
}

/// Asks made within `from..=to`: (answered yes, answered).
pub fn ask_answers(Db { conn }: Db<'_>, from: NaiveDate, to: NaiveDate) -> Result<(u64, u64)> {
    Ok(conn.query_row(
        "SELECT count(*) FILTER (WHERE answer = 'yes'), count(answer) FROM asks WHERE asked_on BETWEEN ?1 AND ?2",
        [from.to_string(), to.to_string()],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )?)
}

/// Opportunities created within `from..=to`, and how many of them had a request.
pub fn request_share(Db { conn }: Db<'_>, from: NaiveDate, to: NaiveDate) -> Result<(u64, u64)> {
    Ok(conn.query_row(
        "SELECT count(*) FILTER (WHERE o.opportunity_id IN (SELECT opportunity_id FROM requests WHERE opportunity_id IS NOT NULL)), count(*)
         FROM opportunities o WHERE o.created_on BETWEEN ?1 AND ?2",
        [from.to_string(), to.to_string()],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )?)
}

/// Every ask's answer record up to `until` (the answers given by then), per contact (for
/// the fatigue flag).
pub fn answers_by_contact(
    Db { conn }: Db<'_>,
    until: NaiveDate,
) -> Result<HashMap<String, Vec<crate::domain::policy::AnswerRecord>>> {
    let mut statement = conn.prepare(
        "SELECT contact_id, asked_on, CASE WHEN answered_on <= ?1 THEN answered_on END,
                CASE WHEN answered_on IS NULL OR answered_on <= ?1 THEN answer END
         FROM asks WHERE asked_on <= ?1 ORDER BY asked_on",
    )?;
    let mut rows = statement.query([until.to_string()])?;
    let mut out: HashMap<String, Vec<crate::domain::policy::AnswerRecord>> = HashMap::new();
    while let Some(r) = rows.next()? {
        if let Some(asked_on) = date(r.get(1)?) {
            let answer: Option<String> = r.get(3)?;
            out.entry(r.get(0)?)
                .or_default()
                .push(crate::domain::policy::AnswerRecord {
                    asked_on,
                    answered_on: date(r.get(2)?),
                    yes: answer.map(|a| a == "yes"),
                });
        }
    }
    Ok(out)
}
