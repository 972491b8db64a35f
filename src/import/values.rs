//! Parsers for the values CRM exports write: dates in several shapes, money with
//! currency marks and separators, percentages as 85 / 85% / 0.85, yes/no booleans,
//! `;`- or `|`-separated lists. Each returns the parsed value or the words that say
//! what would have been accepted; none panics, whatever the input.

use chrono::NaiveDate;

/// Accepted date shapes, for messages.
pub const DATE_SHAPES: &str = "a date like 2026-03-31, 3/31/2026 or 3/31/26";

/// How a date's day and month were told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// No doubt: ISO, or read with `--date-format`.
    Fixed,
    /// `25/03/2026`: the first part is over 12, so it is the day.
    DayFirst,
    /// `03/25/2026`: the second part is over 12, so it is the day.
    MonthFirst,
    /// `03/04/2026`: either way is a date; read month-first (the caller decides for the
    /// whole file).
    Ambiguous,
}

/// Parses `YYYY-MM-DD`, US `M/D/YYYY` and `M/D/YY`, and timestamps whose date part is one
/// of those (`2026-03-31 14:05`, `2026-03-31T14:05:00Z`, `3/31/2026 2:05 PM`).
/// With `format`, only that chrono format is tried (for the date part).
pub fn parse_date(text: &str, format: Option<&str>) -> Result<NaiveDate, String> {
    parse_date_reading(text, format).map(|(date, _)| date)
}

/// As [`parse_date`], also accepting day-first `D/M/YYYY` when the first part is over 12,
/// and saying how day and month were told apart.
pub fn parse_date_reading(
    text: &str,
    format: Option<&str>,
) -> Result<(NaiveDate, Reading), String> {
    let text = text.trim();
    if let Some(format) = format {
        return NaiveDate::parse_from_str(text, format)
            .map(|date| (date, Reading::Fixed))
            .map_err(|_| format!("a date in the format '{format}' (from --date-format)"));
    }
    let date_part = match text.find(['T', ' ', ',']) {
        Some(at) if at >= 6 && time_like(&text[at + 1..]) => {
            if !valid_time(&text[at + 1..]) {
                return Err(format!(
                    "a date whose time of day is a real one (hours 0-23, minutes and seconds 0-59, as in 2026-03-31T14:05:00Z); '{}' is not",
                    crate::domain::shown(text[at + 1..].trim())
                ));
            }
            &text[..at]
        }
        _ => text,
    };
    let invalid = || format!("{DATE_SHAPES} (or set --date-format)");
    let bytes = date_part.as_bytes();
    if bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' {
        let number = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        return match (
            number(&date_part[..4]),
            number(&date_part[5..7]),
            number(&date_part[8..]),
        ) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d)
                .map(|date| (date, Reading::Fixed))
                .ok_or_else(invalid),
            _ => Err(invalid()),
        };
    }
    let parts: Vec<&str> = date_part.split('/').collect();
    if let [first, second, year] = parts[..] {
        let number = |s: &str, max_len: usize| -> Option<u32> {
            (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let (Some(first), Some(second)) = (number(first, 2), number(second, 2)) else {
            return Err(invalid());
        };
        let year = match year.len() {
            4 => number(year, 4).map(|y| y as i32),
            // Two-digit years as chrono's %y reads them: 00-68 -> 2000s, 69-99 -> 1900s.
            2 => number(year, 2).map(|y| {
                if y < 69 {
                    2000 + y as i32
                } else {
                    1900 + y as i32
                }
            }),
            _ => None,
        };
        if let Some(year) = year {
            let (month, day, reading) = match (first, second) {
                (13.., 1..=12) => (second, first, Reading::DayFirst),
                (1..=12, 13..) => (first, second, Reading::MonthFirst),
                (1..=12, 1..=12) => (first, second, Reading::Ambiguous),
                _ => (first, second, Reading::MonthFirst),
            };
            return NaiveDate::from_ymd_opt(year, month, day)
                .map(|date| (date, reading))
                .ok_or_else(invalid);
        }
    }
    Err(invalid())
}

/// The dates CRMs write for "never" (Salesforce's 4000-12-31, the 9999-12-31 of many
/// systems): imported as blank.
pub fn is_never_date(date: NaiveDate) -> bool {
    use chrono::Datelike;
    (date.year() == 4000 || date.year() == 9999) && date.month() == 12 && date.day() == 31
}

/// `YYYY-MM-DD`, faster than going through chrono's formatter.
pub fn iso_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// Whether the time after a date's date part is a real time of day: `H:MM`, `H:MM:SS`,
/// optional fraction, then an optional `AM`/`PM` (hours 1-12), `Z`, `UTC`/`GMT` or offset.
/// The date is what refprog keeps, but `25:61` says the cell is not what it seems.
fn valid_time(rest: &str) -> bool {
    let rest = rest.trim();
    let mut parts = [0u32; 3];
    let mut count = 0;
    let mut at = 0;
    let bytes = rest.as_bytes();
    while count < 3 {
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        let digits = at - start;
        if digits == 0 || digits > 2 || (count > 0 && digits != 2) {
            return false;
        }
        parts[count] = rest[start..at].parse().unwrap_or(u32::MAX);
        count += 1;
        if at < bytes.len() && bytes[at] == b':' && count < 3 {
            at += 1;
        } else {
            break;
        }
    }
    if count < 2 {
        return false;
    }
    if count == 3 && at < bytes.len() && (bytes[at] == b'.' || bytes[at] == b',') {
        at += 1;
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        if at == start {
            return false;
        }
    }
    let [hours, minutes, seconds] = parts;
    if minutes > 59 || seconds > 60 {
        return false;
    }
    let suffix = rest[at..].trim_start();
    let upper = suffix.to_ascii_uppercase();
    let (twelve, zone) = if let Some(zone) = upper
        .strip_prefix("AM")
        .or_else(|| upper.strip_prefix("PM"))
    {
        (true, zone.trim_start().to_string())
    } else {
        (false, upper)
    };
    let hours_ok = if twelve {
        (1..=12).contains(&hours)
    } else {
        hours <= 23
    };
    hours_ok && valid_zone(&zone)
}

/// A time zone after a time: none, `Z`, a name (`UTC`, `EST`, `Eastern Time`), an offset
/// `+HH:MM`, `+HHMM`, `+HH` (hours 0-14, minutes 0-59), or a name then an offset
/// (`GMT+02:00`). Only the numbers are checked: a zone's name is the CRM's business.
fn valid_zone(zone: &str) -> bool {
    let zone = zone.trim();
    let name = zone
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b' ')
        .count();
    let offset = zone[name..].trim();
    if offset.is_empty() {
        return true;
    }
    let Some(digits) = offset.strip_prefix(['+', '-']) else {
        return false;
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return false;
    }
    let hours: u32 = digits[..2].parse().unwrap_or(99);
    let minutes: u32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(0, |m| m.parse().unwrap_or(99));
    hours <= 14 && minutes <= 59
}

fn time_like(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.as_bytes().first().is_some_and(u8::is_ascii_digit) && rest.contains(':')
}

/// Parses money into integer cents: `1200000`, `1,200,000.00`, `$1,200,000`,
/// `USD 1,200,000.00`, `1.200.000,00 €`. Negative amounts are refused.
pub fn parse_money_cents(text: &str) -> Result<i64, String> {
    let (cents, _) = parse_money(text)?;
    Ok(cents)
}

/// Parses money as CRMs write it into integer cents, and whether it was rounded: the
/// shapes of [`parse_money_cents`], scientific notation (`1.39E8`, `1.39E+08`, as the
/// Salesforce CLI and Bulk API write large amounts), more than two decimals (`9225.225`,
/// rounded half to even), and accounting negatives in parentheses (`(1,200.00)`), which
/// are then refused like any negative amount.
pub fn parse_money(text: &str) -> Result<(i64, bool), String> {
    const EXPECTED: &str = "an amount like 1200000, 1,200,000.00, $1,200,000 or USD 1,200,000.00";
    let mut body = text.trim();
    let negative = |_shown: &str| "an amount of 0 or more".to_string();
    if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        // Accounting negative: parse the inside, then refuse it as negative unless zero.
        let (cents, rounded) = parse_money(inner)?;
        return if cents == 0 {
            Ok((0, rounded))
        } else {
            Err(negative(text.trim()))
        };
    }
    // A currency code before or after the number: "USD 1,200.00", "1.200,00 EUR".
    let code = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic());
    if body.len() > 3 && body.is_char_boundary(3) && code(&body[..3]) {
        body = body[3..].trim_start();
    }
    let tail = body.len().saturating_sub(3);
    if body.len() > 3 && body.is_char_boundary(tail) && code(&body[tail..]) {
        body = body[..tail].trim_end();
    }
    let body = body.trim_matches(|c: char| matches!(c, '$' | '€' | '£' | '¥') || c.is_whitespace());
    if body.starts_with('-') || body.starts_with('(') {
        return Err(negative(text.trim()));
    }
    if let Some(at) = body.find(['e', 'E']) {
        return scientific(&body[..at], &body[at + 1..])
            .unwrap_or_else(|| Err(EXPECTED.to_string()));
    }
    let bytes = body.as_bytes();
    if bytes.is_empty()
        || !bytes
            .iter()
            .all(|&b| b.is_ascii_digit() || matches!(b, b',' | b'.' | b' '))
    {
        return Err(EXPECTED.to_string());
    }
    // The last separator followed by one or two digits is the decimal mark (a lone '.' is
    // one whatever follows); every other separator groups thousands.
    let last = bytes.iter().rposition(|&b| b == b',' || b == b'.');
    let decimal_at = last.filter(|&at| {
        let after = bytes.len() - at - 1;
        (1..=2).contains(&after)
            || bytes[at] == b'.' && bytes.iter().filter(|&&b| b == b'.').count() == 1
    });
    let (whole, fraction) = match decimal_at {
        Some(at) => (&bytes[..at], &bytes[at + 1..]),
        None => (bytes, &[][..]),
    };
    if !fraction.iter().all(u8::is_ascii_digit) {
        return Err(EXPECTED.to_string());
    }
    // Thousands groups: one separator, not the decimal mark, three digits after each.
    if let Some(first) = whole.iter().position(|b| !b.is_ascii_digit()) {
        let separator = whole[first];
        let mark = decimal_at.map(|at| bytes[at]);
        let mut groups = whole.split(|&b| b == separator);
        let lead = groups.next().map_or(0, <[u8]>::len);
        let well_grouped = mark != Some(separator)
            && (1..=3).contains(&lead)
            && groups.all(|g| g.len() == 3 && g.iter().all(u8::is_ascii_digit));
        if !well_grouped {
            return Err(EXPECTED.to_string());
        }
    }
    if whole.is_empty() && fraction.is_empty() {
        return Err(EXPECTED.to_string());
    }
    let digits: Vec<u8> = whole
        .iter()
        .chain(fraction)
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    to_cents(&digits, -(fraction.len() as i64))
}

/// `1.39E8`: a mantissa of digits with at most one '.', an exponent of at most 3 digits.
fn scientific(mantissa: &str, exponent: &str) -> Option<Result<(i64, bool), String>> {
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (sign, exponent_digits) = match exponent.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, exponent),
    };
    if whole.is_empty() && fraction.is_empty()
        || !digits_only(whole)
        || !digits_only(fraction)
        || exponent_digits.is_empty()
        || exponent_digits.len() > 3
        || !digits_only(exponent_digits)
    {
        return None;
    }
    let power: i64 = sign * exponent_digits.parse::<i64>().ok()?;
    let digits: Vec<u8> = whole.bytes().chain(fraction.bytes()).collect();
    Some(to_cents(&digits, power - fraction.len() as i64))
}

/// The amount `digits × 10^power` in cents, rounded half to even; true when rounded.
fn to_cents(digits: &[u8], power: i64) -> Result<(i64, bool), String> {
    let too_big = || "an amount below 92,233,720,368,547,758".to_string();
    let digits: &[u8] = {
        let start = digits
            .iter()
            .position(|&d| d != b'0')
            .unwrap_or(digits.len());
        &digits[start..]
    };
    let shift = power + 2;
    let (kept, dropped): (&[u8], &[u8]) = if shift >= 0 {
        (digits, &[])
    } else {
        let cut = digits.len().saturating_sub(shift.unsigned_abs() as usize);
        (&digits[..cut], &digits[cut..])
    };
    let mut cents: i64 = 0;
    for &d in kept {
        cents = cents
            .checked_mul(10)
            .and_then(|c| c.checked_add(i64::from(d - b'0')))
            .ok_or_else(too_big)?;
    }
    if shift > 0 {
        for _ in 0..shift {
            cents = cents.checked_mul(10).ok_or_else(too_big)?;
        }
    }
    // Digits dropped beyond what `dropped` holds (a tiny number) are leading zeros.
    let missing = (-shift).max(0) as usize > dropped.len();
    let rounded = dropped.iter().any(|&d| d != b'0');
    if rounded && !missing {
        let half = dropped[0].cmp(&b'5');
        let rest_zero = dropped[1..].iter().all(|&d| d == b'0');
        let up = match half {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => !rest_zero || cents % 2 == 1,
            std::cmp::Ordering::Less => false,
        };
        if up {
            cents = cents.checked_add(1).ok_or_else(too_big)?;
        }
    }
    Ok((cents, rounded))
}

/// Writes cents back the way export does: `1200000`, or `1200000.50` when there are cents.
/// Takes sums wider than i64 too (the won revenue of deals near the largest amount).
pub fn format_money_cents(cents: impl Into<i128>) -> String {
    let cents: i128 = cents.into();
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, (cents % 100).abs())
    }
}

/// Parses a percentage 0-100: `85`, `85%`, `85.5 %`, or a fraction `0.85` (a number with a
/// decimal point no greater than 1 and no `%`). Kept to 4 decimals.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    const EXPECTED: &str = "a percentage from 0 to 100 like 85, 85% or 0.85";
    let text = text.trim();
    let (number, explicit) = match text.strip_suffix('%') {
        Some(number) => (number.trim_end(), true),
        None => (text, false),
    };
    // A decimal comma, as European spreadsheets write it: "0,8", "85,5%".
    let comma_decimal;
    let number = if number.matches(',').count() == 1 && !number.contains('.') {
        comma_decimal = number.replace(',', ".");
        comma_decimal.as_str()
    } else {
        number
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(EXPECTED.to_string());
    }
    let mut value: f64 = number.parse().map_err(|_| EXPECTED.to_string())?;
    if !explicit && number.contains('.') && value <= 1.0 {
        value *= 100.0;
    }
    if !(0.0..=100.0).contains(&value) {
        return Err(EXPECTED.to_string());
    }
    Ok((value * 10_000.0).round() / 10_000.0)
}

/// Parses a whole number in `min..=max`; thousands commas and a `.0` tail are accepted.
pub fn parse_int(text: &str, min: i64, max: i64) -> Result<i64, String> {
    let expected = || match (min, max) {
        (0, i64::MAX) => "a whole number of 0 or more".to_string(),
        (min, i64::MAX) => format!("a whole number of {min} or more"),
        (min, max) => format!("a whole number from {min} to {max}"),
    };
    let text = text.trim();
    let text = text
        .strip_suffix(".0")
        .or_else(|| text.strip_suffix(".00"))
        .unwrap_or(text);
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b',')
        || digits.starts_with(',')
    {
        return Err(expected());
    }
    let digits: String = digits.chars().filter(|c| *c != ',').collect();
    let value: i64 = digits.parse().map_err(|_| expected())?;
    let value = if negative { -value } else { value };
    if value < min || value > max {
        return Err(expected());
    }
    Ok(value)
}

/// Parses yes/no, true/false, y/n, 1/0 in any case.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" | "x" => Ok(true),
        "no" | "n" | "false" | "f" | "0" => Ok(false),
        _ => Err("yes, no, true, false, 1 or 0".to_string()),
    }
}

/// Splits a `;`- or `|`-separated list, trims each item and drops empty ones.
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', '|'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

// The formula escaping of CSV cells and its inverse live in output, which writes the
// cells; import reads them back with the same rule.
pub use crate::output::{escape_formula, unescape_formula};

#[cfg(test)]
mod formula_tests {
    use super::*;

    #[test]
    fn a_trigger_after_blanks_is_escaped_and_round_trips() {
        for (text, escaped) in [
            ("=1+1", "'=1+1"),
            (" =HYPERLINK(\"x\")", "' =HYPERLINK(\"x\")"),
            ("\n=rep2", "'\n=rep2"),
            ("\r\n @SUM(A1)", "'\r\n @SUM(A1)"),
            ("\tplain", "'\tplain"),
            ("'=x", "''=x"),
            (" ' -x", "' ' -x"),
            ("Acme", "Acme"),
            (" Acme", " Acme"),
            ("'quoted", "'quoted"),
            ("", ""),
        ] {
            assert_eq!(escape_formula(text), escaped, "{text:?}");
            assert_eq!(unescape_formula(escaped), text, "{escaped:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn a_time_of_day_that_cannot_be_is_refused() {
        for good in [
            "2026-03-31T14:05:09Z",
            "2026-03-31T14:05:09.000Z",
            "2026-03-31T14:05:09.000+0000",
            "2026-03-31T23:59:60-05:00",
            "2026-03-31 00:00",
            "3/31/2026 2:05 PM",
            "3/31/2026, 12:59 am",
            "2026-03-31 14:05 UTC",
            "2026-03-31 14:05:09 EDT",
            "2026-03-31 14:05 GMT+02:00",
            "2026-03-31 14:05 Eastern Time",
        ] {
            assert_eq!(parse_date(good, None), Ok(date(2026, 3, 31)), "{good}");
        }
        for bad in [
            "2026-11-23T25:61:00Z",
            "2026-11-23T24:00",
            "2026-11-23 14:60",
            "2026-11-23T14:05:61",
            "11/23/2026 13:05 PM",
            "11/23/2026 0:05 AM",
            "2026-11-23T14:05+25:00",
            "2026-11-23T14:5",
            "2026-11-23 14:05 +5:00",
        ] {
            let error = parse_date(bad, None).expect_err(bad);
            assert!(error.contains("time of day"), "{bad}: {error}");
        }
    }

    #[test]
    fn dates_in_crm_shapes() {
        assert_eq!(parse_date("2026-03-31", None), Ok(date(2026, 3, 31)));
        assert_eq!(parse_date("3/31/2026", None), Ok(date(2026, 3, 31)));
        assert_eq!(parse_date("03/05/2026", None), Ok(date(2026, 3, 5)));
        assert_eq!(parse_date("3/5/26", None), Ok(date(2026, 3, 5)));
        assert_eq!(parse_date("1/5/99", None), Ok(date(1999, 1, 5)));
        assert_eq!(parse_date("2026-03-31 14:05", None), Ok(date(2026, 3, 31)));
        assert_eq!(
            parse_date("2026-03-31 14:05:09", None),
            Ok(date(2026, 3, 31))
        );
        assert_eq!(
            parse_date("2026-03-31T14:05:09Z", None),
            Ok(date(2026, 3, 31))
        );
        assert_eq!(
            parse_date("3/31/2026, 2:05 PM", None),
            Ok(date(2026, 3, 31))
        );
        assert_eq!(
            parse_date("31.03.2026", Some("%d.%m.%Y")),
            Ok(date(2026, 3, 31))
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2/30/2026",
            "2026-02-30",
            "13/13/2026",
            "30/2/2026",
            "3/31/226",
            "yesterday",
            "",
            "2026-3-1x",
            "1/1/2026 noon",
        ] {
            assert!(parse_date(bad, None).is_err(), "{bad}");
        }
        assert!(parse_date("2026-03-31", Some("%d.%m.%Y")).is_err());
    }

    #[test]
    fn money_in_crm_shapes() {
        for (text, cents) in [
            ("1200000", 120_000_000),
            ("1,200,000.00", 120_000_000),
            ("$1,200,000", 120_000_000),
            ("USD 1,200,000.00", 120_000_000),
            ("1.200.000,00 EUR", 120_000_000),
            ("1200.5", 120_050),
            ("1,5", 150),
            ("0", 0),
            ("0.00", 0),
            ("€ 99", 9_900),
        ] {
            assert_eq!(parse_money_cents(text), Ok(cents), "{text}");
        }
    }

    #[test]
    fn bad_money_is_refused() {
        for bad in [
            "-5",
            "(100)",
            "1e309",
            "abc",
            "",
            "USD",
            "1.2.3,4,5",
            "99999999999999999999",
            "1.39E",
            "1.39E+1000",
            "E8",
            "1,2E3",
            "(1,200.00)",
            "(USD 5)",
            "1.4E+17",
        ] {
            let result = parse_money_cents(bad);
            assert!(result.is_err(), "{bad} gave {result:?}");
        }
        // An accounting negative is refused as negative, not as unreadable.
        assert_eq!(
            parse_money("(1,200.00)"),
            Err("an amount of 0 or more".to_string())
        );
    }

    #[test]
    fn money_in_scientific_notation_and_with_more_than_two_decimals() {
        for (text, cents, rounded) in [
            ("1.39E8", 13_900_000_000, false),
            ("1.39E+08", 13_900_000_000, false),
            ("1.39e8", 13_900_000_000, false),
            ("2E3", 200_000, false),
            ("12345E-2", 12_345, false),
            ("1.234", 123, true),
            ("9225.225", 922_522, true),
            ("9225.235", 922_524, true),
            ("9225.2251", 922_523, true),
            ("0.005", 0, true),
            ("0.015", 2, true),
            ("1E-5", 0, true),
            ("1,200.999", 120_100, true),
            ("(0.00)", 0, false),
        ] {
            assert_eq!(parse_money(text), Ok((cents, rounded)), "{text}");
        }
    }

    #[test]
    fn dates_say_how_day_and_month_were_told_apart() {
        let read = |text: &str| parse_date_reading(text, None).map(|(d, r)| (iso_date(d), r));
        assert_eq!(
            read("25/03/2026"),
            Ok(("2026-03-25".into(), Reading::DayFirst))
        );
        assert_eq!(
            read("03/25/2026"),
            Ok(("2026-03-25".into(), Reading::MonthFirst))
        );
        assert_eq!(
            read("03/04/2026"),
            Ok(("2026-03-04".into(), Reading::Ambiguous))
        );
        assert_eq!(
            read("2026-03-04"),
            Ok(("2026-03-04".into(), Reading::Fixed))
        );
        assert_eq!(
            read("3/4/26 2:05 PM"),
            Ok(("2026-03-04".into(), Reading::Ambiguous))
        );
        assert!(is_never_date(
            NaiveDate::from_ymd_opt(4000, 12, 31).unwrap()
        ));
        assert!(is_never_date(
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()
        ));
        assert!(!is_never_date(
            NaiveDate::from_ymd_opt(2199, 12, 31).unwrap()
        ));
    }

    #[test]
    fn money_round_trips_through_its_export_form() {
        for cents in [0, 5, 50, 100, 120_050, 120_000_000] {
            assert_eq!(parse_money_cents(&format_money_cents(cents)), Ok(cents));
        }
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("85"), Ok(85.0));
        assert_eq!(parse_percent("85%"), Ok(85.0));
        assert_eq!(parse_percent("85.5 %"), Ok(85.5));
        assert_eq!(parse_percent("0.85"), Ok(85.0));
        assert_eq!(parse_percent("1"), Ok(1.0));
        assert_eq!(parse_percent("0,8"), Ok(80.0));
        assert_eq!(parse_percent("85,5%"), Ok(85.5));
        assert!(parse_percent("140").is_err());
        assert!(parse_percent("-3").is_err());
        assert!(parse_percent("1e309").is_err());
        assert!(parse_percent("NaN").is_err());
    }

    #[test]
    fn whole_numbers_with_ranges() {
        assert_eq!(parse_int("1,200", 0, i64::MAX), Ok(1200));
        assert_eq!(parse_int("10", 0, 10), Ok(10));
        assert_eq!(parse_int("120.0", 0, i64::MAX), Ok(120));
        assert_eq!(
            parse_int("11", 0, 10),
            Err("a whole number from 0 to 10".to_string())
        );
        assert_eq!(
            parse_int("-5", 0, i64::MAX),
            Err("a whole number of 0 or more".to_string())
        );
        assert!(parse_int("1.5", 0, 10).is_err());
        assert!(parse_int(",", 0, 10).is_err());
        assert!(parse_int("99999999999999999999999", 0, i64::MAX).is_err());
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("TRUE"), Ok(true));
        assert_eq!(parse_bool("No"), Ok(false));
        assert!(parse_bool("maybe").is_err());
    }

    #[test]
    fn formula_escaping_is_its_own_inverse() {
        for text in [
            "=SUM(A1)",
            "'=SUM(A1)",
            "''+1",
            "-5 units",
            "@home",
            "plain",
            "'tis",
            "",
            "'",
            "\tx",
        ] {
            let escaped = escape_formula(text);
            assert_eq!(unescape_formula(&escaped), text, "{text:?} -> {escaped:?}");
        }
        assert_eq!(escape_formula("=1+2"), "'=1+2");
        assert_eq!(escape_formula("Acme"), "Acme");
    }
}

#[cfg(test)]
mod never_panic {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        /// Whatever the text, every parser answers with a value or an error.
        #[test]
        fn value_parsers_never_panic(text in "\\PC{0,40}|[0-9.,$€ %/:TZ-]{0,24}|[A-Za-z]{3} [0-9,.]{0,20}") {
            let _ = parse_date(&text, None);
            let _ = parse_date(&text, Some("%d.%m.%Y"));
            let _ = parse_money_cents(&text);
            let _ = parse_percent(&text);
            let _ = parse_int(&text, 0, 10);
            let _ = parse_int(&text, i64::MIN, i64::MAX);
            let _ = parse_bool(&text);
            let _ = split_list(&text).count();
            let escaped = escape_formula(&text);
            prop_assert_eq!(unescape_formula(&escaped), text.as_str());
        }
    }
}
