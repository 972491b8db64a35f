//! `--map-value 'FIELD:FROM=TO'`: the user's word for what a CRM value means in refprog's
//! vocabulary (`kind:Meeting=check-in`; an empty FROM stands for a blank cell), and the
//! tally of the values no rule could read, so one error lists them all with the flags
//! that would map them.

use std::collections::BTreeMap;

use crate::import::spec::{KindSpec, Type};

/// One `--map-value` as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueMap {
    pub field: String,
    pub from: String,
    pub to: String,
}

/// Parses `FIELD:FROM=TO` (clap's value parser for `--map-value`).
pub fn parse_value_map(text: &str) -> Result<ValueMap, String> {
    let form =
        || format!("'{text}' is not of the form 'FIELD:FROM=TO' (e.g. 'kind:Meeting=check-in')");
    let (field, rest) = text.split_once(':').ok_or_else(form)?;
    let (from, to) = rest.rsplit_once('=').ok_or_else(form)?;
    if field.trim().is_empty() || to.trim().is_empty() {
        return Err(form());
    }
    Ok(ValueMap {
        field: field.trim().to_string(),
        from: from.trim().to_string(),
        to: to.trim().to_string(),
    })
}

/// The value maps of one import, checked against the kind: per field, FROM and the
/// canonical TO.
#[derive(Debug, Default)]
pub struct ValueMaps {
    by_field: Vec<Vec<(String, &'static str)>>,
}

impl ValueMaps {
    /// Checks each map: the field must be one of the kind's enum fields, TO one of its values.
    pub fn new(spec: &KindSpec, maps: &[ValueMap]) -> Result<ValueMaps, String> {
        let mut by_field = vec![Vec::new(); spec.fields.len()];
        for map in maps {
            let shown = format!("--map-value '{}:{}={}'", map.field, map.from, map.to);
            let enums: Vec<&str> = spec
                .fields
                .iter()
                .filter(|f| matches!(f.ty, Type::Choice(_)))
                .map(|f| f.name)
                .collect();
            let Some(f) = spec.index_of(&map.field) else {
                return Err(format!(
                    "{shown}: {} has no field '{}'; the fields with a fixed set of values are {}",
                    spec.table,
                    map.field,
                    enums.join(", ")
                ));
            };
            let Type::Choice(vocab) = spec.fields[f].ty else {
                return Err(format!(
                    "{shown}: '{}' is not a field with a fixed set of values; those of {} are {}",
                    map.field,
                    spec.table,
                    enums.join(", ")
                ));
            };
            let Some(to) = vocab.parse(&map.to) else {
                return Err(format!(
                    "{shown}: '{}' is not a {}: expected {}",
                    map.to,
                    map.field,
                    vocab.expected()
                ));
            };
            by_field[f].push((map.from.clone(), to));
        }
        Ok(ValueMaps { by_field })
    }

    /// The mapped value of a (trimmed) cell of field `f`, if a map names it.
    pub fn apply(&self, f: usize, text: &str) -> Option<&'static str> {
        self.by_field.get(f)?.iter().find_map(|(from, to)| {
            (from.len() == text.len() && from.eq_ignore_ascii_case(text)).then_some(*to)
        })
    }
}

/// How many distinct unreadable values of one field are remembered (the rest are counted).
const DISTINCT: usize = 50;

/// The values of enum fields that could not be read, with how often each came.
#[derive(Debug, Default)]
pub struct Unreadable {
    by_field: BTreeMap<usize, (BTreeMap<String, u64>, u64)>,
}

/// The unreadable values of one field, most frequent first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnreadableValues {
    pub field: &'static str,
    pub header: String,
    pub values: Vec<(String, u64)>,
    /// Rows whose value was not among those listed.
    pub others: u64,
    /// The value the suggested flags map to.
    pub suggestion: &'static str,
}

impl Unreadable {
    pub fn add(&mut self, f: usize, text: &str) {
        let (values, others) = self.by_field.entry(f).or_default();
        if let Some(count) = values.get_mut(text) {
            *count += 1;
        } else if values.len() < DISTINCT {
            values.insert(text.to_string(), 1);
        } else {
            *others += 1;
        }
    }

    /// The list for the summary; `header_of` names each field's column in the file.
    pub fn finish(
        self,
        spec: &KindSpec,
        header_of: impl Fn(usize) -> String,
    ) -> Vec<UnreadableValues> {
        self.by_field
            .into_iter()
            .map(|(f, (values, others))| {
                let mut values: Vec<(String, u64)> = values.into_iter().collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                let field = &spec.fields[f];
                UnreadableValues {
                    field: field.name,
                    header: header_of(f),
                    values,
                    others,
                    // An activity nobody described is a touch, never load.
                    suggestion: if field.name == "kind" && spec.table == "activities" {
                        "check-in"
                    } else {
                        "VALUE"
                    },
                }
            })
            .collect()
    }
}

impl UnreadableValues {
    /// "column 'Type': 3 values are not a kind: '' (blank) in 12 rows, 'Meeting' in 4 ...;
    /// map them with --map-value 'kind:=check-in' ..."
    pub fn describe(&self, expected: &str) -> String {
        let listed: Vec<String> = self
            .values
            .iter()
            .map(|(value, n)| {
                let shown = if value.is_empty() {
                    "(blank)".to_string()
                } else {
                    format!("'{value}'")
                };
                format!("{shown} in {n} row{}", if *n == 1 { "" } else { "s" })
            })
            .collect();
        let flags: Vec<String> = self
            .values
            .iter()
            .map(|(value, _)| {
                let quoted =
                    format!("{}:{value}={}", self.field, self.suggestion).replace('\'', "'\\''");
                format!("--map-value '{quoted}'")
            })
            .collect();
        let mut text = format!(
            "column '{}': {} value{} not read as a {} ({}): {}{}",
            self.header,
            self.values.len(),
            if self.values.len() == 1 {
                " is"
            } else {
                "s are"
            },
            self.field,
            expected,
            listed.join(", "),
            if self.others > 0 {
                format!(" and {} more rows", self.others)
            } else {
                String::new()
            }
        );
        text.push_str(&format!("; say what they mean with {}", flags.join(" ")));
        if self.suggestion == "check-in" {
            text.push_str(
                " (check-in is a relationship touch, never counted against a reference's limit; \
                 map a value to call, site-visit, ... only when the contact spoke for you to a prospect)",
            );
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::spec::ACTIVITIES;

    #[test]
    fn value_maps_parse_and_check() {
        let map = parse_value_map("kind:=check-in").expect("blank from");
        assert_eq!(map.from, "");
        let maps = ValueMaps::new(
            &ACTIVITIES,
            &[
                map,
                parse_value_map("kind:Meeting=Check In").expect("valid"),
            ],
        )
        .expect("valid maps");
        let kind = ACTIVITIES.index_of("kind").expect("kind");
        assert_eq!(maps.apply(kind, ""), Some("check-in"));
        assert_eq!(maps.apply(kind, "meeting"), Some("check-in"));
        assert_eq!(maps.apply(kind, "Call"), None);
        assert!(parse_value_map("kind=call").is_err());
        let bad = ValueMaps::new(
            &ACTIVITIES,
            &[parse_value_map("kind:X=lunch").expect("form")],
        )
        .expect_err("lunch is no kind");
        assert!(bad.contains("expected call, email"), "{bad}");
        let bad = ValueMaps::new(&ACTIVITIES, &[parse_value_map("notes:X=y").expect("form")])
            .expect_err("notes is free text");
        assert!(bad.contains("those of activities are kind"), "{bad}");
    }
}
