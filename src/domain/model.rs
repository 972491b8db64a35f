//! The nouns of DOMAIN.md as plain types, and the vocabulary that parses them.
//!
//! Every enum parses case- and punctuation-insensitively and accepts the synonyms CRM
//! exports use ("Vice President", "Closed Won", "Site Visit"), so import, the command
//! flags and the store all share one spelling of each value.

use std::fmt;

/// Lower-cases and drops everything but letters and digits: "Site-Visit " -> "sitevisit".
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The name a country goes by in the rule book: CRMs and people write one country several
/// ways (Salesforce's picklist "United States", its ISO code "US", a typed "USA" or
/// "U.S.A."), and a reference in "USA" is in the same country as a deal in "United
/// States". The common spellings of the countries a CRM export names most are read as
/// one name; anything else is itself.
pub fn country_name(text: &str) -> &str {
    const NAMES: &[(&str, &[&str])] = &[
        (
            "United States",
            &[
                "us",
                "usa",
                "unitedstates",
                "unitedstatesofamerica",
                "america",
            ],
        ),
        (
            "United Kingdom",
            &[
                "uk",
                "gb",
                "gbr",
                "unitedkingdom",
                "greatbritain",
                "britain",
            ],
        ),
        ("Canada", &["ca", "can", "canada"]),
        ("Germany", &["de", "deu", "germany", "deutschland"]),
        ("France", &["fr", "fra", "france"]),
        (
            "Netherlands",
            &["nl", "nld", "netherlands", "thenetherlands", "holland"],
        ),
        ("Ireland", &["ie", "irl", "ireland"]),
        ("Australia", &["au", "aus", "australia"]),
        ("India", &["in", "ind", "india"]),
        ("Japan", &["jp", "jpn", "japan"]),
        ("Spain", &["es", "esp", "spain", "espana", "españa"]),
        ("Mexico", &["mx", "mex", "mexico", "méxico"]),
        ("Brazil", &["br", "bra", "brazil", "brasil"]),
        (
            "United Arab Emirates",
            &["ae", "are", "uae", "unitedarabemirates"],
        ),
    ];
    let find = |key: &str| {
        NAMES
            .iter()
            .find(|(_, spellings)| spellings.contains(&key))
            .map_or(text, |(name, _)| name)
    };
    // Squashed on the stack: score asks this of every deal in the pipeline. No spelling is
    // longer than the buffer; a text that squashes longer is none of them.
    if !text.is_ascii() {
        return find(&squash(text));
    }
    let mut key = [0u8; 24];
    let mut n = 0;
    for b in text.bytes().filter(u8::is_ascii_alphanumeric) {
        if n == key.len() {
            return text;
        }
        key[n] = b.to_ascii_lowercase();
        n += 1;
    }
    find(std::str::from_utf8(&key[..n]).unwrap_or_default())
}

/// Calls `f` with the texts squashed and joined by '|' (which [`squash`] never leaves in a
/// text), without allocating for short ASCII texts: the lookup key of a map keyed by
/// squashed values, made a hundred thousand times by `score`.
pub fn with_squashed<R>(parts: &[&str], f: impl FnOnce(&str) -> R) -> R {
    let mut buffer = [0u8; 96];
    let mut n = 0;
    let mut fits = true;
    for (i, part) in parts.iter().enumerate() {
        if !part.is_ascii() || n + part.len() + 1 > buffer.len() {
            fits = false;
            break;
        }
        if i > 0 {
            buffer[n] = b'|';
            n += 1;
        }
        for b in part.bytes().filter(u8::is_ascii_alphanumeric) {
            buffer[n] = b.to_ascii_lowercase();
            n += 1;
        }
    }
    match std::str::from_utf8(&buffer[..n]) {
        Ok(key) if fits => f(key),
        _ => f(&parts
            .iter()
            .map(|p| squash(p))
            .collect::<Vec<_>>()
            .join("|")),
    }
}

/// True when the two texts are equal after [`squash`], without allocating.
pub fn squash_eq(a: &str, b: &str) -> bool {
    let folded = |text: &str| {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    if a.is_ascii() && b.is_ascii() {
        let mut left = a
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase());
        let mut right = b
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase());
        loop {
            match (left.next(), right.next()) {
                (None, None) => return true,
                (l, r) if l != r => return false,
                _ => {}
            }
        }
    }
    folded(a) == folded(b)
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $canonical:literal [$($synonym:literal),*]),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in the database and written by export.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $canonical),+ }
            }

            /// Parses the canonical spelling or a known synonym, ignoring case and punctuation.
            pub fn parse(text: &str) -> Option<$name> {
                let trimmed = text.trim();
                $(
                    if trimmed.eq_ignore_ascii_case($canonical) {
                        return Some($name::$variant);
                    }
                )+
                $(
                    if squash_eq(text, $canonical) $(|| squash_eq(text, $synonym))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// The accepted canonical values, for error messages: "a, b or c".
            pub fn expected() -> String {
                let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                crate::domain::model::one_of(&names)
            }

            /// The other words [`Self::parse`] reads, with the value each means:
            /// "gold = strategic; silver = standard" (empty when there are none).
            pub fn synonyms() -> String {
                let mut said: Vec<String> = Vec::new();
                $(
                    let words: &[&str] = &[$($synonym),*];
                    if !words.is_empty() {
                        said.push(format!("{} = {}", words.join(", "), $canonical));
                    }
                )+
                said.join("; ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

/// "a, b or c"
pub fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

vocabulary! {
    /// Program tier: how much a reference is asked to carry.
    Tier {
        Strategic = "strategic" ["tier 1", "tier1", "champion", "gold"],
        Standard = "standard" ["tier 2", "tier2", "silver"],
        New = "new" ["tier 3", "tier3", "bronze", "newly enrolled"],
        Logo = "logo" ["logo only", "name only", "logo use"],
    }
}

vocabulary! {
    /// Seniority of a contact, highest first.
    RoleLevel {
        CLevel = "c-level" ["c level", "c-suite", "csuite", "executive", "exec", "chief", "cxo"],
        Vp = "vp" ["vice president", "svp", "evp", "avp"],
        Director = "director" ["head", "head of", "senior director"],
        Manager = "manager" ["mgr", "senior manager", "team lead"],
        Individual = "individual" ["individual contributor", "ic", "staff", "user", "analyst", "engineer"],
    }
}

impl RoleLevel {
    /// 4 for c-level down to 0 for an individual contributor.
    pub fn rank(self) -> i32 {
        match self {
            RoleLevel::CLevel => 4,
            RoleLevel::Vp => 3,
            RoleLevel::Director => 2,
            RoleLevel::Manager => 1,
            RoleLevel::Individual => 0,
        }
    }

    /// The level in words, for sentences: "a VP", "a c-level executive".
    pub fn words(self) -> &'static str {
        match self {
            RoleLevel::CLevel => "c-level executive",
            RoleLevel::Vp => "VP",
            RoleLevel::Director => "director",
            RoleLevel::Manager => "manager",
            RoleLevel::Individual => "individual contributor",
        }
    }

    /// The level a job title implies: CEO/CFO/CTO/Chief -> c-level; VP/Vice President -> vp;
    /// Director/Head of -> director; Manager -> manager; anything else -> individual.
    pub fn from_title(title: &str) -> RoleLevel {
        let lower = title.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let has = |w: &str| words.contains(&w);
        // CEO, CFO, CTO, COO, CIO, CMO, CRO, ...
        let c_suite = words
            .iter()
            .any(|w| w.len() == 3 && w.starts_with('c') && w.ends_with('o'));
        if has("chief") || c_suite || has("president") && !has("vice") {
            RoleLevel::CLevel
        } else if has("vp") || has("svp") || has("evp") || has("vice") {
            RoleLevel::Vp
        } else if has("director") || lower.contains("head of") || has("head") {
            RoleLevel::Director
        } else if has("manager") || has("lead") {
            RoleLevel::Manager
        } else {
            RoleLevel::Individual
        }
    }
}

vocabulary! {
    /// Everything a reference can do, and the relationship touches that are never limited.
    ActivityKind {
        Call = "call" ["reference call", "phone call", "phone", "video call"],
        Email = "email" ["e-mail", "reference email"],
        SiteVisit = "site-visit" ["visit", "onsite", "on-site visit"],
        ExecConnection = "exec-connection" ["executive connection", "exec call", "executive call"],
        CaseStudy = "case-study" ["case", "success story", "customer story"],
        Review = "review" ["peer review", "online review", "g2 review"],
        Webinar = "webinar" ["web seminar"],
        Speaking = "speaking" ["speaker", "speaking engagement", "event speaker", "conference"],
        Press = "press" ["press release", "media", "pr", "quote"],
        ThankYou = "thank-you" ["thanks", "thank you note"],
        CheckIn = "check-in" ["checkin", "quarterly check-in"],
        Feedback = "feedback" ["feedback request"],
        LoopClosed = "loop-closed" ["close the loop", "closed loop", "loop closure"],
        Gift = "gift" ["swag", "appreciation"],
        Recommit = "recommit" ["recommitment", "renewed commitment"],
    }
}

impl ActivityKind {
    /// True for what a reference does for a prospect (counted against the tier's limit);
    /// false for relationship touches (thank-you, check-in, ...).
    pub fn counts_against_limit(self) -> bool {
        !matches!(
            self,
            ActivityKind::ThankYou
                | ActivityKind::CheckIn
                | ActivityKind::Feedback
                | ActivityKind::LoopClosed
                | ActivityKind::Gift
                | ActivityKind::Recommit
        )
    }
}

vocabulary! {
    /// Is the company still a customer. A `prospect` (also a partner, competitor or other
    /// account of the CRM) is never scored, matched or counted as a reference; its
    /// firmographics describe the deals that point to it.
    AccountStatus {
        Active = "active" ["customer", "current customer", "live", "paying"],
        Churned = "churned" ["former customer", "inactive", "cancelled", "canceled", "lost"],
        Prospect = "prospect" ["not a customer"],
    }
}

vocabulary! {
    /// The last success milestone of an account.
    Milestone {
        Implementation = "implementation" ["implementation done", "go-live", "go live", "launched", "onboarding complete"],
        Qbr = "qbr" ["positive qbr", "quarterly business review", "business review"],
        Expansion = "expansion" ["upsell", "cross-sell", "expanded"],
        Renewal = "renewal" ["renewed"],
    }
}

vocabulary! {
    /// Where an opportunity stands.
    OpportunityStatus {
        Open = "open" ["pipeline", "in progress"],
        Won = "won" ["closed won", "closedwon", "closed - won", "win"],
        Lost = "lost" ["closed lost", "closedlost", "closed - lost", "loss"],
    }
}

vocabulary! {
    /// The positive advocacy signals an account has given.
    Signal {
        CaseStudy = "case-study" ["case", "success story"],
        Review = "review" ["reviews", "left a review", "g2"],
        Event = "event" ["events", "attended an event", "conference"],
        Referral = "referral" ["referrals", "referred a colleague", "referred"],
    }
}

vocabulary! {
    /// The lifecycle of a reference request.
    RequestStatus {
        Submitted = "submitted" ["new", "open"],
        Qualified = "qualified" ["approved"],
        Declined = "declined" ["rejected"],
        Matched = "matched" [],
        Asked = "asked" [],
        Accepted = "accepted" [],
        Passed = "passed" [],
        Scheduled = "scheduled" [],
        Completed = "completed" ["done", "fulfilled"],
        Cancelled = "cancelled" ["canceled"],
    }
}

vocabulary! {
    /// A reference's answer to an ask.
    Answer {
        Yes = "yes" ["y", "accepted"],
        Pass = "pass" ["no", "passed", "declined"],
    }
}

/// A new request is submitted (as the schema's default says).
impl Default for RequestStatus {
    fn default() -> Self {
        RequestStatus::Submitted
    }
}

impl RequestStatus {
    /// The lifecycle: which steps a request in this status may take.
    pub fn can_become(self, next: RequestStatus) -> bool {
        use RequestStatus::*;
        match self {
            Submitted => matches!(next, Qualified | Declined | Matched | Asked | Cancelled),
            Qualified => matches!(next, Matched | Asked | Declined | Cancelled),
            Matched | Passed => matches!(next, Matched | Asked | Cancelled),
            Asked => matches!(
                next,
                Asked | Accepted | Passed | Matched | Scheduled | Cancelled
            ),
            Accepted => matches!(next, Scheduled | Completed | Cancelled),
            Scheduled => matches!(next, Completed | Cancelled),
            Declined | Completed | Cancelled => false,
        }
    }

    /// Declined, completed and cancelled requests take no further step.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            RequestStatus::Declined | RequestStatus::Completed | RequestStatus::Cancelled
        )
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_country_written_several_ways_is_one_country() {
        for spelling in [
            "USA",
            "U.S.A.",
            "US",
            "united states",
            "United States of America",
        ] {
            assert_eq!(country_name(spelling), "United States", "{spelling}");
        }
        for spelling in ["UK", "Great Britain", "GB", "United Kingdom"] {
            assert_eq!(country_name(spelling), "United Kingdom", "{spelling}");
        }
        assert_eq!(country_name("Deutschland"), "Germany");
        // Anything else is itself, and a region is no country.
        assert_eq!(country_name("Ohio"), "Ohio");
        assert_eq!(country_name("England"), "England");
        assert_eq!(country_name("Narnia"), "Narnia");
        assert_eq!(country_name(""), "");
    }
    use super::*;

    #[test]
    fn request_lifecycle() {
        use RequestStatus::*;
        assert!(Submitted.can_become(Qualified));
        assert!(Qualified.can_become(Asked));
        assert!(Asked.can_become(Accepted));
        assert!(Accepted.can_become(Scheduled));
        assert!(Scheduled.can_become(Completed));
        assert!(!Declined.can_become(Asked));
        assert!(!Completed.can_become(Cancelled));
        assert!(!Submitted.can_become(Completed));
    }

    #[test]
    fn parses_synonyms_ignoring_case_and_punctuation() {
        assert_eq!(RoleLevel::parse("Vice President"), Some(RoleLevel::Vp));
        assert_eq!(RoleLevel::parse("C-Level"), Some(RoleLevel::CLevel));
        assert_eq!(RoleLevel::parse("clevel"), Some(RoleLevel::CLevel));
        assert_eq!(
            OpportunityStatus::parse("Closed Won"),
            Some(OpportunityStatus::Won)
        );
        assert_eq!(
            ActivityKind::parse("Site Visit"),
            Some(ActivityKind::SiteVisit)
        );
        assert_eq!(Tier::parse(" STRATEGIC "), Some(Tier::Strategic));
        assert_eq!(Tier::parse("platinum"), None);
    }

    #[test]
    fn with_squashed_is_squash_joined() {
        let long = "x".repeat(200);
        for parts in [
            vec!["Financial Services"],
            vec!["United States", "North America"],
            vec!["Zürich Versicherung", "EMEA"],
            vec![long.as_str(), "a"],
            vec!["", ""],
            vec![],
        ] {
            let expected = parts
                .iter()
                .map(|p| squash(p))
                .collect::<Vec<_>>()
                .join("|");
            assert_eq!(with_squashed(&parts, str::to_string), expected, "{parts:?}");
        }
    }

    #[test]
    fn squash_eq_matches_squash() {
        for (a, b) in [
            ("Site-Visit", "site visit"),
            ("Ünter", "ünter"),
            ("C-Level", "clevel"),
            ("ab", "abc"),
            ("", "-"),
        ] {
            assert_eq!(squash_eq(a, b), squash(a) == squash(b), "{a} {b}");
        }
    }

    #[test]
    fn expected_lists_canonical_values() {
        assert_eq!(Tier::expected(), "strategic, standard, new or logo");
        // The other words each value is read from, as docs/import.md lists them.
        let synonyms = Tier::synonyms();
        assert!(
            synonyms.contains("champion, gold = strategic"),
            "{synonyms}"
        );
        assert!(synonyms.contains("silver = standard"), "{synonyms}");
        assert_eq!(Tier::parse("Gold"), Some(Tier::Strategic));
    }

    #[test]
    fn role_level_from_title() {
        for (title, level) in [
            ("CEO", RoleLevel::CLevel),
            ("Chief Financial Officer", RoleLevel::CLevel),
            ("CTO & Co-founder", RoleLevel::CLevel),
            ("President", RoleLevel::CLevel),
            ("VP Sales", RoleLevel::Vp),
            ("Senior Vice President, Operations", RoleLevel::Vp),
            ("Director of IT", RoleLevel::Director),
            ("Head of Data", RoleLevel::Director),
            ("IT Manager", RoleLevel::Manager),
            ("Data Analyst", RoleLevel::Individual),
            ("", RoleLevel::Individual),
        ] {
            assert_eq!(RoleLevel::from_title(title), level, "{title}");
        }
    }

    #[test]
    fn limited_kinds() {
        assert!(ActivityKind::Call.counts_against_limit());
        assert!(ActivityKind::Press.counts_against_limit());
        assert!(!ActivityKind::ThankYou.counts_against_limit());
        assert!(!ActivityKind::Recommit.counts_against_limit());
    }
}
