//! What the follow-up rules read (`domain::followups::Inputs`), loaded for the whole
//! program or for one reference, from the same day (`followups::reach_start`) and with the
//! snoozes: so `followups`, `status`, `roster show` and `log-call` list the same follow-ups.

use anyhow::Result;
use chrono::NaiveDate;

use super::Store;
use super::roster::{self, MemberRow};
use crate::domain::followups::{Inputs, reach_start};
use crate::domain::policy::Policy;

/// Every member's follow-up inputs as of `today`.
pub fn everyone(store: &Store, policy: &Policy, today: NaiveDate) -> Result<Inputs> {
    let members = roster::members(store)?
        .iter()
        .map(MemberRow::as_member)
        .collect();
    let done = roster::done(store.db(), None, reach_start(policy, today), today)?;
    Ok(Inputs {
        members,
        done,
        outcomes: roster::outcomes(store.db(), today)?,
        snoozes: roster::snoozes(store.db())?,
    })
}

/// One reference's follow-up inputs, with the activities up to `until` (log-call reads
/// up to the day of the call it logs).
pub fn one(
    store: &Store,
    member: &MemberRow,
    policy: &Policy,
    today: NaiveDate,
    until: NaiveDate,
) -> Result<Inputs> {
    let done = roster::done(
        store.db(),
        Some(&member.contact_id),
        reach_start(policy, today),
        until,
    )?;
    let outcomes = roster::outcomes_for(store.db(), &done, today)?;
    Ok(Inputs {
        members: vec![member.as_member()],
        done,
        outcomes,
        snoozes: roster::snoozes(store.db())?,
    })
}
