//! `refprog activity list|edit|delete`: see what was logged, and put a mistake right. An
//! edit is checked by the rules log-call applies to a new activity (the same functions);
//! it and a delete print what they changed, and `refprog undo` takes either back.

use crate::domain::people::named;
use crate::domain::records;
use crate::store::lookup::people_named;
use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::UsageError;
use crate::cli::{ActivityAction, ActivityArgs, ActivityEditArgs};
use crate::domain::eligibility;
use crate::domain::model::{ActivityKind, RequestStatus};
use crate::output::{Cell, Column, Out};
use crate::store::activity::ActivityRow;
use crate::store::{self, Store, activity, roster};

pub fn run(args: &ActivityArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    match &args.action {
        ActivityAction::List { contact, request } => {
            let contact = match contact {
                Some(given) => Some(
                    named(given, &people_named(store.db(), given)?).map_err(anyhow::Error::msg)?,
                ),
                None => None,
            };
            let rows = activity::list(
                store.db(),
                contact.as_deref(),
                request.as_deref(),
                &today.to_string(),
            )?;
            let mut table = out.rows(&[
                Column::id("activity_id"),
                Column::date("date"),
                Column::id("contact_id"),
                Column::text("name"),
                Column::id("kind"),
                Column::id("request"),
                Column::number("minutes").wide(),
                Column::long("override_reason").wide(),
                Column::long("notes").wide(),
            ])?;
            for a in rows {
                table.row(vec![
                    Cell::from(a.activity_id),
                    Cell::from(a.date),
                    Cell::from(a.contact_id),
                    Cell::from(a.name),
                    Cell::from(a.kind),
                    Cell::from(a.request_id),
                    a.minutes.map_or(Cell::Null, Cell::Int),
                    Cell::from(a.override_reason),
                    Cell::from(a.notes),
                ])?;
            }
            table.finish()
        }
        ActivityAction::Edit(edit) => self::edit(edit, store, out, today),
        ActivityAction::Delete { activity_id } => {
            let Some(a) = activity::get(store.db(), activity_id)? else {
                bail!("no activity '{activity_id}' (see 'refprog activity list')");
            };
            store.in_transaction(|tx| {
                let n = activity::delete(tx, activity_id)?;
                Ok(((), n > 0))
            })?;
            out.note(format!(
                "deleted {} {} of {} ({}) on {}{}",
                a.kind,
                a.activity_id,
                a.name,
                a.contact_id,
                a.date,
                a.request_id
                    .as_deref()
                    .map(|r| format!(" for {r}"))
                    .unwrap_or_default()
            ));
            if let Some(request) = &a.request_id {
                out.note(format!(
                    "{request} keeps its status; see 'refprog request show {request}'"
                ));
            }
            out.note("'refprog undo' puts it back");
            Ok(())
        }
    }
}

fn edit(args: &ActivityEditArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let given = args.contact.is_some()
        || args.request.is_some()
        || args.no_request
        || args.kind.is_some()
        || args.date.is_some()
        || args.minutes.is_some()
        || args.reference_rating.is_some()
        || args.prospect_rating.is_some()
        || args.notes.is_some()
        || args.override_reason.is_some();
    if !given {
        return Err(UsageError(
            "activity edit needs something to change: --date, --kind, --contact, --request (or --no-request), --minutes, --reference-rating, --prospect-rating, --notes or --override (see 'refprog activity edit --help')".into(),
        )
        .into());
    }
    let Some(old) = activity::get(store.db(), &args.activity_id)? else {
        bail!(
            "no activity '{}' (see 'refprog activity list')",
            args.activity_id
        );
    };
    let policy = store::policy::load(store.db())?;
    let contact_id = match &args.contact {
        Some(given) => {
            named(given, &people_named(store.db(), given)?).map_err(anyhow::Error::msg)?
        }
        None => old.contact_id.clone(),
    };
    let Some(member) = roster::member(store.db(), &contact_id)? else {
        bail!("no contact '{contact_id}' (see 'refprog roster list' or 'refprog export contacts')");
    };
    let old_kind = ActivityKind::parse(&old.kind);
    let Some(kind) = args.kind.or(old_kind) else {
        bail!(
            "{} has the kind '{}', which refprog does not know: give --kind ({})",
            old.activity_id,
            old.kind,
            ActivityKind::expected()
        );
    };
    let old_date = NaiveDate::parse_from_str(&old.date, "%Y-%m-%d").ok();
    let Some(date) = args.date.or(old_date) else {
        bail!(
            "{} has the date '{}', which is not a date: give --date",
            old.activity_id,
            old.date
        );
    };
    let request = if args.no_request {
        None
    } else {
        args.request.clone().or_else(|| old.request_id.clone())
    };
    if args.date.is_some() {
        records::date(date, today, args.future, &policy).map_err(anyhow::Error::msg)?;
    }
    if let Some(r) = &request
        && Some(r) != old.request_id.as_ref()
    {
        let status = store::requests::status(store.db(), r)?;
        records::request(r, status, kind).map_err(anyhow::Error::msg)?;
    }
    let mut new = ActivityRow {
        contact_id: member.contact_id.clone(),
        name: member.name.clone(),
        kind: kind.as_str().to_string(),
        date: date.to_string(),
        request_id: request.clone(),
        minutes: args.minutes.or(old.minutes),
        reference_rating: args.reference_rating.or(old.reference_rating),
        prospect_rating: args.prospect_rating.or(old.prospect_rating),
        notes: args.notes.clone().or_else(|| old.notes.clone()),
        ..old.clone()
    };
    // Who, what, when and for which request are what the rules judge: when one of them
    // changes, the edited activity is checked as log-call checks a new one.
    let judged = new.contact_id != old.contact_id
        || new.kind != old.kind
        || new.date != old.date
        || new.request_id != old.request_id;
    let mut reasons = Vec::new();
    if judged {
        if !args.again
            && let Some(existing) = store::lookup::same_activity(
                store.db(),
                &new.contact_id,
                &new.kind,
                &new.date,
                new.request_id.as_deref(),
            )?
            && existing != old.activity_id
        {
            bail!(
                "{} ({}) already has a {kind} on {date}{} ({existing}); nothing was changed. Keep the change with --again",
                member.name,
                member.contact_id,
                request
                    .as_deref()
                    .map(|r| format!(" for {r}"))
                    .unwrap_or_default()
            );
        }
        let mut events = roster::load_events(store.db(), &member.contact_id, today.max(date))?;
        // The activity as it stands is not held against itself.
        if old.contact_id == member.contact_id
            && old_kind.is_some_and(|k| k.counts_against_limit())
            && let Some(at) = events.iter().position(|e| {
                Some(e.date) == old_date && e.request_id.as_deref() == old.request_id.as_deref()
            })
        {
            events.remove(at);
        }
        let verdict = eligibility::decide(
            &member.subject(),
            kind,
            date,
            &events,
            request.as_deref(),
            &policy,
        );
        reasons = verdict.reasons.iter().map(ToString::to_string).collect();
        if !reasons.is_empty() && args.override_reason.is_none() {
            bail!(
                "refused: {} ({}) cannot do a {kind} on {date}: {}. Nothing was changed; keep the change anyway with --override \"reason\"",
                member.name,
                member.contact_id,
                reasons.join("; ")
            );
        }
        new.override_reason = if reasons.is_empty() {
            None
        } else {
            args.override_reason.clone()
        };
    } else if args.override_reason.is_some() {
        new.override_reason = args.override_reason.clone();
    }
    let changes = differences(&old, &new);
    if changes.is_empty() {
        out.note(format!(
            "{} already reads so; nothing was changed",
            old.activity_id
        ));
        return Ok(());
    }
    if args.dry_run {
        out.note(format!(
            "dry run: would change {} ({} of {} ({}) on {}): {}; nothing was written",
            new.activity_id,
            new.kind,
            new.name,
            new.contact_id,
            new.date,
            changes.join("; ")
        ));
        return Ok(());
    }
    // Moved onto a request, a reference activity completes it, as log-call does.
    let completes = new
        .request_id
        .as_deref()
        .filter(|r| Some(*r) != old.request_id.as_deref());
    let completed = store.in_transaction(|tx| {
        let n = activity::update(tx, &new)?;
        let mut completed = None;
        if let Some(r) = completes
            && records::completes(kind, store::requests::status(tx, r)?)
        {
            let note = format!("{kind} {}", new.activity_id);
            store::requests::set_status(
                tx,
                r,
                RequestStatus::Completed,
                &crate::stamp(today),
                Some(&new.contact_id),
                Some(&note),
            )?;
            completed = Some(r.to_string());
        }
        Ok((completed, n > 0))
    })?;
    out.note(format!(
        "changed {} ({} of {} ({}) on {}): {}",
        new.activity_id,
        new.kind,
        new.name,
        new.contact_id,
        new.date,
        changes.join("; ")
    ));
    if judged && let Some(reason) = &new.override_reason {
        out.warn(format!(
            "override recorded ({reason}) for: {}",
            reasons.join("; ")
        ));
    }
    if let Some(r) = completed {
        out.note(format!("{r}: completed"));
    }
    if old.request_id.is_some() && old.request_id != new.request_id {
        let r = old.request_id.as_deref().unwrap_or_default();
        out.note(format!(
            "{r} keeps its status; see 'refprog request show {r}'"
        ));
    }
    out.note("'refprog undo' takes the change back");
    Ok(())
}

/// "date 2026-11-23 -> 2026-11-20", one per field that changed.
fn differences(old: &ActivityRow, new: &ActivityRow) -> Vec<String> {
    fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
        v.as_ref()
            .map_or_else(|| "none".to_string(), ToString::to_string)
    }
    let pairs = [
        (
            "contact",
            Some(old.contact_id.clone()),
            Some(new.contact_id.clone()),
        ),
        ("kind", Some(old.kind.clone()), Some(new.kind.clone())),
        ("date", Some(old.date.clone()), Some(new.date.clone())),
        ("request", old.request_id.clone(), new.request_id.clone()),
        (
            "minutes",
            old.minutes.map(|m| m.to_string()),
            new.minutes.map(|m| m.to_string()),
        ),
        (
            "reference rating",
            old.reference_rating.map(|m| m.to_string()),
            new.reference_rating.map(|m| m.to_string()),
        ),
        (
            "prospect rating",
            old.prospect_rating.map(|m| m.to_string()),
            new.prospect_rating.map(|m| m.to_string()),
        ),
        ("notes", old.notes.clone(), new.notes.clone()),
        (
            "override",
            old.override_reason.clone(),
            new.override_reason.clone(),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(name, a, b)| format!("{name} {} -> {}", show(&a), show(&b)))
        .collect()
}
