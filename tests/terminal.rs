//! What a person sees at a terminal and what a script gets from a pipe: every table in a
//! pseudo-terminal 80 and 120 columns wide fits (no line wider than the terminal, at most
//! two lines a row plus ten of header and messages); piped, a table has one row a line and
//! no box drawing; every `--format csv|tsv|json` is one document; a closed pipe is success;
//! `--out` writes a whole file or none.

mod util;

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use unicode_width::UnicodeWidthStr;
use util::Workdir;

const AS_OF: &str = "2026-11-30";

/// One demo program shared by the read-only tests (built once: it takes a few seconds).
fn demo() -> &'static Workdir {
    static DEMO: OnceLock<Workdir> = OnceLock::new();
    DEMO.get_or_init(|| {
        let work = Workdir::new();
        work.run(&["--quiet", "--as-of", AS_OF, "demo"]).ok();
        work
    })
}

/// Runs `refprog ARGS` with stdout and stderr on a pseudo-terminal `columns` wide, and
/// returns what the terminal received, lines without their `\r`.
fn in_terminal(work: &Workdir, columns: u16, args: &[&str]) -> (i32, String) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 50,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the integers it is given; the name
    // and termios pointers may be null.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty failed");
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = Command::new(env!("CARGO_BIN_EXE_refprog"))
        .current_dir(util::root())
        .env("REFPROG_DB", &work.db)
        .env_remove("COLUMNS")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave.try_clone().expect("dup")))
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("start refprog");
    let mut screen = Vec::new();
    let mut reader = std::fs::File::from(master);
    let mut chunk = [0u8; 8192];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => screen.extend_from_slice(&chunk[..n]),
            // Linux answers EIO once the child's side of the terminal is closed.
            Err(_) => break,
        }
    }
    let status = child.wait().expect("wait");
    let text = String::from_utf8_lossy(&screen).replace('\r', "");
    (status.code().unwrap_or(-1), text)
}

/// The number of data rows the command has, counted in its JSON (an array, or an object
/// whose arrays are its sections).
fn data_rows(work: &Workdir, args: &[&str]) -> usize {
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let text = work.run(&json_args).ok();
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{args:?} --format json is not one document: {e}\n{text}"));
    match value {
        serde_json::Value::Array(rows) => rows.len(),
        serde_json::Value::Object(sections) => sections
            .values()
            .map(|v| v.as_array().map_or(1, Vec::len))
            .sum(),
        _ => 1,
    }
}

/// The commands a person reads as tables.
fn tables() -> Vec<Vec<&'static str>> {
    vec![
        vec!["score"],
        vec!["score", "--top", "5"],
        vec!["match", "D-SAMPLE"],
        vec!["match", "D-SAMPLE", "--show-excluded"],
        vec!["followups", "--all"],
        vec!["roster", "list"],
        vec!["request", "list"],
        vec!["policy"],
        vec!["status"],
        vec!["report", "utilization"],
        vec!["report", "health"],
        vec!["report", "coverage"],
        vec!["report", "coverage", "--by", "region"],
        vec!["report", "capacity"],
        vec!["report", "fulfillment"],
        vec!["report", "impact"],
        vec!["report", "satisfaction"],
    ]
}

#[test]
fn every_table_fits_a_terminal_80_and_120_columns_wide() {
    let work = demo();
    for args in tables() {
        let mut full = vec!["--as-of", AS_OF];
        full.extend(&args);
        let rows = data_rows(work, &full);
        for columns in [80u16, 120] {
            let (code, screen) = in_terminal(work, columns, &full);
            assert_eq!(code, 0, "{args:?}:\n{screen}");
            for line in screen.lines() {
                assert!(
                    line.width() <= usize::from(columns),
                    "{args:?} at {columns} columns: a line of {} is wider than the terminal:\n{line}\n\n{screen}",
                    line.width()
                );
            }
            let lines = screen.lines().count();
            assert!(
                lines <= 2 * rows + 10,
                "{args:?} at {columns} columns: {lines} lines for {rows} rows:\n{screen}"
            );
            assert!(
                !screen.contains('│') && !screen.contains('┆'),
                "{args:?}: box drawing\n{screen}"
            );
        }
    }
}

/// The default view keeps what a person decides with: ids and numbers whole, long text
/// cut with an ellipsis, the reason on the row's second line.
#[test]
fn score_and_match_at_80_columns_read_as_lists() {
    let work = demo();
    let (_, score) = in_terminal(work, 80, &["--as-of", AS_OF, "score", "--top", "3"]);
    let lines: Vec<&str> = score.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 3, "{score}");
    assert!(lines[0].starts_with("account_id"), "{score}");
    assert!(
        lines[0].contains("composite") && lines[0].contains("best_contact_id"),
        "{score}"
    );
    assert!(
        lines[2].starts_with("    ") && lines[2].ends_with('…'),
        "{score}"
    );
    let wide = work
        .run(&["--as-of", AS_OF, "score", "--top", "3", "--wide"])
        .ok();
    assert!(wide.lines().next().is_some_and(|h| h.contains("icp_fit")));
    assert!(!wide.contains('…'), "--wide cuts nothing:\n{wide}");

    let (_, matched) = in_terminal(work, 80, &["--as-of", AS_OF, "match", "D-SAMPLE"]);
    let header = matched.lines().next().unwrap_or_default();
    for column in ["rank", "contact_id", "name", "grade", "score", "load_90d"] {
        assert!(header.contains(column), "{column}:\n{matched}");
    }
    assert!(
        matched.contains("next: refprog match D-SAMPLE --ask"),
        "{matched}"
    );
}

#[test]
fn columns_chooses_and_a_wrong_name_lists_the_right_ones() {
    let work = demo();
    let csv = work
        .run(&[
            "--as-of",
            AS_OF,
            "roster",
            "list",
            "--format",
            "csv",
            "--columns",
            "name,contact_id",
        ])
        .ok();
    assert!(csv.starts_with("name,contact_id\n"), "{csv}");
    let table = work
        .run(&[
            "--as-of",
            AS_OF,
            "roster",
            "list",
            "--columns",
            "contact_id,recommit_due",
        ])
        .ok();
    assert!(table.starts_with("contact_id  recommit_due\n"), "{table}");
    let stderr = work
        .run(&["--as-of", AS_OF, "roster", "list", "--columns", "nmae"])
        .fails(2);
    assert!(
        stderr.contains("no column 'nmae'") && stderr.contains("contact_id, name"),
        "{stderr}"
    );
}

#[test]
fn piped_tables_have_one_row_a_line_and_money_has_separators() {
    let work = demo();
    for args in [
        vec!["roster", "list"],
        vec!["report", "utilization"],
        vec!["followups", "--all"],
        vec!["score"],
    ] {
        let mut full = vec!["--as-of", AS_OF];
        full.extend(&args);
        let table = work.run(&full).ok();
        let rows = data_rows(work, &full);
        assert_eq!(table.lines().count(), rows + 1, "{args:?}:\n{table}");
        assert!(!table.contains('│') && !table.contains('…'), "{args:?}");
    }
    let requests = work.run(&["--as-of", AS_OF, "request", "list"]).ok();
    assert!(requests.contains("90,000"), "{requests}");
    let csv = work
        .run(&["--as-of", AS_OF, "request", "list", "--format", "csv"])
        .ok();
    assert!(csv.contains(",90000,") && !csv.contains("90,000"), "{csv}");
}

#[test]
fn tsv_is_tab_separated_and_neutralises_formulas() {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry\nA-1,=HYPERLINK(\"x\"),Banking\nA-2,Plain,Retail\n",
    );
    let tsv = work.run(&["export", "accounts", "--format", "tsv"]).ok();
    let mut lines = tsv.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("account_id\tname\t")),
        "{tsv}"
    );
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with("A-1\t\"'=HYPERLINK(\"\"x\"\")\"\t"),
        "{tsv}"
    );
}

/// Every command that prints data gives one document per format: JSON parses as one
/// value, CSV has one header and records of one length.
#[test]
fn every_json_and_csv_output_is_one_document() {
    let work = demo();
    let mut commands = tables();
    commands.extend([
        vec!["request", "show", "D-SAMPLE"],
        vec!["roster", "show", "D-C00000"],
        vec!["score", "--explain", "D-A0171"],
        vec!["export", "accounts"],
    ]);
    for args in commands {
        let mut full = vec!["--as-of", AS_OF];
        full.extend(&args);
        data_rows(work, &full);
        for format in ["csv", "tsv"] {
            let mut with = full.clone();
            with.extend(["--format", format]);
            let text = work.run(&with).ok();
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(if format == "tsv" { b'\t' } else { b',' })
                .from_reader(text.as_bytes());
            let header = reader.headers().expect("header").clone();
            for record in reader.records() {
                let record = record.unwrap_or_else(|e| panic!("{args:?} {format}: {e}\n{text}"));
                assert_eq!(record.len(), header.len(), "{args:?} {format}:\n{text}");
                assert_ne!(record, header, "{args:?} {format}: a second header\n{text}");
            }
        }
    }
}

#[test]
fn a_section_is_chosen_for_csv_and_json_has_them_all() {
    let work = demo();
    let base = ["--as-of", AS_OF, "report", "fulfillment"];
    let json = work.run(&[&base[..], &["--format", "json"]].concat()).ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        value["metrics"].is_array() && value["by_rep"].is_array(),
        "{json}"
    );
    let approval = value["metrics"]
        .as_array()
        .and_then(|m| {
            m.iter().find(|r| {
                r["metric"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("approval rate"))
            })
        })
        .expect("approval rate");
    assert!(
        approval["value"].is_number(),
        "a number, not words: {approval}"
    );

    let run = work.run(&[&base[..], &["--format", "csv"]].concat());
    assert!(
        run.stdout
            .starts_with("section,metric,value,n,target,status\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("by_rep") && run.stderr.contains("--section"),
        "{}",
        run.stderr
    );
    let by_rep = work
        .run(&[&base[..], &["--format", "csv", "--section", "by_rep"]].concat())
        .ok();
    assert!(
        by_rep.starts_with("rep,requested,approved,fulfilled,won\n"),
        "{by_rep}"
    );
    let stderr = work
        .run(&[&base[..], &["--format", "csv", "--section", "nope"]].concat())
        .fails(2);
    assert!(stderr.contains("metrics, by_rep"), "{stderr}");
}

/// Regression: `refprog export accounts | head -1` failed under `pipefail` for CSV and
/// JSON (their writers wrap the I/O error, which the broken-pipe check missed). The output
/// is larger than a pipe's buffer, so the write really meets the closed pipe.
#[test]
fn a_closed_pipe_is_success_in_every_format() {
    let work = Workdir::new();
    work.run(&["--quiet", "--as-of", AS_OF, "demo", "--size", "2000"])
        .ok();
    let size = work.run(&["export", "accounts"]).ok().len();
    assert!(
        size > 64 * 1024,
        "only {size} bytes: the test could not fail"
    );
    let bin = env!("CARGO_BIN_EXE_refprog");
    for format in ["csv", "tsv", "json", "table"] {
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{bin}' export accounts --format {format} | head -1 >/dev/null"
            ))
            .env("REFPROG_DB", &work.db)
            .output()
            .expect("bash");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
}

#[test]
fn out_writes_the_whole_file_or_none() {
    let work = demo();
    let target = work.path("utilization.csv");
    let target_text = target.to_str().expect("path");
    let run = work.run(&[
        "--as-of",
        AS_OF,
        "report",
        "utilization",
        "--out",
        target_text,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let written = std::fs::read_to_string(&target).expect("written");
    let piped = work
        .run(&["--as-of", AS_OF, "report", "utilization", "--format", "csv"])
        .ok();
    assert_eq!(written, piped, "the extension chose CSV");
    // A failed command leaves the previous file as it was and nothing beside it.
    work.run(&[
        "--as-of",
        AS_OF,
        "request",
        "show",
        "NOPE",
        "--out",
        target_text,
    ])
    .fails(1);
    assert_eq!(std::fs::read_to_string(&target).expect("kept"), piped);
    let leftovers: Vec<_> = std::fs::read_dir(target.parent().expect("folder"))
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Never the database.
    let db = work.db.to_str().expect("path");
    let stderr = work
        .run(&["--as-of", AS_OF, "report", "utilization", "--out", db])
        .fails(1);
    assert!(stderr.contains("database"), "{stderr}");
}

#[test]
fn status_says_which_database_and_why() {
    let work = demo();
    let json = work
        .run(&["--as-of", AS_OF, "status", "--format", "json"])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let fact = |name: &str| {
        value["status"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["fact"] == name))
            .map(|r| r["value"].clone())
            .unwrap_or_else(|| panic!("no {name}: {json}"))
    };
    assert_eq!(fact("database"), work.db.to_str().expect("path"));
    assert_eq!(fact("chosen by"), "the REFPROG_DB environment variable");
    assert_eq!(fact("accounts"), 300);
    assert!(fact("follow-ups overdue").as_i64().is_some_and(|n| n > 0));
    assert!(
        value["at_limit"].as_array().is_some_and(|a| !a.is_empty()),
        "{json}"
    );
    let db = work.db.to_str().expect("path");
    let text = work.run(&["--db", db, "--as-of", AS_OF, "status"]).ok();
    assert!(text.contains("the --db flag"), "{text}");
}
