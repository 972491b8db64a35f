//! The weekly cron CSV, a stable contract: one row per enrolled (or opted-out) contact,
//! sorted by contact id, header always present, ISO dates. Columns: contact_id, name,
//! account_id, account, tier, this_quarter, last_90_days, last_365_days, all_time,
//! last_activity, next_eligible, limit, flags (over-limit, burnout, fatigue, on-break,
//! opted-out, override, churned, escalation; `;`-separated).
//!
//! The window counts are units of load, as the limits count them (issue 18): each ask
//! once, whatever the answer, with the activity that fulfilled it; each activity with no
//! ask on its own. `all_time` is the counted activities plus the asks no activity
//! fulfilled. `last_activity` is the last ask or counted activity. Availability and the next
//! eligible day come from the rule book (`domain::eligibility`).

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use compact_str::CompactString;
use rustc_hash::FxHashMap;

use crate::domain::eligibility::{Reason, history_start, opted_out_by, standing};
use crate::domain::metrics::quarter_start;
use crate::domain::policy::{AnswerRecord, fatigue_signals, load_in_window};
use crate::output::activity_sparkline;
use crate::output::{Cell, Column, Format, Out};
use crate::store::reports::Windows;
use crate::store::{self, Store};

pub const COLUMNS: [Column; 13] = [
    Column::id("contact_id"),
    Column::text("name"),
    Column::id("account_id").wide(),
    Column::text("account").wide(),
    Column::id("tier"),
    Column::number("this_quarter").wide(),
    Column::number("last_90_days"),
    Column::number("last_365_days").wide(),
    Column::number("all_time").wide(),
    Column::date("last_activity").wide(),
    Column::date("next_eligible"),
    Column::number("limit"),
    Column::long("flags").below(),
];

/// How far back the report reads each member's activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every activity: the report as `refprog report utilization` prints it.
    Ever,
    /// The year of load only, without the columns `all_time` and `last_activity` (the
    /// review page shows neither, and counting every activity ever was a third of its
    /// utilization's time).
    Year,
}

pub fn run(store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    run_reaching(store, out, today, Reach::Ever)
}

pub fn run_reaching(
    store: &mut Store,
    out: &mut Out,
    today: NaiveDate,
    reach: Reach,
) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let windows = Windows {
        quarter_from: quarter_start(today),
        window_from: policy.window_start(today),
        year_from: today - Duration::days(policy.year_days - 1),
        today,
    };
    // Each member's counted activities ever, twelve bytes a member, found by id.
    let ids = store::IdIndex::new(store::roster::member_ids(store)?);
    let counts = match reach {
        Reach::Ever => store::reports::all_time_counts(store, windows, &ids)?,
        Reach::Year => store::reports::override_counts(store, windows, &ids)?,
    };
    let all_time = |id: &str| ids.find(id).map(|i| counts[i]).unwrap_or_default();
    let unfulfilled = store::roster::unfulfilled_asks(store.db(), today)?;
    let answers = store::reports::answers_by_contact(store.db(), today)?;
    // A table with --wide adds the sparkline of each reference's last 12 months (as
    // roster show draws it); CSV and JSON keep their columns (a cron contract).
    let sparkline = out.format == Format::Table && out.view.wide;
    let mut columns = COLUMNS.to_vec();
    let ever = reach == Reach::Ever;
    if !ever {
        columns.retain(|c| c.name != "all_time" && c.name != "last_activity");
    }
    let mut by_month: FxHashMap<CompactString, Vec<NaiveDate>> = FxHashMap::default();
    if sparkline {
        columns.insert(columns.len() - 1, Column::text("last_12_months"));
        let year = today - Duration::days(366);
        for done in store::roster::done(store.db(), None, year, today)? {
            if done.kind.counts_against_limit() {
                by_month.entry(done.contact_id).or_default().push(done.date);
            }
        }
    }
    // The members one at a time with their asks and counted activities of the last year
    // (streamed, see roster::each_member_with_load): the window columns count units of
    // load (an ask and its call once, a pass too), as match and the limits do. All time is
    // the counted activities plus the asks no activity fulfilled.
    let mut rows = out.rows(&columns)?;
    let from = windows.year_from.min(history_start(&policy, today));
    store::roster::each_member_with_load(store, from, today, |m, mine| {
        let c = all_time(&m.contact_id);
        let s = standing(&m.subject(), mine, &policy, today);
        let units = |from: NaiveDate| i64::from(load_in_window(mine, from, today));
        let this_quarter = units(windows.quarter_from);
        let mut flags = Vec::new();
        if m.tier.is_some() && i64::from(s.load) > s.limit {
            flags.push("over-limit");
        }
        if this_quarter > policy.burnout_per_quarter {
            flags.push("burnout");
        }
        // Fatigue from answers only here: the burnout flag already covers the busy quarter.
        let mine_answers: &[AnswerRecord] = answers.get(&m.contact_id).map_or(&[], Vec::as_slice);
        if !mine_answers.is_empty()
            && !fatigue_signals(mine_answers, &[], &policy, today).is_empty()
        {
            flags.push("fatigue");
        }
        if m.break_until.is_some_and(|u| u >= today) {
            flags.push("on-break");
        }
        if opted_out_by(m.opted_out_on, today).is_some() {
            flags.push("opted-out");
        }
        if c.overrides > 0 {
            flags.push("override");
        }
        for reason in &s.verdict.reasons {
            match reason {
                // At the limit, not over it: what roster and status call "at limit".
                Reason::LimitReached { .. } if !flags.contains(&"over-limit") => {
                    flags.push("at-limit")
                }
                Reason::Churned { .. } => flags.push("churned"),
                Reason::Escalation { .. } => flags.push("escalation"),
                _ => {}
            }
        }
        let last_activity = c.last_activity();
        // Room for every column at once: growing a hundred thousand rows was 3 % of the
        // review page.
        let mut row = Vec::with_capacity(columns.len());
        row.extend([
            Cell::from(m.contact_id.as_str()),
            Cell::from(m.name.as_str()),
            Cell::from(m.account_id.as_str()),
            Cell::from(m.account.as_str()),
            Cell::from(m.tier.map(|t| t.as_str())),
            Cell::Int(this_quarter),
            Cell::Int(i64::from(s.load)),
            Cell::Int(units(windows.year_from)),
        ]);
        if ever {
            row.push(Cell::Int(
                i64::from(c.count) + unfulfilled.get(&m.contact_id).copied().unwrap_or(0),
            ));
            row.push(Cell::from(
                s.last_used.max(last_activity).map(|d| d.to_string()),
            ));
        }
        row.extend([
            Cell::from(s.verdict.next_eligible.to_string()),
            Cell::Int(s.limit),
            Cell::Text(flags.join(";")),
        ]);
        if sparkline {
            let dates = by_month
                .get(m.contact_id.as_str())
                .map_or(&[][..], Vec::as_slice);
            row.insert(row.len() - 1, Cell::Text(activity_sparkline(dates, today)));
        }
        rows.row(row)
    })?;
    rows.finish()?;
    // Left to the process's end, unless more reports follow (see `let_go`).
    super::let_go(store, (ids, counts, answers, unfulfilled));
    Ok(())
}
