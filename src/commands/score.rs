//! `refprog score`: loads the accounts, the pipeline and the recent load, scores each
//! account with `domain::score`, and prints them best first, or one with `--explain`.

use std::collections::HashMap;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::ScoreArgs;
use crate::domain::model::{AccountStatus, squash};
use crate::domain::policy::{LoadEvent, Policy, load_in_window};
use crate::domain::score::{self, AccountFacts, ContactFacts, Demand, Score};
use crate::domain::segments::{SectorMap, SizeBand};
use crate::output::{Cell, Format, Out};
use crate::store::{self, Store};

/// One scored account, with its best contact.
pub struct Scored {
    pub account: AccountFacts,
    pub score: Score,
    pub best_contact: Option<ContactFacts>,
}

/// Scores every account in the database as of `today`; the account named by `explain`
/// keeps the steps of its explanation. Contacts and their load are read on a second
/// connection while this one reads the accounts and the pipeline, and the accounts are
/// scored on two threads.
pub fn score_all(
    store: &Store,
    policy: &Policy,
    today: NaiveDate,
    horizon_days: i64,
    explain: Option<&str>,
) -> Result<Vec<Scored>> {
    let sectors = SectorMap::new(&policy.sectors);
    let from = policy.window_start(today);
    let reader = store.reader()?;
    let (people, accounts, deals) = std::thread::scope(|scope| -> Result<_> {
        let people = scope.spawn(move || People::load(&reader, from, today));
        let accounts = store::scoring::accounts(&store.conn)?;
        let deals = store::scoring::open_deals(&store.conn)?;
        let people = people
            .join()
            .map_err(|_| anyhow::anyhow!("reading the contacts failed"))??;
        Ok((people, accounts, deals))
    })?;
    let demand = Demand::new(&deals, today, horizon_days, &sectors);
    // Each account's contacts, found by hashing each contact's account id once.
    let account_index: HashMap<&str, usize> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.account_id.as_str(), i))
        .collect();
    let mut contacts_of: Vec<Vec<usize>> = vec![Vec::new(); accounts.len()];
    for (i, (account, _)) in people.contacts.iter().enumerate() {
        if let Some(&a) = account_index.get(account.as_str()) {
            contacts_of[a].push(i);
        }
    }
    drop(account_index);
    let score_one = |(at, mut account): (usize, AccountFacts)| -> Scored {
        let mine: &[usize] = &contacts_of[at];
        account.yes_answers = people.yes.get(&account.account_id).copied().unwrap_or(0);
        account.load = load_in_window(mine.iter().flat_map(|&i| &people.events[i]), from, today);
        let detail = explain == Some(account.account_id.as_str());
        let score = score::score(&account, &demand, &sectors, policy, today, detail);
        let best_contact = mine
            .iter()
            .map(|&i| (i, load_in_window(&people.events[i], from, today)))
            .filter(|(i, _)| !people.contacts[*i].1.opted_out)
            .max_by_key(|&(i, load)| score::contact_rank(&people.contacts[i].1, load))
            .map(|(i, load)| ContactFacts {
                load,
                ..people.contacts[i].1.clone()
            });
        Scored {
            account,
            score,
            best_contact,
        }
    };
    let half = accounts.len() / 2;
    let mut accounts = accounts;
    let second: Vec<(usize, AccountFacts)> = accounts
        .split_off(half)
        .into_iter()
        .enumerate()
        .map(|(i, a)| (half + i, a))
        .collect();
    std::thread::scope(|scope| {
        let other = scope.spawn(|| second.into_iter().map(score_one).collect::<Vec<_>>());
        let mut scored: Vec<Scored> = accounts.into_iter().enumerate().map(score_one).collect();
        let rest = other
            .join()
            .map_err(|_| anyhow::anyhow!("scoring failed"))?;
        scored.extend(rest);
        Ok(scored)
    })
}

/// The contacts, each one's asks and activities in the window, and yes answers per account.
struct People {
    contacts: Vec<(String, ContactFacts)>,
    events: Vec<Vec<LoadEvent>>,
    yes: HashMap<String, u32>,
}

impl People {
    fn load(conn: &rusqlite::Connection, from: NaiveDate, today: NaiveDate) -> Result<People> {
        let contacts = store::scoring::contacts(conn)?;
        let index: HashMap<&str, usize> = contacts
            .iter()
            .enumerate()
            .map(|(i, (_, c))| (c.contact_id.as_str(), i))
            .collect();
        let mut events: Vec<Vec<LoadEvent>> = vec![Vec::new(); contacts.len()];
        for event in store::scoring::load_events(conn, from, today)? {
            if let Some(&i) = index.get(event.contact_id.as_str()) {
                events[i].push(event);
            }
        }
        drop(index);
        let yes = store::scoring::yes_answers(conn)?;
        Ok(People {
            contacts,
            events,
            yes,
        })
    }
}

pub fn run(args: &ScoreArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(&store.conn)?;
    let horizon = args.horizon.unwrap_or(policy.horizon_days);
    let scored = score_all(store, &policy, today, horizon, args.explain.as_deref())?;
    if let Some(id) = &args.explain {
        let Some(found) = scored.iter().find(|s| &s.account.account_id == id) else {
            bail!("no account '{id}' in the database (see 'refprog export accounts')");
        };
        return explain(found, &policy, out);
    }
    let sectors = SectorMap::new(&policy.sectors);
    let wanted = |s: &Scored| {
        let industry_ok = args.industry.as_ref().is_none_or(|industry| {
            let own = s.account.industry.as_deref().unwrap_or_default();
            squash(own) == squash(industry)
                || sectors
                    .group(own)
                    .is_some_and(|g| squash(g) == squash(industry))
        });
        s.account.status != Some(AccountStatus::Churned)
            && args.label.is_none_or(|label| s.score.label == label)
            && args.min_score.is_none_or(|min| s.score.composite >= min)
            && industry_ok
    };
    // Sorted by reference: moving the rows themselves costs more than comparing them.
    let mut shown: Vec<&Scored> = scored.iter().filter(|s| wanted(s)).collect();
    shown.sort_by(|a, b| {
        a.score
            .label
            .cmp(&b.score.label)
            .then(b.score.composite.total_cmp(&a.score.composite))
            .then_with(|| a.account.account_id.cmp(&b.account.account_id))
    });
    shown.truncate(args.top.unwrap_or(usize::MAX));
    let mut rows = out.rows(&[
        "account_id",
        "name",
        "industry",
        "size_band",
        "sentiment",
        "adoption",
        "icp_fit",
        "advocacy",
        "composite",
        "label",
        "best_contact",
        "reason",
    ])?;
    for s in shown {
        rows.row(vec![
            Cell::from(s.account.account_id.as_str()),
            Cell::from(s.account.name.as_str()),
            Cell::from(s.account.industry.clone()),
            Cell::from(s.account.employees.map(|e| SizeBand::of(e).as_str())),
            Cell::Real(s.score.sentiment),
            Cell::Real(s.score.adoption),
            Cell::Real(s.score.icp_fit),
            Cell::Real(s.score.advocacy),
            Cell::Real(s.score.composite),
            Cell::from(s.score.label.as_str()),
            Cell::from(s.best_contact.as_ref().map(describe_contact)),
            Cell::from(s.score.reason.as_str()),
        ])?;
    }
    rows.finish()?;
    // The process ends next: freeing a hundred thousand scored rows one by one would only
    // add a tenth of a second at exit.
    std::mem::forget(scored);
    Ok(())
}

fn describe_contact(contact: &ContactFacts) -> String {
    match contact.tier {
        Some(tier) => format!("{} ({}, {tier})", contact.name, contact.role_level),
        None => format!("{} ({}, not enrolled)", contact.name, contact.role_level),
    }
}

fn explain(scored: &Scored, policy: &Policy, out: &mut Out) -> Result<()> {
    let score = &scored.score;
    if out.format == Format::Json {
        return out.json(&serde_json::json!({
            "account_id": scored.account.account_id,
            "name": scored.account.name,
            "label": score.label,
            "composite": score.composite,
            "sentiment": score.sentiment,
            "adoption": score.adoption,
            "icp_fit": score.icp_fit,
            "advocacy": score.advocacy,
            "weights": {
                "sentiment": policy.weight_sentiment,
                "adoption": policy.weight_adoption,
                "icp_fit": policy.weight_icp_fit,
                "advocacy": policy.weight_advocacy,
            },
            "best_contact": scored.best_contact.as_ref().map(describe_contact),
            "reason": score.reason,
            "steps": score.steps,
        }));
    }
    if out.format == Format::Table {
        out.text(&format!(
            "{} ({}): {} {:.1}\n{}\n\n",
            scored.account.name,
            scored.account.account_id,
            score.label.as_str(),
            score.composite,
            score.reason
        ))?;
    }
    let mut rows = out.rows(&["dimension", "rule", "points"])?;
    for step in &score.steps {
        rows.row(vec![
            Cell::from(step.dimension),
            Cell::from(step.rule.as_str()),
            step.points.map_or(Cell::Null, Cell::Real),
        ])?;
    }
    rows.finish()
}
