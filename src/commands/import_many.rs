//! `refprog import [KIND] PATH...` with several files or a folder (a Salesforce weekly
//! Data Export unzipped, HubSpot's exports): each file's kind recognised, every file read
//! and validated first, then all written in one transaction in dependency order (a
//! contact finds the account of the file before), one summary line per file. Any bad row
//! in any file and nothing is written, unless `--skip-bad`; `--rejects` gets one file
//! with a `file` column.

use std::path::PathBuf;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::ImportArgs;
use crate::files::{Existing, OutputFile, Protected};
use crate::import::folder;
use crate::import::reader::ReadOptions;
use crate::import::spec::Kind;
use crate::import::values::escape_formula;
use crate::import::{BadRow, ImportOptions, Mode, Progress, Summary};
use crate::output::{Format, Out};
use crate::store::Store;

/// The one file (and its kind) when the command names a single input that is not a
/// folder; None when it names several, or a folder.
pub fn single(
    kind: Option<Kind>,
    paths: &[PathBuf],
    read: &ReadOptions,
) -> Result<Option<(Kind, Option<PathBuf>)>> {
    match paths {
        [] => match kind {
            Some(kind) => Ok(Some((kind, None))),
            None => Err(crate::UsageError(
                "name what to import: refprog import KIND FILE (KIND: accounts, contacts, opportunities, requests or activities), or a folder of CRM exports".to_string(),
            )
            .into()),
        },
        [path] if path.as_os_str() == "-" => match kind {
            Some(kind) => Ok(Some((kind, Some(path.clone())))),
            None => Err(crate::UsageError(
                "standard input has no file name to tell its kind: refprog import KIND -"
                    .to_string(),
            )
            .into()),
        },
        [path] if !path.is_dir() => match kind {
            Some(kind) => Ok(Some((kind, Some(path.clone())))),
            None => match folder::recognise(path, read)? {
                Ok(kind) => Ok(Some((kind, Some(path.clone())))),
                Err(reason) => bail!(
                    "{}: cannot tell which kind of records it holds: {reason}",
                    path.display()
                ),
            },
        },
        _ => Ok(None),
    }
}

pub fn run(
    args: &ImportArgs,
    kind: Option<Kind>,
    paths: &[PathBuf],
    store: &mut Store,
    out: &mut Out,
    today: NaiveDate,
) -> Result<()> {
    let read = ReadOptions {
        delimiter: args.delimiter,
        encoding: args.encoding,
    };
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(crate::UsageError(
            "standard input ('-') cannot be one of several inputs: import it on its own with a KIND"
                .to_string(),
        )
        .into());
    }
    let plan = folder::plan(kind, paths, &read)?;
    for (path, reason) in &plan.skipped {
        out.note(format!("note: skipped {}: {reason}", path.display()));
    }
    if plan.files.is_empty() {
        bail!(
            "nothing to import in {}: no file whose kind refprog recognises",
            paths
                .iter()
                .map(|p| format!("'{}'", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    check_maps_fit(args, &plan)?;
    let contacts = plan.files.iter().any(|(k, _)| *k == Kind::Contacts);
    let enrolled_before = super::import::enrolled_before(store, contacts, args.dry_run)?;
    let mut progress = Rejects::new(args, &plan, store)?;

    // 1. Read and validate every file (no database). A whole-file problem stops here.
    let mut staged = Vec::new();
    for (kind, path) in &plan.files {
        let spec = kind.spec();
        let options = ImportOptions {
            kind: *kind,
            path: Some(path.clone()),
            read: read.clone(),
            date_format: args.date_format.clone(),
            maps: args
                .maps
                .iter()
                .filter(|(_, field)| spec.index_of(field).is_some())
                .cloned()
                .collect(),
            value_maps: args
                .value_maps
                .iter()
                .filter(|m| spec.index_of(&m.field).is_some())
                .cloned()
                .collect(),
            skip_bad: args.skip_bad,
            rejects: args.rejects.clone(),
            dry_run: args.dry_run,
        };
        staged.push(crate::import::stage(&options, &mut progress)?);
    }

    // 2. Write them all in one transaction (or only check, when nothing will be written).
    store.set_import_mode(true)?;
    let check = args.dry_run || staged.iter().any(|s| s.doomed());
    let result = if check {
        store.in_read_transaction(|tx| {
            let mut results = Vec::new();
            for one in staged {
                progress.file = one.summary.file.clone();
                results.push(crate::import::apply(tx, one, Mode::Check, &mut progress)?);
            }
            Ok(results)
        })
    } else {
        store.in_transaction(|tx| {
            let mut results = Vec::new();
            for one in staged {
                progress.file = one.summary.file.clone();
                results.push(crate::import::apply(tx, one, Mode::Write, &mut progress)?);
            }
            let written = results.iter().all(|(summary, _)| summary.written);
            if written {
                progress.finish()?;
                for (summary, _) in &results {
                    super::import::log(tx, summary, today)?;
                }
            }
            Ok((results, written))
        })
    };
    store.set_import_mode(false).ok();
    let results = result?;
    let written = !check && results.iter().all(|(summary, _)| summary.written);
    if written {
        // A new database is put at its path now, before anything says it was written.
        store.finish()?;
    }
    if let Err(error) = progress.commit() {
        out.warn(format!("{error:#}"));
    }
    if written {
        let files: Vec<&str> = results
            .iter()
            .filter(|(s, _)| s.kind == "contacts")
            .map(|(s, _)| s.file.as_str())
            .collect();
        super::import::say_who_left(store, enrolled_before.as_deref(), &files.join(", "), out)?;
    }

    // 3. Report: each file's bad rows and notes, then its one summary line.
    let (mut read_rows, mut rejected) = (0, 0);
    for (summary, shown) in &results {
        report_file(summary, shown, out);
        read_rows += summary.read;
        rejected += summary.rejected;
    }
    if out.format == Format::Json {
        let summaries: Vec<&Summary> = results.iter().map(|(s, _)| s).collect();
        out.json(&summaries)?;
    }
    if rejected > 0 && !args.skip_bad {
        bail!(
            "import failed: {rejected} of {read_rows} rows in {} files are bad; nothing was written (fix them, or use --skip-bad to import the rest)",
            results.len()
        );
    }
    if args.dry_run {
        out.note(format!(
            "dry run, nothing written: {} files, {read_rows} rows read",
            results.len()
        ));
    } else if rejected > 0 {
        match &args.rejects {
            Some(path) => out.warn(format!(
                "{rejected} bad rows left out, written to {}",
                path.display()
            )),
            None => out.warn(format!("{rejected} bad rows left out")),
        }
    }
    Ok(())
}

/// A `--map` or `--map-value` that fits none of the files is a mistake, not a no-op.
fn check_maps_fit(args: &ImportArgs, plan: &folder::Plan) -> Result<()> {
    let kinds: Vec<Kind> = plan.files.iter().map(|(k, _)| *k).collect();
    for (header, field) in &args.maps {
        if !kinds.iter().any(|k| k.spec().index_of(field).is_some()) {
            bail!("--map '{header}={field}': none of the files' kinds has a column '{field}'");
        }
    }
    for map in &args.value_maps {
        if !kinds
            .iter()
            .any(|k| k.spec().index_of(&map.field).is_some())
        {
            bail!(
                "--map-value '{}:{}={}': none of the files' kinds has a field '{}'",
                map.field,
                map.from,
                map.to,
                map.field
            );
        }
    }
    Ok(())
}

fn report_file(summary: &Summary, shown: &[BadRow], out: &mut Out) {
    for bad in shown {
        for reason in &bad.reasons {
            eprintln!("{}:{}: {reason}", summary.file, bad.line);
        }
    }
    if summary.rejected as usize > shown.len() {
        eprintln!(
            "{}: ... and {} more bad rows",
            summary.file,
            summary.rejected as usize - shown.len()
        );
    }
    for message in crate::import::notes::unreadable(summary) {
        eprintln!("{}: {message}", summary.file);
    }
    let mut notes: Vec<String> = summary.notes.clone();
    notes.extend(crate::import::notes::counts(summary));
    if summary.derived_role_levels > 0 {
        notes.push(format!(
            "note: derived the role level of {} contact(s) from their title",
            summary.derived_role_levels
        ));
    }
    if !summary.ignored_columns.is_empty() {
        notes.push(format!(
            "note: ignored {} column(s) refprog does not use",
            summary.ignored_columns.len()
        ));
    }
    for note in notes {
        out.note(format!(
            "{}: {}",
            summary.file,
            note.strip_prefix("note: ").unwrap_or(&note)
        ));
    }
    out.note(format!(
        "{}: {}: {} read, {} inserted, {} updated, {} unchanged, {} rejected",
        summary.file,
        summary.kind,
        summary.read,
        summary.inserted,
        summary.updated,
        summary.unchanged,
        summary.rejected
    ));
}

/// The bad rows of every file in one rejects file: file, line, reason, and the record as
/// read (one CSV-encoded cell, as the files' columns differ). Written through a temporary
/// file renamed when the import is done.
struct Rejects {
    writer: Option<csv::Writer<OutputFile>>,
    finished: Option<OutputFile>,
    /// The file whose rows are being applied.
    file: String,
}

impl Rejects {
    fn new(args: &ImportArgs, plan: &folder::Plan, store: &Store) -> Result<Rejects> {
        let writer = match &args.rejects {
            Some(path) => {
                let mut protected = Protected::database(store.path());
                for (_, input) in &plan.files {
                    protected.add_input(input);
                }
                let file = OutputFile::create(
                    path,
                    &protected,
                    Existing::Replace,
                    0o600,
                    "the rejects file",
                )?;
                let mut writer = csv::Writer::from_writer(file);
                writer.write_record(["file", "line", "reason", "record"])?;
                Some(writer)
            }
            None => None,
        };
        Ok(Rejects {
            writer,
            finished: None,
            file: String::new(),
        })
    }

    fn finish(&mut self) -> Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer
                .into_inner()
                .map_err(|e| anyhow::anyhow!("cannot write the rejects file: {}", e.error()))?;
            self.finished = Some(file);
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        match self.finished.take() {
            Some(file) => file.commit(),
            None => Ok(()),
        }
    }
}

impl Progress for Rejects {
    fn bad_row(
        &mut self,
        _headers: &[String],
        bad: &BadRow,
        fields: &csv::ByteRecord,
    ) -> Result<()> {
        let Some(writer) = &mut self.writer else {
            return Ok(());
        };
        let mut record = csv::Writer::from_writer(Vec::new());
        record.write_byte_record(fields)?;
        let record = record
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write the rejects file: {}", e.error()))?;
        let record = String::from_utf8_lossy(&record);
        writer.write_record([
            escape_formula(&self.file).as_ref(),
            &bad.line.to_string(),
            escape_formula(&bad.reasons.join("; ")).as_ref(),
            escape_formula(record.trim_end_matches(['\r', '\n'])).as_ref(),
        ])?;
        Ok(())
    }
}
