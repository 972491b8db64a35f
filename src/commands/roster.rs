//! `refprog roster ...`: enroll, change tier, break, resume, opt out, recommit, list, show.
//! Every change is time-stamped and kept in the membership history.

use crate::domain::people::named;
use crate::store::lookup::people_named;
use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};

use crate::cli::{RosterAction, RosterArgs};
use crate::domain::eligibility::{PendingAsk, Standing, history_start, standing};
use crate::domain::followups;
use crate::domain::matching::{caution_words, renewal_caution};
use crate::domain::model::ActivityKind;
use crate::domain::policy::{Policy, fatigue_advice, fatigue_signals};
use crate::output::{Cell, Column, Format, Out};
use crate::stamp;
use crate::store::roster::{self, Change, Field, MemberRow, MembershipChange};
use crate::store::{self, Store};

/// One membership change, kept in the history, in its own transaction.
fn apply(
    store: &mut Store,
    contact_id: &str,
    at: &str,
    change: Change,
    note: Option<&str>,
) -> Result<()> {
    store.in_transaction(|tx| {
        roster::change(
            tx,
            &MembershipChange {
                contact_id,
                at,
                change,
                note,
            },
        )?;
        Ok(((), true))
    })
}

fn find(store: &Store, contact_id: &str) -> Result<MemberRow> {
    let contact_id =
        &named(contact_id, &people_named(store.db(), contact_id)?).map_err(anyhow::Error::msg)?;
    match roster::member(store.db(), contact_id)? {
        Some(m) => Ok(m),
        None => bail!("no contact '{contact_id}' (see 'refprog export contacts')"),
    }
}

/// Normalises a list flag: items separated by ',' ';' or '|'.
fn items(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| {
        t.split([',', ';', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(";")
    })
}

pub fn run(args: &RosterArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let when = stamp(today);
    let day = today.to_string();
    match &args.action {
        RosterAction::Enroll {
            contact_id,
            tier,
            willing,
            topics,
            avoid,
        } => {
            let m = find(store, contact_id)?;
            // A name or an email names the contact; the id is what is stored.
            let contact_id = &m.contact_id.clone();
            if m.opted_out_on.is_some() {
                bail!(
                    "{} ({contact_id}) opted out on {}: they cannot be enrolled again without their consent",
                    m.name,
                    m.opted_out_on.map(|d| d.to_string()).unwrap_or_default()
                );
            }
            let willing = items(willing);
            if let Some(list) = &willing {
                for item in list.split(';') {
                    if ActivityKind::parse(item).is_none() {
                        bail!(
                            "--willing: '{item}' is not an activity: expected {}",
                            ActivityKind::expected()
                        );
                    }
                }
            }
            let willing = willing.map(|l| {
                l.split(';')
                    .filter_map(ActivityKind::parse)
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(";")
            });
            store.in_transaction(|tx| {
                roster::set(tx, contact_id, Field::Tier, Some(tier.as_str()))?;
                roster::set(tx, contact_id, Field::EnrolledOn, Some(&day))?;
                for (field, value) in [
                    (Field::Willing, &willing),
                    (Field::Topics, &items(topics)),
                    (Field::AvoidTopics, &items(avoid)),
                ] {
                    if let Some(value) = value {
                        roster::set(tx, contact_id, field, Some(value))?;
                    }
                }
                roster::record(
                    tx,
                    contact_id,
                    &when,
                    "enroll",
                    m.tier.map(|t| t.as_str()),
                    Some(tier.as_str()),
                    None,
                )?;
                Ok(((), true))
            })?;
            out.note(format!(
                "{} ({contact_id}) enrolled as {tier} on {today}",
                m.name
            ));
        }
        RosterAction::SetTier { contact_id, tier } => {
            let m = find(store, contact_id)?;
            // A name or an email names the contact; the id is what is stored.
            let contact_id = &m.contact_id.clone();
            if m.tier.is_none() {
                bail!(
                    "{} ({contact_id}) is not enrolled: use 'refprog roster enroll {contact_id} --tier {tier}'",
                    m.name
                );
            }
            apply(
                store,
                contact_id,
                &when,
                Change::Tier {
                    from: m.tier,
                    to: *tier,
                },
                None,
            )?;
            out.note(format!(
                "{} ({contact_id}): {} -> {tier}",
                m.name,
                m.tier.map(|t| t.as_str()).unwrap_or("-")
            ));
        }
        RosterAction::Break {
            contact_id,
            until,
            days,
        } => {
            let m = find(store, contact_id)?;
            // A name or an email names the contact; the id is what is stored.
            let contact_id = &m.contact_id.clone();
            let until =
                until.unwrap_or_else(|| today + Duration::days(days.unwrap_or(policy.break_days)));
            if until < today {
                bail!("--until {until} is in the past");
            }
            apply(
                store,
                contact_id,
                &when,
                Change::Break {
                    from: m.break_until,
                    until,
                },
                None,
            )?;
            out.note(format!(
                "{} ({contact_id}) is on a break until {until}",
                m.name
            ));
        }
        RosterAction::Resume { contact_id } => {
            let m = find(store, contact_id)?;
            // A name or an email names the contact; the id is what is stored.
            let contact_id = &m.contact_id.clone();
            if m.break_until.is_none_or(|u| u < today) {
                bail!("{} ({contact_id}) is not on a break", m.name);
            }
            apply(
                store,
                contact_id,
                &when,
                Change::Resume {
                    from: m.break_until,
                },
                None,
            )?;
            out.note(format!("{} ({contact_id}) is back from the break", m.name));
        }
        RosterAction::OptOut { contact_id, reason } => {
            let m = find(store, contact_id)?;
            // A name or an email names the contact; the id is what is stored.
            let contact_id = &m.contact_id.clone();
            if let Some(on) = m.opted_out_on {
                bail!("{} ({contact_id}) already opted out on {on}", m.name);
            }
            apply(
                store,
                contact_id,
                &when,
                Change::OptOut {
                    tier: m.tier,
                    on: today,
                },
                reason.as_deref(),
            )?;
            out.note(format!(
                "{} ({contact_id}) opted out on {today}; they will not be offered again",
                m.name
            ));
        }
        RosterAction::Recommit { contact_id } => {
            let m = find(store, contact_id)?;
            // A name or an email names the contact; the id is what is stored.
            let contact_id = &m.contact_id.clone();
            if m.tier.is_none() {
                bail!("{} ({contact_id}) is not enrolled", m.name);
            }
            apply(
                store,
                contact_id,
                &when,
                Change::Recommit {
                    from: m.recommitted_on,
                    on: today,
                },
                None,
            )?;
            out.note(format!(
                "{} ({contact_id}) recommitted on {today}; next due {}",
                m.name,
                policy.recommit_due(Some(today), None).unwrap_or(today)
            ));
        }
        RosterAction::List { tier, available } => {
            list(store, out, &policy, today, *tier, *available)?
        }
        RosterAction::Show { contact_id } => show(store, out, &policy, today, contact_id)?,
    }
    Ok(())
}

/// The standing in a word or two, with the asks in flight and the renewal caution when
/// they apply.
fn status_words(
    s: &Standing,
    m: &MemberRow,
    pending: &[PendingAsk],
    policy: &Policy,
    today: NaiveDate,
) -> String {
    let mut notes: Vec<String> = pending
        .iter()
        .map(|p| format!("pending {}", p.request_id))
        .collect();
    if let Some(day) = renewal_caution(m.renewal_date, policy, today) {
        notes.push(caution_words(day));
    }
    if notes.is_empty() {
        s.status()
    } else {
        format!("{} ({})", s.status(), notes.join("; "))
    }
}

fn list(
    store: &mut Store,
    out: &mut Out,
    policy: &Policy,
    today: NaiveDate,
    tier: Option<crate::domain::model::Tier>,
    available: bool,
) -> Result<()> {
    let pending = roster::pending_asks(store.db(), None, today)?;
    let mut rows = out.rows(&[
        Column::id("contact_id"),
        Column::text("name"),
        Column::text("account").wide(),
        Column::id("tier"),
        Column::number("load_90d"),
        Column::number("limit"),
        Column::date("next_eligible"),
        Column::text("status"),
        Column::date("enrolled_on").wide(),
        Column::date("recommit_due").wide(),
    ])?;
    // One member at a time: the CSV and JSON stream, whatever the program's size.
    roster::each_member_with_load(store, history_start(policy, today), today, |m, events| {
        if tier.is_some_and(|t| m.tier != Some(t)) {
            return Ok(());
        }
        let s = standing(&m.subject(), events, policy, today);
        if available && !s.available() {
            return Ok(());
        }
        rows.row(vec![
            Cell::from(m.contact_id.as_str()),
            Cell::from(m.name.as_str()),
            Cell::from(m.account.as_str()),
            Cell::from(m.tier.map(|t| t.as_str())),
            Cell::Int(i64::from(s.load)),
            Cell::Int(s.limit),
            Cell::from(s.verdict.next_eligible.to_string()),
            Cell::from(status_words(
                &s,
                m,
                pending.get(&m.contact_id).map_or(&[][..], Vec::as_slice),
                policy,
                today,
            )),
            Cell::from(m.enrolled_on.map(|d| d.to_string())),
            Cell::from(
                policy
                    .recommit_due(m.recommitted_on, m.enrolled_on)
                    .map(|d| d.to_string()),
            ),
        ])
    })?;
    rows.finish()
}

fn show(
    store: &mut Store,
    out: &mut Out,
    policy: &Policy,
    today: NaiveDate,
    contact_id: &str,
) -> Result<()> {
    let m = find(store, contact_id)?;
    // A name or an email names the contact; the id is what is stored.
    let contact_id = &m.contact_id.clone();
    let events = roster::load_events(store.db(), contact_id, today)?;
    let s = standing(&m.subject(), &events, policy, today);
    let pending = roster::pending_asks(store.db(), Some(&m.contact_id), today)?
        .remove(&m.contact_id)
        .unwrap_or_default();
    let status = status_words(&s, &m, &pending, policy, today);
    let done = roster::done(store.db(), Some(contact_id), NaiveDate::MIN, today)?;
    let history = roster::history(store.db(), contact_id)?;
    let dates: Vec<NaiveDate> = done
        .iter()
        .filter(|d| d.kind.counts_against_limit())
        .map(|d| d.date)
        .collect();
    let signals = fatigue_signals(
        &roster::answers(store.db(), contact_id, today)?,
        &dates,
        policy,
        today,
    );
    let open = followups::open(
        &store::followups::one(store, &m, policy, today, today)?,
        policy,
        today,
    );
    if out.format == Format::Json {
        return out.json(&serde_json::json!({
            "member": m, "load_90d": s.load, "limit": s.limit, "next_eligible": s.verdict.next_eligible,
            "status": status, "reasons": s.verdict.reasons, "pending": pending, "fatigue": signals, "history": history,
            "activities": done.iter().map(|d| serde_json::json!({"activity_id": d.activity_id, "kind": d.kind, "date": d.date, "request_id": d.request_id})).collect::<Vec<_>>(),
            "followups": open,
        }));
    }
    let mut rows = out.section("reference", &[Column::id("field"), Column::long("value")])?;
    let fields: Vec<(&str, Option<String>)> = vec![
        ("contact", Some(format!("{} ({})", m.name, m.contact_id))),
        ("title", m.title.clone()),
        ("account", Some(format!("{} ({})", m.account, m.account_id))),
        ("tier", m.tier.map(|t| t.to_string())),
        ("status", Some(status.clone())),
        ("why", (!s.verdict.allowed()).then(|| s.verdict.words())),
        (
            "load",
            Some(format!(
                "{} of {} in the last {} days",
                s.load, s.limit, policy.limit_window_days
            )),
        ),
        ("next eligible", Some(s.verdict.next_eligible.to_string())),
        ("last activity", s.last_used.map(|d| d.to_string())),
        ("last 12 months", Some(activity_by_month(&dates, today))),
        (
            "willing",
            Some(if m.willing.is_empty() {
                "call, email (not stated)".to_string()
            } else {
                m.willing
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
        (
            "topics",
            (!m.topics.is_empty()).then(|| m.topics.join("; ")),
        ),
        (
            "avoid",
            (!m.avoid_topics.is_empty()).then(|| m.avoid_topics.join("; ")),
        ),
        ("enrolled on", m.enrolled_on.map(|d| d.to_string())),
        ("recommitted on", m.recommitted_on.map(|d| d.to_string())),
        ("break until", m.break_until.map(|d| d.to_string())),
        ("opted out on", m.opted_out_on.map(|d| d.to_string())),
        (
            "fatigue",
            (!signals.is_empty()).then(|| fatigue_advice(contact_id, &signals, policy)),
        ),
    ];
    for (name, value) in fields.into_iter().filter(|(_, v)| v.is_some()) {
        rows.row(vec![Cell::from(name), Cell::from(value)])?;
    }
    rows.finish()?;
    let mut rows = out.section(
        "history",
        &[
            Column::id("at"),
            Column::id("membership"),
            Column::id("from"),
            Column::id("to"),
            Column::long("note"),
        ],
    )?;
    for e in history {
        rows.row(vec![
            Cell::from(e.at),
            Cell::from(e.event),
            Cell::from(e.old_value),
            Cell::from(e.new_value),
            Cell::from(e.note),
        ])?;
    }
    rows.finish()?;
    let mut rows = out.section(
        "activities",
        &[
            Column::date("date"),
            Column::id("activity"),
            Column::id("kind"),
            Column::id("request"),
        ],
    )?;
    for d in done.iter().rev().take(20) {
        rows.row(vec![
            Cell::from(d.date.to_string()),
            Cell::from(d.activity_id.as_str()),
            Cell::from(d.kind.as_str()),
            Cell::from(d.request_id.as_deref()),
        ])?;
    }
    rows.finish()?;
    let mut rows = out.section(
        "followups",
        &[
            Column::date("due"),
            Column::long("follow-up"),
            Column::long("command").below(),
        ],
    )?;
    for f in open {
        rows.row(vec![
            Cell::from(f.due.to_string()),
            Cell::from(f.what()),
            Cell::from(crate::output::command_hint(&f.action())),
        ])?;
    }
    rows.finish()
}

/// The counted activities of the last 12 months as a sparkline with the total.
fn activity_by_month(dates: &[NaiveDate], today: NaiveDate) -> String {
    let counts = crate::domain::metrics::monthly_counts(dates, today, 12);
    format!(
        "{} {} activities (a month a mark, to {})",
        crate::output::activity_sparkline(dates, today),
        counts.iter().sum::<u64>(),
        today.format("%Y-%m")
    )
}
