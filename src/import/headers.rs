//! Matches a file's header row to the canonical columns of a kind: exact canonical
//! names first, then the CRM aliases, all compared without case or punctuation, then
//! the user's `--map 'CRM Header=field'`. Says which columns were ignored, and for a
//! missing required column, which header in the file is closest.

use crate::domain::model::squash;
use crate::import::spec::KindSpec;

/// Where each field's value sits in a record.
#[derive(Debug)]
pub struct ColumnMap {
    /// For each field of the spec, the index of its column in the file.
    pub by_field: Vec<Option<usize>>,
    /// Headers that matched no field, in file order.
    pub ignored: Vec<String>,
    /// Said once per file: a repeated column left out in favour of its first twin.
    pub notes: Vec<String>,
}

/// Parses one `--map` value: `CRM Header=field`.
pub fn parse_map(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((header, field)) if !header.trim().is_empty() && !field.trim().is_empty() => {
            Ok((header.trim().to_string(), field.trim().to_string()))
        }
        _ => Err(format!("'{text}' is not of the form 'CRM Header=field'")),
    }
}

pub fn map_headers(
    spec: &KindSpec,
    headers: &[String],
    maps: &[(String, String)],
) -> Result<ColumnMap, String> {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    // A name seen before: HubSpot repeats labels by design ("Phone Number" twice). Such a
    // column is never mapped; if its first twin feeds a field, a note says which was used.
    // Ignored columns are never compared or validated (issue 18).
    let mut first_seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut twin_of: Vec<Option<usize>> = vec![None; headers.len()];
    for (i, name) in squashed.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        match first_seen.get(name.as_str()) {
            Some(&j) => twin_of[i] = Some(j),
            None => {
                first_seen.insert(name, i);
            }
        }
    }

    let mut by_field: Vec<Option<usize>> = vec![None; spec.fields.len()];
    let mut claimed: Vec<bool> = vec![false; headers.len()];
    // A repeat is claimed by no field.
    let repeat: Vec<bool> = twin_of.iter().map(Option::is_some).collect();
    for (header, field_name) in maps {
        let Some(field) = spec.index_of(field_name) else {
            return Err(format!(
                "--map '{header}={field_name}': {} has no column '{field_name}': expected one of {}",
                spec.table,
                spec.fields
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        let named: Vec<usize> = (0..headers.len())
            .filter(|&c| squashed[c] == squash(header))
            .collect();
        let column = match named[..] {
            [] => {
                return Err(format!(
                    "--map '{header}={field_name}': the file has no column '{header}'; its columns are {}",
                    headers.join(", ")
                ));
            }
            [column] => column,
            [first, second, ..] => {
                return Err(format!(
                    "--map '{header}={field_name}': the file has {} columns named '{header}' (columns {} and {}): rename one in the file, then map it",
                    named.len(),
                    first + 1,
                    second + 1
                ));
            }
        };
        by_field[field] = Some(column);
        claimed[column] = true;
    }
    // Canonical names win over aliases, so a file with both "name" and "Company name" is not ambiguous.
    for pass in 0..2 {
        for (f, field) in spec.fields.iter().enumerate() {
            if by_field[f].is_some() {
                continue;
            }
            let wanted: Vec<String> = if pass == 0 {
                vec![squash(field.name)]
            } else {
                field.aliases.iter().map(|a| squash(a)).collect()
            };
            let matches: Vec<usize> = (0..headers.len())
                .filter(|&c| !claimed[c] && !repeat[c] && wanted.contains(&squashed[c]))
                .collect();
            match matches[..] {
                [] => {}
                [column] => {
                    by_field[f] = Some(column);
                    claimed[column] = true;
                }
                [first, second, ..] => {
                    return Err(format!(
                        "columns '{}' and '{}' both give {}: choose one with --map '{}={}'",
                        headers[first], headers[second], field.name, headers[first], field.name
                    ));
                }
            }
        }
    }

    // A column that feeds a field has a name a CRM could have written: a NUL or another
    // control character (but a tab or a line break, which spreadsheets keep in wrapped
    // headers) says the file is damaged or binary. Ignored columns are not looked at.
    for (f, column) in by_field.iter().enumerate() {
        if let Some(c) = *column
            && headers[c]
                .chars()
                .any(|ch| ch.is_control() && !matches!(ch, '\t' | '\n' | '\r'))
        {
            return Err(format!(
                "column {} ('{}'), read as {}, holds a NUL or another control character in its name: the file looks damaged or binary; save it again from the CRM or spreadsheet, or fix the header",
                c + 1,
                crate::domain::shown(&headers[c]),
                spec.fields[f].name
            ));
        }
    }
    let name_parts_present = ["first_name", "last_name"]
        .iter()
        .any(|n| spec.index_of(n).is_some_and(|i| by_field[i].is_some()));
    let missing: Vec<String> = spec
        .fields
        .iter()
        .enumerate()
        .filter(|(f, field)| field.required && by_field[*f].is_none())
        .filter(|(_, field)| !(field.name == "name" && name_parts_present))
        .map(|(_, field)| describe_missing(field, headers, &claimed))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{}; the columns in the file are: {}",
            missing.join("; "),
            headers
                .iter()
                .map(|h| format!("'{h}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let mut notes = Vec::new();
    for (i, twin) in twin_of.iter().enumerate() {
        if let Some(&j) = twin.as_ref()
            && let Some(f) = by_field.iter().position(|c| *c == Some(j))
        {
            notes.push(format!(
                "note: column {} ('{}') repeats the name of column {} ('{}'): used column {} for {}, ignored column {}",
                i + 1,
                headers[i],
                j + 1,
                headers[j],
                j + 1,
                spec.fields[f].name,
                i + 1
            ));
        }
    }
    let ignored = headers
        .iter()
        .enumerate()
        .filter(|(c, h)| !claimed[*c] && !h.is_empty())
        .filter(|(c, _)| twin_of[*c].is_none_or(|j| !claimed[j]))
        .map(|(_, h)| h.clone())
        .collect();
    Ok(ColumnMap {
        by_field,
        ignored,
        notes,
    })
}

fn describe_missing(
    field: &crate::import::spec::Field,
    headers: &[String],
    claimed: &[bool],
) -> String {
    use crate::import::spec::Type;
    let mut text = format!("missing required column '{}'", field.name);
    if !field.aliases.is_empty() {
        text.push_str(&format!(" (also accepted: {})", field.aliases.join(", ")));
    }
    // For an id, only a header that names an id (`Record ID - Contact`, `WhoId`) is a
    // plausible stand-in, however close another is in spelling (`Contact type`); for any
    // other field, an id column never is.
    let wants_id = matches!(field.ty, Type::Id | Type::Ref(_) | Type::Link(_));
    let similarity = |header: &str| {
        std::iter::once(&field.name)
            .chain(field.aliases)
            .map(|name| strsim::normalized_levenshtein(&squash(header), &squash(name)))
            .fold(0.0, f64::max)
    };
    // The unclaimed header most like any accepted name, if it is reasonably close (an id
    // header need only be somewhat close: it is already of the right sort).
    let closest = headers
        .iter()
        .zip(claimed)
        .filter(|(header, claimed)| !**claimed && is_id_like(header) == wants_id)
        .map(|(header, _)| (similarity(header), header))
        .filter(|(score, _)| *score >= if wants_id { 0.3 } else { 0.5 })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, header)) = closest {
        text.push_str(&format!(
            "; closest in the file: '{header}' (use --map '{header}={}')",
            field.name
        ));
    }
    text
}

/// True for a header that names an id: a word `ID`/`IDs`, or a CRM API name ending in
/// `Id` (`AccountId`, `WhoId`).
fn is_id_like(header: &str) -> bool {
    header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|word| {
            let lower = word.to_ascii_lowercase();
            lower == "id"
                || lower == "ids"
                || ["Id", "ID", "Ids", "IDs"].iter().any(|end| {
                    word.strip_suffix(end)
                        .is_some_and(|rest| rest.chars().last().is_some_and(char::is_lowercase))
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::spec::{ACCOUNTS, CONTACTS};

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn salesforce_labels_and_api_names() {
        let map = map_headers(
            &ACCOUNTS,
            &headers(&[
                "Account ID",
                "Account Name",
                "Billing State/Province",
                "Junk",
            ]),
            &[],
        )
        .expect("maps");
        assert_eq!(map.by_field[0], Some(0));
        assert_eq!(map.by_field[1], Some(1));
        assert_eq!(
            map.by_field[ACCOUNTS.index_of("region").expect("region")],
            Some(2)
        );
        assert_eq!(map.ignored, vec!["Junk".to_string()]);
        let map = map_headers(
            &ACCOUNTS,
            &headers(&["Id", "Name", "NumberOfEmployees"]),
            &[],
        )
        .expect("maps");
        assert_eq!(
            map.by_field[ACCOUNTS.index_of("employees").expect("employees")],
            Some(2)
        );
    }

    #[test]
    fn canonical_name_wins_over_alias() {
        let map = map_headers(
            &ACCOUNTS,
            &headers(&["account_id", "name", "Company name"]),
            &[],
        )
        .expect("maps");
        assert_eq!(map.by_field[1], Some(1));
        assert_eq!(map.ignored, vec!["Company name".to_string()]);
    }

    #[test]
    fn missing_required_column_names_the_closest_header() {
        let error =
            map_headers(&ACCOUNTS, &headers(&["Acct ID", "Name"]), &[]).expect_err("missing");
        assert!(
            error.contains("missing required column 'account_id'"),
            "{error}"
        );
        assert!(error.contains("closest in the file: 'Acct ID'"), "{error}");
    }

    #[test]
    fn an_id_field_is_offered_an_id_column() {
        // A HubSpot contacts export whose id column was renamed: 'Contact type' is closer
        // in spelling, but only an id column can hold an id.
        let error = map_headers(
            &CONTACTS,
            &headers(&["Contact type", "Contact Record ID", "Account ID", "Name"]),
            &[],
        )
        .expect_err("missing");
        assert!(
            error.contains("closest in the file: 'Contact Record ID' (use --map 'Contact Record ID=contact_id')"),
            "{error}"
        );
        let error = map_headers(
            &CONTACTS,
            &headers(&["Contact type", "Account ID", "Name"]),
            &[],
        )
        .expect_err("missing");
        assert!(!error.contains("closest"), "{error}");
        assert!(is_id_like("AccountId") && is_id_like("Associated Company IDs (Primary)"));
        assert!(!is_id_like("Paid") && !is_id_like("Idea") && !is_id_like("Contact type"));
    }

    #[test]
    fn first_and_last_name_stand_for_name() {
        let map = map_headers(
            &CONTACTS,
            &headers(&["Contact ID", "Account ID", "First Name", "Last Name"]),
            &[],
        );
        assert!(map.is_ok(), "{map:?}");
    }

    #[test]
    fn user_map_and_duplicates() {
        let maps = vec![parse_map("Acct #=account_id").expect("valid")];
        let map = map_headers(&ACCOUNTS, &headers(&["Acct #", "Name"]), &maps).expect("maps");
        assert_eq!(map.by_field[0], Some(0));
        // Issue 18: the first of two same-name columns wins, with a note naming the other.
        let map = map_headers(&ACCOUNTS, &headers(&["Id", "Name", "name"]), &[]).expect("dup");
        assert_eq!(map.by_field[1], Some(1));
        assert_eq!(
            map.notes,
            [
                "note: column 3 ('name') repeats the name of column 2 ('Name'): used column 2 for name, ignored column 3"
            ]
        );
        assert!(map.ignored.is_empty(), "{:?}", map.ignored);
        // Repeats that feed nothing are only ignored columns.
        let map = map_headers(
            &ACCOUNTS,
            &headers(&["Id", "Name", "Phone Number", "Phone Number"]),
            &[],
        )
        .expect("dup");
        assert!(map.notes.is_empty());
        assert_eq!(map.ignored, ["Phone Number", "Phone Number"]);
        // A --map naming a header the file has twice is ambiguous.
        let maps = vec![parse_map("Phone Number=name").expect("valid")];
        let error = map_headers(
            &ACCOUNTS,
            &headers(&["Id", "Name", "Phone Number", "Phone Number"]),
            &maps,
        )
        .expect_err("ambiguous");
        assert!(
            error.contains("has 2 columns named 'Phone Number'"),
            "{error}"
        );
        assert!(parse_map("no equals").is_err());
    }
}
