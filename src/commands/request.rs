//! `refprog request add|edit|list|show|approve|decline|cancel|answer`: the lifecycle of a
//! sales request for a reference, each step time-stamped. `add` and `edit` read the same
//! flags and give the same qualification warnings.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{RequestAction, RequestArgs, RequestEditArgs, RequestFields, StatusFilter};
use crate::domain::matching::warnings;
use crate::domain::model::{ActivityKind, Answer, RequestStatus};
use crate::import::values::format_money_cents;
use crate::output::{Cell, Column, Format, Out};
use crate::store::requests::{self, RequestRow};
use crate::store::{self, Store};
use crate::{UsageError, stamp};

pub fn run(args: &RequestArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    match &args.action {
        RequestAction::Add(fields) => add(fields, store, out, today),
        RequestAction::Edit(edit) => self::edit(edit, store, out, today),
        RequestAction::List { status } => list(store, out, *status),
        RequestAction::Show { request_id } => show(store, out, request_id),
        RequestAction::Approve { request_id } => {
            step(
                store,
                request_id,
                RequestStatus::Qualified,
                today,
                None,
                None,
                "approve",
            )?;
            out.note(format!("{request_id}: qualified"));
            Ok(())
        }
        RequestAction::Decline { request_id, reason } => {
            store.in_transaction(|tx| {
                requests::status_for_step(tx, request_id, RequestStatus::Declined, "decline")?;
                requests::set_status(
                    tx,
                    request_id,
                    RequestStatus::Declined,
                    &stamp(today),
                    None,
                    Some(reason),
                )?;
                requests::set_decline_reason(tx, request_id, reason)?;
                Ok(((), true))
            })?;
            out.note(format!("{request_id}: declined ({reason})"));
            Ok(())
        }
        RequestAction::Cancel { request_id } => {
            step(
                store,
                request_id,
                RequestStatus::Cancelled,
                today,
                None,
                None,
                "cancel",
            )?;
            out.note(format!("{request_id}: cancelled"));
            Ok(())
        }
        RequestAction::Answer {
            request_id,
            contact_id,
            yes,
            pass: _,
            scheduled,
        } => answer(store, out, today, request_id, contact_id, *yes, *scheduled),
    }
}

fn step(
    store: &mut Store,
    id: &str,
    next: RequestStatus,
    today: NaiveDate,
    contact: Option<&str>,
    note: Option<&str>,
    verb: &str,
) -> Result<()> {
    store.in_transaction(|tx| {
        requests::status_for_step(tx, id, next, verb)?;
        requests::set_status(tx, id, next, &stamp(today), contact, note)?;
        Ok(((), true))
    })
}

fn add(fields: &RequestFields, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let mut missing = Vec::new();
    let mut need = |present: bool, flag: &str| {
        if !present {
            missing.push(flag.to_string());
        }
    };
    need(fields.prospect.is_some(), "--prospect");
    need(fields.industry.is_some(), "--industry");
    need(fields.employees.is_some(), "--employees");
    need(fields.deal_size.is_some(), "--deal-size");
    need(fields.stage.is_some(), "--stage");
    need(fields.rep.is_some(), "--rep");
    need(fields.use_case.is_some(), "--use-case");
    if !missing.is_empty() {
        return Err(UsageError(format!(
            "request add needs {} (see 'refprog request --help')",
            missing.join(", ")
        ))
        .into());
    }
    let policy = store::policy::load(store.db())?;
    let (id, notes) = store.in_transaction(|tx| {
        let id = requests::next_id(tx)?;
        let row = to_row(fields, &id, today);
        let heard = requests::references_heard(tx, &row.prospect, None)?;
        let notes = warnings(
            row.deal_size_cents,
            false,
            row.stage.as_deref(),
            heard,
            fields.needed_by,
            &policy,
            today,
        );
        // The same request twice in a day is usually a form sent twice: say so, add it anyway.
        let twin = requests::same_day(tx, &row.prospect, today)?
            .into_iter()
            .find(|other| same_request(other, &row))
            .map(|other| other.request_id);
        requests::insert(tx, &row)?;
        requests::record(tx, &id, RequestStatus::Submitted, &stamp(today), None, None)?;
        let mut notes = notes;
        if let Some(twin) = twin {
            notes.insert(
                0,
                format!(
                    "{id} is the same as {twin}, added today: see 'refprog request show {twin}'; if it was added twice, 'refprog undo' takes {id} back"
                ),
            );
        }
        Ok(((id, notes), true))
    })?;
    match out.format {
        Format::Json => out.json(&serde_json::json!({ "request_id": id, "warnings": notes }))?,
        _ => {
            out.text(&format!("{id}\n"))?;
            for note in &notes {
                out.warn(note);
            }
        }
    }
    Ok(())
}

/// Two requests ask for the same thing: every field a rep fills in is equal (the id, the
/// status and the day apart).
fn same_request(a: &RequestRow, b: &RequestRow) -> bool {
    let key = |r: &RequestRow| {
        (
            r.opportunity_id.clone(),
            r.prospect.trim().to_lowercase(),
            r.industry.clone(),
            r.employees,
            r.country.clone(),
            r.region.clone(),
            r.deal_size_cents,
            r.stage.clone(),
            r.close_date,
            r.rep.clone(),
            (
                r.role_level,
                r.use_case.clone(),
                r.kind.clone(),
                r.questions.clone(),
                r.needed_by,
                r.justification.clone(),
            ),
        )
    };
    key(a) == key(b)
}

/// `request edit ID --flag value ...`: the fields given change, checked by the flags'
/// own parsers (as for `add`), and the qualification warnings are given again.
fn edit(args: &RequestEditArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let id = &args.request_id;
    let f = &args.fields;
    let Some(old) = requests::get(store.db(), id)? else {
        bail!("no request '{id}' (see 'refprog request list')");
    };
    let mut new = old.clone();
    let set = |slot: &mut Option<String>, value: &Option<String>| {
        if value.is_some() {
            slot.clone_from(value);
        }
    };
    if let Some(prospect) = &f.prospect {
        new.prospect.clone_from(prospect);
    }
    set(&mut new.industry, &f.industry);
    set(&mut new.country, &f.country);
    set(&mut new.region, &f.region);
    set(&mut new.stage, &f.stage);
    set(&mut new.rep, &f.rep);
    set(&mut new.use_case, &f.use_case);
    set(&mut new.questions, &f.questions);
    set(&mut new.justification, &f.justification);
    set(&mut new.opportunity_id, &f.opportunity);
    if f.close_date.is_some() {
        new.close_date = f.close_date;
    }
    if f.needed_by.is_some() {
        new.needed_by = f.needed_by;
    }
    if f.role_level.is_some() {
        new.role_level = f.role_level;
    }
    if f.employees.is_some() {
        new.employees = f.employees;
    }
    if f.deal_size.is_some() {
        new.deal_size_cents = f.deal_size;
    }
    if let Some(kind) = f.kind {
        new.kind = kind.as_str().to_string();
    }
    let changes = request_differences(&old, &new);
    if changes.is_empty() {
        let any = f.prospect.is_some()
            || f.industry.is_some()
            || f.employees.is_some()
            || f.country.is_some()
            || f.region.is_some()
            || f.deal_size.is_some()
            || f.stage.is_some()
            || f.close_date.is_some()
            || f.rep.is_some()
            || f.role_level.is_some()
            || f.use_case.is_some()
            || f.kind.is_some()
            || f.questions.is_some()
            || f.needed_by.is_some()
            || f.justification.is_some()
            || f.opportunity.is_some();
        if !any {
            return Err(UsageError(
                "request edit needs something to change: the flags of 'request add' (--prospect, --industry, --employees, --deal-size, --stage, --needed-by, ...; see 'refprog request edit --help')".into(),
            )
            .into());
        }
        out.note(format!("{id} already reads so; nothing was changed"));
        return Ok(());
    }
    let policy = store::policy::load(store.db())?;
    let notes = store.in_transaction(|tx| {
        requests::update(tx, &new)?;
        let heard = requests::references_heard(tx, &new.prospect, Some(id))?;
        let needed_by = new.needed_by;
        let notes = warnings(
            new.deal_size_cents,
            requests::was_approved(tx, id)?,
            new.stage.as_deref(),
            heard,
            needed_by,
            &policy,
            today,
        );
        Ok((notes, true))
    })?;
    out.note(format!(
        "changed {id} ({}): {}",
        new.prospect,
        changes.join("; ")
    ));
    for note in &notes {
        out.warn(note);
    }
    out.note("'refprog undo' takes the change back");
    Ok(())
}

/// "needed_by 2026-12-01 -> 2026-12-04", one per field that changed.
fn request_differences(old: &RequestRow, new: &RequestRow) -> Vec<String> {
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_string());
    let number = |v: Option<i64>| v.map(|n| n.to_string());
    let day = |v: Option<NaiveDate>| v.map(|d| d.to_string());
    let level = |v: Option<crate::domain::model::RoleLevel>| v.map(|r| r.as_str().to_string());
    let pairs = [
        (
            "prospect",
            Some(old.prospect.clone()),
            Some(new.prospect.clone()),
        ),
        ("industry", old.industry.clone(), new.industry.clone()),
        ("employees", number(old.employees), number(new.employees)),
        ("country", old.country.clone(), new.country.clone()),
        ("region", old.region.clone(), new.region.clone()),
        (
            "deal_size",
            old.deal_size_cents.map(format_money_cents),
            new.deal_size_cents.map(format_money_cents),
        ),
        ("stage", old.stage.clone(), new.stage.clone()),
        ("close_date", day(old.close_date), day(new.close_date)),
        ("rep", old.rep.clone(), new.rep.clone()),
        ("role_level", level(old.role_level), level(new.role_level)),
        ("use_case", old.use_case.clone(), new.use_case.clone()),
        ("kind", Some(old.kind.clone()), Some(new.kind.clone())),
        ("questions", old.questions.clone(), new.questions.clone()),
        ("needed_by", day(old.needed_by), day(new.needed_by)),
        (
            "justification",
            old.justification.clone(),
            new.justification.clone(),
        ),
        (
            "opportunity_id",
            old.opportunity_id.clone(),
            new.opportunity_id.clone(),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(name, a, b)| format!("{name} {} -> {}", show(&a), show(&b)))
        .collect()
}

/// A request row from the flags of `request add`.
fn to_row(fields: &RequestFields, id: &str, today: NaiveDate) -> RequestRow {
    RequestRow {
        request_id: id.to_string(),
        opportunity_id: fields.opportunity.clone(),
        prospect: fields
            .prospect
            .clone()
            .unwrap_or_else(|| "the prospect".to_string()),
        industry: fields.industry.clone(),
        employees: fields.employees,
        country: fields.country.clone(),
        region: fields.region.clone(),
        deal_size_cents: fields.deal_size,
        stage: fields.stage.clone(),
        close_date: fields.close_date,
        rep: fields.rep.clone(),
        role_level: fields.role_level,
        use_case: fields.use_case.clone(),
        kind: fields
            .kind
            .unwrap_or(ActivityKind::Call)
            .as_str()
            .to_string(),
        questions: fields.questions.clone(),
        needed_by: fields.needed_by,
        justification: fields.justification.clone(),
        submitted_on: Some(today),
        status: RequestStatus::Submitted,
        decline_reason: None,
    }
}

fn money(cents: Option<i64>) -> Cell {
    cents.map_or(Cell::Null, |c| Cell::Decimal(format_money_cents(c)))
}

fn list(store: &mut Store, out: &mut Out, status: Option<StatusFilter>) -> Result<()> {
    let rows = match status {
        Some(StatusFilter::Is(one)) => requests::list(store.db(), Some(one))?,
        Some(filter) => {
            let mut rows = requests::list(store.db(), None)?;
            rows.retain(|r| filter.admits(r.status));
            rows
        }
        None => requests::list(store.db(), None)?,
    };
    let mut table = out.rows(&[
        Column::id("request_id"),
        Column::date("submitted_on").wide(),
        Column::text("prospect"),
        Column::text("rep").wide(),
        Column::money("deal_size"),
        Column::text("stage").wide(),
        Column::text("use_case"),
        Column::id("kind").wide(),
        Column::date("needed_by"),
        Column::id("status"),
    ])?;
    for r in rows {
        table.row(vec![
            Cell::from(r.request_id),
            Cell::from(r.submitted_on.map(|d| d.to_string())),
            Cell::from(r.prospect),
            Cell::from(r.rep),
            money(r.deal_size_cents),
            Cell::from(r.stage),
            Cell::from(r.use_case),
            Cell::from(r.kind),
            Cell::from(r.needed_by.map(|d| d.to_string())),
            Cell::from(r.status.as_str()),
        ])?;
    }
    table.finish()
}

fn show(store: &mut Store, out: &mut Out, id: &str) -> Result<()> {
    let Some(r) = requests::get(store.db(), id)? else {
        bail!("no request '{id}' (see 'refprog request list')");
    };
    let events = requests::events(store.db(), id)?;
    let asks = requests::asks(store.db(), id)?;
    if out.format == Format::Json {
        return out.json(&serde_json::json!({ "request": r, "history": events, "asks": asks }));
    }
    let fields: Vec<(&str, Option<String>)> = vec![
        ("request_id", Some(r.request_id.clone())),
        ("status", Some(r.status.to_string())),
        ("prospect", Some(r.prospect.clone())),
        ("industry", r.industry.clone()),
        ("employees", r.employees.map(|e| e.to_string())),
        ("country", r.country.clone()),
        ("region", r.region.clone()),
        ("deal_size", r.deal_size_cents.map(format_money_cents)),
        ("stage", r.stage.clone()),
        ("close_date", r.close_date.map(|d| d.to_string())),
        ("rep", r.rep.clone()),
        ("role_level", r.role_level.map(|l| l.as_str().to_string())),
        ("use_case", r.use_case.clone()),
        ("kind", Some(r.kind.clone())),
        ("questions", r.questions.clone()),
        ("needed_by", r.needed_by.map(|d| d.to_string())),
        ("justification", r.justification.clone()),
        ("opportunity_id", r.opportunity_id.clone()),
        ("submitted_on", r.submitted_on.map(|d| d.to_string())),
        ("decline_reason", r.decline_reason.clone()),
    ];
    let mut table = out.section("request", &[Column::id("field"), Column::long("value")])?;
    for (name, value) in fields.into_iter().filter(|(_, v)| v.is_some()) {
        table.row(vec![Cell::from(name), Cell::from(value)])?;
    }
    table.finish()?;
    let mut table = out.section(
        "history",
        &[
            Column::id("at"),
            Column::id("step"),
            Column::id("contact_id"),
            Column::long("note"),
        ],
    )?;
    for e in events {
        table.row(vec![
            Cell::from(e.at),
            Cell::from(e.status.as_str()),
            Cell::from(e.contact_id),
            Cell::from(e.note),
        ])?;
    }
    table.finish()?;
    if !asks.is_empty() {
        let mut table = out.section(
            "asks",
            &[
                Column::id("contact_id"),
                Column::date("asked_on"),
                Column::id("answer"),
                Column::date("answered_on"),
                Column::date("scheduled_on"),
            ],
        )?;
        for a in asks {
            table.row(vec![
                Cell::from(a.contact_id),
                Cell::from(a.asked_on.map(|d| d.to_string())),
                Cell::from(a.answer.map(|a| a.as_str())),
                Cell::from(a.answered_on.map(|d| d.to_string())),
                Cell::from(a.scheduled_on.map(|d| d.to_string())),
            ])?;
        }
        table.finish()?;
    }
    Ok(())
}

fn answer(
    store: &mut Store,
    out: &mut Out,
    today: NaiveDate,
    id: &str,
    contact: &str,
    yes: bool,
    scheduled: Option<NaiveDate>,
) -> Result<()> {
    let next = match (yes, scheduled) {
        (true, Some(_)) => RequestStatus::Scheduled,
        (true, None) => RequestStatus::Accepted,
        (false, _) => RequestStatus::Passed,
    };
    let verb = "record an answer to";
    let moved = store.in_transaction(|tx| {
        requests::status_for_step(tx, id, next, verb)?;
        let asks = requests::asks(tx, id)?;
        let Some(ask) = asks.iter().find(|a| a.contact_id == contact) else {
            bail!("cannot {verb} request {id}: {contact} was not asked (ask with 'refprog match {id} --ask {contact}')");
        };
        if let Some(answer) = &ask.answer {
            bail!("cannot {verb} request {id}: {contact} already answered '{answer}' on {}", ask.answered_on.map_or("?".to_string(), |d| d.to_string()));
        }
        let when = stamp(today);
        let scheduled_text = scheduled.map(|d| d.to_string());
        requests::answer_ask(tx, id, contact, if yes { Answer::Yes } else { Answer::Pass }, today, scheduled)?;
        if yes {
            requests::set_status(tx, id, RequestStatus::Accepted, &when, Some(contact), None)?;
            if let Some(day) = &scheduled_text {
                requests::set_status(tx, id, RequestStatus::Scheduled, &when, Some(contact), Some(&format!("call on {day}")))?;
            }
        } else {
            // A pass sends the request back to matching for the next candidate.
            requests::record(tx, id, RequestStatus::Passed, &when, Some(contact), None)?;
            requests::set_status(tx, id, RequestStatus::Matched, &when, None, Some("back to matching after a pass"))?;
        }
        Ok((requests::status(tx, id)?.unwrap_or_default(), true))
    })?;
    out.note(format!(
        "{id}: {contact} {}; request is {moved}",
        if yes { "said yes" } else { "passed" }
    ));
    Ok(())
}
