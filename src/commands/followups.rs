//! `refprog followups`: the manager's to-do list, computed from the data as of `--as-of`.

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};

use crate::cli::{FollowupsAction, FollowupsArgs};
use crate::domain::followups::{self, FollowUp};
use crate::domain::policy::Policy;
use crate::output::{Cell, Column, Out};
use crate::stamp;
use crate::store::roster::{self, NewActivity};
use crate::store::{self, Store};

/// Every open follow-up as of `today`, snoozes applied (`status` and the review's care
/// section read the same list).
fn open(store: &Store, policy: &Policy, today: NaiveDate) -> Result<Vec<FollowUp>> {
    let inputs = store::followups::everyone(store, policy, today)?;
    let open = followups::open(&inputs, policy, today);
    // Not freed: the process ends next, and freeing a year of activities one by one
    // costs more than printing them (see the utilization report).
    std::mem::forget(inputs);
    Ok(open)
}

fn find(open: Vec<FollowUp>, id: &str) -> Result<FollowUp> {
    match open.into_iter().find(|f| f.has_id(id)) {
        Some(f) => Ok(f),
        None => {
            bail!(
                "no open follow-up '{id}' (the ids: refprog followups --all --columns id,due,what; add --stale for the older ones)"
            )
        }
    }
}

pub fn run(args: &FollowupsArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    match &args.action {
        Some(FollowupsAction::Done {
            id,
            date,
            notes,
            reference_rating,
            prospect_rating,
        }) => {
            let f = find(open(store, &policy, today)?, id)?;
            let date = date.unwrap_or(today);
            if date > today {
                bail!("--date {date} is after {today} (--as-of, or today)");
            }
            let Some(kind) = f.kind.touch() else {
                // A recommitment is a membership change, kept in the roster's history.
                store.in_transaction(|tx| {
                    roster::change(
                        tx,
                        &roster::MembershipChange {
                            contact_id: &f.contact_id,
                            at: &stamp(today),
                            change: roster::Change::Recommit {
                                from: None,
                                on: date,
                            },
                            note: Some(&format!("followups done {id}")),
                        },
                    )?;
                    Ok(((), true))
                })?;
                out.note(format!(
                    "{id}: {} ({}) recommitted on {date}",
                    f.name, f.contact_id
                ));
                return Ok(());
            };
            let activity = store.in_transaction(|tx| {
                let activity = roster::insert_activity(
                    tx,
                    &NewActivity {
                        contact_id: &f.contact_id,
                        request_id: f.request_id.as_deref(),
                        kind,
                        date,
                        minutes: None,
                        reference_rating: *reference_rating,
                        prospect_rating: *prospect_rating,
                        notes: notes.as_deref(),
                        override_reason: None,
                        closes: Some(id),
                    },
                )?;
                Ok((activity, true))
            })?;
            out.note(format!(
                "{id}: done ({kind} {activity} for {} ({}) on {date})",
                f.name, f.contact_id
            ));
            Ok(())
        }
        Some(FollowupsAction::Snooze { id, until }) => {
            let f = find(open(store, &policy, today)?, id)?;
            if *until <= today {
                bail!(
                    "--until {until} is not after {today}: a snooze moves a follow-up to a later day"
                );
            }
            store.in_transaction(|tx| {
                roster::snooze(tx, &f.id(), *until, today)?;
                Ok(((), true))
            })?;
            out.note(format!("{id}: snoozed until {until} (was due {})", f.due));
            Ok(())
        }
        None => list(args, store, out, &policy, today),
    }
}

fn list(
    args: &FollowupsArgs,
    store: &mut Store,
    out: &mut Out,
    policy: &Policy,
    today: NaiveDate,
) -> Result<()> {
    // The follow-ups asked for (kind, contact, days) are kept, from the side listed (the
    // recent ones, or with --stale the stale ones); the other side's stale are counted.
    let horizon = today + Duration::days(args.within.unwrap_or(0));
    let wanted = |f: &FollowUp| {
        args.kind.is_none_or(|k| k == f.kind)
            && args.contact.as_ref().is_none_or(|c| *c == f.contact_id)
    };
    let shows = |f: &FollowUp| {
        if args
            .due_within
            .is_some_and(|d| f.due < today || f.due > today + Duration::days(d))
        {
            false
        } else if args.stale || args.due_within.is_some() {
            true
        } else if args.all {
            args.within.is_none() || f.due <= horizon
        } else if args.overdue {
            f.due < today
        } else {
            f.due <= horizon
        }
    };
    let (mut open, mut stale) = (Vec::new(), followups::StaleTally::default());
    store::followups::each_open(store, policy, today, |f| {
        if wanted(&f) {
            if followups::is_stale(&f, policy, today) != args.stale {
                if !args.stale && args.due_within.is_none() {
                    stale.add(&f);
                }
            } else if shows(&f) {
                open.push(f);
            }
        }
        Ok(())
    })?;
    // Equal follow-ups are identical, so an unstable sort gives the same list.
    open.sort_unstable();
    open.truncate(args.top.unwrap_or(usize::MAX));
    let mut rows = out.rows(&[
        Column::date("due"),
        Column::id("status"),
        Column::id("id").wide(),
        Column::id("contact_id"),
        Column::text("name").wide(),
        Column::text("account").wide(),
        Column::id("request").wide(),
        Column::long("what"),
        Column::long("command").below(),
    ])?;
    for f in open {
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
            Cell::from(f.id()),
            Cell::from(f.contact_id.as_str()),
            Cell::from(&*f.name),
            Cell::from(&*f.account),
            Cell::from(f.request_id.as_deref()),
            Cell::from(f.what()),
            Cell::from(crate::output::command_hint(&f.action())),
        ])?;
    }
    rows.finish()?;
    for line in stale.lines(policy) {
        out.note(line);
    }
    Ok(())
}
