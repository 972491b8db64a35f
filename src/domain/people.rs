//! People are named the way a person remembers them: a contact id, an email or a name.
//! An exact id wins (ids stay case-sensitive); otherwise a unique email or name (any case)
//! is taken, and a near miss is answered with "did you mean", so a typo costs one more try,
//! not a trip to `refprog export contacts`.

/// A contact as a person names them.
#[derive(Debug, Clone)]
pub struct Person {
    pub contact_id: String,
    pub name: String,
    pub email: Option<String>,
    pub account: String,
}

/// How close a name must be (Jaro-Winkler, 0 to 1) to be offered as "did you mean".
const NEAR: f64 = 0.85;

/// The contact id that `given` names among `everyone` (which holds at least the contact
/// whose id is exactly `given`, if there is one); the error says why none or several,
/// with the near misses.
pub fn named(given: &str, everyone: &[Person]) -> Result<String, String> {
    if everyone.iter().any(|p| p.contact_id == given) {
        return Ok(given.to_string());
    }
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
        several => {
            return Err(format!(
                "{} contacts are named '{given}': {}; give the id",
                several.len(),
                several
                    .iter()
                    .map(|p| describe(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    // The id in another case is the likeliest meaning (ids themselves are case-sensitive).
    let same_but_case: Vec<&Person> = everyone
        .iter()
        .filter(|p| p.contact_id.eq_ignore_ascii_case(given))
        .collect();
    if !same_but_case.is_empty() {
        return Err(format!(
            "no contact '{given}'; did you mean {}?",
            same_but_case
                .iter()
                .map(|p| describe(p))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let mut near: Vec<(f64, &Person)> = everyone
        .iter()
        .map(|p| (likeness(&wanted, p), p))
        .filter(|(score, _)| *score >= NEAR)
        .collect();
    near.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.contact_id.cmp(&b.1.contact_id))
    });
    near.truncate(3);
    if near.is_empty() {
        return Err(format!(
            "no contact '{given}' by id, email or name (see 'refprog roster list' or 'refprog export contacts')"
        ));
    }
    Err(format!(
        "no contact '{given}'; did you mean {}?",
        near.iter()
            .map(|(_, p)| describe(p))
            .collect::<Vec<_>>()
            .join(" or ")
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str, email: Option<&str>) -> Person {
        Person {
            contact_id: id.to_string(),
            name: name.to_string(),
            email: email.map(str::to_string),
            account: "Acme".to_string(),
        }
    }

    #[test]
    fn an_id_an_email_or_a_name_names_one_person() {
        let everyone = [
            person("C1", "Maya Okafor", Some("maya@acme.example")),
            person("C2", "Lee Park", None),
            person("C3", "Lee Park", None),
        ];
        assert_eq!(named("C1", &everyone), Ok("C1".to_string()));
        assert_eq!(named("MAYA@acme.example", &everyone), Ok("C1".to_string()));
        assert_eq!(named("  maya  OKAFOR ", &everyone), Ok("C1".to_string()));
        let two = named("lee park", &everyone).expect_err("two Lee Parks");
        assert!(two.starts_with("2 contacts are named"), "{two}");
        let case = named("c1", &everyone).expect_err("ids are case-sensitive");
        assert!(
            case.contains("did you mean C1 (Maya Okafor, Acme)"),
            "{case}"
        );
        let typo = named("Maya Okafr", &everyone).expect_err("a typo");
        assert!(typo.contains("did you mean C1"), "{typo}");
        let none = named("Zed", &everyone).expect_err("nobody");
        assert!(none.contains("by id, email or name"), "{none}");
    }
}
