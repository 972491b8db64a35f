//! `refprog backup PATH`: SQLite's online backup of the database to a new file (mode
//! 0600), written beside PATH, checked, then renamed into place (see `Store::backup_to`).

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::cli::BackupArgs;
use crate::output::Out;
use crate::store::Store;

pub fn run(args: &BackupArgs, store: &mut Store, out: &mut Out, _today: NaiveDate) -> Result<()> {
    store
        .backup_to(&args.path)
        .with_context(|| format!("backing up to '{}'", args.path.display()))?;
    out.note(format!(
        "backed up {} to {}",
        store.path().display(),
        args.path.display()
    ));
    Ok(())
}
