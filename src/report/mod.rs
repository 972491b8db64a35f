//! `refprog report NAME`: one module per report. Each loads rows from the store, computes
//! with the domain's rules (eligibility, limits, sector groups, size bands) and prints
//! through the output module. Rates carry their n; table mode marks targets met or not.

pub mod capacity;
pub mod coverage;
pub mod fulfillment;
pub mod health;
pub mod impact;
pub mod satisfaction;
pub mod score;
pub mod utilization;

use anyhow::Result;
use chrono::{Duration, NaiveDate};

use crate::output::{Cell, Column, Out, Rows};
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportName {
    /// The weekly cron CSV: one row per reference with load, limits and flags
    Utilization,
    /// Active references against the targets, diversity, concentration, opt-outs
    Health,
    /// Available references per segment against the pipeline; the gaps
    Coverage,
    /// How many asks each segment can take in 90 days against the requests coming
    Capacity,
    /// Requests, approval, fulfilment, speed, by rep
    Fulfillment,
    /// Win rate, cycle and deal size with and without a reference
    Impact,
    /// Reference NPS, prospect ratings, ask-to-yes
    Satisfaction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SegmentBy {
    Region,
    UseCase,
}

/// What `refprog report` asked for, as the reports take it (converted from the command
/// line's arguments at the edge, so no report reads `cli`).
#[derive(Debug, Clone)]
pub struct Options {
    pub name: ReportName,
    /// Start of the period (default: a year before `until`).
    pub since: Option<NaiveDate>,
    /// End of the period (default: today).
    pub until: Option<NaiveDate>,
    /// Coverage: also split segments by these.
    pub by: Vec<SegmentBy>,
}

/// The period a report covers: `--since`..=`--until`, by default the year up to today.
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub since: NaiveDate,
    pub until: NaiveDate,
}

pub fn run(args: &Options, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = crate::store::policy::load(store.db())?;
    let until = args.until.unwrap_or(today);
    let period = Period {
        since: args
            .since
            .unwrap_or(until - Duration::days(policy.year_days - 1)),
        until,
    };
    if period.since > period.until {
        return Err(crate::UsageError(format!(
            "--since {} is after --until {}",
            period.since, period.until
        ))
        .into());
    }
    match args.name {
        ReportName::Utilization => utilization::run(store, out, today),
        ReportName::Health => health::run(store, out, today),
        ReportName::Coverage => coverage::run(store, out, today, &args.by),
        ReportName::Capacity => capacity::run(store, out, today),
        ReportName::Fulfillment => fulfillment::run(store, out, period),
        ReportName::Impact => impact::run(store, out, period, today),
        ReportName::Satisfaction => satisfaction::run(store, out, period),
    }
}

/// Lets go of what a report read. A command that runs one report and ends leaves it to the
/// process's exit (freeing a hundred thousand rows one by one costs a tenth of the report's
/// time); a command that runs several on one snapshot (the review, `Store::keep_members`)
/// frees it, or each report's rows would stay until the end and add up.
pub(crate) fn let_go<T>(store: &Store, value: T) {
    if store.runs_several() {
        drop(value);
    } else {
        std::mem::forget(value);
    }
}

/// A report made of metric rows.
#[derive(Default)]
pub struct Metrics {
    rows: Vec<[Cell; 6]>,
}

impl Metrics {
    /// One figure: its section, name, value, sample size, target and whether it is met.
    pub fn add(
        &mut self,
        section: &str,
        metric: &str,
        value: String,
        n: Option<u64>,
        target: Option<String>,
        status: Option<&str>,
    ) {
        self.rows.push([
            Cell::from(section),
            Cell::from(metric),
            figure(value),
            n.map_or(Cell::Null, |n| Cell::Int(n as i64)),
            Cell::from(target),
            Cell::from(status),
        ]);
    }

    pub fn print(self, out: &mut Out) -> Result<()> {
        let rows = out.rows(&METRIC_COLUMNS)?;
        self.print_to(rows)
    }

    /// Prints the metrics as one named section of several (see `Out::section`).
    pub fn print_section(self, out: &mut Out, name: &str) -> Result<()> {
        let rows = out.section(name, &METRIC_COLUMNS)?;
        self.print_to(rows)
    }

    fn print_to(self, mut rows: Rows<'_>) -> Result<()> {
        for row in self.rows {
            rows.row(row.to_vec())?;
        }
        rows.finish()
    }
}

const METRIC_COLUMNS: [Column; 6] = [
    Column::id("section").group(),
    Column::long("metric"),
    Column::long("value"),
    Column::number("n"),
    Column::text("target"),
    Column::id("status"),
];

/// A metric's value: CSV and JSON get the number it starts with ("94.9 % (56 of 59)" is
/// 94.9; "n/a" is empty), a table shows the words. Text that is no number stays text
/// (never escaped as a spreadsheet formula when it is a number).
fn figure(value: String) -> Cell {
    if value.parse::<f64>().is_ok() {
        return Cell::Decimal(value);
    }
    if value.starts_with("n/a") {
        return Cell::Figure(None, value);
    }
    let number = value
        .split(|c: char| c.is_whitespace() || c == '%')
        .next()
        .and_then(|n| n.replace(',', "").parse::<f64>().ok());
    // "0.9 points lower with a reference" is a lift of -0.9.
    let number = number.map(|n| if value.contains(" lower") { -n } else { n });
    match number {
        Some(n) => Cell::Figure(Some(n), value),
        None => Cell::Text(value),
    }
}

pub fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}
