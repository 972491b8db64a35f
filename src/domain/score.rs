//! Who should be a reference: four dimensions on 0-100 and a weighted composite, with
//! every input, weight and rule that fired written down so the number can be defended.
//!
//! - Sentiment: NPS as promoter (100) / passive (60) / detractor (5 points per NPS point),
//!   blended 60/40 with the health score; a success milestone within the policy window
//!   adds a lift.
//! - Adoption: active-user adoption 60 %, advanced-feature adoption 40 %.
//! - ICP fit: how much of the open pipeline closing within the horizon resembles the
//!   account (industry 40 %, size band 25 %, region 15 %, use case 20 %; half credit for
//!   the same sector group or the same country), by count and by amount; resembling the
//!   policy's full share of the pipeline scores 100.
//! - Advocacy: 40, plus 20 for a case study and 10 each for a review, an event and a
//!   referral, plus 5 per past yes answer (up to 20), minus 15 per unit of load in the
//!   window.
//!
//! A missing input scores a neutral 50 and says so. Every number above is a policy default
//! (`score.*`, `match.promoter_from`/`match.detractor_to`); the explanations print the values
//! in force. The ICP-fit part weights are still constants here.

use chrono::NaiveDate;
use compact_str::CompactString;
use rustc_hash::FxHashMap;

use crate::domain::model::{
    AccountStatus, Milestone, RoleLevel, Signal, Tier, country_name, squash, squash_eq,
    with_squashed,
};
use crate::domain::policy::Policy;
use crate::domain::segments::{SectorMap, SizeBand};

/// What scoring knows of an account.
#[derive(Debug, Clone, Default)]
pub struct AccountFacts {
    // Short texts (ids, names, industries, places) are kept inline, without an allocation
    // each: a hundred thousand accounts are read per `score`.
    pub account_id: CompactString,
    pub name: CompactString,
    pub industry: Option<CompactString>,
    pub employees: Option<i64>,
    pub country: Option<CompactString>,
    pub region: Option<CompactString>,
    pub use_case: Option<CompactString>,
    pub status: Option<AccountStatus>,
    pub customer_since: Option<NaiveDate>,
    pub health: Option<i64>,
    pub nps: Option<i64>,
    pub adoption: Option<f64>,
    pub advanced_adoption: Option<f64>,
    pub milestone: Option<Milestone>,
    pub milestone_date: Option<NaiveDate>,
    pub escalation: bool,
    pub signals: Vec<Signal>,
    /// Asks answered yes by the account's contacts, ever.
    pub yes_answers: u32,
    /// Asks and activities of the account's contacts in the load window.
    pub load: u32,
}

/// An open deal, as demand for references.
#[derive(Debug, Clone, Default)]
pub struct Deal {
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub use_case: Option<String>,
    pub amount_cents: i64,
    pub close_date: Option<NaiveDate>,
}

impl Deal {
    /// The deal as [`Demand::add`] reads it.
    pub fn facts(&self) -> DealFacts<'_> {
        DealFacts {
            industry: self.industry.as_deref(),
            employees: self.employees,
            country: self.country.as_deref(),
            region: self.region.as_deref(),
            use_case: self.use_case.as_deref(),
            amount_cents: self.amount_cents,
            close_date: self.close_date,
        }
    }
}

/// An open deal as demand reads it, its texts borrowed from wherever they were read (a
/// row of the store: fifty thousand deals are tallied per `score` without a copy each).
#[derive(Debug, Clone, Copy, Default)]
pub struct DealFacts<'a> {
    pub industry: Option<&'a str>,
    pub employees: Option<i64>,
    pub country: Option<&'a str>,
    pub region: Option<&'a str>,
    pub use_case: Option<&'a str>,
    pub amount_cents: i64,
    pub close_date: Option<NaiveDate>,
}

/// Count and amount of deals sharing one attribute value.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    count: f64,
    amount: f64,
}

impl Tally {
    /// `deals` deals of `amount_cents` in all. Counts and cents are whole numbers, summed
    /// exactly in a float up to 2^53: one deal at a time or a stored group at once adds up
    /// to the same.
    fn of(deals: u64, amount_cents: i64) -> Tally {
        Tally {
            count: deals as f64,
            amount: amount_cents as f64,
        }
    }

    fn add(&mut self, other: Tally) {
        self.count += other.count;
        self.amount += other.amount;
    }
}

/// Open deals closing on one day that share the value of one attribute, as the store
/// keeps the pipeline summed (`pipeline_tallies`, see [`Demand::add_shared`]). Every deal
/// is in one `Industry` group (its industry may be None), one `Band`, one `Place` and one
/// `UseCase` group of its day.
#[derive(Debug, Clone, Copy)]
pub enum Shared<'a> {
    Industry(Option<&'a str>),
    Band(Option<SizeBand>),
    Place {
        country: Option<&'a str>,
        region: Option<&'a str>,
    },
    UseCase(Option<&'a str>),
}

/// The open pipeline closing within the horizon, tallied by the attributes ICP fit compares.
#[derive(Debug, Default)]
pub struct Demand {
    pub horizon_days: i64,
    /// The first and the last closing day tallied.
    from: NaiveDate,
    to: NaiveDate,
    total: Tally,
    // Keyed by squashed values; a place by "country|region".
    industry: FxHashMap<String, Tally>,
    sector: FxHashMap<String, Tally>,
    band: FxHashMap<SizeBand, Tally>,
    place: FxHashMap<String, Tally>,
    country: FxHashMap<String, Tally>,
    use_case: FxHashMap<String, Tally>,
    /// Deals that name an industry, a size, a place, a use case (in [`FIT_WEIGHTS`] order).
    known: [u64; 4],
    /// When set, only the deals that share a key with this one account are tallied by
    /// attribute (the totals still count every deal): what `score --explain` needs.
    focus: Option<Focus>,
}

/// The texts one account is looked up by in [`Demand::fit`]. A deal is tallied under the
/// account's key when its texts squash to the account's, each part; a key [`tally`] never
/// makes (a text missing or squashed to nothing) is left out, as its lookup finds nothing.
#[derive(Debug, Default)]
struct Focus {
    industry: Option<Vec<String>>,
    sector: Option<String>,
    band: Option<SizeBand>,
    place: Option<Vec<String>>,
    country: Option<Vec<String>>,
    use_case: Option<Vec<String>>,
}

impl Focus {
    fn of(account: &AccountFacts, sectors: &SectorMap) -> Focus {
        Focus {
            industry: key([account.industry.as_deref()]),
            sector: account
                .industry
                .as_deref()
                .and_then(|i| sectors.group(i))
                .map(str::to_string),
            band: account.employees.map(SizeBand::of),
            place: key([
                account.country.as_deref().map(country_name),
                account.region.as_deref(),
            ]),
            country: key([account.country.as_deref().map(country_name)]),
            use_case: key([account.use_case.as_deref()]),
        }
    }
}

/// The account's texts, when [`tally`] could add a deal under their key (each present and
/// not squashed to nothing).
fn key<const N: usize>(parts: [Option<&str>; N]) -> Option<Vec<String>> {
    parts
        .iter()
        .map(|p| p.filter(|p| !squash(p).is_empty()).map(str::to_string))
        .collect()
}

/// Whether [`tally`] adds a deal with these texts under the key of the account's texts
/// `wanted`: each part squashes alike (the key joins the squashed parts with '|', which
/// squashing never leaves), compared without making the key.
fn keyed<const N: usize>(parts: [Option<&str>; N], wanted: &Option<Vec<String>>) -> bool {
    let Some(wanted) = wanted else {
        return false;
    };
    parts
        .iter()
        .zip(wanted)
        .all(|(part, wanted)| part.is_some_and(|part| squash_eq(part, wanted)))
}

/// The parts of ICP fit, as shares of the pipeline (0-1).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Fit {
    pub industry: (f64, f64),
    pub size: (f64, f64),
    pub region: (f64, f64),
    pub use_case: (f64, f64),
    /// The dimensions no deal in the pipeline names (a Salesforce opportunity export has
    /// no industry, size or region): scored neutral, not as a mismatch.
    pub blind: [bool; 4],
    /// The weighted share by count and by amount.
    pub by_count: f64,
    pub by_amount: f64,
}

const FIT_WEIGHTS: [f64; 4] = [0.40, 0.25, 0.15, 0.20];

/// The deals, when the text names something (present and not blank); else none.
fn named(text: Option<&str>, deals: Tally) -> u64 {
    if text.is_some_and(|t| !t.trim().is_empty()) {
        deals.count as u64
    } else {
        0
    }
}

/// Adds deals under `key`, making its entry only the first time.
fn add_to(map: &mut FxHashMap<String, Tally>, key: &str, deals: Tally) {
    match map.get_mut(key) {
        Some(t) => t.add(deals),
        None => map.entry(key.to_string()).or_default().add(deals),
    }
}

/// Adds deals under the squashed texts, unless one of them is missing or empty.
fn tally<const N: usize>(
    map: &mut FxHashMap<String, Tally>,
    parts: [Option<&str>; N],
    deals: Tally,
) {
    if parts.iter().any(Option::is_none) {
        return;
    }
    with_squashed(&parts.map(Option::unwrap_or_default), |key| {
        if key.split('|').any(str::is_empty) {
            return;
        }
        add_to(map, key, deals);
    });
}

/// The tally under the squashed texts; nothing when a text is missing.
fn tallied<const N: usize>(map: &FxHashMap<String, Tally>, parts: [Option<&str>; N]) -> Tally {
    if parts.iter().any(Option::is_none) {
        return Tally::default();
    }
    with_squashed(&parts.map(Option::unwrap_or_default), |key| {
        map.get(key).copied().unwrap_or_default()
    })
}

impl Demand {
    /// Tallies the deals closing from `today` to `today + horizon_days`.
    pub fn new<'d>(
        deals: impl IntoIterator<Item = &'d Deal>,
        today: NaiveDate,
        horizon_days: i64,
        sectors: &SectorMap,
    ) -> Demand {
        let mut demand = Demand::empty(today, horizon_days);
        for deal in deals {
            demand.add(deal.facts(), sectors);
        }
        demand
    }

    /// No deals yet: [`Demand::add`] tallies those closing from `today` to
    /// `today + horizon_days`.
    pub fn empty(today: NaiveDate, horizon_days: i64) -> Demand {
        Demand {
            horizon_days,
            from: today,
            to: today + chrono::Duration::days(horizon_days),
            ..Demand::default()
        }
    }

    /// No deals yet, and only `account` to be fitted: [`Demand::add`] tallies by attribute
    /// only the deals that share a key with it, without a map entry per value of the
    /// pipeline, so `score --explain` costs a comparison per deal. Its [`Demand::fit`] of
    /// `account` is the same as a full tally's; of another account it is not.
    pub fn for_account(
        today: NaiveDate,
        horizon_days: i64,
        account: &AccountFacts,
        sectors: &SectorMap,
    ) -> Demand {
        Demand {
            focus: Some(Focus::of(account, sectors)),
            ..Demand::empty(today, horizon_days)
        }
    }

    /// Tallies one deal, when it closes within the horizon.
    pub fn add(&mut self, deal: DealFacts<'_>, sectors: &SectorMap) {
        let Some(close) = deal.close_date else {
            return;
        };
        if close < self.from || close > self.to {
            return;
        }
        let one = Tally::of(1, deal.amount_cents);
        self.add_industry(deal.industry, one, sectors);
        self.add_band(deal.employees.map(SizeBand::of), one);
        self.add_place(deal.country, deal.region, one);
        self.add_use_case(deal.use_case, one);
    }

    /// Tallies `deals` open deals of `amount_cents` in all, closing on `close`, that share
    /// `shared`, when they close within the horizon. Fed every group of every day, the
    /// tallies are those of [`Demand::add`] fed every deal.
    pub fn add_shared(
        &mut self,
        close: Option<NaiveDate>,
        shared: Shared<'_>,
        deals: u64,
        amount_cents: i64,
        sectors: &SectorMap,
    ) {
        let Some(close) = close else {
            return;
        };
        if close < self.from || close > self.to {
            return;
        }
        let tally = Tally::of(deals, amount_cents);
        match shared {
            Shared::Industry(industry) => self.add_industry(industry, tally, sectors),
            Shared::Band(band) => self.add_band(band, tally),
            Shared::Place { country, region } => self.add_place(country, region, tally),
            Shared::UseCase(use_case) => self.add_use_case(use_case, tally),
        }
    }

    /// Deals of one industry: they count in the total too (each deal has one industry).
    fn add_industry(&mut self, industry: Option<&str>, deals: Tally, sectors: &SectorMap) {
        self.total.add(deals);
        self.known[0] += named(industry, deals);
        let group = industry.and_then(|i| sectors.group(i));
        if let Some(focus) = &self.focus {
            // The same tallies as below, kept only under the account's own keys.
            if keyed([industry], &focus.industry) {
                tally(&mut self.industry, [industry], deals);
            }
            if let Some(wanted) = &focus.sector
                && group == Some(wanted.as_str())
            {
                add_to(&mut self.sector, wanted, deals);
            }
            return;
        }
        tally(&mut self.industry, [industry], deals);
        if let Some(group) = group {
            add_to(&mut self.sector, group, deals);
        }
    }

    fn add_band(&mut self, band: Option<SizeBand>, deals: Tally) {
        self.known[1] += if band.is_some() {
            deals.count as u64
        } else {
            0
        };
        let Some(band) = band else {
            return;
        };
        if self.focus.as_ref().is_some_and(|f| f.band != Some(band)) {
            return;
        }
        self.band.entry(band).or_default().add(deals);
    }

    fn add_place(&mut self, country: Option<&str>, region: Option<&str>, deals: Tally) {
        self.known[2] += if named(country, deals) > 0 || named(region, deals) > 0 {
            deals.count as u64
        } else {
            0
        };
        let country = country.map(country_name);
        if let Some(focus) = &self.focus {
            if keyed([country, region], &focus.place) {
                tally(&mut self.place, [country, region], deals);
            }
            if keyed([country], &focus.country) {
                tally(&mut self.country, [country], deals);
            }
            return;
        }
        tally(&mut self.place, [country, region], deals);
        tally(&mut self.country, [country], deals);
    }

    fn add_use_case(&mut self, use_case: Option<&str>, deals: Tally) {
        self.known[3] += named(use_case, deals);
        if let Some(focus) = &self.focus
            && !keyed([use_case], &focus.use_case)
        {
            return;
        }
        tally(&mut self.use_case, [use_case], deals);
    }

    pub fn deals(&self) -> u64 {
        self.total.count as u64
    }

    /// How much of the pipeline resembles the account. A dimension no deal names counts as
    /// the `neutral` share.
    pub fn fit(&self, account: &AccountFacts, sectors: &SectorMap, neutral: f64) -> Fit {
        let total = self.total;
        let share = |t: Tally| -> (f64, f64) {
            (
                if total.count > 0.0 {
                    t.count / total.count
                } else {
                    0.0
                },
                if total.amount > 0.0 {
                    t.amount / total.amount
                } else {
                    0.0
                },
            )
        };
        let get = |map: &FxHashMap<String, Tally>, k: &Option<CompactString>| -> Tally {
            tallied(map, [k.as_deref()])
        };
        let blend = |exact: Tally, wider: Tally| -> (f64, f64) {
            let (ec, ea) = share(exact);
            let (wc, wa) = share(wider);
            (ec + 0.5 * (wc - ec).max(0.0), ea + 0.5 * (wa - ea).max(0.0))
        };
        let industry_exact = get(&self.industry, &account.industry);
        let sector = account
            .industry
            .as_deref()
            .and_then(|i| sectors.group(i))
            .and_then(|g| self.sector.get(g).copied())
            .unwrap_or_default();
        let industry = blend(industry_exact, sector);
        let size = share(
            account
                .employees
                .and_then(|e| self.band.get(&SizeBand::of(e)).copied())
                .unwrap_or_default(),
        );
        let country = account.country.as_deref().map(country_name);
        let place = tallied(&self.place, [country, account.region.as_deref()]);
        let region = blend(place, tallied(&self.country, [country]));
        let use_case = share(get(&self.use_case, &account.use_case));
        let blind = self.known.map(|n| n == 0);
        let mut parts = [industry, size, region, use_case];
        for (part, blind) in parts.iter_mut().zip(blind) {
            if blind {
                *part = (neutral, neutral);
            }
        }
        let [industry, size, region, use_case] = parts;
        let weighted = |pick: fn(&(f64, f64)) -> f64| {
            parts
                .iter()
                .zip(FIT_WEIGHTS)
                .map(|(p, w)| pick(p) * w)
                .sum()
        };
        Fit {
            industry,
            size,
            region,
            use_case,
            blind,
            by_count: weighted(|p| p.0),
            by_amount: weighted(|p| p.1),
        }
    }
}

/// The four labels, in the order the list shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Label {
    #[serde(rename = "tier-1 candidate")]
    Tier1Candidate,
    #[serde(rename = "develop")]
    Develop,
    #[serde(rename = "over-asked")]
    OverAsked,
    #[serde(rename = "not ready")]
    NotReady,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Tier1Candidate => "tier-1 candidate",
            Label::Develop => "develop",
            Label::OverAsked => "over-asked",
            Label::NotReady => "not ready",
        }
    }

    pub fn parse(text: &str) -> Option<Label> {
        [
            Label::Tier1Candidate,
            Label::Develop,
            Label::OverAsked,
            Label::NotReady,
        ]
        .into_iter()
        .find(|l| squash(l.as_str()) == squash(text) || squash(text) == "tier1")
    }
}

/// One line of an explanation: which dimension, what was used or what rule fired, and
/// the points it gave.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Step {
    pub dimension: &'static str,
    pub rule: String,
    pub points: Option<f64>,
}

/// The score of one account, with its reasons.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Score {
    pub sentiment: f64,
    pub adoption: f64,
    pub icp_fit: f64,
    pub advocacy: f64,
    pub composite: f64,
    pub label: Label,
    /// One sentence a sales rep understands.
    pub reason: String,
    pub steps: Vec<Step>,
}

/// How many words a score is made with. Ranking a whole program needs the figures alone;
/// a printed row needs its one-sentence reason too; `score --explain` every step. The
/// figures and the label are the same at every level (unit-tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    /// The figures and the label; the reason is left empty.
    Figures,
    /// The figures, the label and the reason.
    Reason,
    /// The reason and every step of the explanation.
    Steps,
}

/// Collects the steps of an explanation, or nothing when nobody will read them (scoring
/// every account for the list need not format a hundred thousand explanations).
struct Explainer {
    detail: bool,
    steps: Vec<Step>,
}

/// Adds a clause to the reason, formatted only when the reason is kept.
macro_rules! clause {
    ($words:expr, $clauses:expr, $($text:tt)+) => {
        if $words {
            $clauses.push(format!($($text)+));
        }
    };
}

/// Adds a step; the rule is formatted only when the explanation is kept.
macro_rules! step {
    ($why:expr, $dimension:expr, $points:expr, $($rule:tt)+) => {
        if $why.detail {
            $why.steps.push(Step { dimension: $dimension, rule: format!($($rule)+), points: $points });
        }
    };
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// "3 days ago", "2 months ago".
pub fn ago(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        2..=44 => format!("{days} days ago"),
        _ if days < 365 => format!("{} months ago", (days as f64 / 30.4).round() as i64),
        _ => format!("{:.1} years ago", days as f64 / 365.0),
    }
}

/// Promoter, passive or detractor, by the policy's NPS thresholds (`match.promoter_from`,
/// `match.detractor_to`: the same as availability in match).
pub fn nps_category(nps: i64, policy: &Policy) -> &'static str {
    if nps >= policy.promoter_from {
        "promoter"
    } else if nps > policy.detractor_to {
        "passive"
    } else {
        "detractor"
    }
}

fn milestone_words(milestone: Option<Milestone>) -> &'static str {
    match milestone {
        Some(Milestone::Implementation) => "an implementation done",
        Some(Milestone::Qbr) => "a positive QBR",
        Some(Milestone::Expansion) => "an expansion",
        Some(Milestone::Renewal) => "a renewal",
        None => "a success milestone",
    }
}

/// Scores one account, with as many words as `detail` asks for: the figures alone, the
/// reason too, or every step of the explanation.
pub fn score(
    account: &AccountFacts,
    demand: &Demand,
    sectors: &SectorMap,
    policy: &Policy,
    today: NaiveDate,
    detail: Detail,
) -> Score {
    let mut why = Explainer {
        detail: detail == Detail::Steps,
        steps: Vec::new(),
    };
    let words = detail >= Detail::Reason;
    let mut clauses: Vec<String> = Vec::new();

    // Sentiment.
    let nps_points = account.nps.map(|nps| match nps_category(nps, policy) {
        "promoter" => 100.0,
        "passive" => policy.nps_passive_points,
        _ => nps as f64 * policy.nps_detractor_points,
    });
    if let (Some(nps), Some(points)) = (account.nps, nps_points) {
        step!(
            why,
            "sentiment",
            Some(points),
            "NPS {nps}: {}",
            nps_category(nps, policy)
        );
    }
    if let Some(health) = account.health {
        step!(
            why,
            "sentiment",
            Some(health as f64),
            "health score {health}"
        );
    }
    let mut sentiment = match (nps_points, account.health) {
        (Some(n), Some(h)) => {
            let share = policy.sentiment_nps_share;
            let blended = share * n + (1.0 - share) * h as f64;
            step!(
                why,
                "sentiment",
                Some(round1(blended)),
                "{} % NPS points + {} % health",
                round1(share * 100.0),
                round1((1.0 - share) * 100.0)
            );
            blended
        }
        (Some(n), None) => n,
        (None, Some(h)) => h as f64,
        (None, None) => {
            step!(
                why,
                "sentiment",
                Some(policy.score_neutral),
                "no NPS or health score: neutral"
            );
            policy.score_neutral
        }
    };
    let mut sentiment_clause = match (words, account.nps, account.health) {
        (false, _, _) => String::new(),
        (true, Some(nps), _) => format!("{} (NPS {nps})", nps_category(nps, policy)),
        (true, None, Some(h)) => format!("health {h}, no NPS"),
        (true, None, None) => "no NPS or health score".to_string(),
    };
    if let Some(date) = account.milestone_date {
        let days = (today - date).num_days();
        let what = milestone_words(account.milestone);
        if (0..=policy.milestone_days).contains(&days) {
            let lifted = (sentiment + policy.milestone_lift).min(100.0);
            step!(
                why,
                "sentiment",
                Some(round1(lifted)),
                "{what} {} (within {} days): +{}",
                ago(days),
                policy.milestone_days,
                policy.milestone_lift
            );
            sentiment = lifted;
            if words {
                sentiment_clause.push_str(&format!(" with {what} {}", ago(days)));
            }
        } else if days > policy.milestone_days {
            step!(
                why,
                "sentiment",
                None,
                "{what} {}: older than {} days, no lift",
                ago(days),
                policy.milestone_days
            );
        }
    }
    if words {
        clauses.push(sentiment_clause);
    }

    // Adoption.
    let adoption = match (account.adoption, account.advanced_adoption) {
        (Some(a), Some(b)) => {
            let share = policy.adoption_active_share;
            step!(
                why,
                "adoption",
                None,
                "active-user adoption {a}% x {} % + advanced-feature adoption {b}% x {} %",
                round1(share * 100.0),
                round1((1.0 - share) * 100.0)
            );
            share * a + (1.0 - share) * b
        }
        (Some(a), None) => {
            step!(
                why,
                "adoption",
                None,
                "active-user adoption {a}% (no advanced-feature figure)"
            );
            a
        }
        (None, Some(b)) => {
            step!(
                why,
                "adoption",
                None,
                "advanced-feature adoption {b}% (no active-user figure)"
            );
            b
        }
        (None, None) => {
            step!(why, "adoption", None, "no adoption figures: neutral");
            policy.score_neutral
        }
    };
    step!(why, "adoption", Some(round1(adoption)), "adoption score");
    match account.adoption {
        Some(a) if words && a >= policy.high_adoption => {
            clauses.push(format!("high adoption ({a}%)"))
        }
        Some(a) if words && a < policy.low_adoption => clauses.push(format!("low adoption ({a}%)")),
        _ => {}
    }

    // ICP fit to demand.
    let icp_fit = if demand.deals() == 0 {
        step!(
            why,
            "icp_fit",
            Some(policy.score_neutral),
            "no open pipeline closing in the next {} days: neutral",
            demand.horizon_days
        );
        clause!(
            words,
            clauses,
            "no open pipeline in the next {} days to compare with",
            demand.horizon_days
        );
        policy.score_neutral
    } else {
        // A dimension the pipeline does not describe scores the neutral points.
        let neutral = policy.icp_full_share * policy.score_neutral / 100.0;
        let fit = demand.fit(account, sectors, neutral);
        let pct = |x: f64| format!("{:.0}%", x * 100.0);
        for ((name, part, weight), blind) in [
            (
                "industry (same sector group counts half)",
                fit.industry,
                FIT_WEIGHTS[0],
            ),
            ("size band", fit.size, FIT_WEIGHTS[1]),
            (
                "region (same country counts half)",
                fit.region,
                FIT_WEIGHTS[2],
            ),
            ("use case", fit.use_case, FIT_WEIGHTS[3]),
        ]
        .into_iter()
        .zip(fit.blind)
        {
            if blind {
                step!(
                    why,
                    "icp_fit",
                    None,
                    "{name}: no open deal names one: neutral ({} counts as half a fit), weight {weight}",
                    pct(neutral)
                );
                continue;
            }
            step!(
                why,
                "icp_fit",
                None,
                "{name}: {} of deals, {} of amount, weight {weight}",
                pct(part.0),
                pct(part.1)
            );
        }
        let share = 0.5 * fit.by_count + 0.5 * fit.by_amount;
        let points = (100.0 * share / policy.icp_full_share).min(100.0);
        step!(
            why,
            "icp_fit",
            Some(round1(points)),
            "resembles {} of {} open deal{} by count and {} by amount; {} counts as full fit",
            pct(fit.by_count),
            demand.deals(),
            if demand.deals() == 1 { "" } else { "s" },
            pct(fit.by_amount),
            pct(policy.icp_full_share)
        );
        // The clauses, only when the reason is kept: ranking a whole program lists no
        // dimension names.
        if words {
            let blind: Vec<&str> = ["industry", "size", "region", "use case"]
                .into_iter()
                .zip(fit.blind)
                .filter_map(|(name, blind)| blind.then_some(name))
                .collect();
            if blind.len() == fit.blind.len() {
                clauses.push(
                    "the open pipeline names no industry, size, region or use case: neutral"
                        .to_string(),
                );
            } else {
                if share < policy.icp_weak_share {
                    clauses.push("few prospects in the pipeline resemble it".to_string());
                } else {
                    clauses.push(format!("resembles {} of the open pipeline", pct(share)));
                }
                if !blind.is_empty() {
                    clauses.push(format!(
                        "no open deal names its {}: neutral",
                        blind.join(" or ")
                    ));
                }
            }
        }
        points
    };

    // Advocacy history minus load.
    let mut advocacy = policy.advocacy_start;
    step!(why, "advocacy", Some(advocacy), "starting point");
    for signal in &account.signals {
        let points = if *signal == Signal::CaseStudy {
            policy.advocacy_case_study
        } else {
            policy.advocacy_signal
        };
        advocacy += points;
        step!(why, "advocacy", Some(points), "signal: {signal}");
    }
    if account.yes_answers > 0 {
        let points =
            (policy.advocacy_yes * account.yes_answers as f64).min(policy.advocacy_yes_max);
        advocacy += points;
        step!(
            why,
            "advocacy",
            Some(points),
            "{} past yes answer(s), {} each up to {}",
            account.yes_answers,
            policy.advocacy_yes,
            policy.advocacy_yes_max
        );
    }
    if account.load > 0 {
        let points = -policy.advocacy_per_load * account.load as f64;
        advocacy += points;
        step!(
            why,
            "advocacy",
            Some(points),
            "{} ask(s) or activities in the last {} days, -{} each",
            account.load,
            policy.limit_window_days,
            policy.advocacy_per_load
        );
        clause!(
            words,
            clauses,
            "{} ask{} in the last {} days",
            account.load,
            if account.load == 1 { "" } else { "s" },
            policy.limit_window_days
        );
    }
    let advocacy = advocacy.clamp(0.0, 100.0);
    step!(why, "advocacy", Some(advocacy), "advocacy score (0-100)");

    // Composite.
    let weights = [
        policy.weight_sentiment,
        policy.weight_adoption,
        policy.weight_icp_fit,
        policy.weight_advocacy,
    ];
    let total_weight: f64 = weights.iter().sum();
    let dims = [sentiment, adoption, icp_fit, advocacy];
    let composite = if total_weight > 0.0 {
        dims.iter().zip(weights).map(|(d, w)| d * w).sum::<f64>() / total_weight
    } else {
        0.0
    };
    step!(
        why,
        "composite",
        Some(round1(composite)),
        "({:.1} x {} + {:.1} x {} + {:.1} x {} + {:.1} x {}) / {}",
        sentiment,
        weights[0],
        adoption,
        weights[1],
        icp_fit,
        weights[2],
        advocacy,
        weights[3],
        total_weight
    );

    // Label.
    let mut not_ready = Vec::new();
    if account.status == Some(AccountStatus::Churned) {
        not_ready.push("churned".to_string());
    }
    if account.status == Some(AccountStatus::Prospect) {
        not_ready.push("not a customer (a prospect)".to_string());
    }
    if account.escalation {
        not_ready.push("open escalation".to_string());
    }
    if let Some(nps) = account.nps.filter(|n| *n <= policy.detractor_to) {
        not_ready.push(format!("detractor (NPS {nps})"));
    }
    if let Some(since) = account.customer_since {
        let days = (today - since).num_days();
        if days < policy.min_customer_days {
            not_ready.push(format!(
                "customer for only {} (under {} days)",
                ago(days).trim_end_matches(" ago"),
                policy.min_customer_days
            ));
        }
    }
    let label = if !not_ready.is_empty() {
        step!(why, "label", None, "not ready: {}", not_ready.join(", "));
        Label::NotReady
    } else if i64::from(account.load) >= policy.over_asked {
        step!(
            why,
            "label",
            None,
            "over-asked: {} in {} days (policy: {} or more)",
            account.load,
            policy.limit_window_days,
            policy.over_asked
        );
        Label::OverAsked
    } else if composite >= policy.tier1_min {
        step!(
            why,
            "label",
            None,
            "tier-1 candidate: composite {:.1} >= {}",
            composite,
            policy.tier1_min
        );
        Label::Tier1Candidate
    } else {
        step!(
            why,
            "label",
            None,
            "develop: composite {:.1} < {}",
            composite,
            policy.tier1_min
        );
        Label::Develop
    };
    let reason = if words {
        clauses.retain(|clause| !not_ready.contains(clause));
        let reason = clauses.join("; ");
        if not_ready.is_empty() {
            reason
        } else {
            format!("not ready: {}; {reason}", not_ready.join(", "))
        }
    } else {
        String::new()
    };
    Score {
        sentiment: round1(sentiment),
        adoption: round1(adoption),
        icp_fit: round1(icp_fit),
        advocacy: round1(advocacy),
        composite: round1(composite),
        label,
        reason,
        steps: why.steps,
    }
}

/// A contact as a possible voice for its account.
#[derive(Debug, Clone)]
pub struct ContactFacts {
    pub contact_id: CompactString,
    pub name: CompactString,
    pub role_level: RoleLevel,
    pub tier: Option<Tier>,
    pub opted_out: bool,
    pub load: u32,
}

/// How strong a voice a contact is: enrolled (not logo-only) first, then the most senior,
/// then the least asked; ties go to the smaller id, so the choice is stable.
pub fn contact_rank(
    tier: Option<Tier>,
    role_level: RoleLevel,
    load: u32,
    contact_id: &str,
) -> Rank<'_> {
    let enrolled = matches!(tier, Some(t) if t != Tier::Logo);
    (
        enrolled,
        role_level.rank(),
        std::cmp::Reverse(load),
        std::cmp::Reverse(contact_id),
    )
}

/// What [`contact_rank`] compares: enrolled, seniority, load (less is stronger), id
/// (smaller is stronger).
pub type Rank<'a> = (
    bool,
    i32,
    std::cmp::Reverse<u32>,
    std::cmp::Reverse<&'a str>,
);

impl ContactFacts {
    /// This contact's [`contact_rank`].
    pub fn rank(&self) -> Rank<'_> {
        contact_rank(self.tier, self.role_level, self.load, &self.contact_id)
    }
}

/// The strongest reference at an account, by [`contact_rank`]; opted-out contacts never.
pub fn best_contact(contacts: &[ContactFacts]) -> Option<&ContactFacts> {
    contacts
        .iter()
        .filter(|c| !c.opted_out)
        .max_by_key(|c| c.rank())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    fn days_ago(days: i64) -> NaiveDate {
        today() - chrono::Duration::days(days)
    }

    fn happy() -> AccountFacts {
        AccountFacts {
            account_id: "A".into(),
            name: "Acme".into(),
            industry: Some("Banking".into()),
            employees: Some(800),
            country: Some("United States".into()),
            region: Some("Texas".into()),
            use_case: Some("Fraud".into()),
            status: Some(AccountStatus::Active),
            customer_since: Some(days_ago(900)),
            health: Some(90),
            nps: Some(10),
            adoption: Some(80.0),
            advanced_adoption: Some(60.0),
            ..AccountFacts::default()
        }
    }

    fn run(account: &AccountFacts) -> Score {
        let sectors = SectorMap::new(&[]);
        let demand = Demand::new(&[], today(), 90, &sectors);
        score(
            account,
            &demand,
            &sectors,
            &Policy::default(),
            today(),
            Detail::Steps,
        )
    }

    #[test]
    fn nps_eight_is_passive_and_nine_is_promoter() {
        let mut account = happy();
        account.health = None;
        account.nps = Some(8);
        assert_eq!(run(&account).sentiment, 60.0);
        account.nps = Some(9);
        assert_eq!(run(&account).sentiment, 100.0);
    }

    #[test]
    fn a_milestone_lifts_sentiment_for_180_days() {
        let mut account = happy();
        account.nps = Some(8);
        account.health = Some(60);
        account.milestone = Some(Milestone::Expansion);
        account.milestone_date = Some(days_ago(179));
        let base = 0.6 * 60.0 + 0.4 * 60.0;
        assert_eq!(run(&account).sentiment, base + 15.0);
        account.milestone_date = Some(days_ago(181));
        assert_eq!(run(&account).sentiment, base);
    }

    #[test]
    fn three_asks_in_ninety_days_is_over_asked_even_at_nps_ten() {
        let mut account = happy();
        account.load = 2;
        assert_ne!(run(&account).label, Label::OverAsked);
        account.load = 3;
        let scored = run(&account);
        assert_eq!(scored.label, Label::OverAsked);
        assert!(
            scored.reason.contains("3 asks in the last 90 days"),
            "{}",
            scored.reason
        );
    }

    #[test]
    fn customers_under_six_months_are_not_ready() {
        let mut account = happy();
        account.customer_since = Some(days_ago(5 * 30));
        assert_eq!(run(&account).label, Label::NotReady);
        account.customer_since = Some(days_ago(7 * 30));
        assert_ne!(run(&account).label, Label::NotReady);
    }

    #[test]
    fn a_detractor_with_health_95_is_not_ready() {
        let mut account = happy();
        account.nps = Some(5);
        account.health = Some(95);
        let scored = run(&account);
        assert_eq!(scored.label, Label::NotReady);
        assert!(
            scored.reason.starts_with("not ready: detractor (NPS 5)"),
            "{}",
            scored.reason
        );
    }

    #[test]
    fn escalations_and_churn_are_not_ready() {
        let mut account = happy();
        account.escalation = true;
        assert_eq!(run(&account).label, Label::NotReady);
        let mut account = happy();
        account.status = Some(AccountStatus::Churned);
        assert_eq!(run(&account).label, Label::NotReady);
    }

    #[test]
    fn no_pipeline_scores_icp_fit_neutral_and_says_so() {
        let scored = run(&happy());
        assert_eq!(scored.icp_fit, 50.0);
        assert!(
            scored
                .steps
                .iter()
                .any(|s| s.rule.contains("no open pipeline"))
        );
    }

    #[test]
    fn icp_fit_counts_the_pipeline_that_resembles_the_account() {
        let sectors = SectorMap::new(&[]);
        let deal = |industry: &str, employees: i64, amount: i64| Deal {
            industry: Some(industry.into()),
            employees: Some(employees),
            country: Some("United States".into()),
            region: Some("Texas".into()),
            use_case: Some("Fraud".into()),
            amount_cents: amount,
            close_date: Some(today() + chrono::Duration::days(30)),
        };
        let deals = vec![
            deal("Banking", 700, 100),
            deal("Insurance", 700, 100),
            deal("Retail", 50_000, 200),
        ];
        let demand = Demand::new(&deals, today(), 90, &sectors);
        let fit = demand.fit(&happy(), &sectors, 0.125);
        // industry: 1 same + half of 1 same-sector = 1.5 of 3 deals.
        assert!((fit.industry.0 - 0.5).abs() < 1e-9, "{fit:?}");
        // size: 2 of 3 deals in the mid-market band.
        assert!((fit.size.0 - 2.0 / 3.0).abs() < 1e-9);
        // by amount: 150 of 400 for industry.
        assert!((fit.industry.1 - 150.0 / 400.0).abs() < 1e-9);
        let far = deal("Banking", 700, 100);
        let later = Deal {
            close_date: Some(today() + chrono::Duration::days(91)),
            ..far
        };
        assert_eq!(Demand::new(&[later], today(), 90, &sectors).deals(), 0);
    }

    /// A group of deals as the store sums them: closing day, attribute (0 industry, 1 band,
    /// 2 place, 3 use case), value, region, band; deals and cents.
    type Group = (
        (
            NaiveDate,
            usize,
            Option<String>,
            Option<String>,
            Option<SizeBand>,
        ),
        (u64, i64),
    );

    /// The deals summed per closing day and value of each attribute, as
    /// `store::scoring::refresh_pipeline` does (the store keeps no deal without a day).
    fn shared_groups(deals: &[Deal]) -> Vec<Group> {
        let mut groups: std::collections::BTreeMap<_, (u64, i64)> = Default::default();
        for deal in deals {
            let Some(close) = deal.close_date else {
                continue;
            };
            let band = deal.employees.map(SizeBand::of);
            for key in [
                (close, 0, deal.industry.clone(), None, None),
                (close, 1, None, None, band),
                (close, 2, deal.country.clone(), deal.region.clone(), None),
                (close, 3, deal.use_case.clone(), None, None),
            ] {
                let sum = groups.entry(key).or_default();
                sum.0 += 1;
                sum.1 += deal.amount_cents;
            }
        }
        groups.into_iter().collect()
    }

    fn as_shared(group: &Group) -> (Option<NaiveDate>, Shared<'_>, u64, i64) {
        let ((close, attribute, value, region, band), (deals, cents)) = group;
        let shared = match attribute {
            0 => Shared::Industry(value.as_deref()),
            1 => Shared::Band(*band),
            2 => Shared::Place {
                country: value.as_deref(),
                region: region.as_deref(),
            },
            _ => Shared::UseCase(value.as_deref()),
        };
        (Some(*close), shared, *deals, *cents)
    }

    #[test]
    fn a_demand_for_one_account_fits_it_as_the_whole_tally_does() {
        // Texts that squash alike, to nothing, outside ASCII, missing; sizes in each band;
        // deals past the horizon. The focused tally must give the very same figures.
        let sectors = SectorMap::new(&[]);
        let texts = [
            None,
            Some(""),
            Some(" - "),
            Some("Banking"),
            Some("banking!"),
            Some("Insurance"),
            Some("Zürich Bänking"),
            Some("ZÜRICH bänking"),
        ];
        let places = [None, Some("United States"), Some("united-states"), Some("")];
        let sizes = [
            None,
            Some(50),
            Some(199),
            Some(200),
            Some(800),
            Some(40_000),
        ];
        let mut deals = Vec::new();
        for i in 0..400_usize {
            let text = |k: usize| texts[(i * k + i / 7) % texts.len()].map(str::to_string);
            let place = |k: usize| places[(i * k + i / 3) % places.len()].map(str::to_string);
            deals.push(Deal {
                industry: text(3),
                employees: sizes[(i * 5 + i / 11) % sizes.len()],
                country: place(1),
                region: place(7).map(|p| p.replace("States", "Texas")),
                use_case: text(5),
                amount_cents: (i as i64 * 7_919) % 100_003,
                close_date: Some(today() + chrono::Duration::days((i as i64 * 13) % 120)),
            });
        }
        let whole = Demand::new(&deals, today(), 90, &sectors);
        let groups = shared_groups(&deals);
        for (n, deal) in deals.iter().enumerate().take(60) {
            let account = AccountFacts {
                industry: deal.industry.as_deref().map(Into::into),
                employees: deal.employees,
                country: deal.country.as_deref().map(Into::into),
                region: deal.region.as_deref().map(Into::into),
                use_case: texts[n % texts.len()].map(Into::into),
                ..happy()
            };
            let mut one = Demand::for_account(today(), 90, &account, &sectors);
            for deal in &deals {
                one.add(deal.facts(), &sectors);
            }
            assert_eq!(one.deals(), whole.deals());
            assert_eq!(
                one.fit(&account, &sectors, 0.125),
                whole.fit(&account, &sectors, 0.125),
                "{account:?}"
            );
            // The store's sums per closing day and value (pipeline_tallies) fit it alike.
            let mut summed = Demand::for_account(today(), 90, &account, &sectors);
            for (close, shared, deals, cents) in groups.iter().map(as_shared) {
                summed.add_shared(close, shared, deals, cents, &sectors);
            }
            assert_eq!(summed.deals(), whole.deals());
            assert_eq!(
                summed.fit(&account, &sectors, 0.125),
                whole.fit(&account, &sectors, 0.125),
                "{account:?}"
            );
        }
        // Summed by day and value, the whole tally is the same too.
        let mut summed = Demand::empty(today(), 90);
        for (close, shared, deals, cents) in groups.iter().map(as_shared) {
            summed.add_shared(close, shared, deals, cents, &sectors);
        }
        for deal in &deals {
            let account = AccountFacts {
                industry: deal.industry.as_deref().map(Into::into),
                employees: deal.employees,
                country: deal.country.as_deref().map(Into::into),
                region: deal.region.as_deref().map(Into::into),
                use_case: deal.use_case.as_deref().map(Into::into),
                ..happy()
            };
            assert_eq!(
                summed.fit(&account, &sectors, 0.125),
                whole.fit(&account, &sectors, 0.125),
                "{account:?}"
            );
        }
        // The whole tally found matches to compare (else the test would prove nothing).
        assert!(whole.fit(&happy(), &sectors, 0.125).industry.0 > 0.0);
    }

    #[test]
    fn a_pipeline_without_firmographics_scores_those_parts_neutral() {
        // A Salesforce opportunity export: amounts and dates, no industry, size or region.
        let sectors = SectorMap::new(&[]);
        let bare = Deal {
            industry: None,
            employees: None,
            country: None,
            region: None,
            use_case: None,
            amount_cents: 100,
            close_date: Some(today() + chrono::Duration::days(30)),
        };
        let policy = Policy::default();
        let demand = Demand::new(std::slice::from_ref(&bare), today(), 90, &sectors);
        let scored = score(&happy(), &demand, &sectors, &policy, today(), Detail::Steps);
        assert_eq!(scored.icp_fit, 50.0, "{:?}", scored.steps);
        assert!(
            scored.steps.iter().any(|s| s.rule.contains("industry")
                && s.rule.contains("no open deal names one: neutral")),
            "{:?}",
            scored.steps
        );
        // One named dimension is compared; the others stay neutral.
        let banking = Deal {
            industry: Some("Retail".into()),
            ..bare
        };
        let demand = Demand::new(&[banking], today(), 90, &sectors);
        let fit = demand.fit(&happy(), &sectors, 0.125);
        assert_eq!(fit.blind, [false, true, true, true]);
        assert_eq!(fit.industry, (0.0, 0.0));
        assert_eq!(fit.size, (0.125, 0.125));
    }

    #[test]
    fn composite_is_the_weighted_mean() {
        let scored = run(&happy());
        let policy = Policy::default();
        let expected = (scored.sentiment * policy.weight_sentiment
            + scored.adoption * policy.weight_adoption
            + scored.icp_fit * policy.weight_icp_fit
            + scored.advocacy * policy.weight_advocacy)
            / (policy.weight_sentiment
                + policy.weight_adoption
                + policy.weight_icp_fit
                + policy.weight_advocacy);
        assert!((scored.composite - expected).abs() < 0.1);
    }

    #[test]
    fn best_contact_prefers_enrolled_senior_and_rested() {
        let contact = |id: &str, level, tier, load| ContactFacts {
            contact_id: id.into(),
            name: id.into(),
            role_level: level,
            tier,
            opted_out: false,
            load,
        };
        let contacts = vec![
            contact("ceo-not-enrolled", RoleLevel::CLevel, None, 0),
            contact("vp-busy", RoleLevel::Vp, Some(Tier::Standard), 2),
            contact("vp-rested", RoleLevel::Vp, Some(Tier::Standard), 0),
            contact("logo", RoleLevel::CLevel, Some(Tier::Logo), 0),
        ];
        assert_eq!(
            best_contact(&contacts).map(|c| c.contact_id.as_str()),
            Some("vp-rested")
        );
        assert!(best_contact(&[]).is_none());
    }

    /// A list ranks every account with `Detail::Figures` and prints a row with
    /// `Detail::Reason`: both must give the figures and label `--explain` gives.
    #[test]
    fn every_detail_gives_the_same_figures_and_label() {
        let sectors = SectorMap::new(&[]);
        let policy = Policy::default();
        let deal = Deal {
            industry: Some("Banking".into()),
            employees: Some(700),
            country: Some("United States".into()),
            region: None,
            use_case: Some("Fraud".into()),
            amount_cents: 100,
            close_date: Some(today() + chrono::Duration::days(30)),
        };
        let accounts = [
            happy(),
            AccountFacts {
                nps: Some(3),
                load: 5,
                ..happy()
            },
            AccountFacts {
                status: Some(AccountStatus::Churned),
                escalation: true,
                ..happy()
            },
            AccountFacts {
                nps: None,
                health: None,
                adoption: Some(20.0),
                milestone: Some(Milestone::Qbr),
                milestone_date: Some(days_ago(10)),
                yes_answers: 3,
                load: 1,
                ..happy()
            },
            AccountFacts::default(),
        ];
        for deals in [vec![], vec![deal]] {
            let demand = Demand::new(&deals, today(), 90, &sectors);
            for account in &accounts {
                let at = |detail| score(account, &demand, &sectors, &policy, today(), detail);
                let (figures, reason, steps) =
                    (at(Detail::Figures), at(Detail::Reason), at(Detail::Steps));
                for other in [&reason, &steps] {
                    assert_eq!(
                        (figures.sentiment, figures.adoption, figures.icp_fit),
                        (other.sentiment, other.adoption, other.icp_fit)
                    );
                    assert_eq!(
                        (figures.advocacy, figures.composite, figures.label),
                        (other.advocacy, other.composite, other.label)
                    );
                }
                assert!(figures.reason.is_empty() && figures.steps.is_empty());
                assert!(!reason.reason.is_empty(), "{account:?}");
                assert_eq!(reason.reason, steps.reason);
                assert!(reason.steps.is_empty() && !steps.steps.is_empty());
            }
        }
    }
}
