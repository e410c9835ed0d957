//! The report's plots as inline SVG: a line plot with a target band, labelled axes with
//! several ticks and labelled cue lines, and the two-lane timeline of who talked.
//!
//! A plot takes only finite points and keeps its axes finite whatever it is given: one
//! NaN in a coordinate would blank the whole SVG in a browser.

use std::fmt::Write as _;

use crate::session::when::clock;

pub const GREEN: &str = "#2ea043";
pub const AMBER: &str = "#e6a014";
pub const RED: &str = "#d23c32";
pub const BLUE: &str = "#3b6fd8";
pub const GREY: &str = "#8a8f98";

const WIDTH: f64 = 760.0;
/// Room for the y tick labels and the rotated y-axis title.
const LEFT: f64 = 62.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 10.0;
/// Room for the x tick labels and the x-axis title.
const BOTTOM: f64 = 40.0;

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Ticks at a round step (1, 2 or 5 × 10ⁿ) giving about `count` of them over `lo..=hi`.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || count == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / count as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Most ticks on a time axis (besides the one at 0).
const TIME_TICKS_MAX: f64 = 8.0;

/// Time ticks in whole seconds at a step people count in (5 s … 1 h, then whole hours
/// doubling): never more than nine, whatever `x_max` is. The count is bounded here, not
/// only by the callers' inputs: a time of 1e15 s once asked for 3·10¹¹ ticks (an
/// allocation failure that aborted the window), and 1e300 overflowed the count.
pub fn time_ticks(x_max: f64) -> Vec<f64> {
    if !x_max.is_finite() || x_max < 0.0 {
        return vec![0.0];
    }
    let steps = [5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0];
    let mut step = steps.iter().copied().find(|s| x_max / s <= TIME_TICKS_MAX).unwrap_or(3600.0);
    while x_max / step > TIME_TICKS_MAX {
        step *= 2.0;
    }
    (0..=(x_max / step).floor() as usize).map(|k| k as f64 * step).collect()
}

/// Points further apart than this are not joined by the line.
const LINE_BREAK_S: f64 = 2.5;

/// A vertical marker on the time axis with its label.
pub struct Marker {
    pub time_s: f64,
    pub label: String,
}

/// The plot frame both reports draw in (the call report's plots over call time, the team
/// report's over days): the size and margins, the green target band, the y axis with its
/// grid, ticks and title, and the x axis's title. What runs along x is the caller's.
pub struct PlotFrame {
    pub height: f64,
}

impl PlotFrame {
    /// Where the x axis runs.
    pub fn bottom(&self) -> f64 {
        self.height - BOTTOM
    }

    /// The left and right ends of the x axis.
    pub fn x_ends() -> (f64, f64) {
        (LEFT, WIDTH - RIGHT)
    }

    /// `v` on the y axis over `lo..=hi`, clamped to it.
    pub fn y(&self, v: f32, (lo, hi): (f32, f32)) -> f64 {
        self.bottom() - (self.bottom() - TOP) * f64::from((v.clamp(lo, hi) - lo) / (hi - lo))
    }

    /// The figure's caption and the opening `<svg>`.
    pub fn open(&self, svg: &mut String, title: &str) {
        let _ = write!(
            svg,
            r#"<figure><figcaption>{t}</figcaption><svg viewBox="0 0 {WIDTH} {h}" width="100%" role="img" aria-label="{t}" font-family="inherit">"#,
            h = self.height,
            t = esc(title)
        );
    }

    /// The green target band behind, the grid with its tick labels and the y axis's title,
    /// over `range` (finite, `lo < hi`).
    pub fn y_axis(
        &self,
        svg: &mut String,
        range: (f32, f32),
        band: Option<(f32, f32)>,
        title: &str,
    ) {
        let (lo, hi) = range;
        if let Some((blo, bhi)) = band.filter(|(a, b)| a.is_finite() && b.is_finite() && a < b) {
            let _ = write!(
                svg,
                r#"<rect x="{LEFT}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{GREEN}" opacity="0.15"/>"#,
                self.y(bhi, range),
                WIDTH - LEFT - RIGHT,
                self.y(blo, range) - self.y(bhi, range)
            );
        }
        for v in nice_ticks(f64::from(lo), f64::from(hi), 5) {
            let yy = self.y(v as f32, range);
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e3e5e8"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#555" text-anchor="end">{v}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                yy + 4.0
            );
        }
        let mid = (TOP + self.bottom()) / 2.0;
        let _ = write!(
            svg,
            r##"<text x="14" y="{mid:.1}" font-size="11" fill="#333" text-anchor="middle" transform="rotate(-90 14 {mid:.1})">{}</text>"##,
            esc(title)
        );
    }

    /// The x axis's line along the bottom.
    pub fn x_line(&self, svg: &mut String) {
        let y = self.bottom();
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#999"/>"##,
            WIDTH - RIGHT
        );
    }

    /// A tick on the x axis at `x` with its label.
    pub fn x_tick(&self, svg: &mut String, x: f64, label: &str) {
        let y = self.bottom();
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="{y:.1}" y2="{:.1}" stroke="#999"/><text x="{x:.1}" y="{:.1}" font-size="11" fill="#555" text-anchor="middle">{}</text>"##,
            y + 4.0,
            y + 16.0,
            label
        );
    }

    /// The x axis's title, centred under it.
    pub fn x_title(&self, svg: &mut String, title: &str) {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#333" text-anchor="middle">{}</text>"##,
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
            self.height - 6.0,
            esc(title)
        );
    }
}

/// The frame of every plot over the call: the x axis in call time.
struct Frame {
    plot: PlotFrame,
    x_max: f64,
}

impl Frame {
    fn x(&self, t: f64) -> f64 {
        LEFT + (WIDTH - LEFT - RIGHT) * t.clamp(0.0, self.x_max) / self.x_max
    }

    fn bottom(&self) -> f64 {
        self.plot.bottom()
    }

    /// The time axis: ticks as m:ss and its title.
    fn time_axis(&self, svg: &mut String, title: &str) {
        self.plot.x_line(svg);
        for t in time_ticks(self.x_max) {
            self.plot.x_tick(svg, self.x(t), &clock(t));
        }
        self.plot.x_title(svg, title);
    }

    /// Dashed red lines with their labels written down the line (upright Chinese,
    /// sideways Latin); a label that would
    /// overlap the one before is left off (the cue table lists them all).
    fn markers(&self, svg: &mut String, markers: &[Marker]) {
        let mut last_label_x = f64::NEG_INFINITY;
        for m in markers.iter().filter(|m| m.time_s.is_finite()) {
            let x = self.x(m.time_s);
            let _ = write!(
                svg,
                r#"<line x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{:.1}" stroke="{RED}" stroke-dasharray="3 3" opacity="0.7"/>"#,
                self.bottom()
            );
            if x - last_label_x >= 13.0 {
                last_label_x = x;
                let _ = write!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{RED}" writing-mode="vertical-rl" paint-order="stroke" stroke="white" stroke-width="3">{}</text>"#,
                    x + 6.0,
                    TOP + 2.0,
                    esc(&m.label)
                );
            }
        }
    }
}

/// What a line plot shows.
pub struct LinePlot<'a> {
    pub title: &'a str,
    pub y_title: &'a str,
    pub x_title: &'a str,
    pub points: &'a [(f64, f32)],
    pub y_range: (f32, f32),
    /// The green target band.
    pub band: Option<(f32, f32)>,
    pub markers: &'a [Marker],
    pub x_max: f64,
}

pub fn line_plot(p: &LinePlot) -> String {
    let points: Vec<(f64, f32)> =
        p.points.iter().copied().filter(|(t, v)| t.is_finite() && v.is_finite()).collect();
    let (lo, hi) =
        if p.y_range.0.is_finite() && p.y_range.1.is_finite() && p.y_range.0 < p.y_range.1 {
            p.y_range
        } else {
            (0.0, 1.0)
        };
    let last = points.iter().map(|q| q.0).fold(0.0f64, f64::max);
    let x_max = if p.x_max.is_finite() && p.x_max > 0.0 { p.x_max.max(last) } else { last };
    let f = Frame { plot: PlotFrame { height: 220.0 }, x_max: x_max.max(1.0) };
    let y = |v: f32| f.plot.y(v, (lo, hi));
    let mut svg = String::new();
    f.plot.open(&mut svg, p.title);
    f.plot.y_axis(&mut svg, (lo, hi), p.band, p.y_title);
    f.markers(&mut svg, p.markers);
    // A line breaks where the points stop for a while (silence, a hold): a straight
    // line across it would show a value nobody had.
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    for (i, &(t, v)) in points.iter().enumerate() {
        if i > 0 && t - points[i - 1].0 > LINE_BREAK_S {
            runs.push(Vec::new());
        }
        runs.last_mut().expect("never empty").push(format!("{:.1},{:.1}", f.x(t), y(v)));
    }
    for run in runs.iter().filter(|r| !r.is_empty() || points.is_empty()) {
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{BLUE}" stroke-width="2"/>"#,
            run.join(" ")
        );
    }
    f.time_axis(&mut svg, p.x_title);
    svg.push_str("</svg></figure>");
    svg
}

/// One lane of the timeline.
pub struct Lane<'a> {
    pub label: &'a str,
    pub spans: &'a [[f64; 2]],
    pub color: &'a str,
}

/// A stretch marked across both lanes (a hold, dead air).
pub struct Stretch {
    pub start_s: f64,
    pub length_s: f64,
    pub label: String,
    pub color: &'static str,
    /// Drawn with a red outline: past its limit.
    pub alarm: bool,
}

/// The two-lane timeline of a call: who talked when, with interruptions as markers and
/// holds and dead air as shaded stretches.
pub fn lanes(
    title: &str,
    x_title: &str,
    lanes: &[Lane],
    stretches: &[Stretch],
    markers: &[Marker],
    x_max: f64,
) -> String {
    let lane_h = 26.0;
    let gap = 10.0;
    let top = TOP + 54.0; // room for the markers' labels
    let height = top + lanes.len() as f64 * (lane_h + gap) + BOTTOM;
    let f = Frame {
        plot: PlotFrame { height },
        x_max: if x_max.is_finite() { x_max.max(1.0) } else { 1.0 },
    };
    let mut svg = String::new();
    f.plot.open(&mut svg, title);
    for (i, lane) in lanes.iter().enumerate() {
        let y = top + i as f64 * (lane_h + gap);
        let _ = write!(
            svg,
            r##"<rect x="{LEFT}" y="{y:.1}" width="{:.1}" height="{lane_h}" fill="#f1f2f4"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#333" text-anchor="end">{}</text>"##,
            WIDTH - LEFT - RIGHT,
            LEFT - 6.0,
            y + lane_h / 2.0 + 4.0,
            esc(lane.label)
        );
        for span in lane.spans.iter().filter(|s| s[0].is_finite() && s[1].is_finite()) {
            let (x0, x1) = (f.x(span[0]), f.x(span[1]));
            let _ = write!(
                svg,
                r#"<rect x="{x0:.1}" y="{y:.1}" width="{:.1}" height="{lane_h}" fill="{}"/>"#,
                (x1 - x0).max(0.8),
                lane.color
            );
        }
    }
    for s in stretches.iter().filter(|s| s.start_s.is_finite() && s.length_s.is_finite()) {
        let (x0, x1) = (f.x(s.start_s), f.x(s.start_s + s.length_s));
        let outline =
            if s.alarm { format!(r#" stroke="{RED}" stroke-width="2""#) } else { String::new() };
        let _ = write!(
            svg,
            r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" opacity="0.35"{outline}/><text x="{:.1}" y="{:.1}" font-size="10" fill="#333" text-anchor="middle">{}</text>"##,
            top - 4.0,
            (x1 - x0).max(1.0),
            f.bottom() - top + 4.0,
            s.color,
            (x0 + x1) / 2.0,
            top - 8.0,
            esc(&s.label)
        );
    }
    f.markers(&mut svg, markers);
    f.time_axis(&mut svg, x_title);
    svg.push_str("</svg></figure>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot<'a>(
        points: &'a [(f64, f32)],
        y_range: (f32, f32),
        band: Option<(f32, f32)>,
        markers: &'a [Marker],
    ) -> String {
        line_plot(&LinePlot {
            title: "Pace",
            y_title: "chars/min",
            x_title: "Call time",
            points,
            y_range,
            band,
            markers,
            x_max: 0.0,
        })
    }

    #[test]
    fn a_plot_given_infinite_and_nan_values_draws_only_finite_coordinates() {
        let points = [
            (0.0, 150.0),
            (1.0, f32::INFINITY),
            (f64::INFINITY, 160.0),
            (2.0, f32::NAN),
            (f64::NAN, 170.0),
            (3.0, f32::NEG_INFINITY),
            (4.0, 140.0),
        ];
        let markers = [
            Marker { time_s: f64::NAN, label: "x".into() },
            Marker { time_s: 1.5, label: "Too fast".into() },
        ];
        let svg = plot(&points, (60.0, 260.0), Some((f32::NAN, 170.0)), &markers);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        // The two finite points are drawn, 4 s apart so not joined; the x axis ends at the
        // last finite time.
        assert!(svg.contains(r#"points="62.0,103.5""#), "{svg}");
        assert!(svg.contains(r#"points="744.0,112.0""#), "{svg}");
        assert!(svg.contains(">0:00<") && svg.contains(">Too fast<"), "{svg}");
    }

    #[test]
    fn a_plot_with_an_infinite_band_or_no_points_stays_finite() {
        let svg = plot(&[], (60.0, 260.0), Some((130.0, f32::INFINITY)), &[]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let svg = plot(&[(0.0, -20.0)], (f32::NAN, 0.0), None, &[]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    #[test]
    fn axes_carry_several_round_ticks_and_their_titles() {
        assert_eq!(nice_ticks(60.0, 260.0, 5), [100.0, 150.0, 200.0, 250.0]);
        assert_eq!(nice_ticks(-12.0, 12.0, 5), [-10.0, -5.0, 0.0, 5.0, 10.0]);
        assert!(nice_ticks(1.0, f64::NAN, 5).is_empty());
        assert_eq!(time_ticks(400.0), [0.0, 60.0, 120.0, 180.0, 240.0, 300.0, 360.0]);
    }

    #[test]
    fn a_time_axis_has_at_most_nine_ticks_whatever_its_length() {
        // Issue 22 C2: 1e15 aborted on allocation, 1e300 panicked, 1e9 took 224 MB.
        for x_max in [0.0, 1.0, 400.0, 86_400.0, 1e9, 1e15, 1e300, f64::MAX] {
            let ticks = time_ticks(x_max);
            assert!((1..=9).contains(&ticks.len()), "{x_max}: {} ticks", ticks.len());
            assert!(ticks.iter().all(|t| t.is_finite() && *t <= x_max), "{x_max}: {ticks:?}");
        }
        for x_max in [f64::NAN, f64::INFINITY, -5.0] {
            assert_eq!(time_ticks(x_max), [0.0]);
        }
        assert_eq!(time_ticks(8.0 * 3600.0).len(), 9);
        let svg = plot(&[(0.0, 150.0), (400.0, 160.0)], (60.0, 260.0), None, &[]);
        for tick in [">100<", ">150<", ">200<", ">250<", ">0:00<", ">3:00<", ">6:00<"] {
            assert!(svg.contains(tick), "{tick} in {svg}");
        }
        assert!(svg.contains(">chars/min<") && svg.contains(">Call time<"));
    }

    #[test]
    fn close_cue_lines_are_drawn_but_their_labels_do_not_pile_up() {
        let markers: Vec<Marker> = (0..5)
            .map(|i| Marker { time_s: 100.0 + i as f64 * 0.5, label: format!("cue{i}") })
            .collect();
        let svg = plot(&[(0.0, 150.0), (400.0, 160.0)], (60.0, 260.0), None, &markers);
        assert_eq!(svg.matches("stroke-dasharray").count(), 5);
        assert_eq!(svg.matches(">cue").count(), 1, "{svg}");
    }

    #[test]
    fn the_timeline_draws_each_lane_and_marks_holds_past_the_limit() {
        let agent = [[0.0, 10.0], [40.0, 50.0]];
        let caller = [[9.0, 30.0]];
        let svg = lanes(
            "Who talked",
            "Call time",
            &[
                Lane { label: "Agent", spans: &agent, color: BLUE },
                Lane { label: "Caller", spans: &caller, color: AMBER },
            ],
            &[Stretch {
                start_s: 55.0,
                length_s: 35.0,
                label: "Hold 35 s".into(),
                color: AMBER,
                alarm: true,
            }],
            &[Marker { time_s: 9.0, label: "You interrupted".into() }],
            100.0,
        );
        assert!(svg.contains(">Agent<") && svg.contains(">Caller<") && svg.contains(">Hold 35 s<"));
        assert_eq!(svg.matches(&format!(r#"fill="{BLUE}""#)).count(), 2);
        assert!(svg.contains(&format!(r#"stroke="{RED}" stroke-width="2""#)));
        assert!(svg.contains(">You interrupted<"));
    }
}
