//! What the program manager must not forget, computed from the data as of a day: thank
//! the reference, ask the prospect (through the rep), ask the reference for feedback,
//! close the loop when the deal is decided, quarterly check-ins with strategic
//! references, appreciation after the third activity in a year, yearly recommitment,
//! and breaks that end this week. A follow-up is done when the matching relationship
//! touch (or rating) is on record, so `log-call --kind ...` closes it.

use chrono::{Duration, NaiveDate};
use compact_str::CompactString;
use rustc_hash::FxHashMap;

use crate::domain::model::{ActivityKind, OpportunityStatus, Tier};
use crate::domain::policy::Policy;

/// A reference as the follow-up rules see it.
#[derive(Debug, Clone, Default)]
pub struct Member {
    pub contact_id: String,
    pub name: String,
    pub account: String,
    pub tier: Option<Tier>,
    pub enrolled_on: Option<NaiveDate>,
    pub recommitted_on: Option<NaiveDate>,
    pub break_until: Option<NaiveDate>,
    pub opted_out: bool,
}

/// An activity or a relationship touch.
#[derive(Debug, Clone)]
pub struct Done {
    // Ids are kept inline (up to 24 bytes): a year of a large program's activities is
    // hundreds of thousands of them, and an allocation each doubled followups' memory.
    pub activity_id: CompactString,
    pub contact_id: CompactString,
    pub request_id: Option<CompactString>,
    pub kind: ActivityKind,
    pub date: NaiveDate,
    pub reference_rating: Option<i64>,
    pub prospect_rating: Option<i64>,
    /// The follow-up this touch was logged to close (`followups done ID`).
    pub closes: Option<String>,
}

/// The outcome of the deal behind a request.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub request_id: String,
    pub status: OpportunityStatus,
    pub close_date: Option<NaiveDate>,
}

/// What a follow-up asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FollowUpKind {
    ThankYou,
    Feedback,
    ProspectFeedback,
    LoopClosed,
    CheckIn,
    Appreciation,
    Recommit,
    BreakEnds,
}

impl FollowUpKind {
    pub const ALL: [FollowUpKind; 8] = [
        FollowUpKind::ThankYou,
        FollowUpKind::Feedback,
        FollowUpKind::ProspectFeedback,
        FollowUpKind::LoopClosed,
        FollowUpKind::CheckIn,
        FollowUpKind::Appreciation,
        FollowUpKind::Recommit,
        FollowUpKind::BreakEnds,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::ThankYou => "thank-you",
            FollowUpKind::Feedback => "feedback",
            FollowUpKind::ProspectFeedback => "prospect-feedback",
            FollowUpKind::LoopClosed => "loop-closed",
            FollowUpKind::CheckIn => "check-in",
            FollowUpKind::Appreciation => "appreciation",
            FollowUpKind::Recommit => "recommit",
            FollowUpKind::BreakEnds => "break-ends",
        }
    }

    pub fn parse(text: &str) -> Option<FollowUpKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    /// The touch that closes it (None: recommitment is a roster change).
    pub fn touch(self) -> Option<ActivityKind> {
        match self {
            FollowUpKind::ThankYou => Some(ActivityKind::ThankYou),
            FollowUpKind::Feedback | FollowUpKind::ProspectFeedback => Some(ActivityKind::Feedback),
            FollowUpKind::LoopClosed => Some(ActivityKind::LoopClosed),
            FollowUpKind::CheckIn | FollowUpKind::BreakEnds => Some(ActivityKind::CheckIn),
            FollowUpKind::Appreciation => Some(ActivityKind::Gift),
            FollowUpKind::Recommit => None,
        }
    }
}

impl std::fmt::Display for FollowUpKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct FollowUp {
    pub due: NaiveDate,
    /// Stable: derived from what opened it (`thank-you:ACT-00042`,
    /// `check-in:C-1:2026-03-01`), so `followups done ID` closes this one and no other.
    pub id: String,
    pub kind: FollowUpKind,
    pub contact_id: String,
    pub name: String,
    pub account: String,
    pub request_id: Option<String>,
    pub what: String,
    /// The command that marks it done.
    pub command: String,
}

fn touch_after(done: &[&Done], kind: ActivityKind, from: NaiveDate) -> bool {
    done.iter().any(|d| d.kind == kind && d.date >= from)
}

/// Which of the `counted` activities the touches close: each touch closes one follow-up,
/// the one it was made for: a touch for a request closes that request's activity, a touch
/// without one the latest activity on or before it still open. So one thank-you never
/// closes an older call's thank-you, and a loop closed on one request not another's.
fn closed_by<'d>(counted: &[&&Done], touches: impl Iterator<Item = &'d Done>) -> Vec<bool> {
    let mut closed = vec![false; counted.len()];
    let mut touches: Vec<&Done> = touches.filter(|t| t.closes.is_none()).collect();
    touches.sort_by_key(|t| t.date);
    for t in touches {
        let pick = counted
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                !closed[*i]
                    && a.date <= t.date
                    && (t.request_id.is_none() || a.request_id == t.request_id)
            })
            .max_by_key(|(_, a)| a.date)
            .map(|(i, _)| i);
        if let Some(i) = pick {
            closed[i] = true;
        }
    }
    closed
}

/// Every open follow-up, as of `today`, ordered by due date.
pub fn open(
    members: &[Member],
    done: &[Done],
    outcomes: &[Outcome],
    policy: &Policy,
    today: NaiveDate,
) -> Vec<FollowUp> {
    let mut out = Vec::new();
    // Each member's activities and each request's outcome, found by hash once: looking
    // them up by scanning made a large program quadratic (90k references and 550k
    // activities took nine minutes).
    let mut by_contact: FxHashMap<&str, Vec<&Done>> = FxHashMap::default();
    for d in done {
        by_contact.entry(d.contact_id.as_str()).or_default().push(d);
    }
    let mut outcome_of: FxHashMap<&str, &Outcome> = FxHashMap::default();
    for o in outcomes {
        outcome_of.entry(o.request_id.as_str()).or_insert(o);
    }
    for m in members.iter().filter(|m| !m.opted_out) {
        let mine: &[&Done] = by_contact
            .get(m.contact_id.as_str())
            .map_or(&[], Vec::as_slice);
        // The follow-ups closed by a touch that names them.
        let named: rustc_hash::FxHashSet<&str> =
            mine.iter().filter_map(|d| d.closes.as_deref()).collect();
        let mut push = |kind: FollowUpKind,
                        opened_by: String,
                        due: NaiveDate,
                        request: Option<&str>,
                        what: String,
                        command: String| {
            let id = format!("{kind}:{opened_by}");
            if named.contains(id.as_str()) {
                return;
            }
            out.push(FollowUp {
                due,
                id,
                kind,
                contact_id: m.contact_id.clone(),
                name: m.name.clone(),
                account: m.account.clone(),
                request_id: request.map(str::to_string),
                what,
                command,
            });
        };
        let counted: Vec<&&Done> = mine
            .iter()
            .filter(|d| d.kind.counts_against_limit() && d.date <= today)
            .collect();
        let thanked = closed_by(
            &counted,
            mine.iter()
                .copied()
                .filter(|d| d.kind == ActivityKind::ThankYou),
        );
        let heard = closed_by(
            &counted,
            mine.iter()
                .copied()
                .filter(|d| d.kind == ActivityKind::Feedback && d.reference_rating.is_some()),
        );
        let looped = closed_by(
            &counted,
            mine.iter()
                .copied()
                .filter(|d| d.kind == ActivityKind::LoopClosed),
        );
        for (i, a) in counted.iter().enumerate() {
            let request_flag = a
                .request_id
                .as_ref()
                .map(|r| format!(" --request {r}"))
                .unwrap_or_default();
            if !thanked[i] {
                push(
                    FollowUpKind::ThankYou,
                    a.activity_id.to_string(),
                    a.date + Duration::days((policy.thank_hours / 24).max(1)),
                    a.request_id.as_deref(),
                    format!("thank {} for the {} on {}", m.name, a.kind, a.date),
                    format!(
                        "refprog log-call {} --kind thank-you{request_flag}",
                        m.contact_id
                    ),
                );
            }
            let reference_heard = a.reference_rating.is_some() || heard[i];
            if !reference_heard {
                push(
                    FollowUpKind::Feedback,
                    a.activity_id.to_string(),
                    a.date + Duration::days((policy.feedback_hours / 24).max(1)),
                    a.request_id.as_deref(),
                    format!("ask {} how the {} on {} went", m.name, a.kind, a.date),
                    format!(
                        "refprog log-call {} --kind feedback{request_flag} --reference-rating N",
                        m.contact_id
                    ),
                );
            }
            if let Some(request) = &a.request_id {
                let prospect_heard = a.prospect_rating.is_some()
                    || mine.iter().any(|d| {
                        d.kind == ActivityKind::Feedback
                            && d.request_id.as_ref() == Some(request)
                            && d.prospect_rating.is_some()
                    });
                if !prospect_heard {
                    push(
                        FollowUpKind::ProspectFeedback,
                        a.activity_id.to_string(),
                        a.date + Duration::days((policy.prospect_hours / 24).max(1)),
                        Some(request.as_str()),
                        format!(
                            "ask the prospect, through the rep, how the {} with {} went",
                            a.kind, m.name
                        ),
                        format!(
                            "refprog log-call {} --kind feedback --request {request} --prospect-rating N",
                            m.contact_id
                        ),
                    );
                }
                if let Some(outcome) = outcome_of.get(request.as_str())
                    && outcome.status != OpportunityStatus::Open
                {
                    let decided = outcome.close_date.unwrap_or(a.date).max(a.date);
                    if !looped[i] {
                        push(
                            FollowUpKind::LoopClosed,
                            a.activity_id.to_string(),
                            decided,
                            Some(request.as_str()),
                            format!(
                                "tell {} the deal was {} (close the loop)",
                                m.name, outcome.status
                            ),
                            format!(
                                "refprog log-call {} --kind loop-closed --request {request}",
                                m.contact_id
                            ),
                        );
                    }
                }
            }
        }
        let Some(tier) = m.tier else { continue };
        if tier == Tier::Strategic {
            let last = mine
                .iter()
                .filter(|d| d.kind == ActivityKind::CheckIn)
                .map(|d| d.date)
                .max()
                .or(m.enrolled_on);
            if let Some(last) = last {
                push(
                    FollowUpKind::CheckIn,
                    format!("{}:{last}", m.contact_id),
                    last + Duration::days(policy.checkin_days),
                    None,
                    format!("quarterly check-in with {} (strategic)", m.name),
                    format!("refprog log-call {} --kind check-in", m.contact_id),
                );
            }
        }
        let year_ago = today - Duration::days(policy.year_days);
        let this_year: Vec<&&Done> = counted
            .iter()
            .filter(|d| d.date > year_ago)
            .copied()
            .collect();
        let threshold = policy.appreciation_after.max(1) as usize;
        if this_year.len() >= threshold {
            let third = this_year
                .iter()
                .map(|d| d.date)
                .collect::<std::collections::BTreeSet<_>>();
            if let Some(reached) = third.iter().nth(threshold - 1)
                && !touch_after(mine, ActivityKind::Gift, *reached)
            {
                push(
                    FollowUpKind::Appreciation,
                    format!("{}:{reached}", m.contact_id),
                    *reached + Duration::days(7),
                    None,
                    format!(
                        "send appreciation: {} activities in the last year",
                        this_year.len()
                    ),
                    format!("refprog log-call {} --kind gift", m.contact_id),
                );
            }
        }
        if let Some(since) = m.recommitted_on.or(m.enrolled_on) {
            push(
                FollowUpKind::Recommit,
                format!("{}:{since}", m.contact_id),
                since + Duration::days(policy.recommit_days),
                None,
                format!("yearly recommitment (last on {since})"),
                format!("refprog roster recommit {}", m.contact_id),
            );
        }
        if let Some(until) = m.break_until.filter(|u| *u >= today - Duration::days(7)) {
            push(
                FollowUpKind::BreakEnds,
                format!("{}:{until}", m.contact_id),
                until,
                None,
                format!("break ends on {until}: welcome {} back", m.name),
                format!("refprog log-call {} --kind check-in", m.contact_id),
            );
        }
    }
    // Equal follow-ups are identical, so an unstable sort gives the same list.
    out.sort_unstable();
    out
}

/// Moves each snoozed follow-up's due day to the snooze's day (never earlier).
pub fn apply_snoozes(list: &mut [FollowUp], snoozes: &FxHashMap<String, NaiveDate>) {
    for f in list.iter_mut() {
        if let Some(until) = snoozes.get(&f.id) {
            f.due = f.due.max(*until);
        }
    }
    list.sort_unstable();
}

/// The follow-ups, and apart the stale ones: overdue longer than `followup.stale_days`
/// (a first import would otherwise bury the person under years of thank-yous).
pub fn split_stale(
    list: Vec<FollowUp>,
    policy: &Policy,
    today: NaiveDate,
) -> (Vec<FollowUp>, Vec<FollowUp>) {
    let cutoff = today - Duration::days(policy.stale_days);
    list.into_iter().partition(|f| f.due >= cutoff)
}

/// One line per kind for the stale follow-ups: how many, the oldest, and the flag.
pub fn stale_summary(stale: &[FollowUp], policy: &Policy) -> Vec<String> {
    let mut by: std::collections::BTreeMap<FollowUpKind, (usize, NaiveDate)> =
        std::collections::BTreeMap::new();
    for f in stale {
        let entry = by.entry(f.kind).or_insert((0, f.due));
        entry.0 += 1;
        entry.1 = entry.1.min(f.due);
    }
    by.into_iter()
        .map(|(kind, (n, oldest))| {
            format!(
                "{n} {kind} follow-up{} over {} days late (oldest {oldest}): --stale",
                if n == 1 { "" } else { "s" },
                policy.stale_days
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn member() -> Member {
        Member {
            contact_id: "C1".into(),
            name: "Maya".into(),
            account: "Mercy".into(),
            tier: Some(Tier::Standard),
            enrolled_on: Some(day("2026-06-01")),
            ..Member::default()
        }
    }

    fn call(date: &str) -> Done {
        Done {
            activity_id: "A1".into(),
            contact_id: "C1".into(),
            request_id: Some("R1".into()),
            kind: ActivityKind::Call,
            date: day(date),
            reference_rating: None,
            prospect_rating: None,
            closes: None,
        }
    }

    fn whats(list: &[FollowUp]) -> Vec<String> {
        list.iter()
            .map(|f| format!("{} {}", f.due, f.command))
            .collect()
    }

    #[test]
    fn a_call_creates_thanks_and_feedback_and_a_thank_you_closes_one() {
        let policy = Policy::default();
        let done = vec![call("2026-11-20")];
        let open_now = open(&[member()], &done, &[], &policy, day("2026-11-23"));
        assert_eq!(
            whats(&open_now),
            [
                "2026-11-21 refprog log-call C1 --kind feedback --request R1 --prospect-rating N",
                "2026-11-21 refprog log-call C1 --kind thank-you --request R1",
                "2026-11-22 refprog log-call C1 --kind feedback --request R1 --reference-rating N",
                "2027-06-01 refprog roster recommit C1",
            ]
        );
        let mut thanked = done.clone();
        thanked.push(Done {
            kind: ActivityKind::ThankYou,
            request_id: None,
            ..call("2026-11-21")
        });
        let after = open(&[member()], &thanked, &[], &policy, day("2026-11-23"));
        assert!(!whats(&after).iter().any(|w| w.contains("thank-you")));
    }

    #[test]
    fn the_loop_closes_when_the_deal_is_decided() {
        let policy = Policy::default();
        let done = vec![Done {
            reference_rating: Some(9),
            prospect_rating: Some(8),
            ..call("2026-10-01")
        }];
        let outcome = Outcome {
            request_id: "R1".into(),
            status: OpportunityStatus::Won,
            close_date: Some(day("2026-11-10")),
        };
        let list = open(&[member()], &done, &[outcome], &policy, day("2026-11-23"));
        assert!(
            whats(&list).contains(
                &"2026-11-10 refprog log-call C1 --kind loop-closed --request R1".to_string()
            ),
            "{list:?}"
        );
    }

    #[test]
    fn strategic_check_ins_recommitment_and_breaks() {
        let policy = Policy::default();
        let mut m = member();
        m.tier = Some(Tier::Strategic);
        m.break_until = Some(day("2026-11-26"));
        let list = whats(&open(&[m], &[], &[], &policy, day("2026-11-23")));
        assert!(
            list.contains(&"2026-08-30 refprog log-call C1 --kind check-in".to_string()),
            "{list:?}"
        );
        assert!(
            list.contains(&"2026-11-26 refprog log-call C1 --kind check-in".to_string()),
            "{list:?}"
        );
    }

    #[test]
    fn appreciation_after_the_third_activity_in_a_year() {
        let policy = Policy::default();
        let done = [
            Done {
                reference_rating: Some(9),
                prospect_rating: Some(9),
                ..call("2026-03-01")
            },
            Done {
                reference_rating: Some(9),
                prospect_rating: Some(9),
                request_id: Some("R2".into()),
                ..call("2026-06-01")
            },
            Done {
                reference_rating: Some(9),
                prospect_rating: Some(9),
                request_id: Some("R3".into()),
                ..call("2026-09-01")
            },
        ];
        let with_thanks: Vec<Done> = done
            .iter()
            .cloned()
            .chain([Done {
                kind: ActivityKind::ThankYou,
                request_id: None,
                ..call("2026-09-02")
            }])
            .collect();
        let list = whats(&open(
            &[member()],
            &with_thanks,
            &[],
            &policy,
            day("2026-11-23"),
        ));
        assert!(
            list.contains(&"2026-09-08 refprog log-call C1 --kind gift".to_string()),
            "{list:?}"
        );
    }
}
