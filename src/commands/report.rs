//! `refprog report NAME`: the command line's options made into the reports' own values
//! (the period, the segment splits), then the report runs.

use anyhow::Result;
use chrono::{Duration, NaiveDate};

use crate::cli::{ReportArgs, ReportName, SegmentBy};
use crate::output::Out;
use crate::report::coverage;
use crate::report::{self, Period};
use crate::store::Store;

pub fn run(args: &ReportArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    store.map_for_reading()?;
    let policy = crate::store::policy::load(&store.conn)?;
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
        ReportName::Utilization => report::utilization::run(store, out, today),
        ReportName::Health => report::health::run(store, out, today),
        ReportName::Coverage => {
            let by: Vec<coverage::SegmentBy> = args
                .by
                .iter()
                .map(|b| match b {
                    SegmentBy::Region => coverage::SegmentBy::Region,
                    SegmentBy::UseCase => coverage::SegmentBy::UseCase,
                })
                .collect();
            report::coverage::run(store, out, today, &by)
        }
        ReportName::Capacity => report::capacity::run(store, out, today),
        ReportName::Fulfillment => report::fulfillment::run(store, out, period),
        ReportName::Impact => report::impact::run(store, out, period),
        ReportName::Satisfaction => report::satisfaction::run(store, out, period),
    }
}
