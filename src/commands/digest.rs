//! `refprog digest`: the review's facts that need someone this week, as text (or
//! markdown with `--markdown`) on stdout for a cron email.

use anyhow::Result;
use chrono::NaiveDate;

use crate::cli::DigestArgs;
use crate::output::Out;
use crate::review;
use crate::store::Store;

pub fn run(args: &DigestArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let gathered = review::gather(store, today, &args.period, review::Audience::Digest)?;
    out.text(&review::text::digest(&gathered, args.markdown))?;
    // What the store kept for the review is left to the process's end, which comes next.
    store.leave_kept();
    Ok(())
}
