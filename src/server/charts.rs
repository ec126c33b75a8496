//! The report's charts as SVG, drawn on the server: a bar chart, a line
//! chart and a stacked bar chart. Each has a title and a description for
//! screen readers (the page puts the data table beside it); unpublished
//! values ("<5", "×") are drawn as no bar or point and labelled as such.

use crate::domain::report::suppress::Cell;
use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 72.0;
/// Series colours (contrast ≥ 3:1 against white, distinguishable in grey).
pub const COLOURS: [&str; 4] = ["#154273", "#b35900", "#39870c", "#6f2c91"];

fn esc(s: &str) -> String {
    crate::server::html::escape(s)
}

fn open(id: &str, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
aria-labelledby=\"{id}-t {id}-d\" class=\"chart\" preserveAspectRatio=\"xMidYMid meet\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// A round upper bound for the axis that splits into four whole steps.
fn scale(max: u64) -> u64 {
    let max = max.max(4);
    let magnitude = 10u64.pow((max as f64).log10().floor() as u32);
    let top = [1, 2, 4, 5, 8, 10]
        .into_iter()
        .map(|c| c * magnitude)
        .find(|&t| t >= max)
        .unwrap_or(10 * magnitude);
    top.div_ceil(4) * 4
}

fn axes(out: &mut String, top: u64) {
    let plot_h = HEIGHT - TOP - BOTTOM;
    for i in 0..=4u64 {
        let v = top * i / 4;
        let y = TOP + plot_h - plot_h * i as f64 / 4.0;
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#c4c4c4\" stroke-width=\"1\"/>\
<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            crate::domain::report::csv::nl_integer(v as i64)
        );
    }
}

fn x_label(out: &mut String, x: f64, label: &str) {
    let y = HEIGHT - BOTTOM + 14.0;
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"11\" fill=\"#333\" text-anchor=\"end\" \
transform=\"rotate(-40 {x:.1} {y:.1})\">{}</text>",
        esc(label)
    );
}

fn y_of(v: u64, top: u64) -> f64 {
    let plot_h = HEIGHT - TOP - BOTTOM;
    TOP + plot_h - plot_h * v as f64 / top as f64
}

/// One bar per label; an unpublished value gets its mark instead of a bar.
pub fn bar(id: &str, title: &str, desc: &str, bars: &[(String, Cell)]) -> String {
    let mut out = open(id, title, desc);
    let top = scale(bars.iter().filter_map(|(_, c)| c.shown()).max().unwrap_or(0));
    axes(&mut out, top);
    let slot = (WIDTH - LEFT - RIGHT) / bars.len().max(1) as f64;
    for (i, (label, cell)) in bars.iter().enumerate() {
        let x = LEFT + slot * i as f64;
        let cx = x + slot / 2.0;
        match cell.shown() {
            Some(v) => {
                let y = y_of(v, top);
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>\
<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1a1a1a\">{}</text>",
                    x + slot * 0.15,
                    slot * 0.7,
                    y_of(0, top) - y,
                    COLOURS[0],
                    y - 4.0,
                    esc(&cell.text())
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1a1a1a\">{}</text>",
                    y_of(0, top) - 4.0,
                    esc(&cell.text())
                );
            }
        }
        x_label(&mut out, cx + 4.0, label);
    }
    out.push_str("</svg>");
    out
}

/// Lines over the same x labels; an unpublished value breaks the line.
pub fn line(id: &str, title: &str, desc: &str, labels: &[String], series: &[(String, Vec<Cell>)]) -> String {
    let mut out = open(id, title, desc);
    let top = scale(
        series
            .iter()
            .flat_map(|(_, v)| v.iter().filter_map(|c| c.shown()))
            .max()
            .unwrap_or(0),
    );
    axes(&mut out, top);
    let step = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    let x_of = |i: usize| LEFT + step * (i as f64 + 0.5);
    for (s, (_, values)) in series.iter().enumerate() {
        let colour = COLOURS[s % COLOURS.len()];
        let mut path = String::new();
        let mut pen_down = false;
        for (i, c) in values.iter().enumerate() {
            match c.shown() {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1} {:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_of(i),
                        y_of(v, top)
                    );
                    pen_down = true;
                    let _ = write!(
                        out,
                        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"/>",
                        x_of(i),
                        y_of(v, top)
                    );
                }
                None => pen_down = false,
            }
        }
        let dash = if s == 1 { " stroke-dasharray=\"6 3\"" } else { "" };
        let _ = write!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
            path.trim_end()
        );
    }
    for (i, l) in labels.iter().enumerate() {
        x_label(&mut out, x_of(i) + 4.0, l);
    }
    legend(&mut out, series.iter().map(|(n, _)| n.as_str()));
    out.push_str("</svg>");
    out
}

/// Stacked bars: `stacks[i]` are the parts of the bar at `labels[i]`, one per
/// series; `totals[i]` is written above it. Unpublished parts are left out.
pub fn stacked(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[String],
    stacks: &[Vec<Cell>],
    totals: &[Cell],
) -> String {
    let mut out = open(id, title, desc);
    let top = scale(
        stacks
            .iter()
            .map(|s| s.iter().filter_map(|c| c.shown()).sum::<u64>())
            .chain(totals.iter().filter_map(|c| c.shown()))
            .max()
            .unwrap_or(0),
    );
    axes(&mut out, top);
    let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    for (i, parts) in stacks.iter().enumerate() {
        let x = LEFT + slot * i as f64;
        let mut base = 0u64;
        for (s, c) in parts.iter().enumerate() {
            if let Some(v) = c.shown() {
                let (y0, y1) = (y_of(base, top), y_of(base + v, top));
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{y1:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"1\"/>",
                    x + slot * 0.15,
                    slot * 0.7,
                    y0 - y1,
                    COLOURS[s % COLOURS.len()]
                );
                base += v;
            }
        }
        if let Some(t) = totals.get(i) {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#1a1a1a\">{}</text>",
                x + slot / 2.0,
                y_of(base, top) - 4.0,
                esc(&t.text())
            );
        }
        x_label(&mut out, x + slot / 2.0 + 4.0, &labels[i]);
    }
    legend(&mut out, series.iter().map(String::as_str));
    out.push_str("</svg>");
    out
}

fn legend<'a>(out: &mut String, names: impl Iterator<Item = &'a str>) {
    let mut x = LEFT;
    let y = HEIGHT - 10.0;
    for (i, name) in names.enumerate() {
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
<text x=\"{:.1}\" y=\"{y:.1}\" font-size=\"11\" fill=\"#1a1a1a\">{}</text>",
            y - 10.0,
            COLOURS[i % COLOURS.len()],
            x + 16.0,
            esc(name)
        );
        x += 24.0 + 7.0 * name.chars().count() as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_a_round_number() {
        assert_eq!(scale(0), 4);
        assert_eq!(scale(7), 8);
        assert_eq!(scale(37), 40);
        assert_eq!(scale(1234), 2000);
    }

    #[test]
    fn charts_escape_their_text_and_mark_unpublished_values() {
        let svg = bar(
            "c1",
            "Signalen <nieuw>",
            "beschrijving",
            &[("A & B".into(), Cell::Shown(12)), ("C".into(), Cell::Small)],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"c1-t\">Signalen &lt;nieuw&gt;</title>"));
        assert!(svg.contains("A &amp; B"));
        assert!(svg.contains("&lt;5"));
        assert_eq!(svg.matches("<rect").count(), 1);
        let l = line(
            "c2",
            "t",
            "d",
            &["jan".into(), "feb".into(), "mrt".into()],
            &[("s".into(), vec![Cell::Shown(5), Cell::Hidden, Cell::Shown(9)])],
        );
        // The hidden month breaks the line: two moves, no line-to.
        let d = l.split("<path d=\"").nth(1).unwrap().split('"').next().unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert!(!d.contains('L'), "{d}");
        assert_eq!(l.matches("<circle").count(), 2);
    }
}
