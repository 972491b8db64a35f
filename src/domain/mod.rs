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

/// How many characters of a value a message quotes: enough to recognise it, never a
/// 10 MB cell echoed whole.
pub const SHOWN_CHARS: usize = 40;

/// A value as a message quotes it: at most [`SHOWN_CHARS`] characters, control
/// characters written as escapes, and `…` with the full length when it was cut.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().take(SHOWN_CHARS) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    let total = text.chars().count();
    if total > SHOWN_CHARS {
        out.push_str(&format!("… ({total} characters)"));
    }
    out
}

/// A message with every run of more than [`SHOWN_CHARS`] characters without a blank cut
/// to that many and `…`: for messages written by a library (clap) that quote a value whole.
pub fn shorten_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut run = 0usize;
    let mut cut = false;
    for c in message.chars() {
        if c.is_whitespace() {
            run = 0;
            cut = false;
            out.push(c);
        } else if run < SHOWN_CHARS {
            run += 1;
            out.push(c);
        } else if !cut {
            cut = true;
            out.push('…');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_quotes_a_few_dozen_characters() {
        assert_eq!(super::shown("Acme"), "Acme");
        assert_eq!(super::shown("a\nb\0"), "a\\nb\\u{0}");
        let long = super::shown(&"x".repeat(10_000_000));
        assert!(long.starts_with(&"x".repeat(super::SHOWN_CHARS)));
        assert!(long.ends_with("… (10000000 characters)"), "{long}");
    }

    #[test]
    fn shorten_quotes_cuts_long_words_only() {
        let message = format!(
            "error: invalid value '{}' for '--as-of'\n",
            "Z".repeat(5000)
        );
        let short = super::shorten_quotes(&message);
        assert!(short.len() < 120, "{short}");
        assert!(short.ends_with("for '--as-of'\n"));
        assert_eq!(super::shorten_quotes("a b\nc"), "a b\nc");
    }
}
