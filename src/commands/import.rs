//! `refprog import KIND [FILE|-]`: validates every row, writes all or nothing (or the
//! good rows with `--skip-bad`), and reports read / inserted / updated / unchanged /
//! rejected.

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::cli::ImportArgs;
use crate::files::{Existing, OutputFile, Protected};
use crate::import::reader::ReadOptions;
use crate::import::values::escape_formula;
use crate::import::{BadRow, ImportOptions, Mode, Progress};
use crate::output::{Format, Out};
use crate::store::Store;

/// Keeps the import in the imports log (`refprog status` shows the last of each kind), in
/// the import's own transaction. Its rows are not kept in the history: `undo` is for
/// changes made by hand. A file of no rows is not logged.
pub fn log(
    tx: crate::store::Db<'_>,
    summary: &crate::import::Summary,
    today: NaiveDate,
) -> Result<()> {
    // A header-only file imports nothing and leaves the database as it was (issue 18).
    if summary.read == 0 {
        return Ok(());
    }
    crate::store::history::record_import(
        tx,
        &crate::store::history::Import {
            kind: summary.kind.to_string(),
            at: crate::stamp(today),
            file: summary.file.clone(),
            rows: (summary.inserted + summary.updated + summary.unchanged) as i64,
            inserted: summary.inserted as i64,
            updated: summary.updated as i64,
        },
    )
}

/// What a single-file import gives: its summary and the bad rows it shows.
type Imported = (crate::import::Summary, Vec<BadRow>);

/// The end of a single-file import's transaction: a written import goes in the imports
/// log; the result, and whether to commit.
fn logged(
    tx: crate::store::Db<'_>,
    summary: crate::import::Summary,
    shown: Vec<BadRow>,
    today: NaiveDate,
) -> Result<(Imported, bool)> {
    let written = summary.written;
    if written {
        log(tx, &summary, today)?;
    }
    Ok(((summary, shown), written))
}

/// Who is enrolled before a contacts import into a database that has contacts: a blank
/// tier cell clears a contact's tier, and [`say_who_left`] names who left the program so.
pub fn enrolled_before(
    store: &Store,
    imports_contacts: bool,
    dry_run: bool,
) -> Result<Option<Vec<String>>> {
    if !imports_contacts || dry_run || store.is_loading() {
        return Ok(None);
    }
    crate::store::roster::enrolled_ids(store.db()).map(Some)
}

/// After a contacts import was written: warns of the references whose tier it cleared.
pub fn say_who_left(
    store: &Store,
    before: Option<&[String]>,
    file: &str,
    out: &mut Out,
) -> Result<()> {
    let Some(before) = before else {
        return Ok(());
    };
    let after = crate::store::roster::enrolled_ids(store.db())?;
    let left: Vec<&str> = before
        .iter()
        .filter(|id| after.binary_search(id).is_err())
        .map(String::as_str)
        .collect();
    if left.is_empty() {
        return Ok(());
    }
    let shown = &left[..left.len().min(10)];
    out.warn(format!(
        "{} reference(s) left the program: their tier is blank in {file}: {}{} (a blank tier \
         means not enrolled; to keep one, give its tier in the file or run refprog roster \
         enroll ID --tier TIER)",
        left.len(),
        shown.join(", "),
        if left.len() > shown.len() {
            format!(" and {} more", left.len() - shown.len())
        } else {
            String::new()
        }
    ));
    Ok(())
}

pub fn run(args: &ImportArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let read = ReadOptions {
        delimiter: args.delimiter,
        encoding: args.encoding,
    };
    // Several files, or a folder: one transaction over all (src/commands/import_many.rs).
    let (kind, paths) = args.kind_and_paths()?;
    let Some((kind, path)) = super::import_many::single(kind, &paths, &read)? else {
        return super::import_many::run(args, kind, &paths, store, out, today);
    };
    let options = ImportOptions {
        kind,
        path,
        read,
        date_format: args.date_format.clone(),
        maps: args.maps.clone(),
        value_maps: args.value_maps.clone(),
        skip_bad: args.skip_bad,
        rejects: args.rejects.clone(),
        dry_run: args.dry_run,
    };
    // Nothing piped in and no FILE: say so rather than wait in silence.
    if options.path.as_ref().is_none_or(|f| f.as_os_str() == "-")
        && std::io::stdin().is_terminal()
        && !out.quiet
    {
        eprintln!(
            "reading {} CSV from standard input: paste it and end with Ctrl-D (or give a FILE: refprog import {} FILE)",
            kind.as_str(),
            kind.as_str()
        );
    }
    let enrolled_before = enrolled_before(
        store,
        kind == crate::import::spec::Kind::Contacts,
        options.dry_run,
    )?;
    let mut progress = Reporter::new(&options, store, out.quiet)?;
    let result = if store.is_loading() {
        // A new database nobody else sees: read on one thread while this one writes.
        store.set_import_mode(true)?;
        let mode = if options.dry_run {
            Mode::Check
        } else {
            Mode::Write
        };
        store.in_transaction(|tx| {
            let (summary, shown) = crate::import::load(tx, &options, mode, false, &mut progress)?
                .context("the import stopped")?;
            if summary.written || options.dry_run {
                progress.finish_rejects()?;
            }
            logged(tx, summary, shown, today)
        })
    } else if let Some(done) = pipelined(&options, store, &mut progress, today)? {
        Ok(done)
    } else {
        // The write lock was busy, or a row is bad: start again, with a new rejects file.
        progress = Reporter::new(&options, store, out.quiet)?;
        // Read and validate the whole input first, holding no lock on the database.
        let staged = crate::import::stage(&options, &mut progress)?;
        // The import checks every value and reference itself, with messages that name the
        // line and the file to import first; SQLite's checks would only repeat that work.
        store.set_import_mode(true)?;
        if options.dry_run || staged.doomed() {
            // Nothing will be written: the same checks in a read transaction, no write lock.
            store.in_read_transaction(|tx| {
                let result = crate::import::apply(tx, staged, Mode::Check, &mut progress)?;
                if options.dry_run {
                    progress.finish_rejects()?;
                }
                Ok(result)
            })
        } else {
            // Bad rows go to the rejects file, finished before the database commits, so
            // that nothing can fail once the rows are in.
            store.in_transaction(|tx| {
                let (summary, shown) =
                    crate::import::apply(tx, staged, Mode::Write, &mut progress)?;
                progress.finish_rejects()?;
                logged(tx, summary, shown, today)
            })
        }
    };
    store.set_import_mode(false).ok();
    let (summary, shown) = result?;
    if summary.written {
        // A new database is put at its path now, before anything says it was written.
        store.finish()?;
    }
    progress.finish();
    if let Err(error) = progress.commit_rejects() {
        // The rows are committed: say what failed, but exit 0 (the exit code tells the truth
        // about the database).
        out.warn(format!("{error:#}"));
    }

    if summary.written {
        say_who_left(store, enrolled_before.as_deref(), &summary.file, out)?;
    }
    for bad in &shown {
        for reason in &bad.reasons {
            eprintln!("{}:{}: {reason}", summary.file, bad.line);
        }
    }
    if summary.rejected as usize > shown.len() {
        eprintln!(
            "... and {} more bad rows",
            summary.rejected as usize - shown.len()
        );
    }
    for message in crate::import::notes::unreadable(&summary) {
        eprintln!("{}: {message}", summary.file);
    }
    for note in &summary.notes {
        out.note(note);
    }
    if !summary.ignored_columns.is_empty() {
        let shown: Vec<&str> = summary
            .ignored_columns
            .iter()
            .take(20)
            .map(String::as_str)
            .collect();
        let more = summary.ignored_columns.len().saturating_sub(shown.len());
        out.note(format!(
            "note: ignored {} column(s) refprog does not use: {}{}",
            summary.ignored_columns.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if out.format == Format::Json {
        out.json(&summary)?;
    }
    let counts = format!(
        "{}: {} read, {} inserted, {} updated, {} unchanged, {} rejected",
        summary.kind,
        summary.read,
        summary.inserted,
        summary.updated,
        summary.unchanged,
        summary.rejected
    );
    if summary.rejected > 0 && !options.skip_bad {
        bail!(
            "import failed: {} of {} rows are bad; nothing was written (fix them, or use --skip-bad to import the rest)",
            summary.rejected,
            summary.read
        );
    }
    for note in crate::import::notes::counts(&summary) {
        out.note(note);
    }
    if summary.derived_role_levels > 0 {
        out.note(format!(
            "note: derived the role level of {} contact(s) from their title",
            summary.derived_role_levels
        ));
    }
    if options.dry_run {
        out.note(format!("dry run, nothing written: {counts}"));
    } else {
        out.note(counts);
        if summary.rejected > 0 {
            match &options.rejects {
                Some(path) => out.warn(format!(
                    "{} bad rows left out, written to {}",
                    summary.rejected,
                    path.display()
                )),
                None => out.warn(format!("{} bad rows left out", summary.rejected)),
            }
        }
    }
    Ok(())
}

/// A file (not a pipe) into an existing database whose write lock is free: read on one
/// thread while the other writes, holding the lock, as for a new database. None when the
/// lock is busy (never waited for), or at the first bad row (rolled back at once): then the
/// file is read whole first and checked without the lock, as before (issue 15). A dry run
/// never comes here.
fn pipelined(
    options: &ImportOptions,
    store: &mut Store,
    progress: &mut Reporter,
    today: NaiveDate,
) -> Result<Option<Imported>> {
    let file = options
        .path
        .as_deref()
        .filter(|p| p.as_os_str() != "-")
        .and_then(|p| std::fs::metadata(p).ok())
        .is_some_and(|m| m.is_file());
    if !file || options.dry_run {
        return Ok(None);
    }
    store.set_import_mode(true)?;
    let done = store.in_transaction_if_free(|tx| {
        let Some((summary, shown)) = crate::import::load(tx, options, Mode::Write, true, progress)?
        else {
            return Ok((None, false));
        };
        progress.finish_rejects()?;
        let ((summary, shown), written) = logged(tx, summary, shown, today)?;
        Ok((Some((summary, shown)), written))
    });
    store.set_import_mode(false).ok();
    Ok(done?.flatten())
}

/// Shows a spinner on a terminal and writes the rejects file (through a temporary file
/// renamed when the import is done; never over the database or the input).
struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    rejects: Option<csv::Writer<OutputFile>>,
    rejects_header_written: bool,
    /// Finished and waiting for the rename.
    finished: Option<OutputFile>,
}

impl Reporter {
    fn new(options: &ImportOptions, store: &Store, quiet: bool) -> Result<Reporter> {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} {human_pos} rows read, {per_sec}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        let rejects = match &options.rejects {
            Some(path) => {
                let mut protected = Protected::database(store.path());
                if let Some(input) = options.path.as_deref().filter(|p| p.as_os_str() != "-") {
                    protected.add_input(input);
                }
                let file = OutputFile::create(
                    path,
                    &protected,
                    Existing::Replace,
                    0o600,
                    "the rejects file",
                )?;
                // Rows of any shape: a ragged row is written as it was read.
                Some(csv::WriterBuilder::new().flexible(true).from_writer(file))
            }
            None => None,
        };
        Ok(Reporter {
            bar,
            rejects,
            rejects_header_written: false,
            finished: None,
        })
    }

    fn finish(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Flushes the rejects file (still under its temporary name).
    fn finish_rejects(&mut self) -> Result<()> {
        if let Some(writer) = self.rejects.take() {
            let file = writer
                .into_inner()
                .map_err(|e| anyhow::anyhow!("cannot write the rejects file: {}", e.error()))?;
            self.finished = Some(file);
        }
        Ok(())
    }

    /// Puts the finished rejects file in place. Without a finished file (the import failed,
    /// or was a dry run) the temporary file is removed and nothing is left.
    fn commit_rejects(&mut self) -> Result<()> {
        match self.finished.take() {
            Some(file) => file.commit(),
            None => Ok(()),
        }
    }
}

impl Progress for Reporter {
    fn rows(&mut self, read: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(read);
            bar.tick();
        }
    }

    fn bad_row(
        &mut self,
        headers: &[String],
        bad: &BadRow,
        fields: &csv::ByteRecord,
    ) -> Result<()> {
        let Some(writer) = &mut self.rejects else {
            return Ok(());
        };
        if !self.rejects_header_written {
            let mut header = vec!["line".to_string(), "reason".to_string()];
            header.extend(headers.iter().map(|h| escape_formula(h).into_owned()));
            writer.write_record(&header)?;
            self.rejects_header_written = true;
        }
        let mut row: Vec<Vec<u8>> = vec![
            bad.line.to_string().into_bytes(),
            escape_formula(&bad.reasons.join("; "))
                .into_owned()
                .into_bytes(),
        ];
        // Formula-safe: a cell a spreadsheet would run gets its leading quote (cells that
        // are not UTF-8 are written as read: no spreadsheet reads them as a formula).
        row.extend(fields.iter().map(|field| match std::str::from_utf8(field) {
            Ok(text) => escape_formula(text).into_owned().into_bytes(),
            Err(_) => field.to_vec(),
        }));
        writer.write_record(&row)?;
        Ok(())
    }
}
