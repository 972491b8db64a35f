//! Parses the command line, runs it, prints the error chain, sets the exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Under a file-size limit (ulimit -f), a write past it raises SIGXFSZ, which kills the
    // process without a word; ignored, the write fails with EFBIG, refprog rolls back and
    // says what happened.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    // The clock is read here, once: the date flags count from it, and so does the run.
    refprog::now();
    let cli = match refprog::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version print to stdout and succeed; usage errors exit 2, their
            // message quoting at most a few dozen characters of any value.
            if !error.use_stderr() {
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            eprint!(
                "{}",
                refprog::domain::shorten_quotes(&error.render().to_string())
            );
            return ExitCode::from(2);
        }
    };
    match refprog::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let error = refprog::store::explain(error, None);
            // Wrapped at word boundaries on a terminal; one line to a file or a pipe.
            eprintln!(
                "{}",
                refprog::output::wrap_for_stderr(&format!(
                    "refprog: {}",
                    refprog::domain::cut_long_values(&format!("{error:#}"))
                ))
            );
            if error.downcast_ref::<refprog::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// `refprog export accounts | head` closing the pipe early is not an error, whichever
/// writer met it: the CSV writer and serde_json wrap the I/O error in their own (and
/// serde_json's `source` skips it), so each is asked for the kind it wraps.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        if let Some(e) = cause.downcast_ref::<std::io::Error>() {
            return e.kind() == BrokenPipe;
        }
        if let Some(e) = cause.downcast_ref::<csv::Error>() {
            return matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe);
        }
        if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
            return e.io_error_kind() == Some(BrokenPipe);
        }
        false
    })
}
