//! What `match` reads: enrolled contacts with their account, and each one's load,
//! last use and history with the prospect. The rules that weigh them are in
//! `domain::matching`.

use anyhow::Result;
use chrono::NaiveDate;
use rusqlite::{params_from_iter, types::Value};

use super::Db;

use crate::domain::eligibility::history_start;
use crate::domain::matching::Candidate;
use crate::domain::model::{AccountStatus, ActivityKind, RoleLevel, Tier};
use crate::domain::policy::{LoadEvent, Policy, load_units};

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
        .map(crate::domain::dates::clamp)
}

/// The distinct industries of the customer base (to choose which may match). It hops from
/// one industry to the next along `accounts_by_industry`: a few dozen index seeks instead
/// of reading every account (15 % of `match`'s time at 100k accounts).
pub fn industries(Db { conn }: Db<'_>) -> Result<Vec<String>> {
    let mut statement = conn.prepare(
        "WITH RECURSIVE next(industry) AS (
             SELECT min(industry) FROM accounts WHERE industry IS NOT NULL
             UNION ALL
             SELECT (SELECT min(industry) FROM accounts WHERE industry > next.industry)
             FROM next WHERE next.industry IS NOT NULL)
         SELECT industry FROM next WHERE industry IS NOT NULL",
    )?;
    let rows = statement.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const SELECT: &str =
    "SELECT c.contact_id, c.name, c.title, c.account_id, a.name, c.role_level, c.tier, c.willing,
        c.break_until, c.opted_out_on, a.industry, a.employees, a.country, a.region, a.use_case,
        a.secondary_use_cases, a.status, a.escalation, a.health, a.nps, a.renewal_date, c.enrolled_on
     FROM contacts c JOIN accounts a ON a.account_id = c.account_id";

/// The items of a ';'-joined list as stored.
fn list_items(text: Option<&str>) -> impl Iterator<Item = &str> {
    text.unwrap_or_default()
        .split(';')
        .filter(|s| !s.is_empty())
}

fn candidate(r: &rusqlite::Row<'_>) -> rusqlite::Result<Candidate> {
    let list = |text: Option<String>| -> Vec<String> {
        list_items(text.as_deref()).map(str::to_string).collect()
    };
    Ok(Candidate {
        contact_id: r.get(0)?,
        name: r.get(1)?,
        title: r.get(2)?,
        account_id: r.get(3)?,
        account: r.get(4)?,
        role_level: r
            .get::<_, Option<String>>(5)?
            .and_then(|s| RoleLevel::parse(&s)),
        tier: r.get::<_, Option<String>>(6)?.and_then(|s| Tier::parse(&s)),
        willing: list(r.get(7)?)
            .iter()
            .filter_map(|k| ActivityKind::parse(k))
            .collect(),
        break_until: date(r.get(8)?),
        opted_out_on: date(r.get(9)?),
        industry: r.get(10)?,
        employees: r.get(11)?,
        country: r.get(12)?,
        region: r.get(13)?,
        use_case: r.get(14)?,
        secondary_use_cases: list(r.get(15)?),
        status: r
            .get::<_, Option<String>>(16)?
            .and_then(|s| AccountStatus::parse(&s)),
        escalation: r.get::<_, Option<i64>>(17)?.unwrap_or(0) != 0,
        health: r.get(18)?,
        nps: r.get(19)?,
        renewal_date: date(r.get(20)?),
        enrolled_on: date(r.get(21)?),
        ..Candidate::default()
    })
}

/// Which contacts to read.
pub enum Scope<'a> {
    /// Every enrolled contact.
    Enrolled,
    /// Enrolled contacts of accounts in these industries and, when given, with employees in
    /// the range (or unknown), and of a role level other than `not_roles`.
    Near {
        industries: &'a [String],
        employees: Option<(i64, i64)>,
        not_roles: &'a [RoleLevel],
    },
    /// Enrolled contacts of one account, of a role level other than `not_roles`.
    Account {
        account_id: &'a str,
        not_roles: &'a [RoleLevel],
    },
    /// One contact, enrolled or not.
    Contact(&'a str),
}

/// Leaves out the contacts of the levels `not_roles` (a spelling the store does not
/// expect stays in: the rules read it).
fn not_in_roles(filter: &mut String, values: &mut Vec<Value>, not_roles: &[RoleLevel]) {
    if not_roles.is_empty() {
        return;
    }
    let marks = vec!["?"; not_roles.len()].join(", ");
    filter.push_str(&format!(" AND c.role_level NOT IN ({marks})"));
    values.extend(
        not_roles
            .iter()
            .map(|r| Value::Text(r.as_str().to_string())),
    );
}

/// An account as `match` ranks it before reading its contacts, borrowed from the row.
pub struct AccountRow<'r> {
    pub account_id: &'r str,
    pub industry: Option<&'r str>,
    pub employees: Option<i64>,
    pub use_case: Option<&'r str>,
    /// As stored (';'-joined): see [`AccountRow::secondary_use_cases`].
    secondary_use_cases: Option<&'r str>,
    pub health: Option<i64>,
    pub nps: Option<i64>,
    pub country: Option<&'r str>,
    pub region: Option<&'r str>,
}

impl<'r> AccountRow<'r> {
    pub fn secondary_use_cases(&self) -> impl Iterator<Item = &'r str> {
        list_items(self.secondary_use_cases)
    }
}

/// Calls `f` with every account in `industries` (every account: None) with employees in
/// the range, when given, or unknown: the accounts whose enrolled contacts [`Scope::Near`]
/// ([`Scope::Enrolled`]) reads, read from `accounts_by_industry`, which holds these
/// columns (migration 0011), not the table.
pub fn each_account(
    Db { conn }: Db<'_>,
    industries: Option<&[String]>,
    employees: Option<(i64, i64)>,
    mut f: impl FnMut(AccountRow<'_>),
) -> Result<()> {
    let columns = "SELECT account_id, industry, employees, use_case, health, nps, country, region,
                secondary_use_cases
         FROM accounts";
    let select = match industries {
        Some(industries) => format!(
            "{columns} WHERE industry IN ({})",
            vec!["?"; industries.len()].join(", ")
        ),
        None => format!("{columns} INDEXED BY accounts_by_industry WHERE 1"),
    };
    // A range of the index each, where one query with an OR read every size of the
    // industry.
    let queries = match employees {
        Some(_) => vec![
            format!("{select} AND employees BETWEEN ? AND ?"),
            format!("{select} AND employees IS NULL"),
        ],
        None => vec![select],
    };
    for (i, sql) in queries.iter().enumerate() {
        let mut values: Vec<Value> = industries
            .unwrap_or_default()
            .iter()
            .map(|n| Value::Text(n.clone()))
            .collect();
        if let (0, Some((low, high))) = (i, employees) {
            values.extend([Value::Integer(low), Value::Integer(high)]);
        }
        let mut statement = conn.prepare(sql)?;
        let mut rows = statement.query(params_from_iter(values))?;
        while let Some(row) = rows.next()? {
            let text = |i: usize| -> rusqlite::Result<Option<&str>> {
                Ok(row.get_ref(i)?.as_str_or_null()?)
            };
            f(AccountRow {
                account_id: text(0)?.unwrap_or_default(),
                industry: text(1)?,
                employees: row.get(2)?,
                use_case: text(3)?,
                health: row.get(4)?,
                nps: row.get(5)?,
                country: text(6)?,
                region: text(7)?,
                secondary_use_cases: text(8)?,
            });
        }
    }
    Ok(())
}

/// The contacts in `scope` with their accounts; their history is filled by [`History`].
pub fn candidates(Db { conn }: Db<'_>, scope: Scope<'_>) -> Result<Vec<Candidate>> {
    let (filter, mut values): (String, Vec<Value>) = match scope {
        Scope::Enrolled => ("c.tier IS NOT NULL".to_string(), Vec::new()),
        Scope::Near {
            industries,
            employees,
            not_roles,
        } => {
            let mut filter = format!(
                "c.tier IS NOT NULL AND a.industry IN ({})",
                vec!["?"; industries.len()].join(", ")
            );
            let mut values: Vec<Value> =
                industries.iter().map(|n| Value::Text(n.clone())).collect();
            // Both read from `accounts_by_industry` before the account's row.
            if let Some((low, high)) = employees {
                filter.push_str(" AND (a.employees IS NULL OR a.employees BETWEEN ? AND ?)");
                values.extend([Value::Integer(low), Value::Integer(high)]);
            }
            not_in_roles(&mut filter, &mut values, not_roles);
            (filter, values)
        }
        Scope::Account {
            account_id,
            not_roles,
        } => {
            let mut filter = "c.tier IS NOT NULL AND c.account_id = ?".to_string();
            let mut values = vec![Value::Text(account_id.to_string())];
            not_in_roles(&mut filter, &mut values, not_roles);
            (filter, values)
        }
        Scope::Contact(id) => (
            "c.contact_id = ?".to_string(),
            vec![Value::Text(id.to_string())],
        ),
    };
    // Cached: `match` reads one account after another with the same statement.
    let mut statement =
        conn.prepare_cached(&format!("{SELECT} WHERE {filter} ORDER BY c.contact_id"))?;
    let list = statement
        .query_map(params_from_iter(values.drain(..)), candidate)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(list)
}

/// Reads a candidate's history: load in the window, last use, and whether it spoke to the
/// prospect before. Two statements, prepared once and run per candidate, read each of its
/// asks and activities up to today once (the load, the last use and the prospect were
/// four reads of them, 60 % of `match`'s history time at 1M accounts).
pub struct History<'c> {
    asks: rusqlite::Statement<'c>,
    activities: rusqlite::Statement<'c>,
    /// The kinds, as stored, that count against the limits.
    counted: Vec<&'static str>,
    /// The requests of this prospect (its name compared as the rules do: case and outer
    /// blanks ignored).
    prospect_requests: rustc_hash::FxHashSet<String>,
    /// The first day the rules read (the windows and the gap before today).
    from: String,
    /// The first day of the limit window that ends today.
    window_from: NaiveDate,
    today: NaiveDate,
    today_text: String,
}

impl<'c> History<'c> {
    /// The history as of `today`: nothing dated later is read.
    pub fn new(
        Db { conn }: Db<'c>,
        prospect: &str,
        policy: &Policy,
        today: NaiveDate,
    ) -> Result<History<'c>> {
        let counted = ActivityKind::ALL
            .iter()
            .filter(|k| k.counts_against_limit())
            .map(|k| k.as_str())
            .collect();
        let prospect_requests = conn
            .prepare(
                "SELECT request_id FROM requests WHERE lower(trim(prospect)) = lower(trim(?1))",
            )?
            .query_map([prospect], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(History {
            asks: conn.prepare(
                "SELECT request_id, asked_on FROM asks WHERE contact_id = ?1 AND asked_on <= ?2",
            )?,
            activities: conn.prepare(
                "SELECT request_id, date, kind FROM activities WHERE contact_id = ?1 AND date <= ?2",
            )?,
            counted,
            prospect_requests,
            from: history_start(policy, today).to_string(),
            window_from: policy.window_start(today),
            today,
            today_text: today.to_string(),
        })
    }

    pub fn fill(&mut self, c: &mut Candidate) -> Result<()> {
        let mut events = Vec::new();
        // The latest ask or counted activity, as stored (ISO dates order as text).
        let mut last: Option<String> = None;
        let mut spoke = false;
        let later = |day: &str, last: &mut Option<String>| {
            if last.as_deref().is_none_or(|l| day > l) {
                *last = Some(day.to_string());
            }
        };
        let event = |request: Option<&str>, day: &str, ask: bool, events: &mut Vec<LoadEvent>| {
            if day >= self.from.as_str()
                && let Some(date) = date(Some(day.to_string()))
            {
                events.push(LoadEvent {
                    contact_id: c.contact_id.as_str().into(),
                    request_id: request.map(Into::into),
                    date,
                    ask,
                });
            }
        };
        {
            let mut rows = self
                .asks
                .query(rusqlite::params![c.contact_id, self.today_text])?;
            while let Some(r) = rows.next()? {
                let request = r.get_ref(0)?.as_str_or_null()?;
                let Some(day) = r.get_ref(1)?.as_str_or_null()? else {
                    continue;
                };
                event(request, day, true, &mut events);
                later(day, &mut last);
                spoke |= request.is_some_and(|id| self.prospect_requests.contains(id));
            }
        }
        {
            let mut rows = self
                .activities
                .query(rusqlite::params![c.contact_id, self.today_text])?;
            while let Some(r) = rows.next()? {
                let request = r.get_ref(0)?.as_str_or_null()?;
                spoke |= request.is_some_and(|id| self.prospect_requests.contains(id));
                let (Some(day), Some(kind)) = (
                    r.get_ref(1)?.as_str_or_null()?,
                    r.get_ref(2)?.as_str_or_null()?,
                ) else {
                    continue;
                };
                if self.counted.contains(&kind) {
                    event(request, day, false, &mut events);
                    later(day, &mut last);
                }
            }
        }
        c.load_dates = load_units(&events, self.window_from, self.today);
        c.load = c.load_dates.len() as u32;
        c.events = events;
        c.last_used = date(last);
        c.spoke_to_prospect = spoke;
        Ok(())
    }
}

/// One contact, enrolled or not, with its history.
pub fn one(
    Db { conn }: Db<'_>,
    contact_id: &str,
    prospect: &str,
    policy: &Policy,
    today: NaiveDate,
) -> Result<Option<Candidate>> {
    let Some(mut candidate) = candidates(Db { conn }, Scope::Contact(contact_id))?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    History::new(Db { conn }, prospect, policy, today)?.fill(&mut candidate)?;
    Ok(Some(candidate))
}

/// What a brief needs beyond the candidate: the contact's topics and the account's history.
#[derive(Debug, Clone, Default)]
pub struct BriefExtra {
    pub topics: Vec<String>,
    pub avoid_topics: Vec<String>,
    pub customer_since: Option<String>,
    pub milestone: Option<String>,
    pub milestone_date: Option<String>,
}

pub fn brief_extra(Db { conn }: Db<'_>, contact_id: &str) -> Result<BriefExtra> {
    let list = |text: Option<String>| -> Vec<String> {
        text.unwrap_or_default()
            .split(';')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    Ok(conn.query_row(
        "SELECT c.topics, c.avoid_topics, a.customer_since, a.milestone, a.milestone_date
         FROM contacts c JOIN accounts a ON a.account_id = c.account_id WHERE c.contact_id = ?1",
        [contact_id],
        |r| {
            Ok(BriefExtra {
                topics: list(r.get(0)?),
                avoid_topics: list(r.get(1)?),
                customer_since: r.get(2)?,
                milestone: r.get(3)?,
                milestone_date: r.get(4)?,
            })
        },
    )?)
}
