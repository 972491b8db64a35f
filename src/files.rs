//! Every file refprog writes besides its database goes through here: `--rejects`, `--out`,
//! `backup`, `review --html`. One rule for all of them: a path that is the database (or its
//! `-wal`, `-shm`, `-journal`) or one of the command's inputs is refused before anything is
//! written; the content goes to a temporary file in the same folder, which is renamed over
//! the target only when complete, so a reader (or a cron job killed half-way) never sees a
//! partial file; and a symlink at the target is replaced, never followed.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The paths a command must never write to: the database and its side files, and the
/// command's inputs.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    paths: Vec<PathBuf>,
}

impl Protected {
    /// The database at `db` with its `-wal`, `-shm` and `-journal` files.
    pub fn database(db: &Path) -> Protected {
        let mut protected = Protected::default();
        protected.add_database(db);
        protected
    }

    pub fn add_database(&mut self, db: &Path) {
        self.paths.extend(database_files(db));
    }

    /// An input of the command (a file read, not standard input).
    pub fn add_input(&mut self, input: &Path) {
        self.paths.push(input.to_path_buf());
    }

    /// Refuses `target` when it names a protected path: the same path once `.`, `..` and
    /// symlinked folders are resolved, or the same file by another name (a hard link).
    pub fn check(&self, target: &Path, what: &str) -> Result<()> {
        let resolved = resolve(target);
        let target_id = file_id(target);
        for protected in &self.paths {
            let same_path = resolved.is_some() && resolved == resolve(protected);
            let same_file = target_id.is_some() && target_id == file_id(protected);
            if same_path || same_file {
                bail!(
                    "{what} '{}' is {}: refprog will not write over it; choose another path",
                    target.display(),
                    describe(protected, &self.paths)
                );
            }
        }
        Ok(())
    }
}

fn describe(protected: &Path, all: &[PathBuf]) -> &'static str {
    // The database and its three side files come first, in `add_database`'s order.
    match all.iter().position(|p| p == protected) {
        Some(0) => "the database",
        Some(1..=3) => "one of the database's own files",
        _ => "an input of this command",
    }
}

/// The absolute path with the folder's symlinks resolved; the last component is kept as
/// written when it does not exist yet (or is itself a symlink, which is replaced, not
/// followed).
fn resolve(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let parent = std::fs::canonicalize(parent).ok()?;
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link && let Ok(full) = std::fs::canonicalize(path) {
        return Some(full);
    }
    Some(parent.join(name))
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    // symlink_metadata: a symlink at the target is replaced, so what it points to is not
    // what would be written.
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        return None;
    }
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it (an export rewritten each week).
    Replace,
    /// Refuse (a backup never overwrites).
    Refuse,
}

/// A file being written: a temporary file beside the target, renamed over it by
/// [`OutputFile::commit`]. Dropped without a commit, the temporary file is removed and
/// the target is untouched.
pub struct OutputFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
    existing: Existing,
}

impl OutputFile {
    /// Checks `target` against `protected` and opens a temporary file beside it (created
    /// new, never through a symlink, mode `mode` on unix). `what` names the file in
    /// messages ("the rejects file", "the backup").
    pub fn create(
        target: &Path,
        protected: &Protected,
        existing: Existing,
        mode: u32,
        what: &str,
    ) -> Result<OutputFile> {
        let shown = target.display();
        if target.as_os_str().is_empty() || target.file_name().is_none() {
            bail!("{what} '{shown}' is not a file name");
        }
        protected.check(target, what)?;
        match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.is_dir() => bail!("{what} '{shown}' is a folder: give a file name"),
            Ok(_) if existing == Existing::Refuse => {
                bail!("{what} '{shown}' already exists: refprog does not overwrite it")
            }
            Ok(meta) if !meta.is_file() && !meta.file_type().is_symlink() => {
                bail!("{what} '{shown}' is not a regular file: refprog writes only to files")
            }
            // A symlink to a device, a pipe or a folder (`/dev/stdout`, `/dev/null`) would be
            // replaced by a regular file: refused like the device itself. A symlink to a
            // regular file, or to nothing, is replaced, never followed.
            Ok(_) if std::fs::metadata(target).is_ok_and(|m| !m.is_file()) => {
                bail!(
                    "{what} '{shown}' is a symlink to something that is not a regular file (a device, a pipe or a folder): refprog writes only to files, and will not replace the link{}",
                    if what.contains("--out") {
                        " (leave out --out to write to standard output)"
                    } else {
                        ""
                    }
                )
            }
            _ => {}
        }
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !folder.is_dir() {
            bail!(
                "{what} '{shown}': the folder '{}' does not exist",
                folder.display()
            );
        }
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        sweep_stale(&folder, &name);
        let mut attempt = 0u32;
        let (temp, file) = loop {
            let temp = folder.join(format!(
                ".{name}.refprog-{}-{attempt}.tmp",
                std::process::id()
            ));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
            #[cfg(not(unix))]
            let _ = mode;
            match options.open(&temp) {
                Ok(file) => break (temp, file),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("cannot write {what} in the folder '{}'", folder.display())
                    });
                }
            }
        };
        Ok(OutputFile {
            target: target.to_path_buf(),
            temp,
            writer: Some(BufWriter::new(file)),
            existing,
        })
    }

    /// The temporary file's path (for writers that need a path, such as SQLite's backup).
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes, syncs and renames the temporary file over the target.
    pub fn commit(mut self) -> Result<()> {
        let shown = self.target.display().to_string();
        if let Some(mut writer) = self.writer.take() {
            writer
                .flush()
                .with_context(|| format!("cannot write '{shown}'"))?;
            let file = writer
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("cannot write '{shown}'"))?;
            file.sync_all()
                .with_context(|| format!("cannot write '{shown}'"))?;
        }
        if self.existing == Existing::Refuse {
            // A hard link is created only where nothing exists: no window in which a file
            // that appeared meanwhile could be replaced.
            match std::fs::hard_link(&self.temp, &self.target) {
                Ok(()) => {
                    let _ = std::fs::remove_file(&self.temp);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    bail!(
                        "'{shown}' appeared while it was being written: refprog does not overwrite it"
                    );
                }
                // A file system without hard links: check, then rename.
                Err(_) => {
                    if std::fs::symlink_metadata(&self.target).is_ok() {
                        bail!(
                            "'{shown}' appeared while it was being written: refprog does not overwrite it"
                        );
                    }
                    std::fs::rename(&self.temp, &self.target)
                        .with_context(|| format!("cannot put the finished file at '{shown}'"))?;
                }
            }
        } else {
            std::fs::rename(&self.temp, &self.target)
                .with_context(|| format!("cannot put the finished file at '{shown}'"))?;
        }
        // The rename is durable once the folder is synced.
        if let Some(folder) = self.target.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = File::open(folder)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl OutputFile {
    /// An error writing the file, naming it; its kind is kept (a full disk stays a full
    /// disk for whoever words it).
    fn named(&self, error: io::Error) -> io::Error {
        io::Error::new(
            error.kind(),
            format!("cannot write '{}': {error}", self.target.display()),
        )
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.writer {
            Some(w) => w.write(buf).map_err(|e| self.named(e)),
            None => Err(io::Error::other("the file was already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.writer {
            Some(w) => w.flush().map_err(|e| self.named(e)),
            None => Ok(()),
        }
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        // Not committed (an error, or a panic unwinding): leave nothing behind, SQLite's
        // side files of a backup's temporary file included.
        if self.writer.is_some() || self.temp.exists() {
            self.writer = None;
            let _ = std::fs::remove_file(&self.temp);
            for suffix in SIDE_FILES {
                let mut side = self.temp.as_os_str().to_os_string();
                side.push(suffix);
                let _ = std::fs::remove_file(side);
            }
        }
    }
}

/// What SQLite keeps beside a database (and may leave beside a backup's temporary file).
const SIDE_FILES: [&str; 3] = ["-journal", "-wal", "-shm"];

/// The database at `db` and its side files (`-journal`, `-wal`, `-shm`).
pub fn database_files(db: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    std::iter::once(db.to_path_buf()).chain(SIDE_FILES.iter().map(move |suffix| {
        let mut side = db.as_os_str().to_os_string();
        side.push(suffix);
        PathBuf::from(side)
    }))
}

/// Removes the temporary files an earlier refprog writing to the same target left when it
/// was killed (`.NAME.refprog-PID-N.tmp` and SQLite's side files), if that process is gone.
fn sweep_stale(folder: &Path, name: &str) {
    let prefix = format!(".{name}.refprog-");
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Some((pid, tail)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let ours = tail.split_once(".tmp").is_some_and(|(n, side)| {
            n.bytes().all(|b| b.is_ascii_digit()) && (side.is_empty() || SIDE_FILES.contains(&side))
        });
        if ours && pid != std::process::id() && !alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id exists (when unsure, it does: nothing is removed).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
        let sent = unsafe { libc::kill(pid, 0) };
        sent == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_writers_temporary_files_are_swept_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let live = std::os::unix::process::parent_id();
        let dead = i32::MAX as u32 - 1;
        let names = [
            format!(".out.csv.refprog-{dead}-0.tmp"),
            format!(".out.csv.refprog-{dead}-3.tmp-journal"),
            format!(".out.csv.refprog-{live}-0.tmp"),
            format!(".other.csv.refprog-{dead}-0.tmp"),
            format!(".out.csv.refprog-{dead}-0.tmpx"),
        ];
        for name in &names {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let target = dir.path().join("out.csv");
        let mut file = OutputFile::create(
            &target,
            &Protected::default(),
            Existing::Replace,
            0o600,
            "t",
        )
        .unwrap();
        file.write_all(b"new").unwrap();
        file.commit().unwrap();
        let left = |name: &str| dir.path().join(name).exists();
        assert!(
            !left(&names[0]) && !left(&names[1]),
            "a dead writer's files stay"
        );
        assert!(left(&names[2]), "a live writer's file was removed");
        assert!(
            left(&names[3]) && left(&names[4]),
            "files of another name were removed"
        );
    }

    #[test]
    fn refuses_the_database_its_side_files_and_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("program.db");
        std::fs::write(&db, b"x").unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, b"a\n").unwrap();
        let mut protected = Protected::database(&db);
        protected.add_input(&input);
        for target in [
            db.clone(),
            dir.path().join("program.db-wal"),
            dir.path().join("program.db-journal"),
            dir.path().join("sub/../program.db"),
            input.clone(),
        ] {
            let _ = std::fs::create_dir_all(dir.path().join("sub"));
            let error = OutputFile::create(&target, &protected, Existing::Replace, 0o644, "t")
                .err()
                .unwrap_or_else(|| panic!("{} was accepted", target.display()));
            assert!(
                error.to_string().contains("will not write over it"),
                "{error}"
            );
        }
        // A hard link to the database is the database.
        let link = dir.path().join("hard.db");
        std::fs::hard_link(&db, &link).unwrap();
        assert!(OutputFile::create(&link, &protected, Existing::Replace, 0o644, "t").is_err());
        assert_eq!(std::fs::read(&db).unwrap(), b"x");
    }

    #[test]
    fn writes_through_a_temporary_file_and_replaces_a_symlink_not_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"keep").unwrap();
        let target = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        let mut file = OutputFile::create(
            &target,
            &Protected::default(),
            Existing::Replace,
            0o644,
            "t",
        )
        .unwrap();
        file.write_all(b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&target)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        file.commit().unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert!(
            !std::fs::symlink_metadata(&target)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn an_uncommitted_file_leaves_nothing_and_refuse_keeps_the_existing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        {
            let mut file = OutputFile::create(
                &target,
                &Protected::default(),
                Existing::Replace,
                0o600,
                "t",
            )
            .unwrap();
            file.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        std::fs::write(&target, b"old").unwrap();
        assert!(
            OutputFile::create(&target, &Protected::default(), Existing::Refuse, 0o600, "t")
                .is_err()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
    }
}
