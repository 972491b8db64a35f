//! The review page: one self-contained HTML file (inline CSS and SVG, no script, nothing
//! fetched), six sections, each with its figures and their n, the command that prints
//! the same figures as text, and, where the program has no data for it, what is missing
//! instead of an empty chart. The bytes depend only on the database and `--as-of`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::svg::{self, Bar, GridCell, Stack, escape};
use super::{Headline, LoadClass, Review, Row, money, text};
use crate::domain::metrics::Rate;
use crate::domain::model::Tier;
use crate::domain::segments::SizeBand;

const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#222;background:#fff;max-width:1100px;margin:0 auto;padding:24px;line-height:1.45}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:21px;color:#1f4e79;border-bottom:2px solid #1f4e79;padding-bottom:4px;margin-top:36px}
h3{font-size:16px;margin:18px 0 4px}
.sub{color:#555;margin:0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #ccd;border-radius:6px;padding:10px 14px;min-width:190px;flex:1}
.card .big{font-size:24px;font-weight:700;color:#1f4e79}
.card .what{font-size:13px;color:#555}
table{border-collapse:collapse;margin:8px 0 12px;font-size:14px}
th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f3f6fa}
td.num{text-align:right;white-space:nowrap}
.met{color:#2e7d32}
.not{color:#c0392b;font-weight:600}
.gap{background:#fbe3e1}
.cmd{font-size:13px;color:#555;margin:6px 0}
code{background:#f4f4f4;padding:1px 5px;border-radius:3px;font-size:13px}
.missing{background:#fff8e1;border-left:4px solid #f0ad4e;padding:8px 12px;margin:10px 0}
.caution{font-style:italic;color:#555}
figure{margin:12px 0}
figcaption{font-size:13px;color:#555}
svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:13px;fill:#222}
svg .sub{font-size:11px;fill:#555}
svg .cell{font-size:13px;font-weight:600}
svg .inbar{fill:#fff;font-size:12px}
svg .rate{font-size:12px;fill:#1f4e79;font-weight:600}
footer{margin-top:40px;font-size:12px;color:#777}
@media print{body{padding:0;max-width:none}section{break-inside:avoid}h2{break-after:avoid}}
@page{margin:14mm}
";

/// The whole page.
pub fn page(r: &Review) -> String {
    let mut html = String::with_capacity(64 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Reference program review, {s} to {u}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
         <header>\n<h1>Customer reference program: review</h1>\n\
         <p class=\"sub\">Period {s} to {u} &middot; as of {a} &middot; every figure with its n and the refprog command that prints it as text</p>\n</header>\n",
        s = r.since,
        u = r.until,
        a = r.as_of
    );
    headline(&mut html, r);
    coverage(&mut html, r);
    load(&mut html, r);
    trend(&mut html, r);
    care(&mut html, r);
    people(&mut html, r);
    let _ = write!(
        html,
        "<footer>Made by refprog from one database as of {}. Fields that keep no history (status, health, tier) are read as they are now.</footer>\n</body>\n</html>\n",
        r.as_of
    );
    html
}

fn section(html: &mut String, id: &str, title: &str) {
    let _ = write!(html, "<section id=\"{id}\">\n<h2>{}</h2>\n", escape(title));
}

fn end(html: &mut String) {
    html.push_str("</section>\n");
}

fn command(html: &mut String, commands: &[&str]) {
    let list: Vec<String> = commands
        .iter()
        .map(|c| format!("<code>{}</code>", escape(c)))
        .collect();
    let _ = writeln!(
        html,
        "<p class=\"cmd\">The same figures as text: {}</p>",
        list.join(" and ")
    );
}

fn missing(html: &mut String, words: &str) {
    let _ = writeln!(html, "<p class=\"missing\">{}</p>", escape(words));
}

fn figure(html: &mut String, chart: String, caption: &str) {
    let _ = write!(
        html,
        "<figure>\n{chart}<figcaption>{}</figcaption>\n</figure>\n",
        escape(caption)
    );
}

/// A table of figures: name, value, n, target, status.
fn figures(html: &mut String, rows: &[[String; 5]]) {
    html.push_str(
        "<table class=\"figures\">\n<tr><th>figure</th><th>value</th><th>n</th><th>target</th><th>status</th></tr>\n",
    );
    for [name, value, n, target, status] in rows {
        let class = match status.as_str() {
            "met" => " class=\"met\"",
            "not met" => " class=\"not\"",
            _ => "",
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td{class}>{}</td></tr>",
            escape(name),
            escape(value),
            escape(n),
            escape(target),
            escape(status)
        );
    }
    html.push_str("</table>\n");
}

/// A plain table from header names and rows of cells (already text).
fn table(html: &mut String, headers: &[&str], rows: &[Vec<String>], numeric: &[usize]) {
    html.push_str("<table>\n<tr>");
    for h in headers {
        let _ = write!(html, "<th>{}</th>", escape(h));
    }
    html.push_str("</tr>\n");
    for row in rows {
        html.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if numeric.contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(html, "<td{class}>{}</td>", escape(cell));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
}

fn card(html: &mut String, big: &str, what: &str) {
    let _ = writeln!(
        html,
        "<div class=\"card\"><div class=\"big\">{}</div><div class=\"what\">{}</div></div>",
        escape(big),
        escape(what)
    );
}

fn n_of(n: Option<i64>) -> String {
    n.map_or(String::new(), |n| n.to_string())
}

fn percent(rate: Option<Rate>) -> String {
    rate.and_then(Rate::value)
        .map_or("n/a".to_string(), |v| format!("{:.1} %", v * 100.0))
}

fn headline(html: &mut String, r: &Review) {
    section(
        html,
        "headline",
        "Headline: what the program does for revenue",
    );
    let h = r.headline();
    let Headline {
        with,
        without,
        lift,
        revenue,
        received,
        fulfilment,
        hours,
        within,
        active,
        ..
    } = &h;
    let (with_rate, without_rate) = (with.rate(), without.rate());
    let closed = with_rate.map_or(0, |x| x.n) + without_rate.map_or(0, |x| x.n);
    html.push_str("<div class=\"cards\">\n");
    card(
        html,
        &money(&revenue.value),
        &format!(
            "revenue influenced: won deals with a reference (n = {})",
            n_of(revenue.n)
        ),
    );
    card(
        html,
        &h.pipeline_amount(),
        &format!(
            "pipeline influenced: open deals with a reference at work (n = {})",
            h.pipeline.0
        ),
    );
    card(
        html,
        &format!("{} vs {}", percent(with_rate), percent(without_rate)),
        &format!(
            "win rate with vs without a reference (n = {} and {})",
            with_rate.map_or(0, |x| x.n),
            without_rate.map_or(0, |x| x.n)
        ),
    );
    card(
        html,
        &percent(within.rate()),
        &format!("{} (n = {})", within.name, n_of(within.n)),
    );
    card(html, &active.value, "active references");
    html.push_str("</div>\n");
    if closed == 0 {
        missing(
            html,
            &format!(
                "No deals closed between {} and {}: import opportunities with their status and close date (refprog import opportunities FILE) to see the win rates and the revenue influenced.",
                r.since, r.until
            ),
        );
    } else {
        figure(
            html,
            svg::bars(
                "Win rate with and without a reference",
                &[
                    Bar {
                        label: "with a reference".into(),
                        value: with_rate.and_then(Rate::value).unwrap_or(0.0),
                        caption: with.value.clone(),
                        color: svg::INK,
                    },
                    Bar {
                        label: "without".into(),
                        value: without_rate.and_then(Rate::value).unwrap_or(0.0),
                        caption: without.value.clone(),
                        color: svg::INK_LIGHT,
                    },
                ],
                1.0,
                None,
            ),
            &format!(
                "Win rate of deals closed {} to {}, with and without a reference.",
                r.since, r.until
            ),
        );
        let _ = writeln!(
            html,
            "<p class=\"caution\">An association, not proof: deals that got a reference may differ in other ways (stage, size, rep, the prospect's interest). Lift: {} (n = {}).</p>",
            escape(&lift.value),
            n_of(lift.n)
        );
    }
    let mut rows = vec![
        [
            "revenue influenced (won deals with a reference)".to_string(),
            money(&revenue.value),
            n_of(revenue.n),
            String::new(),
            String::new(),
        ],
        [
            "pipeline influenced (open deals with a reference at work)".to_string(),
            h.pipeline_amount(),
            h.pipeline.0.to_string(),
            String::new(),
            String::new(),
        ],
        [
            "win rate with a reference".to_string(),
            with.value.clone(),
            n_of(with.n),
            String::new(),
            String::new(),
        ],
        [
            "win rate without".to_string(),
            without.value.clone(),
            n_of(without.n),
            String::new(),
            String::new(),
        ],
        [
            received.name.clone(),
            received.value.clone(),
            String::new(),
            String::new(),
            String::new(),
        ],
        [
            fulfilment.name.clone(),
            fulfilment.value.clone(),
            n_of(fulfilment.n),
            fulfilment.target.clone(),
            fulfilment.status.clone(),
        ],
        [
            hours.name.clone(),
            hours.value.clone(),
            n_of(hours.n),
            format!("{} hours (fulfillment.sla_hours)", r.sla_hours),
            match hours.number() {
                Some(h) if h <= r.sla_hours as f64 => "met".to_string(),
                Some(_) => "not met".to_string(),
                None => "no data".to_string(),
            },
        ],
        [
            within.name.clone(),
            within.value.clone(),
            n_of(within.n),
            within.target.clone(),
            within.status.clone(),
        ],
        [
            active.name.clone(),
            active.value.clone(),
            n_of(active.n),
            active.target.clone(),
            active.status.clone(),
        ],
    ];
    let mut tiers = Vec::new();
    for (tier, m) in &h.tiers {
        let count = m.number().unwrap_or(0.0);
        tiers.push(Bar {
            label: format!("{tier}"),
            value: count,
            caption: m.value.clone(),
            color: svg::INK,
        });
        rows.push([
            m.name.clone(),
            m.value.clone(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    figures(html, &rows);
    let total = active.number().unwrap_or(0.0);
    let target: f64 = active.target.trim_end_matches('+').parse().unwrap_or(0.0);
    if received.number().unwrap_or(0.0) == 0.0 {
        missing(
            html,
            &format!(
                "No requests received between {} and {}: record them with refprog request add (or import requests) to see the fulfilment rate and the time to scheduled.",
                r.since, r.until
            ),
        );
    }
    if total == 0.0 {
        missing(
            html,
            "No active references: enroll contacts with refprog roster enroll CONTACT --tier standard (or import contacts with a tier) to see them by tier.",
        );
    } else {
        tiers.push(Bar {
            label: "all active".into(),
            value: total,
            caption: format!("{} (target {})", active.value, active.target),
            color: if active.status == "met" {
                svg::GOOD
            } else {
                svg::WARN
            },
        });
        figure(
            html,
            svg::bars(
                "Active references by tier against the target",
                &tiers,
                total.max(target) * 1.1,
                Some((target, "target")),
            ),
            "Active references by tier; the dashed line is the target for the whole program (target.references_min).",
        );
    }
    let (s, u) = (r.since, r.until);
    command(
        html,
        &[
            &format!(
                "refprog --as-of {} report impact --since {s} --until {u}",
                r.as_of
            ),
            &format!(
                "refprog --as-of {} report fulfillment --since {s} --until {u}",
                r.as_of
            ),
            &format!("refprog --as-of {} report health", r.as_of),
            &format!("refprog --as-of {} digest", r.as_of),
        ],
    );
    end(html);
}

fn coverage(html: &mut String, r: &Review) {
    section(
        html,
        "coverage",
        "Coverage: references for the pipeline's segments",
    );
    let segments = r.segments();
    if segments.is_empty() {
        missing(
            html,
            "No segments: there are no references and no open deals. Import accounts (industry, employees), contacts and opportunities to see where the bench is thin.",
        );
        command(html, &[&r.coverage.command, &r.capacity.command]);
        end(html);
        return;
    }
    let groups: BTreeSet<&str> = segments.iter().map(|s| s.group.as_str()).collect();
    let mut bands: Vec<String> = SizeBand::ALL
        .iter()
        .map(|b| b.as_str().to_string())
        .collect();
    for s in &segments {
        if !bands.contains(&s.band) {
            bands.push(s.band.clone());
        }
    }
    let groups: Vec<String> = groups.into_iter().map(str::to_string).collect();
    let by_key: BTreeMap<(&str, &str), &super::Segment> = segments
        .iter()
        .map(|s| ((s.group.as_str(), s.band.as_str()), s))
        .collect();
    let with_demand = segments.iter().filter(|s| s.covered != "no demand").count();
    let covered = segments.iter().filter(|s| s.covered == "yes").count();
    let gaps: Vec<&super::Segment> = segments.iter().filter(|s| s.covered == "gap").collect();
    let _ = writeln!(
        html,
        "<p>Coverage: <b>{}</b> of the segments with deals closing in 90 days have enough available references (target.per_segment); {} gaps.</p>",
        escape(&Rate::new(covered as u64, with_demand as u64).describe()),
        gaps.len()
    );
    let chart = svg::grid(
        "References available against deals closing in 90 days, by segment",
        &groups,
        &bands,
        |i, j| {
            let s = by_key.get(&(groups[i].as_str(), bands[j].as_str()))?;
            let (fill, state) = match s.covered.as_str() {
                "gap" => ("#f4c7c3", "gap"),
                "yes" => ("#cfe8cf", "covered"),
                _ => ("#e8e8e8", "no demand"),
            };
            let sub = if s.covered == "gap" && s.runs_out.starts_with(|c: char| c.is_ascii_digit())
            {
                format!("gap, runs out {}", s.runs_out)
            } else {
                state.to_string()
            };
            Some(GridCell {
                text: format!("{} refs / {} deals", s.available, s.deals_90d),
                sub,
                fill,
                tip: format!(
                    "{} / {}: {} available, {} deals in 90 days worth {}, capacity runs out: {}",
                    s.group,
                    s.band,
                    s.available,
                    s.deals_90d,
                    money(&s.amount_90d),
                    s.runs_out
                ),
            })
        },
    );
    figure(
        html,
        chart,
        "Each cell: available references / open deals closing in 90 days. Red: a gap (demand, too few references); green: covered; grey: no demand.",
    );
    if gaps.is_empty() {
        html.push_str(
            "<p>No gaps: every segment with demand has enough available references.</p>\n",
        );
    } else {
        html.push_str("<h3>Gaps, biggest demand first</h3>\n");
        let rows: Vec<Vec<String>> = gaps
            .iter()
            .take(10)
            .map(|s| {
                vec![
                    format!("{} / {}", s.group, s.band),
                    s.available.to_string(),
                    s.deals_90d.to_string(),
                    money(&s.amount_90d),
                    s.runs_out.clone(),
                ]
            })
            .collect();
        table(
            html,
            &[
                "segment",
                "available",
                "deals in 90 days",
                "amount in 90 days",
                "capacity runs out",
            ],
            &rows,
            &[1, 2, 3],
        );
        if gaps.len() > 10 {
            let _ = writeln!(
                html,
                "<p>and {} more gaps (the coverage report lists them all).</p>",
                gaps.len() - 10
            );
        }
    }
    command(html, &[&r.coverage.command, &r.capacity.command]);
    end(html);
}

fn names(rows: &[&Row], limit: usize) -> String {
    let mut list: Vec<String> = rows
        .iter()
        .take(limit)
        .map(|r| format!("{} ({})", text(r, "name"), text(r, "account")))
        .collect();
    if rows.len() > limit {
        list.push(format!("and {} more", rows.len() - limit));
    }
    list.join(", ")
}

fn load(html: &mut String, r: &Review) {
    section(html, "load", "Load: who carries the program");
    let classes = r.load_classes();
    if classes.is_empty() {
        missing(
            html,
            "No active references, so no load to show: enroll references (refprog roster enroll) and log what they do (refprog log-call).",
        );
        command(html, &[&r.utilization.command, &r.health.command]);
        end(html);
        return;
    }
    let legend = [
        (LoadClass::Idle.as_str(), "#bdbdbd"),
        (LoadClass::Below.as_str(), svg::INK_LIGHT),
        (LoadClass::AtLimit.as_str(), svg::INK),
        (LoadClass::Over.as_str(), svg::WARN),
    ];
    let stacks: Vec<Stack> = Tier::ALL
        .iter()
        .filter(|t| classes.iter().any(|(tier, _, _)| tier == *t))
        .map(|t| Stack {
            label: t.to_string(),
            parts: LoadClass::ALL
                .iter()
                .map(|c| {
                    classes
                        .iter()
                        .filter(|(tier, class, _)| tier == t && class == c)
                        .count() as u64
                })
                .collect(),
        })
        .collect();
    figure(
        html,
        svg::stacked(
            "References by load in the last 90 days against their limit",
            &legend,
            &stacks,
        ),
        "Active references by tier: load in the last 90 days (units, as the limits count them) against the tier's limit.",
    );
    let of = |c: LoadClass| -> Vec<&Row> {
        classes
            .iter()
            .filter(|(_, class, _)| *class == c)
            .map(|(_, _, row)| *row)
            .collect()
    };
    let (at, over, idle) = (
        of(LoadClass::AtLimit),
        of(LoadClass::Over),
        of(LoadClass::Idle),
    );
    let concentration = r
        .health
        .metric("load", "share of the last year")
        .unwrap_or_default();
    let burnout = r.flagged("burnout");
    let fatigue = r.flagged("fatigue");
    let total = classes.len().to_string();
    figures(
        html,
        &[
            [
                "at the limit".into(),
                at.len().to_string(),
                total.clone(),
                String::new(),
                String::new(),
            ],
            [
                "over the limit".into(),
                over.len().to_string(),
                total.clone(),
                "0".into(),
                if over.is_empty() {
                    "met".into()
                } else {
                    "not met".into()
                },
            ],
            [
                "idle (nothing in 90 days)".into(),
                idle.len().to_string(),
                total.clone(),
                String::new(),
                String::new(),
            ],
            [
                concentration.name.clone(),
                concentration.value.clone(),
                n_of(concentration.n),
                String::new(),
                String::new(),
            ],
            [
                "burnout flags (more than burnout.per_quarter this quarter)".into(),
                burnout.len().to_string(),
                total.clone(),
                "0".into(),
                if burnout.is_empty() {
                    "met".into()
                } else {
                    "not met".into()
                },
            ],
            [
                "fatigue flags (passes in a row, slower answers)".into(),
                fatigue.len().to_string(),
                total,
                "0".into(),
                if fatigue.is_empty() {
                    "met".into()
                } else {
                    "not met".into()
                },
            ],
        ],
    );
    for (title, rows) in [
        ("Over the limit", &over),
        ("At the limit", &at),
        ("Burnout flag", &burnout),
        ("Fatigue flag", &fatigue),
    ] {
        if !rows.is_empty() {
            let _ = writeln!(html, "<p><b>{title}:</b> {}</p>", escape(&names(rows, 12)));
        }
    }
    command(html, &[&r.utilization.command, &r.health.command]);
    end(html);
}

fn trend(html: &mut String, r: &Review) {
    section(
        html,
        "trend",
        "Trend: requests, fulfilment and satisfaction per month",
    );
    let labels: Vec<String> = r.months.iter().map(|m| m.label.clone()).collect();
    let counts: Vec<i64> = r.months.iter().map(|m| m.requests()).collect();
    let rates: Vec<Option<f64>> = r
        .months
        .iter()
        .map(|m| m.fulfilment().and_then(Rate::value))
        .collect();
    let nps: Vec<Option<f64>> = r.months.iter().map(|m| m.reference_nps().0).collect();
    if counts.iter().all(|c| *c == 0) {
        missing(
            html,
            &format!(
                "No requests received between {} and {}: record requests (refprog request add, or import requests) to see the monthly trend.",
                r.since, r.until
            ),
        );
    } else {
        figure(
            html,
            svg::columns_with_rate(
                "Requests and fulfilment per month",
                &labels,
                &counts,
                &rates,
                "requests received",
                "fulfilment rate",
            ),
            "Columns: requests received each month; line: the share of approved requests that were scheduled.",
        );
    }
    if nps.iter().all(Option::is_none) {
        missing(
            html,
            "No ratings in the period: log the references' and prospects' ratings (refprog log-call ... --reference-rating N --prospect-rating N) to see satisfaction.",
        );
    } else {
        figure(
            html,
            svg::score_line("Reference NPS per month", &labels, &nps, -100.0, 100.0),
            "Reference NPS (from -100 to 100) from the references' ratings of the experience, per month.",
        );
    }
    let rows: Vec<Vec<String>> = r
        .months
        .iter()
        .map(|m| {
            let (nps, nps_n) = m.reference_nps();
            let (prospect, prospect_n) = m.prospect_rating();
            vec![
                m.label.clone(),
                m.requests().to_string(),
                m.fulfilment().map_or("n/a".into(), Rate::describe),
                nps.map_or("n/a".into(), |v| format!("{v:.0}")),
                nps_n.to_string(),
                prospect.map_or("n/a".into(), |v| format!("{v:.1}")),
                prospect_n.to_string(),
            ]
        })
        .collect();
    table(
        html,
        &[
            "month",
            "requests",
            "fulfilment (scheduled of approved)",
            "reference NPS",
            "n",
            "average prospect rating",
            "n",
        ],
        &rows,
        &[1, 2, 3, 4, 5, 6],
    );
    if let Some(first) = r.months.first() {
        command(
            html,
            &[&first.fulfillment.command, &first.satisfaction.command],
        );
        html.push_str("<p class=\"cmd\">(one month shown; the other months likewise with their own --since and --until)</p>\n");
    }
    end(html);
}

fn care(html: &mut String, r: &Review) {
    section(
        html,
        "care",
        "Care: thanks, recognition, recommitments, renewals",
    );
    let care = &r.care;
    let overdue: u64 = care.by_kind.values().map(|v| v.0).sum();
    let due: u64 = care.by_kind.values().map(|v| v.1).sum();
    if !r.has_active_references() && care.by_kind.is_empty() {
        missing(
            html,
            "No references enrolled, so nothing to follow up: enroll references (refprog roster enroll) and log their activities (refprog log-call).",
        );
    } else if care.by_kind.is_empty() {
        let _ = writeln!(
            html,
            "<p>Nothing due: every follow-up is done as of {}.</p>",
            r.as_of
        );
    } else {
        let max = care.by_kind.values().map(|v| v.1).max().unwrap_or(1) as f64;
        let bars: Vec<Bar> = care
            .by_kind
            .iter()
            .map(|(kind, (overdue, due))| Bar {
                label: (*kind).to_string(),
                value: *due as f64,
                caption: format!("{due} due, {overdue} overdue"),
                color: if *overdue > 0 { svg::WARN } else { svg::INK },
            })
            .collect();
        figure(
            html,
            svg::bars("Follow-ups due by kind", &bars, max, None),
            &format!(
                "Follow-ups due by {} (red: some are overdue), by kind.",
                r.as_of
            ),
        );
    }
    let past_window: Vec<Vec<String>> = r
        .renewals
        .iter()
        .map(|x| {
            vec![
                x.day.to_string(),
                x.name.clone(),
                x.account.clone(),
                x.contact_id.clone(),
            ]
        })
        .collect();
    figures(
        html,
        &[
            ["follow-ups overdue".into(), overdue.to_string(), due.to_string(), "0".into(), if overdue == 0 { "met".into() } else { "not met".into() }],
            ["of them stale (overdue longer than followup.stale_days)".into(), care.stale.to_string(), String::new(), String::new(), String::new()],
            ["recognition due (appreciation after followup.appreciation_after activities in a year)".into(), care.recognition_due.len().to_string(), String::new(), String::new(), String::new()],
            ["recommitments due".into(), care.recommitments_due.len().to_string(), String::new(), String::new(), String::new()],
            [format!("references whose account renews within {} days (match.renewal_caution_days)", r.renewal_days), r.renewals.len().to_string(), String::new(), String::new(), String::new()],
        ],
    );
    // The first fifteen of each list, as `followups` lists them: the recent first, then the
    // stale; what is left is counted, and the commands below list it all.
    const SHOWN: usize = 15;
    for (title, rows) in [
        ("Recognition due", &care.recognition_due),
        ("Recommitments due", &care.recommitments_due),
    ] {
        if rows.is_empty() {
            continue;
        }
        html.push_str(&format!("<h3>{title}</h3>\n"));
        let shown: Vec<Vec<String>> = rows
            .iter()
            .take(SHOWN)
            .map(|x| {
                vec![
                    x.due.to_string(),
                    x.name.to_string(),
                    x.account.to_string(),
                    x.what(),
                ]
            })
            .collect();
        table(html, &["due", "reference", "account", "what"], &shown, &[]);
        if rows.len() > SHOWN {
            html.push_str(&format!(
                "<p>and {} more (the recent first, then the stale; the commands below list them all).</p>\n",
                rows.len() - SHOWN
            ));
        }
    }
    if !past_window.is_empty() {
        html.push_str(
            "<h3>Renewals inside the caution window (ask these references with care)</h3>\n",
        );
        table(
            html,
            &["renews on", "reference", "account", "contact"],
            &past_window,
            &[],
        );
    }
    command(
        html,
        &[
            &format!("refprog --as-of {} followups --overdue", r.as_of),
            &format!("refprog --as-of {} followups --stale", r.as_of),
            &format!("refprog --as-of {} followups --all", r.as_of),
        ],
    );
    end(html);
}

fn people(html: &mut String, r: &Review) {
    section(
        html,
        "people",
        "People: the top references and the candidates to develop",
    );
    let top = r.top_of_period();
    let _ = writeln!(
        html,
        "<h3>Top references of {} to {}</h3>",
        r.since, r.until
    );
    if top.is_empty() {
        missing(
            html,
            &format!(
                "No reference did anything between {} and {}: log activities with refprog log-call CONTACT --kind call.",
                r.since, r.until
            ),
        );
    } else {
        let rows: Vec<Vec<String>> = top
            .iter()
            .map(|(units, x)| {
                vec![
                    text(x, "name"),
                    text(x, "account"),
                    text(x, "tier"),
                    units.to_string(),
                    text(x, "last_90_days"),
                    text(x, "limit"),
                    text(x, "flags"),
                ]
            })
            .collect();
        table(
            html,
            &[
                "reference",
                "account",
                "tier",
                "in the period",
                "last 90 days",
                "limit",
                "flags",
            ],
            &rows,
            &[3, 4, 5],
        );
        let _ = writeln!(
            html,
            "<p class=\"cmd\">In the period: units of load between {} and {} (an ask and the call it led to count once, as the limits count them); last 90 days and limit as <code>report utilization</code> gives them.</p>",
            r.since, r.until
        );
    }
    for (title, captured, none) in [
        (
            "Tier-1 candidates (score)",
            &r.tier1,
            "No tier-1 candidates: import accounts with NPS, health and adoption (refprog import accounts FILE) so score can rate them.",
        ),
        (
            "Candidates to develop (score)",
            &r.develop,
            "No candidates to develop: import accounts with NPS, health and adoption (refprog import accounts FILE) so score can rate them.",
        ),
    ] {
        let _ = writeln!(html, "<h3>{}</h3>", escape(title));
        let rows: Vec<Vec<String>> = captured
            .table(0)
            .iter()
            .map(|x| {
                vec![
                    text(x, "name"),
                    text(x, "industry"),
                    text(x, "composite"),
                    text(x, "best_contact"),
                    text(x, "reason"),
                ]
            })
            .collect();
        if rows.is_empty() {
            missing(html, none);
        } else {
            table(
                html,
                &["account", "industry", "score", "best contact", "why"],
                &rows,
                &[2],
            );
        }
    }
    command(
        html,
        &[&r.utilization.command, &r.tier1.command, &r.develop.command],
    );
    end(html);
}
