//! The range of dates refprog accepts, from any source (flags, CSV cells, policy values),
//! and date arithmetic that cannot panic. A date outside the range is a clear error where
//! it enters, so no stored date can make a later command fail.

use chrono::{Days, NaiveDate};

/// The first date refprog accepts.
pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => panic!("1900-01-01 is a date"),
};

/// The last date refprog accepts.
pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(date) => date,
    None => panic!("2199-12-31 is a date"),
};

/// `Ok(date)` when it is within [`MIN_DATE`, `MAX_DATE`], else the words for the error.
pub fn in_range(date: NaiveDate) -> Result<NaiveDate, String> {
    if (MIN_DATE..=MAX_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(format!(
            "{date} is outside the dates refprog accepts ({MIN_DATE} to {MAX_DATE})"
        ))
    }
}

/// `date` moved by `days` (either sign), clamped to the range instead of overflowing.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved
        .unwrap_or(if days >= 0 { MAX_DATE } else { MIN_DATE })
        .clamp(MIN_DATE, MAX_DATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_1900_to_2199() {
        assert_eq!(MIN_DATE.to_string(), "1900-01-01");
        assert_eq!(MAX_DATE.to_string(), "2199-12-31");
        assert!(in_range(MAX_DATE).is_ok());
        assert!(in_range(MAX_DATE + Days::new(1)).is_err());
        assert!(in_range(MIN_DATE - Days::new(1)).is_err());
    }

    #[test]
    fn add_days_never_panics() {
        assert_eq!(add_days(MAX_DATE, i64::MAX), MAX_DATE);
        assert_eq!(add_days(MIN_DATE, i64::MIN), MIN_DATE);
        assert_eq!(add_days(NaiveDate::MAX, 1), MAX_DATE);
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(add_days(d, -30).to_string(), "2026-10-31");
    }
}
