//! `refprog log-call CONTACT_ID`: records what a reference did, refused by the limits
//! unless overridden, or a relationship touch; prints the new load, the next eligible
//! day, the follow-ups it opened and any sign of fatigue.

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};

use crate::cli::LogCallArgs;
use crate::domain::eligibility;
use crate::domain::followups;
use crate::domain::model::{ActivityKind, RequestStatus};
use crate::domain::policy::{fatigue_advice, fatigue_signals};
use crate::output::Out;
use crate::stamp;
use crate::store::roster::{self, Field, NewActivity};
use crate::store::{self, Store};

/// A date after `today` (--as-of) is refused unless `future`, as is one more than a year
/// ahead (a mistyped year); log-call and activity edit both ask this.
pub fn check_date(
    date: NaiveDate,
    today: NaiveDate,
    future: bool,
    policy: &crate::domain::policy::Policy,
) -> Result<()> {
    if !future {
        if date > today {
            bail!(
                "--date {date} is after {today} (--as-of, or today): a record dated after it would be invisible as of {today}. Give --future if it is meant"
            );
        }
        if date > today + Duration::days(policy.year_days) {
            bail!(
                "--date {date} is more than a year ahead of {today} (a mistyped year?); give --future if it is meant"
            );
        }
    }
    Ok(())
}

/// An activity may be for a request that exists and is not declined or cancelled.
pub fn check_request(conn: crate::store::Db<'_>, request: &str, kind: ActivityKind) -> Result<()> {
    let Some(row) = store::requests::get(conn, request)? else {
        bail!("no request '{request}' (see 'refprog request list')");
    };
    let status = RequestStatus::parse(&row.status).unwrap_or(RequestStatus::Submitted);
    if matches!(status, RequestStatus::Declined | RequestStatus::Cancelled) {
        bail!(
            "cannot log a {kind} for request {request}: it is {status} (closed); nothing was written"
        );
    }
    Ok(())
}

pub fn run(args: &LogCallArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let date = args.date.unwrap_or(today);
    check_date(date, today, args.future, &policy)?;
    let contact_id = super::lookup::contact(store, &args.contact_id)?;
    let Some(member) = roster::member(store.db(), &contact_id)? else {
        bail!(
            "no contact '{}' (see 'refprog roster list' or 'refprog export contacts')",
            args.contact_id
        );
    };
    if let Some(request) = &args.request {
        check_request(store.db(), request, args.kind)?;
    }
    // As of `date` and everything on record up to `today`: a backdated call is weighed
    // against what came after it too.
    let events = roster::load_events(store.db(), &member.contact_id, today.max(date))?;
    let verdict = eligibility::decide(
        &member.subject(),
        args.kind,
        date,
        &events,
        args.request.as_deref(),
        &policy,
    );
    let reasons: Vec<String> = verdict.reasons.iter().map(ToString::to_string).collect();
    if args.dry_run {
        if reasons.is_empty() {
            out.note(format!(
                "dry run: {} ({}) can do a {} on {date}; nothing was written",
                member.name, member.contact_id, args.kind
            ));
            return Ok(());
        }
        bail!(
            "refused: {} ({}) cannot do a {} on {date}: {}. Nothing was written (dry run)",
            member.name,
            member.contact_id,
            args.kind,
            reasons.join("; ")
        );
    }
    // The same call logged twice is the usual slip (a retry, two people logging it).
    if !args.again
        && let Some(existing) = store::lookup::same_activity(
            store.db(),
            &member.contact_id,
            args.kind.as_str(),
            &date.to_string(),
            args.request.as_deref(),
        )?
    {
        bail!(
            "{} ({}) already has a {} on {date}{} ({existing}); nothing was written. Log it again with --again",
            member.name,
            member.contact_id,
            args.kind,
            args.request
                .as_deref()
                .map(|r| format!(" for {r}"))
                .unwrap_or_default()
        );
    }
    if !reasons.is_empty() && args.override_reason.is_none() {
        bail!(
            "refused: {} ({}) cannot do a {} on {date}: {}. Nothing was written; record it anyway with --override \"reason\"",
            member.name,
            member.contact_id,
            args.kind,
            reasons.join("; ")
        );
    }
    let override_reason = if reasons.is_empty() {
        None
    } else {
        args.override_reason.as_deref()
    };
    let (id, completed) = store.in_transaction(|tx| {
        let id = roster::insert_activity(
            tx,
            &NewActivity {
                contact_id: &member.contact_id,
                request_id: args.request.as_deref(),
                kind: args.kind,
                date,
                minutes: args.minutes,
                reference_rating: args.reference_rating,
                prospect_rating: args.prospect_rating,
                notes: args.notes.as_deref(),
                override_reason,
                closes: None,
            },
        )?;
        let when = stamp(today);
        if args.kind == ActivityKind::Recommit {
            let day = date.to_string();
            let previous = member.recommitted_on.map(|d| d.to_string());
            roster::change(
                tx,
                &member.contact_id,
                &when,
                Field::RecommittedOn,
                Some(&day),
                "recommit",
                previous.as_deref(),
                None,
            )?;
        }
        let mut completed = false;
        if let (true, Some(request)) = (args.kind.counts_against_limit(), &args.request) {
            let status =
                store::requests::get(tx, request)?.and_then(|r| RequestStatus::parse(&r.status));
            // The reference did it: whatever step the request was at, it is done.
            if status.is_some_and(|s| !s.is_closed()) {
                let note = format!("{} {id}", args.kind);
                store::requests::set_status(
                    tx,
                    request,
                    "completed",
                    &when,
                    Some(&member.contact_id),
                    Some(&note),
                )?;
                completed = true;
            }
        }
        Ok(((id, completed), true))
    })?;
    out.note(format!(
        "logged {} {id} for {} ({}) on {date}",
        args.kind, member.name, member.contact_id
    ));
    if let Some(reason) = override_reason {
        out.warn(format!(
            "override recorded ({reason}) for: {}",
            reasons.join("; ")
        ));
    }
    if completed && let Some(request) = &args.request {
        out.note(format!("{request}: completed"));
    }
    if args.kind.counts_against_limit() && member.tier.is_some() {
        let events = roster::load_events(store.db(), &member.contact_id, today)?;
        let standing = eligibility::standing(&member.subject(), &events, &policy, today);
        out.note(format!(
            "load: {} of {} in the last {} days; next eligible {}",
            standing.load, standing.limit, policy.limit_window_days, standing.verdict.next_eligible
        ));
    }
    let done = roster::done(
        store.db(),
        Some(&member.contact_id),
        today - Duration::days(policy.followup_reach_days),
        today.max(date),
    )?;
    let opened: Vec<followups::FollowUp> = followups::open(
        &[member.as_member()],
        &done,
        &roster::outcomes_for(store.db(), &done, today)?,
        &policy,
        today,
    )
    .into_iter()
    .filter(|f| f.due >= date && f.due <= date + Duration::days(7))
    .collect();
    for f in &opened {
        out.note(format!(
            "follow-up due {}: {} ({})",
            f.due, f.what, f.command
        ));
    }
    let activity_dates: Vec<NaiveDate> = done
        .iter()
        .filter(|d| d.kind.counts_against_limit())
        .map(|d| d.date)
        .collect();
    let signals = fatigue_signals(
        &roster::answers(store.db(), &member.contact_id, today)?,
        &activity_dates,
        &policy,
        today,
    );
    if !signals.is_empty() {
        out.warn(fatigue_advice(&member.contact_id, &signals, &policy));
    }
    Ok(())
}
