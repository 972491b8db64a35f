//! Bench coverage and gaps: for each segment (sector group x size band, and with --by the
//! region and/or use case), the references available now against the open pipeline
//! closing in the next 60/90/120 days. Coverage is the share of segments with demand in
//! the next 90 days that have at least `target.per_segment` available references.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{Duration, NaiveDate};

use super::SegmentBy;
use crate::domain::eligibility::{history_start, standing};
use crate::domain::metrics::Rate;
use crate::domain::segments::{SectorMap, SizeBand};
use crate::import::values::format_money_cents;
use crate::output::{Cell, Column, Out};
use crate::store::{self, Store};

/// The segment of an account or a deal.
pub fn segment(
    sectors: &SectorMap,
    by: &[SegmentBy],
    industry: Option<&str>,
    employees: Option<i64>,
    region: Option<&str>,
    use_case: Option<&str>,
) -> String {
    let industry = industry.unwrap_or("unknown");
    let mut parts = vec![
        sectors.group(industry).unwrap_or(industry).to_string(),
        employees.map_or("size unknown".to_string(), |e| {
            SizeBand::of(e).as_str().to_string()
        }),
    ];
    if by.contains(&SegmentBy::Region) {
        parts.push(region.unwrap_or("region unknown").to_string());
    }
    if by.contains(&SegmentBy::UseCase) {
        parts.push(use_case.unwrap_or("use case unknown").to_string());
    }
    parts.join(" / ")
}

#[derive(Default)]
struct Row {
    available: u64,
    demand: [u64; 3],
    amount: [i64; 3],
}

pub fn run(store: &mut Store, out: &mut Out, today: NaiveDate, by: &[SegmentBy]) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let sectors = SectorMap::new(&policy.sectors);
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let from = history_start(&policy, today);
    store::roster::each_member_with_load(store, from, today, |m, events| {
        let s = standing(&m.subject(), events, &policy, today);
        let a = &m.segment;
        let key = segment(
            &sectors,
            by,
            a.industry.as_deref(),
            a.employees,
            a.region.as_deref(),
            a.use_case.as_deref(),
        );
        let row = rows.entry(key).or_default();
        if s.available() {
            row.available += 1;
        }
        Ok(())
    })?;
    // Every deal still to close names its segment, even beyond the 120 days.
    let last_day = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    store::scoring::each_open_deal(store.db(), today, last_day, |deal| {
        let Some(close) = deal.close_date else {
            return;
        };
        let key = segment(
            &sectors,
            by,
            deal.industry,
            deal.employees,
            deal.region,
            deal.use_case,
        );
        let row = rows.entry(key).or_default();
        for (i, days) in [60, 90, 120].into_iter().enumerate() {
            if close <= today + Duration::days(days) {
                row.demand[i] += 1;
                // Saturating: amounts near the largest import accepts must not overflow.
                row.amount[i] = row.amount[i].saturating_add(deal.amount_cents);
            }
        }
    })?;
    let target = policy.target_per_segment.max(0) as u64;
    let mut list: Vec<(String, Row)> = rows.into_iter().collect();
    // Gaps first, the biggest demand first.
    list.sort_by(|a, b| {
        let gap = |r: &Row| r.available < target && r.demand[1] > 0;
        gap(&b.1)
            .cmp(&gap(&a.1))
            .then(b.1.amount[1].cmp(&a.1.amount[1]))
            .then(a.0.cmp(&b.0))
    });
    let with_demand = list.iter().filter(|(_, r)| r.demand[1] > 0).count() as u64;
    let covered = list
        .iter()
        .filter(|(_, r)| r.demand[1] > 0 && r.available >= target)
        .count() as u64;
    let mut table = out.rows(&[
        Column::long("segment"),
        Column::number("available"),
        Column::number("deals_60d").wide(),
        Column::number("deals_90d"),
        Column::number("deals_120d").wide(),
        Column::money("amount_90d"),
        Column::id("covered"),
    ])?;
    for (key, r) in &list {
        table.row(vec![
            Cell::from(key.as_str()),
            Cell::Int(r.available as i64),
            Cell::Int(r.demand[0] as i64),
            Cell::Int(r.demand[1] as i64),
            Cell::Int(r.demand[2] as i64),
            Cell::Decimal(format_money_cents(r.amount[1])),
            Cell::from(match (r.demand[1] > 0, r.available >= target) {
                (false, _) => "no demand",
                (true, true) => "yes",
                (true, false) => "gap",
            }),
        ])?;
    }
    table.finish()?;
    out.note(format!(
        "coverage: {} of the segments with deals closing in 90 days have {target}+ available references (target.per_segment)",
        Rate::new(covered, with_demand).describe()
    ));
    Ok(())
}
