//! The call report as one self-contained HTML file: figures first, then plots drawn as
//! inline SVG (no scripts, no external files), so it opens anywhere and can be mailed.
//! A plot takes only finite points and keeps its axes finite whatever it is given: one
//! NaN in a coordinate would blank the whole SVG in a browser.

use std::fmt::Write as _;

use super::report::{BandShare, Report};

const GREEN: &str = "#2ea043";
const AMBER: &str = "#e6a014";
const RED: &str = "#d23c32";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A line plot of `(x, y)` points with a shaded target band.
fn line_plot(
    title: &str,
    points: &[(f64, f32)],
    y_range: (f32, f32),
    band: Option<(f32, f32)>,
    cues: &[f64],
) -> String {
    let (w, h, pad) = (760.0, 180.0, 36.0);
    let points: Vec<(f64, f32)> =
        points.iter().copied().filter(|(t, v)| t.is_finite() && v.is_finite()).collect();
    let y_range = if y_range.0.is_finite() && y_range.1.is_finite() && y_range.0 < y_range.1 {
        y_range
    } else {
        (0.0, 1.0)
    };
    let band = band.filter(|(lo, hi)| !lo.is_nan() && !hi.is_nan() && lo < hi);
    let x_max = points.iter().map(|p| p.0).fold(1.0f64, f64::max);
    let x = |t: f64| pad + (w - 2.0 * pad) * t.clamp(0.0, x_max) / x_max;
    let y = |v: f32| {
        let v = v.clamp(y_range.0, y_range.1);
        h - pad + (pad * 2.0 - h) * ((v - y_range.0) / (y_range.1 - y_range.0)) as f64
    };
    let mut svg = format!(
        r#"<figure><figcaption>{}</figcaption><svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}">"#,
        esc(title),
        esc(title)
    );
    if let Some((lo, hi)) = band {
        let _ = write!(
            svg,
            r#"<rect x="{pad}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{GREEN}" opacity="0.15"/>"#,
            y(hi),
            w - 2.0 * pad,
            y(lo) - y(hi)
        );
    }
    for &t in cues.iter().filter(|t| t.is_finite()) {
        let _ = write!(
            svg,
            r#"<line x1="{0:.1}" x2="{0:.1}" y1="{pad}" y2="{1:.1}" stroke="{RED}" stroke-dasharray="3 3" opacity="0.6"/>"#,
            x(t),
            h - pad
        );
    }
    let path: Vec<String> =
        points.iter().map(|&(t, v)| format!("{:.1},{:.1}", x(t), y(v))).collect();
    let _ = write!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#3b6fd8" stroke-width="2"/>"##,
        path.join(" ")
    );
    let _ = write!(
        svg,
        r##"<text x="4" y="{:.1}" font-size="11" fill="#666">{}</text><text x="4" y="{:.1}" font-size="11" fill="#666">{}</text><text x="{:.1}" y="{:.1}" font-size="11" fill="#666" text-anchor="end">{:.0} s</text>"##,
        y(y_range.1) + 4.0,
        y_range.1,
        y(y_range.0),
        y_range.0,
        w - pad,
        h - 8.0,
        x_max
    );
    svg.push_str("</svg></figure>");
    svg
}

fn band_bar(label: &str, s: BandShare) -> String {
    let seg = |share: f32, color: &str| {
        format!(r#"<span style="width:{:.1}%;background:{color}"></span>"#, share * 100.0)
    };
    format!(
        r#"<div class="band"><b>{}</b><div class="bar">{}{}{}</div><small>{:.0} % on target · {:.0} % near · {:.0} % off</small></div>"#,
        esc(label),
        seg(s.green, GREEN),
        seg(s.amber, AMBER),
        seg(s.red, RED),
        s.green * 100.0,
        s.amber * 100.0,
        s.red * 100.0
    )
}

pub fn render(r: &Report, pace_target: (f32, f32)) -> String {
    let summary = r.summary.as_ref();
    let num =
        |v: Option<f64>, unit: &str| v.map_or("–".to_string(), |v| format!("{v:.1} {unit}"));
    let cue_times: Vec<f64> = r.cues.iter().map(|c| c.time_s).collect();
    let pace: Vec<(f64, f32)> = r.series.iter().filter_map(|p| Some((p.time_s, p.pace?))).collect();
    let level: Vec<(f64, f32)> =
        r.series.iter().filter_map(|p| Some((p.time_s, p.level_dbfs?))).collect();
    let pitch: Vec<(f64, f32)> =
        r.series.iter().filter_map(|p| Some((p.time_s, p.pitch_hz?))).collect();
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Call report {id}</title><style>
body{{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:820px;margin:24px auto;color:#222}}
.grid{{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}} .grid div{{background:#f4f5f7;border-radius:6px;padding:8px}}
.grid b{{display:block;font-size:20px}} .band{{margin:8px 0}} .bar{{display:flex;height:14px;border-radius:4px;overflow:hidden;margin:2px 0}}
figure{{margin:12px 0}} figcaption{{font-weight:600}} td,th{{padding:2px 10px;text-align:left}}
</style></head><body><h1>Call report</h1><p>Session {id} · {source}{rec}</p><div class="grid">"#,
        id = esc(&r.id),
        source = esc(&r.source),
        rec = if r.recording { " · audio recorded" } else { "" }
    );
    for (label, value) in [
        ("Duration", num(summary.map(|s| s.duration_s), "s")),
        ("Talk time", num(summary.map(|s| s.speech_s), "s")),
        ("Pace", num(summary.and_then(|s| s.syllables_per_min).map(f64::from), "syl/min")),
        ("Active level", num(summary.and_then(|s| s.level_active_dbfs).map(f64::from), "dBFS")),
        ("Pitch spread", num(summary.and_then(|s| s.pitch_spread_st).map(f64::from), "st")),
        (
            "Pauses",
            summary.map_or("–".into(), |s| {
                format!("{} (longest {:.1} s)", s.pauses, s.longest_pause_s)
            }),
        ),
        ("Longest monologue", format!("{:.1} s", r.longest_monologue_s)),
        ("Volume excursions", r.volume_excursions.to_string()),
    ] {
        let _ = write!(html, "<div>{label}<b>{}</b></div>", esc(&value));
    }
    html.push_str("</div><h2>Time in the target bands</h2>");
    html.push_str(&band_bar("Speed", r.pace_bands));
    html.push_str(&band_bar("Volume", r.volume_bands));
    html.push_str(&band_bar("Tone", r.tone_bands));
    html.push_str(
        "<h2>Over the call</h2><p><small>Dashed red lines: cues shown to the agent.</small></p>",
    );
    html.push_str(&line_plot(
        "Pace (syllables/min)",
        &pace,
        (60.0, 260.0),
        Some(pace_target),
        &cue_times,
    ));
    html.push_str(&line_plot("Active level (dBFS)", &level, (-60.0, 0.0), None, &cue_times));
    html.push_str(&line_plot(
        "Median pitch per second (Hz)",
        &pitch,
        (60.0, 400.0),
        None,
        &cue_times,
    ));
    html.push_str("<h2>Cues</h2><table><tr><th>time</th><th>cue</th></tr>");
    for c in &r.cues {
        let _ = write!(html, "<tr><td>{:.1} s</td><td>{:?}</td></tr>", c.time_s, c.cue);
    }
    html.push_str("</table></body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let svg =
            line_plot("Pace", &points, (60.0, 260.0), Some((f32::NAN, 170.0)), &[f64::NAN, 1.5]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        // The two finite points are drawn; the x axis ends at the last finite time.
        assert!(svg.contains(r#"points="36.0,95.4 724.0,100.8""#), "{svg}");
        assert!(svg.contains(">4 s<"), "{svg}");
    }

    #[test]
    fn a_plot_with_an_infinite_band_or_no_points_stays_finite() {
        let svg = line_plot("Pace", &[], (60.0, 260.0), Some((130.0, f32::INFINITY)), &[]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let svg = line_plot("Level", &[(0.0, -20.0)], (f32::NAN, 0.0), None, &[]);
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }
}
