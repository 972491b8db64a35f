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
    typed_in_terminal(work, columns, args, None)
}

/// As [`in_terminal`], with standard input on the terminal too, where `typed` is typed.
fn typed_in_terminal(
    work: &Workdir,
    columns: u16,
    args: &[&str],
    typed: Option<&[u8]>,
) -> (i32, String) {
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
        .stdin(match typed {
            Some(_) => Stdio::from(slave.try_clone().expect("dup")),
            None => Stdio::null(),
        })
        .stdout(Stdio::from(slave.try_clone().expect("dup")))
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("start refprog");
    let mut screen = Vec::new();
    let mut reader = std::fs::File::from(master);
    if let Some(bytes) = typed {
        std::io::Write::write_all(&mut reader, bytes).expect("type");
    }
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
    (
        status.code().unwrap_or(-1),
        as_seen(&String::from_utf8_lossy(&screen)),
    )
}

/// What stays on the screen of what a program wrote: a line rewritten after a carriage
/// return or cleared (a progress bar) shows only its last text; other escapes are dropped.
fn as_seen(raw: &str) -> String {
    let mut seen = String::new();
    for line in raw.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = line.rsplit('\r').next().unwrap_or_default();
        let line = line.rsplit("\x1b[2K").next().unwrap_or_default();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                // CSI: ESC [ parameters final-byte
                if chars.next() == Some('[') {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
            } else {
                seen.push(c);
            }
        }
        seen.push('\n');
    }
    seen.pop();
    seen
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
        vec!["score", "--explain", "D-A0171"],
        vec!["match", "D-SAMPLE"],
        vec!["match", "D-SAMPLE", "--show-excluded"],
        vec!["followups"],
        vec!["followups", "--stale"],
        vec!["roster", "list"],
        vec!["request", "list"],
        vec!["policy"],
        vec!["status"],
        vec!["activity", "list"],
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

/// An --out file whose name says no format, or another format than --format, is refused
/// (exit 2) and nothing is written: a table in "u.xlsx" was written with exit 0.
#[test]
fn out_names_its_format_and_agrees_with_format() {
    let work = demo();
    let run = |name: &str, format: Option<&str>| {
        let target = work.path(name);
        let mut args = vec!["--as-of", AS_OF, "report", "utilization"];
        if let Some(format) = format {
            args.extend(["--format", format]);
        }
        args.extend(["--out", target.to_str().expect("path")]);
        (work.run(&args), target)
    };
    let (refused, target) = run("u.xlsx", None);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains(".csv, .tsv or .json"),
        "{}",
        refused.stderr
    );
    assert!(!target.exists());
    let (refused, target) = run("u.csv", Some("json"));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--format json but --out"),
        "{}",
        refused.stderr
    );
    assert!(!target.exists());
    let leftovers: Vec<_> = std::fs::read_dir(work.path(""))
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A digest is a text: any name will do.
    let digest = work.path("digest.md");
    let written = work.run(&[
        "--as-of",
        AS_OF,
        "digest",
        "--markdown",
        "--out",
        digest.to_str().expect("path"),
    ]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(
        std::fs::read_to_string(&digest)
            .expect("digest")
            .contains('#'),
        "a markdown digest"
    );
    // export writes CSV whatever the name, as before.
    let exported = work.path("accounts.dat");
    let export = work.run(&[
        "export",
        "accounts",
        "--out",
        exported.to_str().expect("path"),
    ]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(
        std::fs::read_to_string(&exported)
            .expect("export")
            .starts_with("account_id,"),
        "CSV"
    );
    // Said either way, or both ways alike, it is written.
    for (name, format) in [
        ("u.txt", Some("table")),
        ("v.json", None),
        ("w.tsv", Some("tsv")),
    ] {
        let (written, target) = run(name, format);
        assert_eq!(written.code, 0, "{name}: {}", written.stderr);
        assert!(target.exists(), "{name}");
    }
}

/// `status --format json` as of AS_OF, and a reader of its facts by name.
fn status_json(work: &Workdir) -> (serde_json::Value, impl Fn(&str) -> serde_json::Value) {
    let json = work
        .run(&["--as-of", AS_OF, "status", "--format", "json"])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let facts = value["status"].clone();
    let fact = move |name: &str| {
        facts
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["fact"] == name))
            .map(|r| r["value"].clone())
            .unwrap_or_else(|| panic!("no {name}: {json}"))
    };
    (value, fact)
}

#[test]
fn status_says_which_database_and_why() {
    let work = demo();
    let (value, fact) = status_json(work);
    let json = value.to_string();
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

/// A command line as README writes it: words, and '...' quoting a phrase.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            _ => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// README's first week, replayed: each `$ refprog ...` of its console blocks (but the
/// shortened demo) prints at an 80-column terminal exactly what README shows, but for the
/// database's path and size, which depend on the machine.
#[test]
fn readme_first_week_is_what_refprog_prints_at_80_columns() {
    // status's last_imports rows carry the day the import ran (README's imports give no
    // --as-of), which is the clock's, like the database path.
    let imported = |line: &str| {
        let mut words = line.split_whitespace();
        let kind = words.next().unwrap_or_default();
        let day = words.next().unwrap_or_default();
        [
            "accounts",
            "contacts",
            "opportunities",
            "requests",
            "activities",
        ]
        .contains(&kind)
            && chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok()
    };
    let readme = include_str!("../README.md");
    let start = readme.find("### Monday").expect("first week");
    let end = readme
        .find("## Where the reference lives")
        .expect("reference");
    let work = Workdir::new();
    let keep = |text: &str| -> String {
        text.lines()
            .filter(|l| {
                !l.starts_with("database ") && !l.starts_with("size bytes ") && !imported(l)
            })
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let mut checked = 0;
    for block in readme[start..end].split("```console\n").skip(1) {
        let block = &block[..block.find("```").expect("closed block")];
        if block.lines().any(|l| l == "...") {
            continue;
        }
        let mut steps: Vec<(String, String)> = Vec::new();
        for line in block.lines() {
            if let Some(command) = line.strip_prefix("$ ") {
                steps.push((command.to_string(), String::new()));
            } else if let Some((_, expected)) = steps.last_mut() {
                expected.push_str(line);
                expected.push('\n');
            }
        }
        for (command, expected) in steps {
            let args = words(command.strip_prefix("refprog ").expect("a refprog command"));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, screen) = in_terminal(&work, 80, &args);
            assert_eq!(code, 0, "{command}:\n{screen}");
            assert_eq!(
                keep(&screen),
                keep(&expected),
                "README shows otherwise: {command}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} commands checked");
}

/// README's crontab line: cron gives almost no environment; `env -i` with PATH and HOME
/// only must still write the whole CSV.
#[test]
fn the_cron_line_works_with_only_path_and_home() {
    let work = demo();
    let home = tempfile::tempdir().expect("home");
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_refprog"))
        .parent()
        .expect("bin folder")
        .to_path_buf();
    let target = home.path().join("utilization.csv");
    let output = Command::new("env")
        .arg("-i")
        .arg(format!("PATH={}:/usr/bin:/bin", bin.display()))
        .arg(format!("HOME={}", home.path().display()))
        .args(["refprog", "--db"])
        .arg(&work.db)
        .args(["report", "utilization", "--out"])
        .arg(&target)
        .output()
        .expect("env");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let csv = std::fs::read_to_string(&target).expect("written");
    assert!(
        csv.starts_with("contact_id,name,account_id,account,tier,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 60, "60 references in the demo");
    let readme = include_str!("../README.md");
    assert!(
        readme.contains("env -i PATH=/home/pm/.cargo/bin:/usr/bin:/bin HOME=/home/pm refprog --db /home/pm/refprog/program.db report utilization --out /home/pm/reports/utilization.csv"),
        "README's cron line is the one tested here"
    );
}

/// `import` with no FILE at a terminal says it is reading standard input instead of
/// waiting in silence; what is typed, ended with Ctrl-D, is imported.
#[test]
fn import_from_a_terminal_says_it_waits_for_standard_input() {
    let work = Workdir::new();
    let (code, screen) = typed_in_terminal(
        &work,
        80,
        &["import", "accounts"],
        Some(b"account_id,name\nA-1,Typed Inc\n\x04"),
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("reading accounts CSV from standard input: paste it and end with Ctrl-D"),
        "{screen}"
    );
    assert!(screen.contains("accounts: 1 read, 1 inserted"), "{screen}");
}

/// CI runs exactly README's test command, and that command installs the headless browser
/// the review page's test needs (a fresh machine has only rustup's toolchain).
#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let readme = include_str!("../README.md");
    let ci = include_str!("../.ci/run");
    let setup = &readme[readme.find("## Set up").expect("set up")..];
    let block = &setup[setup.find("```sh\n").expect("a sh block") + 6..];
    let block = &block[..block.find("```").expect("closed")];
    let commands: Vec<&str> = block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(
        commands.len(),
        2,
        "README's set-up has two commands: {commands:?}"
    );
    let test = commands[1];
    let last = ci
        .lines()
        .rfind(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .expect("a command");
    assert_eq!(last, test, "CI's last command is README's test command");
    let script = include_str!("../scripts/test");
    for needed in [
        "apt-get install -y -q $missing",
        "missing=\"$missing chromium\"",
        "missing=\"$missing python3\"",
        "missing=\"$missing time\"",
    ] {
        assert!(script.contains(needed), "{needed} not in {script}");
    }
    assert!(script.contains("exec cargo test"), "{script}");
}

/// `status` at a terminal lists the first ten references at their limit and says how many
/// more there are; JSON (for scripts) has every one.
#[test]
fn status_shows_ten_at_the_limit_and_says_how_many_more() {
    let work = Workdir::new();
    work.import("accounts", "account_id,name\nA,Acme\n");
    let mut contacts = String::from("contact_id,account_id,name,tier\n");
    let mut activities = String::from("activity_id,contact_id,kind,date\n");
    for i in 0..13 {
        contacts.push_str(&format!("C{i:02},A,Person {i},standard\n"));
        // Two calls in the last 90 days: the standard tier's limit.
        activities.push_str(&format!("X{i:02}a,C{i:02},call,2026-10-01\n"));
        activities.push_str(&format!("X{i:02}b,C{i:02},call,2026-11-01\n"));
    }
    work.import("contacts", &contacts);
    work.import("activities", &activities);
    let json = work
        .run(&["--as-of", AS_OF, "status", "--format", "json"])
        .ok();
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        value["at_limit"].as_array().map(Vec::len),
        Some(13),
        "{json}"
    );
    let run = work.run(&["--as-of", AS_OF, "status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed = run
        .stdout
        .lines()
        .filter(|l| l.starts_with('C') && l.contains("Person"))
        .count();
    assert_eq!(listed, 10, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("and 3 more at their limit: refprog roster list"),
        "{}",
        run.stderr
    );
}

/// `status` and `followups` give the same answer: the overdue that `followups --overdue`
/// lists, and apart the stale ones that it folds into one line per kind (`--stale`).
#[test]
fn status_counts_the_follow_ups_that_followups_lists() {
    let work = demo();
    let (_, status_fact) = status_json(work);
    let fact = |name: &str| {
        status_fact(name)
            .as_u64()
            .unwrap_or_else(|| panic!("{name} is no count")) as usize
    };
    let rows = |flag: &str| {
        work.run(&["--as-of", AS_OF, "followups", flag, "--format", "csv"])
            .ok()
            .lines()
            .count()
            - 1
    };
    assert_eq!(fact("follow-ups overdue"), rows("--overdue"));
    assert_eq!(fact("follow-ups stale"), rows("--stale"));
    assert!(
        fact("follow-ups stale") > 0,
        "the demo has stale follow-ups"
    );
}

/// An error on a terminal is wrapped at word boundaries (a refusal ran on as 'strateg' /
/// 'ic limit'); to a pipe it stays one line, for grep.
#[test]
fn errors_wrap_at_words_on_a_terminal_and_stay_one_line_in_a_pipe() {
    let work = demo();
    let args = [
        "--as-of",
        AS_OF,
        "log-call",
        "D-C00000",
        "--request",
        "D-R012",
        "--dry-run",
    ];
    let (code, screen) = in_terminal(work, 80, &args);
    assert_eq!(code, 1, "{screen}");
    assert!(screen.lines().count() > 1, "{screen}");
    for line in screen.lines() {
        assert!(line.width() <= 80, "{line}\n\n{screen}");
    }
    let words: Vec<&str> = screen.split_whitespace().collect();
    let piped = work.run(&args);
    assert_eq!(piped.code, 1);
    let first = piped.stderr.lines().next().expect("a message");
    assert!(first.width() > 80, "one line to a pipe: {}", piped.stderr);
    // The same words either way: the terminal's lines break between them.
    let pipe_words: Vec<&str> = piped.stderr.split_whitespace().collect();
    assert_eq!(words, pipe_words, "{screen}");
}
