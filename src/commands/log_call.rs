//! `refprog log-call CONTACT_ID`: records what a reference did, refused by the limits
//! unless overridden, or a relationship touch; prints the new load, the next eligible
//! day, the follow-ups it opened and any sign of fatigue.

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};

use crate::cli::LogCallArgs;
use crate::domain::followups;
use crate::domain::matching::willing;
use crate::domain::model::{ActivityKind, RequestStatus};
use crate::domain::policy::{self, LoadEvent, Policy, fatigue_signals, limit_refusal, load_units};
use crate::output::Out;
use crate::stamp;
use crate::store::roster::{self, Field, MemberRow, NewActivity};
use crate::store::{self, Store};

/// Why a counted activity on `date` breaks the rules for this member (empty when it does not).
pub fn refusals(
    member: &MemberRow,
    kind: ActivityKind,
    date: NaiveDate,
    events: &[LoadEvent],
    request: Option<&str>,
    policy: &Policy,
) -> Vec<String> {
    let mut reasons = Vec::new();
    if !kind.counts_against_limit() {
        return reasons;
    }
    if let Some(on) = member.opted_out_on {
        reasons.push(format!("opted out on {on}"));
    }
    let Some(tier) = member.tier else {
        reasons.push(format!(
            "not enrolled in the program (refprog roster enroll {} --tier T)",
            member.contact_id
        ));
        return reasons;
    };
    if let Some(until) = member.break_until.filter(|u| *u >= date) {
        reasons.push(format!(
            "on a break until {until}; eligible again on {}",
            until + Duration::days(1)
        ));
    }
    if !willing(&member.willing, kind) {
        let list: Vec<&str> = member.willing.iter().map(|k| k.as_str()).collect();
        reasons.push(format!(
            "not willing to do a {kind} (willing: {})",
            if list.is_empty() {
                "call, email".to_string()
            } else {
                list.join(", ")
            }
        ));
    }
    let new = LoadEvent {
        contact_id: member.contact_id.as_str().into(),
        request_id: request.map(Into::into),
        date,
    };
    if let Some(refusal) = limit_refusal(tier, events, &new, policy) {
        reasons.push(refusal);
    }
    reasons
}

pub fn run(args: &LogCallArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(&store.conn)?;
    let date = args.date.unwrap_or(today);
    let contact_id = super::lookup::contact(store, &args.contact_id)?;
    let Some(member) = roster::member(&store.conn, &contact_id)? else {
        bail!(
            "no contact '{}' (see 'refprog roster list' or 'refprog export contacts')",
            args.contact_id
        );
    };
    if let Some(request) = &args.request
        && store::requests::get(&store.conn, request)?.is_none()
    {
        bail!("no request '{request}' (see 'refprog request list')");
    }
    let events = roster::load_events(&store.conn, &member.contact_id)?;
    let reasons = refusals(
        &member,
        args.kind,
        date,
        &events,
        args.request.as_deref(),
        &policy,
    );
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
            if status.is_some_and(|s| s.can_become(RequestStatus::Completed)) {
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
    if args.kind.counts_against_limit()
        && let Some(tier) = member.tier
    {
        let events = roster::load_events(&store.conn, &member.contact_id)?;
        let units = load_units(&events, policy.window_start(today), today);
        let candidate = crate::domain::matching::Candidate {
            tier: Some(tier),
            load: units.len() as u32,
            load_dates: units.clone(),
            last_used: events.iter().map(|e| e.date).filter(|d| *d <= today).max(),
            break_until: member.break_until,
            ..Default::default()
        };
        out.note(format!(
            "load: {} of {} in the last {} days; next eligible {}",
            units.len(),
            policy.limit_for(tier),
            policy.limit_window_days,
            crate::domain::matching::next_eligible(&candidate, &policy, today)
        ));
    }
    let done = roster::done(
        &store.conn,
        Some(&member.contact_id),
        today - Duration::days(400),
    )?;
    let opened: Vec<followups::FollowUp> = followups::open(
        &[member.as_member()],
        &done,
        &roster::outcomes(&store.conn)?,
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
        &roster::answers(&store.conn, &member.contact_id)?,
        &activity_dates,
        &policy,
        today,
    );
    if !signals.is_empty() {
        out.warn(fatigue_advice(&member.contact_id, &signals, &policy));
    }
    Ok(())
}

/// "fatigue: ...; suggest a break of one quarter: refprog roster break C --days 90"
pub fn fatigue_advice(contact_id: &str, signals: &[String], policy: &policy::Policy) -> String {
    format!(
        "fatigue: {}; suggest a break of one quarter: refprog roster break {contact_id} --days {}",
        signals.join("; "),
        policy.break_days
    )
}
