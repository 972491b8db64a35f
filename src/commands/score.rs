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

/// Scores every account in the database as of `today`.
pub fn score_all(
    store: &Store,
    policy: &Policy,
    today: NaiveDate,
    horizon_days: i64,
) -> Result<Vec<Scored>> {
    let sectors = SectorMap::new(&policy.sectors);
    let deals = store::scoring::open_deals(&store.conn)?;
    let demand = Demand::new(&deals, today, horizon_days, &sectors);
    let from = policy.window_start(today);
    let mut events_by_account: HashMap<String, Vec<LoadEvent>> = HashMap::new();
    for (account, event) in store::scoring::load_events(&store.conn, from, today)? {
        events_by_account.entry(account).or_default().push(event);
    }
    let yes = store::scoring::yes_answers(&store.conn)?;
    let mut contacts_by_account: HashMap<String, Vec<ContactFacts>> = HashMap::new();
    for (account, mut contact) in store::scoring::contacts(&store.conn)? {
        if let Some(events) = events_by_account.get(&account) {
            let own: Vec<LoadEvent> = events
                .iter()
                .filter(|e| e.contact_id == contact.contact_id)
                .cloned()
                .collect();
            contact.load = load_in_window(&own, from, today);
        }
        contacts_by_account
            .entry(account)
            .or_default()
            .push(contact);
    }
    let mut scored = Vec::new();
    for mut account in store::scoring::accounts(&store.conn)? {
        account.yes_answers = yes.get(&account.account_id).copied().unwrap_or(0);
        account.load = events_by_account
            .get(&account.account_id)
            .map_or(0, |events| load_in_window(events, from, today));
        let score = score::score(&account, &demand, &sectors, policy, today);
        let best_contact = contacts_by_account
            .get(&account.account_id)
            .and_then(|contacts| score::best_contact(contacts))
            .cloned();
        scored.push(Scored {
            account,
            score,
            best_contact,
        });
    }
    Ok(scored)
}

pub fn run(args: &ScoreArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(&store.conn)?;
    let horizon = args.horizon.unwrap_or(policy.horizon_days);
    let mut scored = score_all(store, &policy, today, horizon)?;
    if let Some(id) = &args.explain {
        let Some(found) = scored.iter().find(|s| &s.account.account_id == id) else {
            bail!("no account '{id}' in the database (see 'refprog export accounts')");
        };
        return explain(found, &policy, out);
    }
    let sectors = SectorMap::new(&policy.sectors);
    scored.retain(|s| s.account.status != Some(AccountStatus::Churned));
    scored.retain(|s| args.label.is_none_or(|label| s.score.label == label));
    scored.retain(|s| args.min_score.is_none_or(|min| s.score.composite >= min));
    if let Some(industry) = &args.industry {
        scored.retain(|s| {
            let own = s.account.industry.as_deref().unwrap_or_default();
            squash(own) == squash(industry)
                || sectors
                    .group(own)
                    .is_some_and(|g| squash(g) == squash(industry))
        });
    }
    scored.sort_by(|a, b| {
        (a.score.label, b.score.composite, &a.account.account_id)
            .partial_cmp(&(b.score.label, a.score.composite, &b.account.account_id))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    scored.truncate(args.top.unwrap_or(usize::MAX));
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
    for s in &scored {
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
    rows.finish()
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
