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
