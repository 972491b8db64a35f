//! Scoring the program: loads the accounts, the pipeline and the recent load, scores each
//! account with `domain::score`, and prints them best first ([`list`]) or one with its
//! steps ([`explain`]). `refprog score` and the review page both print from here.

use anyhow::Result;
use chrono::NaiveDate;
use compact_str::CompactString;
use rustc_hash::FxHashMap;

use crate::domain::model::{AccountStatus, squash};
use crate::domain::policy::{Policy, load_in_window};
use crate::domain::score::{self, AccountFacts, ContactFacts, Demand, Detail, Label, Score};
use crate::domain::segments::{SectorMap, SizeBand};
use crate::output::{Cell, Column, Format, Out};
use crate::store::{self, Store};

/// One scored account, with its best contact.
pub struct Scored<'a> {
    pub account: &'a AccountFacts,
    pub score: Score,
    pub best_contact: Option<&'a ContactFacts>,
}

/// Where one account ranks: its label and composite score, without the words. A list is
/// sorted by these, and only the rows it prints are scored again with their reasons, so a
/// million accounts do not each keep a sentence in memory.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    /// The account's place in [`Gathered`].
    index: u32,
    label: Label,
    composite: f64,
}

/// Every account of a [`Gathered`] ranked ([`Gathered::rank`]), what [`list`] prints from.
pub struct Ranking<'g> {
    gathered: &'g Gathered,
    ranked: Vec<Ranked>,
}

/// What scoring reads, gathered: every account with its load and yes answers, its best
/// contact, and the demand of the pipeline.
pub struct Gathered {
    accounts: Vec<AccountFacts>,
    best: Vec<Option<ContactFacts>>,
    demand: Demand,
    sectors: SectorMap,
}

/// Reads what scoring needs as of `today`. Each contact's load and yes answers, and the
/// pipeline, are read on a second connection while this one reads the accounts; then one
/// pass over the contacts adds them up per account and keeps each account's best contact.
pub fn gather(
    store: &Store,
    policy: &Policy,
    today: NaiveDate,
    horizon_days: i64,
) -> Result<Gathered> {
    let sectors = SectorMap::new(&policy.sectors);
    let from = policy.window_start(today);
    let sectors_ref = &sectors;
    let read_other = |conn: crate::store::Db<'_>| -> Result<_> {
        let voices = Voices::load(conn, from, today)?;
        let end = crate::domain::dates::add_days(today, horizon_days);
        let mut demand = Demand::empty(today, horizon_days);
        store::scoring::each_open_deal(conn, today, end, |deal| demand.add(deal, sectors_ref))?;
        Ok((voices, demand))
    };
    let read_accounts = || -> Result<_> {
        let accounts = store::scoring::accounts(store.db())?;
        // Ids up to 24 bytes (Salesforce's 18, HubSpot's numbers) sit in the table's own
        // slots, so a lookup reads no other memory.
        let index: FxHashMap<CompactString, usize> = accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (CompactString::from(a.account_id.as_str()), i))
            .collect();
        Ok((accounts, index))
    };
    // The load and pipeline on a second connection of the same snapshot
    // (Store::begin_snapshot) while this one reads the accounts; else one after the other.
    let ((voices, demand), (mut accounts, index)) = match store.reader() {
        Some(reader) => std::thread::scope(|scope| -> Result<_> {
            let other = scope.spawn(move || read_other(reader.db()));
            let accounts = read_accounts()?;
            let other = other
                .join()
                .map_err(|_| anyhow::anyhow!("reading the contacts' load failed"))??;
            Ok((other, accounts))
        })?,
        None => (read_other(store.db())?, read_accounts()?),
    };
    let best = voices.add_up(store, &index, &mut accounts)?;
    // Freed now, before the scores are made: the maps hold their ids inline (up to 24
    // bytes), so each goes in one piece, and scoring a million accounts reuses the room.
    drop((voices, index));
    Ok(Gathered {
        accounts,
        best,
        demand,
        sectors,
    })
}

/// What scoring one account reads: the account, its contacts' load and yes answers, its
/// best contact, and the demand of the pipeline. The same figures as [`gather`] gives that
/// account, read through the indexes instead of over the whole program.
pub struct GatheredOne {
    account: AccountFacts,
    best: Option<ContactFacts>,
    demand: Demand,
    sectors: SectorMap,
}

/// Reads what scoring the account `account_id` needs as of `today`; None when there is no
/// such account.
pub fn gather_one(
    store: &Store,
    policy: &Policy,
    today: NaiveDate,
    horizon_days: i64,
    account_id: &str,
) -> Result<Option<GatheredOne>> {
    let conn = store.db();
    let Some(mut account) = store::scoring::account(conn, account_id)? else {
        return Ok(None);
    };
    let sectors = SectorMap::new(&policy.sectors);
    let from = policy.window_start(today);
    let mut contacts = Vec::new();
    store::scoring::each_contact_of(conn, account_id, |c| {
        contacts.push(ContactFacts {
            contact_id: c.contact_id.into(),
            name: c.name.into(),
            role_level: c.role_level,
            tier: c.tier,
            opted_out: c.opted_out,
            load: 0,
        });
    })?;
    let mut best: Option<ContactFacts> = None;
    for mut contact in contacts {
        let events = store::scoring::contact_load_events(conn, &contact.contact_id, from, today)?;
        contact.load = load_in_window(&events, from, today);
        account.load += contact.load;
        account.yes_answers +=
            store::scoring::contact_yes_answers(conn, &contact.contact_id, today)?;
        if contact.opted_out {
            continue;
        }
        if best.as_ref().is_none_or(|b| contact.rank() > b.rank()) {
            best = Some(contact);
        }
    }
    let end = crate::domain::dates::add_days(today, horizon_days);
    let mut demand = Demand::for_account(today, horizon_days, &account, &sectors);
    // The pipeline's sums per closing day; the deals one by one when they are stale.
    let summed =
        store::scoring::each_pipeline_group(conn, today, end, |close, shared, n, cents| {
            demand.add_shared(close, shared, n, cents, &sectors)
        })?;
    if !summed {
        store::scoring::each_open_deal(conn, today, end, |deal| demand.add(deal, &sectors))?;
    }
    Ok(Some(GatheredOne {
        account,
        best,
        demand,
        sectors,
    }))
}

impl GatheredOne {
    /// The account scored with every step of its explanation.
    pub fn scored(&self, policy: &Policy, today: NaiveDate) -> Scored<'_> {
        Scored {
            account: &self.account,
            score: score::score(
                &self.account,
                &self.demand,
                &self.sectors,
                policy,
                today,
                Detail::Steps,
            ),
            best_contact: self.best.as_ref(),
        }
    }
}

impl Gathered {
    /// Ranks every account, on two threads: each account's label and composite score,
    /// made without their words (see [`Ranked`]).
    pub fn rank(&self, policy: &Policy, today: NaiveDate) -> Result<Ranking<'_>> {
        let rank_one = |(index, account): (usize, &AccountFacts)| {
            let score = score::score(
                account,
                &self.demand,
                &self.sectors,
                policy,
                today,
                Detail::Figures,
            );
            Ranked {
                index: index as u32,
                label: score.label,
                composite: score.composite,
            }
        };
        let half = self.accounts.len() / 2;
        let (first, second) = (
            self.accounts[..half].iter().enumerate(),
            self.accounts[half..]
                .iter()
                .enumerate()
                .map(|(i, a)| (half + i, a)),
        );
        std::thread::scope(|scope| {
            let other = scope.spawn(|| second.map(rank_one).collect::<Vec<_>>());
            let mut ranked: Vec<Ranked> = first.map(rank_one).collect();
            let rest = other
                .join()
                .map_err(|_| anyhow::anyhow!("scoring failed"))?;
            ranked.extend(rest);
            Ok(Ranking {
                gathered: self,
                ranked,
            })
        })
    }

    /// The account `ranked` points at, scored with its reason (the same figures and label
    /// as its rank).
    fn scored(&self, ranked: &Ranked, policy: &Policy, today: NaiveDate) -> Scored<'_> {
        let at = ranked.index as usize;
        let account = &self.accounts[at];
        Scored {
            account,
            score: score::score(
                account,
                &self.demand,
                &self.sectors,
                policy,
                today,
                Detail::Reason,
            ),
            best_contact: self.best[at].as_ref(),
        }
    }

    fn account(&self, ranked: &Ranked) -> &AccountFacts {
        &self.accounts[ranked.index as usize]
    }
}

/// Each contact's load in the window and yes answers ever, by contact id. Ids up to 24
/// bytes (Salesforce's 18, HubSpot's numbers) are kept in the table's own slots, so a
/// lookup reads no other memory.
struct Voices {
    load: FxHashMap<CompactString, u32>,
    yes: FxHashMap<CompactString, u32>,
}

impl Voices {
    fn load(conn: crate::store::Db<'_>, from: NaiveDate, today: NaiveDate) -> Result<Voices> {
        // Each contact's events side by side (sorted by the inline ids), so each is weighed
        // as one slice of a single list.
        let mut events = store::scoring::load_events(conn, from, today)?;
        events.sort_unstable_by(|a, b| a.contact_id.cmp(&b.contact_id));
        let load = events
            .chunk_by(|a, b| a.contact_id == b.contact_id)
            .map(|mine| {
                (
                    mine[0].contact_id.clone(),
                    load_in_window(mine, from, today),
                )
            })
            .collect();
        let yes = store::scoring::yes_answers(conn, today)?
            .into_iter()
            .map(|(contact, n)| (contact.into(), n))
            .collect();
        Ok(Voices { load, yes })
    }

    /// Goes over every contact once: adds its load and yes answers to its account's, and
    /// keeps the account's strongest voice (by [`score::contact_rank`]; never one who
    /// opted out). Returns the best contact of each account, in the accounts' order.
    ///
    /// The contacts are read in two halves of their row ids, on two connections at once:
    /// the pass waits on memory (a hash lookup and an account's tally per contact), which
    /// a second core halves.
    fn add_up(
        &self,
        store: &Store,
        index: &FxHashMap<CompactString, usize>,
        accounts: &mut [AccountFacts],
    ) -> Result<Vec<Option<ContactFacts>>> {
        let (first, last) = store::scoring::contact_rows(store.db())?;
        let middle = first + (last - first) / 2;
        let count = accounts.len();
        let (mut tally, other) = match store.reader() {
            Some(reader) => std::thread::scope(|scope| -> Result<_> {
                let other =
                    scope.spawn(move || self.tally(reader.db(), index, count, middle + 1..=last));
                let tally = self.tally(store.db(), index, count, first..=middle)?;
                let other = other
                    .join()
                    .map_err(|_| anyhow::anyhow!("reading the contacts failed"))??;
                Ok((tally, other))
            })?,
            None => (
                self.tally(store.db(), index, count, first..=middle)?,
                self.tally(store.db(), index, count, middle + 1..=last)?,
            ),
        };
        for (mine, theirs) in tally.iter_mut().zip(other) {
            mine.load += theirs.load;
            mine.yes += theirs.yes;
            if let Some(b) = theirs.best
                && mine.best.as_ref().is_none_or(|m| b.rank() > m.rank())
            {
                mine.best = Some(b);
            }
        }
        Ok(tally
            .into_iter()
            .zip(accounts.iter_mut())
            .map(|(t, account)| {
                account.load = t.load;
                account.yes_answers = t.yes;
                t.best
            })
            .collect())
    }

    /// The tally of each account (by `index`) over the contacts with row ids in `rows`.
    fn tally(
        &self,
        conn: crate::store::Db<'_>,
        index: &FxHashMap<CompactString, usize>,
        accounts: usize,
        rows: std::ops::RangeInclusive<i64>,
    ) -> Result<Vec<Tally>> {
        let mut tally: Vec<Tally> = vec![Tally::default(); accounts];
        store::scoring::each_contact(conn, rows, |c| {
            let Some(&at) = index.get(c.account_id) else {
                return;
            };
            let mine = self.load.get(c.contact_id).copied().unwrap_or(0);
            let t = &mut tally[at];
            t.load += mine;
            if !self.yes.is_empty() {
                t.yes += self.yes.get(c.contact_id).copied().unwrap_or(0);
            }
            if c.opted_out {
                return;
            }
            let better = t.best.as_ref().is_none_or(|b| {
                score::contact_rank(c.tier, c.role_level, mine, c.contact_id) > b.rank()
            });
            if better {
                t.best = Some(ContactFacts {
                    contact_id: c.contact_id.into(),
                    name: c.name.into(),
                    role_level: c.role_level,
                    tier: c.tier,
                    opted_out: false,
                    load: mine,
                });
            }
        })?;
        Ok(tally)
    }
}

/// What an account's contacts add up to; one record per account, so a contact touches
/// one place in memory.
#[derive(Clone, Default)]
struct Tally {
    load: u32,
    yes: u32,
    best: Option<ContactFacts>,
}

/// Which scored accounts a list shows (`refprog score`'s filters, converted from the
/// command line at the edge).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only the first N rows.
    pub top: Option<usize>,
    /// Only this label.
    pub label: Option<Label>,
    /// Only accounts in this industry (or sector group).
    pub industry: Option<String>,
    /// Only accounts with a composite score of at least this.
    pub min_score: Option<f64>,
}

/// Prints the ranked accounts `args` asks for (label, minimum, industry, top), best first:
/// the list of `refprog score`, which the review page also prints from one ranking pass.
/// Only the rows printed are scored again for their reasons.
pub fn list(
    args: &Filter,
    ranking: &Ranking,
    policy: &Policy,
    today: NaiveDate,
    out: &mut Out,
) -> Result<()> {
    let Ranking { gathered, ranked } = ranking;
    let sectors = SectorMap::new(&policy.sectors);
    let wanted = |r: &Ranked| {
        let account = gathered.account(r);
        let industry_ok = args.industry.as_ref().is_none_or(|industry| {
            let own = account.industry.as_deref().unwrap_or_default();
            squash(own) == squash(industry)
                || sectors
                    .group(own)
                    .is_some_and(|g| squash(g) == squash(industry))
        });
        !matches!(
            account.status,
            Some(AccountStatus::Churned | AccountStatus::Prospect)
        ) && args.label.is_none_or(|label| r.label == label)
            && args.min_score.is_none_or(|min| r.composite >= min)
            && industry_ok
    };
    // Sorted by keys that hold everything compared (the id inline when it is short), so
    // sorting reads no row. The order is total (ids are unique): an unstable sort gives
    // the same list.
    let mut keys: Vec<(Label, f64, CompactString, usize)> = ranked
        .iter()
        .enumerate()
        .filter(|(_, r)| wanted(r))
        .map(|(i, r)| {
            let id = CompactString::from(gathered.account(r).account_id.as_str());
            (r.label, r.composite, id, i)
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.total_cmp(&a.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    keys.truncate(args.top.unwrap_or(usize::MAX));
    let shown: Vec<usize> = keys.into_iter().map(|k| k.3).collect();
    let headers = [
        Column::id("account_id"),
        Column::text("name"),
        Column::text("industry").wide(),
        Column::id("size_band").wide(),
        Column::number("sentiment").wide(),
        Column::number("adoption").wide(),
        Column::number("icp_fit").wide(),
        Column::number("advocacy").wide(),
        Column::number("composite"),
        Column::id("label"),
        Column::id("best_contact_id"),
        Column::long("best_contact").below(),
        Column::long("reason").below(),
    ];
    // A hundred thousand rows, read in score order from all over memory: two threads make
    // and format them.
    out.rows_parallel(&headers, shown.len(), |k| {
        let s = &gathered.scored(&ranked[shown[k]], policy, today);
        vec![
            Cell::from(s.account.account_id.as_str()),
            Cell::from(s.account.name.as_str()),
            Cell::from(s.account.industry.as_deref()),
            Cell::from(s.account.employees.map(|e| SizeBand::of(e).as_str())),
            Cell::Real(s.score.sentiment),
            Cell::Real(s.score.adoption),
            Cell::Real(s.score.icp_fit),
            Cell::Real(s.score.advocacy),
            Cell::Real(s.score.composite),
            Cell::from(s.score.label.as_str()),
            Cell::from(s.best_contact.map(|c| c.contact_id.as_str())),
            Cell::from(s.best_contact.map(describe_contact)),
            Cell::from(s.score.reason.as_str()),
        ]
    })
}

fn describe_contact(contact: &ContactFacts) -> String {
    match contact.tier {
        Some(tier) => format!("{} ({}, {tier})", contact.name, contact.role_level),
        None => format!("{} ({}, not enrolled)", contact.name, contact.role_level),
    }
}

/// Prints one scored account with every step of its score (`score --explain`).
pub fn explain(scored: &Scored, policy: &Policy, out: &mut Out) -> Result<()> {
    let score = &scored.score;
    if out.format == Format::Json {
        return out.json(&serde_json::json!({
            "account_id": scored.account.account_id.as_str(),
            "name": scored.account.name.as_str(),
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
            "best_contact_id": scored.best_contact.map(|c| c.contact_id.as_str()),
            "best_contact": scored.best_contact.map(describe_contact),
            "reason": score.reason,
            "steps": score.steps,
        }));
    }
    if out.format == Format::Table {
        out.paragraph(&format!(
            "{} ({}): {} {:.1}\n{}\n\n",
            scored.account.name,
            scored.account.account_id,
            score.label.as_str(),
            score.composite,
            score.reason
        ))?;
    }
    let mut rows = out.rows(&[
        Column::id("dimension"),
        Column::long("rule"),
        Column::number("points"),
    ])?;
    for step in &score.steps {
        rows.row(vec![
            Cell::from(step.dimension),
            Cell::from(step.rule.as_str()),
            step.points.map_or(Cell::Null, Cell::Real),
        ])?;
    }
    rows.finish()
}
