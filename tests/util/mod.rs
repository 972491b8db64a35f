//! Helpers for the integration tests: the real binary, run on a database in a fresh temp
//! folder, from the project root so that fixture paths in messages are stable.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Workdir {
    dir: tempfile::TempDir,
    pub db: PathBuf,
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts exit 0 and returns stdout.
    pub fn ok(self) -> String {
        assert_eq!(
            self.code, 0,
            "expected success, got {}\nstderr:\n{}",
            self.code, self.stderr
        );
        self.stdout
    }

    /// Asserts the given non-zero exit code and returns stderr.
    pub fn fails(self, code: i32) -> String {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stderr
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Workdir {
    pub fn new() -> Workdir {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("refprog.db");
        Workdir { dir, db }
    }

    /// A workdir whose database exists and holds no rows (only `import` and `demo` create
    /// a database: a header-only import makes it, whether or not it counts as a success).
    pub fn empty() -> Workdir {
        let work = Workdir::new();
        let header = work.write("empty.csv", "account_id,name\n");
        work.run(&[
            "--quiet",
            "import",
            "accounts",
            header.to_str().expect("path"),
        ]);
        assert!(
            work.db.is_file(),
            "the header-only import made the database"
        );
        work
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// Writes `contents` as a CSV file and imports it as `kind`; the import must succeed.
    pub fn import(&self, kind: &str, contents: &str) {
        let path = self.write(&format!("{kind}.csv"), contents);
        self.run(&["--quiet", "import", kind, path.to_str().expect("path")])
            .ok();
    }

    /// Runs `refprog ARGS` against this workdir's database.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_refprog"));
        command
            .current_dir(root())
            .env("REFPROG_DB", &self.db)
            .env_remove("XDG_DATA_HOME")
            .env("NO_COLOR", "1")
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start refprog");
        if let Some(bytes) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(bytes)
                .expect("write stdin");
        }
        let output = child.wait_with_output().expect("run refprog");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The database file's bytes (after a command has exited, the WAL is checkpointed away).
    pub fn db_bytes(&self) -> Vec<u8> {
        std::fs::read(&self.db).expect("read database")
    }
}

/// A workdir with the fixture program (fixtures/program) imported, every kind.
pub fn program() -> Workdir {
    let work = Workdir::new();
    for kind in [
        "accounts",
        "contacts",
        "opportunities",
        "requests",
        "activities",
    ] {
        work.run(&[
            "--quiet",
            "import",
            kind,
            &format!("fixtures/program/{kind}.csv"),
        ])
        .ok();
    }
    work
}

/// Compares `actual` with the golden file `tests/golden/NAME`; with `REFPROG_BLESS=1` in
/// the environment, writes it instead (review the diff).
pub fn assert_golden(name: &str, actual: &str) {
    let path = root().join("tests").join("golden").join(name);
    if std::env::var_os("REFPROG_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).expect("golden dir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}: run with REFPROG_BLESS=1",
            path.display()
        )
    });
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

/// An accounts CSV of `count` accounts with no contacts, deals or activities: it grows a
/// database (about 200 bytes an account) and changes no reference's figures.
pub fn filler_accounts(count: usize) -> String {
    let mut csv = String::from("account_id,name,industry,employees\n");
    for i in 0..count {
        csv.push_str(&format!(
            "FILL-{i:06},Filler account number {i:06} with a long enough name,Retail,{}\n",
            100 + i
        ));
    }
    csv
}
