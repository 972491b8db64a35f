//! `refprog review --html FILE`: gathers the review, writes the page through the one
//! output-file rule (`files`), and with `--open` hands it to the default browser.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::cli::ReviewArgs;
use crate::files::{Existing, OutputFile, Protected};
use crate::output::Out;
use crate::review;
use crate::store::Store;

pub fn run(args: &ReviewArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let gathered = review::gather(store, today, &args.period, review::Audience::Page)?;
    let page = review::html::page(&gathered);
    let protected = Protected::database(store.path());
    let mut file = OutputFile::create(
        &args.html,
        &protected,
        Existing::Replace,
        // It names customers and contacts, as the database does (0600).
        0o600,
        "the review page",
    )?;
    file.write_all(page.as_bytes())
        .with_context(|| format!("writing the review page '{}'", args.html.display()))?;
    file.commit()?;
    out.note(format!(
        "wrote {} ({} KB): {} to {}, as of {today}",
        args.html.display(),
        page.len().div_ceil(1024),
        gathered.since,
        gathered.until
    ));
    if args.open {
        open(&args.html, out);
    }
    // Not freed: the process ends next, and freeing the reports' rows one by one costs
    // more than writing the page (see the utilization report); nor is what the store kept
    // for them.
    std::mem::forget(gathered);
    store.leave_kept();
    Ok(())
}

/// Hands the page to the desktop's opener; a machine without one gets a warning, the page
/// is written all the same.
fn open(path: &Path, out: &Out) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(opener)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(error) = started {
        out.warn(format!(
            "could not open the page with {opener} ({error}); it is at {}",
            path.display()
        ));
    }
}
