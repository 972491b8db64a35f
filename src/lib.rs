//! refprog: a B2B customer reference program in one SQLite file.
//!
//! The layers, outside in, each using only those below it (tests/layers.rs pins this):
//! `main` reads the clock once ([`now`]) and parses the command line with `cli` (clap
//! derive, one Args struct per subcommand); [`run`] opens the store and dispatches to
//! `commands`, one module per subcommand (`report` and `review` for the reports and the
//! page), which load from the `store`, call the pure rules in `domain`, and print through
//! `output`. No command imports another; the reports take their own options
//! (`report::Options`), not `cli`'s. `import` turns CRM exports into canonical rows.
//! Only `store` speaks SQL: it keeps its connection private and lends a `store::Db`
//! handle to its own query functions, which return domain types. Only `output` formats
//! tables, CSV and JSON (and neutralises spreadsheet formulas in CSV cells). The `domain`
//! reads no file, database or clock: today is an argument. Whether a contact can do an
//! activity on a day is decided in one place, `domain::eligibility`, which match,
//! log-call, roster, brief and the reports all ask.

pub mod cli;
pub mod commands;
pub mod domain;
pub mod files;
pub mod import;
pub mod output;
pub mod report;
pub mod review;
pub mod store;

use anyhow::Result;
use chrono::NaiveDate;

use cli::{Cli, Command};
use output::{Format, Out};
use store::Store;

/// Runs one parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    // Commands that need no database.
    match &cli.command {
        // Both are written to a buffer first: clap_complete panics on a closed pipe, and
        // `refprog completions bash | head` must not.
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut text = Vec::new();
            clap_complete::generate(args.shell, &mut command, "refprog", &mut text);
            std::io::Write::write_all(&mut std::io::stdout(), &text)?;
            return Ok(());
        }
        Command::Man(args) => return commands::man::run(args),
        _ => {}
    }
    let format = cli
        .format
        .or_else(|| cli.out.as_deref().and_then(Format::of_file))
        .unwrap_or(default_format(&cli.command));
    let mut out = Out::new(format, cli.quiet);
    out.view.wide = cli.wide;
    out.view.columns = cli.columns.clone();
    out.view.section = cli.section.clone();
    let path = match (&cli.db, &cli.command) {
        (Some(path), _) => path.clone(),
        // The demo gets a database of its own, made anew each time.
        (None, Command::Demo(_)) => {
            let path = commands::demo::default_path()?;
            for suffix in ["", "-wal", "-shm"] {
                let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
                if file.exists() {
                    std::fs::remove_file(&file)?;
                }
            }
            path
        }
        (None, _) => store::default_path()?,
    };
    if let Some(file) = output_file(&cli, &path)? {
        out.write_to(file)?;
    }
    // Only these two create a database; every other command needs an existing one.
    let create = match cli.command {
        Command::Import(_) => store::Create::Load,
        Command::Demo(_) => store::Create::Yes,
        _ => store::Create::No,
    };
    // A database this command creates is removed again if the command fails (a failed
    // command changes nothing), with the folders made for it.
    let folders = match create {
        store::Create::Yes | store::Create::Load => missing_folders(&path),
        store::Create::No => Vec::new(),
    };
    let mut store = Store::open(&path, create)?;
    let result = match run_on(&cli, &mut store, &mut out) {
        // A reader that stopped reading (`refprog demo | head`) ends the output, not the
        // command: what was written stays, and the exit is 0 (main).
        Err(error) if is_broken_pipe(&error) => store.finish().and(Err(error)),
        result => result.and_then(|()| store.finish()),
    };
    if result.as_ref().is_err_and(|e| !is_broken_pipe(e)) && store.created() {
        drop(store);
        remove_created(&path, &folders);
    }
    result
}

/// The folders above `path` that do not exist yet, nearest first.
fn missing_folders(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    path.ancestors()
        .skip(1)
        .filter(|p| !p.as_os_str().is_empty())
        .take_while(|p| std::fs::symlink_metadata(p).is_err())
        .map(std::path::Path::to_path_buf)
        .collect()
}

/// Removes a database a failed command created, its side files, and the folders made for
/// it (only if they are empty).
fn remove_created(path: &std::path::Path, folders: &[std::path::PathBuf]) {
    for file in files::database_files(path) {
        let _ = std::fs::remove_file(file);
    }
    for folder in folders {
        if std::fs::remove_dir(folder).is_err() {
            break;
        }
    }
}

/// A database file under this size (about 1,000 accounts with their contacts, deals and
/// activities) is analysed on one connection: at 1,000 accounts (3 MB) score took 16 ms
/// alone and 21 ms with a second connection, report utilization 20 and 23 ms; at 10,000
/// (26 MB) the second connection pays (utilization 105 ms with it, 150 ms without).
const SMALL_PROGRAM_BYTES: u64 = 4 << 20;

/// The same for the review and the digest, whose halves run side by side: on the demo
/// (0.7 MB) the digest took 9.8 ms on one connection and 11.2 ms on two, at 300 accounts
/// (1.2 MB) both were even, at 1,000 (3 MB) the page took 38 ms on two and 56 ms on one.
const SMALL_REVIEW_BYTES: u64 = 1 << 20;

/// Runs the command on the opened store.
fn run_on(cli: &Cli, store: &mut Store, out: &mut Out) -> Result<()> {
    // Commands that only read see one committed state from start to end, whatever is
    // written meanwhile; the analyses get one more connection on the same state.
    use cli::{RequestAction, RosterAction};
    // The second connection costs about 2 ms to open (it reads the schema): an analysis of
    // a small program is done sooner without it. The review and the digest, which run two
    // halves side by side on it, gain from it sooner. Only the commands that may take it
    // look at the file's size.
    let readers_from = |smallest: u64| {
        let bytes = std::fs::metadata(store.path()).map_or(u64::MAX, |m| m.len());
        usize::from(bytes >= smallest)
    };
    match &cli.command {
        Command::Score(_) | Command::Report(_) | Command::Followups(_) => {
            store.begin_snapshot(readers_from(SMALL_PROGRAM_BYTES))?
        }
        Command::Review(_) | Command::Digest(_) => {
            store.begin_snapshot(readers_from(SMALL_REVIEW_BYTES))?
        }
        Command::Roster(args) if matches!(args.action, RosterAction::List { .. }) => {
            store.begin_snapshot(readers_from(SMALL_PROGRAM_BYTES))?
        }
        Command::Roster(args) if matches!(args.action, RosterAction::Show { .. }) => {
            store.begin_snapshot(0)?
        }
        Command::Request(args)
            if matches!(
                args.action,
                RequestAction::List { .. } | RequestAction::Show { .. }
            ) =>
        {
            store.begin_snapshot(0)?
        }
        Command::Export(_) | Command::Brief(_) => store.begin_snapshot(0)?,
        // Its two streams side by side, each with the account book read beside it.
        Command::Status(_) => store.begin_snapshot(2 * readers_from(SMALL_PROGRAM_BYTES))?,
        _ => {}
    }
    let today = today_or(cli.as_of);
    if let Some(command) = by_hand(cli) {
        store.record_changes(store::history::Recording::new(
            command,
            command_line(),
            stamp(today),
        ));
    }
    dispatch(cli, store, out, today)?;
    out.finish()
}

/// Calls the command's module. The demo's tour comes back here for each command it shows.
fn dispatch(cli: &Cli, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    match &cli.command {
        Command::Import(args) => commands::import::run(args, store, out, today)?,
        Command::Export(args) => commands::export::run(args, store, out, cli.as_of)?,
        Command::Score(args) => commands::score::run(args, store, out, today)?,
        Command::Policy(args) => commands::policy::run(args, store, out, today)?,
        Command::Request(args) => commands::request::run(args, store, out, today)?,
        Command::Match(args) => commands::matching::run(args, store, out, today)?,
        Command::Brief(args) => commands::brief::run(args, store, out, today)?,
        Command::LogCall(args) => commands::log_call::run(args, store, out, today)?,
        Command::Roster(args) => commands::roster::run(args, store, out, today)?,
        Command::Followups(args) => commands::followups::run(args, store, out, today)?,
        Command::Report(args) => report::run(&args.into(), store, out, today)?,
        Command::Demo(args) => {
            let mut step = |words: &[&str], store: &mut Store, tour: &mut Out| -> Result<()> {
                let shown = <Cli as clap::Parser>::try_parse_from(
                    std::iter::once("refprog").chain(words.iter().copied()),
                )?;
                dispatch(&shown, store, tour, today)
            };
            commands::demo::run(args, store, out, today, &mut step)?
        }
        Command::Backup(args) => commands::backup::run(args, store, out, today)?,
        Command::Status(_) => commands::status::run(store, out, today)?,
        Command::Activity(args) => commands::activity::run(args, store, out, today)?,
        Command::Undo(args) => commands::undo::run(args, store, out, today)?,
        Command::Review(args) => commands::review::run(args, store, out, today)?,
        Command::Digest(args) => commands::digest::run(args, store, out, today)?,
        Command::Completions(_) | Command::Man(_) => {}
    }
    Ok(())
}

/// The words of a command whose changes are made by hand and kept in the history for
/// `refprog undo` ("log-call", "activity edit", "roster set-tier"); None for the others
/// (imports and the demo are not recorded row by row; `undo` itself is not undoable).
fn by_hand(cli: &Cli) -> Option<String> {
    let recorded = matches!(
        cli.command,
        Command::LogCall(_)
            | Command::Activity(_)
            | Command::Request(_)
            | Command::Match(_)
            | Command::Roster(_)
            | Command::Followups(_)
            | Command::Policy(_)
    );
    if !recorded {
        return None;
    }
    // clap knows the names as the user typed them; the parse already succeeded once.
    let matches = <Cli as clap::CommandFactory>::command()
        .try_get_matches_from(std::env::args_os())
        .ok();
    let mut words = Vec::new();
    let mut level = matches.as_ref();
    while let Some((name, sub)) = level.and_then(clap::ArgMatches::subcommand) {
        words.push(name.to_string());
        level = Some(sub);
    }
    if let Command::Match(args) = &cli.command
        && args.ask.is_some()
    {
        words.push("--ask".to_string());
    }
    Some(if words.is_empty() {
        "refprog".to_string()
    } else {
        words.join(" ")
    })
}

/// The command line as typed, quoted where a shell would need it, for the history.
fn command_line() -> String {
    let mut words = vec!["refprog".to_string()];
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy().into_owned();
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%".contains(c));
        words.push(if plain {
            arg
        } else {
            format!("'{}'", arg.replace('\'', "'\\''"))
        });
    }
    words.join(" ")
}

/// The `--out` file, opened before anything is read or written: never the database, its
/// side files or an input of the command.
fn output_file(cli: &Cli, db: &std::path::Path) -> Result<Option<files::OutputFile>> {
    let Some(target) = &cli.out else {
        return Ok(None);
    };
    let mut protected = files::Protected::database(db);
    if let Command::Import(args) = &cli.command {
        for input in args.paths.iter().filter(|f| f.as_os_str() != "-") {
            protected.add_input(input);
        }
        // KIND may be left out, and then the first word is a path.
        if let Some(first) = &args.kind_or_path {
            protected.add_input(std::path::Path::new(first));
        }
    }
    let file = files::OutputFile::create(
        target,
        &protected,
        files::Existing::Replace,
        0o666,
        "the --out file",
    )?;
    // The format is the file's name or --format's, and the two agree: a table in a file
    // named .xlsx, or JSON in one named .csv, is a file the next program cannot read.
    let named = Format::of_file(target);
    let shown = target.display();
    // A digest, a brief or the demo's tour is a text, whatever the file is named; a command
    // whose default is a data format (export's CSV) writes that. Only a table meant for the
    // terminal is refused.
    let text = matches!(
        cli.command,
        Command::Digest(_) | Command::Brief(_) | Command::Demo(_)
    );
    match (cli.format, named) {
        (None, None) if !text && default_format(&cli.command) == Format::Table => {
            return Err(UsageError(format!(
                "--out {shown}: the file's name does not say its format; name it .csv, .tsv \
                 or .json, or give --format csv|tsv|json (--format table writes the \
                 terminal's text)"
            ))
            .into());
        }
        (Some(given), Some(named)) if given != named => {
            return Err(UsageError(format!(
                "--format {} but --out {shown} is named as {}: make them agree",
                format_word(given),
                format_word(named)
            ))
            .into());
        }
        _ => {}
    }
    Ok(Some(file))
}

/// The format a command writes when neither --format nor the --out file's name says one.
fn default_format(command: &Command) -> Format {
    match command {
        Command::Export(_) => Format::Csv,
        _ => Format::Table,
    }
}

/// A format as `--format` takes it.
fn format_word(format: Format) -> String {
    clap::ValueEnum::to_possible_value(&format)
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// A wrong use of the command line found after parsing (exit code 2, like clap's own).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The clock, read once per run: the first call reads it (main calls it before parsing
/// the command line, whose date flags count from today), every later call gets the same
/// reading. Nothing else in refprog reads the clock; the domain gets its day from here
/// through `--as-of`.
pub fn now() -> chrono::NaiveDateTime {
    static NOW: std::sync::OnceLock<chrono::NaiveDateTime> = std::sync::OnceLock::new();
    *NOW.get_or_init(|| chrono::Local::now().naive_local())
}

/// A time stamp for a lifecycle step: the `--as-of` day at the clock's time of day, so a
/// day's steps keep their order and `--as-of` still decides the date.
pub fn stamp(today: NaiveDate) -> String {
    format!("{}T{}", today, now().time().format("%H:%M:%S"))
}

/// The `--as-of` date, or today's date on this machine.
pub fn today_or(as_of: Option<NaiveDate>) -> NaiveDate {
    as_of.unwrap_or_else(|| now().date())
}

/// `refprog export accounts | head` closing the pipe early is not an error, whichever
/// writer met it: the CSV writer and serde_json wrap the I/O error in their own (and
/// serde_json's `source` skips it), so each is asked for the kind it wraps.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
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
