//! Several inputs in one import: a Salesforce weekly Data Export unzipped into a folder,
//! HubSpot's companies, contacts and deals exports, or any list of files. Each file's kind
//! is recognised from its name (`Account.csv`, `hubspot-crm-exports-all-deals.csv`) or,
//! failing that, from headers only one kind has (`StageName`, `WhoId`); files refprog does
//! not import (`User.csv`, `Lead.csv`) are skipped with a note. The files are put in
//! dependency order: accounts, contacts, opportunities, requests, activities.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::domain::model::squash;
use crate::import::reader::{CsvSource, ReadOptions};
use crate::import::spec::Kind;

/// What to import, and what was left out with why.
#[derive(Debug, Default)]
pub struct Plan {
    /// In dependency order; within a kind, in the order given (a folder's: by name).
    pub files: Vec<(Kind, PathBuf)>,
    /// Files not imported, each with the reason (for a note).
    pub skipped: Vec<(PathBuf, String)>,
}

/// The objects of a Salesforce export that are not refprog's kinds, and why not: named
/// in the note, so nobody wonders where the leads went.
const NOT_IMPORTED: [(&str, &str); 6] = [
    (
        "lead",
        "leads are not customers; their tasks are refused as leads",
    ),
    ("user", "Salesforce users are your own staff"),
    ("campaign", "campaigns are not a kind refprog keeps"),
    ("case", "support cases are not a kind refprog keeps"),
    ("attachment", "attachments are not a kind refprog keeps"),
    ("note", "notes are not a kind refprog keeps"),
];

/// Lays out the inputs: folders are read for their `.csv` files; every file gets `kind`
/// when it is given, else the kind its name or headers show.
pub fn plan(kind: Option<Kind>, inputs: &[PathBuf], read: &ReadOptions) -> Result<Plan> {
    let mut plan = Plan::default();
    let mut found: Vec<(Kind, PathBuf)> = Vec::new();
    for input in inputs {
        let files = if input.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(input)
                .with_context(|| format!("cannot read the folder '{}'", input.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.is_file())
                .collect();
            files.sort();
            let (csv, other): (Vec<PathBuf>, Vec<PathBuf>) = files
                .into_iter()
                .partition(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
            for path in other {
                plan.skipped.push((path, "not a .csv file".to_string()));
            }
            csv
        } else {
            vec![input.clone()]
        };
        for path in files {
            match kind {
                Some(kind) => found.push((kind, path)),
                None => match recognise(&path, read)? {
                    Ok(kind) => found.push((kind, path)),
                    Err(reason) => plan.skipped.push((path, reason)),
                },
            }
        }
    }
    // Dependency order; a stable sort keeps the given order within a kind.
    found.sort_by_key(|(kind, _)| Kind::ALL.iter().position(|k| k == kind));
    plan.files = found;
    Ok(plan)
}

/// The kind of one file, from its name, else its headers; or why it is not imported.
pub fn recognise(path: &Path, read: &ReadOptions) -> Result<Result<Kind, String>> {
    let stem = path
        .file_stem()
        .map(|s| squash(&s.to_string_lossy()))
        .unwrap_or_default();
    if let Some(kind) = kind_from_name(&stem) {
        return Ok(Ok(kind));
    }
    for (object, why) in NOT_IMPORTED {
        if stem == object || stem == format!("{object}s") {
            return Ok(Err(format!("refprog does not import it ({why})")));
        }
    }
    let source = CsvSource::open(Some(path), read)?;
    Ok(kind_from_headers(&source.headers).ok_or_else(|| {
        "neither its name nor its columns say which kind it holds: import it with a KIND \
         (refprog import accounts FILE)"
            .to_string()
    }))
}

/// Salesforce Data Export names (`Account.csv`, `Opportunity.csv`, `Task.csv`), HubSpot's
/// (`hubspot-crm-exports-all-companies-2026-11-20.csv`, `all-deals.csv`), and refprog's own.
fn kind_from_name(stem: &str) -> Option<Kind> {
    const NAMES: [(&str, Kind); 12] = [
        ("opportunit", Kind::Opportunities),
        ("deal", Kind::Opportunities),
        ("request", Kind::Requests),
        ("activit", Kind::Activities),
        ("task", Kind::Activities),
        ("event", Kind::Activities),
        ("contact", Kind::Contacts),
        ("compan", Kind::Accounts),
        ("account", Kind::Accounts),
        ("customer", Kind::Accounts),
        ("references", Kind::Contacts),
        ("people", Kind::Contacts),
    ];
    // The exact Salesforce object names first: `AccountContactRelation` is no account.
    match stem {
        "account" | "accounts" => return Some(Kind::Accounts),
        "contact" | "contacts" => return Some(Kind::Contacts),
        "opportunity" | "opportunities" => return Some(Kind::Opportunities),
        "task" | "event" | "activities" => return Some(Kind::Activities),
        "requests" => return Some(Kind::Requests),
        _ => {}
    }
    if stem.contains("relation") || stem.contains("history") || stem.contains("share") {
        return None;
    }
    NAMES
        .iter()
        .find(|(part, _)| stem.contains(part))
        .map(|(_, kind)| *kind)
}

/// Headers only one kind's export has.
fn kind_from_headers(headers: &[String]) -> Option<Kind> {
    let has = |name: &str| headers.iter().any(|h| squash(h) == squash(name));
    if has("IsConverted") || has("Username") {
        return None; // a Salesforce lead or user export
    }
    if has("WhoId") || has("TaskSubtype") || has("EventSubtype") || has("activity_id") {
        Some(Kind::Activities)
    } else if has("StageName") || has("Deal Stage") || has("opportunity_id") {
        Some(Kind::Opportunities)
    } else if has("request_id") {
        Some(Kind::Requests)
    } else if has("contact_id")
        || has("Record ID - Contact")
        || (has("AccountId") && (has("LastName") || has("Title")))
        || (has("Associated Company IDs") && has("First Name"))
    {
        Some(Kind::Contacts)
    } else if has("account_id")
        || has("Company Domain Name")
        || (has("NumberOfEmployees") && has("BillingCountry"))
    {
        Some(Kind::Accounts)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_export_file_names() {
        for (name, kind) in [
            ("account", Some(Kind::Accounts)),
            ("contact", Some(Kind::Contacts)),
            ("opportunity", Some(Kind::Opportunities)),
            ("task", Some(Kind::Activities)),
            ("event", Some(Kind::Activities)),
            (
                "hubspotcrmexportsallcompanies20261120",
                Some(Kind::Accounts),
            ),
            ("hubspotcrmexportsallcontacts20261120", Some(Kind::Contacts)),
            ("alldeals", Some(Kind::Opportunities)),
            ("accountcontactrelation", None),
            ("opportunityhistory", None),
            ("user", None),
            ("lead", None),
        ] {
            assert_eq!(kind_from_name(name), kind, "{name}");
        }
    }

    #[test]
    fn kinds_from_headers_only_one_kind_has() {
        let h = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            kind_from_headers(&h(&["Id", "WhoId", "Type"])),
            Some(Kind::Activities)
        );
        assert_eq!(
            kind_from_headers(&h(&["Id", "AccountId", "LastName", "Title"])),
            Some(Kind::Contacts)
        );
        assert_eq!(
            kind_from_headers(&h(&[
                "Id",
                "Name",
                "Industry",
                "NumberOfEmployees",
                "BillingCountry"
            ])),
            Some(Kind::Accounts)
        );
        // A lead has a company's firmographics too, but is no account.
        assert_eq!(
            kind_from_headers(&h(&[
                "Id",
                "LastName",
                "Company",
                "NumberOfEmployees",
                "IsConverted"
            ])),
            None
        );
        assert_eq!(kind_from_headers(&h(&["Id", "Name"])), None);
    }
}
