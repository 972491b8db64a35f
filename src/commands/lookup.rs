//! People are named the way a person remembers them: a contact id, an email or a name.
//! An exact id wins (ids stay case-sensitive); otherwise a unique email or name (any case)
//! is taken, and a near miss is answered with "did you mean", so a typo costs one more try,
//! not a trip to `refprog export contacts`.

use anyhow::{Result, bail};

use crate::store::Store;
use crate::store::lookup::{Person, has_contact, people};

/// The contact id that `given` names.
pub fn contact(store: &Store, given: &str) -> Result<String> {
    if has_contact(store.db(), given)? {
        return Ok(given.to_string());
    }
    let everyone = people(store.db())?;
    let wanted = squash(given);
    let by_email: Vec<&Person> = everyone
        .iter()
        .filter(|p| p.email.as_deref().is_some_and(|e| squash(e) == wanted))
        .collect();
    if let [one] = by_email.as_slice() {
        return Ok(one.contact_id.clone());
    }
    let by_name: Vec<&Person> = everyone
        .iter()
        .filter(|p| squash(&p.name) == wanted)
        .collect();
    match by_name.as_slice() {
        [one] => return Ok(one.contact_id.clone()),
        [] => {}
        several => bail!(
            "{} contacts are named '{given}': {}; give the id",
            several.len(),
            several
                .iter()
                .map(|p| describe(p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    // The id in another case is the likeliest meaning (ids themselves are case-sensitive).
    let same_but_case: Vec<&Person> = everyone
        .iter()
        .filter(|p| p.contact_id.eq_ignore_ascii_case(given))
        .collect();
    if !same_but_case.is_empty() {
        bail!(
            "no contact '{given}'; did you mean {}?",
            same_but_case
                .iter()
                .map(|p| describe(p))
                .collect::<Vec<_>>()
                .join(" or ")
        );
    }
    let mut near: Vec<(f64, &Person)> = everyone
        .iter()
        .map(|p| (likeness(&wanted, p), p))
        .filter(|(score, _)| *score >= 0.85)
        .collect();
    near.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.contact_id.cmp(&b.1.contact_id))
    });
    near.truncate(3);
    if near.is_empty() {
        bail!(
            "no contact '{given}' by id, email or name (see 'refprog roster list' or 'refprog export contacts')"
        );
    }
    bail!(
        "no contact '{given}'; did you mean {}?",
        near.iter()
            .map(|(_, p)| describe(p))
            .collect::<Vec<_>>()
            .join(" or ")
    )
}

fn describe(p: &Person) -> String {
    format!("{} ({}, {})", p.contact_id, p.name, p.account)
}

/// Lower case, blanks squeezed: "  Maya  OKAFOR " and "maya okafor" are one name.
fn squash(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How close `wanted` is to a person's id, name or email (1.0: the same but for case).
fn likeness(wanted: &str, p: &Person) -> f64 {
    let mut best = strsim::jaro_winkler(wanted, &p.contact_id.to_lowercase())
        .max(strsim::jaro_winkler(wanted, &squash(&p.name)));
    if let Some(email) = &p.email {
        best = best.max(strsim::jaro_winkler(wanted, &email.to_lowercase()));
    }
    best
}
