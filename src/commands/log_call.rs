//! `refprog log-call CONTACT_ID`: records what a reference did, refused by the limits
//! unless overridden, or a relationship touch; prints the new load, the next eligible
//! day, the follow-ups it opened and any sign of fatigue.

use crate::domain::people::named;
use crate::store::lookup::people_named;
use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};

use crate::cli::LogCallArgs;
use crate::domain::eligibility;
use crate::domain::followups;
use crate::domain::model::{ActivityKind, RequestStatus};
use crate::domain::policy::{fatigue_advice, fatigue_signals};
use crate::domain::records;
use crate::output::Out;
use crate::stamp;
use crate::store::roster::{self, Change, MembershipChange, NewActivity};
use crate::store::{self, Store};

pub fn run(args: &LogCallArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let date = args.date.unwrap_or(today);
    records::date(date, today, args.future, &policy).map_err(anyhow::Error::msg)?;
    let contact_id = named(
        &args.contact_id,
        &people_named(store.db(), &args.contact_id)?,
    )
    .map_err(anyhow::Error::msg)?;
    let Some(member) = roster::member(store.db(), &contact_id)? else {
        bail!(
            "no contact '{}' (see 'refprog roster list' or 'refprog export contacts')",
            args.contact_id
        );
    };
    if let Some(request) = &args.request {
        let status = store::requests::status(store.db(), request)?;
        records::request(request, status, args.kind).map_err(anyhow::Error::msg)?;
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
            roster::change(
                tx,
                &MembershipChange {
                    contact_id: &member.contact_id,
                    at: &when,
                    change: Change::Recommit {
                        from: member.recommitted_on,
                        on: date,
                    },
                    note: None,
                },
            )?;
        }
        let mut completed = false;
        if let Some(request) = &args.request
            && records::completes(args.kind, store::requests::status(tx, request)?)
        {
            let note = format!("{} {id}", args.kind);
            store::requests::set_status(
                tx,
                request,
                RequestStatus::Completed,
                &when,
                Some(&member.contact_id),
                Some(&note),
            )?;
            completed = true;
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
    let inputs = store::followups::one(store, &member, &policy, today, today.max(date))?;
    let done = &inputs.done;
    let opened: Vec<followups::FollowUp> = followups::open(&inputs, &policy, today)
        .into_iter()
        .filter(|f| f.due >= date && f.due <= date + Duration::days(7))
        .collect();
    for f in &opened {
        out.note(format!(
            "follow-up due {}: {} ({})",
            f.due,
            f.what(),
            crate::output::command_hint(&f.action())
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
