//! Plain types and pure rules: no I/O, no SQL, no clock ("today" is an argument).

pub mod brief;
pub mod dates;
pub mod eligibility;
pub mod followups;
pub mod matching;
pub mod metrics;
pub mod model;
pub mod people;
pub mod policy;
pub mod records;
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

/// Text given on the command line that refprog stores or looks up (a name, a note, a
/// reason, an id): control characters other than tab (a line break, NUL, escape) are
/// refused, so what is stored prints and exports as one cell. The one check for every
/// such flag and argument.
pub fn one_line(text: &str) -> Result<(), String> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!(
            "'{}' holds a control character (line break, NUL or escape): give the text on one line",
            shown(text)
        ));
    }
    Ok(())
}

/// A message with every run of more than [`SHOWN_CHARS`] characters without a blank cut
/// to that many and `…`: for messages written by a library (clap) that quote a value whole.
pub fn shorten_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut run = 0usize;
    let mut cut = false;
    for c in message.chars() {
        // A control character a value brought (an escape, a NUL, a carriage return) is
        // shown, not sent to the terminal; the message's own line breaks stay.
        let hidden = c.is_control() && c != '\n' && c != '\t';
        if c.is_whitespace() && !hidden {
            run = 0;
            cut = false;
            out.push(c);
        } else if run < SHOWN_CHARS {
            run += 1;
            if hidden {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        } else if !cut {
            cut = true;
            out.push('…');
        }
    }
    out
}

/// A run without a blank longer than this in a message of refprog's own is a value, not
/// a word or a path, and is cut by [`cut_long_values`].
pub const LONG_RUN: usize = 256;
/// A line of a message longer than this is cut by [`cut_long_values`].
pub const LONG_LINE: usize = 2_000;

/// The last net under every error message refprog prints (issue 15 finding 9): a message
/// that quoted a value whole (`no contact 'ZZZ…'` given a 100,000-character argument) has
/// each run of more than [`LONG_RUN`] characters without a blank cut to [`SHOWN_CHARS`],
/// and each line to [`LONG_LINE`], with the full length said. Paths and words are far
/// shorter and stay whole.
pub fn cut_long_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4 * LONG_LINE));
    for (index, line) in message.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let mut cut_line = String::new();
        let mut rest = line;
        while !rest.is_empty() {
            let blank = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let (run, after) = rest.split_at(blank);
            let length = run.chars().count();
            if length > LONG_RUN {
                cut_line.extend(run.chars().take(SHOWN_CHARS));
                cut_line.push_str(&format!("… ({length} characters)"));
            } else {
                cut_line.push_str(run);
            }
            let next = after
                .char_indices()
                .find(|(_, c)| !c.is_whitespace())
                .map_or(after.len(), |(i, _)| i);
            cut_line.push_str(&after[..next]);
            rest = &after[next..];
        }
        let length = cut_line.chars().count();
        if length > LONG_LINE {
            out.extend(cut_line.chars().take(LONG_LINE));
            out.push_str(&format!("… (a line of {length} characters)"));
        } else {
            out.push_str(&cut_line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn cut_long_values_keeps_words_and_paths_and_cuts_values() {
        let path = format!("/home/pm/{}/refprog.db", "reports".repeat(20));
        let message = format!("cannot open '{path}': no such file\nsecond line");
        assert_eq!(super::cut_long_values(&message), message);
        let id = "Z".repeat(100_000);
        let cut = super::cut_long_values(&format!("no contact '{id}' (see 'refprog roster list')"));
        assert_eq!(
            cut,
            format!(
                "no contact '{}… (100002 characters) (see 'refprog roster list')",
                "Z".repeat(super::SHOWN_CHARS - 1)
            )
        );
        let spaced = "Maya Okafor ".repeat(10_000);
        let cut = super::cut_long_values(&format!("no contact '{spaced}'"));
        assert!(cut.chars().count() < super::LONG_LINE + 40, "{}", cut.len());
        assert!(
            cut.ends_with("… (a line of 120013 characters)"),
            "{}",
            &cut[cut.len() - 60..]
        );
    }

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
        assert_eq!(
            super::shorten_quotes("value 'a\u{1b}[31m\u{0}\r'\n"),
            "value 'a\\u{1b}[31m\\u{0}\\r'\n"
        );
    }

    #[test]
    fn one_line_refuses_control_characters_but_tab() {
        assert_eq!(super::one_line("Acme\tInc."), Ok(()));
        for bad in ["a\nb", "a\rb", "a\u{0}", "\u{1b}[31m", "a\u{85}b"] {
            let error = super::one_line(bad).expect_err(bad);
            assert!(error.contains("control character"), "{error}");
            assert!(!error.chars().any(|c| c.is_control()), "{error:?}");
        }
    }
}
