//! Plain types and pure rules: no I/O, no SQL, no clock ("today" is an argument).

pub mod brief;
pub mod dates;
pub mod eligibility;
pub mod followups;
pub mod matching;
pub mod metrics;
pub mod model;
pub mod policy;
pub mod score;
pub mod segments;
