//! The report's plots as inline SVG: a line plot with a target band, labelled axes with
//! several ticks and labelled cue lines, and the two-lane timeline of who talked.
//!
//! Labels of cue lines, interruptions, holds and dead air sit in rows of their own above
//! the plot, never on it, and never on each other: a label that finds no free place in
//! any row joins its neighbour on the left, which then counts them ("Too fast ×3", or
//! "5 cues" when they differ). Written down the lines, as before, close cues put their
//! labels edge to edge and crossed by each other's lines, and the ones left off were not
//! counted anywhere on the plot (issue 23).
//!
//! A plot takes only finite points and keeps its axes finite whatever it is given: one
//! NaN in a coordinate would blank the whole SVG in a browser.

use std::fmt::Write as _;

use crate::session::when::clock;
use crate::words::fill;

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
    /// Where the plot's area starts: under the label rows when there are labels.
    pub top: f64,
}

impl PlotFrame {
    /// A frame `height` high whose plot starts at the top margin.
    pub fn new(height: f64) -> Self {
        Self { height, top: TOP }
    }

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
        self.bottom() - (self.bottom() - self.top) * f64::from((v.clamp(lo, hi) - lo) / (hi - lo))
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
        let mid = (self.top + self.bottom()) / 2.0;
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

    /// Dashed red lines down the plot's area, one per marker (each cue is drawn, however
    /// close); their labels go in the rows above ([`Frame::labels`]).
    fn marker_lines(&self, svg: &mut String, markers: &[Marker]) {
        for m in markers.iter().filter(|m| m.time_s.is_finite()) {
            let x = self.x(m.time_s);
            let _ = write!(
                svg,
                r#"<line x1="{x:.1}" x2="{x:.1}" y1="{:.1}" y2="{:.1}" stroke="{RED}" stroke-dasharray="3 3" opacity="0.7"/>"#,
                self.plot.top,
                self.bottom()
            );
        }
    }

    /// The labels in rows from `band_top` down to the plot's area ([`place_labels`]); each
    /// with a thin line from its row down to where its thing is, and under a label that
    /// counts several a bracket from the first of them to the last.
    fn labels(&self, svg: &mut String, band_top: f64, labels: &mut [Label], several: &str) {
        labels.sort_by(|a, b| a.x.total_cmp(&b.x));
        let band_bottom = band_top + label_band_height();
        for p in place_labels(labels, several) {
            let group = &labels[p.items.clone()];
            let color = if group.iter().any(|l| l.color == RED) { RED } else { "#333" };
            let row_bottom = band_top + (p.row + 1) as f64 * LABEL_ROW_H;
            let (first, last) = (group[0].x, group[group.len() - 1].x);
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="{LABEL_FONT}" fill="{color}">{}</text><line x1="{first:.1}" x2="{first:.1}" y1="{:.1}" y2="{band_bottom:.1}" stroke="{color}" opacity="0.7"/>"#,
                p.x0 + LABEL_PAD,
                row_bottom - LABEL_DESCENT,
                esc(&p.text),
                row_bottom,
            );
            if last > first {
                let _ = write!(
                    svg,
                    r#"<line x1="{first:.1}" x2="{last:.1}" y1="{row_bottom:.1}" y2="{row_bottom:.1}" stroke="{color}" opacity="0.7"/>"#,
                );
            }
        }
    }
}

/// The size of the labels over a plot, in the SVG's units.
const LABEL_FONT: f64 = 10.0;
/// A row of labels: the font's height and a little air (a CJK face's em box is 1.0 em,
/// ascent about 0.88 em and descent 0.12 em).
const LABEL_ROW_H: f64 = 14.0;
/// From a row's bottom up to its labels' baseline.
const LABEL_DESCENT: f64 = 2.5;
/// Rows of labels: two let labels of cues a few seconds apart stand one over the other.
const LABEL_ROWS: usize = 2;
/// Room left and right of a label's text inside its box.
const LABEL_PAD: f64 = 2.0;
/// The least space between two labels' boxes, so that neither reads as the other's end.
const LABEL_GAP: f64 = 4.0;

/// The height of the rows of labels, and a little air under them.
fn label_band_height() -> f64 {
    LABEL_ROWS as f64 * LABEL_ROW_H + 4.0
}

/// The width `text` takes at `font_px`, estimated from the faces the report asks for
/// (system-ui, Noto Sans CJK, DejaVu Sans): a CJK or full-width character 1 em, and so is
/// "×", which CJK faces draw full-width; a capital 0.72 em, anything else 0.6 em (the
/// widest of those faces' lower-case and digits). Over rather than under: too wide only
/// leaves more air between labels.
fn text_width(text: &str, font_px: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            '×' => 1.0,
            c if u32::from(c) >= 0x2E80 => 1.0,
            c if c.is_uppercase() => 0.72,
            _ => 0.6,
        })
        .sum();
    em * font_px
}

/// A label over a plot: where its thing is on x, the name it shares with others of its
/// kind, what it says alone, and its colour.
struct Label {
    x: f64,
    kind: String,
    alone: String,
    color: &'static str,
}

/// A label where it goes: the labels it stands for (a run of them, in x order), its row
/// (0 the top) and the left edge and text of its box.
#[derive(Debug)]
struct Placed {
    items: std::ops::Range<usize>,
    row: usize,
    x0: f64,
    x1: f64,
    text: String,
}

/// What a run of labels says: one alone; several of a kind "kind ×n"; several of
/// different kinds the count in `several` ("{n} cues").
fn group_text(group: &[Label], several: &str) -> String {
    match group {
        [one] => one.alone.clone(),
        [first, rest @ ..] if rest.iter().all(|l| l.kind == first.kind) => {
            format!("{} ×{}", first.kind, group.len())
        }
        _ => fill(several, &[("n", &group.len().to_string())]),
    }
}

/// Places `labels` (sorted by x) in [`LABEL_ROWS`] rows, left to right, a burst of one
/// kind as one label. A label's box
/// starts at its thing (kept inside the picture at the right edge) and goes in the top
/// row where it clears the row's last box by [`LABEL_GAP`] and no line from a label
/// above runs through it (nor its own line through a box below). A label that fits in no
/// row joins the one placed before it, and that run is placed again (joining further if
/// it must): the first label always fits, so every label ends up counted in one box.
fn place_labels(labels: &[Label], several: &str) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    let mut next = 0;
    while next < labels.len() {
        // A burst of one kind (lines closer than a label's own gap) is one label from
        // the start, not one label and the rest counted in with the next kinds.
        let mut end = next + 1;
        while end < labels.len()
            && labels[end].kind == labels[next].kind
            && labels[end].x - labels[end - 1].x < LABEL_GAP
        {
            end += 1;
        }
        let mut items = next..end;
        loop {
            let text = group_text(&labels[items.clone()], several);
            let width = text_width(&text, LABEL_FONT) + 2.0 * LABEL_PAD;
            let first = labels[items.start].x;
            let x0 = (first + 1.0).min(WIDTH - width).max(0.0);
            let x1 = x0 + width;
            let fits = |row: usize| {
                placed.iter().all(|p| {
                    let line = labels[p.items.start].x;
                    let end = p.x1.max(labels[p.items.end - 1].x);
                    if p.row == row {
                        end + LABEL_GAP <= x0
                    } else if p.row < row {
                        !(x0 - LABEL_GAP..=x1 + LABEL_GAP).contains(&line)
                    } else {
                        !(p.x0 - LABEL_GAP..=p.x1 + LABEL_GAP).contains(&first)
                    }
                })
            };
            if let Some(row) = (0..LABEL_ROWS).find(|&r| fits(r)) {
                placed.push(Placed { items: items.clone(), row, x0, x1, text });
                break;
            }
            let before = placed.pop().expect("the first label always fits");
            items = before.items.start..items.end;
        }
        next = items.end;
    }
    placed
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
    /// What a label counting cues of different kinds says, "{n}" the count ("{n} cues").
    pub several: &'a str,
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
    let mut labels: Vec<Label> = p
        .markers
        .iter()
        .filter(|m| m.time_s.is_finite())
        .map(|m| Label { x: 0.0, kind: m.label.clone(), alone: m.label.clone(), color: RED })
        .collect();
    let band = if labels.is_empty() { 0.0 } else { label_band_height() };
    let f =
        Frame { plot: PlotFrame { height: 220.0 + band, top: TOP + band }, x_max: x_max.max(1.0) };
    let finite_times = p.markers.iter().filter(|m| m.time_s.is_finite());
    for (label, m) in labels.iter_mut().zip(finite_times) {
        label.x = f.x(m.time_s);
    }
    let y = |v: f32| f.plot.y(v, (lo, hi));
    let mut svg = String::new();
    f.plot.open(&mut svg, p.title);
    f.plot.y_axis(&mut svg, (lo, hi), p.band, p.y_title);
    f.marker_lines(&mut svg, p.markers);
    f.labels(&mut svg, TOP, &mut labels, p.several);
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
    /// What it is ("Hold"): several close together are counted under it ("Hold ×2").
    pub kind: String,
    /// What its label says alone ("Hold 35 s").
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
    several: &str,
    x_max: f64,
) -> String {
    let lane_h = 26.0;
    let gap = 10.0;
    // The labels' rows, then the stretches' shading starts 4 above the lanes.
    let top = TOP + label_band_height() + 6.0;
    let height = top + lanes.len() as f64 * (lane_h + gap) + BOTTOM;
    let f = Frame {
        plot: PlotFrame { height, top: top - 4.0 },
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
    let mut labels = Vec::new();
    for s in stretches.iter().filter(|s| s.start_s.is_finite() && s.length_s.is_finite()) {
        let (x0, x1) = (f.x(s.start_s), f.x(s.start_s + s.length_s));
        let outline =
            if s.alarm { format!(r#" stroke="{RED}" stroke-width="2""#) } else { String::new() };
        let _ = write!(
            svg,
            r#"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}" opacity="0.35"{outline}/>"#,
            top - 4.0,
            (x1 - x0).max(1.0),
            f.bottom() - top + 4.0,
            s.color,
        );
        labels.push(Label { x: x0, kind: s.kind.clone(), alone: s.label.clone(), color: "#333" });
    }
    f.marker_lines(&mut svg, markers);
    labels.extend(markers.iter().filter(|m| m.time_s.is_finite()).map(|m| Label {
        x: f.x(m.time_s),
        kind: m.label.clone(),
        alone: m.label.clone(),
        color: RED,
    }));
    f.labels(&mut svg, TOP, &mut labels, several);
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
            several: "{n} cues",
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
        // (The plot's area starts under the two rows of labels: 32 lower.)
        assert!(svg.contains(r#"points="62.0,135.5""#), "{svg}");
        assert!(svg.contains(r#"points="744.0,144.0""#), "{svg}");
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

    /// A box on the picture: left, top, right, bottom.
    type Box = [f64; 4];

    fn attr<'a>(element: &'a str, name: &str) -> Option<&'a str> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&element[start..start + element[start..].find('"')?])
    }

    fn num(element: &str, name: &str) -> f64 {
        attr(element, name).map_or(0.0, |v| v.parse().unwrap())
    }

    /// Every `<text>` of `svg` with its box (from [`text_width`], as the layout measures;
    /// written down a line or turned, as drawn) and its colour.
    fn text_boxes(svg: &str) -> Vec<(String, Box, String)> {
        svg.split("<text")
            .skip(1)
            .map(|rest| {
                let (element, after) = rest.split_once('>').unwrap();
                let text = after.split("</text>").next().unwrap().replace("&amp;", "&");
                let (x, y, size) =
                    (num(element, "x"), num(element, "y"), num(element, "font-size"));
                let long = text_width(&text, size);
                let b = if element.contains("vertical-rl") {
                    [x - size / 2.0, y, x + size / 2.0, y + long]
                } else if element.contains("rotate(") {
                    [x - 0.88 * size, y - long / 2.0, x + 0.12 * size, y + long / 2.0]
                } else {
                    let left = match attr(element, "text-anchor") {
                        Some("middle") => x - long / 2.0,
                        Some("end") => x - long,
                        _ => x,
                    };
                    [left, y - 0.88 * size, left + long, y + 0.12 * size]
                };
                (text, b, attr(element, "fill").unwrap_or("").to_string())
            })
            .collect()
    }

    /// Every `<line>` of `svg` as a box (a line is a thin one).
    fn lines(svg: &str) -> Vec<Box> {
        svg.split("<line")
            .skip(1)
            .map(|rest| {
                let e = rest.split_once("/>").unwrap().0;
                let (x1, x2, y1, y2) = (num(e, "x1"), num(e, "x2"), num(e, "y1"), num(e, "y2"));
                [x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)]
            })
            .collect()
    }

    fn overlap(a: &Box, b: &Box) -> bool {
        a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
    }

    /// How many things a label counts: "Too fast ×3" 3, "5 cues" 5, one alone 1.
    fn counted(label: &str) -> usize {
        if let Some((_, n)) = label.rsplit_once(" ×") {
            return n.parse().unwrap();
        }
        label
            .strip_suffix(" cues")
            .or(label.strip_suffix(" events"))
            .map_or(1, |n| n.parse().unwrap())
    }

    /// No text's box on another's, the red labels count every marker, and no line (a cue's,
    /// the grid's) runs through a text.
    fn assert_labels_clear_and_counted(svg: &str, markers: usize) {
        let texts = text_boxes(svg);
        for (i, (a, ab, _)) in texts.iter().enumerate() {
            for (b, bb, _) in &texts[i + 1..] {
                assert!(!overlap(ab, bb), "{a:?} {ab:?} overlaps {b:?} {bb:?}\n{svg}");
            }
        }
        let red: Vec<&String> = texts.iter().filter(|t| t.2 == RED).map(|t| &t.0).collect();
        assert_eq!(red.iter().map(|l| counted(l)).sum::<usize>(), markers, "{red:?}");
        for (a, ab, _) in &texts {
            for line in lines(svg) {
                assert!(!overlap(ab, &line), "a line {line:?} runs through {a:?} {ab:?}\n{svg}");
            }
        }
    }

    /// Cues as a busy call shows them: bursts a fraction of a second apart, pairs a few
    /// seconds apart, long names, alone ones; `(seconds, name)`.
    fn busy_cues() -> Vec<Marker> {
        let names = ["Too fast", "Mic too quiet", "Let the caller finish", "Flat voice"];
        let mut times = vec![3.0, 3.4, 3.8, 4.2, 9.0, 11.0, 12.5, 14.0, 30.0, 31.0, 58.0, 59.5];
        times.extend((0..12).map(|i| 80.0 + f64::from(i) * 0.7));
        times.extend([112.0, 116.0, 119.5]);
        times
            .iter()
            .enumerate()
            .map(|(i, &t)| Marker {
                time_s: t,
                label: names[if (80.0..90.0).contains(&t) { 0 } else { i % names.len() }].into(),
            })
            .collect()
    }

    #[test]
    fn many_close_cues_get_labels_that_never_overlap_and_count_every_cue() {
        let markers = busy_cues();
        let svg = plot(&[(0.0, 150.0), (120.0, 160.0)], (60.0, 260.0), None, &markers);
        // Every cue's line is drawn, however close.
        assert_eq!(svg.matches("stroke-dasharray").count(), markers.len());
        assert_labels_clear_and_counted(&svg, markers.len());
        // A burst of one cue is counted under its name; a lone cue keeps its own label.
        assert!(svg.contains(">Too fast ×"), "{svg}");
        assert!(svg.contains(">Flat voice<"), "{svg}");
        // Chinese names are wider per character: still clear.
        let zh: Vec<Marker> = busy_cues()
            .into_iter()
            .map(|m| Marker { label: m.label.replace("Too fast", "语速太快"), ..m })
            .collect();
        let svg = plot(&[(0.0, 150.0), (120.0, 160.0)], (60.0, 260.0), None, &zh);
        assert_labels_clear_and_counted(&svg, zh.len());
    }

    #[test]
    fn the_timelines_interruptions_and_stretches_keep_their_labels_apart() {
        let agent = [[0.0, 30.0], [40.0, 60.0]];
        let caller = [[28.0, 31.0]];
        // The caller interrupted at 30 s, then dead air, a hold, interruptions close by.
        let stretches = [(31.0, 5.2, "Dead air"), (60.0, 35.0, "Hold"), (96.0, 6.0, "Dead air")];
        let stretches: Vec<Stretch> = stretches
            .iter()
            .map(|&(start_s, length_s, kind)| Stretch {
                start_s,
                length_s,
                kind: kind.into(),
                label: format!("{kind} {length_s:.1} s"),
                color: GREY,
                alarm: false,
            })
            .collect();
        let markers: Vec<Marker> = [(29.5, "Caller interrupted"), (33.0, "You interrupted")]
            .into_iter()
            .chain((0..6).map(|i| (100.0 + f64::from(i) * 1.5, "You interrupted")))
            .map(|(time_s, label)| Marker { time_s, label: label.into() })
            .collect();
        let lanes_of = [
            Lane { label: "Agent", spans: &agent, color: BLUE },
            Lane { label: "Caller", spans: &caller, color: AMBER },
        ];
        let svg =
            lanes("Who talked", "Call time", &lanes_of, &stretches, &markers, "{n} events", 120.0);
        let texts = text_boxes(&svg);
        for (i, (a, ab, _)) in texts.iter().enumerate() {
            for (b, bb, _) in &texts[i + 1..] {
                assert!(!overlap(ab, bb), "{a:?} {ab:?} overlaps {b:?} {bb:?}\n{svg}");
            }
        }
        // Each stretch and interruption is named or counted once.
        let counts: usize = texts
            .iter()
            .filter(|t| {
                !["Agent", "Caller", "Call time"].contains(&t.0.as_str()) && !t.0.contains(':')
            })
            .map(|t| counted(&t.0))
            .sum();
        assert_eq!(counts, stretches.len() + markers.len(), "{texts:?}");
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
                kind: "Hold".into(),
                label: "Hold 35 s".into(),
                color: AMBER,
                alarm: true,
            }],
            &[Marker { time_s: 9.0, label: "You interrupted".into() }],
            "{n} events",
            100.0,
        );
        assert!(svg.contains(">Agent<") && svg.contains(">Caller<") && svg.contains(">Hold 35 s<"));
        assert_eq!(svg.matches(&format!(r#"fill="{BLUE}""#)).count(), 2);
        assert!(svg.contains(&format!(r#"stroke="{RED}" stroke-width="2""#)));
        assert!(svg.contains(">You interrupted<"));
    }
}
