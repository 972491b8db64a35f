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
