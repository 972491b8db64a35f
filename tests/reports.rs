//! The reports on the fixture program (fixtures/program), as of 2026-11-23, with the
//! expected figures worked out by hand in the comments.

mod util;

use util::{Workdir, assert_golden, program};

const AS_OF: &str = "2026-11-23";

fn report(work: &Workdir, args: &[&str]) -> String {
    let mut all = vec!["--as-of", AS_OF, "report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv"]);
    work.run(&all).ok()
}

/// The value column of the metric row whose metric starts with `metric`.
fn value(csv: &str, metric: &str) -> String {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| r.expect("row"))
        .find(|r| r[1].starts_with(metric))
        .map(|r| r[2].to_string())
        .unwrap_or_else(|| panic!("no metric {metric} in\n{csv}"))
}

#[test]
fn utilization_is_the_cron_contract() {
    let work = program();
    // Summit's VP did calls on 10-02 and 10-25 and a webinar on 11-05: 3 this quarter and in
    // 90 days, over the standard limit of 2; eligible again when the 10-25 call leaves the
    // window (2027-01-23). Mercy's CFO did a case study on 2026-06-01: last year, not this quarter.
    assert_golden("report_utilization.csv", &report(&work, &["utilization"]));
}

#[test]
fn as_of_moves_the_windows() {
    let work = program();
    let later = work
        .run(&[
            "--as-of",
            "2027-02-01",
            "report",
            "utilization",
            "--format",
            "csv",
        ])
        .ok();
    // By 2027-02-01 Summit's activities are in the last quarter; only the 11-05 webinar is
    // still inside the 90 days (from 2026-11-04), so the VP is no longer over the limit.
    assert!(
        later.contains(
            "C-BUSY-VP,Lee Chen,A-BUSY,Summit Insurance,standard,0,1,3,3,2026-11-05,2027-02-01,2,\n"
        ),
        "{later}"
    );
}

#[test]
fn health_figures() {
    let work = program();
    let csv = report(&work, &["health"]);
    // Six enrolled contacts, none opted out, against 8 active customers (9 less the churned one).
    assert_eq!(value(&csv, "active references"), "6");
    assert_eq!(value(&csv, "share of active customers"), "75");
    // Activities in the last year: Summit 3, Mercy's CFO 1; the busiest 20 % of 6 is 2 people,
    // who carried all 4.
    assert_eq!(value(&csv, "share of the last year's activities"), "100");
    assert_eq!(
        value(&csv, "by sector"),
        "healthcare 3, financial services 2, retail and consumer 1"
    );
}

#[test]
fn coverage_ranks_the_gaps_by_demand() {
    let work = program();
    let csv = report(&work, &["coverage"]);
    // Large healthcare: Mercy's CFO and director of IT are available (2 < 3: a gap); Acme
    // (12-15) and Valley (2027-01-20) close within 60 days, 120,000 + 200,000.
    let first = csv.lines().nth(1).expect("a segment");
    assert_eq!(
        first,
        "\"healthcare / large (1,000-4,999)\",2,2,2,2,320000,gap"
    );
    // Metro Credit Union closes 2027-01-05, 43 days out: within 60.
    assert!(
        csv.contains("\"financial services / enterprise (5,000+)\",1,1,1,1,300000,gap"),
        "{csv}"
    );
}

#[test]
fn satisfaction_figures() {
    let work = program();
    let csv = report(&work, &["satisfaction"]);
    // Reference ratings 8, 7, 6, 9: one promoter, one detractor of 4 = 0.
    assert_eq!(value(&csv, "reference NPS"), "0");
    // Prospect ratings 9, 8: one promoter of 2 = 50; average 8.5.
    assert_eq!(value(&csv, "prospect NPS"), "50");
    assert_eq!(value(&csv, "average prospect rating"), "8.5");
    assert_eq!(value(&csv, "ask-to-yes rate"), "");
}

#[test]
fn fulfillment_and_impact_after_a_request_is_worked() {
    let work = program();
    let id = work
        .run(&[
            "--as-of",
            "2026-11-20",
            "request",
            "add",
            "--prospect",
            "Acme Clinics",
            "--industry",
            "Healthcare",
            "--employees",
            "1200",
            "--deal-size",
            "120000",
            "--stage",
            "Negotiation",
            "--rep",
            "Jordan Blake",
            "--use-case",
            "Claims automation",
            "--opportunity",
            "O-6",
        ])
        .ok()
        .trim()
        .to_string();
    work.run(&["--as-of", "2026-11-20", "request", "approve", &id])
        .ok();
    work.run(&[
        "--as-of",
        "2026-11-21",
        "match",
        &id,
        "--ask",
        "C-HEALTH-IT",
    ])
    .ok();
    work.run(&[
        "--as-of",
        "2026-11-21",
        "request",
        "answer",
        &id,
        "C-HEALTH-IT",
        "--yes",
        "--scheduled",
        "2026-11-24",
    ])
    .ok();
    work.run(&[
        "--as-of",
        "2026-11-24",
        "log-call",
        "C-HEALTH-IT",
        "--request",
        &id,
    ])
    .ok();
    let csv = work
        .run(&[
            "--as-of",
            "2026-11-24",
            "report",
            "fulfillment",
            "--format",
            "csv",
        ])
        .ok();
    // R-OLD-1 and R-OLD-2 (imported as completed) and the new one: 3 received, all approved
    // and fulfilled.
    assert_eq!(value(&csv, "received"), "3");
    assert_eq!(value(&csv, "fulfilment rate"), "100");
    let by_rep = work
        .run(&[
            "--as-of",
            "2026-11-24",
            "report",
            "fulfillment",
            "--format",
            "csv",
            "--section",
            "by_rep",
        ])
        .ok();
    assert!(
        by_rep.contains("Jordan Blake,1,1,1,1"),
        "O-6 was won: {by_rep}"
    );
    // O-6 (won 2026-07-01, 250,000) now has a reference activity; O-7 (lost) has none.
    let impact = work
        .run(&[
            "--as-of",
            "2026-11-24",
            "report",
            "impact",
            "--format",
            "csv",
        ])
        .ok();
    assert_eq!(value(&impact, "win rate"), "100");
    assert_eq!(value(&impact, "revenue influenced"), "250000");
    // The lift is a number in CSV (points, negative when lower); the table says it in words.
    assert_eq!(value(&impact, "win rate with minus without"), "100");
    let table = work
        .run(&["--as-of", "2026-11-24", "report", "impact"])
        .ok();
    assert!(
        table.contains("100.0 points higher with a reference"),
        "{table}"
    );
}

#[test]
fn an_empty_database_gives_headers_not_errors() {
    let work = Workdir::empty();
    for name in [
        "utilization",
        "health",
        "coverage",
        "capacity",
        "fulfillment",
        "impact",
        "satisfaction",
    ] {
        let csv = report(&work, &[name]);
        assert!(
            csv.lines().next().is_some_and(|h| h.contains(',')),
            "{name}: {csv}"
        );
    }
    assert_eq!(
        report(&work, &["utilization"]),
        "contact_id,name,account_id,account,tier,this_quarter,last_90_days,last_365_days,all_time,last_activity,next_eligible,limit,flags\n"
    );
}

#[test]
fn csv_cells_are_neutralised_but_numbers_are_not() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name\n=A1,=HYPERLINK(\"http://x\")\n",
    );
    work.import(
        "contacts",
        "contact_id,account_id,name,tier\n@C1,=A1,-Mallory,standard\n",
    );
    let csv = report(&work, &["utilization"]);
    assert!(
        csv.contains("'@C1,'-Mallory,'=A1,\"'=HYPERLINK(\"\"http://x\"\")\",standard,0,0,0,0,"),
        "{csv}"
    );
    for command in [
        vec!["roster", "list"],
        vec!["export", "contacts"],
        vec!["followups", "--all"],
    ] {
        let mut args = vec!["--as-of", AS_OF];
        args.extend(command.iter().copied());
        args.extend(["--format", "csv"]);
        let out = work.run(&args).ok();
        assert!(
            !out.contains(",@C1") && !out.contains("\n@C1") && !out.contains(",-Mallory"),
            "{command:?}: {out}"
        );
    }
}

/// Every CSV refprog writes: no text cell starts with a character a spreadsheet would run
/// (numbers excepted), whatever the data holds.
#[test]
fn no_csv_command_writes_a_live_formula() {
    let work = Workdir::new();
    let files = [
        (
            "accounts",
            "account_id,name,industry,employees,country,region,use_case,health,nps,customer_since\n=A,=cmd|' /C calc'!A0,+Healthcare,800,-US,@IL,=Claims,90,10,2020-01-01\n",
        ),
        (
            "contacts",
            "contact_id,account_id,name,title,tier,willing,topics\n@C,=A,-Eve,=CFO,standard,call,=SUM(A1)\n",
        ),
        (
            "opportunities",
            "opportunity_id,name,prospect,industry,employees,amount,close_date,status,rep,use_case\n+O,=deal,@prospect,+Healthcare,800,1000,2026-12-01,open,-rep,=Claims\n",
        ),
        (
            "requests",
            "request_id,prospect,industry,employees,deal_size,stage,rep,use_case,submitted_on,status\n-R,=Prospect,+Healthcare,800,90000,=Proposal,@rep,=Claims,2026-11-01,submitted\n",
        ),
        (
            "activities",
            "activity_id,contact_id,request_id,kind,date,notes\n=ACT,@C,-R,call,2026-11-01,=notes\n",
        ),
    ];
    for (kind, text) in files {
        work.import(kind, text);
    }
    // `policy set` now refuses a group that does not exist (issue 15): the formula group
    // is one an older refprog stored, which `policy` still lists.
    rusqlite::Connection::open(&work.db)
        .expect("open")
        .execute(
            "INSERT INTO policy (key, value, set_on) VALUES ('sector.=Evil', '@group', '2026-11-01')",
            [],
        )
        .expect("an older refprog's formula group");
    let commands: Vec<Vec<&str>> = vec![
        vec!["export", "accounts"],
        vec!["export", "contacts"],
        vec!["export", "opportunities"],
        vec!["export", "requests"],
        vec!["export", "activities"],
        vec!["score"],
        vec!["match", "--include-poor", "--show-excluded", "--", "-R"],
        vec![
            "match",
            "--industry",
            "+Healthcare",
            "--employees",
            "800",
            "--include-poor",
        ],
        vec!["request", "list"],
        vec!["request", "show", "--", "-R"],
        vec!["roster", "list"],
        vec!["roster", "show", "@C"],
        vec!["followups", "--all"],
        vec!["policy"],
        vec!["report", "utilization"],
        vec!["report", "health"],
        vec!["report", "coverage"],
        vec!["report", "capacity"],
        vec!["report", "fulfillment"],
        vec!["report", "impact"],
        vec!["report", "satisfaction"],
    ];
    for command in commands {
        let mut args = vec!["--as-of", "2026-11-23", "--format", "csv"];
        args.extend(command.iter().copied());
        let out = work.run(&args).ok();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(out.as_bytes());
        for record in reader.records() {
            for cell in record.expect("well-formed csv").iter() {
                let live = cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                    && cell.parse::<f64>().is_err();
                assert!(!live, "{command:?} wrote a live formula cell {cell:?}");
            }
        }
    }
}

/// A date refprog never writes (a hand edit of the file) is skipped by the counts, and the
/// other activities are still counted, even when it sorts before every real date.
#[test]
fn utilization_counts_around_a_date_that_is_not_iso() {
    let work = program();
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    conn.execute(
        "INSERT INTO activities (activity_id, contact_id, kind, date) VALUES ('ACT-ODD', 'C-HEALTH-IT', 'call', '05/01/2026')",
        [],
    )
    .expect("insert");
    drop(conn);
    let csv = report(&work, &["utilization"]);
    assert!(
        csv.contains("C-BUSY-VP,Lee Chen,A-BUSY,Summit Insurance,standard,3,3,3,3,2026-11-05,2027-01-23,2,over-limit\n"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "C-HEALTH-IT,Tom Reyes,A-HEALTH,Mercy Health,standard,0,0,0,0,,2026-11-23,2,\n"
        ),
        "{csv}"
    );
}

/// The weekly cron CSV flagged only the references over their limit: those exactly at it
/// (1 of 1), whom roster and status count "at limit", had no flag, so a filter on flags
/// missed them. Over or at the limit, utilization's flags and status now count the same.
#[test]
fn utilization_flags_everyone_status_counts_at_the_limit() {
    let work = Workdir::new();
    work.run(&["--quiet", "--as-of", "2026-11-30", "demo"]).ok();
    let csv = work
        .run(&[
            "--as-of",
            "2026-11-30",
            "report",
            "utilization",
            "--format",
            "csv",
        ])
        .ok();
    let flagged = csv
        .lines()
        .skip(1)
        .filter(|l| {
            let flags = l.rsplit(',').next().unwrap_or_default();
            flags
                .split(';')
                .any(|f| f == "over-limit" || f == "at-limit")
        })
        .count();
    assert!(
        csv.contains(",at-limit"),
        "the demo has someone at the limit:\n{csv}"
    );
    let status = work
        .run(&[
            "--as-of",
            "2026-11-30",
            "status",
            "--format",
            "csv",
            "--section",
            "status",
        ])
        .ok();
    let at_limit: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("references at their limit,"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {status}"));
    assert_eq!(flagged, at_limit, "{csv}\n{status}");
}

/// roster's status column called a reference at 7 of a limit of 4 "at limit" while the
/// digest and utilization said over it: past the limit it is "over limit", as they say.
#[test]
fn roster_says_over_limit_past_the_limit_and_at_limit_on_it() {
    let work = Workdir::new();
    work.run(&["--quiet", "--as-of", "2026-11-30", "demo"]).ok();
    let csv = work
        .run(&["--as-of", "2026-11-30", "roster", "list", "--format", "csv"])
        .ok();
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let column = |name: &str| header.iter().position(|c| *c == name).expect(name);
    let (load, limit, status) = (column("load_90d"), column("limit"), column("status"));
    let (mut over, mut at) = (0, 0);
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (l, m): (i64, i64) = (
            cells[load].parse().expect("load"),
            cells[limit].parse().expect("limit"),
        );
        match cells[status] {
            "over limit" => {
                assert!(l > m, "{line}");
                over += 1;
            }
            "at limit" => {
                assert_eq!(l, m, "{line}");
                at += 1;
            }
            _ => {}
        }
    }
    assert!(over > 0 && at > 0, "over {over}, at {at}:\n{csv}");
}

/// `status` counts the follow-ups and the references at their limit as the members stream
/// past; a program over 4 MiB streams them with the account book on a second connection.
/// Accounts with no contacts change none of its figures.
#[test]
fn status_gives_the_same_figures_when_the_program_outgrows_one_connection() {
    let work = Workdir::new();
    work.run(&["--quiet", "--as-of", "2026-11-30", "demo"]).ok();
    let figures = || {
        let json = work
            .run(&["--as-of", "2026-11-30", "status", "--format", "json"])
            .ok();
        let value: serde_json::Value = serde_json::from_str(&json).expect("status JSON");
        let fact = |name: &str| {
            value["status"]
                .as_array()
                .and_then(|rows| rows.iter().find(|r| r["fact"] == name))
                .map(|r| r["value"].clone())
                .unwrap_or_else(|| panic!("no {name} in {json}"))
        };
        (
            [
                fact("follow-ups due today"),
                fact("follow-ups overdue"),
                fact("follow-ups stale"),
                fact("references at their limit"),
            ],
            value["at_limit"].clone(),
        )
    };
    let small = figures();
    assert!(
        small.0[1].as_u64().is_some_and(|n| n > 0) && small.0[3].as_u64().is_some_and(|n| n > 0),
        "the demo has overdue follow-ups and references at their limit: {small:?}"
    );
    work.import("accounts", &util::filler_accounts(40_000));
    let bytes = work.db_bytes().len();
    assert!(bytes > 4 << 20, "the database is {bytes} bytes");
    assert_eq!(figures(), small);
}
