//! Impact: opportunities closed in the period with a reference (a reference activity on
//! one of their requests) against those without: win rate and lift, median sales cycle,
//! average won deal size, revenue influenced; and the pipeline influenced, the deals still
//! open as of today with a reference at work.

use anyhow::Result;
use chrono::NaiveDate;

use super::{Metrics, Period};
use crate::domain::metrics::{Rate, median};
use crate::import::values::format_money_cents;
use crate::output::Out;
use crate::store::{self, Store};

pub fn run(store: &mut Store, out: &mut Out, period: Period, today: NaiveDate) -> Result<()> {
    let deals = store::reports::closed_deals(store.db(), period.since, period.until)?;
    let mut m = Metrics::default();
    let mut rates = Vec::new();
    for (label, with) in [("with a reference", true), ("without", false)] {
        let group: Vec<_> = deals.iter().filter(|d| d.with_reference == with).collect();
        let won: Vec<_> = group.iter().filter(|d| d.won).collect();
        let rate = Rate::new(won.len() as u64, group.len() as u64);
        rates.push(rate);
        m.add(label, "win rate", rate.describe(), Some(rate.n), None, None);
        let mut cycles: Vec<f64> = group
            .iter()
            .filter_map(|d| d.cycle_days)
            .map(|d| d as f64)
            .collect();
        let n = cycles.len() as u64;
        m.add(
            label,
            "median sales cycle (days)",
            median(&mut cycles).map_or("n/a".to_string(), |d| format!("{d:.0}")),
            Some(n),
            None,
            None,
        );
        // Summed wide: two won deals near the largest amount import accepts overflow i64.
        let total: i128 = won.iter().map(|d| i128::from(d.amount_cents)).sum();
        let average = if won.is_empty() {
            "n/a".to_string()
        } else {
            format_money_cents(total / i128::try_from(won.len()).unwrap_or(i128::MAX))
        };
        m.add(
            label,
            "average won deal size",
            average,
            Some(won.len() as u64),
            None,
            None,
        );
        if with {
            m.add(
                label,
                "revenue influenced (won)",
                format_money_cents(total),
                Some(won.len() as u64),
                None,
                None,
            );
            // Open now, whatever the period: what references are working on.
            let (open, cents) = store::reports::open_pipeline_with_reference(store.db(), today)?;
            m.add(
                label,
                &format!("pipeline influenced (open on {today})"),
                format_money_cents(i128::from(cents)),
                Some(open),
                None,
                None,
            );
        }
    }
    let lift = match (rates[0].value(), rates[1].value()) {
        (Some(a), Some(b)) if a >= b => {
            format!("{:.1} points higher with a reference", (a - b) * 100.0)
        }
        (Some(a), Some(b)) => format!("{:.1} points lower with a reference", (b - a) * 100.0),
        _ => "n/a".to_string(),
    };
    m.add(
        "lift",
        "win rate with minus without",
        lift,
        Some(rates[0].n + rates[1].n),
        None,
        None,
    );
    m.print(out)
}
