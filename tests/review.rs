//! `refprog review` and `refprog digest`: the page is pinned byte for byte for the demo and
//! for an empty program, its figures equal the text reports', and it is rendered in a real
//! headless Chromium to check that a person sees every section and a chart in each.

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use util::{Workdir, assert_golden, root};

const AS_OF: &str = "2026-11-23";

fn demo() -> Workdir {
    let work = Workdir::new();
    work.run(&["--as-of", AS_OF, "--quiet", "demo"]).ok();
    work
}

/// A database that exists and holds nothing (a header-only import creates it).
fn empty() -> Workdir {
    let work = Workdir::new();
    let csv = work.write("accounts.csv", "Id,Name\n");
    work.run(&["--quiet", "import", "accounts", csv.to_str().expect("path")]);
    assert!(
        work.db.exists(),
        "the empty program's database was not created"
    );
    work
}

fn page(work: &Workdir, extra: &[&str]) -> String {
    let path = work.path("review.html");
    let mut args = vec![
        "--as-of",
        AS_OF,
        "review",
        "--html",
        path.to_str().expect("path"),
    ];
    args.extend(extra);
    work.run(&args).ok();
    std::fs::read_to_string(&path).expect("read the page")
}

fn json(work: &Workdir, args: &[&str]) -> Vec<serde_json::Map<String, Value>> {
    let mut all = vec!["--as-of", AS_OF, "--format", "json"];
    all.extend(args);
    let text = work.run(&all).ok();
    let mut rows = Vec::new();
    for value in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
        // One array, or (a report of several sections) one object of arrays.
        let arrays = match value.expect("json") {
            Value::Array(items) => vec![items],
            Value::Object(sections) => sections
                .into_iter()
                .filter_map(|(_, v)| match v {
                    Value::Array(items) => Some(items),
                    _ => None,
                })
                .collect(),
            other => panic!("not JSON rows: {other}"),
        };
        for items in arrays {
            rows.extend(items.into_iter().filter_map(|v| match v {
                Value::Object(o) => Some(o),
                _ => None,
            }));
        }
    }
    rows
}

fn cell(row: &serde_json::Map<String, Value>, key: &str) -> String {
    match row.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn metric(rows: &[serde_json::Map<String, Value>], section: &str, name: &str) -> (String, String) {
    let row = rows
        .iter()
        .find(|r| cell(r, "section") == section && cell(r, "metric").starts_with(name))
        .unwrap_or_else(|| panic!("no metric {section} / {name} in {rows:?}"));
    (cell(row, "value"), cell(row, "n"))
}

/// Whether the page's figures table has a row whose value cell shows the report's number
/// `value` (JSON gives the number; the page gives its words, "44.4 % (4 of 9)") and whose
/// n cell is `n`. No value (null) is "n/a" on the page.
fn has_figure(html: &str, value: &str, n: &str) -> bool {
    let shown = if value.is_empty() { "n/a" } else { value };
    let open = format!("<td class=\"num\">{shown}");
    html.match_indices(&open).any(|(at, _)| {
        let rest = &html[at + open.len()..];
        let next_is_digit = rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.');
        let Some(end) = rest.find("</td>") else {
            return false;
        };
        !next_is_digit
            && !rest[..end].contains('<')
            && rest[end + 5..].starts_with(&format!("<td class=\"num\">{n}</td>"))
    })
}

const SECTIONS: [&str; 6] = ["headline", "coverage", "load", "trend", "care", "people"];

#[test]
fn the_demo_page_is_pinned_and_the_same_bytes_twice() {
    let work = demo();
    let first = page(&work, &[]);
    let second = page(&work, &[]);
    assert_eq!(
        first, second,
        "the same database and --as-of gave different pages"
    );
    assert_golden("review_demo.html", &first);
    assert!(
        first.len() < 1024 * 1024,
        "the page is {} bytes",
        first.len()
    );
    assert!(first.matches("<svg").count() >= 4, "fewer than four charts");
    let stripped = first.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for forbidden in ["<script", "<link", "@import", "http://", "https://", "url("] {
        assert!(
            !stripped.contains(forbidden),
            "the page must stand alone: it has {forbidden}"
        );
    }
    for id in SECTIONS {
        assert!(
            first.contains(&format!("<section id=\"{id}\">")),
            "no section {id}"
        );
    }
}

/// A program over 1 MiB runs the page's two halves side by side on two connections (a
/// smaller one, as the demo, runs them one after the other on one): the demo grown past it
/// by accounts with no contacts, deals or activities, which change no figure of the page,
/// gives the pinned page byte for byte.
#[test]
fn the_demo_page_is_the_same_when_its_halves_run_on_two_connections() {
    let work = demo();
    let filler = util::filler_accounts(20_000);
    let csv = work.write("filler.csv", &filler);
    work.run(&["--quiet", "import", "accounts", csv.to_str().expect("path")])
        .ok();
    let bytes = work.db_bytes().len();
    assert!(bytes > 1 << 20, "the database is {bytes} bytes");
    assert_golden("review_demo.html", &page(&work, &[]));
}

#[test]
fn an_empty_program_says_what_is_missing_in_every_section() {
    let work = empty();
    let html = page(&work, &[]);
    assert_golden("review_empty.html", &html);
    assert!(!html.contains("<svg"), "an empty program drew a chart");
    for (i, id) in SECTIONS.iter().enumerate() {
        let start = html
            .find(&format!("<section id=\"{id}\">"))
            .expect("section");
        let end = SECTIONS
            .get(i + 1)
            .and_then(|next| html.find(&format!("<section id=\"{next}\">")))
            .unwrap_or(html.len());
        assert!(
            html[start..end].contains("class=\"missing\""),
            "section {id} does not say what is missing"
        );
    }
    let digest = work.run(&["--as-of", AS_OF, "digest"]).ok();
    assert!(digest.contains("The program is empty"), "{digest}");
}

#[test]
fn the_page_figures_equal_the_text_reports() {
    let work = demo();
    let html = page(&work, &[]);
    let period = ["--since", "2026-08-26", "--until", AS_OF];
    let impact = json(&work, &[&["report", "impact"][..], &period].concat());
    for (section, label) in [("with a reference", "win rate"), ("without", "win rate")] {
        let (value, n) = metric(&impact, section, label);
        assert!(
            has_figure(&html, &value, &n),
            "{section} {label}: {value} (n {n})"
        );
    }
    // Revenue and pipeline influenced: the page groups the report's number in thousands.
    for label in ["revenue influenced", "pipeline influenced"] {
        let (value, n) = metric(&impact, "with a reference", label);
        let mut grouped = String::new();
        for (i, c) in value.chars().enumerate() {
            if i > 0 && (value.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        assert!(
            html.contains(&format!(
                "</td><td class=\"num\">{grouped}</td><td class=\"num\">{n}</td>"
            )),
            "{label}: {grouped} (n {n})"
        );
    }
    let fulfillment = json(&work, &[&["report", "fulfillment"][..], &period].concat());
    for (section, label) in [
        ("requests", "fulfilment rate"),
        ("speed", "median hours"),
        ("speed", "scheduled within"),
    ] {
        let (value, n) = metric(&fulfillment, section, label);
        assert!(has_figure(&html, &value, &n), "{label}: {value} (n {n})");
    }
    let health = json(&work, &["report", "health"]);
    let (active, _) = metric(&health, "references", "active references");
    assert!(
        html.contains(&format!("<div class=\"big\">{active}</div>")),
        "active references {active}"
    );
    for tier in ["strategic", "standard", "new", "logo"] {
        let (count, _) = metric(&health, "references", &format!("{tier} tier"));
        assert!(
            html.contains(&format!(
                "<td>{tier} tier</td><td class=\"num\">{count}</td>"
            )),
            "{tier} tier: {count}"
        );
    }
    let (share, n) = metric(&health, "load", "share of the last year");
    assert!(has_figure(&html, &share, &n), "concentration {share}");
    // Coverage: the page's count of gaps is the report's.
    let coverage = json(&work, &["report", "coverage"]);
    let gaps = coverage
        .iter()
        .filter(|r| cell(r, "covered") == "gap")
        .count();
    assert!(gaps > 0, "the demo has gaps");
    assert!(
        html.contains(&format!("; {gaps} gaps.</p>")),
        "gaps: {gaps}"
    );
    // Load: over the limit, as utilization flags it.
    let utilization = json(&work, &["report", "utilization"]);
    let over = utilization
        .iter()
        .filter(|r| cell(r, "flags").split(';').any(|f| f == "over-limit"))
        .count();
    assert!(html.contains(&format!(
        "<td>over the limit</td><td class=\"num\">{over}</td>"
    )));
    // Care: the overdue follow-ups are followups --overdue.
    let overdue = json(&work, &["followups", "--overdue"]).len()
        + json(&work, &["followups", "--stale"]).len();
    assert!(
        html.contains(&format!(
            "<td>follow-ups overdue</td><td class=\"num\">{overdue}</td>"
        )),
        "overdue follow-ups: {overdue}"
    );
    // The digest says the same.
    let digest = work.run(&["--as-of", AS_OF, "digest"]).ok();
    assert!(
        digest.contains(&format!("{overdue} of them overdue")),
        "{digest}"
    );
    assert!(
        digest.contains(&format!("Over the limit: {over} references")),
        "{digest}"
    );
    assert!(
        digest.contains(&format!("Gaps: {gaps} segments")),
        "{digest}"
    );
}

/// The trend reads a period's ratings in one pass and splits them by month: each month's
/// row is `report satisfaction` and `report fulfillment` of that month (first and last
/// months clamped to the period).
#[test]
fn each_trend_month_is_the_text_reports_of_that_month() {
    let work = demo();
    let html = page(&work, &[]);
    let months = [
        ("2026-08", "2026-08-26", "2026-08-31"),
        ("2026-09", "2026-09-01", "2026-09-30"),
        ("2026-10", "2026-10-01", "2026-10-31"),
        ("2026-11", "2026-11-01", AS_OF),
    ];
    let mut rated = 0;
    for (label, since, until) in months {
        let during = ["--since", since, "--until", until];
        let satisfaction = json(&work, &[&["report", "satisfaction"][..], &during].concat());
        let fulfillment = json(&work, &[&["report", "fulfillment"][..], &during].concat());
        let (nps, nps_n) = metric(&satisfaction, "references", "reference NPS");
        let (average, average_n) = metric(&satisfaction, "prospects", "average prospect rating");
        let (requests, _) = metric(&fulfillment, "requests", "received");
        let (rate, _) = metric(&fulfillment, "requests", "fulfilment rate");
        rated += nps_n.parse::<i64>().expect("n");
        let shown = |v: &str| {
            if v.is_empty() {
                "n/a".to_string()
            } else {
                v.to_string()
            }
        };
        let start = format!("<tr><td>{label}</td>");
        let at = html
            .find(&start)
            .unwrap_or_else(|| panic!("no trend row for {label}"));
        let row = &html[at + start.len()..];
        let row = &row[..row.find("</tr>").expect("the row ends")];
        let cells: Vec<&str> = row
            .split("</td>")
            .filter_map(|c| c.strip_prefix("<td class=\"num\">"))
            .collect();
        assert_eq!(cells.len(), 6, "{label}: {row}");
        assert_eq!(cells[0], requests, "{label} requests");
        // The page gives the rate in words: "66.7 % (2 of 3)".
        let rate = if rate.is_empty() {
            "n/a".to_string()
        } else {
            format!("{rate} %")
        };
        assert!(
            cells[1].starts_with(&rate),
            "{label} fulfilment: {} vs {rate}",
            cells[1]
        );
        assert_eq!(
            cells[2..],
            [shown(&nps), nps_n, shown(&average), average_n],
            "{label} satisfaction"
        );
    }
    assert!(rated > 0, "the demo's period has ratings");
}

#[test]
fn the_digest_in_markdown_has_headings_and_bullets() {
    let work = demo();
    let text = work.run(&["--as-of", AS_OF, "digest", "--markdown"]).ok();
    assert!(
        text.starts_with("# Reference program digest, as of 2026-11-23"),
        "{text}"
    );
    for heading in [
        "## Due by",
        "## Over the limit",
        "## Gaps",
        "## Requests past the 48-hour SLA",
    ] {
        assert!(text.contains(heading), "no '{heading}' in\n{text}");
    }
    assert!(text.contains("\n- "), "{text}");
    let plain = work.run(&["--as-of", AS_OF, "digest"]).ok();
    assert!(!plain.contains("## "), "{plain}");
    assert!(
        plain.lines().count() < 60,
        "the digest is not short:\n{plain}"
    );
}

/// The plain digest is read in a terminal or a mail client's fixed width: no line is wider
/// than 80 columns; a long bullet goes on under its first word.
#[test]
fn the_plain_digest_fits_80_columns() {
    let work = demo();
    let plain = work.run(&["--as-of", AS_OF, "digest"]).ok();
    for line in plain.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: '{line}'",
            line.chars().count()
        );
    }
    // The demo's gaps are long enough to wrap: each goes on, indented under its words.
    let gap = plain
        .lines()
        .position(|l| l.starts_with("  - ") && l.contains(" available, "))
        .expect("a gap in the digest");
    let next = plain.lines().nth(gap + 1).expect("a line after the gap");
    assert!(
        next.starts_with("    ") && !next.starts_with("     "),
        "'{next}'"
    );
    assert!(next.contains("capacity runs out"), "'{next}'");
    // Markdown is left to the mail client: a bullet stays one line.
    let markdown = work.run(&["--as-of", AS_OF, "digest", "--markdown"]).ok();
    assert!(
        markdown.lines().any(|l| l.starts_with("- ")
            && l.contains(" available, ")
            && l.contains("capacity runs out")),
        "{markdown}"
    );
}

#[test]
fn a_period_is_the_days_the_quarter_the_year_or_two_dates() {
    let work = demo();
    let html = page(&work, &["--period", "2026-07-01..2026-09-30"]);
    assert!(html.contains("Period 2026-07-01 to 2026-09-30"));
    assert!(html.contains("report impact --since 2026-07-01 --until 2026-09-30"));
    let quarter = page(&work, &["--period", "quarter"]);
    assert!(quarter.contains("Period 2026-10-01 to 2026-11-23"));
    let stderr = work
        .run(&["review", "--html", "x.html", "--period", "fortnight"])
        .fails(2);
    assert!(
        stderr.contains("expected 90d (any number of days), quarter, year"),
        "{stderr}"
    );
    let stderr = work
        .run(&[
            "review",
            "--html",
            "x.html",
            "--period",
            "2026-09-30..2026-07-01",
        ])
        .fails(2);
    assert!(
        stderr.contains("2026-09-30 is after 2026-07-01"),
        "{stderr}"
    );
    work.run(&["review"]).fails(2);
}

#[test]
fn the_page_never_overwrites_the_database() {
    let work = demo();
    let before = work.db_bytes();
    let db = work.db.to_str().expect("path").to_string();
    let stderr = work
        .run(&["--as-of", AS_OF, "review", "--html", &db])
        .fails(1);
    assert!(stderr.contains("the review page"), "{stderr}");
    assert_eq!(work.db_bytes(), before, "the database changed");
}

// ---- In a real browser ------------------------------------------------------------------

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
            && out.status.success()
        {
            return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        }
    }
    panic!(
        "no headless browser: this test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it)"
    );
}

/// Runs Chromium headless on `page` with `extra` flags in a fresh profile; its output.
fn browse(page: &Path, extra: &[&str]) -> std::process::Output {
    let profile = tempfile::tempdir().expect("profile dir");
    let profile_flag = format!("--user-data-dir={}", profile.path().display());
    let url = format!("file://{}", page.display());
    let mut args = vec![
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        profile_flag.as_str(),
        // The whole demo page (about 6,900 pixels tall at this width), so the screenshot
        // shows every section.
        "--window-size=1200,7200",
    ];
    args.extend(extra);
    args.push(&url);
    let output = Command::new(chromium())
        .args(&args)
        .output()
        .expect("run chromium");
    assert!(
        output.status.success(),
        "chromium failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The share of pixels that are not near-white.
fn ink(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).expect("open screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("decode the PNG");
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "an 8-bit screenshot");
    let pixels = &buffer[..info.buffer_size()];
    let total = (info.width * info.height) as usize;
    let inked = pixels
        .chunks(channels)
        .filter(|p| p.iter().take(3.min(channels)).any(|c| *c < 235))
        .count();
    inked as f64 / total as f64
}

#[test]
fn the_demo_page_in_headless_chromium() {
    let work = demo();
    page(&work, &[]);
    let html = work.path("review.html");
    let shot = work.path("review.png");
    let shot_flag = format!("--screenshot={}", shot.display());
    let output = browse(&html, &[&shot_flag]);
    let log = String::from_utf8_lossy(&output.stderr);
    for line in log.lines() {
        assert!(
            !line.contains(":CONSOLE") && !line.contains("Failed to load resource"),
            "the page logged to the console: {line}"
        );
    }
    let share = ink(&shot);
    assert!(
        share >= 0.03,
        "the screenshot is nearly blank: {:.1} % ink",
        share * 100.0
    );

    let dom = String::from_utf8_lossy(&browse(&html, &["--dump-dom"]).stdout).into_owned();
    for id in SECTIONS {
        assert!(
            dom.contains(&format!("<section id=\"{id}\">")),
            "no section {id} in the DOM"
        );
    }
    let charts: Vec<&str> = dom
        .split("<svg")
        .skip(1)
        .map(|s| s.split("</svg>").next().unwrap_or(""))
        .collect();
    assert!(charts.len() >= 4, "{} charts in the DOM", charts.len());
    for chart in &charts {
        assert!(
            chart.contains("<rect") || chart.contains("<polyline") || chart.contains("<circle"),
            "an empty chart: <svg{}",
            &chart[..chart.len().min(200)]
        );
    }
    if std::env::var_os("REFPROG_BLESS").is_some() {
        std::fs::copy(&shot, root().join("docs").join("review.png")).expect("save docs/review.png");
    }
}

#[test]
fn roster_show_draws_a_year_of_activity_as_a_sparkline() {
    let work = demo();
    let shown = work
        .run(&[
            "--as-of", AS_OF, "--format", "csv", "roster", "show", "D-C00000",
        ])
        .ok();
    let line = shown
        .lines()
        .find(|l| l.starts_with("last 12 months,"))
        .unwrap_or_else(|| panic!("no sparkline in\n{shown}"));
    let value = line.trim_start_matches("last 12 months,").trim_matches('"');
    let marks: String = value.chars().take_while(|c| !c.is_whitespace()).collect();
    assert_eq!(marks.chars().count(), 12, "{value}");
    assert!(marks.chars().all(|c| "·▁▂▃▄▅▆▇█".contains(c)), "{value}");
    // The total is the counted activities dated in the 12 months to November 2026.
    let json: Value = serde_json::from_str(
        &work
            .run(&[
                "--as-of", AS_OF, "--format", "json", "roster", "show", "D-C00000",
            ])
            .ok(),
    )
    .expect("json");
    let counted = [
        "call",
        "email",
        "site-visit",
        "exec-connection",
        "case-study",
        "review",
        "webinar",
        "speaking",
        "press",
    ];
    let total = json["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .filter(|a| {
            let date = a["date"].as_str().unwrap_or("");
            counted.contains(&a["kind"].as_str().unwrap_or(""))
                && ("2025-12-01"..=AS_OF).contains(&date)
        })
        .count();
    assert!(
        total > 0,
        "the demo's busiest reference did something this year"
    );
    assert!(
        value.contains(&format!(" {total} activities ")),
        "{value} (expected {total})"
    );
}

/// The rows of the page's "Top references of SINCE to UNTIL" table: (reference, in the
/// period, last 90 days).
fn top_rows(html: &str, since: &str, until: &str) -> Vec<(String, i64, i64)> {
    let heading = format!("<h3>Top references of {since} to {until}</h3>");
    let start = html
        .find(&heading)
        .unwrap_or_else(|| panic!("no heading '{heading}' on the page"));
    let rest = &html[start..];
    let table = &rest[..rest.find("</table>").expect("the top table")];
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row
                .split("</td>")
                .filter_map(|c| c.rsplit_once('>').map(|(_, text)| text))
                .collect();
            let number = |i: usize| cells[i].parse::<i64>().expect("a count");
            (cells[0].to_string(), number(3), number(4))
        })
        .collect()
}

/// Issue 17: "Top references of the period" counted the last 90 days whatever the period.
#[test]
fn the_top_references_are_those_of_the_page_s_period() {
    let work = demo();
    // The default period is the limit window (90 days): the two counts are the same rule.
    let default = top_rows(&page(&work, &[]), "2026-08-26", AS_OF);
    assert!(!default.is_empty(), "the demo has busy references");
    for (name, period, last_90) in &default {
        assert_eq!(
            period, last_90,
            "{name}: the 90-day period and the window differ"
        );
    }
    // A month: counted in the month, never more than in the 90 days around it.
    let month = top_rows(&page(&work, &["--period", "30d"]), "2026-10-25", AS_OF);
    assert!(
        !month.is_empty(),
        "nobody busy in the last 30 days of the demo"
    );
    for (name, period, last_90) in &month {
        assert!(
            period <= last_90,
            "{name}: {period} in 30 days, {last_90} in 90"
        );
        assert!(*period > 0, "{name} is listed with nothing in the period");
    }
    assert!(
        month.iter().any(|(_, period, last_90)| period < last_90),
        "the month's counts are the 90 days': {month:?}"
    );
    // A period before the demo's activity has nobody to list, and says so.
    let early = page(&work, &["--period", "2020-01-01..2020-03-31"]);
    assert!(
        early.contains("No reference did anything between 2020-01-01 and 2020-03-31"),
        "no note for an empty period"
    );
}

/// Issue 17: `report utilization --wide` draws each reference's last 12 months with the
/// sparkline `roster show` draws; CSV and JSON keep their columns (the cron contract).
#[test]
fn utilization_wide_draws_each_reference_s_year_as_roster_show_does() {
    let work = demo();
    let wide = work
        .run(&["--as-of", AS_OF, "report", "utilization", "--wide"])
        .ok();
    let header = wide.lines().next().expect("a header");
    assert!(header.contains("last_12_months"), "{header}");
    let narrow = work.run(&["--as-of", AS_OF, "report", "utilization"]).ok();
    assert!(!narrow.contains("last_12_months"), "{narrow}");
    let csv = work
        .run(&["--as-of", AS_OF, "--format", "csv", "report", "utilization"])
        .ok();
    assert!(!csv.contains("last_12_months"), "{csv}");
    let marks_of = |text: &str| -> Vec<String> {
        text.split(|c: char| c.is_whitespace() || c == '"' || c == ',')
            .filter(|w| w.chars().count() == 12 && w.chars().all(|c| "·▁▂▃▄▅▆▇█".contains(c)))
            .map(str::to_string)
            .collect()
    };
    for contact in ["D-C00000", "D-C00080", "D-C00010"] {
        let row = wide
            .lines()
            .find(|l| l.starts_with(contact))
            .unwrap_or_else(|| panic!("no row {contact} in\n{wide}"));
        let shown = work
            .run(&[
                "--as-of", AS_OF, "--format", "csv", "roster", "show", contact,
            ])
            .ok();
        let line = shown
            .lines()
            .find(|l| l.starts_with("last 12 months,"))
            .unwrap_or_else(|| panic!("no sparkline in\n{shown}"));
        assert_eq!(marks_of(row), marks_of(line), "{contact}: {row} / {line}");
        assert_eq!(marks_of(row).len(), 1, "{row}");
    }
    // The busiest reference's year is not blank.
    let busy = wide
        .lines()
        .find(|l| l.starts_with("D-C00000"))
        .expect("row");
    assert!(marks_of(busy)[0].chars().any(|c| c != '·'), "{busy}");
}

/// Issue 17: the care section counts the follow-ups by their kind (the kind that opened
/// them, not their wording): per kind, the digest's "N due, M overdue" equals the rows of
/// `followups --all` and `followups --stale` whose id names that kind.
#[test]
fn care_counts_by_kind_equal_the_follow_ups_list() {
    let work = demo();
    let words = [
        ("thank-you", "thank the reference"),
        ("feedback", "reference's feedback"),
        ("prospect-feedback", "prospect's feedback"),
        ("loop-closed", "close the loop"),
        ("check-in", "quarterly check-in"),
        ("appreciation", "recognition"),
        ("recommit", "recommitment"),
        ("break-ends", "break ends"),
    ];
    let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for list in ["--all", "--stale"] {
        for row in json(&work, &["followups", list]) {
            let due = cell(&row, "due");
            if due.as_str() > AS_OF {
                continue;
            }
            let id = cell(&row, "id");
            let kind = id.split(':').next().unwrap_or_default().to_string();
            let (_, label) = words
                .iter()
                .find(|(k, _)| *k == kind)
                .unwrap_or_else(|| panic!("follow-up {id} of no known kind"));
            let entry = counts.entry(label).or_default();
            entry.0 += 1;
            entry.1 += usize::from(due.as_str() < AS_OF);
        }
    }
    assert!(counts.len() >= 3, "the demo owes several kinds: {counts:?}");
    let digest = work.run(&["--as-of", AS_OF, "digest"]).ok();
    for (label, (due, overdue)) in &counts {
        let line = format!("  - {label}: {due} due, {overdue} overdue");
        assert!(digest.contains(&line), "no '{line}' in\n{digest}");
    }
    let listed = digest
        .lines()
        .filter(|l| l.contains(" due, ") && l.ends_with(" overdue"))
        .count();
    assert_eq!(listed, counts.len(), "{digest}");
}

/// The page names customers and contacts: like the database, it is readable by its owner
/// only, and so is the page it replaces.
#[test]
fn the_page_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let work = empty();
    let path = work.path("review.html");
    std::fs::write(&path, "old").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    page(&work, &[]);
    let mode = std::fs::metadata(&path).expect("page").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the page is {mode:o}");
}
