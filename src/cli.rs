//! The command line: one Args struct per subcommand. The doc comments are the help.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::import::spec::Kind;
use crate::output::Format;

const EXAMPLES: &str = "\
Examples:
  refprog import accounts salesforce-accounts.csv
  salesforce-export | refprog import contacts -
  refprog export accounts > accounts.csv
  refprog --db ./program.db --as-of 2026-06-30 export opportunities --format json

Exit codes: 0 success, 1 error (bad data, refused action), 2 wrong usage.
The database is --db, else $REFPROG_DB, else $XDG_DATA_HOME/refprog/refprog.db.";

/// Run a B2B customer reference program from one SQLite file: the roster of customers
/// who speak for you, the requests sales makes, who fits each one, and how often
/// each reference has been asked.
#[derive(Debug, Parser)]
#[command(name = "refprog", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    /// The database file (created if missing, mode 0600)
    #[arg(long, global = true, env = "REFPROG_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The "today" of every rule and window (default: today)
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub as_of: Option<NaiveDate>,

    /// Output format (each command has its own default, mostly table)
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,

    /// Print no messages on stderr, only data and errors
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

fn parse_as_of(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date: expected YYYY-MM-DD"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Import(ImportArgs),
    Export(ExportArgs),
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  refprog import accounts accounts.csv                 # Salesforce, HubSpot or canonical headers
  salesforce-export | refprog import contacts -        # from stdin
  refprog import accounts excel.csv --encoding windows-1252
  refprog import opportunities deals.csv --map 'Deal Value=amount' --date-format '%d.%m.%Y'
  refprog import activities calls.csv --skip-bad --rejects bad-rows.csv
  refprog import accounts accounts.csv --dry-run --format json

Importing the same file twice changes nothing the second time; a changed row updates that
row only, and only the columns the file has. By default any bad row aborts the import and
nothing is written. Columns of each kind and the CRM headers accepted: see README.md.";

/// Import a CRM export (CSV) of one kind: accounts, contacts, opportunities, requests, activities
#[derive(Debug, Args)]
#[command(after_help = IMPORT_EXAMPLES)]
pub struct ImportArgs {
    /// What the file holds
    #[arg(value_enum)]
    pub kind: Kind,

    /// The CSV file; '-' or nothing reads stdin
    #[arg(value_name = "FILE|-")]
    pub file: Option<PathBuf>,

    /// Field delimiter: ',', ';', '|' or 'tab' (default: sniffed from the header)
    #[arg(long, value_parser = crate::import::reader::delimiter_for_flag)]
    pub delimiter: Option<u8>,

    /// Text encoding when not UTF-8, e.g. windows-1252 or latin1 (UTF-16 is found by its BOM)
    #[arg(long, value_parser = crate::import::reader::encoding_for_label)]
    pub encoding: Option<&'static encoding_rs::Encoding>,

    /// Map a header to a column: 'CRM Header=field' (repeatable)
    #[arg(long = "map", value_name = "HEADER=FIELD", value_parser = crate::import::headers::parse_map)]
    pub maps: Vec<(String, String)>,

    /// A chrono date format for dates in another shape, e.g. '%d.%m.%Y'
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,

    /// Import the good rows and leave out the bad ones (instead of importing nothing)
    #[arg(long)]
    pub skip_bad: bool,

    /// With --skip-bad: write the bad rows, with line and reason, to this CSV file
    #[arg(long, value_name = "FILE", requires = "skip_bad")]
    pub rejects: Option<PathBuf>,

    /// Check everything and report, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

const EXPORT_EXAMPLES: &str = "\
Examples:
  refprog export accounts > accounts.csv
  refprog export activities --format json | jq '.[0]'

Rows come sorted by id with the canonical columns; export, import into an empty database,
export again gives the same bytes. Text cells a spreadsheet would run as formulas get a
leading ' (import removes it again).";

/// Write every row of one kind with the canonical columns (CSV by default, or JSON)
#[derive(Debug, Args)]
#[command(after_help = EXPORT_EXAMPLES)]
pub struct ExportArgs {
    /// What to export
    #[arg(value_enum)]
    pub kind: Kind,
}
