//! `refprog backup PATH`: SQLite's online backup of the database to a new file (mode 0600).

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::cli::BackupArgs;
use crate::output::Out;
use crate::store::Store;

pub fn run(args: &BackupArgs, store: &mut Store, out: &mut Out, _today: NaiveDate) -> Result<()> {
    if args.path.exists() {
        bail!(
            "'{}' already exists: refprog does not overwrite a file with a backup",
            args.path.display()
        );
    }
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
