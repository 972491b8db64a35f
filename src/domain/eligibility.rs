//! The rule book: can this contact do this kind of activity on this date, and if not, why.
//! `match`, `log-call`, `roster`, `brief`, `coverage`, `capacity` and `utilization` all ask
//! [`decide`] (through [`standing`] for "as of today"); none of them decides on its own.
//!
//! Load is counted in units (issue 18): every ask counts once whatever the answer; the
//! activity that fulfils an ask is the same unit; an activity with no ask is its own unit.
//! A new unit on a date must fit every rolling window of `limit.window_days` that contains
//! the date (so a backdated call cannot slip in before a full window), and must be
//! `gap.min_days` away from the nearest other unit on either side. Relationship touches
//! (thank-you, check-in, ...) are never refused. A churned account or an open escalation
//! makes every contact of the account unavailable.

use std::fmt;

use chrono::{Duration, NaiveDate};

use crate::domain::model::{AccountStatus, ActivityKind, Tier};
use crate::domain::policy::{LoadEvent, Policy, load_in_window, load_units};

/// What the rule book reads about a contact and its account.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub contact_id: &'a str,
    pub account: &'a str,
    pub tier: Option<Tier>,
    /// The activities the reference will do; empty means the usual (calls and emails).
    pub willing: &'a [ActivityKind],
    pub break_until: Option<NaiveDate>,
    /// The day the contact joined the program: before it, no reference yet.
    pub enrolled_on: Option<NaiveDate>,
    /// The day the contact left the program: from it on, no reference.
    pub opted_out_on: Option<NaiveDate>,
    pub status: Option<AccountStatus>,
    pub escalation: bool,
}

/// Why a contact cannot do an activity on a date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    OptedOut {
        on: NaiveDate,
    },
    NotEnrolled,
    /// Enrolled on a day after the date asked about (`--as-of` in the past).
    NotYetEnrolled {
        on: NaiveDate,
    },
    LogoOnly,
    Churned {
        account: String,
    },
    /// The account is a prospect, partner or competitor, not a customer.
    NotACustomer {
        account: String,
    },
    Escalation {
        account: String,
    },
    OnBreak {
        until: NaiveDate,
    },
    NotWilling {
        kind: ActivityKind,
        willing: Vec<ActivityKind>,
    },
    /// A window of `window_days` ending on `window_end` and containing the date already
    /// holds `load` units against the tier's `limit`.
    LimitReached {
        tier: Tier,
        load: u32,
        limit: i64,
        window_days: i64,
        window_end: NaiveDate,
        eligible_on: Option<NaiveDate>,
    },
    /// Another unit on `other` is closer than `min_days` to `date`.
    TooClose {
        other: NaiveDate,
        date: NaiveDate,
        min_days: i64,
        eligible_on: NaiveDate,
    },
}

impl Reason {
    /// The short word `roster list` shows in its status column.
    pub fn status(&self) -> String {
        match self {
            Reason::OptedOut { on } => format!("opted out {on}"),
            Reason::NotEnrolled => "not enrolled".to_string(),
            Reason::NotYetEnrolled { on } => format!("enrolled {on}"),
            Reason::LogoOnly => "logo only".to_string(),
            Reason::Churned { .. } => "account churned".to_string(),
            Reason::NotACustomer { .. } => "not a customer".to_string(),
            Reason::Escalation { .. } => "open escalation".to_string(),
            Reason::OnBreak { until } => format!("on break until {until}"),
            Reason::NotWilling { kind, .. } => format!("no {kind}s"),
            // Past it is "over limit", as utilization flags it and the digest says.
            Reason::LimitReached { load, limit, .. } if i64::from(*load) > *limit => {
                "over limit".to_string()
            }
            Reason::LimitReached { .. } => "at limit".to_string(),
            Reason::TooClose { .. } => "in the gap".to_string(),
        }
    }

    /// True for a reason that rules out every activity, whatever the kind or the day: the
    /// contact is not (or no longer) a reference, or its account cannot be one.
    pub fn rules_out_everything(&self) -> bool {
        matches!(
            self,
            Reason::OptedOut { .. }
                | Reason::NotEnrolled
                | Reason::NotYetEnrolled { .. }
                | Reason::LogoOnly
                | Reason::Churned { .. }
                | Reason::NotACustomer { .. }
                | Reason::Escalation { .. }
        )
    }

    /// True for a reason that passes with time (a break, the limit, the gap).
    pub fn passes_with_time(&self) -> bool {
        matches!(
            self,
            Reason::OnBreak { .. } | Reason::LimitReached { .. } | Reason::TooClose { .. }
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::OptedOut { on } => write!(f, "opted out on {on}"),
            Reason::NotEnrolled => write!(f, "not enrolled in the program"),
            Reason::NotYetEnrolled { on } => {
                write!(f, "not in the program yet: enrolled on {on}")
            }
            Reason::LogoOnly => write!(f, "logo tier: name and logo use only, no calls"),
            Reason::Churned { account } => write!(f, "{account} has churned"),
            Reason::NotACustomer { account } => {
                write!(f, "{account} is not a customer (a prospect)")
            }
            Reason::Escalation { account } => write!(f, "{account} has an open escalation"),
            Reason::OnBreak { until } => write!(
                f,
                "on a break until {until}; eligible again on {}",
                *until + Duration::days(1)
            ),
            Reason::NotWilling { kind, willing } => {
                let list: Vec<&str> = willing.iter().map(|k| k.as_str()).collect();
                write!(
                    f,
                    "not willing to do a {kind} (willing: {})",
                    if list.is_empty() {
                        "call, email".to_string()
                    } else {
                        list.join(", ")
                    }
                )
            }
            Reason::LimitReached {
                tier,
                load,
                limit,
                window_days,
                window_end,
                eligible_on,
            } => {
                write!(
                    f,
                    "{tier} limit reached: {load} of {limit} in the {window_days} days up to {window_end} (limit.{tier})"
                )?;
                match eligible_on {
                    Some(day) => write!(f, "; eligible again on {day}"),
                    None => write!(f, "; this tier does no activities"),
                }
            }
            Reason::TooClose {
                other,
                date,
                min_days,
                eligible_on,
            } => {
                let days = (*date - *other).num_days();
                if days >= 0 {
                    write!(
                        f,
                        "last asked or used on {other}, {days} days before {date}"
                    )?;
                } else {
                    write!(f, "asked or used on {other}, {} days after {date}", -days)?;
                }
                write!(
                    f,
                    "; the minimum gap is {min_days} days (gap.min_days); eligible again on {eligible_on}"
                )
            }
        }
    }
}

/// The rule book's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Empty when the contact can do it.
    pub reasons: Vec<Reason>,
    /// The first day from the date on which the reasons that pass with time have passed.
    pub next_eligible: NaiveDate,
}

impl Verdict {
    pub fn allowed(&self) -> bool {
        self.reasons.is_empty()
    }

    /// Every reason, in words, `; `-separated.
    pub fn words(&self) -> String {
        self.reasons
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Whether a reference will do `kind`; an empty willing list means the usual: calls and
/// emails. Relationship touches need no willingness.
pub fn willing(list: &[ActivityKind], kind: ActivityKind) -> bool {
    if !kind.counts_against_limit() {
        true
    } else if list.is_empty() {
        matches!(kind, ActivityKind::Call | ActivityKind::Email)
    } else {
        list.contains(&kind)
    }
}

/// The first day a unit of load on or before `date` can fall in the rules' reach: every
/// window holding `date`, and the gap before it. Stores read history from here.
pub fn history_start(policy: &Policy, date: NaiveDate) -> NaiveDate {
    date - Duration::days((policy.limit_window_days - 1).max(policy.gap_min_days))
}

/// True when a new event for `request` joins a unit already on record (an ask and its
/// call): it adds no load and is held to neither the limit nor the gap.
fn joins_a_unit(events: &[LoadEvent], request: Option<&str>) -> bool {
    request.is_some_and(|r| events.iter().any(|e| e.request_id.as_deref() == Some(r)))
}

/// The busiest window of `window_days` that contains `date`: its end and its units.
fn busiest_window(events: &[LoadEvent], date: NaiveDate, policy: &Policy) -> (NaiveDate, u32) {
    let length = Duration::days(policy.limit_window_days - 1);
    let first = date - length;
    // The count changes only where a window's end reaches an event: the busiest window
    // starts at the first possible start or at such a point.
    let mut starts = vec![first];
    starts.extend(
        events
            .iter()
            .map(|e| e.date - length)
            .filter(|s| *s > first && *s <= date),
    );
    starts
        .into_iter()
        .map(|s| (s + length, load_in_window(events, s, s + length)))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .unwrap_or((date, 0))
}

fn limit_reason(
    tier: Tier,
    events: &[LoadEvent],
    date: NaiveDate,
    policy: &Policy,
) -> Option<Reason> {
    let limit = policy.limit_for(tier);
    let (window_end, load) = busiest_window(events, date, policy);
    if i64::from(load) < limit {
        return None;
    }
    let eligible_on = (limit > 0)
        .then(|| {
            first_day(date, events, policy, |day| {
                i64::from(busiest_window(events, day, policy).1) < limit
            })
        })
        .flatten();
    Some(Reason::LimitReached {
        tier,
        load,
        limit,
        window_days: policy.limit_window_days,
        window_end,
        eligible_on,
    })
}

fn gap_reason(events: &[LoadEvent], date: NaiveDate, policy: &Policy) -> Option<Reason> {
    let other = events
        .iter()
        .map(|e| e.date)
        .filter(|d| (date - *d).num_days().abs() < policy.gap_min_days)
        .min_by_key(|d| ((date - *d).num_days().abs(), *d))?;
    let eligible_on = first_day(date, events, policy, |day| {
        events
            .iter()
            .all(|e| (day - e.date).num_days().abs() >= policy.gap_min_days)
    })
    .unwrap_or(other + Duration::days(policy.gap_min_days));
    Some(Reason::TooClose {
        other,
        date,
        min_days: policy.gap_min_days,
        eligible_on,
    })
}

/// The first day from `date` on which `ok` holds, trying only the days on which a rule
/// can stop binding (an event leaving a window or the gap).
fn first_day(
    date: NaiveDate,
    events: &[LoadEvent],
    policy: &Policy,
    ok: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    let mut days: Vec<NaiveDate> = vec![date];
    for e in events {
        days.push(e.date + Duration::days(policy.gap_min_days));
        days.push(e.date + Duration::days(policy.limit_window_days));
    }
    days.retain(|d| *d >= date);
    days.sort_unstable();
    days.dedup();
    days.into_iter().find(|d| ok(*d))
}

/// Can `subject` do a `kind` on `date`? `events` are the contact's asks and counted
/// activities (any date, before and after `date`; at least from [`history_start`]);
/// `request` is the request the activity is for, if any.
pub fn decide(
    subject: &Subject<'_>,
    kind: ActivityKind,
    date: NaiveDate,
    events: &[LoadEvent],
    request: Option<&str>,
    policy: &Policy,
) -> Verdict {
    let mut reasons = Vec::new();
    let mut next = date;
    if !kind.counts_against_limit() {
        return Verdict {
            reasons,
            next_eligible: next,
        };
    }
    // As of a day, only what happened by then: an opt-out or an enrolment dated later
    // has not happened yet.
    if let Some(on) = opted_out_by(subject.opted_out_on, date) {
        reasons.push(Reason::OptedOut { on });
    }
    let Some(tier) = subject.tier else {
        reasons.push(Reason::NotEnrolled);
        return Verdict {
            reasons,
            next_eligible: next,
        };
    };
    if let Some(on) = subject.enrolled_on.filter(|on| *on > date) {
        reasons.push(Reason::NotYetEnrolled { on });
        next = next.max(on);
    }
    if tier == Tier::Logo {
        reasons.push(Reason::LogoOnly);
    }
    if subject.status == Some(AccountStatus::Churned) {
        reasons.push(Reason::Churned {
            account: subject.account.to_string(),
        });
    }
    if subject.status == Some(AccountStatus::Prospect) {
        reasons.push(Reason::NotACustomer {
            account: subject.account.to_string(),
        });
    }
    if subject.escalation {
        reasons.push(Reason::Escalation {
            account: subject.account.to_string(),
        });
    }
    if let Some(until) = subject.break_until.filter(|u| *u >= date) {
        reasons.push(Reason::OnBreak { until });
        next = until + Duration::days(1);
    }
    if !willing(subject.willing, kind) {
        reasons.push(Reason::NotWilling {
            kind,
            willing: subject.willing.to_vec(),
        });
    }
    if tier != Tier::Logo && !joins_a_unit(events, request) {
        if let Some(reason) = limit_reason(tier, events, date, policy) {
            reasons.push(reason);
        }
        if let Some(reason) = gap_reason(events, date, policy) {
            reasons.push(reason);
        }
        // The first day both pass (and the break has ended).
        let limit = policy.limit_for(tier);
        let from = next;
        next = first_day(from, events, policy, |day| {
            i64::from(busiest_window(events, day, policy).1) < limit
                && events
                    .iter()
                    .all(|e| (day - e.date).num_days().abs() >= policy.gap_min_days)
        })
        .unwrap_or(from);
    }
    Verdict {
        reasons,
        next_eligible: next,
    }
}

/// Where a member stands on `today` for the usual ask (a call): the rule book's verdict,
/// the load in the window up to today, and the last time it was asked or used.
#[derive(Debug, Clone)]
pub struct Standing {
    pub verdict: Verdict,
    pub load: u32,
    pub load_dates: Vec<NaiveDate>,
    pub limit: i64,
    pub last_used: Option<NaiveDate>,
}

impl Standing {
    pub fn available(&self) -> bool {
        self.verdict.allowed()
    }

    /// `available`, or the first reason in a word or two.
    pub fn status(&self) -> String {
        self.verdict
            .reasons
            .first()
            .map_or("available".to_string(), Reason::status)
    }
}

/// An ask in flight: put to the contact on an open request, not answered (as of the day
/// read). It counts against the limit like any ask; match and roster show it as pending.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PendingAsk {
    pub request_id: String,
    pub asked_on: NaiveDate,
}

impl fmt::Display for PendingAsk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pending: asked for {} on {}, no answer yet",
            self.request_id, self.asked_on
        )
    }
}

/// The day a contact opted out, if it was by `date` (as of a day, a later opt-out has not
/// happened yet).
pub fn opted_out_by(opted_out_on: Option<NaiveDate>, date: NaiveDate) -> Option<NaiveDate> {
    opted_out_on.filter(|on| *on <= date)
}

/// An active reference: enrolled in a tier, not opted out, and the account still a
/// customer (a churned account's people are no references). What health counts against
/// the targets and what the review's renewal watch covers; whether an active reference is
/// free on a day is [`decide`]'s question.
pub fn is_active_reference(subject: &Subject<'_>, date: NaiveDate) -> bool {
    subject.tier.is_some()
        && subject.enrolled_on.is_none_or(|on| on <= date)
        && opted_out_by(subject.opted_out_on, date).is_none()
        && subject.status != Some(AccountStatus::Churned)
}

/// The kind of activity "available" means: a reference call.
pub const USUAL_ASK: ActivityKind = ActivityKind::Call;

/// A member's standing on `today` (events after `today` are not seen).
pub fn standing(
    subject: &Subject<'_>,
    events: &[LoadEvent],
    policy: &Policy,
    today: NaiveDate,
) -> Standing {
    let seen: Vec<LoadEvent>;
    let events = if events.iter().any(|e| e.date > today) {
        seen = events.iter().filter(|e| e.date <= today).cloned().collect();
        &seen[..]
    } else {
        events
    };
    let load_dates = load_units(events, policy.window_start(today), today);
    Standing {
        verdict: decide(subject, USUAL_ASK, today, events, None, policy),
        load: load_dates.len() as u32,
        load_dates,
        limit: subject.tier.map_or(0, |t| policy.limit_for(t)),
        last_used: events.iter().map(|e| e.date).max(),
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn event(request: Option<&str>, date: &str) -> LoadEvent {
        LoadEvent {
            contact_id: "C".into(),
            request_id: request.map(Into::into),
            date: day(date),
            ask: false,
        }
    }

    fn subject(tier: Tier) -> Subject<'static> {
        Subject {
            contact_id: "C",
            account: "Acme",
            tier: Some(tier),
            willing: &[],
            break_until: None,
            enrolled_on: None,
            opted_out_on: None,
            status: Some(AccountStatus::Active),
            escalation: false,
        }
    }

    #[test]
    fn an_active_reference_is_enrolled_not_opted_out_and_still_a_customer_on_the_day() {
        let on = day("2026-06-01");
        let mut s = subject(Tier::Standard);
        assert!(is_active_reference(&s, on));
        s.status = Some(AccountStatus::Churned);
        assert!(!is_active_reference(&s, on));
        let mut s = subject(Tier::Standard);
        s.tier = None;
        assert!(!is_active_reference(&s, on));
        // Dated facts count from their day: before an enrolment, no reference yet; before
        // an opt-out, still one.
        let mut s = subject(Tier::Standard);
        s.enrolled_on = Some(day("2026-07-01"));
        assert!(!is_active_reference(&s, on));
        assert!(is_active_reference(&s, day("2026-07-01")));
        let mut s = subject(Tier::Standard);
        s.opted_out_on = Some(day("2026-07-01"));
        assert!(is_active_reference(&s, on));
        assert!(!is_active_reference(&s, day("2026-07-01")));
    }

    #[test]
    fn as_of_a_day_before_the_enrolment_or_the_opt_out_they_have_not_happened() {
        let mut s = subject(Tier::Standard);
        s.enrolled_on = Some(day("2026-07-01"));
        let r = reasons(&s, &[], "2026-06-01");
        assert_eq!(r, ["not in the program yet: enrolled on 2026-07-01"]);
        assert!(reasons(&s, &[], "2026-07-01").is_empty());
        let mut s = subject(Tier::Standard);
        s.opted_out_on = Some(day("2026-07-01"));
        assert!(reasons(&s, &[], "2026-06-30").is_empty());
        assert_eq!(reasons(&s, &[], "2026-07-01"), ["opted out on 2026-07-01"]);
    }

    fn reasons(s: &Subject<'_>, events: &[LoadEvent], date: &str) -> Vec<String> {
        decide(
            s,
            ActivityKind::Call,
            day(date),
            events,
            None,
            &Policy::default(),
        )
        .reasons
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    #[test]
    fn the_limit_holds_in_every_window_containing_the_date() {
        // Two calls in March: a standard reference's window is full from either side.
        let events = [event(None, "2026-03-01"), event(None, "2026-03-30")];
        let backdated = reasons(&subject(Tier::Standard), &events, "2026-02-01");
        assert_eq!(
            backdated,
            [
                "standard limit reached: 2 of 2 in the 90 days up to 2026-03-30 (limit.standard); eligible again on 2026-05-30"
            ]
        );
        assert!(reasons(&subject(Tier::Standard), &events, "2025-12-01").is_empty());
    }

    #[test]
    fn the_gap_is_to_the_nearest_unit_on_either_side() {
        let events = [event(None, "2026-03-10")];
        assert_eq!(
            reasons(&subject(Tier::Strategic), &events, "2026-03-08"),
            [
                "asked or used on 2026-03-10, 2 days after 2026-03-08; the minimum gap is 21 days (gap.min_days); eligible again on 2026-03-31"
            ]
        );
        assert!(reasons(&subject(Tier::Strategic), &events, "2026-02-17").is_empty());
        assert_eq!(
            reasons(&subject(Tier::Strategic), &events, "2026-02-18").len(),
            1
        );
    }

    #[test]
    fn an_ask_and_its_call_are_one_unit_and_the_call_passes() {
        let events = [event(Some("R1"), "2026-03-01")];
        let verdict = decide(
            &subject(Tier::New),
            ActivityKind::Call,
            day("2026-03-05"),
            &events,
            Some("R1"),
            &Policy::default(),
        );
        assert!(verdict.allowed(), "{verdict:?}");
    }

    #[test]
    fn churn_escalation_break_opt_out_willingness_and_logo() {
        let mut s = subject(Tier::Standard);
        s.status = Some(AccountStatus::Churned);
        s.escalation = true;
        let words = reasons(&s, &[], "2026-03-01");
        assert_eq!(words, ["Acme has churned", "Acme has an open escalation"]);
        let mut s = subject(Tier::Logo);
        s.opted_out_on = Some(day("2026-01-01"));
        s.break_until = Some(day("2026-03-01"));
        s.willing = &[ActivityKind::Webinar];
        assert_eq!(
            reasons(&s, &[], "2026-03-01"),
            [
                "opted out on 2026-01-01",
                "logo tier: name and logo use only, no calls",
                "on a break until 2026-03-01; eligible again on 2026-03-02",
                "not willing to do a call (willing: webinar)"
            ]
        );
        // Relationship touches are never refused.
        assert!(
            decide(
                &s,
                ActivityKind::ThankYou,
                day("2026-03-01"),
                &[],
                None,
                &Policy::default()
            )
            .allowed()
        );
    }

    #[test]
    fn next_eligible_after_the_limit_gap_and_break() {
        let policy = Policy::default();
        let events = [event(None, "2026-01-10"), event(None, "2026-03-01")];
        let mut s = subject(Tier::Standard);
        let v = decide(
            &s,
            ActivityKind::Call,
            day("2026-03-10"),
            &events,
            None,
            &policy,
        );
        assert_eq!(v.next_eligible, day("2026-04-10"), "{v:?}");
        s.break_until = Some(day("2026-05-01"));
        let v = decide(
            &s,
            ActivityKind::Call,
            day("2026-03-10"),
            &events,
            None,
            &policy,
        );
        assert_eq!(v.next_eligible, day("2026-05-02"));
    }

    #[test]
    fn standing_sees_nothing_after_today() {
        let events = [event(None, "2026-03-01"), event(None, "2026-03-20")];
        let s = standing(
            &subject(Tier::Standard),
            &events,
            &Policy::default(),
            day("2026-03-05"),
        );
        assert_eq!(s.load, 1);
        assert_eq!(s.last_used, Some(day("2026-03-01")));
        assert_eq!(s.status(), "in the gap");
    }

    #[test]
    fn the_second_call_of_a_standard_reference_passes_the_third_is_refused() {
        let events = [event(None, "2026-01-05"), event(None, "2026-02-10")];
        let s = subject(Tier::Standard);
        assert_eq!(
            reasons(&s, &events, "2026-03-20"),
            [
                "standard limit reached: 2 of 2 in the 90 days up to 2026-03-20 (limit.standard); eligible again on 2026-04-05"
            ]
        );
        assert!(reasons(&s, &events, "2026-04-05").is_empty());
        assert_eq!(reasons(&s, &events, "2026-04-04").len(), 1);
        assert!(reasons(&s, &events[..1], "2026-02-10").is_empty());
    }

    #[test]
    fn history_start_covers_the_windows_and_the_gap() {
        let mut policy = Policy::default();
        assert_eq!(history_start(&policy, day("2026-03-31")), day("2026-01-01"));
        policy.set("gap.min_days", "200").expect("gap");
        assert_eq!(history_start(&policy, day("2026-03-31")), day("2025-09-12"));
    }
}
