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
    /// The database file (only `import` and `demo` create one, mode 0600)
    #[arg(long, global = true, env = "REFPROG_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The "today" of every rule and window (default: today)
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub as_of: Option<NaiveDate>,

    /// Output format (each command has its own default, mostly table; with --out, the
    /// file's extension: .csv, .tsv, .json)
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,

    /// Write the data to FILE instead of stdout: complete or not at all (a temporary file
    /// beside it is renamed when done), never the database or an input. FILE's name says
    /// the format (.csv, .tsv, .json), or --format does; if both, they agree
    #[arg(long, global = true, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Tables: every column, nothing cut
    #[arg(long, global = true)]
    pub wide: bool,

    /// Only these columns, in this order (every format): --columns contact_id,name,flags
    #[arg(long, global = true, value_name = "A,B,C", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,

    /// CSV/TSV of a command with several sections (request show, roster show, match
    /// --show-excluded, report fulfillment): the one to print (default the first)
    #[arg(long, global = true, value_name = "NAME")]
    pub section: Option<String>,

    /// Print no messages on stderr, only data and errors
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// `--as-of` itself: a date flag relative to the clock's today.
fn parse_today(text: &str) -> Result<NaiveDate, String> {
    crate::domain::dates::parse_flag(text, crate::now().date())
}

/// Every other date flag: relative to the command's today (`--as-of`, else the clock's),
/// so `--as-of 2026-06-30 roster break C --until +2w` means 2026-07-14.
fn parse_as_of(text: &str) -> Result<NaiveDate, String> {
    crate::domain::dates::parse_flag(text, command_today())
}

/// The command's today, resolved once: clap parses the flags in the order given, so
/// `--as-of` is read from the arguments before the other date flags need it.
fn command_today() -> NaiveDate {
    static TODAY: std::sync::OnceLock<NaiveDate> = std::sync::OnceLock::new();
    *TODAY.get_or_init(|| {
        let clock = crate::now().date();
        let args: Vec<String> = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let mut given = None;
        for (i, arg) in args.iter().enumerate() {
            if arg == "--" {
                break;
            }
            if let Some(value) = arg.strip_prefix("--as-of=") {
                given = Some(value.to_string());
            } else if arg == "--as-of" {
                given = args.get(i + 1).cloned();
            }
        }
        given
            .and_then(|text| crate::domain::dates::parse_flag(&text, clock).ok())
            .unwrap_or(clock)
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // (`man` prints the manual page in roff: refprog man | man -l -)
    Import(ImportArgs),
    Export(ExportArgs),
    Score(ScoreArgs),
    Request(RequestArgs),
    Match(Box<MatchArgs>),
    Brief(BriefArgs),
    LogCall(LogCallArgs),
    Roster(RosterArgs),
    Followups(FollowupsArgs),
    Report(ReportArgs),
    Policy(PolicyArgs),
    Demo(DemoArgs),
    Backup(BackupArgs),
    Status(StatusArgs),
    Activity(ActivityArgs),
    Undo(UndoArgs),
    Review(ReviewArgs),
    Digest(DigestArgs),
    Completions(CompletionsArgs),
    Man(ManArgs),
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  refprog import accounts accounts.csv                 # Salesforce, HubSpot or canonical headers
  refprog import WeeklyExport_2026-11-20/ --skip-bad   # a Salesforce weekly Data Export folder
  refprog import companies.csv contacts.csv deals.csv  # HubSpot exports, kinds from their names
  salesforce-export | refprog import contacts -        # from stdin
  refprog import accounts excel.csv --encoding windows-1252
  refprog import opportunities deals.csv --map 'Deal Value=amount' --date-format '%d.%m.%Y'
  refprog import activities calls.csv --skip-bad --rejects bad-rows.csv
  refprog import activities Task.csv --map-value 'kind:=check-in' --map-value 'kind:Call=check-in'
  refprog import accounts accounts.csv --dry-run --format json

Importing the same file twice changes nothing the second time; a changed row updates that
row only, and only the columns the file has. By default any bad row aborts the import and
nothing is written. Columns of each kind and the CRM headers accepted: see docs/import.md.";

/// Import CRM exports (CSV): accounts, contacts, opportunities, requests, activities
#[derive(Debug, Args)]
#[command(after_help = IMPORT_EXAMPLES)]
pub struct ImportArgs {
    /// What the files hold: accounts, contacts, opportunities, requests or activities. May
    /// be left out when each PATH is a folder or a file whose kind its name or columns show
    /// (Account.csv, Contact.csv, Opportunity.csv, Task.csv, Event.csv, HubSpot exports)
    #[arg(value_name = "KIND")]
    pub kind_or_path: Option<String>,

    /// CSV files or folders of them (a Salesforce weekly export unzipped); '-' or nothing
    /// reads stdin (KIND needed). Several are imported in one transaction, in dependency order
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

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

    /// Say what a CRM value means: 'FIELD:FROM=TO', e.g. 'kind:Meeting=check-in'; an empty
    /// FROM stands for a blank cell (repeatable)
    #[arg(long = "map-value", value_name = "FIELD:FROM=TO", value_parser = crate::import::mapping::parse_value_map)]
    pub value_maps: Vec<crate::import::mapping::ValueMap>,

    /// Import the good rows and leave out the bad ones (instead of importing nothing)
    #[arg(long)]
    pub skip_bad: bool,

    /// With --skip-bad: write the bad rows, with line and reason (and file, when several),
    /// to this CSV file
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
leading ' (import removes it again). With --as-of D, the program as of D: activities dated
and requests submitted after D are left out, and a note says how many; without it, every row.";

/// Write every row of one kind with the canonical columns (CSV by default, or JSON)
#[derive(Debug, Args)]
#[command(after_help = EXPORT_EXAMPLES)]
pub struct ExportArgs {
    /// What to export
    #[arg(value_enum)]
    pub kind: Kind,
}

const SCORE_EXAMPLES: &str = "\
Examples:
  refprog score                              # every active customer, best first
  refprog score --top 10 --label tier-1      # the ten best candidates
  refprog score --industry Banking --min-score 60 --format csv
  refprog score --explain 001Dn00000AbCdE    # every input, weight and rule for one account
  refprog --as-of 2026-06-30 score           # as it stood on a date

Labels: tier-1 candidate (composite at or above score.tier1_min), develop, over-asked (3+ asks
and activities in 90 days, whatever the scores), not ready (customer under 6 months, detractor,
open escalation, churned). The formula is in docs/reference.md; the weights are policy values.";

/// Who should be a reference, who to develop, who is over-asked: one row per active customer
#[derive(Debug, Args)]
#[command(after_help = SCORE_EXAMPLES)]
pub struct ScoreArgs {
    /// Show every input, weight and rule behind one account's score
    #[arg(value_parser = crate::import::crm::id_arg, long, value_name = "ACCOUNT_ID")]
    pub explain: Option<String>,

    /// Only the first N rows
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,

    /// Only this label: tier-1, develop, over-asked, not-ready
    #[arg(long, value_parser = parse_label)]
    pub label: Option<crate::domain::score::Label>,

    /// Only accounts in this industry (or sector group)
    #[arg(long, value_parser = parse_name)]
    pub industry: Option<String>,

    /// Only accounts with a composite score of at least this
    #[arg(long, value_name = "POINTS", value_parser = parse_points)]
    pub min_score: Option<f64>,

    /// Pipeline closing within this many days is the demand (default: policy score.horizon_days)
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub horizon: Option<i64>,
}

/// A name or text given on the command line: control characters other than tab (a line
/// break, NUL, escape) are refused ([`crate::domain::one_line`]).
fn parse_name(text: &str) -> Result<String, String> {
    crate::domain::one_line(text)?;
    Ok(text.to_string())
}

/// A name `request add` needs (prospect, industry, stage, rep, use case): on one line, and
/// not blank, since a request without it cannot be matched or followed up.
fn parse_required_name(text: &str) -> Result<String, String> {
    crate::domain::one_line(text)?;
    if text.trim().is_empty() {
        return Err(
            "a blank value: give the name (it is needed to match and follow up the request)"
                .to_string(),
        );
    }
    Ok(text.trim().to_string())
}

fn parse_points(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|p| (0.0..=100.0).contains(p))
        .ok_or_else(|| {
            format!(
                "'{}' is not a score: expected points from 0 to 100",
                crate::domain::shown(text)
            )
        })
}

fn parse_label(text: &str) -> Result<crate::domain::score::Label, String> {
    crate::domain::score::Label::parse(text).ok_or_else(|| {
        format!("'{text}' is not a label: expected tier-1, develop, over-asked or not-ready")
    })
}

const POLICY_EXAMPLES: &str = "\
Examples:
  refprog policy                                   # every value, its default, what it does
  refprog policy set score.weight.icp_fit 0.4
  refprog policy set request.early_stages 'Prospecting;Qualification'
  refprog policy set 'sector.Quantum Computing' technology   # add an industry to a sector group
  refprog policy reset score.weight.icp_fit        # back to the default
  refprog policy reset                             # every value back to its default";

/// Every threshold, weight and limit, with its default; change or reset them
#[derive(Debug, Args)]
#[command(after_help = POLICY_EXAMPLES)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub action: Option<PolicyAction>,
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Change one value (validated)
    Set {
        #[arg(value_parser = parse_name)]
        key: String,
        #[arg(allow_hyphen_values = true, value_parser = parse_name)]
        value: String,
    },
    /// Restore one value, or all of them, to the default
    Reset {
        #[arg(value_parser = parse_name)]
        key: Option<String>,
    },
}

/// What a sales rep asks for; shared by `request add` and an ad-hoc `match`.
#[derive(Debug, Args, Clone, Default)]
pub struct RequestFields {
    /// The prospect company
    #[arg(long, value_parser = parse_required_name)]
    pub prospect: Option<String>,
    /// The prospect's industry (Salesforce or HubSpot label)
    #[arg(long, value_parser = parse_required_name)]
    pub industry: Option<String>,
    /// The prospect's employee count
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..))]
    pub employees: Option<i64>,
    /// The prospect's country
    #[arg(long, value_parser = parse_name)]
    pub country: Option<String>,
    /// The prospect's region (state, province)
    #[arg(long, value_parser = parse_name)]
    pub region: Option<String>,
    /// The deal's ARR: 120000, 120,000 or '$120,000'
    #[arg(long, value_name = "ARR", value_parser = parse_money)]
    pub deal_size: Option<i64>,
    /// The opportunity stage (e.g. Proposal)
    #[arg(long, value_parser = parse_required_name)]
    pub stage: Option<String>,
    /// The expected close date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub close_date: Option<NaiveDate>,
    /// The sales rep asking
    #[arg(long, value_parser = parse_required_name)]
    pub rep: Option<String>,
    /// The role level wanted: c-level, vp, director, manager, individual
    #[arg(long, value_parser = parse_role_level)]
    pub role_level: Option<crate::domain::model::RoleLevel>,
    /// The use case the prospect cares about
    #[arg(long, value_parser = parse_required_name)]
    pub use_case: Option<String>,
    /// What the reference is asked to do (default call)
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<crate::domain::model::ActivityKind>,
    /// The prospect's key questions
    #[arg(long, value_parser = parse_name)]
    pub questions: Option<String>,
    /// When the reference is needed by
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub needed_by: Option<NaiveDate>,
    /// Why now, and what else was tried (demo, case study, trial)
    #[arg(long, value_parser = parse_name)]
    pub justification: Option<String>,
    /// The CRM opportunity id
    #[arg(value_parser = crate::import::crm::id_arg, long)]
    pub opportunity: Option<String>,
}

fn parse_money(text: &str) -> Result<i64, String> {
    crate::import::values::parse_money_cents(text).map_err(|e| format!("'{text}': expected {e}"))
}

fn parse_role_level(text: &str) -> Result<crate::domain::model::RoleLevel, String> {
    use crate::domain::model::RoleLevel;
    RoleLevel::parse(text).ok_or_else(|| format!("'{text}': expected {}", RoleLevel::expected()))
}

fn parse_kind(text: &str) -> Result<crate::domain::model::ActivityKind, String> {
    use crate::domain::model::ActivityKind;
    ActivityKind::parse(text)
        .ok_or_else(|| format!("'{text}': expected {}", ActivityKind::expected()))
}

/// Which requests `request list --status` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every request not closed yet.
    Open,
    /// The requests in this one status.
    Is(crate::domain::model::RequestStatus),
}

impl StatusFilter {
    pub fn admits(self, status: crate::domain::model::RequestStatus) -> bool {
        match self {
            StatusFilter::Open => !status.is_closed(),
            StatusFilter::Is(wanted) => status == wanted,
        }
    }
}

fn parse_status_filter(text: &str) -> Result<StatusFilter, String> {
    if text.trim().eq_ignore_ascii_case("open") {
        return Ok(StatusFilter::Open);
    }
    parse_status(text)
        .map(StatusFilter::Is)
        .map_err(|e| format!("{e}, or open (every request not closed)"))
}

fn parse_status(text: &str) -> Result<crate::domain::model::RequestStatus, String> {
    use crate::domain::model::RequestStatus;
    RequestStatus::parse(text)
        .ok_or_else(|| format!("'{text}': expected {}", RequestStatus::expected()))
}

const REQUEST_EXAMPLES: &str = "\
Examples:
  refprog request add --prospect 'Acme Clinics' --industry Healthcare --employees 1200 \\
      --country 'United States' --region Illinois --deal-size 120000 --stage Negotiation \\
      --rep 'Jordan Blake' --role-level c-level --use-case 'Claims automation' \\
      --questions 'How long did rollout take?' --needed-by 2026-12-01
  refprog request edit REQ-00001 --needed-by 2026-12-04 --stage Proposal
  refprog request list --status open       # not declined, completed or cancelled
  refprog request show REQ-00001
  refprog request approve REQ-00001
  refprog request decline REQ-00002 --reason 'stage too early: demo first'
  refprog request answer REQ-00001 C-HEALTH-CFO --yes --scheduled 2026-11-28

Lifecycle: submitted -> qualified | declined -> matched -> asked -> accepted | passed ->
scheduled -> completed | cancelled. Every step is time-stamped; an impossible step is refused.
The same request added twice in a day warns; 'refprog undo' takes back the last change.";

/// Sales requests for references: add, edit, list, show, approve, decline, cancel, answer
#[derive(Debug, Args)]
#[command(after_help = REQUEST_EXAMPLES)]
pub struct RequestArgs {
    #[command(subcommand)]
    pub action: RequestAction,
}

#[derive(Debug, Subcommand)]
pub enum RequestAction {
    /// Record a new request; prints its id and qualification warnings
    Add(Box<RequestFields>),
    /// Change fields of a request (the flags of `request add`); prints what changed
    Edit(Box<RequestEditArgs>),
    /// List requests, newest first
    List {
        /// Only requests in this status; 'open' for every request not closed yet (not
        /// declined, completed or cancelled: what `status` counts as open)
        #[arg(long, value_parser = parse_status_filter, value_name = "STATUS")]
        status: Option<StatusFilter>,
    },
    /// One request with its whole history
    Show {
        #[arg(value_parser = parse_name)]
        request_id: String,
    },
    /// Approve a request (submitted -> qualified)
    Approve {
        #[arg(value_parser = parse_name)]
        request_id: String,
    },
    /// Decline a request, with the reason
    Decline {
        #[arg(value_parser = parse_name)]
        request_id: String,
        #[arg(long, value_parser = parse_reason)]
        reason: String,
    },
    /// Cancel a request
    Cancel {
        #[arg(value_parser = parse_name)]
        request_id: String,
    },
    /// Record a reference's answer to an ask
    Answer {
        #[arg(value_parser = parse_name)]
        request_id: String,
        /// The contact asked (its id: see refprog request show)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
        /// They said yes
        #[arg(long, conflicts_with = "pass", required_unless_present = "pass")]
        yes: bool,
        /// They passed
        #[arg(long)]
        pass: bool,
        /// With --yes: the date the call is scheduled
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of, requires = "yes")]
        scheduled: Option<NaiveDate>,
    },
}

/// `request edit REQ-00001 --needed-by 2026-12-04 --stage Negotiation`
#[derive(Debug, Args, Clone)]
pub struct RequestEditArgs {
    /// The request to change (its id in 'refprog request list')
    pub request_id: String,
    #[command(flatten)]
    pub fields: RequestFields,
}

const MATCH_EXAMPLES: &str = "\
Examples:
  refprog match REQ-00001                       # the best 5, with reasons
  refprog match REQ-00001 --top 10 --include-poor
  refprog match REQ-00001 --show-excluded       # who was left out, and why
  refprog match REQ-00001 --ask C-HEALTH-CFO    # record the ask (request -> asked)
  refprog match --prospect 'Acme' --industry Healthcare --employees 900 --use-case 'Claims automation'

Each criterion is graded excellent / good / poor (industry, size, use case, role, geography,
availability, recency); the grade is the worst. Never offered: opted out, on a break, tier
limit reached, asked within the minimum gap, churned or escalated account, not willing to do
the kind asked, logo tier, already spoke to this prospect. Under the deal-size threshold,
strategic references rank last (saved for bigger deals).";

/// The right references for a request (or an ad-hoc one), graded, with reasons
#[derive(Debug, Args)]
#[command(after_help = MATCH_EXAMPLES)]
pub struct MatchArgs {
    /// A stored request; or give the request's flags for an ad-hoc match (nothing stored)
    #[arg(value_parser = parse_name)]
    pub request_id: Option<String>,
    #[command(flatten)]
    pub adhoc: RequestFields,
    /// How many candidates to show
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Show poor matches too
    #[arg(long)]
    pub include_poor: bool,
    /// List the references left out, with the reason
    #[arg(long)]
    pub show_excluded: bool,
    /// Record that this contact was asked (request -> asked)
    #[arg(value_parser = crate::import::crm::id_arg, long, value_name = "CONTACT_ID", requires = "request_id")]
    pub ask: Option<String>,
    /// With --ask: ask even though the request is not approved or a rule refuses the
    /// contact, with this reason (kept in the request's history)
    #[arg(long = "override", value_name = "REASON", requires = "ask", value_parser = parse_reason)]
    pub override_reason: Option<String>,
}

const BRIEF_EXAMPLES: &str = "\
Examples:
  refprog brief REQ-00001 C-HEALTH-CFO
  refprog brief REQ-00001 C-HEALTH-CFO --format json

Two notes ready to send: the reference's preparation (who is calling, why, topics to cover
and to avoid, 15-20 minutes) and the prospect's (who they will talk to, background, best
topics). Missing data is left out, never invented.";

/// The preparation notes for a reference call, for the reference and for the prospect
#[derive(Debug, Args)]
#[command(after_help = BRIEF_EXAMPLES)]
pub struct BriefArgs {
    #[arg(value_parser = parse_name)]
    pub request_id: String,
    #[arg(value_parser = crate::import::crm::id_arg)]
    pub contact_id: String,
}

fn parse_tier(text: &str) -> Result<crate::domain::model::Tier, String> {
    use crate::domain::model::Tier;
    Tier::parse(text).ok_or_else(|| format!("'{text}': expected {}", Tier::expected()))
}

/// A reason a person wrote: not empty, not only blanks.
fn parse_reason(text: &str) -> Result<String, String> {
    crate::domain::one_line(text)?;
    if text.trim().is_empty() {
        Err("a reason is required: say why, in words (it is kept)".to_string())
    } else {
        Ok(text.trim().to_string())
    }
}

fn parse_rating(text: &str) -> Result<i64, String> {
    crate::import::values::parse_int(text, 0, 10).map_err(|e| format!("'{text}': expected {e}"))
}

const LOG_CALL_EXAMPLES: &str = "\
Examples:
  refprog log-call C-HEALTH-CFO --request REQ-00003 --minutes 25 --reference-rating 9 --prospect-rating 10
  refprog log-call C-HEALTH-CFO --kind thank-you
  refprog log-call C-HEALTH-CFO --kind feedback --request REQ-00003 --prospect-rating 9
  refprog log-call C-BUSY-VP --kind webinar --override 'CEO asked for this panel'

Kinds that count against the limits: call, email, site-visit, exec-connection, case-study,
review, webinar, speaking, press. They are refused (exit 1, nothing written) over the tier's
limit in the last 90 days, inside the minimum gap, on a break, after an opt-out, or when the
reference is not willing to do that kind; --override records it anyway, with the reason.
Relationship touches (thank-you, check-in, feedback, loop-closed, gift, recommit) are never
limited and close the matching follow-ups.";

/// Record what a reference did (guarded by the limits) or a relationship touch
#[derive(Debug, Args)]
#[command(after_help = LOG_CALL_EXAMPLES)]
pub struct LogCallArgs {
    #[arg(value_parser = crate::import::crm::id_arg)]
    pub contact_id: String,
    /// The request it was for (a reference activity on a request completes it)
    #[arg(long, value_parser = parse_name)]
    pub request: Option<String>,
    /// What they did
    #[arg(long, default_value = "call", value_parser = parse_kind)]
    pub kind: crate::domain::model::ActivityKind,
    /// When (default: --as-of, or today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub date: Option<NaiveDate>,
    /// How long it took, in minutes (fulfilment and the reference's time given)
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..=100_000))]
    pub minutes: Option<i64>,
    /// How the reference rated the experience, 0-10
    #[arg(long, value_parser = parse_rating)]
    pub reference_rating: Option<i64>,
    /// How the prospect rated it, 0-10
    #[arg(long, value_parser = parse_rating)]
    pub prospect_rating: Option<i64>,
    /// A note kept with the activity (on one line)
    #[arg(long, value_parser = parse_name)]
    pub notes: Option<String>,
    /// Record it even if a limit refuses it, with this reason (shown in reports)
    #[arg(long = "override", value_name = "REASON", value_parser = parse_reason)]
    pub override_reason: Option<String>,
    /// Accept a date after --as-of (today), or more than a year ahead
    #[arg(long)]
    pub future: bool,
    /// Log it even though the same activity (contact, kind, date, request) is recorded
    #[arg(long)]
    pub again: bool,
    /// Say whether the rules allow it, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

const ROSTER_EXAMPLES: &str = "\
Examples:
  refprog roster enroll C-QUIET-IC --tier new --willing call,email --topics 'planning;rollout'
  refprog roster set-tier C-HEALTH-IT strategic
  refprog roster break C-BUSY-VP --days 90
  refprog roster resume C-BUSY-VP
  refprog roster opt-out C-DETRACT-MGR --reason 'changed jobs'
  refprog roster recommit C-HEALTH-CFO
  refprog roster list --available
  refprog roster show C-HEALTH-CFO

Every change is kept with its time stamp (roster show lists the history).";

/// The references: enroll, tier, break, resume, opt out, recommit, list, show
#[derive(Debug, Args)]
#[command(after_help = ROSTER_EXAMPLES)]
pub struct RosterArgs {
    #[command(subcommand)]
    pub action: RosterAction,
}

#[derive(Debug, Subcommand)]
pub enum RosterAction {
    /// Enroll a contact in the program
    Enroll {
        /// The contact: id, email or name (see refprog roster list)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
        /// strategic, standard, new or logo (limits per 90 days: refprog policy)
        #[arg(long, value_parser = parse_tier)]
        tier: crate::domain::model::Tier,
        /// Activities they are willing to do, separated by ',' or ';'
        #[arg(long, value_parser = parse_name)]
        willing: Option<String>,
        /// Topics they are comfortable with
        #[arg(long, value_parser = parse_name)]
        topics: Option<String>,
        /// Topics to avoid with them
        #[arg(long, value_parser = parse_name)]
        avoid: Option<String>,
    },
    /// Change a reference's tier
    SetTier {
        /// The contact: id, email or name (see refprog roster list)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
        /// strategic, standard, new or logo
        #[arg(value_parser = parse_tier)]
        tier: crate::domain::model::Tier,
    },
    /// Give a reference a break (default: break.days from the policy)
    Break {
        /// The contact: id, email or name (see refprog roster list)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
        /// The last day of the break
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of, conflicts_with = "days")]
        until: Option<NaiveDate>,
        /// The break's length in days, from --as-of (or today)
        #[arg(long, value_parser = clap::value_parser!(i64).range(1..=3650))]
        days: Option<i64>,
    },
    /// End a break now
    Resume {
        /// The contact: id, email or name (see refprog roster list)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
    },
    /// Take a contact out of the program for good
    OptOut {
        /// The contact: id, email or name (see refprog roster list)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
        #[arg(long, value_parser = parse_name)]
        reason: Option<String>,
    },
    /// Record the yearly recommitment
    Recommit {
        /// The contact: id, email or name (see refprog roster list)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
    },
    /// The references with their load and next eligible date
    List {
        #[arg(long, value_parser = parse_tier)]
        tier: Option<crate::domain::model::Tier>,
        /// Only those who can be asked today
        #[arg(long)]
        available: bool,
    },
    /// One reference: membership, load, limits, history, fatigue, open follow-ups
    Show {
        /// The contact: id, email or name (see refprog roster list)
        #[arg(value_parser = crate::import::crm::id_arg)]
        contact_id: String,
    },
}

const FOLLOWUPS_EXAMPLES: &str = "\
Examples:
  refprog followups                 # due today or overdue
  refprog followups --overdue
  refprog followups --all --within 14
  refprog followups --format csv    # for cron
  refprog followups --kind thank-you --contact C-HEALTH-CFO
  refprog followups done thank-you:ACT-00042
  refprog followups snooze check-in:C-HEALTH-CFO:2026-03-01 --until 2026-04-15
  refprog followups --stale         # those overdue longer than followup.stale_days
  refprog followups --columns id,due,what   # the ids that done and snooze take

Each row has a stable id (from what opened it; shown with --wide, --columns id,... or in
CSV and JSON) and the command that closes it; items overdue longer than
followup.stale_days are summed up in one line per kind.";

/// What is due: thank-yous, feedback, close the loop, check-ins, recommitments
#[derive(Debug, Args)]
#[command(after_help = FOLLOWUPS_EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct FollowupsArgs {
    #[command(subcommand)]
    pub action: Option<FollowupsAction>,
    /// Due by today, overdue included (the default)
    #[arg(long, conflicts_with_all = ["overdue", "all"])]
    pub due: bool,
    /// Only those past their due date
    #[arg(long, conflicts_with = "all")]
    pub overdue: bool,
    /// Every open follow-up, whenever due
    #[arg(long)]
    pub all: bool,
    /// Also those due within this many days
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub within: Option<i64>,
    /// Only the first N, oldest due first
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Only follow-ups of this kind
    #[arg(long, value_parser = parse_followup_kind)]
    pub kind: Option<crate::domain::followups::FollowUpKind>,
    /// Only this contact's
    #[arg(value_parser = crate::import::crm::id_arg, long, value_name = "CONTACT_ID")]
    pub contact: Option<String>,
    /// Only those due from today to this many days ahead (not the overdue)
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub due_within: Option<i64>,
    /// List the stale ones (overdue longer than followup.stale_days), summed up otherwise
    #[arg(long)]
    pub stale: bool,
}

fn parse_followup_kind(text: &str) -> Result<crate::domain::followups::FollowUpKind, String> {
    use crate::domain::followups::FollowUpKind;
    FollowUpKind::parse(text).ok_or_else(|| {
        let all: Vec<&str> = FollowUpKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("'{text}': expected one of {}", all.join(", "))
    })
}

#[derive(Debug, Subcommand)]
pub enum FollowupsAction {
    /// Record the touch that closes follow-up ID (thank-you, feedback, loop-closed,
    /// check-in or gift; a recommitment for recommit), and nothing else
    Done {
        /// The follow-up's id, as `followups` lists it
        #[arg(value_parser = parse_name)]
        id: String,
        /// When the touch happened (default: --as-of, or today)
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
        date: Option<NaiveDate>,
        #[arg(long, value_parser = parse_name)]
        notes: Option<String>,
        /// How the reference rated the experience, 0-10 (feedback)
        #[arg(long, value_parser = parse_rating)]
        reference_rating: Option<i64>,
        /// How the prospect rated it, 0-10 (prospect feedback)
        #[arg(long, value_parser = parse_rating)]
        prospect_rating: Option<i64>,
    },
    /// Move follow-up ID's due day to DATE
    Snooze {
        #[arg(value_parser = parse_name)]
        id: String,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
        until: NaiveDate,
    },
}

pub use crate::report::{ReportName, SegmentBy};

const REPORT_EXAMPLES: &str = "\
Examples:
  refprog report utilization --format csv > utilization-$(date +%F).csv    # the weekly cron line
  refprog report health
  refprog report coverage --by region
  refprog report capacity
  refprog report fulfillment --since 2026-01-01 --until 2026-06-30
  refprog report impact --format json
  refprog report satisfaction

Every rate shows its n. Targets come from the policy (refprog policy).";

/// The metrics that prove the program works: utilization, health, coverage, capacity,
/// fulfillment, impact, satisfaction
#[derive(Debug, Args)]
#[command(after_help = REPORT_EXAMPLES)]
pub struct ReportArgs {
    #[arg(value_enum)]
    pub name: ReportName,
    /// Start of the period (fulfillment, impact, satisfaction; default: a year before --until)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub since: Option<NaiveDate>,
    /// End of the period (default: --as-of, or today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub until: Option<NaiveDate>,
    /// Coverage: also split segments by region and/or use case (repeatable)
    #[arg(long, value_enum)]
    pub by: Vec<SegmentBy>,
}

impl From<&ScoreArgs> for crate::report::score::Filter {
    fn from(args: &ScoreArgs) -> Self {
        crate::report::score::Filter {
            top: args.top,
            label: args.label,
            industry: args.industry.clone(),
            min_score: args.min_score,
        }
    }
}

impl From<&ReportArgs> for crate::report::Options {
    fn from(args: &ReportArgs) -> Self {
        crate::report::Options {
            name: args.name,
            since: args.since,
            until: args.until,
            by: args.by.clone(),
        }
    }
}

const DEMO_EXAMPLES: &str = "\
Examples:
  refprog demo                          # demo.db in the data folder, then a short tour
  refprog --db /tmp/demo.db demo --size 3000 --seed 7

The data is deterministic for a --seed and dated relative to --as-of (default today). It
goes in through the same code as import. demo writes only into a new or empty database.";

/// Build a realistic demo program (deterministic) and take a short tour of it
#[derive(Debug, Args)]
#[command(after_help = DEMO_EXAMPLES)]
pub struct DemoArgs {
    /// How many customer accounts (contacts, deals, requests and activities scale with it)
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(20..=2_000_000))]
    pub size: u32,
    /// The random seed: the same seed gives the same program
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

const BACKUP_EXAMPLES: &str = "\
Examples:
  refprog backup ~/backups/refprog-$(date +%F).db
  refprog --db /srv/refprog/program.db backup /mnt/nas/program.db

Uses SQLite's online backup: safe while another refprog is reading or writing. The copy is
created with mode 0600; an existing file is not overwritten. To move to a new machine, copy
the backup there and point --db (or REFPROG_DB) at it.";

/// Copy the database safely, even while it is in use
#[derive(Debug, Args)]
#[command(after_help = BACKUP_EXAMPLES)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist)
    pub path: PathBuf,
}

const STATUS_EXAMPLES: &str = "\
Examples:
  refprog status                    # which database, how much is in it, what is due today
  refprog --db /srv/refprog/program.db status --format json

The database is --db, else $REFPROG_DB, else $XDG_DATA_HOME/refprog/refprog.db; status says
which one it used and why.";

/// Which database, its schema, rows per kind, last import, what is due today, who is at
/// their limit
#[derive(Debug, Args)]
#[command(after_help = STATUS_EXAMPLES)]
pub struct StatusArgs {}

const ACTIVITY_EXAMPLES: &str = "\
Examples:
  refprog activity list --contact 'Maya Okafor'     # newest first
  refprog activity list --request REQ-00003
  refprog activity edit ACT-00006 --date 2026-11-20 # logged on the wrong day
  refprog activity edit ACT-00006 --kind email --notes 'sent the deck instead'
  refprog activity delete ACT-00006                 # a call logged by mistake
  refprog undo                                      # or take back the last change

Editing is checked as log-call checks a new activity (limits and --override, --future,
--again); it prints what changed. Deleting prints what it deleted; a request the activity
completed keeps its status.";

/// What was logged: list activities, edit or delete one logged by mistake
#[derive(Debug, Args)]
#[command(after_help = ACTIVITY_EXAMPLES)]
pub struct ActivityArgs {
    #[command(subcommand)]
    pub action: ActivityAction,
}

#[derive(Debug, Subcommand)]
pub enum ActivityAction {
    /// Activities up to --as-of, newest first
    List {
        /// Only this contact's (id, email or name)
        #[arg(long, value_parser = parse_name)]
        contact: Option<String>,
        /// Only this request's
        #[arg(long, value_parser = parse_name)]
        request: Option<String>,
    },
    /// Change an activity (the flags of log-call), checked by the same rules
    Edit(Box<ActivityEditArgs>),
    /// Delete one activity
    Delete { activity_id: String },
}

/// `activity edit ACT-00006 --date 2026-11-20`: only the flags given change.
#[derive(Debug, Args)]
pub struct ActivityEditArgs {
    /// The activity to change (its id in 'refprog activity list')
    pub activity_id: String,
    /// Who did it (id, email or name)
    #[arg(long)]
    pub contact: Option<String>,
    /// The request it was for
    #[arg(long, conflicts_with = "no_request")]
    pub request: Option<String>,
    /// It was for no request
    #[arg(long)]
    pub no_request: bool,
    /// What they did
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<crate::domain::model::ActivityKind>,
    /// When
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_as_of)]
    pub date: Option<NaiveDate>,
    /// How long it took, in minutes (fulfilment and the reference's time given)
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..=100_000))]
    pub minutes: Option<i64>,
    /// How the reference rated the experience, 0-10
    #[arg(long, value_parser = parse_rating)]
    pub reference_rating: Option<i64>,
    /// How the prospect rated it, 0-10
    #[arg(long, value_parser = parse_rating)]
    pub prospect_rating: Option<i64>,
    /// A note kept with the activity
    #[arg(long)]
    pub notes: Option<String>,
    /// Keep the change even if a limit refuses it, with this reason (shown in reports)
    #[arg(long = "override", value_name = "REASON", value_parser = parse_reason)]
    pub override_reason: Option<String>,
    /// Accept a date after --as-of (today), or more than a year ahead
    #[arg(long)]
    pub future: bool,
    /// Keep the change even though the same activity (contact, kind, date, request) is
    /// recorded
    #[arg(long)]
    pub again: bool,
    /// Say what would change and whether the rules allow it, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

const UNDO_EXAMPLES: &str = "\
Examples:
  refprog undo --dry-run     # what the last change by hand was, and what undo would do
  refprog undo               # revert it
  refprog undo               # again: the change before it (there is no redo)
  refprog undo --list        # the changes made by hand, newest first, and which are undone

Undone: log-call, activity edit|delete, request add|edit|approve|decline|cancel|answer,
match --ask, roster changes, followups done|snooze, policy set|reset. Imports are not
undone (re-import the file, or restore a backup). A row changed since, by an import, is
not overwritten: the undo is refused and nothing changes.";

/// Take back the last change made by hand, and say what it was
#[derive(Debug, Args)]
#[command(after_help = UNDO_EXAMPLES)]
pub struct UndoArgs {
    /// Say what would be undone, and change nothing
    #[arg(long, conflicts_with = "list")]
    pub dry_run: bool,
    /// List the changes made by hand, newest first (what undo walks back through)
    #[arg(long)]
    pub list: bool,
}

/// Print the manual page (roff): refprog man | man -l -; or write one page per subcommand
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write refprog.1 and refprog-SUBCOMMAND.1 for every subcommand into this folder
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Print shell completions: refprog completions bash > ~/.local/share/bash-completion/completions/refprog
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

impl ImportArgs {
    /// The kind, when the first word names one, and the paths (none: stdin). A first word
    /// that is neither a kind nor an existing file or folder is a usage error.
    pub fn kind_and_paths(&self) -> anyhow::Result<(Option<Kind>, Vec<PathBuf>)> {
        let mut paths = self.paths.clone();
        let kind = match &self.kind_or_path {
            Some(word) => match <Kind as clap::ValueEnum>::from_str(word, true) {
                Ok(kind) => Some(kind),
                Err(_) if word == "-" || std::path::Path::new(word).exists() => {
                    paths.insert(0, PathBuf::from(word));
                    None
                }
                Err(_) => {
                    return Err(crate::UsageError(format!(
                        "invalid value '{word}' for KIND: expected one of accounts, contacts, opportunities, requests, activities, or a file or folder that exists"
                    ))
                    .into());
                }
            },
            None => None,
        };
        Ok((kind, paths))
    }
}

const REVIEW_EXAMPLES: &str = "\
Examples:
  refprog review --html review.html                      # the last 90 days
  refprog review --html q3.html --period 2026-07-01..2026-09-30 --as-of 2026-09-30
  refprog review --html review.html --period year --open

One self-contained HTML file (no script, nothing fetched) to attach to an email: the
headline (revenue and pipeline influenced, win rates, fulfilment, references by tier),
coverage gaps, load, the monthly trend, care and the people. Each section names the
command that prints the same figures as text. The same database and --as-of give the same
bytes.";

/// The program on one page for the people who fund it: an HTML file with charts
#[derive(Debug, Args)]
#[command(after_help = REVIEW_EXAMPLES)]
pub struct ReviewArgs {
    /// Where to write the page (replaced if it exists)
    #[arg(long, value_name = "FILE")]
    pub html: PathBuf,

    /// The period: 90d (any number of days), quarter, year or SINCE..UNTIL
    #[arg(long, default_value = "90d", value_parser = crate::review::Span::parse)]
    pub period: crate::review::Span,

    /// Open the page in the default browser when written
    #[arg(long)]
    pub open: bool,
}

const DIGEST_EXAMPLES: &str = "\
Examples:
  refprog digest                                  # plain text, for a cron email
  refprog digest --markdown
  0 7 * * 1 refprog digest | mail -s 'Reference program' pm@example.com

What is due, who is over the limit, the coverage gaps, the requests past the SLA, and the
headline of the period: the review page's facts in a few lines.";

/// The week's facts in a few lines of text (or markdown) for an email
#[derive(Debug, Args)]
#[command(after_help = DIGEST_EXAMPLES)]
pub struct DigestArgs {
    /// Markdown instead of plain text
    #[arg(long)]
    pub markdown: bool,

    /// The headline's period: 90d (any number of days), quarter, year or SINCE..UNTIL
    #[arg(long, default_value = "90d", value_parser = crate::review::Span::parse)]
    pub period: crate::review::Span,
}
