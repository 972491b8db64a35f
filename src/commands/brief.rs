//! `refprog brief REQUEST_ID CONTACT_ID`: the two preparation notes for a reference call,
//! built from the data; what is missing is left out, never invented.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::BriefArgs;
use crate::domain::brief::{self, BriefFacts};
use crate::domain::matching::{caution_words, renewal_caution};
use crate::domain::model::Milestone;
use crate::output::{Format, Out};
use crate::store::{self, Store};

pub fn run(args: &BriefArgs, store: &mut Store, out: &mut Out, today: NaiveDate) -> Result<()> {
    let Some(request) = store::requests::get(store.db(), &args.request_id)? else {
        bail!(
            "no request '{}' (see 'refprog request list')",
            args.request_id
        );
    };
    let policy = store::policy::load(store.db())?;
    let need = request.need();
    let place = |region: &Option<String>, country: &Option<String>| -> Option<String> {
        let parts: Vec<&str> = [region, country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    };
    let Some(candidate) =
        store::matching::one(store.db(), &args.contact_id, &need.prospect, &policy, today)?
    else {
        bail!(
            "no contact '{}' (see 'refprog export contacts')",
            args.contact_id
        );
    };
    // The rule book's word on this reference today (asked already or not: a brief for
    // someone who opted out or whose account churned must say so).
    let verdict = crate::domain::eligibility::decide(
        &candidate.subject(),
        need.kind
            .unwrap_or(crate::domain::model::ActivityKind::Call),
        today,
        &candidate.events,
        Some(&request.request_id),
        &policy,
    );
    for reason in &verdict.reasons {
        out.warn(format!(
            "{} ({}) cannot do a {} on {today}: {reason}",
            candidate.name,
            candidate.contact_id,
            need.kind
                .unwrap_or(crate::domain::model::ActivityKind::Call)
        ));
    }
    if let Some(day) = renewal_caution(candidate.renewal_date, &policy, today) {
        out.warn(format!("{}: {}", candidate.account, caution_words(day)));
    }
    let extra = store::matching::brief_extra(store.db(), &args.contact_id)?;
    let ask = store::requests::asks(store.db(), &request.request_id)?
        .into_iter()
        .find(|a| a.contact_id == args.contact_id);
    let milestone = extra
        .milestone
        .as_deref()
        .and_then(Milestone::parse)
        .map(|m| {
            let what = match m {
                Milestone::Implementation => "implementation completed",
                Milestone::Qbr => "a positive business review",
                Milestone::Expansion => "expanded their use",
                Milestone::Renewal => "renewed",
            };
            match &extra.milestone_date {
                Some(date) => format!("{what} on {date}"),
                None => what.to_string(),
            }
        });
    let facts = BriefFacts {
        prospect: request.prospect.clone(),
        prospect_industry: request.industry.clone(),
        prospect_employees: request.employees,
        prospect_place: place(&request.region, &request.country),
        wanted_role: request.role_level.map(|r| r.words().to_string()),
        use_case: request.use_case.clone(),
        questions: request.questions.clone(),
        justification: request.justification.clone(),
        stage: request.stage.clone(),
        when: ask.and_then(|a| a.scheduled_on),
        reference_name: candidate.name.clone(),
        reference_title: candidate.title.clone(),
        reference_account: candidate.account.clone(),
        reference_industry: candidate.industry.clone(),
        reference_employees: candidate.employees,
        reference_place: place(&candidate.region, &candidate.country),
        reference_use_case: candidate.use_case.clone(),
        customer_since: extra.customer_since.clone(),
        milestone,
        topics: extra.topics.clone(),
        avoid_topics: extra.avoid_topics.clone(),
    };
    let notes = brief::notes(&facts);
    if out.format == Format::Json {
        return out.json(&notes);
    }
    out.text(&notes.reference_text)?;
    out.text("\n")?;
    out.text(&notes.prospect_text)
}
