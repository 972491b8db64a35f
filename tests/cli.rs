//! The conventions a terminal user expects: help with examples, version, completions, the
//! manual page, backup, and a closed pipe that is not an error.

mod util;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use util::Workdir;

#[test]
fn every_subcommand_help_teaches_with_examples() {
    let work = Workdir::new();
    for sub in [
        "import",
        "export",
        "score",
        "request",
        "match",
        "brief",
        "log-call",
        "roster",
        "followups",
        "report",
        "policy",
        "demo",
        "backup",
        "status",
        "activity",
    ] {
        let help = work.run(&[sub, "--help"]).ok();
        assert!(
            help.contains("Examples:"),
            "{sub} --help has no examples:\n{help}"
        );
    }
    let top = work.run(&["--help"]).ok();
    assert!(top.contains("Exit codes: 0 success, 1 error"), "{top}");
    assert!(work.run(&["--version"]).ok().starts_with("refprog "));
}

#[test]
fn completions_and_the_manual_page() {
    let work = Workdir::new();
    for shell in ["bash", "zsh", "fish"] {
        let text = work.run(&["completions", shell]).ok();
        assert!(
            text.contains("refprog") && text.contains("log-call"),
            "{shell}"
        );
    }
    let man = work.run(&["man"]).ok();
    assert!(man.contains(".TH refprog 1"), "{man}");
    // The top page names refprog-match(1) and the others: `man --dir` writes them all.
    assert!(man.contains(r"refprog\-match(1)"), "{man}");
    let pages = work.path("man1");
    work.run(&["man", "--dir", pages.to_str().expect("path")])
        .ok();
    for page in [
        "refprog.1",
        "refprog-match.1",
        "refprog-report.1",
        "refprog-roster-list.1",
        "refprog-status.1",
    ] {
        let text =
            std::fs::read_to_string(pages.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH refprog"), "{page}");
    }
    assert!(!work.db.exists(), "neither touches a database");
}

/// Regression: `refprog completions bash | head -1` panicked on the closed pipe (clap_complete
/// writes with expect).
#[test]
fn a_closed_pipe_is_not_an_error() {
    let work = Workdir::new();
    work.run(&["--quiet", "demo", "--size", "300"]).ok();
    for args in [
        vec!["completions", "bash"],
        vec!["export", "accounts"],
        vec!["report", "utilization", "--format", "csv"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_refprog"))
            .env("REFPROG_DB", &work.db)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start");
        let mut first = [0u8; 16];
        child
            .stdout
            .as_mut()
            .expect("stdout")
            .read_exact(&mut first)
            .expect("some output");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn backup_is_private_complete_and_never_overwrites() {
    let work = Workdir::new();
    work.run(&[
        "--quiet",
        "import",
        "accounts",
        "fixtures/program/accounts.csv",
    ])
    .ok();
    let copy = work.path("copy.db");
    let copy_text = copy.to_str().expect("path");
    work.run(&["backup", copy_text]).ok();
    assert_eq!(
        std::fs::metadata(&copy).expect("copy").permissions().mode() & 0o777,
        0o600
    );
    let original = work.run(&["export", "accounts"]).ok();
    let restored = work.run(&["--db", copy_text, "export", "accounts"]).ok();
    assert_eq!(original, restored);
    let stderr = work.run(&["backup", copy_text]).fails(1);
    assert!(
        stderr.contains("already exists: refprog does not overwrite it"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2_and_data_errors_exit_1() {
    let work = Workdir::new();
    work.run(&["--as-of", "someday", "score"]).fails(2);
    work.run(&["score", "--top", "many"]).fails(2);
    work.run(&["report", "nothing"]).fails(2);
    work.run(&["request", "show", "NOPE"]).fails(1);
}
