//! Small pure helpers the reports share: rates with their n, medians, NPS from ratings,
//! quarters, whether a figure meets its target, and which requests count as approved and
//! fulfilled.

use chrono::{Datelike, NaiveDate};

use crate::domain::model::RequestStatus;

/// Whether a request was approved, for the approval rate: declined is not; a request still
/// submitted is pending (None), and so is one cancelled before it was qualified or asked
/// (never decided); any other has been approved, or taken a step past approval.
pub fn request_approved(status: RequestStatus, qualified: bool, asked: bool) -> Option<bool> {
    match status {
        RequestStatus::Declined => Some(false),
        RequestStatus::Submitted => None,
        RequestStatus::Cancelled if !qualified && !asked => None,
        _ => Some(true),
    }
}

/// Whether a request was fulfilled, for the fulfilment rate: a reference call was
/// scheduled for it at some step, or it is scheduled or completed now.
pub fn request_fulfilled(status: RequestStatus, scheduled: bool) -> bool {
    scheduled || status == RequestStatus::Completed || status == RequestStatus::Scheduled
}

/// A share with the counts behind it, so a small sample shows.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Rate {
    pub hits: u64,
    pub n: u64,
}

impl Rate {
    pub fn new(hits: u64, n: u64) -> Rate {
        Rate { hits, n }
    }

    pub fn value(self) -> Option<f64> {
        (self.n > 0).then(|| self.hits as f64 / self.n as f64)
    }

    /// "62.5 % (5 of 8)", or "n/a (0)".
    pub fn describe(self) -> String {
        match self.value() {
            Some(v) => format!("{:.1} % ({} of {})", v * 100.0, self.hits, self.n),
            None => "n/a (n = 0)".to_string(),
        }
    }
}

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Net promoter score of 0-10 ratings: % of 9-10 minus % of 0-6, with n.
pub fn nps(ratings: &[i64]) -> Option<(f64, usize)> {
    if ratings.is_empty() {
        return None;
    }
    let promoters = ratings.iter().filter(|r| **r >= 9).count() as f64;
    let detractors = ratings.iter().filter(|r| **r <= 6).count() as f64;
    Some((
        100.0 * (promoters - detractors) / ratings.len() as f64,
        ratings.len(),
    ))
}

/// The first day of the calendar quarter of `day`.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

/// "met" / "not met" against an inclusive range (either end optional).
pub fn meets(value: Option<f64>, min: Option<f64>, max: Option<f64>) -> &'static str {
    match value {
        None => "no data",
        Some(v) if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) => "not met",
        Some(_) => "met",
    }
}

/// How many of `dates` fall in each of the `months` calendar months ending with the month
/// of `today`, oldest first (dates after `today` are not counted).
pub fn monthly_counts(dates: &[NaiveDate], today: NaiveDate, months: u32) -> Vec<u64> {
    let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    let last = index(today);
    let first = last - i64::from(months) + 1;
    let mut counts = vec![0; months as usize];
    for d in dates.iter().filter(|d| **d <= today) {
        let i = index(*d);
        if i >= first {
            counts[(i - first) as usize] += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_requests_are_approved_and_fulfilled() {
        use RequestStatus::*;
        assert_eq!(request_approved(Declined, true, true), Some(false));
        assert_eq!(request_approved(Submitted, false, false), None);
        assert_eq!(request_approved(Cancelled, false, false), None);
        assert_eq!(request_approved(Cancelled, true, false), Some(true));
        assert_eq!(request_approved(Cancelled, false, true), Some(true));
        for status in [
            Qualified, Matched, Asked, Accepted, Passed, Scheduled, Completed,
        ] {
            assert_eq!(
                request_approved(status, false, false),
                Some(true),
                "{status:?}"
            );
        }
        assert!(request_fulfilled(Scheduled, false));
        assert!(request_fulfilled(Completed, false));
        assert!(
            request_fulfilled(Cancelled, true),
            "scheduled once, then cancelled"
        );
        for status in [
            Submitted, Qualified, Matched, Asked, Accepted, Passed, Declined, Cancelled,
        ] {
            assert!(!request_fulfilled(status, false), "{status:?}");
        }
    }

    #[test]
    fn rates_show_their_n() {
        assert_eq!(Rate::new(5, 8).describe(), "62.5 % (5 of 8)");
        assert_eq!(Rate::new(0, 0).describe(), "n/a (n = 0)");
    }

    #[test]
    fn medians_nps_and_quarters() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
        // 2 promoters, 1 passive, 1 detractor of 4: 50 - 25 = 25.
        assert_eq!(nps(&[10, 9, 8, 3]), Some((25.0, 4)));
        let day = |s: &str| -> NaiveDate { s.parse().expect("date") };
        assert_eq!(quarter_start(day("2026-11-23")), day("2026-10-01"));
        assert_eq!(quarter_start(day("2026-03-31")), day("2026-01-01"));
        assert_eq!(meets(Some(0.7), Some(0.6), Some(0.8)), "met");
        assert_eq!(meets(Some(0.9), Some(0.6), Some(0.8)), "not met");
        let dates = [
            day("2026-11-02"),
            day("2026-11-20"),
            day("2026-09-30"),
            day("2025-11-30"),
        ];
        assert_eq!(monthly_counts(&dates, day("2026-11-23"), 3), vec![1, 0, 2]);
        assert_eq!(monthly_counts(&dates, day("2026-11-23"), 13)[0], 1);
    }
}
