//! `refprog policy [set KEY VALUE | reset [KEY]]`: every value with its default.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{PolicyAction, PolicyArgs};
use crate::domain::policy::{KEYS, Policy, SECTOR_PREFIX, unknown_key};
use crate::output::{Cell, Column, Out};
use crate::store::{self, Store};

pub fn run(args: &PolicyArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    match &args.action {
        None => list(store, out),
        Some(PolicyAction::Set { key, value }) => {
            let mut policy = store::policy::load(store.db())?;
            let before = policy.get(key).unwrap_or_default();
            if let Err(expected) = policy.set(key, value) {
                if Policy::knows(key) {
                    bail!("policy {key}: '{value}' is not valid: expected {expected}");
                }
                bail!("{expected}");
            }
            let after = policy.get(key).unwrap_or_default();
            // In a transaction, as every change made by hand, so that `undo` can revert it.
            store.in_transaction(|tx| Ok((store::policy::set(tx, key, &after, today)?, true)))?;
            out.note(format!(
                "{key}: {} -> {after}",
                if before.is_empty() { "(none)" } else { &before }
            ));
            Ok(())
        }
        Some(PolicyAction::Reset { key }) => {
            if let Some(key) = key.as_deref().filter(|k| !Policy::knows(k)) {
                bail!("{}", unknown_key(key));
            }
            let removed =
                store.in_transaction(|tx| Ok((store::policy::reset(tx, key.as_deref())?, true)))?;
            match key {
                Some(key) => out.note(format!(
                    "{key}: back to its default ({})",
                    Policy::default()
                        .get(key)
                        .unwrap_or_else(|| "removed".to_string())
                )),
                None => out.note(format!("{removed} changed value(s) back to their defaults")),
            }
            Ok(())
        }
    }
}

fn list(store: &mut Store, out: &mut Out) -> Result<()> {
    let policy = store::policy::load(store.db())?;
    let defaults = Policy::default();
    let changes = store::policy::changes(store.db())?;
    let set_on = |key: &str| {
        changes
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, on)| on.clone())
    };
    let mut rows = out.rows(&[
        Column::id("key"),
        Column::id("value"),
        Column::id("default").wide(),
        Column::date("changed_on").wide(),
        Column::long("meaning").below(),
    ])?;
    for info in KEYS {
        rows.row(vec![
            Cell::from(info.key),
            Cell::from(policy.get(info.key)),
            Cell::from(defaults.get(info.key)),
            Cell::from(set_on(info.key)),
            Cell::from(info.about),
        ])?;
    }
    for (industry, group) in &policy.sectors {
        let key = format!("{SECTOR_PREFIX}{industry}");
        rows.row(vec![
            Cell::from(key.clone()),
            Cell::from(group.as_str()),
            Cell::Null,
            Cell::from(set_on(&key)),
            Cell::from("an industry added to a sector group"),
        ])?;
    }
    rows.finish()
}
