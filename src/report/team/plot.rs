//! The team report's trend plots: days along x, one line per agent and a bold one for the
//! team, the green target band behind. Drawn in the call report's plot frame
//! ([`PlotFrame`]: its colours, size, grid and labels) with days instead of call time.
//!
//! Only finite values are drawn, and a day without calls breaks a line rather than being
//! bridged: a straight line across it would show a value nobody had.

use std::fmt::Write as _;

use crate::report::svg::{BLUE, PlotFrame, esc};

const HEIGHT: f64 = 240.0;
const OTHER_AGENT: &str = "#c4c8ce";
/// The three agents furthest off on a plot's measure, drawn in colour.
pub const HIGHLIGHT: [&str; 3] = ["#d23c32", "#e6a014", "#8e44ad"];

/// One line: a value (or a gap) per day of the period.
pub struct Series<'a> {
    pub label: &'a str,
    pub color: &'a str,
    pub width: f64,
    pub values: Vec<Option<f32>>,
}

pub struct DayPlot<'a> {
    pub title: &'a str,
    pub y_title: &'a str,
    pub x_title: &'a str,
    pub days: &'a [String],
    /// Drawn in order: the later on top.
    pub series: &'a [Series<'a>],
    pub band: Option<(f32, f32)>,
    /// The axis at least covers this range (it widens to every value drawn).
    pub y_range: (f32, f32),
}

pub fn day_plot(p: &DayPlot) -> String {
    let finite = p.series.iter().flat_map(|s| s.values.iter().flatten()).filter(|v| v.is_finite());
    let (mut lo, mut hi) = p.y_range;
    for v in finite {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let n = p.days.len().max(2);
    let frame = PlotFrame::new(HEIGHT);
    let (left, right) = PlotFrame::x_ends();
    let x = |i: usize| left + (right - left) * i as f64 / (n - 1) as f64;
    let y = |v: f32| frame.y(v, (lo, hi));
    let mut svg = String::new();
    frame.open(&mut svg, p.title);
    frame.y_axis(&mut svg, (lo, hi), p.band, p.y_title);
    // Day axis: about eight labels (MM-DD), the first and last always.
    frame.x_line(&mut svg);
    let step = p.days.len().div_ceil(8).max(1);
    let last = p.days.len().saturating_sub(1);
    for (i, day) in p.days.iter().enumerate() {
        // Every `step`-th day and the last, but no regular label so close to the last
        // that the two would overlap.
        let regular = i % step == 0 && (i == last || last - i >= step.div_ceil(2).max(2));
        if !regular && i != last {
            continue;
        }
        frame.x_tick(&mut svg, x(i), &esc(day.get(5..).unwrap_or(day)));
    }
    frame.x_title(&mut svg, p.x_title);
    for s in p.series {
        let mut runs: Vec<Vec<String>> = vec![Vec::new()];
        for (i, v) in s.values.iter().enumerate() {
            match v.filter(|v| v.is_finite()) {
                Some(v) => {
                    runs.last_mut().expect("never empty").push(format!("{:.1},{:.1}", x(i), y(v)))
                }
                None => runs.push(Vec::new()),
            }
        }
        let _ = write!(svg, r#"<g><title>{}</title>"#, esc(s.label));
        for run in runs.iter().filter(|r| !r.is_empty()) {
            if run.len() == 1 {
                let (cx, cy) = run[0].split_once(',').expect("x,y");
                let _ = write!(
                    svg,
                    r#"<circle cx="{cx}" cy="{cy}" r="{:.1}" fill="{}"/>"#,
                    s.width + 0.5,
                    s.color
                );
            } else {
                let _ = write!(
                    svg,
                    r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"/>"#,
                    run.join(" "),
                    s.color,
                    s.width
                );
            }
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    // Name the lines drawn in colour: a tooltip is lost on paper and in a screenshot.
    let named: Vec<&Series> = p.series.iter().rev().filter(|s| s.color != OTHER_AGENT).collect();
    if !named.is_empty() {
        svg.push_str(r#"<p class="legend note"><small>"#);
        for s in named {
            let _ = write!(svg, r#"<span style="background:{}"></span>{}"#, s.color, esc(s.label));
        }
        svg.push_str("</small></p>");
    }
    svg.push_str("</figure>");
    svg
}

/// The team's line: drawn last, in the call report's blue.
pub fn team_series<'a>(label: &'a str, values: Vec<Option<f32>>) -> Series<'a> {
    Series { label, color: BLUE, width: 3.0, values }
}

/// An agent's line: grey, or one of [`HIGHLIGHT`] for the three furthest off (`rank` 0–2).
pub fn agent_series(label: &str, rank: Option<usize>, values: Vec<Option<f32>>) -> Series<'_> {
    match rank.and_then(|r| HIGHLIGHT.get(r)) {
        Some(color) => Series { label, color, width: 2.0, values },
        None => Series { label, color: OTHER_AGENT, width: 1.0, values },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_without_calls_breaks_the_line_and_nan_is_never_drawn() {
        let days: Vec<String> = (1..=5).map(|d| format!("2026-11-0{d}")).collect();
        let series =
            [team_series("team", vec![Some(1.0), Some(2.0), None, Some(f32::NAN), Some(3.0)])];
        let svg = day_plot(&DayPlot {
            title: "t",
            y_title: "y",
            x_title: "x",
            days: &days,
            series: &series,
            band: Some((1.5, 2.5)),
            y_range: (0.0, 4.0),
        });
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(svg.contains(">11-01<") && svg.contains(">11-05<"));
    }

    #[test]
    fn the_last_day_label_never_collides_and_coloured_lines_are_named() {
        // 30 days: labels every 4th day; the 29th (index 28) would touch the 30th.
        let days: Vec<String> = (1..=30).map(|d| format!("2026-11-{d:02}")).collect();
        let values = vec![Some(1.0); 30];
        let series = [
            agent_series("agent-grey", None, values.clone()),
            agent_series("agent-red", Some(0), values.clone()),
            team_series("Whole team", values),
        ];
        let svg = day_plot(&DayPlot {
            title: "t",
            y_title: "y",
            x_title: "x",
            days: &days,
            series: &series,
            band: None,
            y_range: (0.0, 2.0),
        });
        assert!(svg.contains(">11-30<") && svg.contains(">11-25<"), "{svg}");
        assert!(!svg.contains(">11-29<"));
        let legend = &svg[svg.find("class=\"legend").expect("a legend")..];
        assert!(legend.contains("Whole team") && legend.contains("agent-red"));
        assert!(!legend.contains("agent-grey"));
    }
}
