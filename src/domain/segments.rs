//! The segments every rule shares: size bands by employee count and sector groups of
//! industries. Scoring, matching and the reports all cut the market with these, so an
//! account is "mid-market healthcare" in the same way everywhere.
//!
//! The sector groups cover Salesforce's standard Industry picklist and HubSpot's industry
//! labels (LinkedIn's list), compared without case or punctuation, so "Hospital & Health
//! Care", "HOSPITAL_HEALTH_CARE" and "Healthcare" fall in the same group.

use crate::domain::model::{squash, squash_eq, with_squashed};

/// Company size by employees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum SizeBand {
    Small,
    MidMarket,
    Large,
    Enterprise,
}

impl SizeBand {
    pub const ALL: [SizeBand; 4] = [
        SizeBand::Small,
        SizeBand::MidMarket,
        SizeBand::Large,
        SizeBand::Enterprise,
    ];

    /// 1-199 small, 200-999 mid-market, 1,000-4,999 large, 5,000+ enterprise.
    pub fn of(employees: i64) -> SizeBand {
        match employees {
            ..200 => SizeBand::Small,
            200..1_000 => SizeBand::MidMarket,
            1_000..5_000 => SizeBand::Large,
            _ => SizeBand::Enterprise,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SizeBand::Small => "small (1-199)",
            SizeBand::MidMarket => "mid-market (200-999)",
            SizeBand::Large => "large (1,000-4,999)",
            SizeBand::Enterprise => "enterprise (5,000+)",
        }
    }
}

/// The built-in sector groups: a group name and the industries in it.
pub const SECTOR_GROUPS: &[(&str, &[&str])] = &[
    (
        "healthcare",
        &[
            "Healthcare",
            "Hospital & Health Care",
            "Hospitals",
            "Medical Practice",
            "Medical Devices",
            "Mental Health Care",
            "Health, Wellness and Fitness",
            "Pharmaceuticals",
            "Biotechnology",
            "Veterinary",
            "Alternative Medicine",
            "Life Sciences",
        ],
    ),
    (
        "financial services",
        &[
            "Banking",
            "Finance",
            "Financial Services",
            "Insurance",
            "Capital Markets",
            "Investment Banking",
            "Investment Management",
            "Venture Capital & Private Equity",
            "Accounting",
            "Fintech",
        ],
    ),
    (
        "technology",
        &[
            "Technology",
            "Computer Software",
            "Software",
            "Information Technology and Services",
            "Internet",
            "Computer Hardware",
            "Computer Networking",
            "Computer & Network Security",
            "Semiconductors",
            "Information Services",
            "Electronics",
            "Consumer Electronics",
            "Computer Games",
            "Nanotechnology",
            "SaaS",
        ],
    ),
    (
        "telecom and media",
        &[
            "Telecommunications",
            "Communications",
            "Wireless",
            "Media",
            "Broadcast Media",
            "Online Media",
            "Media Production",
            "Entertainment",
            "Motion Pictures and Film",
            "Music",
            "Publishing",
            "Newspapers",
            "Printing",
            "Marketing and Advertising",
            "Public Relations and Communications",
            "Animation",
        ],
    ),
    (
        "manufacturing and industrials",
        &[
            "Manufacturing",
            "Machinery",
            "Industrial Automation",
            "Electrical/Electronic Manufacturing",
            "Mechanical or Industrial Engineering",
            "Chemicals",
            "Plastics",
            "Automotive",
            "Aviation & Aerospace",
            "Defense & Space",
            "Mining & Metals",
            "Building Materials",
            "Glass, Ceramics & Concrete",
            "Packaging and Containers",
            "Paper & Forest Products",
            "Textiles",
            "Shipbuilding",
            "Railroad Manufacture",
            "Engineering",
            "Apparel",
        ],
    ),
    (
        "retail and consumer",
        &[
            "Retail",
            "Consumer Goods",
            "Consumer Services",
            "Apparel & Fashion",
            "Cosmetics",
            "Luxury Goods & Jewelry",
            "Sporting Goods",
            "Supermarkets",
            "Wholesale",
            "Furniture",
            "Food & Beverages",
            "Food & Beverage",
            "Food Production",
            "Wine and Spirits",
            "Tobacco",
            "Dairy",
            "E-commerce",
            "Import and Export",
        ],
    ),
    (
        "transportation and logistics",
        &[
            "Transportation",
            "Shipping",
            "Logistics and Supply Chain",
            "Transportation/Trucking/Railroad",
            "Package/Freight Delivery",
            "Warehousing",
            "Airlines/Aviation",
            "Maritime",
            "Logistics",
        ],
    ),
    (
        "energy and utilities",
        &[
            "Energy",
            "Utilities",
            "Oil & Energy",
            "Renewables & Environment",
            "Environmental",
            "Environmental Services",
        ],
    ),
    (
        "public sector and education",
        &[
            "Government",
            "Government Administration",
            "Government Relations",
            "Military",
            "Law Enforcement",
            "Public Safety",
            "Judiciary",
            "Legislative Office",
            "Public Policy",
            "International Affairs",
            "Education",
            "Education Management",
            "Higher Education",
            "Primary/Secondary Education",
            "E-Learning",
            "Libraries",
            "Not For Profit",
            "Non-Profit Organization Management",
            "Nonprofit",
            "Philanthropy",
            "Civic & Social Organization",
            "Religious Institutions",
            "Museums and Institutions",
            "Think Tanks",
            "Research",
            "Fund-Raising",
        ],
    ),
    (
        "professional services",
        &[
            "Consulting",
            "Management Consulting",
            "Legal Services",
            "Law Practice",
            "Human Resources",
            "Staffing and Recruiting",
            "Outsourcing/Offshoring",
            "Market Research",
            "Professional Training & Coaching",
            "Design",
            "Graphic Design",
            "Architecture & Planning",
            "Translation and Localization",
            "Facilities Services",
            "Security and Investigations",
            "Business Supplies and Equipment",
            "Executive Office",
            "Program Development",
            "Writing and Editing",
        ],
    ),
    (
        "real estate and construction",
        &[
            "Real Estate",
            "Commercial Real Estate",
            "Construction",
            "Civil Engineering",
        ],
    ),
    (
        "hospitality and leisure",
        &[
            "Hospitality",
            "Leisure, Travel & Tourism",
            "Restaurants",
            "Recreation",
            "Recreational Facilities and Services",
            "Gambling & Casinos",
            "Events Services",
            "Sports",
            "Performing Arts",
            "Fine Art",
            "Arts and Crafts",
            "Photography",
        ],
    ),
    (
        "agriculture",
        &["Agriculture", "Farming", "Ranching", "Fishery"],
    ),
];

/// The built-in sector group with this name (any case), as the table spells it.
pub fn sector_group(name: &str) -> Option<&'static str> {
    SECTOR_GROUPS
        .iter()
        .map(|(group, _)| *group)
        .find(|group| group.eq_ignore_ascii_case(name.trim()))
}

/// Industry -> sector group, from the built-in table plus the program manager's own
/// mappings (which win). Built once, then looked up per account.
#[derive(Debug, Clone)]
pub struct SectorMap {
    groups: rustc_hash::FxHashMap<String, String>,
}

impl SectorMap {
    pub fn new(extra: &[(String, String)]) -> SectorMap {
        let mut groups = rustc_hash::FxHashMap::default();
        for (group, members) in SECTOR_GROUPS {
            groups.insert(squash(group), group.to_string());
            for member in *members {
                groups.insert(squash(member), group.to_string());
            }
        }
        for (industry, group) in extra {
            groups.insert(squash(industry), group.clone());
        }
        SectorMap { groups }
    }

    /// The sector group of an industry; None when unknown.
    pub fn group(&self, industry: &str) -> Option<&str> {
        with_squashed(&[industry], |key| self.groups.get(key)).map(String::as_str)
    }

    /// How close two industries are.
    pub fn industry_match(&self, a: &str, b: &str) -> IndustryMatch {
        if !a.trim().is_empty() && squash_eq(a, b) {
            return IndustryMatch::Same;
        }
        match (self.group(a), self.group(b)) {
            (Some(x), Some(y)) if x == y => IndustryMatch::SameSector,
            _ => IndustryMatch::Different,
        }
    }
}

/// How close two industries are: the same, the same sector group, or different.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndustryMatch {
    Same,
    SameSector,
    Different,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_and_hubspot_labels_share_sectors() {
        let map = SectorMap::new(&[]);
        assert_eq!(
            map.industry_match("Hospital & Health Care", "Healthcare"),
            IndustryMatch::SameSector
        );
        assert_eq!(
            map.industry_match("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"),
            IndustryMatch::Same
        );
        assert_eq!(
            map.industry_match("Banking", "Insurance"),
            IndustryMatch::SameSector
        );
        assert_eq!(
            map.industry_match("Banking", "Retail"),
            IndustryMatch::Different
        );
        assert_eq!(map.industry_match("", ""), IndustryMatch::Different);
        assert_eq!(map.group("Computer Software"), Some("technology"));
        assert_eq!(map.group("Quantum Widgets"), None);
    }

    #[test]
    fn extra_mappings_come_first() {
        let map = SectorMap::new(&[("Quantum Widgets".to_string(), "technology".to_string())]);
        assert_eq!(
            map.industry_match("Quantum Widgets", "Software"),
            IndustryMatch::SameSector
        );
    }

    #[test]
    fn no_industry_is_in_two_groups() {
        let mut seen = std::collections::HashMap::new();
        for (group, members) in SECTOR_GROUPS {
            for member in *members {
                if let Some(other) = seen.insert(squash(member), *group) {
                    assert_eq!(other, *group, "{member} is in {other} and {group}");
                }
            }
        }
    }

    #[test]
    fn size_band_boundaries() {
        assert_eq!(SizeBand::of(199), SizeBand::Small);
        assert_eq!(SizeBand::of(200), SizeBand::MidMarket);
        assert_eq!(SizeBand::of(999), SizeBand::MidMarket);
        assert_eq!(SizeBand::of(1_000), SizeBand::Large);
        assert_eq!(SizeBand::of(5_000), SizeBand::Enterprise);
    }
}
