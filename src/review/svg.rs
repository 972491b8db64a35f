//! The page's charts, drawn as inline SVG: horizontal bars, monthly columns with a rate
//! line, a line of scores, stacked bars and the coverage grid. No script, no font file:
//! text uses the reader's sans-serif. Numbers are written with at most one decimal, so
//! the same figures give the same bytes.

use std::fmt::Write as _;

/// Escapes text for HTML and SVG content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal.
fn n(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{:.1}", tenths as f64 / 10.0)
    }
}

pub const INK: &str = "#1f4e79";
pub const INK_LIGHT: &str = "#9dc3e6";
pub const WARN: &str = "#c0392b";
pub const GOOD: &str = "#2e7d32";
pub const MUTED: &str = "#8c8c8c";

fn open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\"><title>{t}</title>\n",
        w = n(width),
        h = n(height),
        t = escape(title)
    )
}

fn label(svg: &mut String, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
    let _ = writeln!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" class=\"{class}\">{}</text>",
        n(x),
        n(y),
        escape(text)
    );
}

fn rect(svg: &mut String, x: f64, y: f64, w: f64, h: f64, fill: &str) {
    let _ = writeln!(
        svg,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
        n(x),
        n(y),
        n(w.max(0.0)),
        n(h.max(0.0))
    );
}

/// One bar of [`bars`].
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// What is written after the bar (the value with its n).
    pub caption: String,
    pub color: &'static str,
}

/// Horizontal bars against `max`, with an optional target line at `target`.
pub fn bars(title: &str, items: &[Bar], max: f64, target: Option<(f64, &str)>) -> String {
    let (left, bar_width, row) = (210.0, 300.0, 28.0);
    let height = 16.0 + row * items.len() as f64;
    let mut svg = open(left + bar_width + 230.0, height, title);
    let max = if max > 0.0 { max } else { 1.0 };
    for (i, item) in items.iter().enumerate() {
        let y = 8.0 + row * i as f64;
        label(&mut svg, left - 8.0, y + 15.0, "end", "lbl", &item.label);
        rect(&mut svg, left, y + 2.0, bar_width, row - 8.0, "#f0f0f0");
        let w = bar_width * (item.value / max).clamp(0.0, 1.0);
        rect(&mut svg, left, y + 2.0, w, row - 8.0, item.color);
        label(
            &mut svg,
            left + bar_width + 8.0,
            y + 15.0,
            "start",
            "val",
            &item.caption,
        );
    }
    if let Some((at, words)) = target {
        let x = left + bar_width * (at / max).clamp(0.0, 1.0);
        let _ = writeln!(
            svg,
            "<line x1=\"{x}\" y1=\"2\" x2=\"{x}\" y2=\"{}\" stroke=\"{WARN}\" stroke-width=\"2\" stroke-dasharray=\"4 3\"><title>{}</title></line>",
            n(height - 2.0),
            escape(words),
            x = n(x)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Monthly columns (counts) with a line of a rate (0 to 1) over them.
pub fn columns_with_rate(
    title: &str,
    months: &[String],
    counts: &[i64],
    rates: &[Option<f64>],
    count_name: &str,
    rate_name: &str,
) -> String {
    let (left, top, plot_h, step) = (50.0, 44.0, 180.0, 70.0);
    let width = left + step * months.len() as f64 + 60.0;
    let mut svg = open(width, top + plot_h + 40.0, title);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let base = top + plot_h;
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"{MUTED}\"/>",
        n(width - 50.0),
        b = n(base)
    );
    rect(&mut svg, left, 6.0, 12.0, 12.0, INK_LIGHT);
    label(&mut svg, left + 16.0, 16.0, "start", "val", count_name);
    let legend = left + 30.0 + 7.0 * count_name.len() as f64;
    let _ = writeln!(
        svg,
        "<line x1=\"{}\" y1=\"12\" x2=\"{}\" y2=\"12\" stroke=\"{INK}\" stroke-width=\"3\"/>",
        n(legend),
        n(legend + 14.0)
    );
    label(&mut svg, legend + 18.0, 16.0, "start", "val", rate_name);
    let mut points = Vec::new();
    for (i, month) in months.iter().enumerate() {
        let x = left + step * i as f64 + 10.0;
        let count = counts.get(i).copied().unwrap_or(0);
        let h = plot_h * count as f64 / max;
        rect(&mut svg, x, base - h, step - 24.0, h, INK_LIGHT);
        label(
            &mut svg,
            x + (step - 24.0) / 2.0,
            base - h - 4.0,
            "middle",
            "val",
            &count.to_string(),
        );
        label(
            &mut svg,
            x + (step - 24.0) / 2.0,
            base + 16.0,
            "middle",
            "lbl",
            month,
        );
        if let Some(Some(rate)) = rates.get(i) {
            let y = base - plot_h * rate.clamp(0.0, 1.0);
            points.push((x + (step - 24.0) / 2.0, y, *rate));
        }
    }
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|(x, y, _)| format!("{},{}", n(*x), n(*y)))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"3\"/>",
            path.join(" ")
        );
    }
    for (x, y, rate) in &points {
        let _ = writeln!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{INK}\"/>",
            n(*x),
            n(*y)
        );
        label(
            &mut svg,
            x + 6.0,
            y - 6.0,
            "start",
            "rate",
            &format!("{:.0} %", rate * 100.0),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A line of scores between `min` and `max` per month (missing months are gaps).
pub fn score_line(
    title: &str,
    months: &[String],
    values: &[Option<f64>],
    min: f64,
    max: f64,
) -> String {
    let (left, top, plot_h, step) = (50.0, 16.0, 150.0, 70.0);
    let width = left + step * months.len() as f64 + 60.0;
    let mut svg = open(width, top + plot_h + 40.0, title);
    let y_of = |v: f64| top + plot_h * (1.0 - ((v - min) / (max - min)).clamp(0.0, 1.0));
    for tick in [min, (min + max) / 2.0, max] {
        let y = y_of(tick);
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#dddddd\"/>",
            n(width - 50.0),
            y = n(y)
        );
        label(&mut svg, left - 6.0, y + 4.0, "end", "lbl", &n(tick));
    }
    let mut points = Vec::new();
    for (i, month) in months.iter().enumerate() {
        let x = left + step * i as f64 + 33.0;
        label(&mut svg, x, top + plot_h + 18.0, "middle", "lbl", month);
        if let Some(Some(v)) = values.get(i) {
            points.push((x, y_of(*v), *v));
        }
    }
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|(x, y, _)| format!("{},{}", n(*x), n(*y)))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{GOOD}\" stroke-width=\"3\"/>",
            path.join(" ")
        );
    }
    for (x, y, v) in &points {
        let _ = writeln!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{GOOD}\"/>",
            n(*x),
            n(*y)
        );
        label(&mut svg, *x, y - 8.0, "middle", "rate", &n(*v));
    }
    svg.push_str("</svg>\n");
    svg
}

/// One row of [`stacked`]: a label and its parts (in the order of the legend).
pub struct Stack {
    pub label: String,
    pub parts: Vec<u64>,
}

/// Horizontal stacked bars, each row scaled to the largest total; a legend above.
pub fn stacked(title: &str, legend: &[(&str, &'static str)], rows: &[Stack]) -> String {
    let (left, bar_width, row): (f64, f64, f64) = (120.0, 460.0, 30.0);
    let legend_width: f64 = legend
        .iter()
        .map(|(name, _)| 28.0 + 7.0 * name.len() as f64)
        .sum();
    let width = (left + bar_width + 80.0).max(left + legend_width + 20.0);
    let mut svg = open(width, 40.0 + row * rows.len() as f64, title);
    let mut x = left;
    for (name, color) in legend {
        rect(&mut svg, x, 6.0, 12.0, 12.0, color);
        label(&mut svg, x + 16.0, 16.0, "start", "val", name);
        x += 28.0 + 7.0 * name.len() as f64;
    }
    let max = rows
        .iter()
        .map(|r| r.parts.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    for (i, r) in rows.iter().enumerate() {
        let y = 30.0 + row * i as f64;
        label(&mut svg, left - 8.0, y + 16.0, "end", "lbl", &r.label);
        let mut x = left;
        for (part, (name, color)) in r.parts.iter().zip(legend) {
            let w = bar_width * *part as f64 / max;
            if *part > 0 {
                let _ = writeln!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{color}\"><title>{}: {part}</title></rect>",
                    n(x),
                    n(y + 2.0),
                    n(w),
                    n(row - 8.0),
                    escape(name)
                );
                if w > 18.0 {
                    label(
                        &mut svg,
                        x + w / 2.0,
                        y + 17.0,
                        "middle",
                        "inbar",
                        &part.to_string(),
                    );
                }
            }
            x += w;
        }
        label(
            &mut svg,
            x + 6.0,
            y + 17.0,
            "start",
            "val",
            &r.parts.iter().sum::<u64>().to_string(),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One cell of [`grid`].
pub struct GridCell {
    pub text: String,
    pub sub: String,
    pub fill: &'static str,
    pub tip: String,
}

/// A grid of rows x columns, each cell coloured and labelled.
pub fn grid(
    title: &str,
    rows: &[String],
    columns: &[String],
    cell: impl Fn(usize, usize) -> Option<GridCell>,
) -> String {
    let (left, top, w, h) = (230.0, 44.0, 150.0, 44.0);
    let mut svg = open(
        left + w * columns.len() as f64 + 10.0,
        top + h * rows.len() as f64 + 6.0,
        title,
    );
    for (j, c) in columns.iter().enumerate() {
        // Column heads on two lines: the band, then its employee range.
        let (name, range) = c.split_once(" (").unwrap_or((c, ""));
        let x = left + w * j as f64 + w / 2.0;
        label(&mut svg, x, 18.0, "middle", "lbl", name);
        if !range.is_empty() {
            label(&mut svg, x, 34.0, "middle", "sub", &format!("({range}"));
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + h * i as f64;
        label(&mut svg, left - 8.0, y + h / 2.0 + 5.0, "end", "lbl", r);
        for j in 0..columns.len() {
            let x = left + w * j as f64;
            match cell(i, j) {
                Some(c) => {
                    let _ = writeln!(
                        svg,
                        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\"><title>{}</title></rect>",
                        n(x),
                        n(y),
                        n(w),
                        n(h),
                        c.fill,
                        escape(&c.tip)
                    );
                    label(&mut svg, x + w / 2.0, y + 19.0, "middle", "cell", &c.text);
                    label(&mut svg, x + w / 2.0, y + 35.0, "middle", "sub", &c.sub);
                }
                None => {
                    let _ = writeln!(
                        svg,
                        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fafafa\" stroke=\"#ffffff\" stroke-width=\"2\"/>",
                        n(x),
                        n(y),
                        n(w),
                        n(h)
                    );
                }
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_are_short() {
        assert_eq!(escape("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.25), "12.3");
        assert_eq!(n(-0.04), "0");
    }

    #[test]
    fn a_bar_is_as_long_as_its_share() {
        let svg = bars(
            "t",
            &[Bar {
                label: "a".into(),
                value: 0.5,
                caption: "50 %".into(),
                color: INK,
            }],
            1.0,
            None,
        );
        assert!(
            svg.contains("width=\"150\" height=\"20\" fill=\"#1f4e79\""),
            "{svg}"
        );
    }
}
