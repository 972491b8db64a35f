//! Import never holds the database while it reads, and never loses a row without saying
//! so: staging (issue 15 item 2), the shape of the file, and values as CRMs write them.

mod util;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::Workdir;

/// One account with one enrolled standard reference, S.
fn roster() -> Workdir {
    let work = Workdir::new();
    work.import(
        "accounts",
        "account_id,name,industry,employees,health,nps\nA,Acme,Banking,500,90,10\n",
    );
    work.import(
        "contacts",
        "contact_id,account_id,name,title,tier,willing,enrolled_on\n\
         S,A,Sam Standard,VP Finance,standard,call;email,2026-01-01\n",
    );
    work
}

fn sha256(path: &std::path::Path) -> String {
    let output = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Issue 15, item 2: an import fed by a slow pipe held the write lock for its whole run,
/// and a person's log-call failed after 10 s with "database is locked".
#[test]
fn log_call_beside_a_twenty_second_import_from_a_slow_pipe_succeeds_within_two_seconds() {
    let work = roster();
    let mut import = Command::new(env!("CARGO_BIN_EXE_refprog"))
        .env("REFPROG_DB", &work.db)
        .args(["--quiet", "import", "accounts", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the import");
    let mut pipe = import.stdin.take().expect("stdin");
    writeln!(pipe, "account_id,name,industry,employees").expect("header");
    let started = Instant::now();
    let mut calls = 0;
    // 20 seconds of rows, one batch a second; a log-call at 3, 10 and 17 seconds.
    for second in 0..20u32 {
        for i in 0..50 {
            writeln!(
                pipe,
                "P-{second}-{i},Company {second} {i},Banking,{}",
                100 + i
            )
            .expect("row");
        }
        pipe.flush().expect("flush");
        if [3, 10, 17].contains(&second) {
            let day = format!("2026-0{}-01", 2 + calls);
            let call = Instant::now();
            let run = work.run(&["--as-of", &day, "log-call", "S", "--kind", "thank-you"]);
            let took = call.elapsed();
            assert_eq!(run.code, 0, "log-call at {second}s: {}", run.stderr);
            assert!(
                took < Duration::from_secs(2),
                "log-call at {second}s took {took:?}"
            );
            calls += 1;
        }
        let next = Duration::from_secs(u64::from(second) + 1);
        std::thread::sleep(next.saturating_sub(started.elapsed()));
    }
    drop(pipe);
    let output = import.wait_with_output().expect("import");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(started.elapsed() >= Duration::from_secs(19));
    let accounts = work.run(&["export", "accounts"]).ok();
    assert_eq!(accounts.lines().count(), 1 + 1 + 20 * 50);
    let activities = work.run(&["export", "activities"]).ok();
    assert_eq!(activities.lines().count(), 1 + 3, "{activities}");
}

/// A dry run takes no write lock: it succeeds while another connection holds one.
#[test]
fn a_dry_run_succeeds_while_another_connection_holds_the_write_lock() {
    let work = roster();
    let file = work.write(
        "more.csv",
        "account_id,name,industry\nA,Acme Corp,Banking\nB,Beta,Retail\nB,Beta again,Retail\n",
    );
    let holder = rusqlite::Connection::open(&work.db).expect("open");
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE accounts SET name = name;")
        .expect("take the write lock");
    let started = Instant::now();
    let run = work.run(&[
        "import",
        "accounts",
        "--dry-run",
        file.to_str().expect("path"),
    ]);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        run.fails(1),
        format!(
            "{}:4: column 'account_id': value 'B': duplicate account_id: an earlier row in this file has the same id\n\
             refprog: import failed: 1 of 3 rows are bad; nothing was written (fix them, or use --skip-bad to import the rest)\n",
            file.display()
        )
    );
    let fine = work.write(
        "fine.csv",
        "account_id,name\nA,Acme Corp\nB,Beta\nC,Gamma\n",
    );
    let run = work.run(&[
        "import",
        "accounts",
        "--dry-run",
        fine.to_str().expect("path"),
    ]);
    assert_eq!(
        run.fails(0),
        "dry run, nothing written: accounts: 3 read, 2 inserted, 1 updated, 0 unchanged, 0 rejected\n"
    );
    holder.execute_batch("ROLLBACK").expect("rollback");
}

/// An import whose rows are bad never takes the write lock either: it fails with the bad
/// rows, not with "database is locked".
#[test]
fn a_failing_import_reports_its_bad_rows_while_another_connection_writes() {
    let work = roster();
    let file = work.write("bad.csv", "account_id,name,nps\nZ,Zeta,11\n");
    let holder = rusqlite::Connection::open(&work.db).expect("open");
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE accounts SET name = name;")
        .expect("take the write lock");
    let before = sha256(&work.db);
    let run = work.run(&["import", "accounts", file.to_str().expect("path")]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains(":2: column 'nps': value '11': expected a whole number from 0 to 10"),
        "{stderr}"
    );
    holder.execute_batch("ROLLBACK").expect("rollback");
    drop(holder);
    assert_eq!(sha256(&work.db), before);
}

/// What `refprog import accounts FILE` said on stderr, with its exit code checked.
fn import(work: &Workdir, file: &str, extra: &[&str], code: i32) -> String {
    let mut args = vec!["import", "accounts", file];
    args.extend_from_slice(extra);
    let run = work.run(&args);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(run.code, code, "{file}: {}", run.stderr);
    run.stderr
}

/// Every bad export fails whole with `FILE:LINE: column 'X': value 'Y': expected ...` (or
/// the whole-file reason) and leaves the database byte-identical.
#[test]
fn bad_exports_fail_with_the_line_column_value_and_expectation_and_change_nothing() {
    let work = roster();
    let cases: &[(&str, &str)] = &[
        (
            "fixtures/bad/excel_unclosed_quote_accounts.csv",
            "refprog: fixtures/bad/excel_unclosed_quote_accounts.csv:8: column 'name': value 'Contoso Europe,Banking,107': expected a closing quote: the quote opened on this line is never closed, so every line after it would be read into this one field; nothing was written\n",
        ),
        (
            "fixtures/bad/excel_two_stray_quotes_accounts.csv",
            "refprog: fixtures/bad/excel_two_stray_quotes_accounts.csv:4: column 'name': value 'Fabrikam Displays,Retail,103': expected a closing quote on the same line: the quote opened on this line closes on line 8, so lines 5 to 8 (each a whole row) would be read into this one field; nothing was written\n",
        ),
        (
            "fixtures/bad/long_quoted_notes_accounts.csv",
            "refprog: fixtures/bad/long_quoted_notes_accounts.csv:3: column 'name': value 'Notes Co': expected a closing quote within 1000 lines: the record that begins here spans 1201 lines (a quote opened here is probably closed far too late); nothing was written\n",
        ),
        (
            "fixtures/bad/excel_mixed_date_orders_accounts.csv",
            "refprog: fixtures/bad/excel_mixed_date_orders_accounts.csv:3: column 'customer_since': value '25/03/2022': expected a month-first date, as line 2 ('03/25/2021') reads: this file mixes day-first and month-first dates; fix them, or give --date-format; nothing was written\n",
        ),
        (
            "fixtures/bad/excel_accounting_negative_revenue.csv",
            "fixtures/bad/excel_accounting_negative_revenue.csv:2: column 'annual_revenue': value '(1,200.00)': expected an amount of 0 or more\n\
             refprog: import failed: 1 of 1 rows are bad; nothing was written (fix them, or use --skip-bad to import the rest)\n",
        ),
        (
            "fixtures/bad/dates_out_of_range_accounts.csv",
            "fixtures/bad/dates_out_of_range_accounts.csv:2: column 'customer_since': value '1899-12-31': expected a date like 2026-03-31, 3/31/2026 or 3/31/26 between 1900-01-01 and 2199-12-31\n\
             fixtures/bad/dates_out_of_range_accounts.csv:3: column 'customer_since': value '2300-01-01': expected a date like 2026-03-31, 3/31/2026 or 3/31/26 between 1900-01-01 and 2199-12-31\n\
             refprog: import failed: 2 of 2 rows are bad; nothing was written (fix them, or use --skip-bad to import the rest)\n",
        ),
        (
            "fixtures/bad/accounts_workbook.xlsx",
            "refprog: fixtures/bad/accounts_workbook.xlsx: this is an Excel workbook (.xlsx) or a .zip file, not a CSV: open it in Excel and save it as CSV (UTF-8), or unzip it first\n",
        ),
        (
            "fixtures/bad/accounts_workbook.xls",
            "refprog: fixtures/bad/accounts_workbook.xls: this is an Excel workbook (.xls), not a CSV: open it in Excel and save it as CSV (UTF-8)\n",
        ),
    ];
    for (file, expected) in cases {
        let before = sha256(&work.db);
        assert_eq!(import(&work, file, &[], 1), *expected);
        assert_eq!(sha256(&work.db), before, "{file} changed the database");
    }
}

/// Issue 12: a stray quote swallowed every following row into one field, and the import
/// said success (992 of 1,000 rows, exit 0).
#[test]
fn a_stray_quote_fails_at_its_line_even_with_skip_bad() {
    let work = roster();
    let before = sha256(&work.db);
    let stderr = import(
        &work,
        "fixtures/bad/excel_unclosed_quote_accounts.csv",
        &["--skip-bad"],
        1,
    );
    assert!(
        stderr.contains("excel_unclosed_quote_accounts.csv:8: column 'name'"),
        "{stderr}"
    );
    assert_eq!(sha256(&work.db), before);
}

/// Issue 12: a quote typed at the start of one cell and another at the end of a cell four
/// lines later made one name of five rows; the import said 8 of 12 rows, exit 0. A real
/// multi-line cell (a Salesforce street address) still imports.
#[test]
fn two_stray_quotes_fail_at_the_first_even_with_skip_bad_and_real_multi_line_cells_import() {
    let work = roster();
    let before = sha256(&work.db);
    let stderr = import(
        &work,
        "fixtures/bad/excel_two_stray_quotes_accounts.csv",
        &["--skip-bad"],
        1,
    );
    assert!(
        stderr.contains("excel_two_stray_quotes_accounts.csv:4: column 'name': value 'Fabrikam Displays,Retail,103': expected a closing quote on the same line"),
        "{stderr}"
    );
    assert_eq!(sha256(&work.db), before);
    let file = work.write(
        "streets.csv",
        "\"Id\",\"Name\",\"Industry\",\"BillingStreet\",\"NumberOfEmployees\"\r\n\
         \"001Dn00000Zz1AaIAJ\",\"Street One\",\"Retail\",\"1 Main St\r\nSuite 4, Floor 2\",\"10\"\r\n\
         \"001Dn00000Zz1AbIAJ\",\"Street Two\",\"Retail\",\"2 High St\",\"20\"\r\n",
    );
    let stderr = import(&work, file.to_str().expect("path"), &["--dry-run"], 0);
    assert!(stderr.contains("accounts: 2 read, 2 inserted"), "{stderr}");
}

/// Two Salesforce report exports joined with `cat`: the second header row, after its own
/// byte-order mark, is named as a repeated header (it was read as a row of bad numbers).
#[test]
fn a_header_repeated_with_its_byte_order_mark_is_named() {
    let work = roster();
    let one = std::fs::read("fixtures/exports/salesforce_report_accounts.csv").expect("fixture");
    assert!(
        one.starts_with(b"\xef\xbb\xbf"),
        "the report export has a BOM"
    );
    let file = work.path("joined.csv");
    std::fs::write(&file, [one.as_slice(), one.as_slice()].concat()).expect("write");
    let before = sha256(&work.db);
    let stderr = import(&work, file.to_str().expect("path"), &[], 1);
    assert!(
        stderr.contains("joined.csv:7: the header row appears again here (two exports joined?): remove this line"),
        "{stderr}"
    );
    assert!(!stderr.contains("value 'Employees'"), "{stderr}");
    assert_eq!(sha256(&work.db), before);
}

/// Issue 12: an encoding failure is the whole file's problem; --skip-bad used to import
/// the rows that happened to decode.
#[test]
fn an_encoding_failure_refuses_the_whole_file_even_with_skip_bad() {
    let work = roster();
    let file = work.write(
        "mixed.csv",
        "account_id,name\nE-1,Plain Co\nE-2,Soci\u{e9}t\u{e9}\nE-3,Other Co\n",
    );
    std::fs::write(
        &file,
        b"account_id,name\nE-1,Plain Co\nE-2,Soci\xe9t\xe9 G\xe9n\xe9rale\nE-3,Other Co\n",
    )
    .expect("write");
    let before = sha256(&work.db);
    let stderr = import(&work, file.to_str().expect("path"), &["--skip-bad"], 1);
    assert!(
        stderr.contains(":3: column 'name': value 'Soci"),
        "{stderr}"
    );
    assert!(
        stderr.contains("try --encoding windows-1252; nothing was written"),
        "{stderr}"
    );
    assert_eq!(sha256(&work.db), before);
}

#[test]
fn a_salesforce_report_footer_is_skipped_with_one_note_from_a_file_or_a_pipe() {
    let work = Workdir::new();
    let file = "fixtures/exports/salesforce_report_footer_accounts.csv";
    assert_eq!(
        import(&work, file, &[], 0),
        "note: skipped the report footer after the data: 5 one-field line(s) from line 7 ('Reference Accounts')\n\
         accounts: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    let bytes = std::fs::read(util::root().join(file)).expect("fixture");
    let again = Workdir::new();
    let run = again.run_with_stdin(&["import", "accounts", "-"], Some(&bytes));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("3 read, 3 inserted"), "{}", run.stderr);
    // One-field rows followed by more data are bad rows, not a footer.
    let work = Workdir::new();
    let file = work.write("cut.csv", "account_id,name\nA-1,One\nA-2\nA-3,Three\n");
    let stderr = import(&work, file.to_str().expect("path"), &[], 1);
    assert!(
        stderr.contains(":3: 1 fields, but the header has 2"),
        "{stderr}"
    );
}

#[test]
fn a_header_only_export_imports_nothing_with_a_note_and_exit_0() {
    let work = roster();
    let before = sha256(&work.db);
    assert_eq!(
        import(
            &work,
            "fixtures/exports/salesforce_report_header_only_accounts.csv",
            &[],
            0
        ),
        "note: skipped the report footer after the data: 5 one-field line(s) from line 4 ('Reference Accounts')\n\
         note: no rows after the header: nothing to import\n\
         accounts: 0 read, 0 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    assert_eq!(sha256(&work.db), before);
}

/// Issue 18: repeated names no longer refuse a file; the first of two same-name columns
/// feeding one field wins, with a note; ignored columns (junk, a NUL, a formula) are never
/// validated; a --map naming a repeated header is an error.
#[test]
fn repeated_column_names_first_wins_with_a_note_and_ignored_columns_are_not_checked() {
    let work = Workdir::new();
    let file = "fixtures/exports/hubspot_companies_repeated_columns.csv";
    assert_eq!(
        import(&work, file, &[], 0),
        "note: column 7 ('Company Name') repeats the name of column 2 ('Company name'): used column 2 for name, ignored column 7\n\
         note: ignored 4 column(s) refprog does not use: Phone Number, Create Date, Phone Number, Create Date\n\
         accounts: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    let export = work.run(&["export", "accounts"]).ok();
    assert!(
        export.contains("18012345678,Wide World Importers,"),
        "{export}"
    );
    let before = sha256(&work.db);
    let stderr = import(&work, file, &["--map", "Phone Number=name"], 1);
    assert!(
        stderr.contains("--map 'Phone Number=name': the file has 2 columns named 'Phone Number' (columns 5 and 8): rename one in the file, then map it"),
        "{stderr}"
    );
    assert_eq!(sha256(&work.db), before);
}

#[test]
fn day_and_month_are_decided_per_file() {
    let work = Workdir::new();
    assert_eq!(
        import(
            &work,
            "fixtures/exports/excel_uk_day_first_accounts.csv",
            &[],
            0
        ),
        "note: read 3 date(s) like 03/04/2026 day-first, as line 3 shows (column 'customer_since': '25/03/2022')\n\
         accounts: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    assert_eq!(
        import(
            &work,
            "fixtures/exports/excel_us_all_ambiguous_accounts.csv",
            &[],
            0
        ),
        "note: 2 date(s) like 03/04/2026 could be read either way; read them month-first (Salesforce's default); for day-first dates give --date-format %d/%m/%Y\n\
         accounts: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    let export = work.run(&["export", "accounts"]).ok();
    let dates: Vec<String> = export
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            format!("{} {} {}", cells[0], cells[8], cells[19])
        })
        .collect();
    assert_eq!(
        dates,
        [
            "UK-1 2021-04-03 2027-02-01",
            "UK-2 2022-03-25 2027-06-05",
            "US-1 2021-03-04 ",
            "US-2 2022-05-06 ",
        ]
    );
}

#[test]
fn crm_never_dates_import_as_blank_with_a_note() {
    let work = Workdir::new();
    assert_eq!(
        import(
            &work,
            "fixtures/exports/salesforce_report_never_dates_accounts.csv",
            &[],
            0
        ),
        "note: 2 date(s) of 4000-12-31 or 9999-12-31 (a CRM's \"never\") imported as blank\n\
         accounts: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    let export = work.run(&["export", "accounts"]).ok();
    let renewals: Vec<&str> = export
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(19).unwrap_or("?"))
        .collect();
    assert_eq!(renewals, ["", "", "2027-06-30"]);
}

#[test]
fn amounts_in_scientific_notation_and_with_more_than_two_decimals() {
    let work = Workdir::new();
    assert_eq!(
        import(
            &work,
            "fixtures/exports/bulkapi_scientific_amounts_accounts.csv",
            &[],
            0
        ),
        "note: rounded 2 amount(s) with more than 2 decimals to cents (half to even)\n\
         accounts: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    let export = work.run(&["export", "accounts"]).ok();
    let revenue: Vec<&str> = export
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap_or("?"))
        .collect();
    assert_eq!(revenue, ["139000000", "139000000", "9225.22", "9225.24"]);
}

#[test]
fn a_classic_mac_file_is_read_line_by_line() {
    let work = Workdir::new();
    assert_eq!(
        import(
            &work,
            "fixtures/exports/excel_mac_cr_only_accounts.csv",
            &[],
            0
        ),
        "note: lines end with a carriage return alone (a classic Mac file): read as lines\n\
         accounts: 2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected\n"
    );
    // Line numbers count its lines.
    let file = work.write("mac.csv", "account_id,name,nps\rM-1,One,9\rM-2,Two,11\r");
    let stderr = import(&work, file.to_str().expect("path"), &[], 1);
    assert!(
        stderr.contains("mac.csv:3: column 'nps': value '11'"),
        "{stderr}"
    );
}

#[test]
fn a_workbook_on_standard_input_is_named() {
    let work = Workdir::new();
    let bytes =
        std::fs::read(util::root().join("fixtures/bad/accounts_workbook.xlsx")).expect("fixture");
    let run = work.run_with_stdin(&["import", "accounts", "-"], Some(&bytes));
    assert_eq!(
        run.fails(1),
        "refprog: stdin: this is an Excel workbook (.xlsx) or a .zip file, not a CSV: open it in Excel and save it as CSV (UTF-8), or unzip it first\n"
    );
}

/// Peak resident memory (KiB) and the time of a run, from /usr/bin/time.
fn measured(work: &Workdir, args: &[&str]) -> (i32, u64, Duration, String) {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "peak=%M"])
        .arg(env!("CARGO_BIN_EXE_refprog"))
        .args(args)
        .env("REFPROG_DB", &work.db)
        .stdin(Stdio::null())
        .output()
        .expect("/usr/bin/time must be installed (apt-get install time)");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak="))
        .and_then(|v| v.trim().parse().ok())
        .expect("peak memory");
    (output.status.code().unwrap_or(-1), peak, took, stderr)
}

/// Issue 12 and 18: an endless or huge-field input fails with a clear error within 20 s
/// and under 300 MB peak memory.
#[test]
fn dev_zero_and_a_100_mb_field_fail_fast_in_bounded_memory() {
    let work = roster();
    let before = sha256(&work.db);
    let (code, peak, took, stderr) = measured(&work, &["import", "accounts", "/dev/zero"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("/dev/zero:1: a record that begins here runs on for more than 8 MiB"),
        "{stderr}"
    );
    assert!(peak < 300 * 1024, "peak {peak} KiB");
    assert!(took < Duration::from_secs(20), "{took:?}");
    let huge = work.path("huge.csv");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&huge).expect("create"));
        file.write_all(b"account_id,name\nA-1,\"").expect("write");
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            file.write_all(&chunk).expect("write");
        }
        file.write_all(b"\"\n").expect("write");
    }
    let (code, peak, took, stderr) =
        measured(&work, &["import", "accounts", huge.to_str().expect("path")]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("huge.csv:2: a record that begins here runs on for more than 8 MiB"),
        "{stderr}"
    );
    assert!(peak < 300 * 1024, "peak {peak} KiB");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(sha256(&work.db), before);
}

/// Issue 12: --rejects failed on ragged rows and left half a file, wrote live formulas,
/// and pointed at the database or the input it truncated them.
#[test]
fn rejects_take_any_shape_of_row_are_formula_safe_and_never_overwrite_the_database_or_input() {
    let work = roster();
    let input = util::root().join("fixtures/bad/ragged_formula_rows_accounts.csv");
    let input = input.to_str().expect("path");
    let rejects = work.path("bad.csv");
    let stderr = import(
        &work,
        input,
        &["--skip-bad", "--rejects", rejects.to_str().expect("path")],
        0,
    );
    assert!(
        stderr.contains("accounts: 5 read, 2 inserted, 0 updated, 0 unchanged, 3 rejected"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&rejects).expect("rejects"),
        "line,reason,account_id,name,industry,nps\n\
         3,column 'nps': value '11': expected a whole number from 0 to 10,G-2,\"'=HYPERLINK(\"\"http://x\"\")\",Banking,11\n\
         4,\"2 fields, but the header has 4: check for an unquoted delimiter or a missing quote\",G-3,Short\n\
         5,\"6 fields, but the header has 4: check for an unquoted delimiter or a missing quote\",G-4,Long,Banking,9,extra,more\n"
    );
    let db = work.db.to_str().expect("path").to_string();
    for (target, what) in [
        (db.clone(), "is the database"),
        (format!("{db}-wal"), "is one of the database's own files"),
        (
            format!("{db}-journal"),
            "is one of the database's own files",
        ),
        (input.to_string(), "is an input of this command"),
    ] {
        let before_db = sha256(&work.db);
        let before_input = sha256(std::path::Path::new(input));
        let stderr = import(&work, input, &["--skip-bad", "--rejects", &target], 1);
        assert!(
            stderr.contains(&format!(
                "the rejects file '{target}' {what}: refprog will not write over it"
            )),
            "{stderr}"
        );
        assert_eq!(sha256(&work.db), before_db);
        assert_eq!(sha256(std::path::Path::new(input)), before_input);
    }
    // A failed import leaves no rejects file behind.
    let none = work.path("none.csv");
    let file = work.write(
        "two_bad.csv",
        "account_id,name,nps\nX-1,One,11\nX-1,One,9\n",
    );
    let rejects_args = ["--rejects", none.to_str().expect("path")];
    let run = work.run(&[
        "import",
        "accounts",
        file.to_str().expect("path"),
        "--skip-bad",
        "--dry-run",
        rejects_args[0],
        rejects_args[1],
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        none.exists(),
        "a dry run with --rejects writes the rejects file"
    );
}

/// A failed command changes nothing: a first import that fails leaves no database behind,
/// nor the folders made for it; a database or an empty file that was there stays.
#[test]
fn a_failed_first_import_leaves_no_database_behind() {
    let work = Workdir::new();
    let bad = work.path("bad.csv");
    std::fs::write(&bad, "account_id,name,employees\nA-1,Acme,lots\n").expect("write");
    let nested = work.path("new/folder/program.db");
    let nested_text = nested.to_str().expect("path");
    let stderr = work
        .run(&[
            "--db",
            nested_text,
            "import",
            "accounts",
            bad.to_str().expect("path"),
        ])
        .fails(1);
    assert!(stderr.contains("lots"), "{stderr}");
    assert!(!nested.exists(), "the failed import left a database");
    assert!(
        !work.path("new").exists(),
        "the failed import left its folders"
    );
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(
            !work
                .path(&format!("new/folder/program.db{suffix}"))
                .exists()
        );
    }
    // An empty file given as --db was there before: it stays (made 0600), empty.
    let empty = work.path("empty.db");
    std::fs::write(&empty, "").expect("write");
    work.run(&[
        "--db",
        empty.to_str().expect("path"),
        "import",
        "accounts",
        bad.to_str().expect("path"),
    ])
    .fails(1);
    assert!(empty.exists(), "a file that was there was removed");
    // A database that was there keeps its rows.
    work.import("accounts", "account_id,name\nA-0,Zero\n");
    work.run(&["import", "accounts", bad.to_str().expect("path")])
        .fails(1);
    assert!(work.db.exists());
    let csv = work.run(&["export", "accounts"]).ok();
    assert!(csv.contains("A-0,Zero"), "{csv}");
}

/// Issue 16: a first import into a database that does not exist yet is loaded in a new file
/// beside it and put in place when complete (each page written once, not once to the WAL
/// and again at the checkpoint). Killed at any moment, it leaves no database at all or the
/// whole one; the next import sweeps what a killed one left in the folder.
#[test]
fn a_first_import_killed_at_any_moment_leaves_no_database_or_the_whole_one() {
    let work = Workdir::new();
    let mut text = String::from("account_id,name,industry,employees,customer_since\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "A{i:07},Company {i},Banking,{},2021-03-{:02}\n",
            10 + i % 5000,
            i % 28 + 1
        ));
    }
    let big = work.write("big.csv", &text);
    let big = big.to_str().expect("path");
    let timer = Instant::now();
    work.run(&["--quiet", "import", "accounts", big]).ok();
    let full = timer.elapsed();
    let whole = work.run(&["export", "accounts"]).ok();
    assert_eq!(whole.lines().count(), 20_001);
    let folder = work.db.parent().expect("folder").to_path_buf();
    let names = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n != "big.csv")
            .collect();
        names.sort();
        names
    };
    // Complete: a WAL database readable by its owner only, nothing else beside it.
    assert_eq!(names(), ["refprog.db"]);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&work.db)
            .expect("db")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let conn = rusqlite::Connection::open(&work.db).expect("open");
        let journal: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("journal mode");
        assert_eq!(journal, "wal");
    }
    let (mut saw_none, mut saw_whole) = (0, 0);
    for attempt in 0..10u32 {
        for file in files_of(&work.db) {
            let _ = std::fs::remove_file(file);
        }
        let delay = full.mul_f64(f64::from(attempt) / 8.0);
        let mut child = Command::new(env!("CARGO_BIN_EXE_refprog"))
            .env("REFPROG_DB", &work.db)
            .args(["--quiet", "import", "accounts", big])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if !work.db.exists() {
            saw_none += 1;
            continue;
        }
        let conn = rusqlite::Connection::open(&work.db).expect("open");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity_check");
        assert_eq!(check, "ok", "attempt {attempt}");
        drop(conn);
        assert_eq!(
            work.run(&["export", "accounts"]).ok(),
            whole,
            "attempt {attempt}: a database at the path holds part of the import"
        );
        saw_whole += 1;
    }
    assert!(
        saw_none > 0,
        "no kill landed before the database was put in place"
    );
    // What a killed import left is swept by the next one into the same path.
    for file in files_of(&work.db) {
        let _ = std::fs::remove_file(file);
    }
    work.run(&["--quiet", "import", "accounts", big]).ok();
    assert_eq!(names(), ["refprog.db"]);
    eprintln!("killed 10 first imports: {saw_none} left no database, {saw_whole} the whole one");
}

/// The database and its side files.
fn files_of(db: &std::path::Path) -> Vec<std::path::PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|s| std::path::PathBuf::from(format!("{}{s}", db.display())))
        .collect()
}

/// Issue 16: a file into a database whose write lock is free is read while it is written
/// (a new database, or an existing one); a pipe, or a busy lock, stages the whole input
/// first. Both ways say and write the same: the counts, the notes, the bad rows, the rejects
/// file and the rows; day-first dates settled late in the file included.
#[test]
fn a_file_read_while_written_says_and_writes_what_a_staged_pipe_does() {
    let mut text = String::from("account_id,name,nps,customer_since\n");
    for i in 0..3_000 {
        // The first day-first date comes late: the rows before wait for the order.
        let day = if i == 2_500 { 25 } else { i % 12 + 1 };
        let nps = if i % 1_000 == 7 {
            "11".to_string()
        } else {
            (i % 11).to_string()
        };
        text.push_str(&format!("A{i:05},Company {i},{nps},{day:02}/03/2021\n"));
    }
    text.push_str("A00001,Again,5,01/02/2021\n");
    let outcome = |fresh: bool, piped: bool| {
        let work = if fresh { Workdir::new() } else { roster() };
        let file = work.write("accounts.csv", &text);
        let rejects = work.path("rejects.csv");
        let mut args = vec![
            "import",
            "accounts",
            "--skip-bad",
            "--rejects",
            rejects.to_str().expect("path"),
        ];
        let run = if piped {
            args.push("-");
            work.run_with_stdin(&args, Some(text.as_bytes()))
        } else {
            args.push(file.to_str().expect("path"));
            work.run(&args)
        };
        let stderr = run
            .fails(0)
            .replace(file.to_str().expect("path"), "stdin")
            .replace(rejects.to_str().expect("path"), "REJECTS");
        let rejected = std::fs::read_to_string(&rejects).expect("rejects");
        let rows = work.run(&["export", "accounts"]).ok();
        (stderr, rejected, rows)
    };
    for fresh in [true, false] {
        let read_while_written = outcome(fresh, false);
        let staged = outcome(fresh, true);
        assert_eq!(read_while_written.0, staged.0, "fresh: {fresh}");
        assert_eq!(read_while_written.1, staged.1, "fresh: {fresh}");
        assert!(
            read_while_written.2 == staged.2,
            "fresh: {fresh}: the rows differ"
        );
        let (stderr, rejected, rows) = read_while_written;
        assert!(stderr.contains("3001 read"), "{stderr}");
        assert!(stderr.contains("4 rejected"), "{stderr}");
        assert_eq!(rejected.lines().count(), 5, "{rejected}");
        // 02/03/2021, day-first: 2 March, also in the rows read before line 2502 settled it.
        assert!(rows.contains("A00001,Company 1,,,,,,,2021-03-02"), "{rows}");
    }
}
