//! Program health: active references by tier against the targets, their diversity, how
//! concentrated the load is, the opt-out rate and overdue recommitments.

use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use compact_str::CompactString;

use super::{Metrics, pct};
use crate::domain::eligibility::{is_active_reference, opted_out_by};
use crate::domain::metrics::{Rate, meets, quarter_start};
use crate::domain::model::Tier;
use crate::domain::segments::{SectorMap, SizeBand};
use crate::output::Out;
use crate::store::reports::Windows;
use crate::store::{self, Store};

fn spread(counts: BTreeMap<String, u64>) -> String {
    let mut list: Vec<(String, u64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let sectors = SectorMap::new(&policy.sectors);
    // One pass over the members (streamed, see roster::each_member): what the metrics
    // count of the active references, and their ids for the load's concentration.
    let mut tiers = [0u64; Tier::ALL.len()];
    let mut by: [BTreeMap<String, u64>; 5] = Default::default();
    let (mut members, mut opted, mut overdue) = (0u64, 0u64, 0u64);
    let mut ids: Vec<CompactString> = Vec::new();
    store::roster::each_member(store, |r| {
        members += 1;
        if opted_out_by(r.opted_out_on, today).is_some() {
            opted += 1;
        }
        if !is_active_reference(&r.subject(), today) {
            return Ok(());
        }
        ids.push(r.contact_id.as_str().into());
        if let Some(i) = Tier::ALL.iter().position(|t| r.tier == Some(*t)) {
            tiers[i] += 1;
        }
        let account = &r.segment;
        let industry = account.industry.as_deref().unwrap_or("unknown");
        let keys = [
            sectors.group(industry).unwrap_or(industry).to_string(),
            account.employees.map_or("unknown".to_string(), |e| {
                SizeBand::of(e).as_str().to_string()
            }),
            account.use_case.as_deref().unwrap_or("unknown").to_string(),
            account.region.as_deref().unwrap_or("unknown").to_string(),
            r.role_level
                .map_or("unknown".to_string(), |l| l.as_str().to_string()),
        ];
        for (map, key) in by.iter_mut().zip(keys) {
            *map.entry(key).or_default() += 1;
        }
        if r.recommitted_on
            .or(r.enrolled_on)
            .is_some_and(|d| d + Duration::days(policy.recommit_days) < today)
        {
            overdue += 1;
        }
        Ok(())
    })?;
    let customers = store::reports::active_customers(store.db())?.max(0) as u64;
    let mut m = Metrics::default();
    let total = ids.len() as u64;
    m.add(
        "references",
        "active references",
        total.to_string(),
        None,
        Some(format!("{}+", policy.target_references_min)),
        Some(meets(
            Some(total as f64),
            Some(policy.target_references_min as f64),
            None,
        )),
    );
    for (tier, n) in Tier::ALL.iter().zip(tiers) {
        m.add(
            "references",
            &format!("{tier} tier"),
            n.to_string(),
            None,
            None,
            None,
        );
    }
    let share = Rate::new(total, customers);
    m.add(
        "references",
        "share of active customers",
        share.describe(),
        Some(customers),
        Some(format!(
            "{} to {}",
            pct(policy.target_customer_share_min),
            pct(policy.target_customer_share_max)
        )),
        Some(meets(
            share.value(),
            Some(policy.target_customer_share_min),
            Some(policy.target_customer_share_max),
        )),
    );
    for (name, counts) in ["sector", "size band", "use case", "region", "role level"]
        .iter()
        .zip(by)
    {
        m.add(
            "diversity",
            &format!("by {name}"),
            spread(counts),
            Some(total),
            None,
            None,
        );
    }
    // How concentrated the last year's activities are on the busiest 20 % of references.
    let year_from = today - Duration::days(policy.year_days - 1);
    let windows = Windows {
        quarter_from: quarter_start(today),
        window_from: policy.window_start(today),
        year_from,
        today,
    };
    let mut per = store::reports::year_counts(store, windows, &store::IdIndex::new(ids))?;
    per.sort_unstable_by(|a, b| b.cmp(a));
    let all: i64 = per.iter().sum();
    let busiest = per.len().div_ceil(5);
    let carried: i64 = per.iter().take(busiest).sum();
    let concentration = Rate::new(carried as u64, all as u64);
    m.add(
        "load",
        &format!(
            "share of the last year's activities done by the busiest 20 % ({busiest} references)"
        ),
        concentration.describe(),
        Some(all as u64),
        None,
        None,
    );
    m.add(
        "retention",
        "opt-out rate",
        Rate::new(opted, members).describe(),
        Some(members),
        None,
        None,
    );
    m.add(
        "retention",
        "recommitments overdue",
        overdue.to_string(),
        Some(total),
        Some("0".to_string()),
        Some(if overdue == 0 { "met" } else { "not met" }),
    );
    m.print(out)
}
