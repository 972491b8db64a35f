//! The rule book (issue 13): one named test per finding, each failing on the code before
//! `domain::eligibility`, with a line saying what broke.

mod util;

use util::Workdir;

/// One Banking account with a standard reference (S) and a strategic one (G).
fn roster() -> Workdir {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,health,nps,use_case\nA,Acme,Banking,500,90,10,Payments\n",
    );
    work.import(
        "contacts",
        "contact_id,account_id,name,title,tier,willing,enrolled_on\n\
         S,A,Sam Standard,VP Finance,standard,call;email,2026-01-01\n\
         G,A,Gina Strategic,CFO,strategic,call;webinar,2026-01-01\n",
    );
    work
}

fn at(work: &Workdir, day: &str, args: &[&str]) -> util::Run {
    let mut all = vec!["--as-of", day];
    all.extend_from_slice(args);
    work.run(&all)
}

/// A Banking / Payments request of `deal` from `prospect` on `day`; returns its id.
fn request(work: &Workdir, day: &str, prospect: &str, deal: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "request",
        "add",
        "--prospect",
        prospect,
        "--industry",
        "Banking",
        "--employees",
        "600",
        "--deal-size",
        deal,
        "--stage",
        "Proposal",
        "--rep",
        "Casey",
        "--use-case",
        "Payments",
    ];
    args.extend_from_slice(extra);
    at(work, day, &args).ok().trim().to_string()
}

/// Finding 1: a churned account and an open escalation were counted as covered by
/// `report coverage` and listed by `roster list --available`, though match excluded them.
#[test]
fn churned_and_escalated_accounts_are_not_covered() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,status,escalation,health,nps\n\
         H1,Good Health,Healthcare,5000,active,no,90,10\n\
         H2,Gone Health,Healthcare,5000,churned,no,90,10\n\
         H3,Upset Health,Healthcare,5000,active,yes,90,10\n",
    );
    work.import(
        "contacts",
        "contact_id,account_id,name,tier,enrolled_on\n\
         C1,H1,One,standard,2026-01-01\n\
         C2,H2,Two,standard,2026-01-01\n\
         C3,H3,Three,standard,2026-01-01\n",
    );
    work.import(
        "opportunities",
        "opportunity_id,name,prospect,industry,employees,amount,stage,created_on,close_date,status,rep\n\
         O1,Deal,Prospect Co,Healthcare,5000,100000,Proposal,2026-05-01,2026-07-01,open,Casey\n",
    );
    let coverage = at(
        &work,
        "2026-06-01",
        &["report", "coverage", "--format", "csv"],
    )
    .ok();
    let row = coverage
        .lines()
        .find(|l| l.contains(",1,1,1,"))
        .unwrap_or_else(|| panic!("no segment with the deal: {coverage}"));
    let available: Vec<&str> = row.rsplitn(7, ',').collect();
    assert_eq!(available[5], "1", "only Good Health's reference: {row}");
    let listed = at(
        &work,
        "2026-06-01",
        &["roster", "list", "--available", "--format", "csv"],
    )
    .ok();
    let ids: Vec<&str> = listed
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(ids, ["C1"], "{listed}");
    let excluded = at(
        &work,
        "2026-06-01",
        &[
            "match",
            "--industry",
            "Healthcare",
            "--show-excluded",
            "--format",
            "csv",
            "--section",
            "excluded",
        ],
    )
    .ok();
    assert!(
        excluded.contains("C2,Two,Gone Health,standard,Gone Health has churned"),
        "{excluded}"
    );
    assert!(
        excluded.contains("C3,Three,Upset Health,standard,Upset Health has an open escalation"),
        "{excluded}"
    );
    let capacity = at(
        &work,
        "2026-06-01",
        &["report", "capacity", "--format", "csv"],
    )
    .ok();
    assert!(
        capacity.contains("\"healthcare / enterprise (5,000+)\",1,2,"),
        "one reference, 2 asks: {capacity}"
    );
}

/// Finding 2: `log-call --date D` checked only activities on or before D, so a call two
/// days before an existing one passed the 21-day gap, and a fifth call slipped into a
/// window that already held four.
#[test]
fn backdated_activities_are_held_to_the_limits() {
    let work = roster();
    at(&work, "2026-03-10", &["log-call", "S"]).ok();
    let stderr = at(
        &work,
        "2026-03-20",
        &["log-call", "S", "--date", "2026-03-08"],
    )
    .fails(1);
    assert!(
        stderr.contains("asked or used on 2026-03-10, 2 days after 2026-03-08; the minimum gap is 21 days (gap.min_days)"),
        "{stderr}"
    );
    for day in ["2026-01-01", "2026-01-22", "2026-02-12", "2026-03-05"] {
        at(&work, day, &["log-call", "G"]).ok();
    }
    let stderr = at(
        &work,
        "2026-03-31",
        &["log-call", "G", "--date", "2025-12-11"],
    )
    .fails(1);
    assert!(
        stderr.contains(
            "strategic limit reached: 4 of 4 in the 90 days up to 2026-03-05 (limit.strategic)"
        ),
        "{stderr}"
    );
    // Nothing was written: G still has four.
    let json = at(
        &work,
        "2026-03-31",
        &["roster", "show", "G", "--format", "json"],
    )
    .ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(value["activities"].as_array().map(Vec::len), Some(4));
}

/// Finding 3: with `--as-of` in the past, match counted later activities ("asked -19 days
/// ago") and excluded people who were free that day; log-call checked against them too.
#[test]
fn as_of_in_the_past_is_the_past_for_match_and_log_call() {
    let work = roster();
    at(&work, "2026-10-20", &["log-call", "S"]).ok();
    let csv = at(
        &work,
        "2026-10-01",
        &[
            "match",
            "--industry",
            "Banking",
            "--show-excluded",
            "--format",
            "csv",
        ],
    )
    .ok();
    assert!(csv.contains("\n1,S,") || csv.contains("\n2,S,"), "{csv}");
    assert!(!csv.contains("-19 days"), "{csv}");
    assert!(csv.contains("never used"), "{csv}");
    let stderr = at(
        &work,
        "2026-10-01",
        &["log-call", "S", "--date", "2026-10-01", "--dry-run"],
    )
    .fails(0);
    assert!(
        stderr.contains("dry run: Sam Standard (S) can do a call on 2026-10-01"),
        "{stderr}"
    );
    let list = at(&work, "2026-10-01", &["roster", "list", "--format", "csv"]).ok();
    assert!(
        list.contains("S,Sam Standard,Acme,standard,0,2,2026-10-01,available"),
        "{list}"
    );
}

/// Finding 4: a deal under the size threshold was asked at once (submitted -> asked), and
/// match still warned "needs approval" after `request approve`.
#[test]
fn approval_is_enforced_and_an_override_records_why() {
    let work = roster();
    let small = request(&work, "2026-05-01", "Tiny Bank", "40000", &[]);
    let stderr = at(&work, "2026-05-01", &["match", &small, "--ask", "S"]).fails(1);
    assert!(
        stderr.contains("needs approval") && stderr.contains("--override"),
        "{stderr}"
    );
    let stderr = at(
        &work,
        "2026-05-01",
        &[
            "match",
            &small,
            "--ask",
            "S",
            "--override",
            "VP sponsor asked",
        ],
    )
    .fails(0);
    assert!(stderr.contains("override (VP sponsor asked)"), "{stderr}");
    let show = at(
        &work,
        "2026-05-01",
        &["request", "show", &small, "--format", "json"],
    )
    .ok();
    assert!(
        show.contains("override (VP sponsor asked) for: deal size 40,000"),
        "{show}"
    );
    // Approved, it no longer needs approval.
    let other = request(&work, "2026-05-02", "Small Bank", "40000", &[]);
    at(&work, "2026-05-02", &["request", "approve", &other]).ok();
    let stderr = at(&work, "2026-05-02", &["match", &other]).fails(0);
    assert!(!stderr.contains("needs approval"), "{stderr}");
    // A limit refusal on an ask takes the same flag.
    let stderr = at(&work, "2026-05-05", &["match", &other, "--ask", "S"]).fails(1);
    assert!(stderr.contains("the minimum gap is 21 days"), "{stderr}");
    at(
        &work,
        "2026-05-05",
        &["match", &other, "--ask", "S", "--override", "only fit"],
    )
    .ok();
}

/// Every open follow-up, the stale ones too.
fn followups(work: &Workdir, day: &str) -> Vec<String> {
    let mut all = Vec::new();
    for args in [
        &["followups", "--all", "--format", "csv"][..],
        &["followups", "--stale", "--format", "csv"],
    ] {
        all.extend(at(work, day, args).ok().lines().skip(1).map(str::to_string));
    }
    all
}

/// Finding 5: `log-call --kind loop-closed --request R2` also closed R1's loop, and one
/// thank-you closed an older call's thank-you.
#[test]
fn loops_and_thank_yous_close_only_their_own() {
    let work = roster();
    work.import(
        "opportunities",
        "opportunity_id,name,prospect,industry,amount,stage,created_on,close_date,status,rep\n\
         O1,One,First Bank,Banking,90000,Closed Won,2026-01-01,2026-04-15,won,Casey\n\
         O2,Two,Second Bank,Banking,90000,Closed Won,2026-01-01,2026-04-16,won,Casey\n",
    );
    let r1 = request(
        &work,
        "2026-02-01",
        "First Bank",
        "90000",
        &["--opportunity", "O1"],
    );
    let r2 = request(
        &work,
        "2026-02-01",
        "Second Bank",
        "90000",
        &["--opportunity", "O2"],
    );
    at(&work, "2026-03-01", &["log-call", "S", "--request", &r1]).ok();
    at(&work, "2026-03-25", &["log-call", "S", "--request", &r2]).ok();
    at(
        &work,
        "2026-03-26",
        &["log-call", "S", "--kind", "thank-you"],
    )
    .ok();
    at(
        &work,
        "2026-04-20",
        &["log-call", "S", "--kind", "loop-closed", "--request", &r2],
    )
    .ok();
    let open = followups(&work, "2026-04-25");
    let about = |request: &str, what: &str| {
        open.iter()
            .any(|l| l.contains(&format!(",{request},")) && l.contains(what))
    };
    assert!(about(&r1, "close the loop"), "{open:#?}");
    assert!(!about(&r2, "close the loop"), "{open:#?}");
    assert!(about(&r1, "thank Sam Standard"), "{open:#?}");
    assert!(!about(&r2, "thank Sam Standard"), "{open:#?}");
}

fn utilization_row(work: &Workdir, day: &str, contact: &str) -> Vec<String> {
    at(work, day, &["report", "utilization", "--format", "csv"])
        .ok()
        .lines()
        .find(|l| l.starts_with(&format!("{contact},")))
        .unwrap_or_else(|| panic!("no row for {contact}"))
        .split(',')
        .map(str::to_string)
        .collect()
}

/// Finding 6: after two passes, match said "standard limit reached: 2 of 2" while
/// utilization said 0 in 90 days. Both count units now: each ask once, whatever the answer.
#[test]
fn passes_are_counted_one_way() {
    let work = roster();
    for (day, prospect, answer_day) in [
        ("2026-05-01", "First Bank", "2026-05-02"),
        ("2026-05-25", "Second Bank", "2026-05-26"),
    ] {
        let id = request(&work, day, prospect, "90000", &[]);
        at(&work, day, &["match", &id, "--ask", "S"]).ok();
        at(
            &work,
            answer_day,
            &["request", "answer", &id, "S", "--pass"],
        )
        .ok();
    }
    let row = utilization_row(&work, "2026-06-01", "S");
    // contact_id,name,account_id,account,tier,this_quarter,last_90_days,last_365_days,all_time,last_activity,...
    assert_eq!(row[5..10], ["2", "2", "2", "2", "2026-05-25"], "{row:?}");
    let excluded = at(
        &work,
        "2026-06-01",
        &[
            "match",
            "--industry",
            "Banking",
            "--show-excluded",
            "--format",
            "csv",
            "--section",
            "excluded",
        ],
    )
    .ok();
    assert!(
        excluded.contains("S,Sam Standard,Acme,standard,standard limit reached: 2 of 2"),
        "{excluded}"
    );
    let list = at(&work, "2026-06-01", &["roster", "list", "--format", "csv"]).ok();
    assert!(list.contains("S,Sam Standard,Acme,standard,2,2,"), "{list}");
}

/// Finding 7a: `decline --reason ""` and `--override ""` were accepted.
#[test]
fn empty_reasons_are_refused() {
    let work = roster();
    let id = request(&work, "2026-05-01", "First Bank", "90000", &[]);
    let stderr = at(
        &work,
        "2026-05-01",
        &["request", "decline", &id, "--reason", " "],
    )
    .fails(2);
    assert!(stderr.contains("a reason is required"), "{stderr}");
    let stderr = at(&work, "2026-05-01", &["log-call", "S", "--override", ""]).fails(2);
    assert!(stderr.contains("a reason is required"), "{stderr}");
    let stderr = at(
        &work,
        "2026-05-01",
        &["match", &id, "--ask", "S", "--override", ""],
    )
    .fails(2);
    assert!(stderr.contains("a reason is required"), "{stderr}");
}

/// Finding 7b: `log-call --request` on a declined request was accepted silently.
#[test]
fn log_call_on_a_declined_request_is_refused() {
    let work = roster();
    let id = request(&work, "2026-05-01", "First Bank", "90000", &[]);
    at(
        &work,
        "2026-05-01",
        &["request", "decline", &id, "--reason", "too early"],
    )
    .ok();
    let before = work.db_bytes();
    let stderr = at(&work, "2026-05-02", &["log-call", "S", "--request", &id]).fails(1);
    assert!(stderr.contains("it is declined (closed)"), "{stderr}");
    assert_eq!(work.db_bytes(), before, "nothing was written");
}

/// Finding 7c: `brief` for an opted-out contact printed no warning.
#[test]
fn brief_warns_for_an_opted_out_contact() {
    let work = roster();
    let id = request(&work, "2026-05-01", "First Bank", "90000", &[]);
    at(&work, "2026-05-01", &["roster", "opt-out", "S"]).ok();
    let stderr = at(&work, "2026-05-02", &["brief", &id, "S"]).fails(0);
    assert!(
        stderr.contains(
            "warning: Sam Standard (S) cannot do a call on 2026-05-02: opted out on 2026-05-01"
        ),
        "{stderr}"
    );
}

/// Finding 7d: logging the call of a `matched` request left it `matched`.
#[test]
fn logging_the_call_of_a_matched_request_completes_it() {
    let work = roster();
    let id = request(&work, "2026-05-01", "First Bank", "90000", &[]);
    at(&work, "2026-05-01", &["request", "approve", &id]).ok();
    at(&work, "2026-05-01", &["match", &id]).ok();
    let status = |day: &str| {
        let show = at(&work, day, &["request", "show", &id, "--format", "json"]).ok();
        let value: serde_json::Value = serde_json::from_str(&show).expect("json");
        value["request"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(status("2026-05-01"), "matched");
    at(&work, "2026-05-03", &["log-call", "S", "--request", &id]).ok();
    assert_eq!(status("2026-05-03"), "completed");
}

/// log-call: a date after --as-of, or more than a year ahead, needs --future.
#[test]
fn log_call_refuses_future_dates_without_future() {
    let work = roster();
    let stderr = at(
        &work,
        "2026-05-01",
        &["log-call", "S", "--date", "2026-05-02"],
    )
    .fails(1);
    assert!(stderr.contains("--future"), "{stderr}");
    let stderr = at(
        &work,
        "2026-05-01",
        &["log-call", "S", "--date", "2027-05-03", "--future"],
    )
    .fails(0);
    assert!(stderr.contains("logged call"), "{stderr}");
}

/// Every command a manager reads as of a day, in CSV.
const READS: &[&[&str]] = &[
    &["score", "--format", "csv"],
    &[
        "match",
        "--industry",
        "Healthcare",
        "--employees",
        "1200",
        "--use-case",
        "Claims automation",
        "--show-excluded",
        "--include-poor",
        "--format",
        "csv",
    ],
    &["roster", "list", "--format", "csv"],
    &["roster", "list", "--available", "--format", "csv"],
    &["roster", "show", "C-HEALTH-CFO", "--format", "json"],
    &["roster", "show", "C-BUSY-VP", "--format", "json"],
    &["followups", "--all", "--format", "csv"],
    &["report", "utilization", "--format", "csv"],
    &["report", "health", "--format", "csv"],
    &["report", "coverage", "--format", "csv"],
    &["report", "capacity", "--format", "csv"],
    &["report", "fulfillment", "--format", "json"],
    &["report", "impact", "--format", "csv"],
    &["report", "satisfaction", "--format", "csv"],
    &["brief", "R-OLD-1", "C-HEALTH-CFO", "--format", "json"],
    &["log-call", "C-HEALTH-CFO", "--dry-run"],
    &["log-call", "C-CLINIC-VP", "--dry-run"],
    // Quiet: the note of how many rows were left out counts the later ones.
    &["export", "activities", "--quiet"],
    &["export", "requests", "--quiet"],
];

fn reads(work: &Workdir, day: &str) -> Vec<(String, i32, String, String)> {
    READS
        .iter()
        .map(|args| {
            let run = at(work, day, args);
            (args.join(" "), run.code, run.stdout, run.stderr)
        })
        .collect()
}

/// As of D, records dated after D are invisible to every command (issue 18): the outputs
/// of a program as of D do not change when activities dated after D are added.
#[test]
fn as_of_a_day_nothing_after_it_is_seen() {
    let work = util::program();
    let day = "2026-11-10";
    let before = reads(&work, day);
    assert!(
        before
            .iter()
            .filter(|(_, code, out, _)| *code == 0 && out.lines().count() > 1)
            .count()
            >= 12,
        "the reads show something: {before:#?}"
    );
    for args in [
        &[
            "log-call",
            "C-HEALTH-CFO",
            "--date",
            "2026-11-12",
            "--override",
            "test",
        ][..],
        &[
            "log-call",
            "C-HEALTH-CFO",
            "--kind",
            "thank-you",
            "--date",
            "2026-11-13",
        ],
        &[
            "log-call",
            "C-CLINIC-VP",
            "--kind",
            "webinar",
            "--date",
            "2026-11-11",
            "--override",
            "test",
        ],
        &[
            "log-call",
            "C-BUSY-VP",
            "--kind",
            "feedback",
            "--date",
            "2026-11-14",
            "--reference-rating",
            "3",
        ],
        &[
            "log-call",
            "C-HEALTH-IT",
            "--date",
            "2026-11-20",
            "--override",
            "test",
        ],
    ] {
        at(&work, "2026-11-23", args).ok();
    }
    let after = reads(&work, day);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "{} changed as of {day}", b.0);
    }
    // ... and as of the later day they are seen.
    let later = at(
        &work,
        "2026-11-23",
        &["roster", "show", "C-HEALTH-IT", "--format", "json"],
    )
    .ok();
    assert!(later.contains("2026-11-20"), "{later}");
}

/// A random program: accounts (some churned, some with an escalation), references of every
/// tier with breaks, opt-outs and willingness, and activities before and after the days
/// asked about.
#[derive(Debug, Clone)]
struct Program {
    accounts: Vec<(bool, bool)>,
    contacts: Vec<Contact>,
}

#[derive(Debug, Clone)]
struct Contact {
    account: usize,
    tier: &'static str,
    willing: &'static str,
    break_until: Option<i64>,
    opted_out: Option<i64>,
    activities: Vec<(i64, &'static str)>,
}

const DAY0: &str = "2026-01-01";

fn day(offset: i64) -> String {
    let start: chrono::NaiveDate = DAY0.parse().expect("date");
    (start + chrono::Duration::days(offset)).to_string()
}

fn programs() -> impl proptest::strategy::Strategy<Value = Program> {
    use proptest::prelude::*;
    let contact = (
        0..3usize,
        prop::sample::select(vec!["strategic", "standard", "new", "logo"]),
        prop::sample::select(vec!["call;email", "webinar", ""]),
        prop::option::weighted(0.2, 0..200i64),
        prop::option::weighted(0.1, 0..200i64),
        prop::collection::vec(
            (
                0..200i64,
                prop::sample::select(vec!["call", "webinar", "thank-you", "email"]),
            ),
            0..6,
        ),
    )
        .prop_map(
            |(account, tier, willing, break_until, opted_out, activities)| Contact {
                account,
                tier,
                willing,
                break_until,
                opted_out,
                activities,
            },
        );
    (
        prop::collection::vec((prop::bool::weighted(0.2), prop::bool::weighted(0.2)), 3),
        prop::collection::vec(contact, 1..6),
    )
        .prop_map(|(accounts, contacts)| Program { accounts, contacts })
}

fn write(work: &Workdir, program: &Program) {
    let mut accounts =
        String::from("account_id,name,industry,employees,status,escalation,health,nps\n");
    for (i, (churned, escalation)) in program.accounts.iter().enumerate() {
        accounts.push_str(&format!(
            "A{i},Account {i},Healthcare,1000,{},{},90,10\n",
            if *churned { "churned" } else { "active" },
            if *escalation { "yes" } else { "no" }
        ));
    }
    work.import("accounts", &accounts);
    let mut contacts = String::from(
        "contact_id,account_id,name,tier,willing,enrolled_on,break_until,opted_out_on\n",
    );
    let mut activities = String::from("activity_id,contact_id,kind,date\n");
    for (i, c) in program.contacts.iter().enumerate() {
        contacts.push_str(&format!(
            "C{i},A{},Person {i},{},{},2025-01-01,{},{}\n",
            c.account,
            c.tier,
            c.willing,
            c.break_until.map(day).unwrap_or_default(),
            c.opted_out.map(day).unwrap_or_default(),
        ));
        for (j, (offset, kind)) in c.activities.iter().enumerate() {
            activities.push_str(&format!("X{i}-{j},C{i},{kind},{}\n", day(*offset)));
        }
    }
    work.import("contacts", &contacts);
    if activities.lines().count() > 1 {
        work.import("activities", &activities);
    }
}

/// The contact ids of the first CSV section of `text` (up to the next header).
fn first_column(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .take_while(|l| !l.starts_with("contact_id,") && !l.starts_with("rank,"))
        .filter_map(|l| l.split(',').next().map(str::to_string))
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

    /// For every contact and day, match (ad hoc, no filters), `roster list --available`,
    /// `log-call --dry-run` and the coverage count give one answer: the rule book's.
    #[test]
    fn every_command_agrees_on_who_is_available(program in programs(), days in proptest::collection::vec(0..220i64, 3)) {
        let work = Workdir::new();
        write(&work, &program);
        for offset in days {
            let today = day(offset);
            let matched = at(&work, &today, &["match", "--industry", "Healthcare", "--include-poor", "--show-excluded", "--top", "100", "--format", "csv"]).ok();
            let mut offered: Vec<String> = matched
                .lines()
                .skip(1)
                .take_while(|l| !l.starts_with("contact_id,"))
                .filter_map(|l| l.split(',').nth(1).map(str::to_string))
                .collect();
            offered.sort();
            let listed = first_column(&at(&work, &today, &["roster", "list", "--available", "--format", "csv"]).ok());
            proptest::prop_assert_eq!(&offered, &listed, "match and roster on {}", today);
            let mut dry = Vec::new();
            for i in 0..program.contacts.len() {
                let id = format!("C{i}");
                if at(&work, &today, &["log-call", &id, "--dry-run"]).code == 0 {
                    dry.push(id);
                }
            }
            proptest::prop_assert_eq!(&dry, &listed, "log-call --dry-run and roster on {}", today);
            let coverage = at(&work, &today, &["report", "coverage", "--format", "csv"]).ok();
            let available: usize = coverage
                .lines()
                .filter(|l| l.contains("healthcare"))
                .filter_map(|l| l.rsplit(',').nth(5)?.parse::<usize>().ok())
                .sum();
            proptest::prop_assert_eq!(available, listed.len(), "coverage on {}: {}", today, coverage);
        }
    }
}

/// An ask in flight counts against the limit and shows as pending in match and roster.
#[test]
fn an_ask_in_flight_counts_and_shows_as_pending() {
    let work = roster();
    let first = request(&work, "2026-05-01", "First Bank", "90000", &[]);
    at(&work, "2026-05-01", &["match", &first, "--ask", "G"]).ok();
    let list = at(&work, "2026-06-01", &["roster", "list", "--format", "csv"]).ok();
    assert!(
        list.contains(&format!(
            "G,Gina Strategic,Acme,strategic,1,4,2026-06-01,available (pending {first}),"
        )),
        "{list}"
    );
    let csv = at(
        &work,
        "2026-06-01",
        &["match", "--industry", "Banking", "--format", "csv"],
    )
    .ok();
    assert!(
        csv.contains(&format!(
            "pending: asked for {first} on 2026-05-01, no answer yet"
        )),
        "{csv}"
    );
    // Answered, it is no longer pending (and still counts).
    at(
        &work,
        "2026-06-02",
        &["request", "answer", &first, "G", "--pass"],
    )
    .ok();
    let list = at(&work, "2026-06-03", &["roster", "list", "--format", "csv"]).ok();
    assert!(
        list.contains("G,Gina Strategic,Acme,strategic,1,4,2026-06-03,available,"),
        "{list}"
    );
}

/// match.renewal_caution_days: an account renewing within 60 days is marked in match,
/// brief and roster, and ranks after candidates of the same grade.
#[test]
fn renewal_caution_marks_and_ranks_after_the_same_grade() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,health,nps,use_case,renewal_date\n\
         A1,Renewing Bank,Banking,500,90,10,Payments,2026-06-20\n\
         A2,Steady Bank,Banking,500,90,10,Payments,2026-12-01\n",
    );
    work.import(
        "contacts",
        "contact_id,account_id,name,title,tier,enrolled_on\n\
         A-RENEW,A1,Rita Renew,VP,standard,2026-01-01\n\
         B-STEADY,A2,Sid Steady,VP,standard,2026-01-01\n",
    );
    let csv = at(
        &work,
        "2026-06-01",
        &["match", "--industry", "Banking", "--format", "csv"],
    )
    .ok();
    let order: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    assert_eq!(order, ["B-STEADY", "A-RENEW"], "{csv}");
    assert!(csv.contains("caution: renewal on 2026-06-20"), "{csv}");
    let list = at(&work, "2026-06-01", &["roster", "list", "--format", "csv"]).ok();
    assert!(
        list.contains("available (caution: renewal on 2026-06-20)"),
        "{list}"
    );
    // Outside the window (policy value), no caution.
    at(
        &work,
        "2026-06-01",
        &["policy", "set", "match.renewal_caution_days", "10"],
    )
    .ok();
    let list = at(&work, "2026-06-01", &["roster", "list", "--format", "csv"]).ok();
    assert!(!list.contains("caution"), "{list}");
}

/// The fulfilment SLA is policy `fulfillment.sla_hours` (48), no longer a literal.
#[test]
fn the_fulfillment_sla_is_a_policy_value() {
    let work = util::program();
    let report = |work: &Workdir| {
        at(
            work,
            "2026-11-23",
            &["report", "fulfillment", "--format", "csv"],
        )
        .ok()
    };
    assert!(report(&work).contains("scheduled within 48 hours"));
    at(
        &work,
        "2026-11-23",
        &["policy", "set", "fulfillment.sla_hours", "24"],
    )
    .ok();
    assert!(report(&work).contains("scheduled within 24 hours"));
}

fn ids(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(2).map(str::to_string))
        .collect()
}

/// Follow-ups have stable ids; `done ID` closes that one only; `snooze` moves it; filters by
/// kind, contact and due window; stale ones are summed up per kind and listed with --stale.
#[test]
fn followups_by_id_done_snooze_filters_and_stale() {
    let work = roster();
    at(&work, "2026-03-01", &["log-call", "S"]).ok();
    at(&work, "2026-03-25", &["log-call", "S"]).ok();
    let csv = at(&work, "2026-03-26", &["followups", "--format", "csv"]).ok();
    let listed = ids(&csv);
    for id in [
        "thank-you:ACT-00001",
        "feedback:ACT-00001",
        "thank-you:ACT-00002",
    ] {
        assert!(listed.contains(&id.to_string()), "{id}: {csv}");
    }
    let stderr = at(
        &work,
        "2026-03-26",
        &["followups", "done", "thank-you:ACT-00001"],
    )
    .fails(0);
    assert!(
        stderr.contains("thank-you:ACT-00001: done (thank-you ACT-00003"),
        "{stderr}"
    );
    let listed = ids(&at(&work, "2026-03-26", &["followups", "--format", "csv"]).ok());
    assert!(
        !listed.contains(&"thank-you:ACT-00001".to_string()),
        "{listed:?}"
    );
    assert!(
        listed.contains(&"thank-you:ACT-00002".to_string()),
        "only its own: {listed:?}"
    );
    // Snoozed: gone from what is due, back on its day.
    at(
        &work,
        "2026-03-26",
        &[
            "followups",
            "snooze",
            "feedback:ACT-00001",
            "--until",
            "2026-04-10",
        ],
    )
    .ok();
    let listed = ids(&at(&work, "2026-03-26", &["followups", "--format", "csv"]).ok());
    assert!(
        !listed.contains(&"feedback:ACT-00001".to_string()),
        "{listed:?}"
    );
    let all = at(
        &work,
        "2026-03-26",
        &["followups", "--all", "--format", "csv"],
    )
    .ok();
    assert!(
        all.contains("2026-04-10,upcoming,feedback:ACT-00001,"),
        "{all}"
    );
    // Filters.
    let thanks = ids(&at(
        &work,
        "2026-03-26",
        &[
            "followups",
            "--all",
            "--kind",
            "thank-you",
            "--format",
            "csv",
        ],
    )
    .ok());
    assert_eq!(thanks, ["thank-you:ACT-00002"]);
    let none = ids(&at(
        &work,
        "2026-03-26",
        &["followups", "--all", "--contact", "G", "--format", "csv"],
    )
    .ok());
    assert!(none.iter().all(|id| id.contains(":G:")), "{none:?}");
    let soon = ids(&at(
        &work,
        "2026-03-26",
        &[
            "followups",
            "--due-within",
            "20",
            "--contact",
            "S",
            "--format",
            "csv",
        ],
    )
    .ok());
    assert_eq!(
        soon,
        [
            "thank-you:ACT-00002",
            "feedback:ACT-00002",
            "feedback:ACT-00001"
        ],
        "due in the next 20 days, not the overdue"
    );
    // Stale: overdue more than 30 days, summed up per kind; --stale lists them.
    let run = at(&work, "2026-06-01", &["followups", "--format", "csv"]);
    assert!(
        run.stderr
            .contains("1 thank-you follow-up over 30 days late (oldest 2026-03-26): --stale"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stdout.contains("thank-you:ACT-00002"),
        "{}",
        run.stdout
    );
    let stale = at(
        &work,
        "2026-06-01",
        &["followups", "--stale", "--format", "csv"],
    )
    .ok();
    assert!(stale.contains("thank-you:ACT-00002"), "{stale}");
    // An id that is not open is an error.
    let stderr = at(
        &work,
        "2026-06-01",
        &["followups", "done", "thank-you:ACT-00001"],
    )
    .fails(1);
    assert!(
        stderr.contains("no open follow-up 'thank-you:ACT-00001'"),
        "{stderr}"
    );
}

/// brief warns of a renewal within match.renewal_caution_days; log-call --dry-run refuses as
/// log-call would (exit 1) and writes nothing; a snooze must move the item later.
#[test]
fn brief_caution_dry_run_refusal_and_snooze_checks() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,health,nps,use_case,renewal_date\n\
         A1,Renewing Bank,Banking,500,90,10,Payments,2026-06-20\n",
    );
    work.import(
        "contacts",
        "contact_id,account_id,name,title,tier,enrolled_on\nR,A1,Rita Renew,VP,new,2026-01-01\n",
    );
    let id = request(&work, "2026-06-01", "First Bank", "90000", &[]);
    let stderr = at(&work, "2026-06-01", &["brief", &id, "R"]).fails(0);
    assert!(
        stderr.contains("warning: Renewing Bank: caution: renewal on 2026-06-20"),
        "{stderr}"
    );
    at(&work, "2026-06-01", &["log-call", "R"]).ok();
    let before = work.db_bytes();
    let stderr = at(&work, "2026-06-10", &["log-call", "R", "--dry-run"]).fails(1);
    assert!(
        stderr.contains("new limit reached: 1 of 1") && stderr.contains("(dry run)"),
        "{stderr}"
    );
    assert_eq!(work.db_bytes(), before, "a dry run writes nothing");
    let stderr = at(
        &work,
        "2026-06-10",
        &[
            "followups",
            "snooze",
            "thank-you:ACT-00001",
            "--until",
            "2026-06-10",
        ],
    )
    .fails(1);
    assert!(stderr.contains("is not after 2026-06-10"), "{stderr}");
}

/// `roster show` lists a reference's follow-ups as `followups` does: a snooze moves the
/// item there too, and an activity older than `followup.reach_days` opens nothing in
/// either (before, roster show ignored snoozes and read every activity ever logged).
#[test]
fn roster_show_lists_the_follow_ups_followups_lists() {
    let work = roster();
    // Before S was enrolled (2026-01-01): the rule book refuses it unless overridden.
    at(
        &work,
        "2024-06-01",
        &[
            "log-call",
            "S",
            "--kind",
            "email",
            "--override",
            "history from the CRM",
        ],
    )
    .ok();
    at(&work, "2026-03-01", &["log-call", "S"]).ok();
    at(
        &work,
        "2026-03-05",
        &[
            "followups",
            "snooze",
            "feedback:ACT-00002",
            "--until",
            "2026-04-10",
        ],
    )
    .ok();
    let listed = at(
        &work,
        "2026-03-05",
        &["followups", "--all", "--contact", "S", "--format", "json"],
    )
    .ok();
    let shown = at(
        &work,
        "2026-03-05",
        &["roster", "show", "S", "--format", "json"],
    )
    .ok();
    let pairs = |json: &str, list: fn(&serde_json::Value) -> &serde_json::Value| {
        let v: serde_json::Value = serde_json::from_str(json).expect("json");
        let mut pairs: Vec<(String, String)> = list(&v)
            .as_array()
            .expect("a list")
            .iter()
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_string(),
                    f["due"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    };
    let from_followups = pairs(&listed, |v| v);
    let from_roster = pairs(&shown, |v| &v["followups"]);
    assert_eq!(from_roster, from_followups);
    assert!(
        from_roster.contains(&("feedback:ACT-00002".to_string(), "2026-04-10".to_string())),
        "{from_roster:?}"
    );
    assert!(
        !from_roster.iter().any(|(id, _)| id.ends_with("ACT-00001")),
        "{from_roster:?}"
    );
}

/// As of a day before a reference was enrolled, `roster list` called them available and
/// `match` offered them; an opt-out dated later already counted. Enrolments and opt-outs
/// are dated records: as of D, those after D have not happened.
#[test]
fn as_of_a_day_before_an_enrolment_the_reference_is_not_there_yet() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,country,region,status,health,nps,adoption,use_case\n\
         A-1,Acme Retail,Retail,2000,United States,Ohio,active,90,10,85,Inventory planning\n\
         A-2,Bolt Retail,Retail,2100,United States,Ohio,active,90,10,85,Inventory planning\n",
    );
    work.import(
        "contacts",
        "contact_id,account_id,name,title,role_level,tier,enrolled_on,opted_out_on\n\
         C-LATE,A-1,Dana Late,VP Operations,vp,standard,2026-06-01,\n\
         C-LEFT,A-2,Eli Left,VP Operations,vp,standard,2025-01-01,2026-06-01\n",
    );
    let listed = |day: &str| {
        work.run(&[
            "--as-of",
            day,
            "roster",
            "list",
            "--available",
            "--format",
            "csv",
        ])
        .ok()
    };
    let matched = |day: &str| {
        work.run(&[
            "--as-of",
            day,
            "--format",
            "csv",
            "match",
            "--prospect",
            "Initech",
            "--industry",
            "Retail",
            "--employees",
            "2000",
            "--use-case",
            "Inventory planning",
        ])
        .ok()
    };
    // Before June: Dana is not in the program yet, Eli has not left.
    let (roster, offered) = (listed("2026-03-01"), matched("2026-03-01"));
    assert!(
        !roster.contains("C-LATE") && roster.contains("C-LEFT"),
        "{roster}"
    );
    assert!(
        !offered.contains("C-LATE") && offered.contains("C-LEFT"),
        "{offered}"
    );
    // From June: the other way round.
    let (roster, offered) = (listed("2026-07-01"), matched("2026-07-01"));
    assert!(
        roster.contains("C-LATE") && !roster.contains("C-LEFT"),
        "{roster}"
    );
    assert!(
        offered.contains("C-LATE") && !offered.contains("C-LEFT"),
        "{offered}"
    );
    // roster show says why, in words.
    let shown = work
        .run(&["--as-of", "2026-03-01", "roster", "show", "C-LATE"])
        .ok();
    assert!(
        shown.contains("not in the program yet: enrolled on 2026-06-01"),
        "{shown}"
    );
}

/// The fixture program with more activities: some of contacts outside the program
/// (C-DETRACT-MGR, C-QUIET-IC) that sort between members, two of one member on one day.
fn program_with_activities_between_members() -> Workdir {
    let work = util::program();
    let activities = work.write(
        "more_activities.csv",
        "activity_id,contact_id,kind,date\n\
         X-1,C-DETRACT-MGR,call,2026-10-20\n\
         X-2,C-DETRACT-MGR,call,2026-10-21\n\
         X-3,C-DETRACT-MGR,site-visit,2026-10-22\n\
         X-4,C-HEALTH-CFO,call,2026-10-20\n\
         X-5,C-HEALTH-CFO,email,2026-10-20\n\
         X-6,C-BANK-CRO,call,2026-11-09\n\
         X-7,C-QUIET-IC,call,2026-11-01\n",
    );
    work.run(&["import", "activities", activities.to_str().unwrap()])
        .ok();
    work
}

/// `roster list` streams: SQLite sorts the members and the load events by contact id and
/// they are merged one member at a time. Each row is the standing `roster show` works out
/// for that member alone, through the contact's own indexes, also where activities of a
/// contact outside the program sort between members (C-DETRACT-MGR) and a member has
/// several on one day.
#[test]
fn each_roster_list_row_is_that_members_own_standing() {
    let work = program_with_activities_between_members();
    let day = "2026-11-10";
    let list = at(&work, day, &["roster", "list", "--format", "csv"]).ok();
    let mut rows = 0;
    let mut loaded = 0;
    for line in list.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (id, load, status) = (cells[0], cells[4], cells[7]);
        let shown: serde_json::Value =
            serde_json::from_str(&at(&work, day, &["roster", "show", id, "--format", "json"]).ok())
                .unwrap();
        assert_eq!(load, shown["load_90d"].to_string(), "{id}: {line}");
        assert_eq!(status, shown["status"].as_str().unwrap(), "{id}: {line}");
        rows += 1;
        loaded += usize::from(load != "0");
    }
    assert!(
        !list.contains("C-DETRACT-MGR") && !list.contains("C-QUIET-IC"),
        "{list}"
    );
    assert!(rows >= 6 && loaded >= 3, "{list}");
}

/// `followups` streams the members with their activities (sorted by SQLite and merged);
/// `roster show` reads one member's. Each member's open follow-ups are the same in both,
/// snoozes applied, with a non-member's activities sorted between members.
#[test]
fn each_members_follow_ups_are_those_roster_show_lists() {
    let work = program_with_activities_between_members();
    let day = "2026-11-10";
    at(
        &work,
        day,
        &[
            "followups",
            "snooze",
            "thank-you:X-6",
            "--until",
            "2026-11-30",
        ],
    )
    .ok();
    let ids_of = |json: &str| -> Vec<(String, String, String)> {
        let list: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut ids: Vec<(String, String, String)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["contact_id"].as_str().unwrap().to_string(),
                    f["id"].as_str().unwrap().to_string(),
                    f["due"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        ids.sort();
        ids
    };
    let mut listed = ids_of(&at(&work, day, &["followups", "--all", "--format", "json"]).ok());
    listed.extend(ids_of(
        &at(&work, day, &["followups", "--stale", "--format", "json"]).ok(),
    ));
    listed.sort();
    assert!(
        listed.contains(&(
            "C-BANK-CRO".into(),
            "thank-you:X-6".into(),
            "2026-11-30".into()
        )),
        "{listed:?}"
    );
    let roster = at(&work, day, &["roster", "list", "--format", "csv"]).ok();
    let mut shown = Vec::new();
    for line in roster.lines().skip(1) {
        let id = line.split(',').next().unwrap();
        let member: serde_json::Value =
            serde_json::from_str(&at(&work, day, &["roster", "show", id, "--format", "json"]).ok())
                .unwrap();
        shown.extend(ids_of(&member["followups"].to_string()));
    }
    shown.sort();
    assert_eq!(listed, shown);
    assert!(listed.len() >= 10, "{listed:?}");
    assert!(
        !listed
            .iter()
            .any(|(c, _, _)| c == "C-DETRACT-MGR" || c == "C-QUIET-IC")
    );
}
