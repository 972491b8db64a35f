//! What Salesforce and HubSpot exports mean, beyond their column names.
//!
//! Ids: a Salesforce record has two spellings of one id:
//! the 15-character, case-sensitive id of reports and the 18-character id of Data Loader
//! and the API, whose last three characters encode the case of the first fifteen. refprog
//! stores the 18-character form, so a report import and a Data Loader import of the same
//! records meet. Only a value with the shape of a Salesforce id is touched: HubSpot's
//! numeric ids and canonical ids such as `A-HEALTH` pass unchanged.

use std::borrow::Cow;

use crate::domain::model::{AccountStatus, squash, squash_eq};
use crate::import::spec::{Field, Kind, Type, Vocab};

/// Salesforce's empty id (an unset lookup in a Data Loader export), in both forms.
const EMPTY_IDS: [&str; 2] = ["000000000000000AAA", "000000000000000"];

/// The key prefix of a lead (`WhoId` may name a lead or a contact).
pub const LEAD_PREFIX: &str = "00Q";

/// The three characters that make a 15-character id an 18-character one.
fn case_suffix(id15: &[u8]) -> [u8; 3] {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let mut suffix = [0u8; 3];
    for (chunk, out) in id15.chunks(5).zip(&mut suffix) {
        let bits = chunk
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_ascii_uppercase())
            .fold(0usize, |n, (i, _)| n | (1 << i));
        *out = ALPHABET[bits];
    }
    suffix
}

/// True for 15 characters shaped like a Salesforce id: letters and digits, a key prefix
/// that starts with a digit or a lower-case letter and holds a digit (`001`, `003`, `00Q`,
/// `a0X`), and not all digits (a HubSpot id is).
fn looks_like_id15(id: &[u8]) -> bool {
    id.len() == 15
        && id.iter().all(u8::is_ascii_alphanumeric)
        && (id[0].is_ascii_digit() || id[0].is_ascii_lowercase())
        && id[..3].iter().any(u8::is_ascii_digit)
        && !id.iter().all(u8::is_ascii_digit)
}

/// True when `text` is a Salesforce id: 15 characters of the right shape, or 18 whose last
/// three are the case suffix of the first fifteen.
pub fn is_salesforce_id(text: &str) -> bool {
    let b = text.as_bytes();
    match b.len() {
        15 => looks_like_id15(b),
        18 => looks_like_id15(&b[..15]) && case_suffix(&b[..15]) == b[15..],
        _ => false,
    }
}

/// True for Salesforce's empty id, which stands for "no record".
pub fn is_empty_id(text: &str) -> bool {
    EMPTY_IDS.contains(&text)
}

/// The stored form of an id: a Salesforce id in its 18-character form, anything else as it is.
pub fn canonical_id(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    if b.len() == 15 && looks_like_id15(b) {
        let mut id = String::with_capacity(18);
        id.push_str(text);
        id.extend(case_suffix(b).iter().map(|&c| c as char));
        Cow::Owned(id)
    } else {
        Cow::Borrowed(text)
    }
}

/// An id typed on the command line, in the form it is stored: a report's 15-character
/// Salesforce id finds the record imported with 18 (clap's value parser for id arguments).
pub fn id_arg(text: &str) -> Result<String, String> {
    crate::domain::one_line(text)?;
    Ok(canonical_id(text).into_owned())
}

/// True when the id is a Salesforce lead's (`00Q...`), which refprog does not track.
pub fn is_lead_id(text: &str) -> bool {
    text.starts_with(LEAD_PREFIX) && is_salesforce_id(text)
}

/// True for an id a spreadsheet turned into a number: `1.07677E+11`, `1.2e10`. The digits
/// after the first few are gone, so the row cannot be matched to its record.
pub fn is_spreadsheet_number(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return false;
    };
    // A spreadsheet writes `+` or a decimal point; without either, `001E00000123456` may
    // be a Salesforce id.
    let (signed, exponent) = match exponent.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, exponent),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    (signed || mantissa.contains('.'))
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

/// Why a row whose `WhoId` names a lead is refused: the one reason given for it.
pub const NOT_A_CONTACT: &str = "a lead, not a contact";

/// Why an id cell cannot be used, in words for the person who exported it.
pub const SPREADSHEET_NUMBER: &str = "expected the id as the CRM wrote it: the id was turned into a number by a spreadsheet; re-export, or format the column as text";

/// What a CRM's account `Type` (Salesforce: Prospect, Customer - Direct, Channel Partner /
/// Reseller, Other; HubSpot: Prospect, Partner, Reseller, Vendor, Other) or HubSpot
/// `Lifecycle Stage` (Lead, Opportunity, Customer, Evangelist, ...) says about the account:
/// a customer, a former customer, or not a customer (a prospect, partner, competitor or
/// other). None for a blank or a value that says neither.
pub fn account_status(text: &str) -> Option<AccountStatus> {
    let words = squash(text);
    if words.is_empty() {
        return None;
    }
    if words.contains("former") || words.contains("churn") {
        return Some(AccountStatus::Churned);
    }
    if words.contains("customer") || words == "evangelist" {
        return Some(AccountStatus::Active);
    }
    const NOT_CUSTOMERS: [&str; 10] = [
        "prospect",
        "partner",
        "reseller",
        "vendor",
        "competitor",
        "lead",
        "subscriber",
        "opportunity",
        "analyst",
        "integrator",
    ];
    if words == "other" || NOT_CUSTOMERS.iter().any(|w| words.contains(w)) {
        return Some(AccountStatus::Prospect);
    }
    AccountStatus::parse(text)
}

/// The standard `Type` values of Salesforce tasks and events (and HubSpot's activity types). They name what a sales rep
/// did with the contact (a call, an email, a meeting), not what the contact did for a
/// prospect: read as a reference call they would count against the contact's limit. They
/// are read only through `--map-value`.
pub const SALES_ACTIVITY_TYPES: [&str; 11] = [
    "Call",
    // HubSpot's activity types beside Call, Email, Meeting and Task.
    "Note",
    "Email",
    "Meeting",
    "Other",
    "Send Letter",
    "Send Quote",
    "Send Letter/Quote",
    "To Do",
    "List Email",
    "Task",
];

/// True for the headers of a CRM's export of its sales activities, whose `Type` names what
/// a rep did: a Salesforce task or event export (Data Export and Data Loader name the
/// columns by API name, a report by label: "Activity ID", "Subject", "Task Subtype") or a
/// HubSpot activity export ("Body preview", "Call and meeting duration"). The labels are
/// compared as written, so refprog's own `activity_id` is not one of them; "Activity Type"
/// alone is no sign (a reference program's own export of its activities uses it too).
pub fn is_salesforce_activity_export(headers: &[String]) -> bool {
    const NAMES: [&str; 10] = [
        // Salesforce Data Export and Data Loader.
        "WhoId",
        "TaskSubtype",
        "EventSubtype",
        "ActivityDateTime",
        // Salesforce reports of activities, tasks and events.
        "Activity ID",
        "Subject",
        "Task Subtype",
        "Event Subtype",
        // HubSpot's activity exports.
        "Body preview",
        "Call and meeting duration",
    ];
    headers
        .iter()
        .any(|h| NAMES.iter().any(|name| h.trim().eq_ignore_ascii_case(name)))
}

/// True for a standard Salesforce task or event type.
pub fn is_sales_activity_type(text: &str) -> bool {
    SALES_ACTIVITY_TYPES.iter().any(|t| squash_eq(t, text))
}

/// Why a cell that parses cannot stand for what its column means, if it cannot: an id a
/// spreadsheet destroyed, a lead where a contact belongs, several records where one
/// belongs, or (`sales_activities`, a Salesforce task or event export) a sales rep's
/// activity type where a reference activity kind belongs.
pub fn problem(field: &Field, text: &str, sales_activities: bool) -> Option<String> {
    match field.ty {
        Type::Id | Type::Ref(_) | Type::Link(_) if is_spreadsheet_number(text) => {
            Some(SPREADSHEET_NUMBER.to_string())
        }
        Type::Ref(Kind::Contacts) if is_lead_id(text) => Some(NOT_A_CONTACT.to_string()),
        Type::Ref(kind) | Type::Link(kind) if text.contains(';') => {
            let ids: Vec<&str> = text.split(';').map(str::trim).filter(|t| !t.is_empty()).collect();
            (ids.len() > 1).then(|| {
                format!(
                    "names {} {} records; a row here belongs to one: export with the primary {} only, or --map a column that holds one id",
                    ids.len(),
                    kind.singular(),
                    kind.singular()
                )
            })
        }
        Type::Choice(Vocab::ActivityKind) if sales_activities && is_sales_activity_type(text) => Some(
            "a sales activity type (a Salesforce task or event, a HubSpot activity): what a sales rep did, not what the contact did for a prospect"
                .to_string(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_characters_gain_their_case_suffix() {
        // The documented example: 001A0000006Vm9r is 001A0000006Vm9rIAC.
        assert_eq!(canonical_id("001A0000006Vm9r"), "001A0000006Vm9rIAC");
        assert_eq!(canonical_id("001A0000006Vm9rIAC"), "001A0000006Vm9rIAC");
        assert!(is_salesforce_id("001A0000006Vm9rIAC"));
        // Case matters: the lower-case twin is another record with another suffix.
        assert_eq!(canonical_id("001a0000006vm9r"), "001a0000006vm9rAAA");
        assert!(!is_salesforce_id("001A0000006Vm9rAAA"));
    }

    #[test]
    fn other_ids_are_untouched() {
        for id in [
            "18012345678",
            "512345678901234", // 15 digits: a HubSpot id, not Salesforce
            "A-HEALTH",
            "ACME00000000001", // upper-case key prefix without a digit
            "REQ-1",
            "001A0000006Vm9",
            "001A0000006Vm9r?",
        ] {
            assert_eq!(canonical_id(id), id, "{id}");
        }
        assert!(is_empty_id("000000000000000AAA"));
        assert!(is_lead_id("00Q5e00000AbCdE"));
        assert!(!is_lead_id("003Dn00000QwErT"));
    }

    #[test]
    fn account_types_and_lifecycle_stages() {
        use AccountStatus::*;
        for (text, status) in [
            ("Customer - Direct", Some(Active)),
            ("Customer - Channel", Some(Active)),
            ("customer", Some(Active)),
            ("Evangelist", Some(Active)),
            ("Prospect", Some(Prospect)),
            ("Channel Partner / Reseller", Some(Prospect)),
            ("Technology Partner", Some(Prospect)),
            ("Competitor", Some(Prospect)),
            ("Other", Some(Prospect)),
            ("Sales Qualified Lead", Some(Prospect)),
            ("Opportunity", Some(Prospect)),
            ("Former Customer", Some(Churned)),
            ("", None),
            ("Strategic", None),
        ] {
            assert_eq!(account_status(text), status, "{text}");
        }
    }

    #[test]
    fn spreadsheet_numbers_are_recognised() {
        for id in ["1.07677E+11", "1.2e10", "3E+5", "1.07677E11"] {
            assert!(is_spreadsheet_number(id), "{id}");
        }
        for id in [
            "18012345678",
            "E10",
            "1.2E",
            "00E5x",
            "A-1E5",
            "1.07677E+1a",
            "001E00000123456",
        ] {
            assert!(!is_spreadsheet_number(id), "{id}");
        }
    }
}
