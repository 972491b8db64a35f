//! `refprog demo`: deterministic, written through import, with something in every report.

mod util;

use util::Workdir;

#[test]
fn the_same_seed_gives_the_same_program() {
    let (a, b) = (Workdir::new(), Workdir::new());
    for work in [&a, &b] {
        let out = work
            .run(&[
                "--as-of",
                "2026-11-23",
                "demo",
                "--size",
                "120",
                "--seed",
                "7",
            ])
            .ok();
        assert!(
            out.starts_with("refprog demo: 120 accounts, 180 contacts"),
            "{out}"
        );
        assert!(out.contains("== Who should be a reference"), "{out}");
        assert!(out.contains("== Bench coverage"), "{out}");
    }
    for kind in [
        "accounts",
        "contacts",
        "opportunities",
        "requests",
        "activities",
    ] {
        assert_eq!(
            a.run(&["export", kind]).ok(),
            b.run(&["export", kind]).ok(),
            "{kind}"
        );
    }
    let other = Workdir::new();
    other
        .run(&[
            "--as-of",
            "2026-11-23",
            "demo",
            "--size",
            "120",
            "--seed",
            "8",
        ])
        .ok();
    assert_ne!(
        a.run(&["export", "accounts"]).ok(),
        other.run(&["export", "accounts"]).ok()
    );
}

#[test]
fn every_report_has_something_to_say() {
    let work = Workdir::new();
    work.run(&["--as-of", "2026-11-23", "demo"]).ok();
    let coverage = work
        .run(&[
            "--as-of",
            "2026-11-23",
            "report",
            "coverage",
            "--format",
            "csv",
        ])
        .ok();
    assert!(coverage.contains(",gap\n"), "a coverage gap: {coverage}");
    let utilization = work
        .run(&[
            "--as-of",
            "2026-11-23",
            "report",
            "utilization",
            "--format",
            "csv",
        ])
        .ok();
    assert!(utilization.contains("burnout"), "an over-used champion");
    assert!(utilization.contains("fatigue"), "a fatigue signal");
    let overdue = work
        .run(&[
            "--as-of",
            "2026-11-23",
            "followups",
            "--overdue",
            "--format",
            "csv",
        ])
        .ok();
    assert!(overdue.lines().count() > 5, "overdue follow-ups: {overdue}");
    let impact = work
        .run(&[
            "--as-of",
            "2026-11-23",
            "report",
            "impact",
            "--format",
            "csv",
        ])
        .ok();
    assert!(
        !impact.contains("with a reference,win rate,n/a"),
        "{impact}"
    );
}

#[test]
fn demo_refuses_a_database_that_holds_data() {
    let work = Workdir::new();
    let file = work.write("a.csv", "account_id,name\nA-1,Real Customer\n");
    work.run(&["import", "accounts", file.to_str().expect("path")])
        .ok();
    let stderr = work.run(&["demo"]).fails(1);
    assert!(
        stderr.contains("already holds 1 accounts: demo writes only into a new or empty database"),
        "{stderr}"
    );
}
