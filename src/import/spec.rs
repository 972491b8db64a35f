//! The canonical columns of each kind, their types, and the CRM headers accepted for
//! them (Salesforce report labels, Salesforce API names as Data Loader writes them,
//! HubSpot labels). Import reads through this table and export writes through it, so the
//! two cannot drift apart; the store takes table and column names only from here.

use crate::domain::model::{
    AccountStatus, ActivityKind, Milestone, OpportunityStatus, RequestStatus, RoleLevel, Signal,
    Tier,
};

/// The kinds of record refprog imports and exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Accounts,
    Contacts,
    Opportunities,
    Requests,
    Activities,
}

impl Kind {
    pub fn spec(self) -> &'static KindSpec {
        match self {
            Kind::Accounts => &ACCOUNTS,
            Kind::Contacts => &CONTACTS,
            Kind::Opportunities => &OPPORTUNITIES,
            Kind::Requests => &REQUESTS,
            Kind::Activities => &ACTIVITIES,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.spec().table
    }

    /// The kind whose table is named `table`.
    pub fn from_table(table: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == table)
    }

    pub const ALL: [Kind; 5] = [
        Kind::Accounts,
        Kind::Contacts,
        Kind::Opportunities,
        Kind::Requests,
        Kind::Activities,
    ];

    /// "account", "contact", ... for messages.
    pub fn singular(self) -> &'static str {
        self.as_str().strip_suffix("ies").map_or_else(
            || self.as_str().trim_end_matches('s'),
            |_| match self {
                Kind::Opportunities => "opportunity",
                _ => "activity",
            },
        )
    }
}

/// A closed vocabulary a column must come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocab {
    Tier,
    RoleLevel,
    ActivityKind,
    AccountStatus,
    Milestone,
    OpportunityStatus,
    RequestStatus,
    Signal,
}

impl Vocab {
    pub fn parse(self, text: &str) -> Option<&'static str> {
        match self {
            Vocab::Tier => Tier::parse(text).map(Tier::as_str),
            Vocab::RoleLevel => RoleLevel::parse(text).map(RoleLevel::as_str),
            Vocab::ActivityKind => ActivityKind::parse(text).map(ActivityKind::as_str),
            Vocab::AccountStatus => AccountStatus::parse(text).map(AccountStatus::as_str),
            Vocab::Milestone => Milestone::parse(text).map(Milestone::as_str),
            Vocab::OpportunityStatus => {
                OpportunityStatus::parse(text).map(OpportunityStatus::as_str)
            }
            Vocab::RequestStatus => RequestStatus::parse(text).map(RequestStatus::as_str),
            Vocab::Signal => Signal::parse(text).map(Signal::as_str),
        }
    }

    /// The other words read as its values (see the vocabulary's `synonyms`).
    pub fn synonyms(self) -> String {
        match self {
            Vocab::Tier => Tier::synonyms(),
            Vocab::RoleLevel => RoleLevel::synonyms(),
            Vocab::ActivityKind => ActivityKind::synonyms(),
            Vocab::AccountStatus => AccountStatus::synonyms(),
            Vocab::Milestone => Milestone::synonyms(),
            Vocab::OpportunityStatus => OpportunityStatus::synonyms(),
            Vocab::RequestStatus => RequestStatus::synonyms(),
            Vocab::Signal => Signal::synonyms(),
        }
    }

    pub fn expected(self) -> String {
        match self {
            Vocab::Tier => Tier::expected(),
            Vocab::RoleLevel => RoleLevel::expected(),
            Vocab::ActivityKind => ActivityKind::expected(),
            Vocab::AccountStatus => AccountStatus::expected(),
            Vocab::Milestone => Milestone::expected(),
            Vocab::OpportunityStatus => OpportunityStatus::expected(),
            Vocab::RequestStatus => RequestStatus::expected(),
            Vocab::Signal => Signal::expected(),
        }
    }
}

/// How a column's text is read and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A CRM id: non-empty text of at most 255 characters.
    Id,
    /// The id of a record of another kind, which must already be in the database.
    Ref(Kind),
    /// The id of a record of another kind that need not be imported (a deal's CRM account,
    /// which is usually a prospect; a request's deal, which may come later).
    Link(Kind),
    Text,
    /// A whole number in the range.
    Int(i64, i64),
    /// Stored as integer cents in a column named `<name>_cents`.
    Money,
    /// 0-100, stored as REAL.
    Percent,
    Date,
    Bool,
    /// Free items, stored `;`-joined.
    List,
    /// Items from a vocabulary, stored `;`-joined.
    ListOf(Vocab),
    Choice(Vocab),
}

/// One canonical column.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    /// The database column; `None` for helper columns that only feed a derived value.
    pub column: Option<&'static str>,
    pub ty: Type,
    pub required: bool,
    /// The value stored when the cell is empty or the column absent.
    pub default: Option<&'static str>,
    /// Other headers accepted for it (compared without case or punctuation).
    pub aliases: &'static [&'static str],
}

pub struct KindSpec {
    pub kind: Kind,
    pub table: &'static str,
    pub fields: &'static [Field],
}

impl KindSpec {
    /// The field holding the CRM id (always the first).
    pub fn key(&self) -> &'static Field {
        &self.fields[0]
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// The fields stored in the table, in canonical order.
    pub fn stored(&self) -> impl Iterator<Item = (usize, &'static Field)> + '_ {
        self.fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.column.is_some())
    }
}

const fn field(name: &'static str, ty: Type, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        column: Some(name),
        ty,
        required: false,
        default: None,
        aliases,
    }
}

const fn required(name: &'static str, ty: Type, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        column: Some(name),
        ty,
        required: true,
        default: None,
        aliases,
    }
}

const fn money(
    name: &'static str,
    column: &'static str,
    aliases: &'static [&'static str],
) -> Field {
    Field {
        name,
        column: Some(column),
        ty: Type::Money,
        required: false,
        default: None,
        aliases,
    }
}

const fn helper(name: &'static str, ty: Type, aliases: &'static [&'static str]) -> Field {
    Field {
        name,
        column: None,
        ty,
        required: false,
        default: None,
        aliases,
    }
}

const fn with_default(
    name: &'static str,
    ty: Type,
    default: &'static str,
    aliases: &'static [&'static str],
) -> Field {
    Field {
        name,
        column: Some(name),
        ty,
        required: false,
        default: Some(default),
        aliases,
    }
}

const COUNTRY: &[&str] = &[
    "Billing Country",
    "BillingCountry",
    "Country/Region",
    "Country Name",
];
const REGION: &[&str] = &[
    "Billing State/Province",
    "BillingState",
    "Billing State",
    "State/Region",
    "State",
    "State/Province",
    "Province",
];
const INDUSTRY: &[&str] = &["Account Industry", "Company Industry"];
const EMPLOYEES: &[&str] = &[
    "NumberOfEmployees",
    "Number of Employees",
    "Employee Count",
    "Account Employees",
    "Company Size",
];
const USE_CASE: &[&str] = &["Primary Use Case", "Use_Case__c"];

pub static ACCOUNTS: KindSpec = KindSpec {
    kind: Kind::Accounts,
    table: "accounts",
    fields: &[
        required(
            "account_id",
            Type::Id,
            &[
                "Account ID",
                "Id",
                "Record ID",
                "Record ID - Company",
                "Company ID",
                "Account ID (18)",
            ],
        ),
        required(
            "name",
            Type::Text,
            &["Account Name", "Name", "Company name", "Company"],
        ),
        field("industry", Type::Text, INDUSTRY),
        field(
            "sub_vertical",
            Type::Text,
            &[
                "Sub-Vertical",
                "Sub Industry",
                "Vertical",
                "Sub_Vertical__c",
            ],
        ),
        field("employees", Type::Int(0, i64::MAX), EMPLOYEES),
        money(
            "annual_revenue",
            "annual_revenue_cents",
            &["Annual Revenue", "AnnualRevenue", "Revenue"],
        ),
        field("country", Type::Text, COUNTRY),
        field("region", Type::Text, REGION),
        field(
            "customer_since",
            Type::Date,
            &[
                "Customer Since Date",
                "Became a Customer Date",
                "Customer_Since__c",
            ],
        ),
        with_default(
            "status",
            Type::Choice(Vocab::AccountStatus),
            "active",
            &["Account Status", "Customer Status"],
        ),
        field(
            "csm_owner",
            Type::Text,
            &[
                "CSM",
                "Customer Success Manager",
                "Account Owner",
                "Company owner",
                "Owner",
            ],
        ),
        field(
            "health",
            Type::Int(0, 100),
            &["Health Score", "Customer Health Score", "Health_Score__c"],
        ),
        field(
            "nps",
            Type::Int(0, 10),
            &[
                "NPS Score",
                "NPS Response",
                "Likelihood to Recommend",
                "NPS__c",
            ],
        ),
        field(
            "adoption",
            Type::Percent,
            &[
                "Active User Adoption",
                "Active Users %",
                "Adoption %",
                "Adoption Rate",
            ],
        ),
        field(
            "advanced_adoption",
            Type::Percent,
            &["Advanced Feature Adoption", "Advanced Adoption %"],
        ),
        field("use_case", Type::Text, USE_CASE),
        field(
            "secondary_use_cases",
            Type::List,
            &["Secondary Use Case", "Other Use Cases"],
        ),
        field("products", Type::List, &["Products Owned", "Product"]),
        field("integrations", Type::List, &["Integration"]),
        field(
            "renewal_date",
            Type::Date,
            &["Contract End Date", "Next Renewal Date", "Renewal"],
        ),
        field(
            "milestone",
            Type::Choice(Vocab::Milestone),
            &[
                "Last Milestone",
                "Success Milestone",
                "Last Success Milestone",
            ],
        ),
        field(
            "milestone_date",
            Type::Date,
            &["Last Milestone Date", "Success Milestone Date"],
        ),
        field(
            "escalation",
            Type::Bool,
            &[
                "Open Escalation",
                "Has Escalation",
                "Escalated",
                "Onboarding Trouble",
            ],
        ),
        field(
            "signals",
            Type::ListOf(Vocab::Signal),
            &["Advocacy Signals", "Advocacy"],
        ),
        // Salesforce's Account Type and HubSpot's company Type and Lifecycle Stage: a
        // prospect, partner, competitor or other is not a customer (status `prospect`).
        helper(
            "account_type",
            Type::Text,
            &["Type", "Account Type", "Company Type"],
        ),
        helper(
            "lifecycle_stage",
            Type::Text,
            &["Lifecycle Stage", "LifecycleStage"],
        ),
    ],
};

pub static CONTACTS: KindSpec = KindSpec {
    kind: Kind::Contacts,
    table: "contacts",
    fields: &[
        required(
            "contact_id",
            Type::Id,
            &[
                "Contact ID",
                "Id",
                "Record ID",
                "Record ID - Contact",
                "ContactId",
            ],
        ),
        required(
            "account_id",
            Type::Ref(Kind::Accounts),
            &[
                "Account ID",
                "AccountId",
                "Associated Company ID",
                "Associated Company IDs",
                "Record ID - Company",
                "Company ID",
            ],
        ),
        required("name", Type::Text, &["Full Name", "Contact Name", "Name"]),
        helper("first_name", Type::Text, &["First Name", "FirstName"]),
        helper("last_name", Type::Text, &["Last Name", "LastName"]),
        field("title", Type::Text, &["Job Title"]),
        field(
            "role_level",
            Type::Choice(Vocab::RoleLevel),
            &["Level", "Seniority", "Job Level"],
        ),
        field("persona", Type::Text, &["Buyer Persona"]),
        field("email", Type::Text, &["Email Address", "E-mail"]),
        field(
            "tier",
            Type::Choice(Vocab::Tier),
            &["Reference Tier", "Program Tier"],
        ),
        field(
            "willing",
            Type::ListOf(Vocab::ActivityKind),
            &["Willing To", "Activities", "Reference Activities"],
        ),
        field(
            "topics",
            Type::List,
            &["Comfortable Topics", "Talking Points"],
        ),
        field("avoid_topics", Type::List, &["Topics to Avoid", "Avoid"]),
        field(
            "enrolled_on",
            Type::Date,
            &["Enrolled", "Enrollment Date", "Joined Program"],
        ),
        field(
            "recommitted_on",
            Type::Date,
            &["Last Recommitted", "Recommitment Date"],
        ),
        field("break_until", Type::Date, &["On Break Until"]),
        field("opted_out_on", Type::Date, &["Opt Out Date", "Opted Out"]),
    ],
};

pub static OPPORTUNITIES: KindSpec = KindSpec {
    kind: Kind::Opportunities,
    table: "opportunities",
    fields: &[
        required(
            "opportunity_id",
            Type::Id,
            &[
                "Opportunity ID",
                "Id",
                "Record ID",
                "Record ID - Deal",
                "Deal ID",
                "OpportunityId",
            ],
        ),
        field(
            "name",
            Type::Text,
            &["Opportunity Name", "Deal Name", "Name"],
        ),
        field(
            "prospect",
            Type::Text,
            &[
                "Account Name",
                "Company",
                "Company name",
                "Associated Company",
            ],
        ),
        field(
            "account_id",
            Type::Link(Kind::Accounts),
            &[
                "Account ID",
                "AccountId",
                "Associated Company ID",
                "Associated Company IDs",
                "Record ID - Company",
            ],
        ),
        field("industry", Type::Text, INDUSTRY),
        field("employees", Type::Int(0, i64::MAX), EMPLOYEES),
        field("country", Type::Text, COUNTRY),
        field("region", Type::Text, REGION),
        field("use_case", Type::Text, USE_CASE),
        money(
            "amount",
            "amount_cents",
            &["Deal Amount", "Amount (converted)", "ARR"],
        ),
        field(
            "stage",
            Type::Text,
            &["StageName", "Deal Stage", "Opportunity Stage"],
        ),
        field(
            "created_on",
            Type::Date,
            &["Created Date", "CreatedDate", "Create Date"],
        ),
        field("close_date", Type::Date, &["CloseDate", "Close Date"]),
        with_default(
            "status",
            Type::Choice(Vocab::OpportunityStatus),
            "open",
            &["Outcome", "Won/Lost"],
        ),
        field(
            "rep",
            Type::Text,
            &[
                "Opportunity Owner",
                "Deal owner",
                "Owner",
                "Sales Rep",
                "Owner Name",
            ],
        ),
        helper("is_closed", Type::Bool, &["IsClosed", "Closed"]),
        helper("is_won", Type::Bool, &["IsWon", "Won"]),
    ],
};

pub static REQUESTS: KindSpec = KindSpec {
    kind: Kind::Requests,
    table: "requests",
    fields: &[
        required("request_id", Type::Id, &["Request ID", "Id", "Record ID"]),
        field(
            "opportunity_id",
            Type::Link(Kind::Opportunities),
            &[
                "Opportunity ID",
                "OpportunityId",
                "Deal ID",
                "Record ID - Deal",
            ],
        ),
        required(
            "prospect",
            Type::Text,
            &["Prospect Company", "Account Name", "Company"],
        ),
        field("industry", Type::Text, INDUSTRY),
        field("employees", Type::Int(0, i64::MAX), EMPLOYEES),
        field("country", Type::Text, COUNTRY),
        field("region", Type::Text, REGION),
        money(
            "deal_size",
            "deal_size_cents",
            &["Deal Size ARR", "Amount", "ARR"],
        ),
        field("stage", Type::Text, &["StageName", "Deal Stage"]),
        field(
            "close_date",
            Type::Date,
            &["CloseDate", "Expected Close Date"],
        ),
        field("rep", Type::Text, &["Sales Rep", "Requested By", "Owner"]),
        field(
            "role_level",
            Type::Choice(Vocab::RoleLevel),
            &["Wanted Role Level", "Seniority"],
        ),
        field("use_case", Type::Text, USE_CASE),
        with_default(
            "kind",
            Type::Choice(Vocab::ActivityKind),
            "call",
            &["Activity", "Activity Kind", "Type"],
        ),
        field("questions", Type::Text, &["Key Questions"]),
        field("needed_by", Type::Date, &["Due Date", "Needed By Date"]),
        field("justification", Type::Text, &["Why Now"]),
        field(
            "submitted_on",
            Type::Date,
            &["Submitted", "Created Date", "CreatedDate"],
        ),
        with_default(
            "status",
            Type::Choice(Vocab::RequestStatus),
            "submitted",
            &["Request Status"],
        ),
    ],
};

pub static ACTIVITIES: KindSpec = KindSpec {
    kind: Kind::Activities,
    table: "activities",
    fields: &[
        // Not required: without it the id is made from contact, date, kind and request.
        field(
            "activity_id",
            Type::Id,
            &["Activity ID", "Id", "Record ID", "Task ID", "Event ID"],
        ),
        required(
            "contact_id",
            Type::Ref(Kind::Contacts),
            &[
                "Contact ID",
                "ContactId",
                "WhoId",
                "Associated Contact ID",
                "Associated Contact IDs",
                "Record ID - Contact",
            ],
        ),
        field("request_id", Type::Ref(Kind::Requests), &["Request ID"]),
        required(
            "kind",
            Type::Choice(Vocab::ActivityKind),
            &["Activity Type", "Type", "Activity"],
        ),
        required(
            "date",
            Type::Date,
            &["Activity Date", "ActivityDate", "Completed Date"],
        ),
        field(
            "minutes",
            Type::Int(0, 100_000),
            &["Duration", "Duration (minutes)", "DurationInMinutes"],
        ),
        field("reference_rating", Type::Int(0, 10), &["Reference Score"]),
        field("prospect_rating", Type::Int(0, 10), &["Prospect Score"]),
        field("notes", Type::Text, &["Description", "Comments", "Comment"]),
        // A Salesforce task's call length, in seconds: read into minutes.
        helper(
            "duration_seconds",
            Type::Int(0, 6_000_000),
            &["CallDurationInSeconds", "Call Duration (seconds)"],
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::squash;
    use std::collections::HashMap;

    #[test]
    fn no_header_maps_to_two_fields_of_one_kind() {
        for kind in [
            Kind::Accounts,
            Kind::Contacts,
            Kind::Opportunities,
            Kind::Requests,
            Kind::Activities,
        ] {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for field in kind.spec().fields {
                for name in std::iter::once(&field.name).chain(field.aliases) {
                    if let Some(other) = seen.insert(squash(name), field.name) {
                        assert_eq!(
                            other, field.name,
                            "{kind:?}: '{name}' maps to {other} and {}",
                            field.name
                        );
                    }
                }
            }
        }
    }

    /// The column reference of docs/import.md, made from this table.
    fn columns_markdown() -> String {
        let mut text = String::new();
        for kind in [
            Kind::Accounts,
            Kind::Contacts,
            Kind::Opportunities,
            Kind::Requests,
            Kind::Activities,
        ] {
            text.push_str(&format!(
                "#### {}\n\n| column | type | CRM headers also accepted |\n|---|---|---|\n",
                kind.as_str()
            ));
            for field in kind.spec().fields {
                let ty = match field.ty {
                    Type::Id => "id".to_string(),
                    Type::Ref(kind) => format!("{} id", kind.singular()),
                    Type::Link(kind) => format!("{} id (need not be imported)", kind.singular()),
                    Type::Text => "text".to_string(),
                    Type::Int(0, i64::MAX) => "whole number ≥ 0".to_string(),
                    Type::Int(min, max) => format!("whole number {min}-{max}"),
                    Type::Money => "money".to_string(),
                    Type::Percent => "percent 0-100".to_string(),
                    Type::Date => "date".to_string(),
                    Type::Bool => "yes/no".to_string(),
                    Type::List => "list".to_string(),
                    Type::ListOf(vocab) => format!("list of: {}", vocab.expected()),
                    Type::Choice(vocab) => match vocab.synonyms() {
                        words if words.is_empty() => format!("one of: {}", vocab.expected()),
                        words => format!("one of: {} (also read: {words})", vocab.expected()),
                    },
                };
                let mut name = format!("`{}`", field.name);
                if field.required {
                    name.push_str(" *");
                }
                if field.column.is_none() {
                    name.push_str(" (helper)");
                }
                if let Some(default) = field.default {
                    name.push_str(&format!(" (default `{default}`)"));
                }
                text.push_str(&format!(
                    "| {name} | {ty} | {} |\n",
                    field.aliases.join(", ")
                ));
            }
            text.push('\n');
        }
        text
    }

    #[test]
    fn docs_list_every_column_and_header() {
        let readme = include_str!("../../docs/import.md");
        let expected = columns_markdown();
        if std::env::var_os("REFPROG_BLESS").is_some() {
            std::fs::write(
                concat!(env!("CARGO_MANIFEST_DIR"), "/target/columns.md"),
                &expected,
            )
            .expect("write");
        }
        assert!(
            readme.contains(&expected),
            "docs/import.md is out of date with spec.rs; see target/columns.md with REFPROG_BLESS=1"
        );
    }

    #[test]
    fn the_key_comes_first_and_names_the_kind() {
        assert_eq!(ACCOUNTS.key().name, "account_id");
        assert_eq!(Kind::Opportunities.singular(), "opportunity");
        assert_eq!(Kind::Activities.singular(), "activity");
        assert_eq!(Kind::Contacts.singular(), "contact");
    }
}
