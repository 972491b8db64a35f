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

fn candidate(r: &rusqlite::Row<'_>) -> rusqlite::Result<Candidate> {
    let list = |text: Option<String>| -> Vec<String> {
        text.unwrap_or_default()
            .split(';')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
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
    /// One contact, enrolled or not.
    Contact(&'a str),
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
            let marks = |n: usize| vec!["?"; n].join(", ");
            let mut filter = format!(
                "c.tier IS NOT NULL AND a.industry IN ({})",
                marks(industries.len())
            );
            let mut values: Vec<Value> =
                industries.iter().map(|n| Value::Text(n.clone())).collect();
            // Both read from `accounts_by_industry` before the account's row.
            if let Some((low, high)) = employees {
                filter.push_str(" AND (a.employees IS NULL OR a.employees BETWEEN ? AND ?)");
                values.extend([Value::Integer(low), Value::Integer(high)]);
            }
            // Left out by the levels they are not (a spelling the store does not expect
            // stays in: the rules read it).
            if !not_roles.is_empty() {
                filter.push_str(&format!(
                    " AND c.role_level NOT IN ({})",
                    marks(not_roles.len())
                ));
                values.extend(
                    not_roles
                        .iter()
                        .map(|r| Value::Text(r.as_str().to_string())),
                );
            }
            (filter, values)
        }
        Scope::Contact(id) => (
            "c.contact_id = ?".to_string(),
            vec![Value::Text(id.to_string())],
        ),
    };
    let mut statement = conn.prepare(&format!("{SELECT} WHERE {filter} ORDER BY c.contact_id"))?;
    let list = statement
        .query_map(params_from_iter(values.drain(..)), candidate)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(list)
}

/// Reads a candidate's history: load in the window, last use, and whether it spoke to the
/// prospect before. The statements are prepared once and run per candidate.
pub struct History<'c> {
    asks: rusqlite::Statement<'c>,
    activities: rusqlite::Statement<'c>,
    last: rusqlite::Statement<'c>,
    spoke: rusqlite::Statement<'c>,
    counted: Vec<Value>,
    prospect: String,
    /// The first day the rules read (the windows and the gap before today).
    from: NaiveDate,
    /// The first day of the limit window that ends today.
    window_from: NaiveDate,
    today: NaiveDate,
}

impl<'c> History<'c> {
    /// The history as of `today`: nothing dated later is read.
    pub fn new(
        Db { conn }: Db<'c>,
        prospect: &str,
        policy: &Policy,
        today: NaiveDate,
    ) -> Result<History<'c>> {
        let from = history_start(policy, today);
        let window_from = policy.window_start(today);
        let counted: Vec<Value> = ActivityKind::ALL
            .iter()
            .filter(|k| k.counts_against_limit())
            .map(|k| Value::Text(k.as_str().to_string()))
            .collect();
        let marks_from = |first: usize| {
            (first..first + counted.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (marks, marks4) = (marks_from(3), marks_from(4));
        Ok(History {
            asks: conn.prepare(
                "SELECT request_id, asked_on FROM asks WHERE contact_id = ?1 AND asked_on >= ?2 AND asked_on <= ?3",
            )?,
            activities: conn.prepare(&format!(
                "SELECT request_id, date FROM activities WHERE contact_id = ?1 AND date >= ?2 AND date <= ?3 AND kind IN ({marks4})"
            ))?,
            last: conn.prepare(&format!(
                "SELECT max(d) FROM (SELECT max(asked_on) AS d FROM asks WHERE contact_id = ?1 AND asked_on <= ?2
                 UNION ALL SELECT max(date) FROM activities WHERE contact_id = ?1 AND date <= ?2 AND kind IN ({marks}))"
            ))?,
            spoke: conn.prepare(
                "SELECT EXISTS (SELECT 1 FROM asks k JOIN requests r ON r.request_id = k.request_id
                                 WHERE k.contact_id = ?1 AND k.asked_on <= ?3 AND lower(trim(r.prospect)) = lower(trim(?2)))
                     OR EXISTS (SELECT 1 FROM activities a JOIN requests r ON r.request_id = a.request_id
                                 WHERE a.contact_id = ?1 AND a.date <= ?3 AND lower(trim(r.prospect)) = lower(trim(?2)))",
            )?,
            counted,
            prospect: prospect.to_string(),
            from,
            window_from,
            today,
        })
    }

    fn bind(&self, first: &str, rest: &[Value]) -> Vec<Value> {
        let mut all = vec![Value::Text(first.to_string())];
        all.extend(rest.iter().cloned());
        all.extend(self.counted.iter().cloned());
        all
    }

    pub fn fill(&mut self, c: &mut Candidate) -> Result<()> {
        let mut events = Vec::new();
        let from_text = self.from.to_string();
        let today_text = self.today.to_string();
        {
            let mut rows =
                self.asks
                    .query(rusqlite::params![c.contact_id, from_text, today_text])?;
            while let Some(r) = rows.next()? {
                if let Some(day) = date(r.get(1)?) {
                    events.push(LoadEvent {
                        contact_id: c.contact_id.as_str().into(),
                        request_id: r.get_ref(0)?.as_str_or_null()?.map(Into::into),
                        date: day,
                    });
                }
            }
        }
        let values = self.bind(
            &c.contact_id,
            &[Value::Text(from_text), Value::Text(today_text.clone())],
        );
        {
            let mut rows = self.activities.query(params_from_iter(values))?;
            while let Some(r) = rows.next()? {
                if let Some(day) = date(r.get(1)?) {
                    events.push(LoadEvent {
                        contact_id: c.contact_id.as_str().into(),
                        request_id: r.get_ref(0)?.as_str_or_null()?.map(Into::into),
                        date: day,
                    });
                }
            }
        }
        c.load_dates = load_units(&events, self.window_from, self.today);
        c.load = c.load_dates.len() as u32;
        c.events = events;
        let values = self.bind(&c.contact_id, &[Value::Text(today_text.clone())]);
        c.last_used = date(
            self.last
                .query_row(params_from_iter(values), |r| r.get(0))?,
        );
        c.spoke_to_prospect = self.spoke.query_row(
            rusqlite::params![c.contact_id, self.prospect, today_text],
            |r| r.get(0),
        )?;
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
