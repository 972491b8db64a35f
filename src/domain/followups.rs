//! What the program manager must not forget, computed from the data as of a day: thank
//! the reference, ask the prospect (through the rep), ask the reference for feedback,
//! close the loop when the deal is decided, quarterly check-ins with strategic
//! references, appreciation after the third activity in a year, yearly recommitment,
//! and breaks that end this week. A follow-up is done when the matching relationship
//! touch (or rating) is on record, so `log-call --kind ...` closes it.

use std::cmp::Ordering;
use std::sync::Arc;

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

/// One thing to do for a reference. Its words, id and the command that closes it are
/// made when shown (`what`, `id`, `action`): a large program has hundreds of thousands of
/// follow-ups, most of them only counted.
#[derive(Debug, Clone)]
pub struct FollowUp {
    pub due: NaiveDate,
    pub kind: FollowUpKind,
    /// What opened it: an activity, or the reference on a day (see [`FollowUp::id`]).
    pub opened_by: OpenedBy,
    pub contact_id: CompactString,
    pub name: Arc<str>,
    pub account: Arc<str>,
    pub request_id: Option<CompactString>,
    /// What the words say beyond the kind.
    pub about: About,
}

/// What opened a follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenedBy {
    /// An activity (thank-you, feedback, prospect's feedback, loop closed): its id.
    Activity(CompactString),
    /// The reference on a day (check-in, appreciation, recommitment, break's end).
    Day(NaiveDate),
}

/// The facts a follow-up's words name beyond its kind and reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// The activity it follows: its kind and day.
    Activity(ActivityKind, NaiveDate),
    /// The deal behind the request was decided so.
    Decided(OpportunityStatus),
    /// Activities in the last year.
    Count(usize),
    Nothing,
}

/// What closes a follow-up, as a typed action; `output::command_hint` writes it as the
/// command line to type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Log a touch of `kind` for the contact (on the request, with a rating when asked).
    LogCall {
        contact_id: CompactString,
        kind: ActivityKind,
        request_id: Option<CompactString>,
        rating: Option<Rating>,
    },
    /// Record the reference's yearly recommitment.
    Recommit { contact_id: CompactString },
}

/// The rating a feedback touch records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    Reference,
    Prospect,
}

impl FollowUp {
    /// Stable: derived from what opened it (`thank-you:ACT-00042`,
    /// `check-in:C-1:2026-03-01`), so `followups done ID` closes this one and no other.
    pub fn id(&self) -> String {
        let mut id = String::with_capacity(40);
        self.write_id(&mut id);
        id
    }

    fn write_id(&self, id: &mut String) {
        use std::fmt::Write;
        id.clear();
        id.push_str(self.kind.as_str());
        id.push(':');
        match &self.opened_by {
            OpenedBy::Activity(activity) => id.push_str(activity),
            OpenedBy::Day(day) => {
                let _ = write!(id, "{}:{day}", self.contact_id);
            }
        }
    }

    /// Whether `id` names this follow-up (without writing this one's id).
    pub fn has_id(&self, id: &str) -> bool {
        let Some((kind, rest)) = id.split_once(':') else {
            return false;
        };
        if kind != self.kind.as_str() {
            return false;
        }
        match &self.opened_by {
            OpenedBy::Activity(activity) => rest == activity.as_str(),
            OpenedBy::Day(day) => rest.rsplit_once(':').is_some_and(|(contact, date)| {
                contact == self.contact_id.as_str() && date.parse::<NaiveDate>().ok() == Some(*day)
            }),
        }
    }

    /// What to do, in words.
    pub fn what(&self) -> String {
        let name = &self.name;
        match (self.kind, self.about, &self.opened_by) {
            (FollowUpKind::ThankYou, About::Activity(kind, day), _) => {
                format!("thank {name} for the {kind} on {day}")
            }
            (FollowUpKind::Feedback, About::Activity(kind, day), _) => {
                format!("ask {name} how the {kind} on {day} went")
            }
            (FollowUpKind::ProspectFeedback, About::Activity(kind, _), _) => {
                format!("ask the prospect, through the rep, how the {kind} with {name} went")
            }
            (FollowUpKind::LoopClosed, About::Decided(status), _) => {
                format!("tell {name} the deal was {status} (close the loop)")
            }
            (FollowUpKind::CheckIn, _, _) => format!("quarterly check-in with {name} (strategic)"),
            (FollowUpKind::Appreciation, About::Count(n), _) => {
                format!("send appreciation: {n} activities in the last year")
            }
            (FollowUpKind::Recommit, _, OpenedBy::Day(since)) => {
                format!("yearly recommitment (last on {since})")
            }
            (FollowUpKind::BreakEnds, _, OpenedBy::Day(until)) => {
                format!("break ends on {until}: welcome {name} back")
            }
            (kind, _, _) => format!("{kind} for {name}"),
        }
    }

    /// What closes it.
    pub fn action(&self) -> Action {
        let contact_id = self.contact_id.clone();
        let log = |kind, rating| Action::LogCall {
            contact_id: contact_id.clone(),
            kind,
            request_id: self.request_id.clone(),
            rating,
        };
        match self.kind {
            FollowUpKind::ThankYou => log(ActivityKind::ThankYou, None),
            FollowUpKind::Feedback => log(ActivityKind::Feedback, Some(Rating::Reference)),
            FollowUpKind::ProspectFeedback => log(ActivityKind::Feedback, Some(Rating::Prospect)),
            FollowUpKind::LoopClosed => log(ActivityKind::LoopClosed, None),
            FollowUpKind::CheckIn | FollowUpKind::BreakEnds => Action::LogCall {
                contact_id,
                kind: ActivityKind::CheckIn,
                request_id: None,
                rating: None,
            },
            FollowUpKind::Appreciation => Action::LogCall {
                contact_id,
                kind: ActivityKind::Gift,
                request_id: None,
                rating: None,
            },
            FollowUpKind::Recommit => Action::Recommit { contact_id },
        }
    }

    /// Orders as the ids' text would, without writing them: the kinds' names (none is the
    /// start of another), then the activity's id, or the contact's id, ':' and the day.
    fn cmp_id(&self, other: &FollowUp) -> Ordering {
        let kinds = self.kind.as_str().cmp(other.kind.as_str());
        if kinds != Ordering::Equal {
            return kinds;
        }
        match (&self.opened_by, &other.opened_by) {
            (OpenedBy::Activity(a), OpenedBy::Activity(b)) => a.as_str().cmp(b.as_str()),
            (OpenedBy::Day(a), OpenedBy::Day(b)) => {
                let (x, y) = (self.contact_id.as_bytes(), other.contact_id.as_bytes());
                if x == y {
                    return a.cmp(b);
                }
                let common = x.len().min(y.len());
                if x[..common] != y[..common] {
                    return x[..common].cmp(&y[..common]);
                }
                // "C1:..." against "C10:...": the ':' and the day take part.
                let (da, db) = (a.to_string(), b.to_string());
                x.iter()
                    .chain(b":")
                    .chain(da.as_bytes())
                    .cmp(y.iter().chain(b":").chain(db.as_bytes()))
            }
            // One kind is opened one way.
            _ => self.id().cmp(&other.id()),
        }
    }
}

impl Ord for FollowUp {
    fn cmp(&self, other: &FollowUp) -> Ordering {
        self.due
            .cmp(&other.due)
            .then_with(|| self.cmp_id(other))
            .then_with(|| self.contact_id.cmp(&other.contact_id))
            .then_with(|| self.request_id.cmp(&other.request_id))
    }
}

impl PartialOrd for FollowUp {
    fn partial_cmp(&self, other: &FollowUp) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for FollowUp {
    fn eq(&self, other: &FollowUp) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for FollowUp {}

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

/// What the follow-up rules read for a program (or one reference): the members, their
/// activities and touches from [`reach_start`], the outcomes of their requests, and the
/// snoozes.
#[derive(Debug, Default)]
pub struct Inputs {
    pub members: Vec<Member>,
    pub done: Vec<Done>,
    pub outcomes: Vec<Outcome>,
    pub snoozes: FxHashMap<String, NaiveDate>,
}

/// The first day whose activities the rules read: `followup.reach_days` before today
/// (appreciation, which looks back a year, reaches the furthest). `followups`,
/// `roster show`, `log-call` and `status` all read from here, so they list the same.
pub fn reach_start(policy: &Policy, today: NaiveDate) -> NaiveDate {
    today - Duration::days(policy.followup_reach_days)
}

/// Every open follow-up, as of `today`, snoozes applied, ordered by due date.
pub fn open(inputs: &Inputs, policy: &Policy, today: NaiveDate) -> Vec<FollowUp> {
    let mut list = Vec::new();
    each_open(inputs, policy, today, |f| list.push(f));
    // Equal follow-ups are identical, so an unstable sort gives the same list.
    list.sort_unstable();
    list
}

/// Every open follow-up, as of `today`, snoozes applied, one at a time and in no
/// particular order: [`open`]'s list for a caller that counts them rather than lists
/// them (the review page tallies a few hundred thousand).
pub fn each_open(
    inputs: &Inputs,
    policy: &Policy,
    today: NaiveDate,
    mut each: impl FnMut(FollowUp),
) {
    let reach = reach_start(policy, today);
    // Each member's activities and each request's outcome, found by hash once: looking
    // them up by scanning made a large program quadratic (90k references and 550k
    // activities took nine minutes).
    let mut by_contact: FxHashMap<&str, Vec<&Done>> = FxHashMap::default();
    by_contact.reserve(inputs.members.len());
    for d in inputs.done.iter().filter(|d| d.date >= reach) {
        by_contact.entry(d.contact_id.as_str()).or_default().push(d);
    }
    // Each member's in the order they happened (the whole program's come in the order
    // they are stored: a few per member sort much faster than half a million at once).
    for mine in by_contact.values_mut() {
        in_order(mine);
    }
    let outcome_of = by_request(&inputs.outcomes);
    let (mut theirs, mut id) = (Vec::new(), String::new());
    for m in &inputs.members {
        let mine: &[&Done] = by_contact
            .get(m.contact_id.as_str())
            .map_or(&[], Vec::as_slice);
        of_member(
            m,
            mine,
            |r| outcome_of.get(r).copied(),
            policy,
            today,
            &mut theirs,
        );
        for mut f in theirs.drain(..) {
            snooze(&mut f, &inputs.snoozes, &mut id);
            each(f);
        }
    }
}

/// Each request's outcome (the first given for it), found by the request's id: what
/// [`of_member`]'s `outcome_of` looks up.
pub fn by_request(outcomes: &[Outcome]) -> FxHashMap<&str, &Outcome> {
    let mut outcome_of: FxHashMap<&str, &Outcome> = FxHashMap::default();
    for o in outcomes {
        outcome_of.entry(o.request_id.as_str()).or_insert(o);
    }
    outcome_of
}

/// Puts a member's activities in the order [`of_member`] reads them: by day, then id.
pub fn in_order(mine: &mut [&Done]) {
    mine.sort_unstable_by(|a, b| (a.date, &a.activity_id).cmp(&(b.date, &b.activity_id)));
}

/// The follow-ups of one member as of `today`, before snoozes, added to `out` in no
/// particular order: the rules every command lists follow-ups by. `mine` is the member's
/// activities and touches dated from [`reach_start`] to `today`, in [`in_order`]'s order;
/// `outcome_of` gives the outcome of the deal behind a request. None for a member who
/// opted out.
pub fn of_member<'o>(
    m: &Member,
    mine: &[&Done],
    outcome_of: impl Fn(&str) -> Option<&'o Outcome>,
    policy: &Policy,
    today: NaiveDate,
    out: &mut Vec<FollowUp>,
) {
    if m.opted_out {
        return;
    }
    // The follow-ups closed by a touch that names them.
    let named: rustc_hash::FxHashSet<&str> =
        mine.iter().filter_map(|d| d.closes.as_deref()).collect();
    // The name and account are shared by the member's follow-ups, made at the first.
    let mut shared: Option<(Arc<str>, Arc<str>)> = None;
    let mut push = |kind: FollowUpKind,
                    opened_by: OpenedBy,
                    due: NaiveDate,
                    request: Option<&CompactString>,
                    about: About| {
        let (name, account) = shared
            .get_or_insert_with(|| (Arc::from(m.name.as_str()), Arc::from(m.account.as_str())))
            .clone();
        let f = FollowUp {
            due,
            kind,
            opened_by,
            contact_id: CompactString::from(m.contact_id.as_str()),
            name,
            account,
            request_id: request.cloned(),
            about,
        };
        if !named.is_empty() && named.contains(f.id().as_str()) {
            return;
        }
        out.push(f);
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
        let by = || OpenedBy::Activity(a.activity_id.clone());
        let about = About::Activity(a.kind, a.date);
        if !thanked[i] {
            push(
                FollowUpKind::ThankYou,
                by(),
                a.date + Duration::days((policy.thank_hours / 24).max(1)),
                a.request_id.as_ref(),
                about,
            );
        }
        let reference_heard = a.reference_rating.is_some() || heard[i];
        if !reference_heard {
            push(
                FollowUpKind::Feedback,
                by(),
                a.date + Duration::days((policy.feedback_hours / 24).max(1)),
                a.request_id.as_ref(),
                about,
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
                    by(),
                    a.date + Duration::days((policy.prospect_hours / 24).max(1)),
                    Some(request),
                    about,
                );
            }
            if let Some(outcome) = outcome_of(request.as_str())
                && outcome.status != OpportunityStatus::Open
            {
                let decided = outcome.close_date.unwrap_or(a.date).max(a.date);
                if !looped[i] {
                    push(
                        FollowUpKind::LoopClosed,
                        by(),
                        decided,
                        Some(request),
                        About::Decided(outcome.status),
                    );
                }
            }
        }
    }
    let Some(tier) = m.tier else { return };
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
                OpenedBy::Day(last),
                last + Duration::days(policy.checkin_days),
                None,
                About::Nothing,
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
                OpenedBy::Day(*reached),
                *reached + Duration::days(7),
                None,
                About::Count(this_year.len()),
            );
        }
    }
    if let Some(since) = m.recommitted_on.or(m.enrolled_on) {
        push(
            FollowUpKind::Recommit,
            OpenedBy::Day(since),
            since + Duration::days(policy.recommit_days),
            None,
            About::Nothing,
        );
    }
    if let Some(until) = m.break_until.filter(|u| *u >= today - Duration::days(7)) {
        push(
            FollowUpKind::BreakEnds,
            OpenedBy::Day(until),
            until,
            None,
            About::Nothing,
        );
    }
}

/// Moves a follow-up's due day to its snooze's day (never earlier); `id` is room to
/// write its id in.
pub fn snooze(f: &mut FollowUp, snoozes: &FxHashMap<String, NaiveDate>, id: &mut String) {
    if snoozes.is_empty() {
        return;
    }
    f.write_id(id);
    if let Some(until) = snoozes.get(id.as_str()) {
        f.due = f.due.max(*until);
    }
}

/// Whether a follow-up is stale: overdue longer than `followup.stale_days`.
pub fn is_stale(f: &FollowUp, policy: &Policy, today: NaiveDate) -> bool {
    f.due < today - Duration::days(policy.stale_days)
}

/// One line per kind for the stale follow-ups: how many, the oldest, and the flag.
pub fn stale_summary(stale: &[FollowUp], policy: &Policy) -> Vec<String> {
    let mut tally = StaleTally::default();
    for f in stale {
        tally.add(f);
    }
    tally.lines(policy)
}

/// The stale follow-ups counted by kind with the oldest due day of each, for
/// [`stale_summary`]'s lines without keeping them.
#[derive(Debug, Default)]
pub struct StaleTally(std::collections::BTreeMap<FollowUpKind, (usize, NaiveDate)>);

impl StaleTally {
    pub fn add(&mut self, f: &FollowUp) {
        let entry = self.0.entry(f.kind).or_insert((0, f.due));
        entry.0 += 1;
        entry.1 = entry.1.min(f.due);
    }

    /// One line per kind: how many, the oldest, and the flag that lists them.
    pub fn lines(&self, policy: &Policy) -> Vec<String> {
        self.0
            .iter()
            .map(|(kind, (n, oldest))| {
                format!(
                    "{n} {kind} follow-up{} over {} days late (oldest {oldest}): --stale",
                    if *n == 1 { "" } else { "s" },
                    policy.stale_days
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The open follow-ups without snoozes, in order.
    fn open_unsnoozed(
        members: &[Member],
        done: &[Done],
        outcomes: &[Outcome],
        policy: &Policy,
        today: NaiveDate,
    ) -> Vec<FollowUp> {
        let inputs = Inputs {
            members: members.to_vec(),
            done: done.to_vec(),
            outcomes: outcomes.to_vec(),
            snoozes: FxHashMap::default(),
        };
        open(&inputs, policy, today)
    }

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
            .map(|f| format!("{} {}", f.due, crate::output::command_hint(&f.action())))
            .collect()
    }

    #[test]
    fn a_call_creates_thanks_and_feedback_and_a_thank_you_closes_one() {
        let policy = Policy::default();
        let done = vec![call("2026-11-20")];
        let open_now = open_unsnoozed(&[member()], &done, &[], &policy, day("2026-11-23"));
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
        let after = open_unsnoozed(&[member()], &thanked, &[], &policy, day("2026-11-23"));
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
        let list = open_unsnoozed(&[member()], &done, &[outcome], &policy, day("2026-11-23"));
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
        let list = whats(&open_unsnoozed(&[m], &[], &[], &policy, day("2026-11-23")));
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
        let list = whats(&open_unsnoozed(
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

    #[test]
    fn follow_ups_sort_as_their_ids_read_without_writing_them() {
        let f = |kind, contact: &str, opened_by| FollowUp {
            due: day("2026-11-23"),
            kind,
            opened_by,
            contact_id: contact.into(),
            name: Arc::from("N"),
            account: Arc::from("A"),
            request_id: None,
            about: About::Nothing,
        };
        let mut list = vec![
            f(
                FollowUpKind::Recommit,
                "C10",
                OpenedBy::Day(day("2026-01-01")),
            ),
            f(
                FollowUpKind::Recommit,
                "C1",
                OpenedBy::Day(day("2026-02-01")),
            ),
            f(
                FollowUpKind::Recommit,
                "C1:",
                OpenedBy::Day(day("2026-01-01")),
            ),
            f(
                FollowUpKind::Recommit,
                "C1",
                OpenedBy::Day(day("2025-02-01")),
            ),
            f(
                FollowUpKind::CheckIn,
                "C2",
                OpenedBy::Day(day("2026-01-01")),
            ),
            f(
                FollowUpKind::ThankYou,
                "C3",
                OpenedBy::Activity("A10".into()),
            ),
            f(
                FollowUpKind::ThankYou,
                "C3",
                OpenedBy::Activity("A1".into()),
            ),
            f(
                FollowUpKind::Feedback,
                "C3",
                OpenedBy::Activity("A2".into()),
            ),
            f(
                FollowUpKind::ProspectFeedback,
                "C3",
                OpenedBy::Activity("A2".into()),
            ),
        ];
        let mut by_text = list.clone();
        by_text.sort_by_key(|x| (x.due, x.id()));
        list.sort();
        let ids = |l: &[FollowUp]| l.iter().map(FollowUp::id).collect::<Vec<_>>();
        assert_eq!(ids(&list), ids(&by_text));
        assert!(list.iter().all(|x| x.has_id(&x.id())));
        assert!(!list[0].has_id("recommit:C1:2026-02-01x"));
    }
}
