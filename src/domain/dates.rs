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

/// The shapes a date flag accepts, for messages.
pub const FLAG_SHAPES: &str = "YYYY-MM-DD, M/D/YYYY, today, yesterday, tomorrow, or a count of days or weeks from today like +7d or -2w";

/// Parses a date given on the command line: ISO `2026-03-31`, US `3/31/2026`, `today`,
/// `yesterday`, `tomorrow`, or `+7d` / `-2w` (days or weeks from `today`, which is the
/// command's today: its `--as-of`, else the clock's). The date must be within the range;
/// the error quotes at most a few dozen characters of the text.
pub fn parse_flag(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let shown = crate::domain::shown(text);
    let word = text.trim().to_ascii_lowercase();
    let date = match word.as_str() {
        "today" => Some(today),
        "yesterday" => today.checked_sub_days(Days::new(1)),
        "tomorrow" => today.checked_add_days(Days::new(1)),
        _ => relative(&word, today)
            .or_else(|| iso(&word))
            .or_else(|| us(&word)),
    };
    match date {
        Some(date) => in_range(date).map_err(|_| {
            format!(
                "'{shown}' is {date}, outside the dates refprog accepts ({MIN_DATE} to {MAX_DATE})"
            )
        }),
        None if relative_shape(&word) => Err(format!(
            "'{shown}' is too far from today: dates run from {MIN_DATE} to {MAX_DATE}"
        )),
        None => match day_first(&word) {
            // 31/12/2026 is no month/day: say how to write the day it surely means.
            Some(date) => Err(format!(
                "'{shown}' is not a date: refprog reads M/D/YYYY (month first); for {} write {date}",
                date.format("%-d %B %Y")
            )),
            None => Err(format!("'{shown}' is not a date: expected {FLAG_SHAPES}")),
        },
    }
}

/// A D/M/YYYY date that cannot be read month first (its first number is over 12).
fn day_first(word: &str) -> Option<NaiveDate> {
    let (d, rest) = word.split_once('/')?;
    let (m, y) = rest.split_once('/')?;
    if d.parse::<u32>().ok()? <= 12 {
        return None;
    }
    us(&format!("{m}/{d}/{y}")).and_then(|date| in_range(date).ok())
}

/// `+7d`, `-2w`, `+10` (days): the sign is required, the unit is d (default) or w.
fn relative_shape(word: &str) -> bool {
    let Some(rest) = word.strip_prefix(['+', '-']) else {
        return false;
    };
    let digits = rest.trim_end_matches(['d', 'w']);
    !digits.is_empty()
        && digits.len() + 1 >= rest.len()
        && digits.bytes().all(|b| b.is_ascii_digit())
}

fn relative(word: &str, today: NaiveDate) -> Option<NaiveDate> {
    if !relative_shape(word) {
        return None;
    }
    let negative = word.starts_with('-');
    let rest = &word[1..];
    let (digits, per) = match rest.strip_suffix('w') {
        Some(d) => (d, 7u64),
        None => (rest.strip_suffix('d').unwrap_or(rest), 1u64),
    };
    // More than the whole range away is out of range whatever today is.
    let count: u64 = digits.parse().ok().filter(|n| *n <= 200_000)?;
    let days = Days::new(count * per);
    if negative {
        today.checked_sub_days(days)
    } else {
        today.checked_add_days(days)
    }
}

fn iso(word: &str) -> Option<NaiveDate> {
    let b = word.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let part = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(part(&word[..4])?).ok()?,
        part(&word[5..7])?,
        part(&word[8..])?,
    )
}

fn us(word: &str) -> Option<NaiveDate> {
    let mut parts = word.split('/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || m.is_empty()
        || m.len() > 2
        || d.is_empty()
        || d.len() > 2
    {
        return None;
    }
    let number = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    NaiveDate::from_ymd_opt(i32::try_from(number(y)?).ok()?, number(m)?, number(d)?)
}

/// A date read back from the database, kept within the range: a value stored before the
/// range was enforced (or by another tool) cannot make date arithmetic overflow.
pub fn clamp(date: NaiveDate) -> NaiveDate {
    date.clamp(MIN_DATE, MAX_DATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn flags_take_iso_us_words_and_offsets() {
        let today = day("2026-11-30");
        for (text, want) in [
            ("2026-03-31", "2026-03-31"),
            ("3/31/2026", "2026-03-31"),
            ("12/1/2026", "2026-12-01"),
            ("today", "2026-11-30"),
            (" Today ", "2026-11-30"),
            ("yesterday", "2026-11-29"),
            ("tomorrow", "2026-12-01"),
            ("+7d", "2026-12-07"),
            ("-2w", "2026-11-16"),
            ("+0d", "2026-11-30"),
            ("-30", "2026-10-31"),
            ("2199-12-31", "2199-12-31"),
            ("1900-01-01", "1900-01-01"),
        ] {
            assert_eq!(parse_flag(text, today), Ok(day(want)), "{text}");
        }
    }

    #[test]
    fn flags_refuse_out_of_range_and_junk() {
        let today = day("2026-11-30");
        for (text, words) in [
            ("+262142-12-31", "not a date"),
            ("2200-01-01", "outside the dates"),
            ("1899-12-31", "outside the dates"),
            ("0000-01-01", "outside the dates"),
            ("+99999999999999999999d", "too far"),
            ("+100000w", "outside the dates"),
            ("-70000d", "outside the dates"),
            ("2026-02-30", "not a date"),
            ("13/1/2026", "not a date"),
            ("3/31/26", "not a date"),
            ("next week", "not a date"),
            ("", "not a date"),
            ("+d", "not a date"),
            ("7d", "not a date"),
        ] {
            let error = parse_flag(text, today).expect_err(text);
            assert!(error.contains(words), "{text}: {error}");
        }
        let long = "9".repeat(10_000);
        assert!(parse_flag(&long, today).expect_err("long").len() < 300);
    }

    #[test]
    fn a_day_first_date_is_refused_with_the_iso_form_it_surely_means() {
        let today = day("2026-11-30");
        let error = parse_flag("31/12/2026", today).expect_err("day first");
        assert!(
            error.contains("reads M/D/YYYY (month first); for 31 December 2026 write 2026-12-31"),
            "{error}"
        );
        // 13/1/2026 is 13 January; 32/1/2026 is no date either way.
        assert!(
            parse_flag("13/1/2026", today)
                .expect_err("x")
                .contains("2026-01-13")
        );
        assert!(
            !parse_flag("32/1/2026", today)
                .expect_err("x")
                .contains("write")
        );
    }

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
