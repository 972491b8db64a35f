//! `refprog followups`: the manager's to-do list, computed from the data as of `--as-of`.

use anyhow::Result;
use chrono::{Duration, NaiveDate};

use crate::cli::FollowupsArgs;
use crate::domain::followups;
use crate::output::{Cell, Out};
use crate::store::roster;
use crate::store::{self, Store};

pub fn run(args: &FollowupsArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    store.map_for_reading()?;
    let policy = store::policy::load(&store.conn)?;
    let members: Vec<followups::Member> = roster::members(store)?
        .iter()
        .map(|m| m.as_member())
        .collect();
    // A year of activities covers every rule (appreciation looks back the furthest).
    let done = roster::done(
        &store.conn,
        None,
        today - Duration::days(policy.followup_reach_days),
        today,
    )?;
    let open = followups::open(
        &members,
        &done,
        &roster::outcomes(&store.conn, today)?,
        &policy,
        today,
    );
    // Not freed: the process ends next, and freeing a year of activities one by one
    // costs more than printing them (see the utilization report).
    std::mem::forget((members, done));
    let horizon = today + Duration::days(args.within.unwrap_or(0));
    let mut rows = out.rows(&[
        "due",
        "status",
        "contact_id",
        "name",
        "account",
        "request",
        "what",
        "command",
    ])?;
    let mut shown = 0;
    for f in open {
        if args.top.is_some_and(|top| shown >= top) {
            break;
        }
        let keep = if args.all {
            args.within.is_none() || f.due <= horizon
        } else if args.overdue {
            f.due < today
        } else {
            f.due <= horizon
        };
        if !keep {
            continue;
        }
        shown += 1;
        let status = if f.due < today {
            "overdue"
        } else if f.due == today {
            "due"
        } else {
            "upcoming"
        };
        rows.row(vec![
            Cell::from(f.due.to_string()),
            Cell::from(status),
            Cell::from(f.contact_id),
            Cell::from(f.name),
            Cell::from(f.account),
            Cell::from(f.request_id),
            Cell::from(f.what),
            Cell::from(f.command),
        ])?;
    }
    rows.finish()
}
