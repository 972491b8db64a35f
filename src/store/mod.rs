//! The only code that speaks SQL. `Store::open` finds or creates the one database file
//! (mode 0600), refuses anything that is not a refprog database, sets the per-connection
//! PRAGMAs and brings the schema up to date; the submodules hold the queries, one file
//! per group of tables, returning plain values.

pub mod activity;
pub mod export;
pub mod followups;
pub mod history;
pub mod import;
pub mod lookup;
pub mod matching;
pub mod migrate;
pub mod policy;
pub mod reports;
pub mod requests;
pub mod roster;
pub mod scoring;
pub mod status;

use std::borrow::Cow;
use std::fs::OpenOptions;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use compact_str::CompactString;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};

/// An open refprog database.
pub struct Store {
    /// Private to `store`: every other module reads and writes through [`Db`].
    conn: Connection,
    path: PathBuf,
    /// Read-only connections whose read transaction sees the same commit as `conn`'s
    /// (see [`Store::begin_snapshot`]), lent to threads by [`Store::reader`].
    readers: std::sync::Mutex<Vec<Connection>>,
    /// Set for a command run by hand: its writes are kept in the history (see
    /// [`history`]) so `refprog undo` can revert them.
    recording: Option<history::Recording>,
    /// What several analyses of one snapshot read alike (the review page runs six): read
    /// once and shared, when [`Store::keep_members`] asked for it. Shared with the store's
    /// [`Store::sibling`]s, which read the same snapshot.
    pub(crate) kept: Option<std::sync::Arc<Kept>>,
    /// Whether this open made the database file (a failed command removes it again).
    created: bool,
    /// A database that did not exist, loaded in a new file beside its path and put in
    /// place by [`Store::finish`] (see [`Create::Load`]).
    loading: Option<crate::files::OutputFile>,
}

/// What a command that runs several analyses reads once: each part empty until the first
/// analysis reads it (while it reads, another thread asking waits rather than reading it
/// too).
#[derive(Default)]
pub(crate) struct Kept {
    /// The members ([`roster::members`]).
    pub(crate) members: std::sync::Mutex<Option<roster::Members>>,
    /// The members' load events of the widest range read so far
    /// ([`scoring::events_by_contact`]).
    pub(crate) events: std::sync::Mutex<Option<std::sync::Arc<scoring::ByContact>>>,
}

/// A second connection reading the same snapshot as the store's own, lent to a thread;
/// it goes back to the store when dropped.
pub struct Reader<'a> {
    conn: Option<Connection>,
    pool: &'a std::sync::Mutex<Vec<Connection>>,
}

impl Reader<'_> {
    /// The handle the store's queries read through, on this lent connection.
    pub fn db(&self) -> Db<'_> {
        Db {
            conn: self
                .conn
                .as_ref()
                .expect("a lent reader holds its connection until dropped"),
        }
    }
}

/// What the store's queries take: one of the store's connections (its own, a lent
/// [`Reader`]'s, or the one a transaction runs on), got from [`Store::db`], [`Reader::db`]
/// or [`Store::in_transaction`]. It is `Copy`, so a caller passes it to as many queries as
/// it likes; the connection inside is private to `store`, so no SQL is written outside it.
#[derive(Clone, Copy)]
pub struct Db<'a> {
    conn: &'a Connection,
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut pool)) = (self.conn.take(), self.pool.lock()) {
            pool.push(conn);
        }
    }
}

/// A value bound into SQL; text borrows from the input where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
}

impl ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

/// The domain's words are stored as their canonical spelling and read back as the type
/// (the schema's CHECK constraints keep any other text out), so no caller parses a
/// status string again.
macro_rules! stored_as_text {
    ($($t:ty),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.as_str().as_bytes())))
            }
        }

        impl rusqlite::types::FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                <$t>::parse(text).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!("'{text}' is not a {}", stringify!($t)).into(),
                    )
                })
            }
        }
    )+};
}

stored_as_text!(
    crate::domain::model::RequestStatus,
    crate::domain::model::RoleLevel,
    crate::domain::model::Answer
);

/// The database path when neither `--db` nor `REFPROG_DB` names one:
/// `$XDG_DATA_HOME/refprog/refprog.db`, else `~/.local/share/refprog/refprog.db`.
pub fn default_path() -> Result<PathBuf> {
    let data_home = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .context("cannot find the data directory: set --db, REFPROG_DB or HOME")?;
            PathBuf::from(home).join(".local").join("share")
        }
    };
    Ok(data_home.join("refprog").join("refprog.db"))
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// No connection reads through a memory map (SQLite's `mmap_size` stays 0): mapped pages
/// count in the peak resident memory (issue 16), and the analyses no longer gain from
/// them. Mapping the first 64 MiB once saved 4-7 % of their time; after their reads were
/// streamlined the map saved nothing measurable (2026-12-07, alternating runs at 100k
/// accounts: the review page, score, the reports, followups and match within 0-4 %, either
/// way) and cost 45-100 MiB of peak memory (score at 100k 105 -> 60 MiB).
const MMAP_BYTES: i64 = 0;

/// Makes `conn` plan a statement without looking at the values bound to it, so a
/// statement run again with other values is not planned again. SQLite (built with
/// STAT4, as rusqlite's bundled build is) otherwise re-prepares a statement whenever a
/// value the planner consulted changes: `match` runs its candidates' query once per
/// account and each candidate's history once per contact, and re-preparing them was a
/// fifth of its time at 1M accounts. Its plans are index lookups by id, which the values
/// do not change; the analyses, whose date ranges may choose a plan, do not set this.
fn plan_once(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// How long a command waits for another's write lock before it gives up.
const BUSY_WAIT: Duration = Duration::from_secs(10);

/// Whether opening may create the database: only `import` and `demo` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    Yes,
    No,
    /// As `Yes`, for a bulk load (`import`): a database that does not exist yet is built in
    /// a new file beside its path, without a journal on disk (every page written once, not
    /// once to the WAL and again at the checkpoint), and put at the path by
    /// [`Store::finish`] only when complete. Killed before that, nothing is at the path.
    Load,
}

/// What `Store::open` found at the path, before SQLite touches it.
enum Found {
    Nothing,
    EmptyFile,
    SqliteFile,
}

fn no_database(path: &Path) -> anyhow::Error {
    let shown = path.display();
    // `refprog demo` without --db builds demo.db beside the default database: say so to
    // whoever runs the next command without --db.
    let demo = path.with_file_name("demo.db");
    if demo != path && path.file_name().is_some() && demo.is_file() {
        return anyhow::anyhow!(
            "no refprog database at {shown}; the demo's is {}: refprog --db {} status \
             (or set REFPROG_DB; `refprog import` creates a database of your own)",
            demo.display(),
            demo.display()
        );
    }
    anyhow::anyhow!(
        "no refprog database at {shown} (set --db or REFPROG_DB; `refprog import` or `refprog demo` creates one)"
    )
}

/// Looks at the path without following it into anything but a regular file: a folder, a
/// FIFO (which would block forever), a device or a dangling symlink is refused with words
/// that say what it is.
fn inspect(path: &Path) -> Result<Found> {
    let shown = path.display();
    let link = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(Found::Nothing);
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read '{shown}'")),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(_) if link.file_type().is_symlink() => {
            let target = std::fs::read_link(path).unwrap_or_default();
            bail!(
                "'{shown}' is a symlink to '{}', which does not exist: point --db at the database file itself",
                target.display()
            );
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read '{shown}'")),
    };
    if meta.is_dir() {
        bail!("'{shown}' is a directory: --db takes the path of a database file");
    }
    if !meta.is_file() {
        bail!(
            "'{shown}' is not a regular file (a pipe, socket or device): --db takes the path of a database file; refprog left it untouched"
        );
    }
    if meta.len() == 0 {
        return Ok(Found::EmptyFile);
    }
    let mut start = Vec::with_capacity(16);
    std::fs::File::open(path)
        .with_context(|| format!("cannot open '{shown}'"))?
        .take(16)
        .read_to_end(&mut start)
        .with_context(|| format!("cannot read '{shown}'"))?;
    if start.as_slice() != SQLITE_MAGIC {
        bail!(
            "'{shown}' is not a SQLite database; refprog left it untouched (check --db or REFPROG_DB)"
        );
    }
    Ok(Found::SqliteFile)
}

/// A program killed mid-way leaves its last transactions in a -wal file, or half of one
/// written into the database with the rollback -journal beside it. SQLite's first
/// read-write connection writes the -wal into the file (or rolls the journal back) and its
/// close deletes the side files: done to another program's database, that changes it
/// before refprog can tell whose it is. So a database with a -wal or -journal beside it
/// that does not carry refprog's mark in its header is identified first on a read-only
/// connection, which changes neither the file nor its -wal or -journal.
fn unfinished_is_ours(path: &Path) -> Result<()> {
    let beside = |suffix: &str| {
        let mut side = path.as_os_str().to_os_string();
        side.push(suffix);
        std::fs::metadata(PathBuf::from(side)).is_ok_and(|m| m.len() > 0)
    };
    if !beside("-wal") && !beside("-journal") {
        return Ok(());
    }
    if header_application_id(path) == Some(migrate::APPLICATION_ID) {
        return Ok(());
    }
    let shown = path.display();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(anyhow::Error::from)
    .map_err(|e| explain(e, Some(path)))
    .with_context(|| format!("cannot open the database '{shown}'"))?;
    conn.busy_timeout(BUSY_WAIT)?;
    match migrate::identify(&conn) {
        Ok(_) => Ok(()),
        // A hot journal: only a read-write connection may roll it back.
        Err(e)
            if e.chain()
                .filter_map(|c| c.downcast_ref::<rusqlite::Error>())
                .any(|c| c.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly)) =>
        {
            bail!(
                "database '{shown}': it is a SQLite database with an unfinished transaction (a -journal file beside it) and without refprog's mark, so probably another program's; refprog left it untouched (check --db or REFPROG_DB; if it is a refprog database from before 2026, open it once with the sqlite3 shell to finish the transaction)"
            )
        }
        Err(e) => Err(e).with_context(|| format!("database '{shown}'")),
    }
}

/// The application id in the database header (bytes 68-71, big-endian), read from the file
/// without SQLite; None when the file is shorter than a header.
fn header_application_id(path: &Path) -> Option<i64> {
    let mut header = [0u8; 72];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    Some(i64::from(i32::from_be_bytes([
        header[68], header[69], header[70], header[71],
    ])))
}

/// The database holds customer names and emails: readable by its owner only, whoever
/// created the file.
fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)?;
        if meta.permissions().mode() & 0o777 != 0o600 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).with_context(
                || {
                    format!(
                        "cannot make '{}' readable by its owner only",
                        path.display()
                    )
                },
            )?;
        }
    }
    Ok(())
}

/// Marks an error whose words about the disk were already said (by [`explain`]).
#[derive(Debug)]
struct DiskWords(String);

impl std::fmt::Display for DiskWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The size limit this process's files may not grow past (`ulimit -f`), in bytes; None
/// when there is none.
pub fn file_size_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct it is given, which lives on this stack.
        let got = unsafe { libc::getrlimit(libc::RLIMIT_FSIZE, &mut limit) };
        if got == 0 && limit.rlim_cur != libc::RLIM_INFINITY {
            // rlim_t is u64 on Linux, not everywhere.
            #[allow(clippy::useless_conversion)]
            return Some(u64::from(limit.rlim_cur));
        }
    }
    None
}

/// Below this many free bytes a failed write is put down to a full disk: SQLite reports a
/// -shm file it could not grow, or a write it could not make, as an I/O error, not as
/// SQLITE_FULL, so on a disk with nothing left every command (even `score`, which must
/// create the -shm) failed with "it may be full, or failing".
const NEARLY_FULL_BYTES: u64 = 1 << 20;

/// The bytes this process may still write on the file system holding `path` (its folder
/// when it does not exist); None when the system does not say.
fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let target = if path.exists() { path } else { folder };
        let name = std::ffi::CString::new(target.as_os_str().as_bytes()).ok()?;
        // SAFETY: statvfs writes into the zeroed struct it is given, which lives on this
        // stack, and reads the NUL-terminated path, which outlives the call.
        let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(name.as_ptr(), &mut stats) } != 0 {
            return None;
        }
        // The field types differ between systems.
        #[allow(clippy::useless_conversion)]
        return Some(u64::from(stats.f_bavail).saturating_mul(u64::from(stats.f_frsize)));
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// What kind of write that found no room an error is, as the OS or SQLite reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NoRoom {
    No,
    /// SQLite's I/O error on a write, a truncation or the -shm file's growth: EFBIG under a
    /// file-size limit, or a failing disk.
    WriteFailed,
    /// SQLITE_FULL: a write cut short, by a full disk or a file-size limit.
    Cut,
    /// EFBIG from the OS: a file-size limit.
    TooLarge,
    /// ENOSPC or EDQUOT from the OS.
    Full,
}

fn no_room(error: &anyhow::Error) -> NoRoom {
    use rusqlite::ffi;
    use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
    let of = |kind| match kind {
        StorageFull | QuotaExceeded => NoRoom::Full,
        FileTooLarge => NoRoom::TooLarge,
        _ => NoRoom::No,
    };
    error
        .chain()
        .map(|cause| {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                return of(io.kind());
            }
            // The CSV writer and serde_json wrap the I/O error in their own.
            if let Some(e) = cause.downcast_ref::<csv::Error>() {
                return match e.kind() {
                    csv::ErrorKind::Io(io) => of(io.kind()),
                    _ => NoRoom::No,
                };
            }
            if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
                return e.io_error_kind().map_or(NoRoom::No, of);
            }
            if let Some(rusqlite::Error::SqliteFailure(e, _)) =
                cause.downcast_ref::<rusqlite::Error>()
            {
                if e.code == rusqlite::ErrorCode::DiskFull {
                    return NoRoom::Cut;
                }
                if matches!(
                    e.extended_code,
                    ffi::SQLITE_IOERR_WRITE
                        | ffi::SQLITE_IOERR_SHMSIZE
                        | ffi::SQLITE_IOERR_TRUNCATE
                ) {
                    return NoRoom::WriteFailed;
                }
            }
            NoRoom::No
        })
        .max()
        .unwrap_or(NoRoom::No)
}

/// Words for a failure: a write that found no room (a full disk, or a file-size limit hit)
/// and a read-only file or folder are said as such, not as a damaged database or an
/// "os error 27". `path` is the database (None when the failed write was another file,
/// which the error already names). Said once, however many layers call this.
pub fn explain(error: anyhow::Error, path: Option<&Path>) -> anyhow::Error {
    use rusqlite::ErrorCode;
    if error.downcast_ref::<DiskWords>().is_some() {
        return error;
    }
    let room = no_room(&error);
    if room != NoRoom::No {
        let disk = match path {
            Some(path) => format!("the disk holding '{}'", path.display()),
            None => "the disk".to_string(),
        };
        let again = "then run the command again; nothing was changed";
        let words = match (room, file_size_limit()) {
            (NoRoom::Full, _) => format!("{disk} is full: free some space, {again}"),
            (_, Some(limit)) => format!(
                "a file could not grow: refprog runs under a file-size limit of {limit} bytes (ulimit -f); raise it (ulimit -f unlimited) or write somewhere else, {again}"
            ),
            (NoRoom::TooLarge, None) => format!(
                "a file grew past the largest the file system allows: write somewhere else, {again}"
            ),
            (NoRoom::Cut, None) => format!("{disk} is full: free some space, {again}"),
            (NoRoom::WriteFailed, None)
                if path
                    .and_then(free_bytes)
                    .is_some_and(|free| free < NEARLY_FULL_BYTES) =>
            {
                let free = path.and_then(free_bytes).unwrap_or(0);
                format!("{disk} is full ({free} bytes free): free some space, {again}")
            }
            _ => format!(
                "writing to {disk} failed: it may be full, or failing; free some space or check the disk, {again}"
            ),
        };
        return error.context(DiskWords(words));
    }
    let busy = error
        .chain()
        .filter_map(|e| e.downcast_ref::<rusqlite::Error>())
        .any(|e| {
            matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            )
        });
    if busy {
        // SQLite's own words ("database is locked") read like a damaged file.
        return error.context(DiskWords(format!(
            "the database is busy: another command (a large import, say) has held its write lock for over {} s; nothing was changed: run the command again when it is done",
            BUSY_WAIT.as_secs()
        )));
    }
    let Some(path) = path else {
        return error;
    };
    let code = error
        .chain()
        .find_map(|e| e.downcast_ref::<rusqlite::Error>())
        .and_then(rusqlite::Error::sqlite_error_code);
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".to_string(),
    };
    match code {
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => error
            .context(DiskWords(format!(
                "cannot write to '{}' or its folder '{folder}' (read-only, or not yours): refprog needs to write the database and its -wal and -shm files beside it",
                path.display()
            ))),
        _ => error,
    }
}

impl Store {
    /// The handle the store's queries read and write through, on this store's connection.
    pub fn db(&self) -> Db<'_> {
        Db { conn: &self.conn }
    }

    /// Whether this open created the database file.
    pub fn created(&self) -> bool {
        self.created
    }

    /// A read-write connection to the file at `file`, with the busy wait, as the store of
    /// the database at `path` (the same path, or the new file a first import loads).
    fn connect(
        file: &Path,
        path: &Path,
        verb: &str,
        created: bool,
        loading: Option<crate::files::OutputFile>,
    ) -> Result<Store> {
        let conn = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(anyhow::Error::from)
        .map_err(|e| explain(e, Some(path)))
        .with_context(|| format!("cannot {verb} the database '{}'", path.display()))?;
        conn.busy_timeout(BUSY_WAIT)?;
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        Ok(Store::on(conn, path.to_path_buf(), created, loading))
    }

    /// The store over `conn`, with no readers, recording or kept members yet.
    fn on(
        conn: Connection,
        path: PathBuf,
        created: bool,
        loading: Option<crate::files::OutputFile>,
    ) -> Store {
        Store {
            conn,
            path,
            readers: std::sync::Mutex::new(Vec::new()),
            recording: None,
            kept: None,
            created,
            loading,
        }
    }

    /// Opens the refprog database at `path` (creating it only with [`Create::Yes`]) and
    /// migrates it to the current schema. Anything that is not a refprog database (another
    /// program's SQLite file, whatever its version; a file of another kind; a pipe) is
    /// refused and left untouched; the database is made readable by its owner only.
    pub fn open(path: &Path, create: Create) -> Result<Store> {
        let shown = path.display();
        let mut created = false;
        match (inspect(path)?, create) {
            (Found::Nothing | Found::EmptyFile, Create::No) => return Err(no_database(path)),
            (Found::Nothing, Create::Load) => return Store::load_new(path),
            (Found::Nothing, Create::Yes) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).with_context(|| {
                        format!("cannot create the folder '{}'", parent.display())
                    })?;
                }
                let mut options = OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                options
                    .open(path)
                    .with_context(|| format!("cannot create the database '{shown}'"))?;
                created = true;
            }
            (Found::SqliteFile, _) => unfinished_is_ours(path)?,
            (Found::EmptyFile, _) => {}
        }
        let mut store = Store::connect(path, path, "open", created, None)?;
        // Check what the file is before anything writes to it.
        let fresh = migrate::identify(&store.conn)
            .map_err(|e| explain(e, Some(path)))
            .with_context(|| format!("database '{shown}'"))?;
        if fresh && create == Create::No {
            return Err(no_database(path));
        }
        owner_only(path)?;
        if fresh {
            // 8 KiB pages: half the WAL frames and B-tree splits of the default 4 KiB on
            // large imports (measured in bench/); only takes effect on an empty file.
            store.conn.pragma_update(None, "page_size", 8192)?;
        }
        store
            .conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(anyhow::Error::from)
            .map_err(|e| explain(e, Some(path)))
            .with_context(|| format!("cannot set up the database '{shown}'"))?;
        migrate::migrate(&mut store.conn)
            .map_err(|e| explain(e, Some(path)))
            .with_context(|| format!("cannot upgrade the database '{shown}'"))?;
        Ok(store)
    }

    /// A new database for [`Create::Load`]: the schema and then the rows go to a temporary
    /// file beside `path` (0600), with the rollback journal in memory and no syncs, since
    /// the file is nobody else's until [`Store::finish`] syncs it and links it at `path`.
    fn load_new(path: &Path) -> Result<Store> {
        let shown = path.display();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder '{}'", parent.display()))?;
        }
        let file = crate::files::OutputFile::create(
            path,
            &crate::files::Protected::default(),
            crate::files::Existing::Refuse,
            0o600,
            "the database",
        )
        .map_err(|e| explain(e, Some(path)))?;
        let temp = file.temp_path().to_path_buf();
        let mut store = Store::connect(&temp, path, "create", true, Some(file))?;
        store
            .conn
            .execute_batch(
                "PRAGMA page_size = 8192; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;",
            )
            .map_err(anyhow::Error::from)
            .map_err(|e| explain(e, Some(path)))
            .with_context(|| format!("cannot set up the database '{shown}'"))?;
        migrate::migrate(&mut store.conn)
            .map_err(|e| explain(e, Some(path)))
            .with_context(|| format!("cannot create the database '{shown}'"))?;
        Ok(store)
    }

    /// Whether this is a new database being loaded (see [`Create::Load`]): nobody else can
    /// see it, so an import may write while it reads.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Ends a command that succeeded. A database loaded by [`Create::Load`] is switched to
    /// WAL (as every open leaves it), closed, synced and linked at its path; if a database
    /// appeared at the path meanwhile, it is left as it was and this is an error.
    pub fn finish(&mut self) -> Result<()> {
        let Some(file) = self.loading.take() else {
            return Ok(());
        };
        let shown = self.path.display().to_string();
        let done = (|| -> Result<()> {
            self.conn.execute_batch("PRAGMA journal_mode = WAL")?;
            let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
            conn.close().map_err(|(_, e)| e)?;
            Ok(())
        })()
        .map_err(|e| explain(e, Some(&self.path)))
        .with_context(|| format!("cannot finish the database '{shown}'"));
        done?;
        file.commit().map_err(|e| {
            if self.path.exists() {
                anyhow::anyhow!(
                    "another command created the database '{shown}' while this import was loading a new one; nothing was written: run the import again to add to it"
                )
            } else {
                explain(e, Some(&self.path))
            }
        })
    }

    /// For the length of an import (outside its transaction): SQLite's foreign-key and
    /// CHECK enforcement off, because the import validates every value and reference first,
    /// and a larger page cache.
    pub fn set_import_mode(&mut self, on: bool) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", !on)?;
        self.conn
            .pragma_update(None, "ignore_check_constraints", on)?;
        // A 32 MiB page cache: CRM ids arrive in random order, so every secondary index is
        // written all over; with SQLite's default 2 MiB, 1M activities took twice as long
        // (measured in bench/). Peak memory stays under 64 MiB.
        self.conn
            .pragma_update(None, "cache_size", if on { -32_768 } else { -2_000 })?;
        Ok(())
    }

    /// From now on [`roster::members`] reads the members once and gives copies, and
    /// [`scoring::events_by_contact`] reads the members' load events (only theirs) once for
    /// every range inside the first it was asked: for a command that runs several analyses
    /// on one snapshot (see [`Store::begin_snapshot`]) and writes nothing.
    pub fn keep_members(&mut self) {
        self.kept = Some(std::sync::Arc::default());
    }

    /// A store of its own for another thread of this command, on a second connection of
    /// the same snapshot (taken from those [`Store::begin_snapshot`] opened) and sharing
    /// the kept members; None when there is no such connection (the caller then runs the
    /// work on this store). It only reads: it records nothing and creates nothing.
    pub fn sibling(&self) -> Option<Store> {
        let conn = self.readers.lock().ok()?.pop()?;
        let mut sibling = Store::on(conn, self.path.clone(), false, None);
        sibling.kept = self.kept.clone();
        Some(sibling)
    }

    /// Leaves what [`Store::keep_members`] kept to the process's end, and keeps no more:
    /// for a command about to end (freeing a year of load events one by one as the store
    /// closed cost the 100k review 50 ms, after its page was written).
    pub fn leave_kept(&mut self) {
        std::mem::forget(self.kept.take());
    }

    /// Whether this command runs several analyses on one snapshot ([`Store::keep_members`]):
    /// each then frees what it read rather than leaving it to the process's end.
    pub fn runs_several(&self) -> bool {
        self.kept.is_some()
    }

    /// Plans each statement once, whatever values it is run with: see [`plan_once`].
    pub fn plan_once(&self) -> Result<()> {
        plan_once(&self.conn)
    }

    /// Makes the rest of this command read one committed state: a read transaction on
    /// this connection, and on `readers` more read-only connections (for the analyses'
    /// threads) that see the very same commit. To put them on one commit, writers are held
    /// off for the instant the transactions start (the write lock is taken, then released
    /// without writing); readers never wait on each other. If the write lock cannot be had
    /// within a moment (a long import), no second connection is opened and the work runs
    /// on this one connection: slower, never torn.
    pub fn begin_snapshot(&self, readers: usize) -> Result<()> {
        let start = |conn: &Connection| -> rusqlite::Result<()> {
            conn.execute_batch("BEGIN DEFERRED")?;
            // The snapshot is taken at the first read.
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        };
        if readers > 0
            && let Ok(lock) = self.writers_held_off()
        {
            let mut pool = Vec::with_capacity(readers);
            for _ in 0..readers {
                let conn = self.read_only()?;
                start(&conn).context("cannot read the database")?;
                pool.push(conn);
            }
            start(&self.conn).context("cannot read the database")?;
            drop(lock);
            if let Ok(mut lent) = self.readers.lock() {
                *lent = pool;
            }
            return Ok(());
        }
        start(&self.conn).context("cannot read the database")?;
        Ok(())
    }

    /// A connection holding the write lock (no commit can happen while it lives), given up
    /// when dropped; an error when a writer holds it for longer than a moment.
    fn writers_held_off(&self) -> Result<Connection> {
        let lock = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        lock.busy_timeout(Duration::from_millis(500))?;
        lock.execute_batch("BEGIN IMMEDIATE")?;
        Ok(lock)
    }

    fn read_only(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| {
            format!(
                "cannot open the database '{}' for reading",
                self.path.display()
            )
        })?;
        conn.busy_timeout(BUSY_WAIT)?;
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        Ok(conn)
    }

    /// A second connection on the same snapshot as this one, for reading on another
    /// thread; None when there is none (no snapshot begun, or every one is lent), and the
    /// caller then reads on this connection.
    pub fn reader(&self) -> Option<Reader<'_>> {
        let conn = self.readers.lock().ok()?.pop()?;
        Some(Reader {
            conn: Some(conn),
            pool: &self.readers,
        })
    }

    /// Copies the database to a new file at `path` (mode 0600) with SQLite's online
    /// backup, which is safe while other connections read and write. The copy is written
    /// to a temporary file beside `path`, checked (`integrity_check`, the same rows in
    /// every table as the snapshot it copied) and only then renamed into place: a backup
    /// killed half-way leaves nothing at `path`, and running it again works.
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        use crate::files::{Existing, OutputFile, Protected};
        let file = OutputFile::create(
            path,
            &Protected::database(&self.path),
            Existing::Refuse,
            0o600,
            "the backup",
        )?;
        let temp = file.temp_path().to_path_buf();
        let mut copy = Connection::open_with_flags(
            &temp,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .context("cannot write the backup")?;
        let counts = |conn: &Connection| -> Result<Vec<(String, i64)>> {
            let tables: Vec<String> = conn
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )?
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            tables
                .into_iter()
                .map(|t| {
                    let n =
                        conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |row| {
                            row.get(0)
                        })?;
                    Ok((t, n))
                })
                .collect()
        };
        // One read transaction: the rows counted are the rows copied, whatever other
        // connections commit meanwhile; the copy is made in one step of every page.
        let snapshot = self
            .conn
            .unchecked_transaction()
            .context("cannot read the database")?;
        let source = counts(&snapshot).context("cannot count the database's rows")?;
        {
            let backup =
                rusqlite::backup::Backup::new(&snapshot, &mut copy).context("the backup failed")?;
            // Every page in one step (-1): the copy is of the one snapshot read above.
            loop {
                use rusqlite::backup::StepResult;
                match backup
                    .step(-1)
                    .map_err(anyhow::Error::from)
                    .map_err(|e| explain(e, None))
                    .context("the backup failed")?
                {
                    StepResult::Done => break,
                    _ => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        }
        drop(snapshot);
        // The copy is a plain file (no WAL beside it), complete on its own.
        copy.pragma_update(None, "journal_mode", "DELETE")
            .context("the backup failed")?;
        let verdict: String = copy
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .context("cannot check the backup")?;
        if verdict != "ok" {
            bail!("the backup failed its integrity check ({verdict}); nothing was written");
        }
        let copied = counts(&copy).context("cannot count the backup's rows")?;
        if copied != source {
            bail!("the backup's row counts differ from the database's; nothing was written");
        }
        drop(copy);
        file.commit()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps every row the following transactions write in the history, as one change
    /// made by hand (imports and the demo are not recorded).
    pub fn record_changes(&mut self, recording: history::Recording) {
        self.recording = Some(recording);
    }

    /// Runs `work` in one transaction: committed if it returns Ok and `commit` is true,
    /// rolled back otherwise.
    pub fn in_transaction<T>(
        &mut self,
        work: impl FnOnce(Db<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        // A command that began a read snapshot and then writes: the snapshot ends here, so
        // the write sees (and is checked against) the latest committed state.
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
            if let Ok(mut lent) = self.readers.lock() {
                lent.clear();
            }
        }
        // IMMEDIATE takes the write lock up front (waiting on the busy timeout), so a
        // transaction that reads and then writes cannot fail half-way on a concurrent writer.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let began = match self.recording.as_mut() {
            Some(recording) => history::begin(Db { conn: &tx }, recording)?,
            None => false,
        };
        let done = work(Db { conn: &tx }).and_then(|(value, commit)| {
            if commit {
                if let Some(recording) = self.recording.as_mut() {
                    history::before_commit(Db { conn: &tx }, recording)?;
                }
                scoring::refresh_pipeline(Db { conn: &tx })?;
                tx.commit().context("cannot commit")?;
            }
            Ok((value, commit))
        });
        match done {
            Ok((value, true)) => Ok(value),
            other => {
                if let (true, Some(recording)) = (began, self.recording.as_mut()) {
                    history::rolled_back(recording);
                }
                other.map(|(value, _)| value)
            }
        }
    }

    /// As [`Store::in_transaction`], but only if the write lock is free now: None, without
    /// waiting, when another connection holds it. (Not for commands kept in the history.)
    pub fn in_transaction_if_free<T>(
        &mut self,
        work: impl FnOnce(Db<'_>) -> Result<(T, bool)>,
    ) -> Result<Option<T>> {
        if !self.conn.is_autocommit() || self.recording.is_some() {
            return Ok(None);
        }
        self.conn.busy_timeout(Duration::ZERO)?;
        let began = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        );
        let tx = match began {
            Ok(tx) => tx,
            Err(e) => {
                self.conn.busy_timeout(BUSY_WAIT)?;
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
                    return Ok(None);
                }
                return Err(e.into());
            }
        };
        tx.busy_timeout(BUSY_WAIT)?;
        let (value, commit) = work(Db { conn: &tx })?;
        if commit {
            scoring::refresh_pipeline(Db { conn: &tx })?;
            tx.commit().context("cannot commit")?;
        }
        Ok(Some(value))
    }

    /// Runs `work` in a read transaction (one snapshot), always rolled back. It never takes
    /// the write lock: `work` may write only to TEMP tables (an import's dry run does).
    pub fn in_read_transaction<T>(&mut self, work: impl FnOnce(Db<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
        work(Db { conn: &tx })
    }
}

/// Whether an activity kind, as stored, counts against the limits; the few kinds seen are
/// remembered, so a million rows parse no more than a handful of kinds.
#[derive(Default)]
pub(crate) struct CountedKinds(Vec<(String, bool)>);

impl CountedKinds {
    pub(crate) fn counts(&mut self, kind: &str) -> bool {
        if let Some((_, counts)) = self.0.iter().find(|(k, _)| k == kind) {
            return *counts;
        }
        let counts = crate::domain::model::ActivityKind::parse(kind)
            .is_some_and(crate::domain::model::ActivityKind::counts_against_limit);
        self.0.push((kind.to_string(), counts));
        counts
    }
}

/// Helper threads SQLite's sorter may use (an index build, a large ORDER BY): one when this
/// process may run on a second core, none when it is held to one (`taskset -c 0`: a helper
/// thread there only takes turns with the main one, 8 % slower at 1M accounts).
pub(crate) fn sorter_threads() -> i64 {
    match std::thread::available_parallelism() {
        Ok(n) if n.get() > 1 => 1,
        _ => 0,
    }
}

/// Finds the position of an id in a list of ids (the caller's, any order) by a hash of it:
/// open addressing over the positions, twice as many slots as ids, four bytes a slot. A
/// lookup reads one slot and the id at that position; a map of owned ids would take 32
/// bytes an entry and more in its growth (a million members: 8 MiB against 64).
pub(crate) struct IdSlots(Vec<u32>);

impl IdSlots {
    pub(crate) fn new<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> IdSlots {
        let mask = (ids.len() * 2).next_power_of_two().max(2) - 1;
        let mut slots = vec![u32::MAX; mask + 1];
        for (i, id) in ids.enumerate() {
            let mut at = IdSlots::first(id, mask);
            while slots[at] != u32::MAX {
                at = (at + 1) & mask;
            }
            slots[at] = i as u32;
        }
        IdSlots(slots)
    }

    /// The position of `id`, given the id at each position.
    pub(crate) fn find<'a>(
        &self,
        id: &str,
        at_position: impl Fn(usize) -> Option<&'a str>,
    ) -> Option<usize> {
        let mask = self.0.len() - 1;
        let mut at = IdSlots::first(id, mask);
        loop {
            let i = *self.0.get(at)? as usize;
            if at_position(i)? == id {
                return Some(i);
            }
            at = (at + 1) & mask;
        }
    }

    fn first(id: &str, mask: usize) -> usize {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(id) as usize & mask
    }
}

/// A set of ids held inline (up to 24 bytes), for asking of each of a million rows
/// whether it belongs to one of a hundred thousand members: the hash's tag turns most
/// others away without reading an id, and a member's id is compared where it sits.
/// ([`IdSlots`] compares each probe with the caller's id, a read of other memory.)
pub(crate) struct IdSet(rustc_hash::FxHashSet<CompactString>);

impl IdSet {
    pub(crate) fn new<'a>(ids: impl Iterator<Item = &'a str>) -> IdSet {
        IdSet(ids.map(CompactString::from).collect())
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }
}

/// A list of ids (the caller's, any order) with their [`IdSlots`]: an id's position in
/// the list, found by a hash of it, the list read once to build the slots.
pub struct IdIndex {
    ids: Vec<CompactString>,
    slots: IdSlots,
}

impl IdIndex {
    pub fn new(ids: Vec<CompactString>) -> IdIndex {
        let slots = IdSlots::new(ids.iter().map(CompactString::as_str));
        IdIndex { ids, slots }
    }

    /// The position of `id` in the list.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.slots
            .find(id, |i| self.ids.get(i).map(CompactString::as_str))
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The ids, in the caller's order.
    pub fn ids(&self) -> &[CompactString] {
        &self.ids
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// An ISO date as the number YYYYMMDD, which orders as the dates do; None when the text
/// is not an ISO date.
pub(crate) fn day_number(text: &str) -> Option<u32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let mut n = 0u32;
    for &c in b[..4].iter().chain(&b[5..7]).chain(&b[8..]) {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

/// The date a [`day_number`] stands for; None when it is no day of the calendar.
pub(crate) fn number_day(n: u32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100)
}

/// A stored date (ISO YYYY-MM-DD, as import and every command write them) read without
/// chrono's general parser, which costs more than the row; None when the value is not a
/// date. A date outside refprog's range (stored before it was enforced) is read as the
/// range's nearest end, so no later arithmetic can overflow.
pub(crate) fn stored_date(value: ValueRef<'_>) -> Option<chrono::NaiveDate> {
    let text = value.as_str().ok()?;
    match day_number(text) {
        Some(n) => number_day(n),
        None => text.parse().ok(),
    }
    .map(crate::domain::dates::clamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_planned_once_is_not_planned_again_for_other_values() {
        // A table whose index has STAT4 samples, and one cached statement run with values
        // from different samples: re-prepared each time unless planned once.
        let reprepares = |once: bool| -> usize {
            let conn = Connection::open_in_memory().unwrap();
            conn.execute_batch(
                "CREATE TABLE t (k TEXT, v INTEGER); CREATE INDEX t_k ON t (k);
                 WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
                 INSERT INTO t SELECT 'k' || (i % 50), i FROM n; ANALYZE;",
            )
            .unwrap();
            if once {
                plan_once(&conn).unwrap();
            }
            for k in ["k1", "k2", "k3", "k4"] {
                let mut statement = conn.prepare_cached("SELECT v FROM t WHERE k = ?1").unwrap();
                let n = statement
                    .query_map([k], |r| r.get::<_, i64>(0))
                    .unwrap()
                    .count();
                assert_eq!(n, 100);
            }
            let statement = conn.prepare_cached("SELECT v FROM t WHERE k = ?1").unwrap();
            statement.get_status(rusqlite::StatementStatus::RePrepare) as usize
        };
        assert!(
            reprepares(false) >= 3,
            "the check needs STAT4 to re-prepare by default"
        );
        assert_eq!(reprepares(true), 0);
    }

    #[test]
    fn id_slots_find_each_id_and_nothing_else() {
        // Ids that differ in one character, in no order, and more than fit without probing.
        let ids: Vec<String> = (0..5_000).rev().map(|i| format!("C{i:06}")).collect();
        let slots = IdSlots::new(ids.iter().map(String::as_str));
        let at = |i: usize| ids.get(i).map(String::as_str);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(slots.find(id, at), Some(i), "{id}");
        }
        for absent in ["C005000", "c000001", "", "C00000"] {
            assert_eq!(slots.find(absent, at), None, "{absent}");
        }
        let none = IdSlots::new(std::iter::empty());
        assert_eq!(none.find("C000001", |_| None), None);
    }

    #[test]
    fn a_write_without_room_is_worded_by_what_the_system_said() {
        let sqlite = |extended: i32| {
            anyhow::Error::from(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(extended),
                None,
            ))
        };
        let io = |kind| anyhow::Error::from(std::io::Error::from(kind));
        let db = Path::new("/data/program.db");
        let said = |error: anyhow::Error| format!("{:#}", explain(error, Some(db)));
        let full = said(io(std::io::ErrorKind::StorageFull));
        assert!(
            full.starts_with("the disk holding '/data/program.db' is full"),
            "{full}"
        );
        assert!(full.contains("nothing was changed"), "{full}");
        // Said once, however many layers explain it.
        let twice = format!(
            "{:#}",
            explain(explain(io(std::io::ErrorKind::StorageFull), None), Some(db))
        );
        assert_eq!(twice.matches("is full").count(), 1, "{twice}");
        let limited = file_size_limit().is_some();
        let too_large = said(io(std::io::ErrorKind::FileTooLarge));
        let cut = said(sqlite(rusqlite::ffi::SQLITE_FULL));
        let write = said(sqlite(rusqlite::ffi::SQLITE_IOERR_WRITE));
        if limited {
            for words in [&too_large, &cut, &write] {
                assert!(words.contains("file-size limit of"), "{words}");
            }
        } else {
            assert!(
                too_large.contains("largest the file system allows"),
                "{too_large}"
            );
            assert!(cut.contains("is full"), "{cut}");
            assert!(write.contains("may be full, or failing"), "{write}");
        }
        // Other failures are left as they were.
        let other = said(sqlite(rusqlite::ffi::SQLITE_CORRUPT));
        assert!(!other.contains("nothing was changed"), "{other}");
        assert!(!said(io(std::io::ErrorKind::NotFound)).contains("disk"));
    }

    #[test]
    fn day_numbers_order_as_the_dates_do() {
        assert_eq!(day_number("2026-11-23"), Some(20_261_123));
        for bad in [
            "",
            "2026-1-23",
            "2026/11/23",
            "2026-11-2x",
            "2026-11-233",
            "２026-11-23",
        ] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
        let days = [
            "2025-12-31",
            "2026-01-01",
            "2026-02-28",
            "2026-10-09",
            "2026-10-10",
        ];
        for pair in days.windows(2) {
            assert!(day_number(pair[0]) < day_number(pair[1]), "{pair:?}");
        }
        let day = chrono::NaiveDate::from_ymd_opt(2026, 2, 28).expect("date");
        assert_eq!(stored_date(ValueRef::Text(b"2026-02-28")), Some(day));
        assert_eq!(stored_date(ValueRef::Text(b"2026-02-30")), None);
        assert_eq!(stored_date(ValueRef::Null), None);
    }

    /// Peak memory counts mapped pages (issue 16): no connection of a store, its own or a
    /// reader on its snapshot, reads through a memory map.
    #[test]
    fn no_connection_reads_through_a_memory_map() {
        assert_eq!(MMAP_BYTES, 0);
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("program.db"), Create::Yes).expect("open");
        store.begin_snapshot(2).expect("snapshot");
        let mapped = |db: Db<'_>| -> i64 {
            db.conn
                .query_row("PRAGMA mmap_size", [], |r| r.get(0))
                .expect("pragma")
        };
        assert_eq!(mapped(store.db()), 0);
        let (first, second) = (
            store.reader().expect("reader"),
            store.reader().expect("reader"),
        );
        assert_eq!((mapped(first.db()), mapped(second.db())), (0, 0));
    }
}
