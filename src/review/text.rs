//! The digest: the review's facts that need someone this week, as plain text (or
//! markdown) short enough for a cron email: what is due, who is over the limit, the
//! coverage gaps, the requests past the SLA, and the headline in one line each.

use std::fmt::Write as _;

use super::{Review, int, money, text};

/// The digest of `review`; `markdown` gives headings and bullets a mail client renders.
pub fn digest(r: &Review, markdown: bool) -> String {
    let mut out = String::new();
    // Plain text is read in a terminal or a mail client's fixed width: its lines are
    // wrapped at 80 columns, a bullet's under its first word.
    let heading = |out: &mut String, words: String| {
        if markdown {
            let _ = write!(out, "\n## {words}\n\n");
        } else {
            out.push('\n');
            wrap(out, &words, "", "  ");
        }
    };
    let item = |out: &mut String, words: String| {
        if markdown {
            let _ = writeln!(out, "- {}", md_escape(&words));
        } else {
            wrap(out, &words, "  - ", "    ");
        }
    };
    let title = format!(
        "Reference program digest, as of {} (period {} to {})",
        r.as_of, r.since, r.until
    );
    if markdown {
        let _ = writeln!(out, "# {}", md_escape(&title));
    } else {
        let _ = writeln!(out, "{title}");
    }
    if r.is_empty() {
        let _ = write!(
            out,
            "\nThe program is empty: import accounts, contacts, opportunities, requests and activities (refprog import KIND FILE), or try refprog demo.\n"
        );
        return out;
    }

    let care = &r.care;
    let due: u64 = care.by_kind.values().map(|v| v.1).sum();
    let overdue: u64 = care.by_kind.values().map(|v| v.0).sum();
    heading(
        &mut out,
        format!(
            "Due by {}: {due} follow-ups, {overdue} of them overdue",
            r.as_of
        ),
    );
    for (kind, (overdue, due)) in &care.by_kind {
        item(&mut out, format!("{kind}: {due} due, {overdue} overdue"));
    }
    if !r.renewals.is_empty() {
        item(
            &mut out,
            format!(
                "{} references' accounts renew within {} days: ask them with care",
                r.renewals.len(),
                r.renewal_days
            ),
        );
    }
    if due > 0 {
        item(
            &mut out,
            format!("the list: refprog --as-of {} followups", r.as_of),
        );
    }

    let over = r.flagged("over-limit");
    heading(
        &mut out,
        format!("Over the limit: {} references", over.len()),
    );
    for row in over.iter().take(10) {
        item(
            &mut out,
            format!(
                "{} ({}, {}): {} in 90 days, limit {}",
                text(row, "name"),
                text(row, "account"),
                text(row, "tier"),
                int(row, "last_90_days"),
                int(row, "limit")
            ),
        );
    }
    if over.len() > 10 {
        item(&mut out, format!("and {} more", over.len() - 10));
    }
    let burnout = r.flagged("burnout").len();
    let fatigue = r.flagged("fatigue").len();
    if burnout + fatigue > 0 {
        item(
            &mut out,
            format!("flags: {burnout} burnout, {fatigue} fatigue (refprog report utilization)"),
        );
    }

    let gaps: Vec<_> = r
        .segments()
        .into_iter()
        .filter(|s| s.covered == "gap")
        .collect();
    heading(
        &mut out,
        format!(
            "Gaps: {} segments with deals closing in 90 days and too few available references",
            gaps.len()
        ),
    );
    for s in gaps.iter().take(10) {
        item(
            &mut out,
            format!(
                "{} / {}: {} available, {} deals worth {}; capacity runs out: {}",
                s.group,
                s.band,
                s.available,
                s.deals_90d,
                money(&s.amount_90d),
                s.runs_out
            ),
        );
    }
    if gaps.len() > 10 {
        item(
            &mut out,
            format!("and {} more (refprog report coverage)", gaps.len() - 10),
        );
    }

    let late = r.past_sla();
    heading(
        &mut out,
        format!(
            "Requests past the {}-hour SLA, still waiting: {}",
            r.sla_hours,
            late.len()
        ),
    );
    for row in late.iter().take(10) {
        item(
            &mut out,
            format!(
                "{} {} (rep {}, submitted {}, now {})",
                row.request_id,
                row.prospect,
                row.rep.as_deref().unwrap_or(""),
                row.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
                row.status
            ),
        );
    }
    if late.len() > 10 {
        item(
            &mut out,
            format!("and {} more (refprog request list)", late.len() - 10),
        );
    }

    heading(&mut out, format!("Headline, {} to {}", r.since, r.until));
    let h = r.headline();
    item(
        &mut out,
        format!(
            "win rate {} with a reference, {} without (an association, not proof)",
            h.with.value, h.without.value
        ),
    );
    item(
        &mut out,
        format!(
            "revenue influenced {}; pipeline influenced {} in {} open deals",
            money(&h.revenue.value),
            h.pipeline_amount(),
            h.pipeline.0
        ),
    );
    item(&mut out, format!("{}: {}", h.within.name, h.within.value));
    item(
        &mut out,
        format!(
            "active references: {} (target {})",
            h.active.value, h.active.target
        ),
    );
    let _ = write!(
        out,
        "\nThe page: refprog --as-of {} review --html review.html\n",
        r.as_of
    );
    out
}

/// The width plain text is wrapped at.
const WIDTH: usize = 80;

/// `words` as lines of at most [`WIDTH`] columns, the first after `first`, the others after
/// `rest`; a word longer than a line (a long id) stays whole on its own.
fn wrap(out: &mut String, words: &str, first: &str, rest: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in words.split(' ').filter(|w| !w.is_empty()) {
        let wide = line.chars().count() + 1 + word.chars().count();
        if !empty && wide > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
}

/// Markdown's emphasis and list characters in names are shown as they are.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
