//! The layers of the code (shared/STYLE.md and the comment at the top of src/lib.rs),
//! pinned: each test reads src/ and names the file and line that breaks a rule. A rule's
//! known exceptions are listed with the reason they remain; a listed exception that is
//! gone fails too, so the list stays true.

use std::path::{Path, PathBuf};

/// Every .rs file under `dir` (relative to the crate), with its text up to its unit tests
/// (a test may build what the code may not, e.g. a temporary file in a domain test).
fn sources(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let mut pending = vec![root.join(dir)];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).expect("read src");
            pending.extend(entries.map(|e| e.expect("entry").path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read a source file");
            let code = match text.find("#[cfg(test)]") {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            found.push((name, code));
        }
    }
    found.sort();
    found
}

/// The lines of `code` that mention `needle` outside a comment, as "file:line: text".
fn lines_with(file: &str, code: &str, needle: &str) -> Vec<String> {
    code.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            !line.starts_with("//") && line.contains(needle)
        })
        .map(|(i, line)| format!("{file}:{}: {}", i + 1, line.trim()))
        .collect()
}

/// Checks the found breaks against the listed exceptions (file, what it reaches): fails
/// on a break not listed and on a listed exception that is no longer there.
fn check(rule: &str, found: Vec<(String, String, String)>, allowed: &[(&str, &str, &str)]) {
    let mut problems = Vec::new();
    for (file, target, line) in &found {
        if !allowed.iter().any(|(f, t, _)| f == file && t == target) {
            problems.push(format!("{rule}: {line}"));
        }
    }
    for (file, target, why) in allowed {
        if !found.iter().any(|(f, t, _)| f == file && t == target) {
            problems.push(format!(
                "{rule}: {file} no longer reaches {target} ({why}): remove it from the exceptions in tests/layers.rs"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

fn command_modules() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("src/commands")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
        .filter(|n| n != "mod")
        .collect();
    names.sort();
    names
}

#[test]
fn no_command_imports_another_command() {
    let commands = command_modules();
    let mut found = Vec::new();
    for (file, code) in sources("src/commands") {
        let own = file
            .trim_start_matches("src/commands/")
            .trim_end_matches(".rs")
            .to_string();
        for other in commands.iter().filter(|c| **c != own) {
            for needle in [
                format!("crate::commands::{other}"),
                format!("super::{other}::"),
                format!("super::{other};"),
                format!("super::{{{other}"),
            ] {
                for line in lines_with(&file, &code, &needle) {
                    found.push((file.clone(), other.clone(), line));
                }
            }
        }
    }
    found.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    check(
        "a command imports another command",
        found,
        &[
            (
                "src/commands/import.rs",
                "import_many",
                "one subcommand, import, in two files",
            ),
            (
                "src/commands/import_many.rs",
                "import",
                "one subcommand, import, in two files",
            ),
        ],
    );
}

#[test]
fn reports_import_neither_commands_nor_cli() {
    let mut found = Vec::new();
    // The review and the digest run the reports as they are: they are reports too.
    for (file, code) in sources("src/report")
        .into_iter()
        .chain(sources("src/review"))
    {
        for target in ["crate::commands", "crate::cli"] {
            for line in lines_with(&file, &code, target) {
                found.push((file.clone(), target.to_string(), line));
            }
        }
    }
    check(
        "a report imports commands or cli",
        found,
        &[
            (
                "src/review/mod.rs",
                "crate::commands",
                "the page's score lists are printed by commands::score's own list function",
            ),
            (
                "src/review/mod.rs",
                "crate::cli",
                "the score lists' options are score's command-line arguments",
            ),
        ],
    );
}

#[test]
fn output_takes_nothing_from_import() {
    let mut found = Vec::new();
    for (file, code) in sources("src/output.rs") {
        for line in lines_with(&file, &code, "crate::import") {
            found.push((file.clone(), "crate::import".to_string(), line));
        }
    }
    check("output imports from import", found, &[]);
}

#[test]
fn only_the_store_speaks_sql() {
    let mut found = Vec::new();
    for (file, code) in sources("src") {
        if file.starts_with("src/store/") {
            continue;
        }
        for target in [".conn", "rusqlite", "Connection"] {
            for line in lines_with(&file, &code, target) {
                // `.connect`, `ExecConnection` and the like are not the store's connection.
                let word_end = |rest: &str| {
                    !rest
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                };
                let real = line.match_indices(target).any(|(at, _)| {
                    let before = line[..at].chars().last();
                    word_end(&line[at + target.len()..])
                        && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if real {
                    found.push((file.clone(), target.to_string(), line));
                }
            }
        }
    }
    check("SQL or a connection outside src/store", found, &[]);
}

#[test]
fn the_domain_reaches_no_outer_layer_and_no_clock() {
    let mut found = Vec::new();
    for (file, code) in sources("src/domain") {
        for target in [
            "crate::store",
            "crate::cli",
            "crate::commands",
            "crate::output",
            "crate::report",
            "crate::review",
            "crate::import",
            "crate::files",
            "rusqlite",
            "std::fs",
            "::now()",
        ] {
            for line in lines_with(&file, &code, target) {
                found.push((file.clone(), target.to_string(), line));
            }
        }
    }
    check("the domain reaches outside itself", found, &[]);
}

#[test]
fn the_clock_is_read_once_at_the_entry() {
    let mut found = Vec::new();
    for (file, code) in sources("src") {
        for target in ["Local::now", "Utc::now", "SystemTime::now"] {
            for line in lines_with(&file, &code, target) {
                found.push((file.clone(), target.to_string(), line));
            }
        }
    }
    check(
        "the clock is read outside refprog::now",
        found,
        &[(
            "src/lib.rs",
            "Local::now",
            "refprog::now, the one reading, made by main before parsing",
        )],
    );
}
