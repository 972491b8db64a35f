//! Mistakes are cheap: people are found by id, email or name, and a near miss is answered
//! with "did you mean".

mod util;

use util::{Workdir, program};

const AS_OF: &str = "2026-11-23";

#[test]
fn a_reference_is_found_by_id_email_or_name() {
    let work = program();
    for given in [
        "C-HEALTH-CFO",
        "Maya Okafor",
        "maya okafor",
        "MAYA@mercy.example",
    ] {
        let shown = work
            .run(&["--as-of", AS_OF, "roster", "show", given, "--format", "csv"])
            .ok();
        assert!(
            shown.contains("Maya Okafor (C-HEALTH-CFO)"),
            "{given}: {shown}"
        );
    }
}

#[test]
fn a_near_miss_suggests_the_contact_meant() {
    let work = program();
    // Ids stay case-sensitive, but the id in another case is suggested first.
    let stderr = work
        .run(&["--as-of", AS_OF, "roster", "show", "c-health-cfo"])
        .fails(1);
    assert!(
        stderr.contains(
            "no contact 'c-health-cfo'; did you mean C-HEALTH-CFO (Maya Okafor, Mercy Health)?"
        ),
        "{stderr}"
    );
    let stderr = work
        .run(&["--as-of", AS_OF, "roster", "show", "Maya Okafr"])
        .fails(1);
    assert!(
        stderr.contains("did you mean C-HEALTH-CFO (Maya Okafor"),
        "{stderr}"
    );
    let stderr = work
        .run(&["--as-of", AS_OF, "roster", "show", "zzz"])
        .fails(1);
    assert!(
        stderr.contains("no contact 'zzz' by id, email or name"),
        "{stderr}"
    );
}

/// A change named by a person's name is stored under their id.
#[test]
fn log_call_and_roster_changes_take_a_name() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "Maya Okafor",
        "--kind",
        "thank-you",
    ])
    .ok();
    let activities = work.run(&["export", "activities"]).ok();
    assert!(
        activities
            .lines()
            .any(|l| l.contains(",C-HEALTH-CFO,") && l.contains(",thank-you,")),
        "{activities}"
    );
    work.run(&[
        "--as-of",
        AS_OF,
        "roster",
        "break",
        "tom@mercy.example",
        "--days",
        "30",
    ])
    .ok();
    let shown = work
        .run(&[
            "--as-of",
            AS_OF,
            "roster",
            "show",
            "C-HEALTH-IT",
            "--format",
            "csv",
        ])
        .ok();
    assert!(shown.contains("break until,2026-12-23"), "{shown}");
}

/// The same activity logged twice (a retry, two people logging one call) is refused
/// unless --again.
#[test]
fn the_same_activity_twice_needs_again() {
    let work = program();
    let args = [
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-IT",
        "--kind",
        "thank-you",
    ];
    work.run(&args).ok();
    let stderr = work.run(&args).fails(1);
    assert!(
        stderr.contains("Tom Reyes (C-HEALTH-IT) already has a thank-you on 2026-11-23")
            && stderr.contains("--again"),
        "{stderr}"
    );
    let count = |work: &util::Workdir| {
        work.run(&["export", "activities"])
            .ok()
            .lines()
            .filter(|l| l.contains(",C-HEALTH-IT,") && l.contains(",thank-you,2026-11-23"))
            .count()
    };
    assert_eq!(count(&work), 1, "the refused one wrote nothing");
    work.run(&[&args[..], &["--again"]].concat()).ok();
    assert_eq!(count(&work), 2);
}

#[test]
fn an_activity_logged_by_mistake_is_listed_and_deleted() {
    let work = program();
    let before = work.run(&["export", "activities"]).ok();
    work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "Tom Reyes",
        "--kind",
        "check-in",
    ])
    .ok();
    let listed = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "list",
            "--contact",
            "tom@mercy.example",
            "--format",
            "csv",
        ])
        .ok();
    let id = listed
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').next())
        .expect("the new activity first")
        .to_string();
    assert!(
        listed
            .lines()
            .nth(1)
            .is_some_and(|l| l.contains(",check-in,")),
        "{listed}"
    );
    let run = work.run(&["--as-of", AS_OF, "activity", "delete", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "deleted check-in {id} of Tom Reyes (C-HEALTH-IT) on 2026-11-23"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("'refprog undo' puts it back"),
        "{}",
        run.stderr
    );
    assert_eq!(work.run(&["export", "activities"]).ok(), before);
    let stderr = work.run(&["activity", "delete", &id]).fails(1);
    assert!(stderr.contains("no activity"), "{stderr}");
    // undo puts the deleted activity back, under its id.
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains(&format!(
            "undid: activity delete of a check-in for Tom Reyes (C-HEALTH-IT) on 2026-11-23 ({id}) — the activity is back"
        )),
        "{stderr}"
    );
    let listed = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "list",
            "--contact",
            "C-HEALTH-IT",
            "--format",
            "csv",
        ])
        .ok();
    assert!(
        listed.contains(&format!("{id},2026-11-23,C-HEALTH-IT,Tom Reyes,check-in")),
        "{listed}"
    );
}

// ---- history and undo (issue 14: "every change is kept in a history table, and
// `refprog undo` reverts the last change made by hand") ----

/// Every row of every table the program keeps (not the history itself), in a stable
/// order: what "undo puts things back as they were" is checked against.
fn rows(work: &util::Workdir) -> String {
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let mut tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT IN ('changes', 'history', 'imports') ORDER BY name",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<rusqlite::Result<_>>()
        .expect("tables");
    tables.sort();
    let mut out = String::new();
    for table in tables {
        let mut statement = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))
            .expect("select");
        let n = statement.column_count();
        let mut found = statement.query([]).expect("query");
        while let Some(row) = found.next().expect("row") {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get_ref(i).expect("cell")))
                .collect();
            out.push_str(&format!("{table}: {}\n", cells.join(" | ")));
        }
    }
    out
}

fn count(work: &util::Workdir, sql: &str) -> i64 {
    rusqlite::Connection::open(&work.db)
        .expect("open")
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn undo_takes_back_a_log_call_and_the_request_it_completed() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
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
    ])
    .ok();
    let before = rows(&work);
    let logged = work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-CFO",
        "--request",
        "REQ-00003",
        "--minutes",
        "25",
    ]);
    assert_eq!(logged.code, 0, "{}", logged.stderr);
    assert!(
        logged.stderr.contains("REQ-00003: completed"),
        "{}",
        logged.stderr
    );
    let id = logged
        .stderr
        .split_whitespace()
        .nth(2)
        .expect("the new id")
        .to_string();
    assert_ne!(rows(&work), before);

    let dry = work.run(&["--as-of", AS_OF, "undo", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stderr.contains(&format!(
            "would undo: log-call of a call for Maya Okafor (C-HEALTH-CFO) on 2026-11-23 ({id}) — the activity would be deleted; request REQ-00003 (Acme Clinics) would be back to status submitted"
        )),
        "{}",
        dry.stderr
    );
    assert!(dry.stderr.contains("nothing was changed"), "{}", dry.stderr);

    let undone = work.run(&["--as-of", AS_OF, "undo"]);
    assert_eq!(undone.code, 0, "{}", undone.stderr);
    assert!(
        undone.stderr.contains(&format!(
            "undid: log-call of a call for Maya Okafor (C-HEALTH-CFO) on 2026-11-23 ({id}) — the activity is deleted; request REQ-00003 (Acme Clinics) is back to status submitted"
        )),
        "{}",
        undone.stderr
    );
    assert!(
        undone.stderr.contains("(the command was: refprog --as-of 2026-11-23 log-call C-HEALTH-CFO --request REQ-00003 --minutes 25)"),
        "{}",
        undone.stderr
    );
    assert_eq!(
        rows(&work),
        before,
        "every row as it was, the request's history too"
    );
}

#[test]
fn undo_walks_back_one_change_at_a_time_and_has_no_redo() {
    let work = program();
    let before = rows(&work);
    work.run(&[
        "--as-of",
        AS_OF,
        "roster",
        "set-tier",
        "C-HEALTH-IT",
        "strategic",
    ])
    .ok();
    let after_tier = rows(&work);
    work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "Tom Reyes",
        "--kind",
        "check-in",
    ])
    .ok();
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("undid: log-call of a check-in for Tom Reyes (C-HEALTH-IT)"),
        "{stderr}"
    );
    assert_eq!(rows(&work), after_tier);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("undid: roster set-tier of Tom Reyes (C-HEALTH-IT) — Tom Reyes (C-HEALTH-IT) is back to tier standard"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(1);
    assert!(
        stderr.contains("nothing left to undo: the 2 change(s) made by hand are undone already (there is no redo"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

/// Imports are not kept row by row, and undo never reverts one.
#[test]
fn nothing_to_undo_after_imports_only() {
    let work = program();
    assert_eq!(count(&work, "SELECT count(*) FROM history"), 0);
    let before = rows(&work);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(1);
    assert!(
        stderr.contains("nothing to undo: no change made by hand is left in")
            && stderr.contains("imports are not undone"),
        "{stderr}"
    );
    let stderr = work.run(&["--as-of", AS_OF, "undo", "--dry-run"]).fails(1);
    assert!(stderr.contains("nothing to undo"), "{stderr}");
    assert_eq!(rows(&work), before);
}

/// A refused command wrote nothing, so there is nothing of it to undo; a dry run neither.
#[test]
fn a_refused_or_dry_run_command_leaves_no_change_to_undo() {
    let work = program();
    // Lee Chen is at the standard limit (fixture): refused without --override.
    work.run(&["--as-of", AS_OF, "log-call", "C-BUSY-VP", "--kind", "call"])
        .fails(1);
    work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-IT",
        "--kind",
        "call",
        "--dry-run",
    ])
    .ok();
    assert_eq!(count(&work, "SELECT count(*) FROM changes"), 0);
    work.run(&["--as-of", AS_OF, "undo"]).fails(1);
}

/// A row an import changed after the change made by hand is not overwritten.
#[test]
fn undo_refuses_when_an_import_changed_the_row_since() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
        "roster",
        "set-tier",
        "C-HEALTH-IT",
        "strategic",
    ])
    .ok();
    let contacts = std::fs::read_to_string(util::root().join("fixtures/program/contacts.csv"))
        .expect("fixture")
        .replace("Tom Reyes,Director of IT", "Tom Reyes,Head of IT");
    work.import("contacts", &contacts);
    let before = rows(&work);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(1);
    assert!(
        stderr.contains("cannot undo roster set-tier of Tom Reyes (C-HEALTH-IT): Tom Reyes (C-HEALTH-IT) was changed since, by an import or another program (tier is now standard, not strategic; title is now Head of IT, not Director of IT), and undo would overwrite that; nothing was undone"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

#[test]
fn an_activity_is_edited_under_the_rules_of_log_call_and_the_edit_undone() {
    let work = program();
    let logged = work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-IT",
        "--kind",
        "call",
        "--notes",
        "intro",
    ]);
    assert_eq!(logged.code, 0, "{}", logged.stderr);
    let id = logged
        .stderr
        .split_whitespace()
        .nth(2)
        .expect("id")
        .to_string();
    let before = rows(&work);

    let edited = work.run(&[
        "--as-of",
        AS_OF,
        "activity",
        "edit",
        &id,
        "--date",
        "2026-11-20",
        "--notes",
        "intro call",
        "--minutes",
        "30",
    ]);
    assert_eq!(edited.code, 0, "{}", edited.stderr);
    assert!(
        edited.stderr.contains(&format!(
            "changed {id} (call of Tom Reyes (C-HEALTH-IT) on 2026-11-20): date 2026-11-23 -> 2026-11-20; minutes none -> 30; notes intro -> intro call"
        )),
        "{}",
        edited.stderr
    );
    let listed = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "list",
            "--contact",
            "C-HEALTH-IT",
            "--format",
            "csv",
            "--columns",
            "activity_id,date,minutes,notes",
        ])
        .ok();
    assert!(
        listed.contains(&format!("{id},2026-11-20,30,intro call")),
        "{listed}"
    );

    let edited_rows = rows(&work);
    // A dry run says what would change, and writes nothing.
    let dry = work.run(&[
        "--as-of",
        AS_OF,
        "activity",
        "edit",
        &id,
        "--kind",
        "email",
        "--dry-run",
    ]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stderr.contains(&format!("dry run: would change {id} (email of Tom Reyes (C-HEALTH-IT) on 2026-11-20): kind call -> email; nothing was written")),
        "{}",
        dry.stderr
    );
    assert_eq!(rows(&work), edited_rows);
    // The rules of log-call: a date after --as-of needs --future ...
    let stderr = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "edit",
            &id,
            "--date",
            "2026-11-25",
        ])
        .fails(1);
    assert!(
        stderr.contains("--date 2026-11-25 is after 2026-11-23") && stderr.contains("--future"),
        "{stderr}"
    );
    // ... a kind they are not willing to do needs --override ...
    let stderr = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "edit",
            &id,
            "--kind",
            "site-visit",
        ])
        .fails(1);
    assert!(
        stderr.contains("refused: Tom Reyes (C-HEALTH-IT) cannot do a site-visit on 2026-11-20: not willing to do a site-visit")
            && stderr.contains("--override \"reason\""),
        "{stderr}"
    );
    // ... a closed or unknown request is refused ...
    let stderr = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "edit",
            &id,
            "--request",
            "NOPE",
        ])
        .fails(1);
    assert!(stderr.contains("no request 'NOPE'"), "{stderr}");
    assert_eq!(rows(&work), edited_rows, "a refused edit changes nothing");
    assert_eq!(
        count(&work, "SELECT count(*) FROM changes"),
        2,
        "nor the history"
    );
    // ... and an edit that makes it the same as another activity needs --again.
    work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-IT",
        "--kind",
        "thank-you",
    ])
    .ok();
    let stderr = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "edit",
            &id,
            "--kind",
            "thank-you",
            "--date",
            "2026-11-23",
        ])
        .fails(1);
    assert!(
        stderr.contains("already has a thank-you on 2026-11-23") && stderr.contains("--again"),
        "{stderr}"
    );
    work.run(&["--as-of", AS_OF, "undo"]).ok(); // the thank-you

    // With --override the refusal is recorded, as log-call records it.
    let edited = work.run(&[
        "--as-of",
        AS_OF,
        "activity",
        "edit",
        &id,
        "--kind",
        "site-visit",
        "--override",
        "CFO asked for it",
    ]);
    assert_eq!(edited.code, 0, "{}", edited.stderr);
    assert!(
        edited
            .stderr
            .contains("override recorded (CFO asked for it) for: not willing to do a site-visit"),
        "{}",
        edited.stderr
    );

    work.run(&["--as-of", AS_OF, "undo"]).ok();
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains(&format!("undid: activity edit of a call for Tom Reyes (C-HEALTH-IT) on 2026-11-20 ({id}) — the activity is back to date 2026-11-23, minutes none, notes intro")),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

#[test]
fn activity_edit_needs_a_change_and_an_activity() {
    let work = program();
    let stderr = work.run(&["activity", "edit", "ACT-1"]).fails(2);
    assert!(
        stderr.contains("activity edit needs something to change: --date, --kind"),
        "{stderr}"
    );
    let stderr = work
        .run(&["activity", "edit", "ACT-NOPE", "--notes", "x"])
        .fails(1);
    assert!(
        stderr.contains("no activity 'ACT-NOPE' (see 'refprog activity list')"),
        "{stderr}"
    );
    let stderr = work
        .run(&["activity", "edit", "ACT-1", "--reference-rating", "11"])
        .fails(2);
    assert!(stderr.contains("11"), "{stderr}");
}

#[test]
fn a_request_is_edited_with_the_flags_of_request_add_and_the_edit_undone() {
    let work = program();
    let add = [
        "--as-of",
        AS_OF,
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
        "--needed-by",
        "2026-12-01",
    ];
    work.run(&add).ok();
    let before = rows(&work);
    let edited = work.run(&[
        "--as-of",
        AS_OF,
        "request",
        "edit",
        "REQ-00003",
        "--needed-by",
        "2026-12-04",
        "--deal-size",
        "$40,000",
    ]);
    assert_eq!(edited.code, 0, "{}", edited.stderr);
    assert!(
        edited.stderr.contains("changed REQ-00003 (Acme Clinics): deal_size 120000 -> 40000; needed_by 2026-12-01 -> 2026-12-04"),
        "{}",
        edited.stderr
    );
    // The warnings of request add, given again: under the deal-size threshold now.
    assert!(edited.stderr.contains("warning: "), "{}", edited.stderr);
    let shown = work
        .run(&["request", "show", "REQ-00003", "--format", "json"])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(value["request"]["needed_by"], "2026-12-04");
    assert_eq!(value["request"]["deal_size_cents"], 4_000_000);

    // Validated by the same parsers as request add.
    for (flag, bad) in [
        ("--employees", "-5"),
        ("--deal-size", "lots"),
        ("--needed-by", "2026-13-45"),
        ("--kind", "meeting"),
    ] {
        let stderr = work
            .run(&["request", "edit", "REQ-00003", flag, bad])
            .fails(2);
        let add_stderr = work.run(&["request", "add", flag, bad]).fails(2);
        let line = |s: &str| s.lines().next().unwrap_or_default().to_string();
        assert_eq!(line(&stderr), line(&add_stderr), "{flag} {bad}");
    }
    let stderr = work.run(&["request", "edit", "REQ-00003"]).fails(2);
    assert!(
        stderr.contains("request edit needs something to change"),
        "{stderr}"
    );
    let stderr = work
        .run(&["request", "edit", "REQ-404", "--stage", "Proposal"])
        .fails(1);
    assert!(stderr.contains("no request 'REQ-404'"), "{stderr}");

    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("undid: request edit of request REQ-00003 (Acme Clinics) — the request is back to deal size 120000, needed by 2026-12-01"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

#[test]
fn the_same_request_added_twice_in_a_day_warns_and_is_added() {
    let work = program();
    let add = [
        "--as-of",
        AS_OF,
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
    ];
    let first = work.run(&add);
    assert_eq!(first.stdout, "REQ-00003\n");
    assert!(!first.stderr.contains("is the same as"), "{}", first.stderr);
    let second = work.run(&add);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.stdout, "REQ-00004\n");
    assert!(
        second.stderr.contains("warning: REQ-00004 is the same as REQ-00003, added today: see 'refprog request show REQ-00003'; if it was added twice, 'refprog undo' takes REQ-00004 back"),
        "{}",
        second.stderr
    );
    // Another day, or another deal, is not a twin.
    let next_day = work.run(&[&["--as-of", "2026-11-24"], &add[2..]].concat());
    assert!(
        !next_day.stderr.contains("is the same as"),
        "{}",
        next_day.stderr
    );
    let other = work.run(&[&add[..], &["--needed-by", "2026-12-01"]].concat());
    assert!(!other.stderr.contains("is the same as"), "{}", other.stderr);
    // undo takes the last one back.
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains(
            "undid: request add of request REQ-00006 (Acme Clinics) — the request is deleted"
        ),
        "{stderr}"
    );
    assert_eq!(
        count(
            &work,
            "SELECT count(*) FROM requests WHERE request_id = 'REQ-00006'"
        ),
        0
    );
    assert_eq!(
        count(
            &work,
            "SELECT count(*) FROM request_events WHERE request_id = 'REQ-00006'"
        ),
        0
    );
}

/// match --ask and the answer move a request and write an ask: undo puts both back.
#[test]
fn an_ask_and_an_answer_are_undone() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
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
    ])
    .ok();
    work.run(&["--as-of", AS_OF, "request", "approve", "REQ-00003"])
        .ok();
    let before = rows(&work);
    work.run(&[
        "--as-of",
        AS_OF,
        "match",
        "REQ-00003",
        "--ask",
        "C-HEALTH-CFO",
    ])
    .ok();
    let asked = rows(&work);
    work.run(&[
        "--as-of",
        AS_OF,
        "request",
        "answer",
        "REQ-00003",
        "C-HEALTH-CFO",
        "--yes",
        "--scheduled",
        "2026-11-27",
    ])
    .ok();
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("undid: request answer of request REQ-00003 (Acme Clinics) — the ask of Maya Okafor (C-HEALTH-CFO) on REQ-00003 is back to answer none, answered on none, scheduled on none; the request is back to status asked"),
        "{stderr}"
    );
    assert!(stderr.contains("back to status asked"), "{stderr}");
    assert_eq!(rows(&work), asked);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(stderr.contains("undid: match --ask of"), "{stderr}");
    assert!(
        stderr.contains("the ask of Maya Okafor (C-HEALTH-CFO) on REQ-00003 is deleted"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

#[test]
fn status_shows_the_last_import_of_each_kind() {
    let work = Workdir::new();
    let text = work.run(&[
        "--as-of",
        AS_OF,
        "import",
        "accounts",
        "fixtures/program/accounts.csv",
    ]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    work.run(&[
        "--as-of",
        AS_OF,
        "import",
        "contacts",
        "fixtures/program/contacts.csv",
    ])
    .ok();
    work.run(&[
        "--as-of",
        "2026-11-24",
        "import",
        "contacts",
        "fixtures/program/contacts.csv",
    ])
    .ok();
    let shown = work
        .run(&["--as-of", "2026-11-24", "status", "--format", "json"])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&shown).expect("one JSON document");
    let accounts = count(&work, "SELECT count(*) FROM accounts");
    let contacts = count(&work, "SELECT count(*) FROM contacts");
    let imports = value["last_imports"].as_array().expect("last_imports");
    assert_eq!(imports.len(), 2, "{shown}");
    assert_eq!(imports[0]["kind"], "accounts");
    assert_eq!(imports[0]["imported_on"], "2026-11-23");
    assert!(
        imports[0]["at"]
            .as_str()
            .is_some_and(|at| at.starts_with("2026-11-23T") && at.len() == 19),
        "{shown}"
    );
    assert_eq!(imports[0]["rows"], accounts);
    assert_eq!(imports[0]["new"], accounts);
    assert_eq!(imports[0]["file"], "fixtures/program/accounts.csv");
    // The second import of contacts is the last: nothing new in it.
    assert_eq!(imports[1]["kind"], "contacts");
    assert_eq!(imports[1]["imported_on"], "2026-11-24");
    assert_eq!(imports[1]["rows"], contacts);
    assert_eq!(imports[1]["new"], 0);
    let table = work.run(&["--as-of", "2026-11-24", "status"]).ok();
    assert!(
        table.contains(&format!(
            "last_imports:\nkind      imported_on  rows  file\naccounts  2026-11-23   {accounts:>4}  fixtures/program/accounts.csv\n"
        )),
        "{table}"
    );
    // A dry run and a failed import are not imports.
    work.run(&[
        "--as-of",
        "2026-11-25",
        "import",
        "accounts",
        "fixtures/program/accounts.csv",
        "--dry-run",
    ])
    .ok();
    assert_eq!(
        count(
            &work,
            "SELECT count(*) FROM imports WHERE kind = 'accounts'"
        ),
        1
    );
    // Imported rows are not kept in the history.
    assert_eq!(count(&work, "SELECT count(*) FROM history"), 0);
}

/// policy set and reset are changes made by hand too.
#[test]
fn a_policy_change_is_undone() {
    let work = program();
    let before = rows(&work);
    work.run(&["--as-of", AS_OF, "policy", "set", "limit.standard", "3"])
        .ok();
    work.run(&["--as-of", AS_OF, "policy", "reset"]).ok();
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains(
            "undid: policy reset of policy limit.standard — policy limit.standard is back to 3"
        ),
        "{stderr}"
    );
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("undid: policy set of policy limit.standard — policy limit.standard is back to its default"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

/// A call logged without its request and then moved onto it completes the request, as
/// log-call with --request would have; undo puts both back.
#[test]
fn an_activity_moved_onto_a_request_completes_it() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
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
    ])
    .ok();
    work.run(&["--as-of", AS_OF, "request", "approve", "REQ-00003"])
        .ok();
    let logged = work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-IT",
        "--kind",
        "call",
    ]);
    assert_eq!(logged.code, 0, "{}", logged.stderr);
    let id = logged
        .stderr
        .split_whitespace()
        .nth(2)
        .expect("id")
        .to_string();
    let before = rows(&work);
    let edited = work.run(&[
        "--as-of",
        AS_OF,
        "activity",
        "edit",
        &id,
        "--request",
        "REQ-00003",
    ]);
    assert_eq!(edited.code, 0, "{}", edited.stderr);
    assert!(
        edited.stderr.contains("request none -> REQ-00003"),
        "{}",
        edited.stderr
    );
    assert!(
        edited.stderr.contains("REQ-00003: completed"),
        "{}",
        edited.stderr
    );
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("the activity is back to request id none; request REQ-00003 (Acme Clinics) is back to status qualified"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
    // A cancelled request is refused, as log-call refuses it.
    work.run(&["--as-of", AS_OF, "request", "cancel", "REQ-00003"])
        .ok();
    let stderr = work
        .run(&[
            "--as-of",
            AS_OF,
            "activity",
            "edit",
            &id,
            "--request",
            "REQ-00003",
        ])
        .fails(1);
    assert!(
        stderr.contains("cannot log a call for request REQ-00003: it is cancelled (closed)"),
        "{stderr}"
    );
}

/// `undo --format json` is one document a script can read.
#[test]
fn undo_speaks_json_for_scripts() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-IT",
        "--kind",
        "check-in",
    ])
    .ok();
    let shown = work
        .run(&["--as-of", AS_OF, "undo", "--dry-run", "--format", "json"])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&shown).expect("one JSON document");
    assert_eq!(value["undone"], false);
    assert_eq!(value["effects"][0], "the activity would be deleted");
    assert_eq!(
        value["command"],
        "refprog --as-of 2026-11-23 log-call C-HEALTH-IT --kind check-in"
    );
    let shown = work
        .run(&["--as-of", AS_OF, "undo", "--format", "json"])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&shown).expect("one JSON document");
    assert_eq!(value["undone"], true);
    assert!(
        value["change"].as_str().is_some_and(|c| c
            .starts_with("log-call of a check-in for Tom Reyes (C-HEALTH-IT) on 2026-11-23 (ACT-")),
        "{shown}"
    );
    assert_eq!(
        count(
            &work,
            "SELECT count(*) FROM activities WHERE kind = 'check-in' AND date = '2026-11-23'"
        ),
        0
    );
}

/// Roster changes and follow-up snoozes are changes made by hand: undone one by one.
#[test]
fn a_break_and_a_snooze_are_undone() {
    let work = program();
    let before = rows(&work);
    work.run(&[
        "--as-of",
        AS_OF,
        "roster",
        "break",
        "C-HEALTH-IT",
        "--days",
        "30",
    ])
    .ok();
    work.run(&[
        "--as-of",
        AS_OF,
        "followups",
        "snooze",
        "thank-you:ACT-2",
        "--until",
        "2026-12-01",
    ])
    .ok();
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains(
            "undid: followups snooze of follow-up thank-you:ACT-2 — the snooze is deleted"
        ),
        "{stderr}"
    );
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("undid: roster break of Tom Reyes (C-HEALTH-IT) — Tom Reyes (C-HEALTH-IT) is back to break until none"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before, "the membership history too");
}

/// A week of changes by hand, every kind, then undo after undo: the program is back to
/// exactly what the imports made of it, row for row, and the next undo has nothing left.
#[test]
fn undo_all_the_way_back_restores_the_imported_program() {
    let work = program();
    let imported = rows(&work);
    let steps: Vec<Vec<&str>> = vec![
        vec![
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
            "--needed-by",
            "2026-12-01",
        ],
        vec![
            "request",
            "edit",
            "REQ-00003",
            "--region",
            "Illinois",
            "--country",
            "United States",
        ],
        vec!["request", "approve", "REQ-00003"],
        vec!["match", "REQ-00003", "--ask", "C-HEALTH-CFO"],
        vec![
            "request",
            "answer",
            "REQ-00003",
            "C-HEALTH-CFO",
            "--yes",
            "--scheduled",
            "2026-11-27",
        ],
        vec![
            "log-call",
            "C-HEALTH-CFO",
            "--request",
            "REQ-00003",
            "--minutes",
            "25",
        ],
        vec![
            "log-call",
            "C-HEALTH-CFO",
            "--kind",
            "thank-you",
            "--request",
            "REQ-00003",
        ],
        vec!["activity", "edit", "ACT-00007", "--notes", "sent flowers"],
        vec!["activity", "delete", "ACT-1"],
        vec!["roster", "break", "C-BUSY-VP", "--days", "90"],
        vec![
            "roster",
            "enroll",
            "C-QUIET-IC",
            "--tier",
            "new",
            "--willing",
            "call",
        ],
        vec![
            "followups",
            "snooze",
            "thank-you:ACT-2",
            "--until",
            "2026-12-01",
        ],
        vec!["policy", "set", "limit.standard", "3"],
        vec![
            "request",
            "decline",
            "R-OLD-2",
            "--reason",
            "refused: it is completed",
        ],
    ];
    let mut made = 0;
    for step in &steps {
        let run = work.run(&[&["--as-of", AS_OF][..], step].concat());
        // A step the rules refuse writes nothing, and is then nothing to undo.
        if run.code == 0 {
            made += 1;
        }
    }
    // All but the last: R-OLD-2 is completed, and a completed request cannot be declined.
    assert_eq!(made, steps.len() - 1);
    assert_ne!(rows(&work), imported);
    for n in 0..made {
        let run = work.run(&["--as-of", AS_OF, "undo"]);
        assert_eq!(run.code, 0, "undo {n}: {}", run.stderr);
        assert!(run.stderr.starts_with("undid: "), "{}", run.stderr);
    }
    assert_eq!(rows(&work), imported);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(1);
    assert!(stderr.contains("nothing left to undo"), "{stderr}");
}

/// `undo --list` shows what undo walks back through: newest first, the undone marked.
#[test]
fn undo_list_shows_the_changes_made_by_hand() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
        "roster",
        "set-tier",
        "C-HEALTH-IT",
        "strategic",
    ])
    .ok();
    work.run(&[
        "--as-of",
        AS_OF,
        "log-call",
        "C-HEALTH-IT",
        "--kind",
        "check-in",
    ])
    .ok();
    work.run(&["--as-of", "2026-11-24", "undo"]).ok();
    let listed = work
        .run(&[
            "undo",
            "--list",
            "--format",
            "csv",
            "--columns",
            "change,command,rows,undone_on,command_line",
        ])
        .ok();
    assert_eq!(
        listed,
        "change,command,rows,undone_on,command_line\n\
         2,log-call,1,2026-11-24,refprog --as-of 2026-11-23 log-call C-HEALTH-IT --kind check-in\n\
         1,roster set-tier,2,,refprog --as-of 2026-11-23 roster set-tier C-HEALTH-IT strategic\n"
    );
    let stderr = work.run(&["undo", "--list", "--dry-run"]).fails(2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

/// A column a later migration adds is not a change made since: a change recorded before
/// an upgrade is still undone.
#[test]
fn a_change_made_before_a_new_column_is_still_undone() {
    let work = program();
    work.run(&[
        "--as-of", AS_OF, "activity", "edit", "ACT-1", "--notes", "typo",
    ])
    .ok();
    rusqlite::Connection::open(&work.db)
        .expect("open")
        .execute_batch("ALTER TABLE activities ADD COLUMN channel TEXT DEFAULT 'phone';")
        .expect("a new column");
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(0);
    assert!(
        stderr.contains("the activity is back to notes none"),
        "{stderr}"
    );
    assert_eq!(
        count(
            &work,
            "SELECT count(*) FROM activities WHERE activity_id = 'ACT-1' AND notes IS NULL AND channel = 'phone'"
        ),
        1
    );
}

/// A request added by hand that an imported activity now points to cannot be taken back
/// without breaking the activity: refused in words, nothing changes.
#[test]
fn undo_refuses_to_remove_a_row_an_import_points_to() {
    let work = program();
    work.run(&[
        "--as-of",
        AS_OF,
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
    ])
    .ok();
    work.import(
        "activities",
        "activity_id,contact_id,request_id,kind,date,minutes,reference_rating,prospect_rating,notes\n\
         ACT-CRM-9,C-HEALTH-IT,REQ-00003,call,2026-11-22,30,9,9,\n",
    );
    let before = rows(&work);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(1);
    assert!(
        stderr.contains("cannot undo: REQ-00003 (requests) would be removed, but rows written since (by an import, or another program) refer to it; nothing was undone"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

/// An activity deleted by hand and then imported again (same id) is not put back twice.
#[test]
fn undo_refuses_to_put_back_a_row_an_import_wrote_again() {
    let work = program();
    work.run(&["--as-of", AS_OF, "activity", "delete", "ACT-1"])
        .ok();
    work.run(&[
        "--quiet",
        "import",
        "activities",
        "fixtures/program/activities.csv",
    ])
    .ok();
    let before = rows(&work);
    let stderr = work.run(&["--as-of", AS_OF, "undo"]).fails(1);
    assert!(
        stderr.contains("cannot undo: ACT-1 (activities) would be put back, but a row with the same id was written since (by an import, or another program); nothing was undone"),
        "{stderr}"
    );
    assert_eq!(rows(&work), before);
}

/// A follow-up's id is one flag away at a terminal, and a wrong id says which flag.
#[test]
fn a_wrong_follow_up_id_says_how_to_see_the_ids() {
    let work = util::program();
    let stderr = work
        .run(&["--as-of", "2026-11-23", "followups", "done", "ACT-00006"])
        .fails(1);
    assert!(
        stderr.contains("refprog followups --all --columns id,due,what"),
        "{stderr}"
    );
    let listed = work
        .run(&[
            "--as-of",
            "2026-11-23",
            "followups",
            "--all",
            "--columns",
            "id,due,what",
        ])
        .ok();
    let id = listed
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .expect("an id");
    assert!(id.contains(':'), "{listed}");
    work.run(&["--as-of", "2026-11-23", "followups", "done", id])
        .ok();
}
