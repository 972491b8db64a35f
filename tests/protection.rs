//! log-call, the roster and follow-ups: the limits at their boundaries, with --as-of.

mod util;

use util::{Workdir, assert_golden};

/// One account with a standard reference (S), a strategic one (G) and a contact not enrolled (N).
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
         G,A,Gina Strategic,CFO,strategic,call;webinar,2026-01-01\n\
         N,A,Nick Notenrolled,Analyst,,,\n",
    );
    work
}

/// Adds a Banking / Payments request from `prospect` on `day`, as the roster's reference
/// would match it, and returns its id.
fn add_request(work: &Workdir, day: &str, prospect: &str) -> String {
    work.run(&[
        "--as-of",
        day,
        "request",
        "add",
        "--prospect",
        prospect,
        "--industry",
        "Banking",
        "--employees",
        "600",
        "--deal-size",
        "90000",
        "--stage",
        "Proposal",
        "--rep",
        "Casey",
        "--use-case",
        "Payments",
    ])
    .ok()
    .trim()
    .to_string()
}

fn log(work: &Workdir, day: &str, args: &[&str]) -> util::Run {
    let mut all = vec!["--as-of", day, "log-call"];
    all.extend_from_slice(args);
    work.run(&all)
}

#[test]
fn a_standard_reference_does_two_in_ninety_days_and_the_third_waits() {
    let work = roster();
    log(&work, "2026-03-01", &["S"]).ok();
    let second = log(&work, "2026-04-01", &["S"]);
    assert!(
        second
            .fails(0)
            .contains("load: 2 of 2 in the last 90 days; next eligible 2026-05-30")
    );
    let before = work.db_bytes();
    let third = log(&work, "2026-05-29", &["S"]).fails(1);
    assert_golden("refusal_limit.txt", &third);
    assert_eq!(work.db_bytes(), before, "a refusal writes nothing");
    // 2026-05-30: the 2026-03-01 call has left the window.
    log(&work, "2026-05-30", &["S"]).ok();
}

#[test]
fn the_minimum_gap_is_21_days() {
    let work = roster();
    log(&work, "2026-03-01", &["G"]).ok();
    let stderr = log(&work, "2026-03-21", &["G"]).fails(1);
    assert!(stderr.contains("20 days before 2026-03-21; the minimum gap is 21 days (gap.min_days); eligible again on 2026-03-22"), "{stderr}");
    log(&work, "2026-03-22", &["G"]).ok();
}

#[test]
fn breaks_opt_outs_and_willingness() {
    let work = roster();
    work.run(&[
        "--as-of",
        "2026-03-01",
        "roster",
        "break",
        "S",
        "--until",
        "2026-03-31",
    ])
    .ok();
    let stderr = log(&work, "2026-03-31", &["S"]).fails(1);
    assert!(
        stderr.contains("on a break until 2026-03-31; eligible again on 2026-04-01"),
        "{stderr}"
    );
    log(&work, "2026-04-01", &["S"]).ok();
    let stderr = log(&work, "2026-05-01", &["S", "--kind", "webinar"]).fails(1);
    assert!(
        stderr.contains("not willing to do a webinar (willing: call, email)"),
        "{stderr}"
    );
    work.run(&[
        "--as-of",
        "2026-05-02",
        "roster",
        "opt-out",
        "G",
        "--reason",
        "changed jobs",
    ])
    .ok();
    let stderr = log(&work, "2026-06-01", &["G"]).fails(1);
    assert!(stderr.contains("opted out on 2026-05-02"), "{stderr}");
    let stderr = work
        .run(&["roster", "enroll", "G", "--tier", "standard"])
        .fails(1);
    assert!(
        stderr.contains("opted out on 2026-05-02: they cannot be enrolled again"),
        "{stderr}"
    );
    let stderr = log(&work, "2026-06-01", &["N"]).fails(1);
    assert!(stderr.contains("not enrolled in the program"), "{stderr}");
}

#[test]
fn relationship_touches_are_never_limited() {
    let work = roster();
    log(&work, "2026-03-01", &["S"]).ok();
    log(&work, "2026-03-02", &["S", "--kind", "thank-you"]).ok();
    log(&work, "2026-03-02", &["S", "--kind", "gift"]).ok();
    log(&work, "2026-03-03", &["N", "--kind", "check-in"]).ok();
}

#[test]
fn an_override_is_recorded_with_its_reason() {
    let work = roster();
    log(&work, "2026-03-01", &["S"]).ok();
    let run = log(&work, "2026-03-05", &["S", "--override", "CEO asked"]);
    let stderr = run.fails(0);
    assert!(
        stderr.contains(
            "warning: override recorded (CEO asked) for: last asked or used on 2026-03-01"
        ),
        "{stderr}"
    );
    let show = work
        .run(&[
            "--as-of",
            "2026-03-05",
            "roster",
            "show",
            "S",
            "--format",
            "json",
        ])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&show).expect("json");
    assert_eq!(value["load_90d"], 2);
    assert_eq!(value["activities"].as_array().expect("activities").len(), 2);
}

#[test]
fn roster_changes_are_kept_with_time_stamps() {
    let work = roster();
    work.run(&[
        "--as-of",
        "2026-02-01",
        "roster",
        "enroll",
        "N",
        "--tier",
        "new",
        "--willing",
        "call,email",
        "--topics",
        "budgets;rollout",
    ])
    .ok();
    work.run(&[
        "--as-of",
        "2026-03-01",
        "roster",
        "set-tier",
        "N",
        "standard",
    ])
    .ok();
    work.run(&[
        "--as-of",
        "2026-04-01",
        "roster",
        "break",
        "N",
        "--days",
        "30",
    ])
    .ok();
    work.run(&["--as-of", "2026-04-10", "roster", "resume", "N"])
        .ok();
    work.run(&["--as-of", "2026-05-01", "roster", "recommit", "N"])
        .ok();
    let show = work
        .run(&[
            "--as-of",
            "2026-05-01",
            "roster",
            "show",
            "N",
            "--format",
            "json",
        ])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&show).expect("json");
    let events: Vec<String> = value["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| {
            format!(
                "{} {} {}->{}",
                &e["at"].as_str().unwrap_or("")[..10],
                e["event"].as_str().unwrap_or(""),
                e["old_value"].as_str().unwrap_or("-"),
                e["new_value"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            "2026-02-01 enroll -->new",
            "2026-03-01 tier new->standard",
            "2026-04-01 break -->2026-05-01",
            "2026-04-10 resume 2026-05-01->-",
            "2026-05-01 recommit -->2026-05-01",
        ]
    );
    assert_eq!(
        value["member"]["topics"],
        serde_json::json!(["budgets", "rollout"])
    );
    let csv = work
        .run(&["--as-of", "2026-05-01", "roster", "list", "--format", "csv"])
        .ok();
    assert!(
        csv.contains(
            "N,Nick Notenrolled,Acme,standard,0,2,2026-05-01,available,2026-02-01,2027-05-01"
        ),
        "{csv}"
    );
    let available = work
        .run(&[
            "--as-of",
            "2026-05-01",
            "roster",
            "list",
            "--available",
            "--format",
            "csv",
        ])
        .ok();
    assert_eq!(available.lines().count(), 4, "{available}");
}

#[test]
fn fatigue_suggests_a_break() {
    let work = roster();
    // Four activities for the strategic reference in one quarter: over the burnout flag (3).
    for (day, kind) in [
        ("2026-04-01", "call"),
        ("2026-04-22", "webinar"),
        ("2026-05-13", "call"),
        ("2026-06-03", "webinar"),
    ] {
        let run = log(&work, day, &["G", "--kind", kind, "--override", "test"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let stderr = log(&work, "2026-06-04", &["G", "--kind", "thank-you"]).fails(0);
    assert!(stderr.contains("warning: fatigue: 4 activities this quarter (burnout flag: more than 3); suggest a break of one quarter: refprog roster break G --days 90"), "{stderr}");
}

/// The whole loop as a program manager runs it.
#[test]
fn scenario_enroll_request_match_ask_answer_log_followups_thank() {
    let work = roster();
    work.run(&[
        "--as-of",
        "2026-11-01",
        "roster",
        "enroll",
        "N",
        "--tier",
        "standard",
    ])
    .ok();
    let id = add_request(&work, "2026-11-20", "Globex");
    let csv = work
        .run(&["--as-of", "2026-11-20", "match", &id, "--format", "csv"])
        .ok();
    assert!(
        csv.lines().nth(1).is_some_and(|l| l.starts_with("1,G,")),
        "{csv}"
    );
    work.run(&["--as-of", "2026-11-20", "match", &id, "--ask", "G"])
        .ok();
    work.run(&[
        "--as-of",
        "2026-11-21",
        "request",
        "answer",
        &id,
        "G",
        "--yes",
        "--scheduled",
        "2026-11-24",
    ])
    .ok();
    let logged = work
        .run(&[
            "--as-of",
            "2026-11-24",
            "log-call",
            "G",
            "--request",
            &id,
            "--minutes",
            "20",
        ])
        .fails(0);
    assert!(logged.contains(&format!("{id}: completed")), "{logged}");
    assert!(
        logged.contains("load: 1 of 4 in the last 90 days"),
        "{logged}"
    );
    let due = work
        .run(&["--as-of", "2026-11-26", "followups", "--format", "csv"])
        .ok();
    assert!(
        due.contains(&format!(
            "refprog log-call G --kind thank-you --request {id}"
        )),
        "{due}"
    );
    assert!(
        due.contains(&format!(
            "refprog log-call G --kind feedback --request {id} --reference-rating N"
        )),
        "{due}"
    );
    work.run(&[
        "--as-of",
        "2026-11-26",
        "log-call",
        "G",
        "--kind",
        "thank-you",
    ])
    .ok();
    work.run(&[
        "--as-of",
        "2026-11-26",
        "log-call",
        "G",
        "--kind",
        "feedback",
        "--request",
        &id,
        "--reference-rating",
        "9",
        "--prospect-rating",
        "10",
    ])
    .ok();
    let after = work
        .run(&["--as-of", "2026-11-26", "followups", "--format", "csv"])
        .ok();
    assert!(!after.contains(&format!("--request {id}")), "{after}");
    let show = work.run(&["request", "show", &id, "--format", "json"]).ok();
    let value: serde_json::Value = serde_json::from_str(&show).expect("json");
    assert_eq!(value["request"]["status"], "completed");
}

#[test]
fn match_warns_of_fatigue_after_two_passes_in_a_row() {
    let work = roster();
    for (day, prospect) in [("2026-03-01", "First"), ("2026-04-01", "Second")] {
        let id = add_request(&work, day, prospect);
        work.run(&["--as-of", day, "match", &id, "--ask", "G"]).ok();
        work.run(&["--as-of", day, "request", "answer", &id, "G", "--pass"])
            .ok();
    }
    let id = add_request(&work, "2026-05-01", "Third");
    let csv = work
        .run(&["--as-of", "2026-05-01", "match", &id, "--format", "csv"])
        .ok();
    assert!(
        csv.contains("fatigue: 2 passes in a row (suggest a break of one quarter)"),
        "{csv}"
    );
}

/// The utilization row of one contact, as its CSV fields.
fn utilization_row(work: &Workdir, as_of: &str, contact: &str) -> Vec<String> {
    let csv = work
        .run(&["--as-of", as_of, "report", "utilization", "--format", "csv"])
        .ok();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| r.expect("row"))
        .find(|r| &r[0] == contact)
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_else(|| panic!("no row for {contact} in\n{csv}"))
}

#[test]
fn utilization_flags_an_override_while_it_is_in_the_window() {
    let work = roster();
    log(&work, "2026-03-01", &["S"]).ok();
    log(&work, "2026-03-05", &["S", "--override", "CEO asked"]).ok();
    let row = utilization_row(&work, "2026-03-10", "S");
    // this_quarter, last_90_days, last_365_days, all_time, last_activity, flags
    assert_eq!(row[5..10], ["2", "2", "2", "2", "2026-03-05"], "{row:?}");
    // 2 of 2: at the limit too.
    assert_eq!(row[12], "override;at-limit", "{row:?}");
    // 2026-06-03 is 90 days on: the window starts on 2026-03-06, after the override.
    let row = utilization_row(&work, "2026-06-03", "S");
    assert_eq!(row[5..10], ["0", "0", "2", "2", "2026-03-05"], "{row:?}");
    assert_eq!(row[12], "", "{row:?}");
    // Before the activities happened, they are not counted.
    let row = utilization_row(&work, "2026-03-03", "S");
    assert_eq!(row[5..10], ["1", "1", "1", "1", "2026-03-01"], "{row:?}");
}

/// The roster list matches members to accounts by scanning both and hashing the ids;
/// `roster show` looks one account up. Both give every member its own account.
#[test]
fn every_member_gets_its_own_account_in_a_large_roster() {
    let work = Workdir::new();
    let mut accounts = String::from("account_id,name,industry,employees\n");
    let mut contacts = String::from("contact_id,account_id,name,tier\n");
    for i in 0..150 {
        accounts.push_str(&format!("A{i:03},Account {i},Banking,{}\n", 100 + i));
        // Two members at every third account, none at every fifth.
        if i % 5 != 0 {
            contacts.push_str(&format!("C{i:03},A{i:03},Person {i},standard\n"));
        }
        if i % 3 == 0 {
            contacts.push_str(&format!("D{i:03},A{i:03},Second {i},new\n"));
        }
    }
    work.import("accounts", &accounts);
    work.import("contacts", &contacts);
    let csv = work.run(&["roster", "list", "--format", "csv"]).ok();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 120 + 50, "{csv}");
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "by contact id");
    for row in &rows {
        let number: u32 = row[0][1..].parse().expect("number");
        assert_eq!(&row[2], format!("Account {number}"), "{row:?}");
        let shown = work
            .run(&["roster", "show", &row[0], "--format", "json"])
            .ok();
        let shown: serde_json::Value = serde_json::from_str(&shown).expect("json");
        assert_eq!(shown["member"]["account"], format!("Account {number}"));
    }
}

/// Activities are counted in two halves of their dates: one contact's activities on both
/// sides of the middle all count, and the last one is the latest of both.
#[test]
fn utilization_adds_up_activities_from_both_halves_of_the_dates() {
    let work = roster();
    log(&work, "2026-01-10", &["S"]).ok();
    log(&work, "2026-06-01", &["S"]).ok();
    // The dates run from 2026-01-10 to 2026-06-10: the middle is 2026-03-26.
    let row = utilization_row(&work, "2026-06-10", "S");
    assert_eq!(row[5..10], ["1", "1", "2", "2", "2026-06-01"], "{row:?}");
}

/// A program over 4 MiB is analysed with a second connection (the later half of the dates
/// counted on another thread; a smaller one counts both halves on one): the same figures.
#[test]
fn a_larger_program_counts_both_halves_on_two_connections_alike() {
    let work = roster();
    log(&work, "2026-01-10", &["S"]).ok();
    log(&work, "2026-06-01", &["S"]).ok();
    let small = utilization_row(&work, "2026-06-10", "S");
    // Accounts with no contacts grow the file past the size that takes a second connection
    // and change nothing in the references' figures.
    let filler = util::filler_accounts(40_000);
    work.import("accounts", &filler);
    let bytes = work.db_bytes().len();
    assert!(bytes > 4 << 20, "the database is {bytes} bytes");
    let large = utilization_row(&work, "2026-06-10", "S");
    assert_eq!(large, small);
    assert_eq!(
        large[5..10],
        ["1", "1", "2", "2", "2026-06-01"],
        "{large:?}"
    );
}
