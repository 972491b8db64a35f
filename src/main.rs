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
        Err(error) if refprog::is_broken_pipe(&error) => ExitCode::SUCCESS,
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
