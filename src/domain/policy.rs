//! Every threshold, weight and limit of DOMAIN.md, with its default, in one place. The
//! program manager changes them with `refprog policy set`; the store keeps only what was
//! changed, so a default changed here reaches every database that kept it.

use chrono::NaiveDate;
use compact_str::CompactString;

/// How a policy value is written and which values are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A non-negative weight.
    Weight,
    /// A number of days, 1 to 3,650.
    Days,
    /// A whole count, 0 to 1,000.
    Count,
    /// Points on the 0-100 scale.
    Points,
    /// A share from 0 to 1.
    Share,
    /// A multiplier of 1 or more.
    Factor,
    /// An amount in whole currency units.
    Money,
    /// A `;`-separated list.
    List,
}

impl ValueKind {
    fn expected(self) -> &'static str {
        match self {
            ValueKind::Weight => "a weight of 0 or more, like 0.35",
            ValueKind::Days => "a number of days from 1 to 3650",
            ValueKind::Count => "a whole number from 0 to 1000",
            ValueKind::Points => "points from 0 to 100",
            ValueKind::Share => "a share from 0 to 1, like 0.25",
            ValueKind::Factor => "a multiplier of 1 or more, like 2",
            ValueKind::Money => "a whole amount like 50000 or 50,000",
            ValueKind::List => "a list separated by ';', like 'Prospecting;Qualification'",
        }
    }
}

/// A value type policy fields can hold.
trait PolicyValue: Sized {
    fn parse(text: &str, kind: ValueKind) -> Result<Self, String>;
    fn show(&self) -> String;
}

impl PolicyValue for f64 {
    fn parse(text: &str, kind: ValueKind) -> Result<f64, String> {
        let value: f64 = text
            .trim()
            .parse()
            .map_err(|_| kind.expected().to_string())?;
        let allowed = match kind {
            ValueKind::Weight => (0.0..=1000.0).contains(&value),
            ValueKind::Points => (0.0..=100.0).contains(&value),
            ValueKind::Share => (0.0..=1.0).contains(&value),
            ValueKind::Factor => (1.0..=1000.0).contains(&value),
            _ => false,
        };
        if allowed {
            Ok(value)
        } else {
            Err(kind.expected().to_string())
        }
    }

    fn show(&self) -> String {
        self.to_string()
    }
}

impl PolicyValue for i64 {
    fn parse(text: &str, kind: ValueKind) -> Result<i64, String> {
        let cleaned: String = text
            .trim()
            .trim_start_matches('$')
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let value: i64 = cleaned.parse().map_err(|_| kind.expected().to_string())?;
        let allowed = match kind {
            ValueKind::Days => (1..=3650).contains(&value),
            ValueKind::Count => (0..=1000).contains(&value),
            ValueKind::Money => (0..=1_000_000_000_000).contains(&value),
            _ => false,
        };
        if allowed {
            Ok(value)
        } else {
            Err(kind.expected().to_string())
        }
    }

    fn show(&self) -> String {
        self.to_string()
    }
}

impl PolicyValue for Vec<String> {
    fn parse(text: &str, kind: ValueKind) -> Result<Vec<String>, String> {
        let items: Vec<String> = text
            .split([';', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if items.is_empty() {
            Err(kind.expected().to_string())
        } else {
            Ok(items)
        }
    }

    fn show(&self) -> String {
        self.join(";")
    }
}

/// One key of the policy table, for listing.
#[derive(Debug, Clone, Copy)]
pub struct KeyInfo {
    pub key: &'static str,
    pub kind: ValueKind,
    pub about: &'static str,
}

macro_rules! policy {
    ($( $key:literal => $field:ident : $ty:ty = $default:expr, $kind:ident, $about:literal; )+) => {
        /// The policy in force: the defaults, with the program manager's changes applied.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Policy {
            $(#[doc = $about] pub $field: $ty,)+
            /// Extra industry -> sector group mappings (`policy set sector.INDUSTRY GROUP`).
            pub sectors: Vec<(String, String)>,
        }

        impl Default for Policy {
            fn default() -> Policy {
                Policy { $($field: $default,)+ sectors: Vec::new() }
            }
        }

        /// Every fixed key, in the order `refprog policy` lists them.
        pub const KEYS: &[KeyInfo] = &[$(KeyInfo { key: $key, kind: ValueKind::$kind, about: $about },)+];

        impl Policy {
            fn set_fixed(&mut self, key: &str, text: &str) -> Option<Result<(), String>> {
                match key {
                    $($key => Some(PolicyValue::parse(text, ValueKind::$kind).map(|v| self.$field = v)),)+
                    _ => None,
                }
            }

            fn get_fixed(&self, key: &str) -> Option<String> {
                match key {
                    $($key => Some(self.$field.show()),)+
                    _ => None,
                }
            }
        }
    };
}

policy! {
    "score.weight.sentiment" => weight_sentiment: f64 = 0.35, Weight, "weight of sentiment (NPS, health, recent success) in the composite score";
    "score.weight.adoption" => weight_adoption: f64 = 0.20, Weight, "weight of adoption (active users, advanced features) in the composite score";
    "score.weight.icp_fit" => weight_icp_fit: f64 = 0.25, Weight, "weight of fit to the open pipeline in the composite score";
    "score.weight.advocacy" => weight_advocacy: f64 = 0.20, Weight, "weight of advocacy history minus recent load in the composite score";
    "score.tier1_min" => tier1_min: f64 = 70.0, Points, "composite score from which a ready account is a tier-1 candidate";
    "score.milestone_days" => milestone_days: i64 = 180, Days, "a success milestone this recent lifts sentiment";
    "score.milestone_lift" => milestone_lift: f64 = 15.0, Points, "points a recent success milestone adds to sentiment";
    "score.min_customer_days" => min_customer_days: i64 = 182, Days, "customers for less than this (6 months) are not ready";
    "score.over_asked" => over_asked: i64 = 3, Count, "asks and activities in the load window that make an account over-asked";
    "score.nps_passive_points" => nps_passive_points: f64 = 60.0, Points, "sentiment points of a passive NPS answer (a promoter gets 100)";
    "score.nps_detractor_points" => nps_detractor_points: f64 = 5.0, Points, "sentiment points per NPS point of a detractor";
    "score.sentiment_nps_share" => sentiment_nps_share: f64 = 0.6, Share, "share of the NPS points in sentiment when health is known too (the rest is health)";
    "score.adoption_active_share" => adoption_active_share: f64 = 0.6, Share, "share of active-user adoption in the adoption score (the rest is advanced features)";
    "score.neutral" => score_neutral: f64 = 50.0, Points, "points a dimension gets when its figures are missing";
    "score.high_adoption" => high_adoption: f64 = 70.0, Points, "active-user adoption from this is called high";
    "score.low_adoption" => low_adoption: f64 = 40.0, Points, "active-user adoption under this is called low";
    "score.advocacy_start" => advocacy_start: f64 = 40.0, Points, "advocacy points before signals, yes answers and load";
    "score.advocacy_case_study" => advocacy_case_study: f64 = 20.0, Points, "advocacy points of a case study";
    "score.advocacy_signal" => advocacy_signal: f64 = 10.0, Points, "advocacy points of any other signal (review, event, referral)";
    "score.advocacy_yes" => advocacy_yes: f64 = 5.0, Points, "advocacy points per past yes answer";
    "score.advocacy_yes_max" => advocacy_yes_max: f64 = 20.0, Points, "most advocacy points past yes answers give";
    "score.advocacy_per_load" => advocacy_per_load: f64 = 15.0, Points, "advocacy points each ask or activity in the load window takes off";
    "score.icp_weak_share" => icp_weak_share: f64 = 0.05, Share, "resembling less of the pipeline than this is called a weak fit";
    "score.horizon_days" => horizon_days: i64 = 90, Days, "pipeline closing within this many days is the demand ICP fit is measured against";
    "score.icp_full_share" => icp_full_share: f64 = 0.25, Share, "resembling this share of the pipeline counts as a full ICP fit";
    "limit.window_days" => limit_window_days: i64 = 90, Days, "the rolling window the per-tier limits and the load count in";
    "limit.strategic" => limit_strategic: i64 = 4, Count, "activities a strategic reference may do in the window";
    "limit.standard" => limit_standard: i64 = 2, Count, "activities a standard reference may do in the window";
    "limit.new" => limit_new: i64 = 1, Count, "activities a new reference may do in the window";
    "limit.logo" => limit_logo: i64 = 0, Count, "activities a logo-only reference may do in the window";
    "gap.min_days" => gap_min_days: i64 = 21, Days, "minimum days between two asks of the same person";
    "gap.preferred_days" => gap_preferred_days: i64 = 45, Days, "preferred days between two asks of the same person";
    "burnout.per_quarter" => burnout_per_quarter: i64 = 3, Count, "more activities than this in a calendar quarter flags burnout";
    "fatigue.passes_in_a_row" => fatigue_passes: i64 = 2, Count, "passes in a row that signal fatigue";
    "fatigue.slow_answer_factor" => fatigue_slow_factor: f64 = 2.0, Factor, "an answer this many times slower than the person's median signals fatigue";
    "break.days" => break_days: i64 = 90, Days, "length of a suggested break";
    "recommit.days" => recommit_days: i64 = 365, Days, "recommitment is due this long after enrolment or the last recommitment";
    "request.min_deal_size" => min_deal_size: i64 = 50_000, Money, "deals under this ARR need approval before a reference is asked";
    "request.early_stages" => early_stages: Vec<String> = vec!["Prospecting".into(), "Qualification".into(), "Needs Analysis".into()], List, "stages too early for a reference";
    "request.max_prior_references" => max_prior_references: i64 = 2, Count, "references a prospect may have heard from before a warning";
    "match.size_excellent" => size_excellent: f64 = 2.0, Factor, "employee counts within this factor are an excellent size match";
    "match.size_good" => size_good: f64 = 5.0, Factor, "employee counts within this factor are a good size match";
    "match.recent_poor_days" => recent_poor_days: i64 = 30, Days, "used more recently than this is a poor recency match";
    "match.healthy_from" => healthy_from: i64 = 75, Count, "a health score from this is a healthy account (excellent availability)";
    "match.unhealthy_below" => unhealthy_below: i64 = 50, Count, "a health score under this is an unhealthy account (poor availability)";
    "match.promoter_from" => promoter_from: i64 = 9, Count, "an NPS answer from this is a promoter (excellent availability)";
    "match.detractor_to" => detractor_to: i64 = 6, Count, "an NPS answer up to this is a detractor (poor availability)";
    "match.weight.industry" => match_weight_industry: f64 = 3.0, Weight, "weight of the industry criterion in the match score";
    "match.weight.size" => match_weight_size: f64 = 2.0, Weight, "weight of the size criterion in the match score";
    "match.weight.use_case" => match_weight_use_case: f64 = 3.0, Weight, "weight of the use-case criterion in the match score";
    "match.weight.role" => match_weight_role: f64 = 2.0, Weight, "weight of the role-level criterion in the match score";
    "match.weight.geography" => match_weight_geography: f64 = 1.0, Weight, "weight of the geography criterion in the match score";
    "match.weight.availability" => match_weight_availability: f64 = 2.0, Weight, "weight of the availability criterion in the match score";
    "match.weight.recency" => match_weight_recency: f64 = 1.0, Weight, "weight of the recency criterion in the match score";
    "match.renewal_caution_days" => renewal_caution_days: i64 = 60, Days, "an account renewing within this many days is marked 'caution: renewal' and ranks after its grade";
    "match.fatigue_reach_days" => fatigue_reach_days: i64 = 120, Days, "days of activities the fatigue signals read (more than a calendar quarter)";
    "followup.thank_hours" => thank_hours: i64 = 24, Count, "hours after an activity to thank the reference";
    "followup.prospect_hours" => prospect_hours: i64 = 24, Count, "hours after an activity to ask the prospect, through the rep";
    "followup.feedback_hours" => feedback_hours: i64 = 48, Count, "hours after an activity to ask the reference for feedback";
    "followup.checkin_days" => checkin_days: i64 = 90, Days, "days between check-ins with each strategic reference";
    "followup.appreciation_after" => appreciation_after: i64 = 3, Count, "activities in a rolling year after which to send appreciation";
    "followup.stale_days" => stale_days: i64 = 30, Days, "follow-ups overdue longer than this are summed up in one line per kind (listed with --stale)";
    "followup.reach_days" => followup_reach_days: i64 = 400, Days, "days of activities the follow-ups read (more than a year)";
    "year.days" => year_days: i64 = 365, Days, "the length of a year: appreciation's rolling year, how far ahead log-call accepts a date";
    "fulfillment.sla_hours" => sla_hours: i64 = 48, Count, "hours from submission within which a request counts as fulfilled in time";
    "target.references_min" => target_references_min: i64 = 15, Count, "target number of active references";
    "target.per_segment" => target_per_segment: i64 = 3, Count, "available references wanted per segment";
    "target.customer_share_min" => target_customer_share_min: f64 = 0.05, Share, "references as a share of active customers, at least";
    "target.customer_share_max" => target_customer_share_max: f64 = 0.10, Share, "references as a share of active customers, at most";
    "target.approval_min" => target_approval_min: f64 = 0.60, Share, "request approval rate, at least";
    "target.approval_max" => target_approval_max: f64 = 0.80, Share, "request approval rate, at most";
    "target.within_48h" => target_within_48h: f64 = 0.70, Share, "share of requests fulfilled within fulfillment.sla_hours, at least";
}

/// The prefix of the keys that map an industry to a sector group.
pub const SECTOR_PREFIX: &str = "sector.";

impl Policy {
    /// Sets one key from its text and checks the values still agree ([`Policy::bounds`]);
    /// the error says what would be accepted, and a refused value changes nothing.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), String> {
        // A sector mapping names one of the built-in groups: a typo would otherwise make a
        // group of its own, matching nothing. (Checked here, not on load, so a database
        // holding an older mapping still opens.)
        // Stored as the table spells it ('Technology' is 'technology'), or groups would
        // not compare equal.
        let mut text = text;
        if key.starts_with(SECTOR_PREFIX) && !text.trim().is_empty() {
            let Some(group) = crate::domain::segments::sector_group(text) else {
                let names: Vec<&str> = crate::domain::segments::SECTOR_GROUPS
                    .iter()
                    .map(|(name, _)| *name)
                    .collect();
                return Err(format!("one of the sector groups: {}", names.join(", ")));
            };
            text = group;
        }
        let before = self.clone();
        self.set_unchecked(key, text)?;
        self.bounds().inspect_err(|_| *self = before)
    }

    /// Sets one key from its text without checking it against the others (for loading
    /// several, checked together afterwards).
    pub fn set_unchecked(&mut self, key: &str, text: &str) -> Result<(), String> {
        if let Some(industry) = key
            .strip_prefix(SECTOR_PREFIX)
            .filter(|i| !i.trim().is_empty())
        {
            let group = text.trim();
            if group.is_empty() {
                return Err("a sector group name, like 'healthcare'".to_string());
            }
            self.sectors.retain(|(name, _)| name != industry);
            self.sectors.push((industry.to_string(), group.to_string()));
            return Ok(());
        }
        match self.set_fixed(key, text) {
            Some(result) => result,
            None => Err(unknown_key(key)),
        }
    }

    /// The values that must agree with each other: every window a rule uses stays inside
    /// what the queries read, and thresholds keep their order.
    pub fn bounds(&self) -> Result<(), String> {
        let rule = |ok: bool, text: String| if ok { Ok(()) } else { Err(text) };
        rule(
            self.followup_reach_days >= self.year_days.max(self.checkin_days),
            format!(
                "followup.reach_days ({}) must cover year.days ({}) and followup.checkin_days ({})",
                self.followup_reach_days, self.year_days, self.checkin_days
            ),
        )?;
        rule(
            self.fatigue_reach_days >= 92,
            format!(
                "match.fatigue_reach_days ({}) must cover a calendar quarter (92 days)",
                self.fatigue_reach_days
            ),
        )?;
        rule(
            self.unhealthy_below <= self.healthy_from && self.healthy_from <= 100,
            format!(
                "match.unhealthy_below ({}) must not be above match.healthy_from ({}), at most 100",
                self.unhealthy_below, self.healthy_from
            ),
        )?;
        rule(
            self.detractor_to < self.promoter_from && self.promoter_from <= 10,
            format!(
                "match.detractor_to ({}) must be under match.promoter_from ({}), at most 10",
                self.detractor_to, self.promoter_from
            ),
        )?;
        rule(
            self.recent_poor_days <= self.gap_preferred_days,
            format!(
                "match.recent_poor_days ({}) must not be above gap.preferred_days ({})",
                self.recent_poor_days, self.gap_preferred_days
            ),
        )
    }

    /// The current value of a key, as text.
    pub fn get(&self, key: &str) -> Option<String> {
        if let Some(industry) = key.strip_prefix(SECTOR_PREFIX) {
            return self
                .sectors
                .iter()
                .find(|(name, _)| name == industry)
                .map(|(_, g)| g.clone());
        }
        self.get_fixed(key)
    }

    /// True for a key `set` accepts.
    pub fn knows(key: &str) -> bool {
        key.strip_prefix(SECTOR_PREFIX)
            .is_some_and(|i| !i.trim().is_empty())
            || KEYS.iter().any(|k| k.key == key)
    }

    /// The limit of activities in the window for a tier.
    pub fn limit_for(&self, tier: crate::domain::model::Tier) -> i64 {
        use crate::domain::model::Tier;
        match tier {
            Tier::Strategic => self.limit_strategic,
            Tier::Standard => self.limit_standard,
            Tier::New => self.limit_new,
            Tier::Logo => self.limit_logo,
        }
    }

    /// When a member's yearly recommitment is due: `recommit_days` after they last
    /// recommitted, or else enrolled; None for one who did neither.
    pub fn recommit_due(
        &self,
        recommitted_on: Option<NaiveDate>,
        enrolled_on: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        recommitted_on
            .or(enrolled_on)
            .map(|since| since + chrono::Duration::days(self.recommit_days))
    }

    /// The first day of the rolling limit window that ends on `today`.
    pub fn window_start(&self, today: NaiveDate) -> NaiveDate {
        today - chrono::Duration::days(self.limit_window_days - 1)
    }
}

/// Something that counts toward a reference's load: an ask, or an activity of a kind that
/// counts against the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadEvent {
    pub contact_id: CompactString,
    pub request_id: Option<CompactString>,
    pub date: NaiveDate,
    /// An ask (true) or an activity (false).
    pub ask: bool,
}

/// The load in `from..=to`: each request a person was asked for or did something for counts
/// once (an ask that became a call is one unit of load, not two), and each activity without
/// a request counts on its own.
///
/// Counted without allocating (score counts it for every contact): an event with a
/// request adds a unit unless an earlier event in the window had the same person and
/// request. The same count as [`load_units`] gives (unit-tested). A busy person's
/// events (more than [`SCAN_EVENTS`]) are checked against a set of the pairs seen instead:
/// the scan is quadratic, 11,000 events of one demo reference at 100k accounts took a
/// second per count.
pub fn load_in_window(events: &[LoadEvent], from: NaiveDate, to: NaiveDate) -> u32 {
    let inside = |e: &&LoadEvent| e.date >= from && e.date <= to;
    if events.len() > SCAN_EVENTS {
        let mut seen: rustc_hash::FxHashSet<(&str, &str)> = rustc_hash::FxHashSet::default();
        return events
            .iter()
            .filter(inside)
            .filter(|e| match &e.request_id {
                Some(request) => seen.insert((e.contact_id.as_str(), request.as_str())),
                None => true,
            })
            .count() as u32;
    }
    let mut load = 0;
    for (i, event) in events.iter().enumerate().filter(|(_, e)| inside(e)) {
        let repeat = event.request_id.is_some()
            && events[..i].iter().filter(inside).any(|earlier| {
                earlier.request_id == event.request_id && earlier.contact_id == event.contact_id
            });
        load += u32::from(!repeat);
    }
    load
}

/// Up to this many events, [`load_in_window`] compares each with the earlier ones.
const SCAN_EVENTS: usize = 32;

/// The units of load in `from..=to` (see [`load_in_window`]), each dated by its first
/// event, oldest first.
pub fn load_units<'e>(
    events: impl IntoIterator<Item = &'e LoadEvent>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    let mut requests: Vec<(&str, &str, NaiveDate)> = Vec::new();
    let mut units = Vec::new();
    for event in events
        .into_iter()
        .filter(|e| e.date >= from && e.date <= to)
    {
        match &event.request_id {
            Some(request) => {
                let key = (event.contact_id.as_str(), request.as_str());
                match requests.iter_mut().find(|(c, r, _)| (*c, *r) == key) {
                    Some(unit) => unit.2 = unit.2.min(event.date),
                    None => requests.push((key.0, key.1, event.date)),
                }
            }
            None => units.push(event.date),
        }
    }
    units.extend(requests.into_iter().map(|(_, _, date)| date));
    units.sort();
    units
}

/// One ask and its answer, for the fatigue signals.
#[derive(Debug, Clone)]
pub struct AnswerRecord {
    pub asked_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    pub yes: Option<bool>,
}

/// Signs a reference is tired: passes in a row, an answer much slower than usual, more
/// activities in a calendar quarter than the burnout flag allows.
pub fn fatigue_signals(
    answers: &[AnswerRecord],
    activity_dates: &[NaiveDate],
    policy: &Policy,
    today: NaiveDate,
) -> Vec<String> {
    use chrono::Datelike;
    let mut signals = Vec::new();
    let mut answered: Vec<&AnswerRecord> = answers.iter().filter(|a| a.yes.is_some()).collect();
    answered.sort_by_key(|a| a.asked_on);
    let streak = answered
        .iter()
        .rev()
        .take_while(|a| a.yes == Some(false))
        .count();
    if streak as i64 >= policy.fatigue_passes && policy.fatigue_passes > 0 {
        signals.push(format!("{streak} passes in a row"));
    }
    let delays: Vec<i64> = answered
        .iter()
        .filter_map(|a| a.answered_on.map(|on| (on - a.asked_on).num_days().max(0)))
        .collect();
    if let Some((last, earlier)) = delays.split_last()
        && earlier.len() >= 3
    {
        let mut sorted = earlier.to_vec();
        sorted.sort();
        let median = sorted[sorted.len() / 2] as f64;
        if (*last as f64) > policy.fatigue_slow_factor * median.max(1.0) {
            signals.push(format!(
                "answered in {last} days, against a usual {median} (over {}x)",
                policy.fatigue_slow_factor
            ));
        }
    }
    let quarter = |d: NaiveDate| (d.year(), (d.month0() / 3));
    let this_quarter = activity_dates
        .iter()
        .filter(|d| quarter(**d) == quarter(today) && **d <= today)
        .count();
    if this_quarter as i64 > policy.burnout_per_quarter {
        signals.push(format!(
            "{this_quarter} activities this quarter (burnout flag: more than {})",
            policy.burnout_per_quarter
        ));
    }
    signals
}

/// "fatigue: ...; suggest a break of one quarter: refprog roster break C --days 90"
pub fn fatigue_advice(contact_id: &str, signals: &[String], policy: &Policy) -> String {
    format!(
        "fatigue: {}; suggest a break of one quarter: refprog roster break {contact_id} --days {}",
        signals.join("; "),
        policy.break_days
    )
}

/// The message for a key that does not exist, with the closest one.
pub fn unknown_key(key: &str) -> String {
    let closest = KEYS
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k.key), k.key))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score > 0.7)
        .map(|(_, k)| format!("; did you mean '{k}'?"))
        .unwrap_or_default();
    format!(
        "no policy key '{key}' (see 'refprog policy' for the list, or sector.INDUSTRY){closest}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_shows_its_default_and_parses_it_back() {
        let defaults = Policy::default();
        for info in KEYS {
            let text = defaults.get(info.key).expect("key has a value");
            let mut policy = Policy::default();
            policy
                .set(info.key, &text)
                .unwrap_or_else(|e| panic!("{}: {e}", info.key));
            assert_eq!(policy, defaults, "{}", info.key);
        }
    }

    /// The README's policy table, made from KEYS.
    fn keys_markdown() -> String {
        let defaults = Policy::default();
        let mut text = String::from("| key | default | meaning |\n|---|---|---|\n");
        for info in KEYS {
            text.push_str(&format!(
                "| `{}` | {} | {} |\n",
                info.key,
                defaults.get(info.key).unwrap_or_default(),
                info.about
            ));
        }
        text
    }

    #[test]
    fn readme_lists_every_policy_key() {
        let expected = keys_markdown();
        if std::env::var_os("REFPROG_BLESS").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/target/policy.md"),
                &expected,
            )
            .expect("write");
        }
        // The table lives in README.md or, once the README became a guide, docs/policy.md.
        let found = ["README.md", "docs/policy.md"].iter().any(|file| {
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
                .is_ok_and(|text| text.contains(&expected))
        });
        assert!(
            found,
            "README.md or docs/policy.md is out of date with the policy keys; see target/policy.md with REFPROG_BLESS=1"
        );
    }

    /// Every number a rule uses, pinned: changing a default fails here (and the docs table
    /// must follow).
    #[test]
    fn every_default_is_pinned() {
        let defaults = Policy::default();
        let pinned = [
            ("score.weight.sentiment", "0.35"),
            ("score.weight.adoption", "0.2"),
            ("score.weight.icp_fit", "0.25"),
            ("score.weight.advocacy", "0.2"),
            ("score.tier1_min", "70"),
            ("score.milestone_days", "180"),
            ("score.milestone_lift", "15"),
            ("score.min_customer_days", "182"),
            ("score.over_asked", "3"),
            ("score.nps_passive_points", "60"),
            ("score.nps_detractor_points", "5"),
            ("score.sentiment_nps_share", "0.6"),
            ("score.adoption_active_share", "0.6"),
            ("score.neutral", "50"),
            ("score.high_adoption", "70"),
            ("score.low_adoption", "40"),
            ("score.advocacy_start", "40"),
            ("score.advocacy_case_study", "20"),
            ("score.advocacy_signal", "10"),
            ("score.advocacy_yes", "5"),
            ("score.advocacy_yes_max", "20"),
            ("score.advocacy_per_load", "15"),
            ("score.icp_weak_share", "0.05"),
            ("score.horizon_days", "90"),
            ("score.icp_full_share", "0.25"),
            ("limit.window_days", "90"),
            ("limit.strategic", "4"),
            ("limit.standard", "2"),
            ("limit.new", "1"),
            ("limit.logo", "0"),
            ("gap.min_days", "21"),
            ("gap.preferred_days", "45"),
            ("burnout.per_quarter", "3"),
            ("fatigue.passes_in_a_row", "2"),
            ("fatigue.slow_answer_factor", "2"),
            ("break.days", "90"),
            ("recommit.days", "365"),
            ("request.min_deal_size", "50000"),
            (
                "request.early_stages",
                "Prospecting;Qualification;Needs Analysis",
            ),
            ("request.max_prior_references", "2"),
            ("match.size_excellent", "2"),
            ("match.size_good", "5"),
            ("match.recent_poor_days", "30"),
            ("match.healthy_from", "75"),
            ("match.unhealthy_below", "50"),
            ("match.promoter_from", "9"),
            ("match.detractor_to", "6"),
            ("match.weight.industry", "3"),
            ("match.weight.size", "2"),
            ("match.weight.use_case", "3"),
            ("match.weight.role", "2"),
            ("match.weight.geography", "1"),
            ("match.weight.availability", "2"),
            ("match.weight.recency", "1"),
            ("match.renewal_caution_days", "60"),
            ("match.fatigue_reach_days", "120"),
            ("followup.thank_hours", "24"),
            ("followup.prospect_hours", "24"),
            ("followup.feedback_hours", "48"),
            ("followup.checkin_days", "90"),
            ("followup.appreciation_after", "3"),
            ("followup.stale_days", "30"),
            ("followup.reach_days", "400"),
            ("year.days", "365"),
            ("fulfillment.sla_hours", "48"),
            ("target.references_min", "15"),
            ("target.per_segment", "3"),
            ("target.customer_share_min", "0.05"),
            ("target.customer_share_max", "0.1"),
            ("target.approval_min", "0.6"),
            ("target.approval_max", "0.8"),
            ("target.within_48h", "0.7"),
        ];
        assert_eq!(pinned.len(), KEYS.len(), "a key without its pinned default");
        for (key, value) in pinned {
            assert_eq!(defaults.get(key).as_deref(), Some(value), "{key}");
        }
    }

    #[test]
    fn bounds_keep_windows_inside_what_is_read() {
        let mut policy = Policy::default();
        let error = policy.set("year.days", "500").expect_err("reach 400 < 500");
        assert!(
            error.contains("followup.reach_days (400) must cover year.days (500)"),
            "{error}"
        );
        assert_eq!(policy, Policy::default(), "a refused value changes nothing");
        policy.set("followup.reach_days", "600").expect("reach");
        policy.set("year.days", "500").expect("year");
        assert!(policy.set("match.fatigue_reach_days", "60").is_err());
        assert!(policy.set("match.healthy_from", "40").is_err());
        assert!(policy.set("match.promoter_from", "6").is_err());
    }

    #[test]
    fn values_are_validated() {
        let mut policy = Policy::default();
        assert!(policy.set("score.weight.sentiment", "-1").is_err());
        assert!(policy.set("score.tier1_min", "101").is_err());
        assert!(policy.set("gap.min_days", "0").is_err());
        assert!(policy.set("score.icp_full_share", "1.5").is_err());
        assert!(policy.set("request.early_stages", " ; ").is_err());
        assert_eq!(policy, Policy::default(), "a refused value changes nothing");
        policy
            .set("request.min_deal_size", "$75,000")
            .expect("money");
        assert_eq!(policy.min_deal_size, 75_000);
    }

    #[test]
    fn unknown_keys_suggest_the_closest() {
        let error = Policy::default()
            .set("score.weight.sentimnt", "1")
            .expect_err("unknown");
        assert!(
            error.contains("did you mean 'score.weight.sentiment'"),
            "{error}"
        );
    }

    fn event(contact: &str, request: Option<&str>, date: &str) -> LoadEvent {
        LoadEvent {
            contact_id: contact.into(),
            request_id: request.map(Into::into),
            date: date.parse().expect("date"),
            ask: false,
        }
    }

    proptest::proptest! {
        /// The allocation-free count is the number of units, for any events and window.
        #[test]
        fn load_in_window_counts_the_units(
            raw in proptest::collection::vec((0..3u8, proptest::option::of(0..4u8), 0..60i64), 0..80),
            start in 0..60i64,
            length in 0..60i64,
        ) {
            let day0: NaiveDate = "2026-01-01".parse().expect("date");
            let events: Vec<LoadEvent> = raw
                .iter()
                .map(|(c, r, d)| LoadEvent {
                    contact_id: format!("c{c}").into(),
                    request_id: r.map(|r| format!("r{r}").into()),
                    date: day0 + chrono::Duration::days(*d),
                    ask: false,
                })
                .collect();
            let (from, to) = (day0 + chrono::Duration::days(start), day0 + chrono::Duration::days(start + length));
            proptest::prop_assert_eq!(
                load_in_window(&events, from, to) as usize,
                load_units(&events, from, to).len()
            );
        }
    }

    /// Regression: the count compared each event with every earlier one, and one busy
    /// demo reference at 100k accounts (11,000 events) made `report utilization` and the
    /// review page take seconds.
    #[test]
    fn a_busy_reference_s_load_is_counted_in_linear_time() {
        let day0: NaiveDate = "2026-01-01".parse().expect("date");
        let events: Vec<LoadEvent> = (0..40_000)
            .map(|i| LoadEvent {
                contact_id: "c1".into(),
                request_id: (i % 4 != 0).then(|| format!("r{}", i / 2).into()),
                date: day0 + chrono::Duration::days(i64::from(i % 300)),
                ask: false,
            })
            .collect();
        let from = day0;
        let to = day0 + chrono::Duration::days(299);
        let started = std::time::Instant::now();
        let load = load_in_window(&events, from, to);
        let took = started.elapsed();
        // Events 2k and 2k+1 share request k, except that every fourth event has no
        // request: an even k gives two units, an odd k one.
        assert_eq!(load, 30_000);
        assert!(
            took < std::time::Duration::from_millis(500),
            "40,000 events took {took:?}"
        );
    }

    #[test]
    fn an_ask_and_its_call_are_one_unit_of_load() {
        let events = vec![
            event("c1", Some("r1"), "2026-05-01"),
            event("c1", Some("r1"), "2026-05-08"),
            event("c1", None, "2026-05-10"),
            event("c2", Some("r1"), "2026-05-10"),
            event("c1", Some("r2"), "2026-01-01"),
        ];
        let from = "2026-03-01".parse().expect("date");
        let to = "2026-05-31".parse().expect("date");
        assert_eq!(load_in_window(&events, from, to), 3);
    }

    #[test]
    fn fatigue_from_passes_slow_answers_and_a_busy_quarter() {
        let policy = Policy::default();
        let day = |s: &str| -> NaiveDate { s.parse().expect("date") };
        let answer = |asked: &str, days: i64, yes: bool| AnswerRecord {
            asked_on: day(asked),
            answered_on: Some(day(asked) + chrono::Duration::days(days)),
            yes: Some(yes),
        };
        let passes = vec![
            answer("2026-01-01", 1, true),
            answer("2026-03-01", 1, false),
            answer("2026-05-01", 1, false),
        ];
        assert_eq!(
            fatigue_signals(&passes, &[], &policy, day("2026-06-01")),
            ["2 passes in a row"]
        );
        let slow = vec![
            answer("2026-01-01", 2, true),
            answer("2026-02-01", 2, true),
            answer("2026-03-01", 2, true),
            answer("2026-04-01", 5, true),
        ];
        assert_eq!(
            fatigue_signals(&slow, &[], &policy, day("2026-06-01")).len(),
            1
        );
        let busy: Vec<NaiveDate> = ["2026-04-02", "2026-04-20", "2026-05-10", "2026-06-01"]
            .iter()
            .map(|d| day(d))
            .collect();
        assert_eq!(
            fatigue_signals(&[], &busy, &policy, day("2026-06-10")),
            ["4 activities this quarter (burnout flag: more than 3)"]
        );
        assert!(fatigue_signals(&[], &busy[..3], &policy, day("2026-06-10")).is_empty());
    }

    #[test]
    fn sector_mappings() {
        let mut policy = Policy::default();
        policy
            .set("sector.Quantum Widgets", "technology")
            .expect("mapping");
        assert_eq!(
            policy.get("sector.Quantum Widgets").as_deref(),
            Some("technology")
        );
        assert!(Policy::knows("sector.Anything"));
        let mut named = Policy::default();
        named
            .set("sector.Qubits", " Technology ")
            .expect("any case");
        assert_eq!(named.get("sector.Qubits").as_deref(), Some("technology"));
        let refused = named
            .set("sector.Qubits", "nonsense-group")
            .expect_err("no such group");
        assert!(
            refused.starts_with("one of the sector groups: healthcare"),
            "{refused}"
        );
        assert_eq!(named.get("sector.Qubits").as_deref(), Some("technology"));
        assert!(!Policy::knows("sector."));
    }

    #[test]
    fn recommitment_is_due_a_policy_year_after_the_last_one_or_the_enrolment() {
        let policy = Policy::default();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        assert_eq!(policy.recommit_days, 365);
        let enrolled = Some(day(1, 10));
        let recommitted = Some(day(3, 1));
        assert_eq!(
            policy.recommit_due(recommitted, enrolled),
            Some(day(3, 1) + chrono::Duration::days(365))
        );
        assert_eq!(
            policy.recommit_due(None, enrolled),
            Some(day(1, 10) + chrono::Duration::days(365))
        );
        assert_eq!(policy.recommit_due(None, None), None);
    }
}
