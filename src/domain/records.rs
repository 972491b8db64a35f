//! What a record refprog keeps must satisfy before it is written, whoever writes it
//! (`log-call` and `activity edit` ask the same functions): its date, and the request it
//! is for.

use chrono::{Duration, NaiveDate};

use crate::domain::model::{ActivityKind, RequestStatus};
use crate::domain::policy::Policy;

/// A record's date: one after `today` (--as-of) is refused unless `future`, as is one more
/// than a year ahead (a mistyped year).
pub fn date(
    date: NaiveDate,
    today: NaiveDate,
    future: bool,
    policy: &Policy,
) -> Result<(), String> {
    if !future {
        if date > today {
            return Err(format!(
                "--date {date} is after {today} (--as-of, or today): a record dated after it would be invisible as of {today}. Give --future if it is meant"
            ));
        }
        if date > today + Duration::days(policy.year_days) {
            return Err(format!(
                "--date {date} is more than a year ahead of {today} (a mistyped year?); give --future if it is meant"
            ));
        }
    }
    Ok(())
}

/// An activity may be for a request that exists (`status` is None when it does not) and
/// is not declined or cancelled.
pub fn request(
    request: &str,
    status: Option<RequestStatus>,
    kind: ActivityKind,
) -> Result<(), String> {
    match status {
        None => Err(format!(
            "no request '{request}' (see 'refprog request list')"
        )),
        Some(status @ (RequestStatus::Declined | RequestStatus::Cancelled)) => Err(format!(
            "cannot log a {kind} for request {request}: it is {status} (closed); nothing was written"
        )),
        Some(_) => Ok(()),
    }
}

/// Whether recording an activity of `kind` for a request in `status` completes the
/// request: the reference did it (an activity that counts against the limit), so whatever
/// step an open request was at, it is done; a closed one keeps its status.
pub fn completes(kind: ActivityKind, status: Option<RequestStatus>) -> bool {
    kind.counts_against_limit() && status.is_some_and(|s| !s.is_closed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_dated_up_to_today_unless_meant_for_later() {
        let policy = Policy::default();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert!(date(today, today, false, &policy).is_ok());
        let tomorrow = today + Duration::days(1);
        assert!(date(tomorrow, today, false, &policy).is_err());
        assert!(date(tomorrow, today, true, &policy).is_ok());
    }

    #[test]
    fn an_activity_is_for_an_open_request_that_exists() {
        let call = ActivityKind::Call;
        assert!(request("R1", Some(RequestStatus::Asked), call).is_ok());
        assert!(request("R1", None, call).is_err());
        let closed = request("R1", Some(RequestStatus::Declined), call).expect_err("declined");
        assert!(closed.contains("it is declined (closed)"), "{closed}");
        assert!(request("R1", Some(RequestStatus::Cancelled), call).is_err());
    }

    #[test]
    fn a_reference_activity_completes_an_open_request_only() {
        assert!(completes(
            ActivityKind::Call,
            Some(RequestStatus::Scheduled)
        ));
        assert!(completes(
            ActivityKind::Call,
            Some(RequestStatus::Submitted)
        ));
        assert!(!completes(
            ActivityKind::Call,
            Some(RequestStatus::Completed)
        ));
        assert!(!completes(
            ActivityKind::Call,
            Some(RequestStatus::Cancelled)
        ));
        assert!(!completes(ActivityKind::Call, None));
        let touch = ActivityKind::ALL
            .iter()
            .copied()
            .find(|k| !k.counts_against_limit())
            .expect("a kind that does not count");
        assert!(!completes(touch, Some(RequestStatus::Asked)));
    }
}
