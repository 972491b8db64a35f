//! Capacity forecast: per segment, how many asks the references can take in the next 90
//! days against the requests the pipeline will bring, and the day each segment runs out.
//!
//! Assumptions (printed with the report): a reference can do its tier's limit in any 90
//! days, less the part of them spent on a break; the pipeline closing in the next 90 days
//! brings requests at the share of opportunities created in the last year that had one;
//! requests arrive evenly over the 90 days.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{Duration, NaiveDate};

use super::coverage::segment;
use crate::domain::eligibility::{Reason, USUAL_ASK, decide};
use crate::domain::metrics::Rate;
use crate::domain::segments::SectorMap;
use crate::output::{Cell, Column, Out};
use crate::store::{self, Store};

#[derive(Default)]
struct Row {
    references: u64,
    capacity: f64,
    deals: u64,
}

pub fn run(store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let sectors = SectorMap::new(&policy.sectors);
    let horizon = 90.0;
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    store::roster::each_member(store, |m| {
        // The rule book's lasting reasons (opted out, not enrolled, logo only, churned, open
        // escalation) leave no capacity; a break takes its days off below.
        let verdict = decide(&m.subject(), USUAL_ASK, today, &[], None, &policy);
        if verdict.reasons.iter().any(Reason::rules_out_everything) {
            return Ok(());
        }
        let Some(tier) = m.tier else { return Ok(()) };
        let a = &m.segment;
        let away = m
            .break_until
            .filter(|u| *u >= today)
            .map_or(0, |u| (u - today).num_days() + 1) as f64;
        let share_free = ((horizon - away) / horizon).clamp(0.0, 1.0);
        let row = rows
            .entry(segment(
                &sectors,
                &[],
                a.industry.as_deref(),
                a.employees,
                None,
                None,
            ))
            .or_default();
        row.references += 1;
        row.capacity += policy.limit_for(tier) as f64 * share_free;
        Ok(())
    })?;
    let end = today + Duration::days(90);
    store::scoring::each_open_deal(store.db(), today, end, |deal| {
        rows.entry(segment(
            &sectors,
            &[],
            deal.industry,
            deal.employees,
            None,
            None,
        ))
        .or_default()
        .deals += 1;
    })?;
    let (with_request, created) = store::reports::request_share(
        store.db(),
        today - Duration::days(policy.year_days - 1),
        today,
    )?;
    let share = Rate::new(with_request, created);
    let rate = share.value().unwrap_or(0.0);
    let mut table = out.rows(&[
        Column::long("segment"),
        Column::number("references").wide(),
        Column::number("capacity_90d"),
        Column::number("open_deals_90d").wide(),
        Column::number("expected_requests_90d").wide(),
        Column::number("headroom"),
        Column::text("runs_out"),
    ])?;
    for (key, r) in &rows {
        let expected = r.deals as f64 * rate;
        let runs_out = if expected > r.capacity && expected > 0.0 {
            (today + Duration::days((horizon * r.capacity / expected).floor() as i64)).to_string()
        } else {
            "not within 90 days".to_string()
        };
        table.row(vec![
            Cell::from(key.as_str()),
            Cell::Int(r.references as i64),
            Cell::Real((r.capacity * 10.0).round() / 10.0),
            Cell::Int(r.deals as i64),
            Cell::Real((expected * 10.0).round() / 10.0),
            Cell::Real(((r.capacity - expected) * 10.0).round() / 10.0),
            Cell::Text(runs_out),
        ])?;
    }
    table.finish()?;
    out.note(format!(
        "assumptions: each reference can do its tier's limit (limit.*) in 90 days, less time on a break; \
         open deals closing in 90 days bring requests at {} (opportunities created in the last year that had a request); \
         requests arrive evenly",
        share.describe()
    ));
    Ok(())
}
