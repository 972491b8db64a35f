//! The weekly cron CSV, a stable contract: one row per enrolled (or opted-out) contact,
//! sorted by contact id, header always present, ISO dates. Columns: contact_id, name,
//! account_id, account, tier, this_quarter, last_90_days, last_365_days, all_time,
//! last_activity, next_eligible, limit, flags (over-limit, burnout, fatigue, on-break,
//! opted-out, override; `;`-separated).

use std::collections::HashMap;

use anyhow::Result;
use chrono::{Duration, NaiveDate};

use crate::commands::roster::standing;
use crate::domain::metrics::quarter_start;
use crate::domain::policy::{AnswerRecord, LoadEvent, fatigue_signals};
use crate::output::{Cell, Out};
use crate::store::{self, Store};

pub const COLUMNS: [&str; 13] = [
    "contact_id",
    "name",
    "account_id",
    "account",
    "tier",
    "this_quarter",
    "last_90_days",
    "last_365_days",
    "all_time",
    "last_activity",
    "next_eligible",
    "limit",
    "flags",
];

pub fn run(store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(&store.conn)?;
    let window_from = policy.window_start(today);
    let quarter_from = quarter_start(today);
    let counts = store::reports::activity_counts(
        &store.conn,
        quarter_from,
        window_from,
        today - Duration::days(364),
        today,
    )?;
    let mut events: HashMap<String, Vec<LoadEvent>> = HashMap::new();
    for e in store::scoring::load_events(
        &store.conn,
        window_from - Duration::days(policy.gap_min_days),
        today,
    )? {
        events.entry(e.contact_id.clone()).or_default().push(e);
    }
    let answers = store::reports::answers_by_contact(&store.conn)?;
    let mut rows = out.rows(&COLUMNS)?;
    for m in store::roster::members(&store.conn)? {
        let c = counts.get(&m.contact_id).cloned().unwrap_or_default();
        let mine = events.get(&m.contact_id).map_or(&[][..], Vec::as_slice);
        let s = standing(&m, mine, &policy, today);
        let mut flags = Vec::new();
        if m.tier.is_some() && i64::from(s.load) > s.limit {
            flags.push("over-limit");
        }
        if c.this_quarter > policy.burnout_per_quarter {
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
        if m.opted_out_on.is_some() {
            flags.push("opted-out");
        }
        if c.overrides > 0 {
            flags.push("override");
        }
        rows.row(vec![
            Cell::from(m.contact_id.as_str()),
            Cell::from(m.name.as_str()),
            Cell::from(m.account_id.as_str()),
            Cell::from(m.account.as_str()),
            Cell::from(m.tier.map(|t| t.as_str())),
            Cell::Int(c.this_quarter),
            Cell::Int(c.last_90_days),
            Cell::Int(c.last_365_days),
            Cell::Int(c.all_time),
            Cell::from(c.last_activity.map(|d| d.to_string())),
            Cell::from(s.next_eligible.to_string()),
            Cell::Int(s.limit),
            Cell::Text(flags.join(";")),
        ])?;
    }
    rows.finish()
}
