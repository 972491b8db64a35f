//! The two preparation notes for a reference call (after the templates in the seed
//! articles): one for the reference, one for the prospect through the rep. Built only
//! from what is known: a missing fact leaves its line out.

use serde::Serialize;

/// What the notes are made from.
#[derive(Debug, Clone, Default)]
pub struct BriefFacts {
    pub prospect: String,
    pub prospect_industry: Option<String>,
    pub prospect_employees: Option<i64>,
    pub prospect_place: Option<String>,
    pub wanted_role: Option<String>,
    pub use_case: Option<String>,
    pub questions: Option<String>,
    pub justification: Option<String>,
    pub stage: Option<String>,
    pub when: Option<chrono::NaiveDate>,
    pub reference_name: String,
    pub reference_title: Option<String>,
    pub reference_account: String,
    pub reference_industry: Option<String>,
    pub reference_employees: Option<i64>,
    pub reference_place: Option<String>,
    pub reference_use_case: Option<String>,
    pub customer_since: Option<String>,
    pub milestone: Option<String>,
    pub topics: Vec<String>,
    pub avoid_topics: Vec<String>,
}

/// The two notes, as text and as their parts.
#[derive(Debug, Clone, Serialize)]
pub struct Notes {
    pub topics_to_cover: Vec<String>,
    pub topics_to_avoid: Vec<String>,
    pub reference_text: String,
    pub prospect_text: String,
}

/// Always avoided on a reference call.
pub const ALWAYS_AVOID: [&str; 3] = [
    "specific pricing",
    "unreleased features and roadmap",
    "competitor comparisons",
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(str::to_lowercase)
        .collect()
}

/// The reference's comfortable topics that meet the request's use case and questions, or
/// all of them when none does.
pub fn topics_to_cover(facts: &BriefFacts) -> Vec<String> {
    let asked: Vec<String> = [facts.use_case.as_deref(), facts.questions.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(words)
        .collect();
    let meeting: Vec<String> = facts
        .topics
        .iter()
        .filter(|t| words(t).iter().any(|w| asked.contains(w)))
        .cloned()
        .collect();
    let mut cover = if meeting.is_empty() {
        facts.topics.clone()
    } else {
        meeting
    };
    if let Some(use_case) = &facts.use_case {
        cover.push(format!("your results with {}", use_case.to_lowercase()));
    }
    cover.push("implementation experience and timeline".to_string());
    cover
}

fn size(employees: Option<i64>) -> Option<String> {
    employees.map(|e| format!("{e} employees"))
}

fn line(out: &mut String, label: &str, value: Option<String>) {
    if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
        out.push_str(&format!("{label}: {value}\n"));
    }
}

fn joined(parts: &[Option<String>]) -> Option<String> {
    let present: Vec<&str> = parts
        .iter()
        .flatten()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    (!present.is_empty()).then(|| present.join(", "))
}

pub fn notes(f: &BriefFacts) -> Notes {
    let cover = topics_to_cover(f);
    let mut avoid: Vec<String> = ALWAYS_AVOID.iter().map(|s| s.to_string()).collect();
    for topic in &f.avoid_topics {
        if !avoid
            .iter()
            .any(|a| a.to_lowercase().contains(&topic.to_lowercase()))
        {
            avoid.push(topic.clone());
        }
    }

    let mut r = format!(
        "Reference call preparation: {}\nFor: {}",
        f.prospect, f.reference_name
    );
    if let Some(title) = &f.reference_title {
        r.push_str(&format!(", {title}"));
    }
    r.push_str(&format!(", {}\n\n", f.reference_account));
    line(
        &mut r,
        "Who is calling",
        joined(&[
            Some(match &f.wanted_role {
                Some(role) => format!("a {role} at {}", f.prospect),
                None => f.prospect.clone(),
            }),
            f.prospect_industry.clone(),
            size(f.prospect_employees),
            f.prospect_place.clone(),
        ]),
    );
    line(&mut r, "When", f.when.map(|d| d.to_string()));
    r.push_str("Expected length: 15-20 minutes\n");
    line(
        &mut r,
        "Why they are interested",
        joined(&[
            f.use_case
                .as_ref()
                .map(|u| format!("they are evaluating us for {}", u.to_lowercase())),
            f.justification.clone(),
        ]),
    );
    line(&mut r, "What they want to understand", f.questions.clone());
    r.push_str("\nTopics to cover:\n");
    for topic in &cover {
        r.push_str(&format!("- {topic}\n"));
    }
    r.push_str("\nTopics to avoid:\n");
    for topic in &avoid {
        r.push_str(&format!("- {topic}\n"));
    }
    r.push_str("\nBe candid: an honest account of your experience is what helps them decide.\n");

    let mut p = format!(
        "Reference call preparation: you will speak with {}\n\n",
        f.reference_name
    );
    line(
        &mut p,
        "Reference",
        joined(&[
            Some(f.reference_name.clone()),
            f.reference_title.clone(),
            Some(f.reference_account.clone()),
        ]),
    );
    line(
        &mut p,
        "Their company",
        joined(&[
            f.reference_industry.clone(),
            size(f.reference_employees),
            f.reference_place.clone(),
        ]),
    );
    line(
        &mut p,
        "Background",
        joined(&[
            f.customer_since
                .as_ref()
                .map(|d| format!("a customer since {}", &d[..4.min(d.len())])),
            f.reference_use_case
                .as_ref()
                .map(|u| format!("uses us for {}", u.to_lowercase())),
            f.milestone.clone(),
        ]),
    );
    if !f.topics.is_empty() {
        p.push_str("Best topics:\n");
        for topic in &f.topics {
            p.push_str(&format!("- {topic}\n"));
        }
    }
    line(&mut p, "When", f.when.map(|d| d.to_string()));
    p.push_str("Length: 15-20 minutes\n");
    p.push_str("\nCome with your questions: this is your time to ask about their experience.\n");

    Notes {
        topics_to_cover: cover,
        topics_to_avoid: avoid,
        reference_text: r,
        prospect_text: p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_facts_are_left_out_not_invented() {
        let facts = BriefFacts {
            prospect: "Acme".into(),
            reference_name: "Maya".into(),
            reference_account: "Mercy".into(),
            ..BriefFacts::default()
        };
        let notes = notes(&facts);
        assert!(!notes.reference_text.contains("When:"));
        assert!(
            !notes
                .reference_text
                .contains("What they want to understand")
        );
        assert!(!notes.prospect_text.contains("Background"));
        assert!(notes.reference_text.contains("- specific pricing"));
    }

    #[test]
    fn topics_that_meet_the_questions_come_first() {
        let facts = BriefFacts {
            use_case: Some("Claims automation".into()),
            questions: Some("How long did the rollout take?".into()),
            topics: vec!["ROI".into(), "rollout".into(), "claims accuracy".into()],
            ..BriefFacts::default()
        };
        assert_eq!(
            topics_to_cover(&facts),
            [
                "rollout",
                "claims accuracy",
                "your results with claims automation",
                "implementation experience and timeline"
            ]
        );
    }
}
