//! Mistakes are cheap: people are found by id, email or name, and a near miss is answered
//! with "did you mean".

mod util;

use util::program;

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
    assert_eq!(work.run(&["export", "activities"]).ok(), before);
    let stderr = work.run(&["activity", "delete", &id]).fails(1);
    assert!(stderr.contains("no activity"), "{stderr}");
}
