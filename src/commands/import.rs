//! `refprog import KIND [FILE|-]`: validates every row, writes all or nothing (or the
//! good rows with `--skip-bad`), and reports read / inserted / updated / unchanged /
//! rejected.

use std::fs::File;
use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::cli::ImportArgs;
use crate::import::reader::ReadOptions;
use crate::import::{BadRow, ImportOptions, Progress};
use crate::output::{Format, Out};
use crate::store::Store;

pub fn run(args: &ImportArgs, store: &mut Store, out: &mut Out, _today: NaiveDate) -> Result<()> {
    // Never truncate the database, its side files or the input with a rejects file.
    if let Some(target) = &args.rejects {
        let mut protected = crate::files::Protected::database(store.path());
        if let Some(input) = args.file.as_deref().filter(|p| p.as_os_str() != "-") {
            protected.add_input(input);
        }
        protected.check(target, "the rejects file")?;
    }
    let options = ImportOptions {
        kind: args.kind,
        path: args.file.clone(),
        read: ReadOptions {
            delimiter: args.delimiter,
            encoding: args.encoding,
        },
        date_format: args.date_format.clone(),
        maps: args.maps.clone(),
        skip_bad: args.skip_bad,
        rejects: args.rejects.clone(),
        dry_run: args.dry_run,
    };
    let mut progress = Reporter::new(&options, out.quiet)?;
    // The import checks every value and reference itself, with messages that name the line
    // and the file to import first; SQLite's checks would only repeat that work per row.
    store.set_import_mode(true)?;
    let result = store.in_transaction(|tx| {
        let (summary, shown) = crate::import::import(tx, &options, &mut progress)?;
        let written = summary.written;
        Ok(((summary, shown), written))
    });
    store.set_import_mode(false)?;
    let (summary, shown) = result?;
    progress.finish()?;

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

/// Shows a spinner on a terminal and writes the rejects file.
struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    rejects: Option<csv::Writer<File>>,
    rejects_header_written: bool,
}

impl Reporter {
    fn new(options: &ImportOptions, quiet: bool) -> Result<Reporter> {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message("rows read");
            bar
        });
        let rejects = match &options.rejects {
            Some(path) => {
                let mut file_options = std::fs::OpenOptions::new();
                file_options.write(true).create(true).truncate(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut file_options, 0o600);
                let file = file_options.open(path).with_context(|| {
                    format!("cannot write the rejects file '{}'", path.display())
                })?;
                Some(csv::Writer::from_writer(file))
            }
            None => None,
        };
        Ok(Reporter {
            bar,
            rejects,
            rejects_header_written: false,
        })
    }

    fn finish(&mut self) -> Result<()> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if let Some(writer) = &mut self.rejects {
            writer.flush()?;
        }
        Ok(())
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
            header.extend(headers.iter().cloned());
            writer.write_record(&header)?;
            self.rejects_header_written = true;
        }
        let mut row: Vec<Vec<u8>> = vec![
            bad.line.to_string().into_bytes(),
            bad.reasons.join("; ").into_bytes(),
        ];
        row.extend(fields.iter().map(<[u8]>::to_vec));
        writer.write_record(&row)?;
        Ok(())
    }
}
