//! What an import says about the meaning it read into a CRM export, beyond the counts:
//! the values it could not read (with the flags that would map them), the accounts it
//! took for prospects, the deals it described from their accounts.

use crate::import::Summary;
use crate::import::spec::{Kind, Type};

/// One message per enum field with unreadable values, listing them with their counts and
/// the `--map-value` flags that would read them.
pub fn unreadable(summary: &Summary) -> Vec<String> {
    let Some(kind) = Kind::from_table(summary.kind) else {
        return Vec::new();
    };
    summary
        .unreadable
        .iter()
        .map(|u| {
            let expected = kind
                .spec()
                .fields
                .iter()
                .find(|f| f.name == u.field)
                .and_then(|f| match f.ty {
                    Type::Choice(vocab) => Some(vocab.expected()),
                    _ => None,
                })
                .unwrap_or_default();
            u.describe(&expected)
        })
        .collect()
}

/// Notes on what was derived, for a successful import.
pub fn counts(summary: &Summary) -> Vec<String> {
    let mut notes = Vec::new();
    if summary.prospects > 0 {
        notes.push(format!(
            "note: {} account(s) stored as prospects (their Type or Lifecycle Stage says prospect, partner, competitor or other): never scored or matched; their industry, size and region describe their deals",
            summary.prospects
        ));
    }
    if summary.filled_from_accounts > 0 {
        notes.push(format!(
            "note: took industry, size or region of {} opportunit{} from {} account",
            summary.filled_from_accounts,
            if summary.filled_from_accounts == 1 {
                "y"
            } else {
                "ies"
            },
            if summary.filled_from_accounts == 1 {
                "its"
            } else {
                "their"
            },
        ));
    }
    notes
}
