//! Opening the database: where it lives, its mode, and what it refuses to touch.

mod util;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use util::Workdir;

fn import_one(work: &Workdir) {
    let file = work.write("a.csv", "account_id,name\nA-1,Acme\n");
    work.run(&["import", "accounts", file.to_str().expect("path")])
        .ok();
}

#[test]
fn a_new_database_is_private_to_its_owner() {
    let work = Workdir::new();
    import_one(&work);
    let mode = std::fs::metadata(&work.db)
        .expect("db exists")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn without_db_flag_or_env_the_database_goes_to_the_xdg_data_dir() {
    let work = Workdir::new();
    let data_home = work.path("data");
    let output = Command::new(env!("CARGO_BIN_EXE_refprog"))
        .env_remove("REFPROG_DB")
        .env("XDG_DATA_HOME", &data_home)
        .args(["import", "accounts"])
        .arg(work.write("a.csv", "account_id,name\nA-1,Acme\n"))
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(data_home.join("refprog").join("refprog.db").is_file());
}

#[test]
fn db_flag_wins_over_env() {
    let work = Workdir::new();
    let other = work.path("other.db");
    let file = work.write("a.csv", "account_id,name\nA-1,Acme\n");
    work.run(&[
        "--db",
        other.to_str().expect("path"),
        "import",
        "accounts",
        file.to_str().expect("path"),
    ])
    .ok();
    assert!(other.is_file());
    assert!(!work.db.exists());
}

#[test]
fn a_text_file_is_refused_and_left_untouched() {
    let work = Workdir::new();
    std::fs::write(&work.db, "these are my notes, not a database\n").expect("write");
    let stderr = work.run(&["export", "accounts"]).fails(1);
    assert_eq!(
        stderr,
        format!(
            "refprog: '{}' is not a SQLite database; refprog left it untouched (check --db or REFPROG_DB)\n",
            work.db.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(&work.db).expect("read"),
        "these are my notes, not a database\n"
    );
}

#[test]
fn a_directory_is_refused() {
    let work = Workdir::new();
    std::fs::create_dir(&work.db).expect("mkdir");
    let stderr = work.run(&["export", "accounts"]).fails(1);
    assert!(
        stderr.contains("is a directory: --db takes the path of a database file"),
        "{stderr}"
    );
}

#[test]
fn a_database_from_a_newer_refprog_is_refused_and_left_untouched() {
    let work = Workdir::new();
    import_one(&work);
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    conn.pragma_update(None, "user_version", 99)
        .expect("bump version");
    drop(conn);
    let before = work.db_bytes();
    let stderr = work.run(&["export", "accounts"]).fails(1);
    assert!(
        stderr.contains("written by a newer refprog (schema version 99"),
        "{stderr}"
    );
    assert!(stderr.contains("the file was left untouched"), "{stderr}");
    assert_eq!(work.db_bytes(), before);
}

#[test]
fn another_programs_sqlite_database_is_refused() {
    let work = Workdir::new();
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    conn.execute_batch("CREATE TABLE recipes (name TEXT)")
        .expect("create");
    drop(conn);
    let before = work.db_bytes();
    let stderr = work.run(&["export", "accounts"]).fails(1);
    assert!(
        stderr.contains("a SQLite database of another program"),
        "{stderr}"
    );
    assert_eq!(work.db_bytes(), before);
}

#[test]
fn the_database_is_in_wal_mode_with_foreign_keys() {
    let work = Workdir::new();
    import_one(&work);
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert!(version >= 1);
}

#[test]
fn a_read_only_database_can_be_read_but_not_written() {
    let work = Workdir::new();
    import_one(&work);
    let mut permissions = std::fs::metadata(&work.db).expect("db").permissions();
    permissions.set_mode(0o400);
    std::fs::set_permissions(&work.db, permissions).expect("chmod");
    let before = work.db_bytes();
    let file = work.write("b.csv", "account_id,name\nA-2,Beta\n");
    let run = work.run(&["import", "accounts", file.to_str().expect("path")]);
    // Root may write anyway; everyone else gets a clear error and an untouched file.
    if run.code != 0 {
        assert!(
            run.stderr.contains("refprog:") && !run.stderr.contains("panicked"),
            "{}",
            run.stderr
        );
        assert_eq!(work.db_bytes(), before);
    }
}

#[test]
fn a_folder_that_cannot_be_created_is_a_clear_error() {
    let work = Workdir::new();
    let blocker = work.write("not-a-folder", "a file");
    let db = blocker.join("refprog.db");
    let file = work.write("a.csv", "account_id,name\nA-1,Acme\n");
    let stderr = work
        .run(&[
            "--db",
            db.to_str().expect("path"),
            "import",
            "accounts",
            file.to_str().expect("path"),
        ])
        .fails(1);
    assert!(stderr.contains("cannot create the folder"), "{stderr}");
}

/// A database made by the first refprog (schema version 1, checked in): the current binary
/// opens it, brings it up to date in place, and keeps every row.
#[test]
fn a_first_version_database_opens_and_keeps_every_row() {
    let work = Workdir::new();
    std::fs::copy(util::root().join("fixtures/db/v1.db"), &work.db).expect("copy fixture");
    let counts = |db: &std::path::Path| -> Vec<i64> {
        let conn = rusqlite::Connection::open(db).expect("open");
        [
            "accounts",
            "contacts",
            "opportunities",
            "requests",
            "activities",
            "policy",
            "membership_events",
        ]
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .expect("count")
        })
        .collect()
    };
    let before = counts(&work.db);
    assert_eq!(before[0], 9, "the fixture's accounts");
    let csv = work
        .run(&["--as-of", "2026-11-23", "score", "--format", "csv"])
        .ok();
    assert!(csv.contains("A-HEALTH,Mercy Health"), "{csv}");
    assert_eq!(counts(&work.db), before, "every row kept");
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, refprog::store::migrate::latest_version());
    let policy = work.run(&["policy", "--format", "csv"]).ok();
    assert!(
        policy.contains("score.tier1_min,72,70,2026-11-23"),
        "changed policy kept: {policy}"
    );
}

/// A first import into an empty table drops its secondary indexes for the load and builds
/// them again before the commit: they are all there after, and after a failed import too.
#[test]
fn indexes_are_rebuilt_after_a_bulk_load() {
    let indexes = |db: &std::path::Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(db).expect("open");
        let mut statement = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('accounts', 'contacts') ORDER BY name")
            .expect("prepare");
        statement
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("names")
    };
    let work = Workdir::empty();
    let before = indexes(&work.db);
    assert!(
        before.contains(&"accounts_by_industry".to_string())
            && before.contains(&"contacts_enrolled".to_string())
    );
    let bad = work.write("bad.csv", "account_id,name,nps\nA-1,One,11\n");
    work.run(&["import", "accounts", bad.to_str().expect("path")])
        .fails(1);
    assert_eq!(
        indexes(&work.db),
        before,
        "a failed import rolls the drop back"
    );
    work.run(&[
        "--quiet",
        "import",
        "accounts",
        "fixtures/program/accounts.csv",
    ])
    .ok();
    work.run(&[
        "--quiet",
        "import",
        "contacts",
        "fixtures/program/contacts.csv",
    ])
    .ok();
    assert_eq!(indexes(&work.db), before);
    let conn = rusqlite::Connection::open(&work.db).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
}
