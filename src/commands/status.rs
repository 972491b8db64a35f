//! `refprog status`: which database this is and why (flag, environment or default), its
//! schema, what it holds, the last import of each kind, what is due today and who is at their limit. Every answer comes
//! from the functions the other commands use (the follow-ups, a reference's standing).

use anyhow::Result;
use chrono::NaiveDate;

use crate::domain::eligibility::{Reason, history_start, opted_out_by, standing};
use crate::domain::followups;
use crate::output::{Cell, Column, Format, Out};
use crate::store::{self, Store, migrate, roster};

/// Where the database path came from, as `status` explains it.
pub fn source() -> &'static str {
    let flag = std::env::args_os()
        .any(|a| a == "--db" || a.to_str().is_some_and(|a| a.starts_with("--db=")));
    if flag {
        "the --db flag"
    } else if std::env::var_os("REFPROG_DB").is_some_and(|v| !v.is_empty()) {
        "the REFPROG_DB environment variable"
    } else {
        "the default ($XDG_DATA_HOME/refprog, else ~/.local/share/refprog)"
    }
}

/// How many references at their limit a table shows.
const AT_LIMIT_SHOWN: usize = 10;

pub fn run(store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    // What `followups` lists (snoozes applied) and what it folds away as stale, counted as
    // that command goes through them: the members one at a time, nothing held.
    let count_followups = |store: &Store| -> Result<(usize, usize, usize)> {
        let (mut due_today, mut overdue, mut stale) = (0, 0, 0);
        store::followups::each_open(store, &policy, today, |f| {
            if followups::is_stale(&f, &policy, today) {
                stale += 1;
            } else if f.due == today {
                due_today += 1;
            } else if f.due < today {
                overdue += 1;
            }
            Ok(())
        })?;
        Ok((due_today, overdue, stale))
    };
    // Who is at their limit, by the rule book, the members streamed with their load.
    let find_at_limit = |store: &Store| -> Result<Vec<_>> {
        let mut at_limit = Vec::new();
        roster::each_member_with_load(store, history_start(&policy, today), today, |m, mine| {
            if m.tier.is_none() || opted_out_by(m.opted_out_on, today).is_some() {
                return Ok(());
            }
            let s = standing(&m.subject(), mine, &policy, today);
            let limited = s
                .verdict
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::LimitReached { .. }));
            if limited {
                at_limit.push((m.clone(), s));
            }
            Ok(())
        })?;
        Ok(at_limit)
    };
    // The two read the same snapshot side by side when a second connection is open
    // (a program past 4 MiB); else one after the other.
    let ((due_today, overdue, stale), at_limit) = match store.sibling() {
        Some(other) => std::thread::scope(|scope| -> Result<_> {
            let find = &find_at_limit;
            let limited = scope.spawn(move || find(&other));
            let counts = count_followups(store)?;
            let limited = limited
                .join()
                .map_err(|_| anyhow::anyhow!("finding the references at their limit failed"))??;
            Ok((counts, limited))
        })?,
        None => (count_followups(store)?, find_at_limit(store)?),
    };
    let open_requests: i64 = store::status::request_statuses(store.db())?
        .iter()
        .filter(|(status, _)| !status.is_closed())
        .map(|(_, n)| n)
        .sum();
    let version = store::status::schema_version(store.db())?;
    let bytes = std::fs::metadata(store.path()).map(|m| m.len()).ok();

    let mut facts: Vec<(String, Cell)> = vec![
        (
            "database".into(),
            Cell::from(store.path().display().to_string()),
        ),
        ("chosen by".into(), Cell::from(source())),
        (
            "schema version".into(),
            Cell::Figure(
                Some(version as f64),
                format!(
                    "{version} (this refprog knows up to {})",
                    migrate::latest_version()
                ),
            ),
        ),
        (
            "size bytes".into(),
            bytes.map_or(Cell::Null, |b| Cell::Int(b as i64)),
        ),
        ("as of".into(), Cell::from(today.to_string())),
    ];
    for (kind, n) in store::status::counts(store.db())? {
        facts.push((kind.to_string(), Cell::Int(n)));
    }
    facts.push(("requests open".into(), Cell::Int(open_requests)));
    for (kind, date) in store::status::newest(store.db())? {
        facts.push((format!("newest {kind} dated"), Cell::from(date)));
    }
    facts.push(("follow-ups due today".into(), Cell::Int(due_today as i64)));
    facts.push(("follow-ups overdue".into(), Cell::Int(overdue as i64)));
    facts.push(("follow-ups stale".into(), Cell::Int(stale as i64)));
    facts.push((
        "references at their limit".into(),
        Cell::Int(at_limit.len() as i64),
    ));

    let mut rows = out.section("status", &[Column::text("fact"), Column::id("value")])?;
    for (fact, value) in facts {
        rows.row(vec![Cell::from(fact), value])?;
    }
    rows.finish()?;
    // The last import of each kind: the day is --as-of's (as every date refprog keeps),
    // the time the clock's (in --wide and JSON).
    let mut rows = out.section(
        "last_imports",
        &[
            Column::id("kind"),
            Column::date("imported_on"),
            Column::id("at").wide(),
            Column::number("rows"),
            Column::number("new").wide(),
            Column::number("updated").wide(),
            Column::long("file"),
        ],
    )?;
    for i in store::history::last_imports(store.db())? {
        let day: String = i.at.chars().take(10).collect();
        rows.row(vec![
            Cell::from(i.kind),
            Cell::from(day),
            Cell::from(i.at),
            Cell::Int(i.rows),
            Cell::Int(i.inserted),
            Cell::Int(i.updated),
            Cell::from(i.file),
        ])?;
    }
    rows.finish()?;
    // A person reads the first few; scripts (CSV, JSON) get every one.
    let shown = if out.format == Format::Table {
        AT_LIMIT_SHOWN
    } else {
        usize::MAX
    };
    let mut rows = out.section(
        "at_limit",
        &[
            Column::id("contact_id"),
            Column::text("name"),
            Column::text("account"),
            Column::id("tier"),
            Column::number("load_90d"),
            Column::number("limit"),
            Column::date("next_eligible"),
        ],
    )?;
    for (m, s) in at_limit.iter().take(shown) {
        rows.row(vec![
            Cell::from(m.contact_id.as_str()),
            Cell::from(m.name.as_str()),
            Cell::from(m.account.as_str()),
            Cell::from(m.tier.map(|t| t.as_str())),
            Cell::Int(i64::from(s.load)),
            Cell::Int(s.limit),
            Cell::from(s.verdict.next_eligible.to_string()),
        ])?;
    }
    rows.finish()?;
    if at_limit.len() > shown {
        out.note(format!(
            "and {} more at their limit: refprog roster list (or --format csv for all)",
            at_limit.len() - shown
        ));
    }
    if due_today + overdue > 0 {
        out.note(format!(
            "{due_today} follow-ups due today, {overdue} overdue: refprog followups"
        ));
    }
    if stale > 0 {
        out.note(format!(
            "{stale} follow-ups over {} days late: refprog followups --stale",
            policy.stale_days
        ));
    }
    Ok(())
}
