//! `refprog review` and `refprog digest`: the program on one page for the people who fund
//! it, and the same facts as a short text for a weekly email.
//!
//! Every figure comes from the text command that prints it: the page runs each report's
//! code (`report impact --since S --until U`) and keeps the rows it prints as JSON
//! ([`capture_with`]); it takes the follow-ups from the function `followups` lists and prints the score
//! lists from one scoring pass with the function `score` prints them with. So a number on
//! the page is the number the terminal shows, by construction, and the page names the
//! command beside it. Only what no text report prints yet (renewals in
//! the caution window, each reference's load in the period) is computed here, from the
//! same store queries and domain rules the reports use.
//!
//! `facts` gathers, `svg` draws the charts, `html` lays out the page, `text` the digest.

pub mod html;
pub mod svg;
pub mod text;

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::Value;

use crate::domain::eligibility::is_active_reference;
use crate::domain::followups::{FollowUp, FollowUpKind};
use crate::domain::matching::renewal_caution;
use crate::domain::metrics::{Rate, quarter_start};
use crate::domain::model::Tier;
use crate::domain::policy::load_in_window;
use crate::domain::score::Label;
use crate::output::Out;
use crate::report::Period;
use crate::store::{self, Store};

/// What `--period` names, resolved against `--as-of` by [`Span::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// The last N days, today included.
    Days(i64),
    /// The calendar quarter so far.
    Quarter,
    /// The last `year.days` days (the reports' default period).
    Year,
    /// SINCE..UNTIL, both included.
    Between(NaiveDate, NaiveDate),
}

impl Span {
    /// `90d`, `quarter`, `year` or `2026-01-01..2026-06-30`.
    pub fn parse(text: &str) -> Result<Span, String> {
        let expected = "expected 90d (any number of days), quarter, year or YYYY-MM-DD..YYYY-MM-DD";
        let text = text.trim();
        if text == "quarter" {
            return Ok(Span::Quarter);
        }
        if text == "year" {
            return Ok(Span::Year);
        }
        if let Some(days) = text.strip_suffix('d') {
            return match days.parse::<i64>() {
                Ok(n) if (1..=3650).contains(&n) => Ok(Span::Days(n)),
                _ => Err(format!("'{text}': {expected} (1d to 3650d)")),
            };
        }
        if let Some((since, until)) = text.split_once("..") {
            let day = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
            return match (day(since), day(until)) {
                (Some(s), Some(u)) if s <= u => Ok(Span::Between(s, u)),
                (Some(s), Some(u)) => Err(format!("'{text}': {s} is after {u}")),
                _ => Err(format!("'{text}': {expected}")),
            };
        }
        Err(format!("'{text}': {expected}"))
    }

    /// The first and last day covered, as of `today`.
    pub fn resolve(&self, today: NaiveDate, year_days: i64) -> (NaiveDate, NaiveDate) {
        match self {
            Span::Days(n) => (today - Duration::days(n - 1), today),
            Span::Quarter => (quarter_start(today), today),
            Span::Year => (today - Duration::days(year_days - 1), today),
            Span::Between(since, until) => (*since, *until),
        }
    }
}

/// One row of a report as its JSON output gives it: the values in the order of the
/// table's column names, which its rows share (a hundred thousand rows of a report would
/// otherwise each carry their own copy of every name).
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<Vec<String>>,
    values: Vec<Value>,
}

impl Row {
    /// The value of the column `key`, if the row has one.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let i = self.columns.iter().position(|c| c == key)?;
        self.values.get(i)
    }
}

/// A command's output, read back: its tables in order, and the command line that prints
/// them as text.
pub struct Captured {
    pub command: String,
    pub tables: Vec<Vec<Row>>,
}

impl Captured {
    pub fn table(&self, i: usize) -> &[Row] {
        self.tables.get(i).map_or(&[], Vec::as_slice)
    }

    /// The metric row of a `Metrics` report whose section is `section` and whose name
    /// starts with `metric`.
    pub fn metric(&self, section: &str, metric: &str) -> Option<Metric> {
        self.table(0)
            .iter()
            .find(|r| text(r, "section") == section && text(r, "metric").starts_with(metric))
            .map(|r| Metric {
                name: text(r, "metric"),
                value: text(r, "value"),
                n: r.get("n").and_then(Value::as_i64),
                target: text(r, "target"),
                status: text(r, "status"),
            })
    }
}

/// A figure of a metric report, as printed.
#[derive(Debug, Clone, Default)]
pub struct Metric {
    pub name: String,
    pub value: String,
    pub n: Option<i64>,
    pub target: String,
    pub status: String,
}

impl Metric {
    /// The counts behind a rate printed as "62.5 % (5 of 8)".
    pub fn rate(&self) -> Option<Rate> {
        let inner = self.value.rsplit_once('(')?.1.strip_suffix(')')?;
        let (hits, n) = inner.split_once(" of ")?;
        Some(Rate::new(hits.trim().parse().ok()?, n.trim().parse().ok()?))
    }

    /// The value as a number, when it is one.
    pub fn number(&self) -> Option<f64> {
        self.value.trim().parse().ok()
    }
}

/// A text cell, borrowed: "" when the cell is not text (the page reads every one of a
/// hundred thousand rows' tier, flags and id without copying them).
pub fn word<'r>(row: &'r Row, key: &str) -> &'r str {
    match row.get(key) {
        Some(Value::String(s)) => s,
        _ => "",
    }
}

/// A cell as text: strings as they are, numbers as JSON writes them, null as "".
pub fn text(row: &Row, key: &str) -> String {
    match row.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

pub fn int(row: &Row, key: &str) -> i64 {
    match row.get(key) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(n.as_f64().unwrap_or(0.0) as i64),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

pub fn real(row: &Row, key: &str) -> f64 {
    match row.get(key) {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Runs a report and keeps its tables, under the command line that prints it as text
/// (`refprog --as-of D ARGS`).
fn report(
    today: NaiveDate,
    args: &[&str],
    run: impl FnOnce(&mut Out) -> Result<()>,
) -> Result<Captured> {
    capture_with(format!("refprog --as-of {today} {}", args.join(" ")), run)
}

/// What `print` writes as `--format json` (the words of a table: `view.words`), as
/// tables, under the name of the command that prints it. The result sets are kept as the
/// values JSON would carry ([`Out::capture`]), not written and parsed back: a hundred
/// thousand rows of utilization cost a tenth of a second each way.
pub fn capture_with(
    command: String,
    print: impl FnOnce(&mut Out) -> Result<()>,
) -> Result<Captured> {
    let mut out = Out::capture(true);
    out.view.words = true;
    print(&mut out)
        .and_then(|()| out.flush())
        .with_context(|| format!("reading '{command}'"))?;
    let tables = kept_tables(out.take_captured());
    Ok(Captured { command, tables })
}

/// The kept result sets as `--format json` gives them: plain sets in order; sections as
/// one object (a name once, its last set), the metrics first, then the others by name.
/// A column name given twice keeps its first place and its last value, as a JSON object
/// does.
fn kept_tables(sets: Vec<crate::output::CapturedSet>) -> Vec<Vec<Row>> {
    let rows_of = |set: crate::output::CapturedSet| -> Vec<Row> {
        let mut columns: Vec<String> = Vec::new();
        let mut place = Vec::with_capacity(set.columns.len());
        for name in set.columns {
            match columns.iter().position(|c| *c == name) {
                Some(i) => place.push(i),
                None => {
                    place.push(columns.len());
                    columns.push(name);
                }
            }
        }
        let unique = columns.len() == place.len();
        let columns = Arc::new(columns);
        set.rows
            .into_iter()
            .map(|values| Row {
                columns: columns.clone(),
                values: if unique {
                    values
                } else {
                    let mut kept = vec![Value::Null; columns.len()];
                    for (value, &i) in values.into_iter().zip(&place) {
                        kept[i] = value;
                    }
                    kept
                },
            })
            .collect()
    };
    let mut tables = Vec::new();
    let mut sections: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for set in sets {
        match set.section.clone() {
            Some(name) => {
                sections.insert(name, rows_of(set));
            }
            None => tables.push(rows_of(set)),
        }
    }
    if !sections.is_empty() {
        tables.extend(sections.remove("metrics"));
        tables.extend(sections.into_values());
    }
    tables
}

/// One month of the trend.
pub struct Month {
    pub label: String,
    pub fulfillment: Captured,
    pub satisfaction: Captured,
}

impl Month {
    pub fn requests(&self) -> i64 {
        self.fulfillment
            .metric("requests", "received")
            .and_then(|m| m.number())
            .map_or(0, |n| n as i64)
    }

    pub fn fulfilment(&self) -> Option<Rate> {
        self.fulfillment
            .metric("requests", "fulfilment rate")
            .and_then(|m| m.rate())
    }

    /// Reference NPS and its n.
    pub fn reference_nps(&self) -> (Option<f64>, i64) {
        let m = self
            .satisfaction
            .metric("references", "reference NPS")
            .unwrap_or_default();
        (m.number(), m.n.unwrap_or(0))
    }

    /// Average prospect rating and its n.
    pub fn prospect_rating(&self) -> (Option<f64>, i64) {
        let m = self
            .satisfaction
            .metric("prospects", "average prospect rating")
            .unwrap_or_default();
        (m.number(), m.n.unwrap_or(0))
    }
}

/// The headline's figures, which the page's first section and the digest's last lines
/// both show: read once here from `report impact`, `report fulfillment` and `report health`.
pub struct Headline {
    /// Win rate of the deals closed in the period with a reference, and without.
    pub with: Metric,
    pub without: Metric,
    /// With minus without.
    pub lift: Metric,
    /// Revenue influenced: won deals with a reference.
    pub revenue: Metric,
    /// Open deals with a reference at work on them: (count, amount in cents).
    pub pipeline: (u64, i64),
    pub received: Metric,
    pub fulfilment: Metric,
    /// Median hours from submission to scheduled, and the share within the SLA.
    pub hours: Metric,
    pub within: Metric,
    pub active: Metric,
    /// Active references per tier.
    pub tiers: Vec<(Tier, Metric)>,
}

impl Headline {
    /// The pipeline influenced as money ("3,095,000").
    pub fn pipeline_amount(&self) -> String {
        money(&format!("{:.2}", self.pipeline.1 as f64 / 100.0)).replace(".00", "")
    }
}

/// A reference whose account renews inside the caution window.
pub struct Renewal {
    pub contact_id: String,
    pub name: String,
    pub account: String,
    pub day: NaiveDate,
}

/// Everything the page and the digest show.
pub struct Review {
    pub as_of: NaiveDate,
    pub since: NaiveDate,
    pub until: NaiveDate,
    pub impact: Captured,
    pub fulfillment: Captured,
    pub health: Captured,
    pub coverage: Captured,
    pub capacity: Captured,
    pub utilization: Captured,
    /// The open follow-ups `followups --all` lists, counted by kind, with those due for
    /// recognition and recommitment and how many are stale.
    pub care: Care,
    pub tier1: Captured,
    pub develop: Captured,
    /// Every request, as `request list` prints them (the digest's requests past the SLA).
    pub requests: Vec<store::requests::RequestRow>,
    pub months: Vec<Month>,
    /// Open deals with a reference at work on them: (count, amount in cents).
    pub pipeline: (u64, i64),
    pub renewals: Vec<Renewal>,
    /// Each reference's units of load in the period (as the limits count them), for the
    /// top references of the period.
    pub period_units: FxHashMap<CompactString, i64>,
    pub renewal_days: i64,
    pub sla_hours: i64,
    pub accounts: i64,
}

/// The first day of each month touching `since..=until`, clamped to it.
fn months(since: NaiveDate, until: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut start = since;
    while start <= until {
        let next = if start.month() == 12 {
            NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
        };
        let Some(next) = next else { break };
        out.push((start, (next - Duration::days(1)).min(until)));
        start = next;
    }
    out
}

/// What the review is gathered for: each reads only what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The page: everything but the requests past the SLA.
    Page,
    /// The digest: no scores, trend or top references of the period, but the requests
    /// past the SLA.
    Digest,
}

impl Captured {
    /// The empty capture kept for a section the audience does not show.
    fn none() -> Captured {
        Captured {
            command: String::new(),
            tables: Vec::new(),
        }
    }
}

/// Gathers the review of `since..=until` as of `today`, what `audience` shows of it.
///
/// The analyses are independent reads of one snapshot: they run in two halves of about
/// equal time, the second on another thread with its own connection to the same snapshot
/// ([`Store::sibling`]), so the page takes the time of the longer half. Without a second
/// connection (a long import held writers off), both halves run here, one after the other.
pub fn gather(
    store: &mut Store,
    today: NaiveDate,
    span: &Span,
    audience: Audience,
) -> Result<Review> {
    let page = audience == Audience::Page;
    // Six analyses read the members: once is enough (the command writes nothing and reads
    // one snapshot).
    store.keep_members();
    let policy = store::policy::load(store.db())?;
    let (since, until) = span.resolve(today, policy.year_days);
    let asked = Asked {
        policy: &policy,
        today,
        period: Period { since, until },
        page,
    };
    let (first, second) = match store.sibling() {
        Some(mut other) => std::thread::scope(|scope| -> Result<_> {
            let second = scope.spawn(|| second_half(&mut other, &asked));
            let first = first_half(store, &asked);
            let second = second
                .join()
                .map_err(|_| anyhow::anyhow!("the review's second half stopped unexpectedly"))?;
            Ok((first?, second?))
        })?,
        None => (first_half(store, &asked)?, second_half(store, &asked)?),
    };
    // As `report impact` prints it (open on the as-of day).
    let pipeline = second
        .impact
        .metric("with a reference", "pipeline influenced")
        .and_then(|m| {
            let cents = crate::import::values::parse_money_cents(&m.value).ok()?;
            Some((u64::try_from(m.n?).ok()?, cents))
        })
        .unwrap_or_default();
    Ok(Review {
        as_of: today,
        since,
        until,
        impact: second.impact,
        fulfillment: second.fulfillment,
        health: second.health,
        coverage: second.coverage,
        capacity: second.capacity,
        utilization: second.utilization,
        care: first.care,
        tier1: first.tier1,
        develop: first.develop,
        requests: second.requests,
        months: second.months,
        pipeline,
        renewals: second.renewals,
        period_units: second.period_units,
        renewal_days: policy.renewal_caution_days,
        sla_hours: policy.sla_hours,
        accounts: second.accounts,
    })
}

/// What both halves of the review are asked.
struct Asked<'p> {
    policy: &'p crate::domain::policy::Policy,
    today: NaiveDate,
    period: Period,
    page: bool,
}

impl<'p> Asked<'p> {
    fn parts(&self) -> (&'p crate::domain::policy::Policy, NaiveDate, Period, bool) {
        (self.policy, self.today, self.period, self.page)
    }
}

/// The score lists and the follow-ups' figures.
struct FirstHalf {
    tier1: Captured,
    develop: Captured,
    care: Care,
}

fn first_half(store: &mut Store, asked: &Asked) -> Result<FirstHalf> {
    let (policy, today, _, page) = asked.parts();
    // `score --label tier-1` and `score --label develop` list one scoring pass's rows.
    let (tier1, develop) = if page {
        let gathered = crate::report::score::gather(store, policy, today, policy.horizon_days)?;
        let ranking = gathered.rank(policy, today)?;
        // Each list under the command line that prints it (`--label` takes the flag's word).
        let list = |label: Label, flag: &str| -> Result<Captured> {
            let top = 10;
            let filter = crate::report::score::Filter {
                top: Some(top),
                label: Some(label),
                ..Default::default()
            };
            let args = ["score", "--label", flag, "--top", &top.to_string()].join(" ");
            report(today, &[&args], |out| {
                crate::report::score::list(&filter, &ranking, policy, today, out)
            })
        };
        (
            list(Label::Tier1Candidate, "tier-1")?,
            list(Label::Develop, "develop")?,
        )
    } else {
        (Captured::none(), Captured::none())
    };
    // `followups --all` and `followups --stale` list one computation's two halves: the
    // page counts them (a few hundred thousand at 100k accounts) rather than keeping them.
    let inputs = store::followups::everyone(store, policy, today)?;
    let mut tally = CareTally::default();
    crate::domain::followups::each_open(&inputs, policy, today, |f| {
        let stale = crate::domain::followups::is_stale(&f, policy, today);
        tally.add(f, stale, today);
    });
    drop(inputs);
    Ok(FirstHalf {
        tier1,
        develop,
        care: tally.finish(),
    })
}

/// The impact (with the pipeline influenced), the trend and the requests; the active
/// customers, and the references: health, coverage, capacity, utilization, renewals and
/// each reference's load in the period.
struct SecondHalf {
    impact: Captured,
    fulfillment: Captured,
    requests: Vec<store::requests::RequestRow>,
    months: Vec<Month>,
    accounts: i64,
    health: Captured,
    coverage: Captured,
    capacity: Captured,
    utilization: Captured,
    renewals: Vec<Renewal>,
    period_units: FxHashMap<CompactString, i64>,
}

fn second_half(store: &mut Store, asked: &Asked) -> Result<SecondHalf> {
    let (policy, today, period, page) = asked.parts();
    // Utilization first: the year of load it reads serves coverage and the period's load
    // too (scoring::events_by_contact keeps it).
    let utilization = report(today, &["report", "utilization"], |out| {
        use crate::report::utilization::{Reach, run_reaching};
        run_reaching(store, out, today, Reach::Year)
    })?;
    let health = report(today, &["report", "health"], |out| {
        crate::report::health::run(store, out, today)
    })?;
    let coverage = report(today, &["report", "coverage"], |out| {
        crate::report::coverage::run(store, out, today, &[])
    })?;
    let capacity = report(today, &["report", "capacity"], |out| {
        crate::report::capacity::run(store, out, today)
    })?;
    let mut renewals: Vec<Renewal> = store::roster::members(store)?
        .iter()
        .filter(|m| is_active_reference(&m.subject(), today))
        .filter_map(|m| {
            let day = renewal_caution(m.renewal_date, policy, today)?;
            Some(Renewal {
                contact_id: m.contact_id.clone(),
                name: m.name.clone(),
                account: m.account.clone(),
                day,
            })
        })
        .collect();
    renewals.sort_by(|a, b| a.day.cmp(&b.day).then(a.contact_id.cmp(&b.contact_id)));
    // Records after the as-of day are invisible, whatever the period says.
    let last = period.until.min(today);
    let period_units = if page {
        store::scoring::events_by_contact(store, period.since, last)?
            .each()
            .map(|(contact, events)| {
                let units = load_in_window(events, period.since, last);
                (CompactString::from(contact), i64::from(units))
            })
            .collect()
    } else {
        Default::default()
    };
    let (s, u) = (period.since.to_string(), period.until.to_string());
    let during =
        |name: &'static str| ["report", name, "--since", s.as_str(), "--until", u.as_str()];
    let impact = report(today, &during("impact"), |out| {
        crate::report::impact::run(store, out, period, today)
    })?;
    let fulfillment = report(today, &during("fulfillment"), |out| {
        crate::report::fulfillment::run(store, out, period)
    })?;
    // The trend.
    let spans = if page {
        self::months(period.since, period.until)
    } else {
        Vec::new()
    };
    let ratings = store::reports::ratings_in(store.db(), &spans)?;
    let mut months = Vec::new();
    for (&(first, last), (reference, prospect)) in spans.iter().zip(&ratings) {
        let (f, l) = (first.to_string(), last.to_string());
        let args = |name| ["report", name, "--since", f.as_str(), "--until", l.as_str()];
        let month = Period {
            since: first,
            until: last,
        };
        months.push(Month {
            label: first.format("%Y-%m").to_string(),
            fulfillment: report(today, &args("fulfillment"), |out| {
                crate::report::fulfillment::run(store, out, month)
            })?,
            satisfaction: report(today, &args("satisfaction"), |out| {
                let answers = store::reports::ask_answers(store.db(), first, last)?;
                crate::report::satisfaction::print(out, reference, prospect, answers)
            })?,
        });
    }
    drop(ratings);
    // The digest's requests past the SLA: from the rows `request list` prints.
    let requests = if page {
        Vec::new()
    } else {
        store::requests::list(store.db(), None)?
    };
    Ok(SecondHalf {
        impact,
        fulfillment,
        requests,
        months,
        accounts: store::reports::active_customers(store.db())?,
        health,
        coverage,
        capacity,
        utilization,
        renewals,
        period_units,
    })
}

/// A utilization row's tier and load class, None when it is no active reference (not
/// enrolled, opted out, churned).
fn load_class(r: &Row) -> Option<(Tier, LoadClass)> {
    let tier = Tier::parse(word(r, "tier"))?;
    let flags = word(r, "flags");
    if flags.split(';').any(|f| f == "opted-out" || f == "churned") {
        return None;
    }
    let (load, limit) = (int(r, "last_90_days"), int(r, "limit"));
    let class = if load > limit {
        LoadClass::Over
    } else if load == 0 {
        LoadClass::Idle
    } else if load == limit {
        LoadClass::AtLimit
    } else {
        LoadClass::Below
    };
    Some((tier, class))
}

/// A follow-up's kind in the care section's words.
pub fn care_kind(kind: FollowUpKind) -> &'static str {
    match kind {
        FollowUpKind::ThankYou => "thank the reference",
        FollowUpKind::Feedback => "reference's feedback",
        FollowUpKind::ProspectFeedback => "prospect's feedback",
        FollowUpKind::LoopClosed => "close the loop",
        FollowUpKind::CheckIn => "quarterly check-in",
        FollowUpKind::Appreciation => "recognition",
        FollowUpKind::Recommit => "recommitment",
        FollowUpKind::BreakEnds => "break ends",
    }
}

/// The care section's figures: follow-ups by kind, overdue and due by today.
pub struct Care {
    /// Kind -> (overdue, due today or overdue).
    pub by_kind: BTreeMap<&'static str, (u64, u64)>,
    /// Due by today, in the order `followups --all` lists them, then the stale ones in the
    /// order `followups --stale` does.
    pub recognition_due: Vec<FollowUp>,
    pub recommitments_due: Vec<FollowUp>,
    /// How many are overdue longer than `followup.stale_days` (`followups --stale`).
    pub stale: usize,
}

/// [`Care`], added up one follow-up at a time in any order.
#[derive(Default)]
struct CareTally {
    /// Kind -> (overdue, due today or overdue), in the order the kinds were first seen.
    counts: Vec<(FollowUpKind, (u64, u64))>,
    /// Appreciation and recommitment follow-ups due by today: [not stale, stale].
    recognition: [Vec<FollowUp>; 2],
    recommit: [Vec<FollowUp>; 2],
    stale: usize,
}

impl CareTally {
    fn add(&mut self, f: FollowUp, stale: bool, today: NaiveDate) {
        self.stale += usize::from(stale);
        if f.due > today {
            return;
        }
        let at = match self.counts.iter().position(|(kind, _)| *kind == f.kind) {
            Some(at) => at,
            None => {
                self.counts.push((f.kind, (0, 0)));
                self.counts.len() - 1
            }
        };
        let entry = &mut self.counts[at].1;
        entry.1 += 1;
        if f.due < today {
            entry.0 += 1;
        }
        let side = usize::from(stale);
        match f.kind {
            FollowUpKind::Appreciation => self.recognition[side].push(f),
            FollowUpKind::Recommit => self.recommit[side].push(f),
            _ => {}
        }
    }

    fn finish(self) -> Care {
        let mut by_kind: BTreeMap<&'static str, (u64, u64)> = BTreeMap::new();
        for (kind, (overdue, due)) in self.counts {
            let entry = by_kind.entry(care_kind(kind)).or_default();
            entry.0 += overdue;
            entry.1 += due;
        }
        // Each half in the order `followups` lists it (equal follow-ups are identical).
        let listed = |halves: [Vec<FollowUp>; 2]| -> Vec<FollowUp> {
            let [mut recent, mut stale] = halves;
            recent.sort_unstable();
            stale.sort_unstable();
            recent.append(&mut stale);
            recent
        };
        Care {
            by_kind,
            recognition_due: listed(self.recognition),
            recommitments_due: listed(self.recommit),
            stale: self.stale,
        }
    }
}

impl Review {
    pub fn headline(&self) -> Headline {
        let impact =
            |section: &str, metric: &str| self.impact.metric(section, metric).unwrap_or_default();
        let fulfillment = |section: &str, metric: &str| {
            self.fulfillment.metric(section, metric).unwrap_or_default()
        };
        let health = |metric: &str| self.health.metric("references", metric).unwrap_or_default();
        Headline {
            with: impact("with a reference", "win rate"),
            without: impact("without", "win rate"),
            lift: impact("lift", "win rate"),
            revenue: impact("with a reference", "revenue influenced"),
            pipeline: self.pipeline,
            received: fulfillment("requests", "received"),
            fulfilment: fulfillment("requests", "fulfilment rate"),
            hours: fulfillment("speed", "median hours"),
            within: fulfillment("speed", "scheduled within"),
            active: health("active references"),
            tiers: Tier::ALL
                .iter()
                .map(|tier| (*tier, health(&format!("{tier} tier"))))
                .collect(),
        }
    }

    /// The load class of each active reference: (tier, class) with class one of idle,
    /// below the limit, at the limit, over the limit.
    pub fn load_classes(&self) -> Vec<(Tier, LoadClass, &Row)> {
        self.utilization
            .table(0)
            .iter()
            .filter_map(|r| load_class(r).map(|(tier, class)| (tier, class, r)))
            .collect()
    }

    /// Whether any reference is active (has a load class), found at the first.
    pub fn has_active_references(&self) -> bool {
        self.utilization
            .table(0)
            .iter()
            .any(|r| load_class(r).is_some())
    }

    /// The ten references with the most units of load in the period (enrolled, with
    /// their utilization row), busiest first; ties by the last 90 days, the last year,
    /// then the contact id. Each with its units in the period.
    pub fn top_of_period(&self) -> Vec<(i64, &Row)> {
        // Each row's sort key read once (tens of thousands of references were busy in the
        // period), and only the first ten put in order.
        let mut top: Vec<((i64, i64, i64), &str, &Row)> = self
            .utilization
            .table(0)
            .iter()
            .filter(|x| !word(x, "tier").is_empty())
            .filter_map(|x| {
                let id = word(x, "contact_id");
                let units = *self.period_units.get(id)?;
                let busy = (units, int(x, "last_90_days"), int(x, "last_365_days"));
                (units > 0).then_some((busy, id, x))
            })
            .collect();
        // Busiest first; ties by the contact id.
        let order = |a: &((i64, i64, i64), &str, &Row), b: &((i64, i64, i64), &str, &Row)| {
            b.0.cmp(&a.0).then(a.1.cmp(b.1))
        };
        const SHOWN: usize = 10;
        if top.len() > SHOWN {
            top.select_nth_unstable_by(SHOWN - 1, order);
            top.truncate(SHOWN);
        }
        top.sort_by(order);
        top.into_iter().map(|(busy, _, x)| (busy.0, x)).collect()
    }

    /// References carrying `flag` in the utilization report.
    pub fn flagged(&self, flag: &str) -> Vec<&Row> {
        self.utilization
            .table(0)
            .iter()
            .filter(|r| word(r, "flags").split(';').any(|f| f == flag))
            .collect()
    }

    /// The coverage rows joined with the capacity forecast, by segment.
    pub fn segments(&self) -> Vec<Segment> {
        let capacity: BTreeMap<String, &Row> = self
            .capacity
            .table(0)
            .iter()
            .map(|r| (text(r, "segment"), r))
            .collect();
        self.coverage
            .table(0)
            .iter()
            .map(|r| {
                let name = text(r, "segment");
                let (group, band) = match name.split_once(" / ") {
                    Some((g, b)) => (g.to_string(), b.to_string()),
                    None => (name.clone(), String::new()),
                };
                let runs_out = capacity
                    .get(&name)
                    .map(|c| text(c, "runs_out"))
                    .unwrap_or_default();
                Segment {
                    group,
                    band,
                    available: int(r, "available"),
                    deals_90d: int(r, "deals_90d"),
                    amount_90d: text(r, "amount_90d"),
                    covered: text(r, "covered"),
                    runs_out,
                }
            })
            .collect()
    }

    /// Requests still waiting for a scheduled reference (not scheduled, completed, declined
    /// or cancelled) submitted more than `fulfillment.sla_hours` before the as-of day.
    pub fn past_sla(&self) -> Vec<&store::requests::RequestRow> {
        let today = self.as_of;
        self.requests
            .iter()
            .filter(|r| {
                let waiting = !matches!(
                    r.status.as_str(),
                    "scheduled" | "completed" | "declined" | "cancelled"
                );
                let submitted = r.submitted_on;
                waiting
                    && submitted.is_some_and(|day| {
                        day <= today && (today - day).num_days() * 24 > self.sla_hours
                    })
            })
            .collect()
    }

    /// Whether the program has anything in it at all.
    pub fn is_empty(&self) -> bool {
        self.accounts == 0 && self.utilization.table(0).is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LoadClass {
    Idle,
    Below,
    AtLimit,
    Over,
}

impl LoadClass {
    pub const ALL: [LoadClass; 4] = [
        LoadClass::Idle,
        LoadClass::Below,
        LoadClass::AtLimit,
        LoadClass::Over,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoadClass::Idle => "idle (nothing in 90 days)",
            LoadClass::Below => "below the limit",
            LoadClass::AtLimit => "at the limit",
            LoadClass::Over => "over the limit",
        }
    }
}

/// A segment of the coverage grid.
pub struct Segment {
    pub group: String,
    pub band: String,
    pub available: i64,
    pub deals_90d: i64,
    pub amount_90d: String,
    pub covered: String,
    pub runs_out: String,
}

/// "1234567.5" -> "1,234,567.50"; "1200" -> "1,200".
pub fn money(amount: &str) -> String {
    let amount = amount.trim();
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    let (whole, cents) = match digits.split_once('.') {
        Some((w, c)) => (w, Some(c)),
        None => (digits, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return amount.to_string();
    }
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match cents {
        Some(c) => format!("{sign}{grouped}.{c:0<2}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn periods_resolve_against_the_as_of_day() {
        let today = day("2026-11-23");
        let resolve = |t: &str| Span::parse(t).map(|s| s.resolve(today, 365));
        assert_eq!(resolve("90d"), Ok((day("2026-08-26"), today)));
        assert_eq!(resolve("quarter"), Ok((day("2026-10-01"), today)));
        assert_eq!(resolve("year"), Ok((day("2025-11-24"), today)));
        assert_eq!(
            resolve("2026-01-01..2026-03-31"),
            Ok((day("2026-01-01"), day("2026-03-31")))
        );
        assert!(Span::parse("2026-03-31..2026-01-01").is_err());
        assert!(Span::parse("0d").is_err());
        assert!(Span::parse("fortnight").is_err());
    }

    #[test]
    fn months_are_clamped_to_the_period() {
        assert_eq!(
            months(day("2026-08-26"), day("2026-10-03")),
            vec![
                (day("2026-08-26"), day("2026-08-31")),
                (day("2026-09-01"), day("2026-09-30")),
                (day("2026-10-01"), day("2026-10-03")),
            ]
        );
    }

    #[test]
    fn rates_are_read_back_from_their_words() {
        let m = Metric {
            value: "62.5 % (5 of 8)".into(),
            ..Metric::default()
        };
        assert_eq!(m.rate(), Some(Rate::new(5, 8)));
        let none = Metric {
            value: "n/a (n = 0)".into(),
            ..Metric::default()
        };
        assert_eq!(none.rate(), None);
        assert_eq!(money("1175000"), "1,175,000");
        assert_eq!(money("-1234.5"), "-1,234.50");
        assert_eq!(money("n/a"), "n/a");
    }
}
