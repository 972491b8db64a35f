//! Fulfilment: requests received in the period, approval rate (target 60-80 %), fulfilment
//! rate, median hours from submission to scheduled, share scheduled within
//! `fulfillment.sla_hours` (default 48; target `target.within_48h`, 70 %+), and the same by
//! sales rep (requested, approved, fulfilled, won).

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::NaiveDateTime;

use super::{Metrics, Period, pct};
use crate::domain::metrics::{Rate, median, meets, request_approved, request_fulfilled};
use crate::output::{Cell, Column, Out};
use crate::store::reports::RequestFacts;
use crate::store::{self, Store};

fn stamp(text: &Option<String>) -> Option<NaiveDateTime> {
    text.as_deref()
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").ok())
}

/// The rule book's approval of a request ([`request_approved`]), from its steps.
fn approved(r: &RequestFacts) -> Option<bool> {
    request_approved(r.status, r.qualified_at.is_some(), r.asked_at.is_some())
}

/// The rule book's fulfilment of a request ([`request_fulfilled`]), from its steps.
fn fulfilled(r: &RequestFacts) -> bool {
    request_fulfilled(r.status, r.scheduled_at.is_some())
}

pub fn run(store: &mut Store, out: &mut Out, period: Period) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let requests = store::reports::requests(store.db(), period.since, period.until)?;
    let mut m = Metrics::default();
    let n = requests.len() as u64;
    m.add(
        "requests",
        &format!("received {} to {}", period.since, period.until),
        n.to_string(),
        None,
        None,
        None,
    );
    let decided: Vec<bool> = requests.iter().filter_map(approved).collect();
    let approval = Rate::new(
        decided.iter().filter(|a| **a).count() as u64,
        decided.len() as u64,
    );
    m.add(
        "requests",
        "approval rate (approved of decided)",
        approval.describe(),
        Some(approval.n),
        Some(format!(
            "{} to {}",
            pct(policy.target_approval_min),
            pct(policy.target_approval_max)
        )),
        Some(meets(
            approval.value(),
            Some(policy.target_approval_min),
            Some(policy.target_approval_max),
        )),
    );
    let approved_list: Vec<&RequestFacts> = requests
        .iter()
        .filter(|r| approved(r) == Some(true))
        .collect();
    let fulfilment = Rate::new(
        approved_list.iter().filter(|r| fulfilled(r)).count() as u64,
        approved_list.len() as u64,
    );
    m.add(
        "requests",
        "fulfilment rate (scheduled of approved)",
        fulfilment.describe(),
        Some(fulfilment.n),
        None,
        None,
    );
    let mut hours: Vec<f64> = requests
        .iter()
        .filter_map(|r| {
            let start = stamp(&r.submitted_at)
                .or_else(|| r.submitted_on.and_then(|d| d.and_hms_opt(0, 0, 0)))?;
            let end = stamp(&r.scheduled_at)?;
            Some((end - start).num_minutes() as f64 / 60.0)
        })
        .collect();
    let within = Rate::new(
        hours
            .iter()
            .filter(|h| **h <= policy.sla_hours as f64)
            .count() as u64,
        hours.len() as u64,
    );
    let timed = hours.len() as u64;
    m.add(
        "speed",
        "median hours from submission to scheduled",
        median(&mut hours).map_or("n/a".to_string(), |h| format!("{h:.1}")),
        Some(timed),
        None,
        None,
    );
    m.add(
        "speed",
        &format!("scheduled within {} hours", policy.sla_hours),
        within.describe(),
        Some(within.n),
        Some(format!("{}+", pct(policy.target_within_48h))),
        Some(meets(within.value(), Some(policy.target_within_48h), None)),
    );
    m.print_section(out, "metrics")?;
    let mut by_rep: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for r in &requests {
        let row = by_rep
            .entry(r.rep.clone().unwrap_or_else(|| "(no rep)".to_string()))
            .or_default();
        row[0] += 1;
        row[1] += u64::from(approved(r) == Some(true));
        row[2] += u64::from(fulfilled(r));
        row[3] += u64::from(r.deal_won);
    }
    let mut table = out.section(
        "by_rep",
        &[
            Column::text("rep"),
            Column::number("requested"),
            Column::number("approved"),
            Column::number("fulfilled"),
            Column::number("won"),
        ],
    )?;
    for (rep, counts) in by_rep {
        let mut row = vec![Cell::Text(rep)];
        row.extend(counts.iter().map(|c| Cell::Int(*c as i64)));
        table.row(row)?;
    }
    table.finish()
}
