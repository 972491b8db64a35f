//! What the follow-up rules read (`domain::followups::Inputs`), loaded for the whole
//! program or for one reference, from the same day (`followups::reach_start`) and with the
//! snoozes: so `followups`, `status`, `roster show` and `log-call` list the same follow-ups.

use anyhow::Result;
use chrono::NaiveDate;

use super::roster::{self, MemberRow};
use super::{IdSet, Store};
use crate::domain::followups::{self, FollowUp, Inputs, reach_start};
use crate::domain::policy::Policy;

/// Every member's follow-up inputs as of `today`.
pub fn everyone(store: &Store, policy: &Policy, today: NaiveDate) -> Result<Inputs> {
    let members: Vec<_> = roster::members(store)?
        .iter()
        .map(MemberRow::as_member)
        .collect();
    // Only the members' activities: the rules read no others.
    let set = IdSet::new(members.iter().map(|m| m.contact_id.as_str()));
    let done = roster::done_of(store.db(), None, reach_start(policy, today), today, |c| {
        set.contains(c)
    })?;
    Ok(Inputs {
        members,
        done,
        outcomes: roster::outcomes(store.db(), today)?,
        snoozes: roster::snoozes(store.db())?,
    })
}

/// Every open follow-up as of `today`, snoozes applied, one at a time and in no particular
/// order: [`everyone`]'s list without holding its inputs. The members are streamed with
/// their activities (`roster::each_member_with_done`), so a caller that keeps only some
/// follow-ups (`followups` lists the recent ones and counts the stale) holds only those.
pub fn each_open(
    store: &Store,
    policy: &Policy,
    today: NaiveDate,
    mut each: impl FnMut(FollowUp) -> Result<()>,
) -> Result<()> {
    let outcomes = roster::outcomes(store.db(), today)?;
    let outcome_of = followups::by_request(&outcomes);
    let snoozes = roster::snoozes(store.db())?;
    let (mut theirs, mut id) = (Vec::new(), String::new());
    roster::each_member_with_done(store, reach_start(policy, today), today, |m, done| {
        let mut mine: Vec<_> = done.iter().collect();
        followups::in_order(&mut mine);
        let member = m.as_member();
        followups::of_member(
            &member,
            &mine,
            |r| outcome_of.get(r).copied(),
            policy,
            today,
            &mut theirs,
        );
        for mut f in theirs.drain(..) {
            followups::snooze(&mut f, &snoozes, &mut id);
            each(f)?;
        }
        Ok(())
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
