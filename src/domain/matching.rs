//! Who fits a request: each criterion graded excellent / good / poor by the matrix of
//! DOMAIN.md, the never-offered exclusions, and the ranking, every one with its reason.
//!
//! | criterion | excellent | good | poor |
//! |---|---|---|---|
//! | industry | same | same sector group | different |
//! | size | within 2x | within 5x | further |
//! | use case | same primary | secondary, or same family | unrelated |
//! | role level | same or higher | one lower | further |
//! | geography (if asked) | same country and region | same country | other country |
//! | availability | healthy (health 75+ or promoter) | neutral | unhealthy (health < 50 or detractor) |
//! | recency | not used in 45+ days | 30-44 days | within 30 days |
//!
//! The grade is the worst of the criteria that apply; a criterion the request does not
//! name does not apply. Ranking: grade, then renewal caution (an account renewing within
//! `match.renewal_caution_days` ranks after its grade), then the weighted criteria score, then the lowest
//! load, then the longest since last use, then the contact id; under the deal-size
//! threshold strategic references rank after everyone else.

use chrono::NaiveDate;

use crate::domain::eligibility::{self, Reason, Subject, Verdict};
use crate::domain::model::{
    AccountStatus, ActivityKind, RoleLevel, Tier, country_name, squash, squash_eq,
};
use crate::domain::policy::{LoadEvent, Policy};
use crate::domain::segments::{IndustryMatch, SectorMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    Excellent,
    Good,
    Poor,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::Poor => "poor",
        }
    }

    fn points(self) -> f64 {
        match self {
            Grade::Excellent => 100.0,
            Grade::Good => 60.0,
            Grade::Poor => 0.0,
        }
    }
}

/// What the request asks for.
#[derive(Debug, Clone, Default)]
pub struct Need {
    pub prospect: String,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub role_level: Option<RoleLevel>,
    pub use_case: Option<String>,
    pub kind: Option<ActivityKind>,
    pub deal_size_cents: Option<i64>,
}

/// What matching knows of one contact and its account.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub contact_id: String,
    pub name: String,
    pub title: Option<String>,
    pub account_id: String,
    pub account: String,
    pub role_level: Option<RoleLevel>,
    pub tier: Option<Tier>,
    pub willing: Vec<ActivityKind>,
    pub break_until: Option<NaiveDate>,
    pub enrolled_on: Option<NaiveDate>,
    pub opted_out_on: Option<NaiveDate>,
    pub industry: Option<String>,
    pub employees: Option<i64>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub use_case: Option<String>,
    pub secondary_use_cases: Vec<String>,
    pub status: Option<AccountStatus>,
    pub escalation: bool,
    pub health: Option<i64>,
    pub nps: Option<i64>,
    /// Load in the limit window (asks and counted activities; an ask and its call once).
    pub load: u32,
    /// The dates of the counted load events in the window, oldest first.
    pub load_dates: Vec<NaiveDate>,
    /// The last ask or counted activity, ever.
    pub last_used: Option<NaiveDate>,
    /// Asked by, or did something for, a request of this same prospect.
    pub spoke_to_prospect: bool,
    /// The asks and counted activities the rule book reads (from
    /// [`eligibility::history_start`] to today).
    pub events: Vec<LoadEvent>,
    pub renewal_date: Option<NaiveDate>,
}

/// One criterion's grade and the words for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Criterion {
    pub name: &'static str,
    pub grade: Grade,
    pub why: String,
}

/// A candidate that may be offered, graded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Graded {
    pub contact_id: String,
    pub grade: Grade,
    pub score: f64,
    pub criteria: Vec<Criterion>,
    pub limit: i64,
    pub next_eligible: NaiveDate,
    /// Under the deal-size threshold, strategic references wait behind everyone else.
    pub saved_for_bigger_deals: bool,
    /// The account renews within `match.renewal_caution_days`: on this day.
    pub renewal_caution: Option<NaiveDate>,
}

/// The weight of a criterion in the match score (policy `match.weight.*`).
fn weight(policy: &Policy, criterion: &str) -> f64 {
    match criterion {
        "industry" => policy.match_weight_industry,
        "size" => policy.match_weight_size,
        "use_case" => policy.match_weight_use_case,
        "role" => policy.match_weight_role,
        "geography" => policy.match_weight_geography,
        "availability" => policy.match_weight_availability,
        "recency" => policy.match_weight_recency,
        _ => 1.0,
    }
}

/// Words too generic to make two use cases one family.
const GENERIC: &[&str] = &[
    "automation",
    "management",
    "platform",
    "planning",
    "processing",
    "process",
    "system",
    "software",
    "solution",
    "solutions",
    "tracking",
    "analytics",
    "operations",
    "and",
    "for",
    "the",
];

/// Two use cases are one family when they share a distinctive word ("Claims automation"
/// and "Claims intake").
pub fn same_family(a: &str, b: &str) -> bool {
    // Plain ASCII (nearly every use case) is compared word by word in place: lowering and
    // copying each word was a tenth of `match`'s time at 1M accounts, which asks this of
    // every account in the request's industry.
    if a.is_ascii() && b.is_ascii() {
        let distinctive =
            |w: &&str| w.len() >= 4 && !GENERIC.iter().any(|g| g.eq_ignore_ascii_case(w));
        let mut theirs = b
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(distinctive);
        let mine: Vec<&str> = a
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(distinctive)
            .collect();
        return theirs.any(|t| mine.iter().any(|w| w.eq_ignore_ascii_case(t)));
    }
    same_family_lowered(a, b)
}

/// [`same_family`] for any text: each word lowered as Unicode does.
fn same_family_lowered(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .filter(|w| w.len() >= 4 && !GENERIC.contains(&w.as_str()))
            .collect()
    };
    let theirs = words(b);
    words(a).iter().any(|w| theirs.contains(w))
}

fn fmt_thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Grades one candidate on every criterion that applies.
pub fn grade_criteria(
    need: &Need,
    c: &Candidate,
    sectors: &SectorMap,
    policy: &Policy,
    today: NaiveDate,
) -> Vec<Criterion> {
    criteria(need, c, sectors, policy, today, true)
}

/// [`grade_criteria`]; without `words`, each criterion's words are left empty (ranking
/// thousands of candidates before reading their history needs only the grades).
fn criteria(
    need: &Need,
    c: &Candidate,
    sectors: &SectorMap,
    policy: &Policy,
    today: NaiveDate,
    words: bool,
) -> Vec<Criterion> {
    let mut criteria = Vec::with_capacity(7);
    let mut add = |name, grade, why: &dyn Fn() -> String| {
        criteria.push(Criterion {
            name,
            grade,
            why: if words { why() } else { String::new() },
        })
    };
    if let Some(wanted) = need.industry.as_deref().filter(|s| !s.trim().is_empty()) {
        let theirs = c.industry.as_deref().unwrap_or_default();
        match sectors.industry_match(wanted, theirs) {
            IndustryMatch::Same => add("industry", Grade::Excellent, &|| {
                format!("same industry ({theirs})")
            }),
            IndustryMatch::SameSector => add("industry", Grade::Good, &|| {
                format!(
                    "{theirs}, same sector ({}) as {wanted}",
                    sectors.group(wanted).unwrap_or("?")
                )
            }),
            IndustryMatch::Different if theirs.is_empty() => {
                add("industry", Grade::Poor, &|| "industry unknown".to_string())
            }
            IndustryMatch::Different => add("industry", Grade::Poor, &|| {
                format!("{theirs}, not {wanted}")
            }),
        }
    }
    if let (Some(wanted), Some(theirs)) = (need.employees, c.employees) {
        let (grade, ratio) = size_grade(wanted, theirs, policy);
        add("size", grade, &|| {
            format!(
                "{} vs {} employees ({:.1}x)",
                fmt_thousands(theirs),
                fmt_thousands(wanted),
                ratio
            )
        });
    }
    if let Some(wanted) = need.use_case.as_deref().filter(|s| !s.trim().is_empty()) {
        let primary = c.use_case.as_deref().unwrap_or_default();
        if squash_eq(primary, wanted) {
            add("use_case", Grade::Excellent, &|| {
                format!("same use case ({primary})")
            });
        } else if c.secondary_use_cases.iter().any(|u| squash_eq(u, wanted)) {
            add("use_case", Grade::Good, &|| {
                format!("{wanted} is a secondary use case")
            });
        } else if same_family(primary, wanted)
            || c.secondary_use_cases.iter().any(|u| same_family(u, wanted))
        {
            add("use_case", Grade::Good, &|| {
                format!("{primary}, same family as {wanted}")
            });
        } else if primary.is_empty() {
            add("use_case", Grade::Poor, &|| "use case unknown".to_string());
        } else {
            add("use_case", Grade::Poor, &|| {
                format!("{primary}, not {wanted}")
            });
        }
    }
    if let Some(wanted) = need.role_level {
        let theirs = c.role_level.unwrap_or(RoleLevel::Individual);
        let title = c
            .title
            .as_deref()
            .filter(|t| !t.is_empty())
            .unwrap_or(theirs.as_str());
        let gap = wanted.rank() - theirs.rank();
        let grade = role_grade(wanted, theirs);
        let wanted = wanted.words();
        add("role", grade, &|| match gap {
            0 => format!("{title} for a {wanted}"),
            ..0 => format!("{title}, senior to the {wanted} asked for"),
            1 => format!("{title}, one level below the {wanted} asked for"),
            _ => format!("{title}, {gap} levels below the {wanted} asked for"),
        });
    }
    if let Some(wanted) = need.country.as_deref().filter(|s| !s.trim().is_empty()) {
        let country = c.country.as_deref().unwrap_or_default();
        let region = c.region.as_deref().unwrap_or_default();
        let same_country = squash_eq(country_name(country), country_name(wanted));
        let wanted_region = need.region.as_deref().filter(|s| !s.trim().is_empty());
        let grade = match (same_country, wanted_region) {
            (false, _) => Grade::Poor,
            (true, None) => Grade::Excellent,
            (true, Some(r)) if squash_eq(r, region) => Grade::Excellent,
            (true, Some(_)) => Grade::Good,
        };
        let place = if region.is_empty() {
            country.to_string()
        } else {
            format!("{region}, {country}")
        };
        add("geography", grade, &|| {
            if place.is_empty() {
                "location unknown".to_string()
            } else {
                format!("in {place}")
            }
        });
    }
    let (h, n) = (c.health, c.nps);
    if h.is_some_and(|h| h < policy.unhealthy_below) || n.is_some_and(|n| n <= policy.detractor_to)
    {
        add("availability", Grade::Poor, &|| {
            format!("account unhealthy ({})", health_words(h, n))
        });
    } else if h.is_some_and(|h| h >= policy.healthy_from)
        || n.is_some_and(|n| n >= policy.promoter_from)
    {
        add("availability", Grade::Excellent, &|| {
            format!("healthy account ({})", health_words(h, n))
        });
    } else if (h, n) == (None, None) {
        add("availability", Grade::Good, &|| {
            "no health or NPS data".to_string()
        });
    } else {
        add("availability", Grade::Good, &|| {
            format!("neutral sentiment ({})", health_words(h, n))
        });
    }
    match c.last_used {
        None => add("recency", Grade::Excellent, &|| "never used".to_string()),
        Some(last) => {
            let days = (today - last).num_days();
            let grade = if days >= policy.gap_preferred_days {
                Grade::Excellent
            } else if days >= policy.recent_poor_days {
                Grade::Good
            } else {
                Grade::Poor
            };
            add("recency", grade, &|| format!("last used {days} days ago"));
        }
    }
    criteria
}

/// The size criterion: how an account of `theirs` employees fits a request of `wanted`
/// (the larger over the smaller, each counted as at least one), and that ratio.
pub fn size_grade(wanted: i64, theirs: i64, policy: &Policy) -> (Grade, f64) {
    let (low, high) = (
        wanted.min(theirs).max(1) as f64,
        wanted.max(theirs).max(1) as f64,
    );
    let ratio = high / low;
    let grade = if ratio <= policy.size_excellent {
        Grade::Excellent
    } else if ratio <= policy.size_good {
        Grade::Good
    } else {
        Grade::Poor
    };
    (grade, ratio)
}

/// The employees between which an account is within `factor` of `wanted` as
/// [`size_grade`] compares them: a range one wider at each end (and open below when it
/// reaches one, as a size of zero counts as one), so a query bounded by it leaves out no
/// such account.
pub fn employees_within(wanted: i64, factor: f64) -> (i64, i64) {
    let wanted = wanted.max(1) as f64;
    let low = (wanted / factor).floor() as i64 - 1;
    let high = ((wanted * factor).ceil() as i64).saturating_add(1);
    (if low <= 1 { i64::MIN } else { low }, high)
}

/// The role criterion: the same level or higher is excellent, one level lower good.
pub fn role_grade(wanted: RoleLevel, theirs: RoleLevel) -> Grade {
    match wanted.rank() - theirs.rank() {
        ..=0 => Grade::Excellent,
        1 => Grade::Good,
        _ => Grade::Poor,
    }
}

fn health_words(health: Option<i64>, nps: Option<i64>) -> String {
    match (health, nps) {
        (Some(h), Some(n)) => format!("health {h}, NPS {n}"),
        (Some(h), None) => format!("health {h}"),
        (None, Some(n)) => format!("NPS {n}"),
        (None, None) => "no data".to_string(),
    }
}

/// Why a contact is never offered for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    /// The rule book refuses the activity on the day.
    Rule(Reason),
    /// Already asked by, or did something for, this prospect.
    SpokeToProspect { prospect: String },
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exclusion::Rule(reason) => reason.fmt(f),
            Exclusion::SpokeToProspect { prospect } => write!(f, "already spoke to {prospect}"),
        }
    }
}

impl Candidate {
    /// What the rule book reads about this candidate.
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            contact_id: &self.contact_id,
            account: &self.account,
            tier: self.tier,
            willing: &self.willing,
            break_until: self.break_until,
            enrolled_on: self.enrolled_on,
            opted_out_on: self.opted_out_on,
            status: self.status,
            escalation: self.escalation,
        }
    }

    /// The rule book's verdict on the requested kind today.
    pub fn verdict(&self, need: &Need, policy: &Policy, today: NaiveDate) -> Verdict {
        eligibility::decide(
            &self.subject(),
            need.kind.unwrap_or(ActivityKind::Call),
            today,
            &self.events,
            None,
            policy,
        )
    }
}

/// Why a contact is never offered, or None when it may be: the rule book's first reason,
/// then whether it already spoke to the prospect.
pub fn exclusion(
    need: &Need,
    c: &Candidate,
    policy: &Policy,
    today: NaiveDate,
) -> Option<Exclusion> {
    if let Some(reason) = c.verdict(need, policy, today).reasons.into_iter().next() {
        return Some(Exclusion::Rule(reason));
    }
    if c.spoke_to_prospect {
        return Some(Exclusion::SpokeToProspect {
            prospect: need.prospect.clone(),
        });
    }
    None
}

pub use crate::domain::eligibility::willing;

pub fn willing_to(c: &Candidate, kind: ActivityKind) -> bool {
    willing(&c.willing, kind)
}

/// Grades a candidate that may be offered.
pub fn grade(
    need: &Need,
    c: &Candidate,
    sectors: &SectorMap,
    policy: &Policy,
    today: NaiveDate,
) -> Graded {
    let criteria = grade_criteria(need, c, sectors, policy, today);
    let (grade, score) = overall(&criteria, policy);
    Graded {
        contact_id: c.contact_id.clone(),
        grade,
        score,
        criteria,
        limit: c.tier.map_or(0, |t| policy.limit_for(t)),
        next_eligible: c.verdict(need, policy, today).next_eligible,
        saved_for_bigger_deals: saved_for_bigger_deals(need, c, policy),
        renewal_caution: renewal_caution(c.renewal_date, policy, today),
    }
}

/// The grade (the worst of the criteria) and the weighted score (0-100) of graded
/// criteria.
fn overall(criteria: &[Criterion], policy: &Policy) -> (Grade, f64) {
    let grade = criteria
        .iter()
        .map(|c| c.grade)
        .max()
        .unwrap_or(Grade::Good);
    let (sum, weights) = criteria
        .iter()
        .fold((0.0, 0.0), |(sum, weights), criterion| {
            let weight = weight(policy, criterion.name);
            (sum + weight * criterion.grade.points(), weights + weight)
        });
    let score = if weights > 0.0 {
        (sum / weights * 10.0).round() / 10.0
    } else {
        0.0
    };
    (grade, score)
}

/// Under the deal-size threshold, strategic references wait behind everyone else.
fn saved_for_bigger_deals(need: &Need, c: &Candidate, policy: &Policy) -> bool {
    let small_deal = need
        .deal_size_cents
        .is_some_and(|cents| cents < policy.min_deal_size * 100);
    small_deal && c.tier == Some(Tier::Strategic)
}

/// The rank key of a candidate, as [`rank_key`] of its [`grade`] gives it, without the
/// words of each criterion and the rule book's next eligible day, which the key does not
/// hold: ranking thousands of candidates before reading their history needs only this.
pub fn rank_bound(
    need: &Need,
    c: &Candidate,
    sectors: &SectorMap,
    policy: &Policy,
    today: NaiveDate,
) -> RankKey {
    let (grade, score) = overall(&criteria(need, c, sectors, policy, today, false), policy);
    RankKey {
        saved_for_bigger_deals: saved_for_bigger_deals(need, c, policy),
        grade,
        renewal_caution: renewal_caution(c.renewal_date, policy, today).is_some(),
        score,
        load: c.load,
        idle_days: idle_days(c, today),
        contact_id: c.contact_id.clone(),
    }
}

/// A candidate standing for every enrolled contact of one account, before they are read:
/// what depends on the contact or its history is at its best (the highest role, never
/// used, no load, not strategic), and so is the account's renewal (none near), so its
/// [`rank_bound`] is at least as good as any of theirs. The caller fills in the account's
/// industry, size, use cases, place, health and NPS.
pub fn account_sketch() -> Candidate {
    Candidate {
        role_level: Some(RoleLevel::CLevel),
        ..Candidate::default()
    }
}

/// The renewal day of an account that renews within `match.renewal_caution_days` of
/// `today` (asking a customer for a favour while the renewal is negotiated is a risk), or
/// None.
pub fn renewal_caution(
    renewal: Option<NaiveDate>,
    policy: &Policy,
    today: NaiveDate,
) -> Option<NaiveDate> {
    renewal.filter(|day| {
        *day >= today && *day <= today + chrono::Duration::days(policy.renewal_caution_days)
    })
}

/// "caution: renewal on DATE", as match, brief and roster print it.
pub fn caution_words(day: NaiveDate) -> String {
    format!("caution: renewal on {day}")
}

/// Where a graded candidate stands: smaller is better. The deterministic ranking of the
/// module comment.
#[derive(Debug, Clone, PartialEq)]
pub struct RankKey {
    saved_for_bigger_deals: bool,
    grade: Grade,
    renewal_caution: bool,
    score: f64,
    load: u32,
    idle_days: i64,
    contact_id: String,
}

impl Eq for RankKey {}

impl PartialOrd for RankKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RankKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.saved_for_bigger_deals
            .cmp(&other.saved_for_bigger_deals)
            .then(self.grade.cmp(&other.grade))
            .then(self.renewal_caution.cmp(&other.renewal_caution))
            .then(other.score.total_cmp(&self.score))
            .then(self.load.cmp(&other.load))
            .then(other.idle_days.cmp(&self.idle_days))
            .then(self.contact_id.cmp(&other.contact_id))
    }
}

/// The rank key of a graded candidate. For a candidate whose history is not read yet (no
/// load, never used) it is the best the candidate can reach: history only lowers it.
pub fn rank_key(graded: &Graded, c: &Candidate, today: NaiveDate) -> RankKey {
    RankKey {
        saved_for_bigger_deals: graded.saved_for_bigger_deals,
        grade: graded.grade,
        renewal_caution: graded.renewal_caution.is_some(),
        score: graded.score,
        load: c.load,
        idle_days: idle_days(c, today),
        contact_id: c.contact_id.clone(),
    }
}

/// Days since the candidate was last used; never used is the longest.
fn idle_days(c: &Candidate, today: NaiveDate) -> i64 {
    c.last_used.map_or(i64::MAX, |d| (today - d).num_days())
}

impl RankKey {
    pub fn grade(&self) -> Grade {
        self.grade
    }
}

/// Orders graded candidates by [`RankKey`].
pub fn rank(graded: &mut [(Graded, &Candidate)], today: NaiveDate) {
    graded.sort_by_cached_key(|(g, c)| rank_key(g, c, today));
}

/// The `why` column: every criterion's words, in order.
pub fn why(graded: &Graded) -> String {
    let mut parts: Vec<String> = graded.criteria.iter().map(|c| c.why.clone()).collect();
    if let Some(day) = graded.renewal_caution {
        parts.push(caution_words(day));
    }
    if graded.saved_for_bigger_deals {
        parts.push("strategic: saved for bigger deals".to_string());
    }
    parts.join("; ")
}

/// "deal size ... needs approval" for a deal under `request.min_deal_size`, or None.
pub fn needs_approval(deal_size_cents: Option<i64>, policy: &Policy) -> Option<String> {
    deal_size_cents
        .filter(|c| *c < policy.min_deal_size * 100)
        .map(|cents| {
            format!(
                "deal size {} is under {} (request.min_deal_size): needs approval",
                fmt_thousands(cents / 100),
                fmt_thousands(policy.min_deal_size)
            )
        })
}

/// Qualification warnings for a request, each with the policy value used. An approved
/// request no longer needs approval.
pub fn warnings(
    deal_size_cents: Option<i64>,
    approved: bool,
    stage: Option<&str>,
    prior_references: u32,
    needed_by: Option<NaiveDate>,
    policy: &Policy,
    today: NaiveDate,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if !approved && let Some(warning) = needs_approval(deal_size_cents, policy) {
        warnings.push(warning);
    }
    if let Some(stage) =
        stage.filter(|s| policy.early_stages.iter().any(|e| squash(e) == squash(s)))
    {
        warnings.push(format!(
            "stage '{stage}' is early for a reference (request.early_stages: {})",
            policy.early_stages.join(", ")
        ));
    }
    if i64::from(prior_references) >= policy.max_prior_references {
        warnings.push(format!(
            "the prospect has already heard from {prior_references} references (request.max_prior_references: {})",
            policy.max_prior_references
        ));
    }
    if let Some(date) = needed_by.filter(|d| *d < today) {
        warnings.push(format!("needed by {date}, which has passed"));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    fn ago(days: i64) -> NaiveDate {
        today() - chrono::Duration::days(days)
    }

    fn need() -> Need {
        Need {
            prospect: "Acme Clinics".into(),
            industry: Some("Healthcare".into()),
            employees: Some(1000),
            country: Some("United States".into()),
            region: Some("Illinois".into()),
            role_level: Some(RoleLevel::Vp),
            use_case: Some("Claims automation".into()),
            kind: Some(ActivityKind::Call),
            deal_size_cents: Some(12_000_000),
        }
    }

    fn candidate() -> Candidate {
        Candidate {
            contact_id: "C1".into(),
            name: "Maya".into(),
            account_id: "A1".into(),
            account: "Mercy".into(),
            role_level: Some(RoleLevel::Vp),
            tier: Some(Tier::Standard),
            industry: Some("Healthcare".into()),
            employees: Some(1000),
            country: Some("United States".into()),
            region: Some("Illinois".into()),
            use_case: Some("Claims automation".into()),
            status: Some(AccountStatus::Active),
            health: Some(90),
            ..Candidate::default()
        }
    }

    fn criterion(c: &Candidate, name: &str) -> Grade {
        grade_criteria(
            &need(),
            c,
            &SectorMap::new(&[]),
            &Policy::default(),
            today(),
        )
        .into_iter()
        .find(|k| k.name == name)
        .map(|k| k.grade)
        .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn size_boundaries() {
        let mut c = candidate();
        for (employees, grade) in [
            (2000, Grade::Excellent),
            (2100, Grade::Good),
            (5000, Grade::Good),
            (6000, Grade::Poor),
            (500, Grade::Excellent),
            (490, Grade::Good),
        ] {
            c.employees = Some(employees);
            assert_eq!(criterion(&c, "size"), grade, "{employees}");
        }
    }

    #[test]
    fn recency_boundaries() {
        let mut c = candidate();
        for (days, grade) in [
            (29, Grade::Poor),
            (30, Grade::Good),
            (44, Grade::Good),
            (45, Grade::Excellent),
        ] {
            c.last_used = Some(ago(days));
            assert_eq!(criterion(&c, "recency"), grade, "{days}");
        }
    }

    #[test]
    fn role_one_level_lower_is_good_two_is_poor() {
        let mut c = candidate();
        c.role_level = Some(RoleLevel::CLevel);
        assert_eq!(criterion(&c, "role"), Grade::Excellent);
        c.role_level = Some(RoleLevel::Director);
        assert_eq!(criterion(&c, "role"), Grade::Good);
        c.role_level = Some(RoleLevel::Manager);
        assert_eq!(criterion(&c, "role"), Grade::Poor);
    }

    #[test]
    fn industry_geography_and_use_case() {
        let mut c = candidate();
        c.industry = Some("Hospital & Health Care".into());
        assert_eq!(criterion(&c, "industry"), Grade::Good);
        c.industry = Some("Banking".into());
        assert_eq!(criterion(&c, "industry"), Grade::Poor);
        let mut c = candidate();
        c.region = Some("Ohio".into());
        assert_eq!(criterion(&c, "geography"), Grade::Good);
        c.country = Some("Canada".into());
        assert_eq!(criterion(&c, "geography"), Grade::Poor);
        let mut c = candidate();
        c.use_case = Some("Claims intake".into());
        assert_eq!(criterion(&c, "use_case"), Grade::Good, "same family");
        c.use_case = Some("Reporting".into());
        c.secondary_use_cases = vec!["Claims automation".into()];
        assert_eq!(criterion(&c, "use_case"), Grade::Good, "secondary");
        c.secondary_use_cases.clear();
        assert_eq!(criterion(&c, "use_case"), Grade::Poor);
        assert!(!same_family("Route planning", "Inventory planning"));
    }

    #[test]
    fn same_family_in_place_agrees_with_the_lowered_words() {
        let cases = [
            "Claims automation",
            "claims INTAKE",
            "Route planning",
            "Inventory planning",
            "Fleet-tracking/ROUTE",
            "Order to cash",
            "EHR migration",
            "ehr",
            "Process automation and management",
            "Data warehouse (cloud)",
            "WAREHOUSE",
            "",
            "  ",
            "Forecasting, demand",
            "Demand forecasting",
            "Préparation des commandes",
            "préparation",
        ];
        for a in cases {
            for b in cases {
                assert_eq!(
                    same_family(a, b),
                    same_family_lowered(a, b),
                    "{a:?} / {b:?}"
                );
            }
        }
        assert!(same_family("Claims automation", "claims INTAKE"));
        assert!(same_family("Fleet-tracking/ROUTE", "Route planning"));
        assert!(!same_family(
            "Process automation and management",
            "Workflow automation"
        ));
    }

    fn grade_of(c: &Candidate) -> Grade {
        grade(
            &need(),
            c,
            &SectorMap::new(&[]),
            &Policy::default(),
            today(),
        )
        .grade
    }

    #[test]
    fn the_grade_is_the_worst_criterion() {
        let mut c = candidate();
        assert_eq!(grade_of(&c), Grade::Excellent);
        c.employees = Some(3000);
        assert_eq!(grade_of(&c), Grade::Good);
        c.country = Some("Canada".into());
        assert_eq!(grade_of(&c), Grade::Poor);
    }

    fn unit(days_ago: i64) -> LoadEvent {
        LoadEvent {
            contact_id: "C1".into(),
            request_id: None,
            date: ago(days_ago),
            ask: false,
        }
    }

    #[test]
    fn each_exclusion() {
        let policy = Policy::default();
        let check = |c: &Candidate| exclusion(&need(), c, &policy, today()).map(|e| e.to_string());
        assert_eq!(check(&candidate()), None);
        let mut c = candidate();
        c.opted_out_on = Some(ago(3));
        assert!(check(&c).is_some_and(|r| r.starts_with("opted out")));
        let mut c = candidate();
        c.tier = None;
        assert_eq!(check(&c).as_deref(), Some("not enrolled in the program"));
        let mut c = candidate();
        c.tier = Some(Tier::Logo);
        assert!(check(&c).is_some_and(|r| r.starts_with("logo tier")));
        let mut c = candidate();
        c.break_until = Some(today());
        assert!(check(&c).is_some_and(|r| r.starts_with("on a break")));
        c.break_until = Some(ago(1));
        assert_eq!(check(&c), None, "a break that ended yesterday");
        let mut c = candidate();
        c.status = Some(AccountStatus::Churned);
        assert!(check(&c).is_some_and(|r| r.ends_with("has churned")));
        let mut c = candidate();
        c.escalation = true;
        assert!(check(&c).is_some_and(|r| r.ends_with("open escalation")));
        let mut c = candidate();
        c.events = vec![unit(60), unit(30)];
        assert_eq!(
            check(&c).as_deref(),
            Some(
                "standard limit reached: 2 of 2 in the 90 days up to 2026-11-23 (limit.standard); eligible again on 2026-12-23"
            )
        );
        let mut c = candidate();
        c.events = vec![unit(20)];
        assert_eq!(
            check(&c).as_deref(),
            Some(
                "last asked or used on 2026-11-03, 20 days before 2026-11-23; the minimum gap is 21 days (gap.min_days); eligible again on 2026-11-24"
            )
        );
        c.events = vec![unit(21)];
        assert_eq!(check(&c), None);
        let mut c = candidate();
        c.willing = vec![ActivityKind::Email];
        assert_eq!(
            check(&c).as_deref(),
            Some("not willing to do a call (willing: email)")
        );
        let mut c = candidate();
        c.spoke_to_prospect = true;
        assert_eq!(check(&c).as_deref(), Some("already spoke to Acme Clinics"));
    }

    #[test]
    fn strategic_references_wait_under_the_threshold_and_lead_above_it() {
        let policy = Policy::default();
        let sectors = SectorMap::new(&[]);
        let mut strategic = candidate();
        strategic.contact_id = "A-strategic".into();
        strategic.tier = Some(Tier::Strategic);
        let mut standard = candidate();
        standard.contact_id = "B-standard".into();
        standard.employees = Some(3000); // good, not excellent
        let order = |need: &Need| {
            let mut graded: Vec<(Graded, &Candidate)> = [&strategic, &standard]
                .into_iter()
                .map(|c| (grade(need, c, &sectors, &policy, today()), c))
                .collect();
            rank(&mut graded, today());
            graded
                .iter()
                .map(|(g, _)| g.contact_id.clone())
                .collect::<Vec<_>>()
        };
        let mut small = need();
        small.deal_size_cents = Some(4_000_000);
        assert_eq!(order(&small), ["B-standard", "A-strategic"]);
        assert_eq!(order(&need()), ["A-strategic", "B-standard"]);
    }

    #[test]
    fn qualification_warnings() {
        let policy = Policy::default();
        let w = warnings(
            Some(4_000_000),
            false,
            Some("Prospecting"),
            2,
            Some(ago(1)),
            &policy,
            today(),
        );
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("40,000 is under 50,000"));
        assert!(
            warnings(
                Some(5_000_000),
                false,
                Some("Proposal"),
                1,
                None,
                &policy,
                today()
            )
            .is_empty()
        );
        assert!(
            warnings(Some(4_000_000), true, None, 0, None, &policy, today()).is_empty(),
            "an approved request needs no approval"
        );
    }

    /// Candidates that differ on every criterion, each history and tier: what ranking
    /// before reading history (rank_bound) and before reading contacts (account_sketch)
    /// is checked on.
    fn varied() -> Vec<Candidate> {
        let mut all = Vec::new();
        for i in 0..240_usize {
            let mut c = candidate();
            c.contact_id = format!("C{i:03}");
            c.industry = [
                Some("Healthcare"),
                Some("Hospital & Health Care"),
                Some("Banking"),
                None,
            ][i % 4]
                .map(str::to_string);
            c.employees = [Some(1000), Some(2600), Some(4000), Some(9000), None][i % 5];
            c.use_case = [
                Some("Claims automation"),
                Some("Claims intake"),
                Some("Billing"),
                None,
            ][i / 4 % 4]
                .map(str::to_string);
            c.secondary_use_cases = if i % 3 == 0 {
                vec!["Claims automation".to_string()]
            } else {
                Vec::new()
            };
            c.role_level = [
                Some(RoleLevel::CLevel),
                Some(RoleLevel::Director),
                Some(RoleLevel::Individual),
                None,
            ][i / 3 % 4];
            c.country = [Some("United States"), Some("USA"), Some("Canada"), None][i / 5 % 4]
                .map(str::to_string);
            c.region = [Some("Illinois"), Some("Ohio")][i / 7 % 2].map(str::to_string);
            c.health = [Some(90), Some(60), Some(40), None][i / 2 % 4];
            c.nps = [Some(10), Some(7), Some(3), None][i / 11 % 4];
            c.tier = [Some(Tier::Strategic), Some(Tier::Standard), Some(Tier::New)][i % 3];
            c.load = (i % 3) as u32;
            c.last_used = [None, Some(ago(10)), Some(ago(35)), Some(ago(400))][i / 13 % 4];
            c.renewal_date = [None, Some(ago(-20))][i / 17 % 2];
            all.push(c);
        }
        all
    }

    #[test]
    fn rank_bound_is_the_rank_key_of_the_grade() {
        let sectors = SectorMap::new(&[]);
        let policy = Policy::default();
        let mut needs = vec![need()];
        needs.push(Need {
            deal_size_cents: Some(100),
            region: None,
            role_level: None,
            ..need()
        });
        needs.push(Need {
            industry: None,
            employees: None,
            country: None,
            use_case: None,
            ..need()
        });
        for need in &needs {
            for c in varied() {
                let graded = grade(need, &c, &sectors, &policy, today());
                assert_eq!(
                    rank_bound(need, &c, &sectors, &policy, today()),
                    rank_key(&graded, &c, today()),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn an_account_sketch_ranks_no_worse_than_any_of_its_contacts() {
        let sectors = SectorMap::new(&[]);
        let policy = Policy::default();
        let small_deal = Need {
            deal_size_cents: Some(100),
            ..need()
        };
        let mut below = 0;
        for need in [need(), small_deal] {
            for c in varied() {
                // The sketch of the contact's account: its account's columns, nothing else.
                let sketch = Candidate {
                    industry: c.industry.clone(),
                    employees: c.employees,
                    use_case: c.use_case.clone(),
                    secondary_use_cases: c.secondary_use_cases.clone(),
                    country: c.country.clone(),
                    region: c.region.clone(),
                    health: c.health,
                    nps: c.nps,
                    ..account_sketch()
                };
                let bound = rank_bound(&need, &sketch, &sectors, &policy, today());
                let key = rank_key(&grade(&need, &c, &sectors, &policy, today()), &c, today());
                assert!(bound <= key, "{bound:?} > {key:?}");
                below += usize::from(bound.grade() < key.grade());
            }
        }
        // The contacts' role, history, tier and renewal do rank some of them lower.
        assert!(below > 0);
    }
}
