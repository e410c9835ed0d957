//! The team report as one self-contained HTML page, in the call report's style (its
//! stylesheet, plot style and units) and either language: the agents furthest from the
//! targets first, then a plot per measure with every agent's trend and the team's.

pub mod plot;
pub mod words;

use std::fmt::Write as _;

use crate::analysis::Lang;
use crate::report::html::STYLE;
use crate::report::svg::esc;
use crate::report::words::{Words, pace_unit, words};
use crate::team::report::{AgentTrend, DayFigures, Figures, TeamReport};
use crate::words::fill;
use plot::{DayPlot, HIGHLIGHT, Series, agent_series, day_plot, team_series};
use words::{TeamWords, team_words};

/// Extra rules for the agents table (the call report's stylesheet has the rest).
const TEAM_STYLE: &str = ".scroll{overflow-x:auto} table.agents{font-size:13px;border-collapse:collapse} \
table.agents td,table.agents th{padding:3px 6px;text-align:right;vertical-align:top} \
table.agents td:first-child{white-space:nowrap} \
table.agents td:first-child,table.agents th:first-child{text-align:left} \
.off{color:#d23c32;font-weight:600} .why{color:#555;font-size:11px;font-weight:400;display:block;white-space:nowrap}";

fn num(v: Option<f32>, digits: usize) -> String {
    v.filter(|v| v.is_finite()).map_or("–".into(), |v| format!("{v:.digits$}"))
}

fn percent(v: Option<f32>) -> String {
    v.filter(|v| v.is_finite()).map_or("–".into(), |v| format!("{:.0} %", v * 100.0))
}

/// A figure per day of the period, `None` where there were no calls.
fn per_day(
    days: &[String],
    rows: &[DayFigures],
    value: impl Fn(&Figures) -> Option<f32>,
) -> Vec<Option<f32>> {
    days.iter().map(|d| rows.iter().find(|r| &r.day == d).and_then(|r| value(&r.figures))).collect()
}

fn agents_table(html: &mut String, r: &TeamReport, w: &Words, t: &TeamWords, lang: Lang) {
    let _ = write!(html, "<h2>{}</h2><p class=\"note\">{}</p>", t.agents_heading, t.agents_intro);
    let speech = r.team_period.lang;
    let _ = write!(
        html,
        "<div class=\"scroll\"><table class=\"agents\"><tr><th>{}</th><th>{}</th><th>{} ({})</th><th>{} ({})</th><th>{} ({})</th><th>{} ({})</th><th>{} ({})</th><th>{} ({})</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t.agent,
        t.calls,
        w.pace,
        pace_unit(lang, speech),
        w.volume,
        t.db_vs_agents_normal,
        w.pitch_range,
        w.semitones,
        t.interruptions,
        t.per_call,
        t.dead_air,
        t.per_call,
        t.holds_over_30s,
        t.per_call,
        t.talk_share,
        t.tiring_days,
        t.distance,
    );
    let row = |html: &mut String, name: &str, f: &Figures, off: Option<(f32, String)>| {
        let (off_text, why) = off.unwrap_or((0.0, String::new()));
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}{}</td></tr>",
            esc(name),
            f.calls,
            num(f.pace_per_min, 0),
            num(f.volume_relative_db, 1),
            num(f.pitch_spread_st, 1),
            num(f.interruptions_per_call, 2),
            num(f.dead_air_per_call, 2),
            num(holds_per_call(f), 2),
            percent(f.agent_talk_share),
            f.tiring_days,
            if off_text > 0.0 { " class=\"off\"" } else { "" },
            if name.is_empty() { String::new() } else { format!("{off_text:.2}") },
            if why.is_empty() {
                String::new()
            } else {
                format!(" <span class=\"why\">{why}</span>")
            },
        );
    };
    for a in &r.agents {
        let d = &a.distance;
        let parts = [
            (d.pace, t.off_pace),
            (d.volume, t.off_volume),
            (d.tone, t.off_tone),
            (d.conversation, t.off_conversation),
            (d.tiring, t.off_tiring),
        ];
        let why: Vec<&str> = parts.iter().filter(|(v, _)| *v > 0.0).map(|(_, n)| *n).collect();
        row(html, &a.agent, &a.period, Some((d.total, why.join(w.list_separator))));
    }
    let _ = write!(
        html,
        "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></table></div>",
        t.whole_team,
        r.team_period.calls,
        num(r.team_period.pace_per_min, 0),
        num(r.team_period.volume_relative_db, 1),
        num(r.team_period.pitch_spread_st, 1),
        num(r.team_period.interruptions_per_call, 2),
        num(r.team_period.dead_air_per_call, 2),
        num(holds_per_call(&r.team_period), 2),
        percent(r.team_period.agent_talk_share),
        r.team_period.tiring_days,
    );
}

/// One trend plot: its title and unit, the figure drawn, the target band, the range the
/// axis covers at least, and how far off an agent is on it (0: not off; the three
/// furthest off are drawn in colour). Without `off`, only the team's line is drawn.
struct Measure<'a> {
    title: &'a str,
    unit: String,
    value: Box<FigureOf<'a>>,
    band: Option<(f32, f32)>,
    y_range: (f32, f32),
    off: Option<Box<OffOf<'a>>>,
}

/// A day's or a period's figure on one measure.
type FigureOf<'a> = dyn Fn(&Figures) -> Option<f32> + 'a;
/// How far an agent is off on one measure.
type OffOf<'a> = dyn Fn(&AgentTrend) -> f32 + 'a;

/// Holds over 30 s per call heard, as the other conversation measures are per call.
fn holds_per_call(f: &Figures) -> Option<f32> {
    (f.calls_heard > 0).then(|| f.holds_over_30s as f32 / f.calls_heard as f32)
}

/// The agents furthest off on a measure, furthest first: at most [`HIGHLIGHT`]'s three,
/// and only those off at all.
fn furthest_off(agents: &[AgentTrend], off: &dyn Fn(&AgentTrend) -> f32) -> Vec<usize> {
    let mut ranked: Vec<(usize, f32)> = agents
        .iter()
        .enumerate()
        .map(|(i, a)| (i, off(a)))
        .filter(|(_, d)| d.is_finite() && *d > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().take(HIGHLIGHT.len()).map(|(i, _)| i).collect()
}

fn trends(html: &mut String, r: &TeamReport, w: &Words, t: &TeamWords, lang: Lang) {
    let _ = write!(html, "<h2>{}</h2><p class=\"note\">{}</p>", t.trends, t.trends_legend);
    let speech = r.team_period.lang;
    let pace_band = r.targets.pace(speech).green;
    let floor = r.team_period.spread_floor_st.filter(|f| f.is_finite() && *f > 0.0);
    let measures: Vec<Measure> = vec![
        Measure {
            title: w.pace,
            unit: pace_unit(lang, speech).to_string(),
            value: Box::new(|f: &Figures| f.pace_per_min),
            band: Some(pace_band),
            y_range: pace_band,
            off: Some(Box::new(|a: &AgentTrend| a.distance.pace)),
        },
        Measure {
            title: w.volume,
            unit: t.db_vs_agents_normal.to_string(),
            value: Box::new(|f: &Figures| f.volume_relative_db),
            band: Some(r.targets.volume_relative_db.green),
            y_range: r.targets.volume_relative_db.green,
            off: Some(Box::new(|a: &AgentTrend| a.distance.volume)),
        },
        Measure {
            title: w.pitch_range,
            unit: w.semitones.to_string(),
            value: Box::new(|f: &Figures| f.pitch_spread_st),
            // Lively enough from the flat-voice floor up.
            band: floor.map(|f| (f, f.max(8.0) + 4.0)),
            y_range: (0.0, 8.0),
            off: Some(Box::new(|a: &AgentTrend| a.distance.tone)),
        },
        Measure {
            title: t.interruptions,
            unit: t.per_call.to_string(),
            value: Box::new(|f: &Figures| f.interruptions_per_call),
            band: None,
            y_range: (0.0, 1.0),
            off: Some(Box::new(|a: &AgentTrend| a.period.interruptions_per_call.unwrap_or(0.0))),
        },
        Measure {
            title: t.dead_air,
            unit: t.per_call.to_string(),
            value: Box::new(|f: &Figures| f.dead_air_per_call),
            band: None,
            y_range: (0.0, 1.0),
            off: Some(Box::new(|a: &AgentTrend| a.period.dead_air_per_call.unwrap_or(0.0))),
        },
        Measure {
            title: t.holds_over_30s,
            unit: t.per_call.to_string(),
            value: Box::new(holds_per_call),
            band: None,
            y_range: (0.0, 0.2),
            off: Some(Box::new(|a: &AgentTrend| holds_per_call(&a.period).unwrap_or(0.0))),
        },
        Measure {
            title: t.talk_share,
            unit: "%".into(),
            value: Box::new(|f: &Figures| f.agent_talk_share.map(|s| s * 100.0)),
            band: None,
            y_range: (0.0, 100.0),
            off: Some(Box::new(|a: &AgentTrend| a.period.agent_talk_share.unwrap_or(0.0))),
        },
        // A day is tiring or not for an agent: the team's count of tiring agents says more
        // than 25 lines at 0 or 1.
        Measure {
            title: t.tiring_agents,
            unit: t.agents_unit.to_string(),
            value: Box::new(|f: &Figures| Some(f.tiring_days as f32)),
            band: None,
            y_range: (0.0, 2.0),
            off: None,
        },
    ];
    for m in &measures {
        let mut series: Vec<Series> = Vec::new();
        if let Some(off) = &m.off {
            let colour = furthest_off(&r.agents, off.as_ref());
            // Grey lines first, the coloured ones over them, the furthest off on top.
            let mut order: Vec<usize> =
                (0..r.agents.len()).filter(|i| !colour.contains(i)).collect();
            order.extend(colour.iter().rev());
            for i in order {
                let a = &r.agents[i];
                let rank = colour.iter().position(|c| *c == i);
                series.push(agent_series(&a.agent, rank, per_day(&r.days, &a.days, &m.value)));
            }
        }
        series.push(team_series(t.whole_team, per_day(&r.days, &r.team_days, &m.value)));
        html.push_str(&day_plot(&DayPlot {
            title: m.title,
            y_title: &m.unit,
            x_title: t.day,
            days: &r.days,
            series: &series,
            band: m.band,
            y_range: m.y_range,
        }));
    }
}

/// The page, in `lang`.
pub fn render(r: &TeamReport, lang: Lang) -> String {
    let w = words(lang);
    let t = team_words(lang);
    let mut html = String::new();
    let period = fill(
        t.days_from_to,
        &[("from", &r.from), ("to", &r.to), ("days", &r.days.len().to_string())],
    );
    let targets = match &r.profile_updated_at {
        Some(when) => fill(t.targets_from_profile, &[("when", when.get(..16).unwrap_or(when))]),
        None => t.targets_default.to_string(),
    };
    let _ = write!(
        html,
        r#"<!doctype html><html lang="{l}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{report} · {team}</title><style>{STYLE}{TEAM_STYLE}</style></head><body><h1>{report} · {team}</h1><p class="sub">{period} · {targets}</p>"#,
        l = if lang == Lang::Zh { "zh-CN" } else { "en" },
        report = t.team_report,
        team = esc(&r.team),
        period = esc(&period),
        targets = esc(&targets),
    );
    if r.agents.is_empty() {
        let _ = write!(html, r#"<p class="note">{}</p>"#, t.no_calls);
    } else {
        agents_table(&mut html, r, w, t, lang);
        trends(&mut html, r, w, t, lang);
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::Targets;
    use crate::team::report::{Sums, assemble, period};

    fn report() -> TeamReport {
        let sums = Sums {
            calls: 3,
            pace_zh: (190.0 * 100.0, 100.0),
            volume: (2.0 * 80.0, 80.0),
            spread: (6.0 * 80.0, 80.0),
            floor: (5.0 * 80.0, 80.0),
            heard: 3,
            interruptions: 2,
            ..Sums::default()
        };
        let rows = vec![
            ("<Alice>".into(), "2026-11-01".into(), sums),
            ("Bob".into(), "2026-11-03".into(), sums),
        ];
        assemble("north & south", period("2026-11-03", 3).unwrap(), Targets::default(), None, rows)
    }

    #[test]
    fn the_page_has_a_row_per_agent_and_a_plot_per_measure_in_either_language() {
        for lang in [Lang::Zh, Lang::En] {
            let html = render(&report(), lang);
            assert!(html.contains("&lt;Alice&gt;") && !html.contains("<Alice>"));
            assert!(html.contains("north &amp; south"));
            assert_eq!(html.matches("<svg").count(), 8);
            assert_eq!(html.matches("<tr>").count(), 1 + 2 + 1);
            assert!(html.contains(team_words(lang).team_report));
            assert!(!html.contains("NaN"));
        }
    }
}
