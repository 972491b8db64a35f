//! `refprog activity list|delete`: see what was logged, and take back a mistake. Deleting
//! prints what it deleted, so the line can be logged again with `log-call` if need be.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{ActivityAction, ActivityArgs};
use crate::output::{Cell, Column, Out};
use crate::store::{Store, activity};

pub fn run(args: &ActivityArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    match &args.action {
        ActivityAction::List { contact, request } => {
            let contact = match contact {
                Some(given) => Some(super::lookup::contact(store, given)?),
                None => None,
            };
            let rows = activity::list(
                &store.conn,
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
        ActivityAction::Delete { activity_id } => {
            let Some(a) = activity::get(&store.conn, activity_id)? else {
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
            Ok(())
        }
    }
}
