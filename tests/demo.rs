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

/// `refprog demo | head -2` left no database and exited 0: the tour's write to the closed
/// pipe failed, and the database the demo had built was removed as a failed command's.
/// The reader stopping ends the output, not the command: the database stays, exit 0.
#[test]
fn a_demo_whose_reader_stops_reading_keeps_its_database() {
    use std::process::{Command, Stdio};
    let work = Workdir::new();
    let db = work.path("demo.db");
    let db_text = db.to_str().expect("path");
    let mut child = Command::new(env!("CARGO_BIN_EXE_refprog"))
        .args(["--db", db_text, "--as-of", "2026-11-23", "demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("refprog");
    // The reader is gone before the first line (written only after the build).
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(db.exists(), "no database left: {stderr}");
    let status = work
        .run(&[
            "--db",
            db_text,
            "--as-of",
            "2026-11-23",
            "status",
            "--format",
            "csv",
        ])
        .ok();
    assert!(status.contains("accounts,300"), "{status}");
}
