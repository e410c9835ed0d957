//! The call report as one self-contained HTML file in the reader's language: what to try
//! next first (moments with their replays, tips), then the figures against the agent's
//! own normal and last call, the conversation and its timeline, then the plots. No
//! scripts, no external files (replays are `data:` URIs), so it opens anywhere and can be
//! mailed.

use std::fmt::Write as _;

use super::call::{BandShare, CallConversation, Replays, Report};
use super::compare::{Comparison, Figure};
use super::moments::{self, Context};
use super::svg::{self, AMBER, BLUE, GREEN, GREY, RED, esc};
use super::words::{Words, cue_name, event_name, pace_unit, words};
use crate::analysis::Lang;
use crate::conversation::{EventKind, HOLD_ALARM_S};
use crate::session::store::SessionKind;
use crate::session::when::{clock, duration_text};
use crate::words::fill;

pub(crate) const STYLE: &str = r#"
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;max-width:860px;margin:24px auto;padding:0 16px;color:#222;line-height:1.45}
h1{margin:0 0 4px} .sub{color:#555;margin:0 0 16px} h2{margin:28px 0 8px;font-size:20px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px}
.card{background:#f4f5f7;border-radius:6px;padding:8px 10px}
.card .v{display:block;font-size:20px;font-weight:600;white-space:nowrap}
.card small{display:block;color:#555}
.up{color:#b35c00} .down{color:#2b6cb0}
.moment{border-left:4px solid #3b6fd8;background:#f7f9fd;padding:8px 12px;margin:10px 0;border-radius:0 6px 6px 0}
.moment.off{border-color:#d23c32} .moment h3{margin:0 0 4px;font-size:16px}
audio{width:100%;max-width:520px;display:block;margin:6px 0}
.tips li{margin:6px 0}
.band{margin:8px 0} .bar{display:flex;height:14px;border-radius:4px;overflow:hidden;margin:2px 0;background:#eee}
figure{margin:14px 0} figcaption{font-weight:600;margin-bottom:4px}
table{border-collapse:collapse} td,th{padding:3px 12px 3px 0;text-align:left;vertical-align:top}
.flag{color:#d23c32;font-weight:600} .note{color:#555}
.legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px -1px 12px}
"#;

/// A difference with its sign (`+12`, `−3.5`), or "same".
fn delta(w: &Words, v: f32, decimals: usize) -> String {
    let rounded = format!("{:.decimals$}", v.abs());
    if rounded.trim_start_matches(['0', '.']).is_empty() {
        return w.unchanged.into();
    }
    let sign = if v > 0.0 { "+" } else { "−" };
    format!("{sign}{rounded}")
}

/// "vs your normal +12 · vs your last call −5" under a figure.
fn comparison_line(w: &Words, c: Option<&Comparison>, decimals: usize, scale: f32) -> String {
    let Some(c) = c else { return String::new() };
    let mut parts = Vec::new();
    if let Some(d) = c.vs_baseline() {
        parts.push(format!("{} {}", w.vs_normal, delta(w, d * scale, decimals)));
    }
    if let Some(d) = c.vs_previous() {
        parts.push(format!("{} {}", w.vs_last_call, delta(w, d * scale, decimals)));
    }
    if parts.is_empty() { String::new() } else { format!("<small>{}</small>", parts.join(" · ")) }
}

fn card(html: &mut String, label: &str, value: &str, extra: &str) {
    let _ = write!(
        html,
        r#"<div class="card">{}<span class="v">{}</span>{extra}</div>"#,
        esc(label),
        esc(value)
    );
}

fn band_bar(w: &Words, label: &str, s: BandShare) -> String {
    let seg = |share: f32, color: &str| {
        format!(r#"<span style="width:{:.1}%;background:{color}"></span>"#, share * 100.0)
    };
    format!(
        r#"<div class="band"><b>{}</b><div class="bar">{}{}{}</div><small>{:.0} % {} · {:.0} % {} · {:.0} % {}</small></div>"#,
        esc(label),
        seg(s.green, GREEN),
        seg(s.amber, AMBER),
        seg(s.red, RED),
        s.green * 100.0,
        w.on_target,
        s.amber * 100.0,
        w.near_target,
        s.red * 100.0,
        w.off_target
    )
}

fn seconds(w: &Words, v: f64) -> String {
    format!("{v:.1} {}", w.seconds)
}

fn voice_section(html: &mut String, r: &Report, w: &Words) {
    let lang = r.report_lang;
    let find = |f: Figure| r.comparisons.iter().find(|c| c.figure == f);
    let summary = r.summary.as_ref();
    let _ = write!(html, "<h2>{}</h2><div class=\"grid\">", w.your_voice);
    card(html, w.duration, &duration_text(lang, r.duration_s), "");
    card(html, w.talk_time, &duration_text(lang, summary.map_or(0.0, |s| s.speech_s)), "");
    let unit = pace_unit(lang, r.lang);
    let pace = find(Figure::Pace);
    let target = format!(
        "<small>{} {:.0}–{:.0}</small>{}",
        w.target,
        r.pace_target.0,
        r.pace_target.1,
        comparison_line(w, pace, 0, 1.0)
    );
    let pace_text = pace.map_or("–".into(), |c| format!("{:.0} {unit}", c.value));
    card(html, w.pace, &pace_text, &target);
    let level = find(Figure::Level);
    match (level, r.normal_is_baseline) {
        (Some(c), true) => {
            let v = format!("{} dB", delta(w, c.vs_baseline().unwrap_or(0.0), 1));
            let previous = c.vs_previous().map_or(String::new(), |d| {
                format!("<small>{} {} dB</small>", w.vs_last_call, delta(w, d, 1))
            });
            card(html, w.volume, &v, &format!("<small>{}</small>{previous}", w.db_vs_normal));
        }
        (Some(c), false) => {
            let extra = format!(
                "<small>{}</small>{}",
                w.level_uncalibrated,
                comparison_line(w, Some(c), 1, 1.0)
            );
            card(html, w.volume, &format!("{:.1} dBFS", c.value), &extra);
        }
        (None, _) => card(html, w.volume, "–", ""),
    }
    let spread = find(Figure::PitchSpread);
    let spread_text = spread.map_or("–".into(), |c| format!("{:.1} {}", c.value, w.semitones));
    card(html, w.pitch_range, &spread_text, &comparison_line(w, spread, 1, 1.0));
    match summary {
        Some(s) => {
            let longest = format!(
                "<small>{} {}</small>",
                w.longest,
                seconds(w, f64::from(s.longest_pause_s))
            );
            card(html, w.pauses, &s.pauses.to_string(), &longest);
        }
        None => card(html, w.pauses, "–", ""),
    }
    card(html, w.longest_monologue, &seconds(w, f64::from(r.longest_monologue_s)), "");
    card(html, w.volume_excursions, &r.volume_excursions.to_string(), "");
    html.push_str("</div>");
    if !r.comparisons.iter().any(|c| c.previous.is_some()) {
        let _ = write!(html, r#"<p class="note"><small>{}</small></p>"#, w.previous_none);
    }
}

fn moments_section(html: &mut String, r: &Report, w: &Words, replays: &Replays) {
    if r.moments.is_empty() {
        return;
    }
    let context = Context {
        lang: r.report_lang,
        speech_lang: r.lang,
        pace_green: r.pace_target,
        baseline: r.normal_is_baseline,
    };
    let _ = write!(html, "<h2>{}</h2><p class=\"note\">{}</p>", w.moments, w.moments_intro);
    match replays {
        Replays::NotRecorded => {
            let _ = write!(html, r#"<p class="note">{}</p>"#, w.no_audio);
        }
        Replays::InParts | Replays::Unreadable(_) => {
            let _ = write!(html, r#"<p class="note">{}</p>"#, w.audio_in_parts);
        }
        Replays::Ready(_) => {}
    }
    for (i, m) in r.moments.iter().enumerate() {
        let _ = write!(
            html,
            r#"<div class="moment{}"><h3>{} · {}</h3><div>{}</div>"#,
            if m.off_target { " off" } else { "" },
            clock(m.at_s),
            esc(moments::title(r.report_lang, m.kind)),
            esc(&moments::detail(&context, m))
        );
        if let Replays::Ready(uris) = replays
            && let Some(Some(uri)) = uris.get(i)
        {
            let _ = write!(
                html,
                r#"<audio controls preload="metadata" data-start="{:.1}" src="{uri}"></audio><small class="note">{}</small>"#,
                m.start_s,
                esc(&fill(w.replay_from, &[("time", &clock(m.start_s))]))
            );
        }
        html.push_str("</div>");
    }
    if !r.tips.is_empty() {
        let _ = write!(html, "<h2>{}</h2><ul class=\"tips\">", w.tips);
        for t in &r.tips {
            let _ = write!(html, "<li>{}</li>", esc(&t.text));
        }
        html.push_str("</ul>");
    }
}

fn conversation_section(html: &mut String, r: &Report, c: &CallConversation, w: &Words) {
    let lang = r.report_lang;
    let f = &c.figures;
    let find = |fig: Figure| r.comparisons.iter().find(|c| c.figure == fig);
    let _ = write!(html, "<h2>{}</h2><div class=\"grid\">", w.the_conversation);
    card(html, w.agent_talk, &duration_text(lang, f.agent_talk_s), "");
    card(html, w.caller_talk, &duration_text(lang, f.caller_talk_s), "");
    let share = f.agent_talk_share.map_or("–".into(), |s| format!("{:.0} %", s * 100.0));
    card(html, w.talk_share, &share, &comparison_line(w, find(Figure::AgentTalkShare), 0, 100.0));
    card(html, w.overlap, &seconds(w, f.overlap_s), "");
    let times = |n: u32| match lang {
        Lang::Zh => format!("{n} {}", w.times),
        Lang::En => format!("{n}{}", w.times),
    };
    let interruptions = comparison_line(w, find(Figure::AgentInterruptions), 0, 1.0);
    card(html, w.agent_interruptions, &times(f.agent_interruptions), &interruptions);
    card(html, w.caller_interruptions, &times(f.caller_interruptions), "");
    let gap = f.response_gap_median_s.map_or("–".into(), |g| seconds(w, f64::from(g)));
    card(html, w.response_gap, &gap, "");
    let longest =
        format!("<small>{} {}</small>", w.longest, seconds(w, f64::from(f.longest_dead_air_s)));
    card(html, w.dead_air, &times(f.dead_air_count), &longest);
    let monologue = comparison_line(w, find(Figure::LongestMonologueS), 0, 1.0);
    card(
        html,
        w.longest_monologue,
        &seconds(w, f64::from(f.longest_agent_monologue_s)),
        &monologue,
    );
    if let Some(a) = &f.caller_arousal {
        let text = fill(
            w.arousal_text,
            &[
                ("st", &format!("{:.1}", a.peak_pitch_st.unwrap_or(0.0))),
                ("db", &format!("{:.1}", a.peak_level_db.unwrap_or(0.0))),
            ],
        );
        card(
            html,
            w.caller_arousal,
            &format!("{:+.1} dB", a.peak_level_db.unwrap_or(0.0)),
            &format!("<small>{}</small>", esc(&text)),
        );
    }
    html.push_str("</div>");
    let _ = write!(html, "<h3>{}</h3>", w.holds);
    if f.holds.is_empty() {
        let _ = write!(html, r#"<p class="note">{}</p>"#, w.no_holds);
    } else {
        let _ = write!(
            html,
            "<table><tr><th>{}</th><th>{}</th><th></th></tr>",
            w.hold_start, w.hold_length
        );
        for h in &f.holds {
            let flag = if h.duration_s >= HOLD_ALARM_S {
                format!(r#"<span class="flag">{}</span>"#, w.over_limit)
            } else {
                String::new()
            };
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{flag}</td></tr>",
                clock(h.start_s),
                seconds(w, f64::from(h.duration_s))
            );
        }
        html.push_str("</table>");
    }
    html.push_str(&timeline(r, c, w));
}

/// The two lanes with the conversation's events on them.
fn timeline(r: &Report, c: &CallConversation, w: &Words) -> String {
    let lang = r.report_lang;
    let markers: Vec<svg::Marker> = c
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::AgentInterruption | EventKind::CallerInterruption))
        .map(|e| svg::Marker { time_s: e.time_s, label: event_name(lang, e.kind).into() })
        .collect();
    let stretches: Vec<svg::Stretch> = c
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Hold | EventKind::DeadAir))
        .map(|e| svg::Stretch {
            start_s: e.time_s,
            length_s: f64::from(e.duration_s),
            kind: event_name(lang, e.kind).into(),
            label: format!(
                "{} {} {}",
                event_name(lang, e.kind),
                moments::seconds_value(e.duration_s),
                w.seconds
            ),
            color: if e.kind == EventKind::Hold { AMBER } else { GREY },
            alarm: e.kind == EventKind::Hold && e.duration_s >= HOLD_ALARM_S,
        })
        .collect();
    let mut out = svg::lanes(
        w.who_talked,
        w.call_time,
        &[
            svg::Lane { label: w.agent, spans: &c.lanes.agent, color: BLUE },
            svg::Lane { label: w.caller, spans: &c.lanes.caller, color: "#9b59b6" },
        ],
        &stretches,
        &markers,
        w.several_events,
        r.duration_s,
    );
    let _ = write!(
        out,
        r#"<p class="legend note"><small><span style="background:{AMBER};opacity:.5"></span>{}<span style="background:{GREY};opacity:.5"></span>{}<span style="background:{RED}"></span>{} / {}</small></p>"#,
        w.holds,
        w.dead_air,
        event_name(lang, EventKind::AgentInterruption),
        event_name(lang, EventKind::CallerInterruption)
    );
    out
}

fn plots_section(html: &mut String, r: &Report, w: &Words) {
    let lang = r.report_lang;
    let markers: Vec<svg::Marker> = r
        .cues
        .iter()
        .map(|c| svg::Marker { time_s: c.time_s, label: cue_name(lang, c.cue).into() })
        .collect();
    let _ = write!(
        html,
        "<h2>{}</h2><p class=\"note\"><small>{}</small></p>",
        w.over_the_call, w.plots_legend
    );
    let unit = pace_unit(lang, r.lang);
    let pace: Vec<(f64, f32)> = r.series.iter().filter_map(|p| Some((p.time_s, p.pace?))).collect();
    let (lo, hi) = r.pace_target;
    html.push_str(&svg::line_plot(&svg::LinePlot {
        title: &format!("{} · {unit}", w.pace),
        y_title: unit,
        x_title: w.call_time,
        points: &pace,
        y_range: ((lo * 0.4).floor(), (hi * 1.5).ceil()),
        band: Some(r.pace_target),
        markers: &markers,
        several: w.several_cues,
        x_max: r.duration_s,
    }));
    // Level against the agent's normal when there is one to compare with (±4 dB green,
    // the volume gauge's band), else as measured.
    let normal = r.normal_level_dbfs.unwrap_or(0.0);
    let level: Vec<(f64, f32)> =
        r.series.iter().filter_map(|p| Some((p.time_s, p.level_dbfs? - normal))).collect();
    let (title, range, band) = match (r.normal_level_dbfs, r.normal_is_baseline) {
        (Some(_), true) => (w.db_vs_normal, (-15.0, 15.0), Some((-4.0, 4.0))),
        (Some(_), false) => (w.db_vs_default, (-15.0, 15.0), Some((-4.0, 4.0))),
        (None, _) => ("dBFS", (-60.0, 0.0), None),
    };
    html.push_str(&svg::line_plot(&svg::LinePlot {
        title: &format!("{} · {title}", w.volume),
        y_title: if r.normal_level_dbfs.is_some() { "dB" } else { "dBFS" },
        x_title: w.call_time,
        points: &level,
        y_range: range,
        band,
        markers: &markers,
        several: w.several_cues,
        x_max: r.duration_s,
    }));
    let pitch: Vec<(f64, f32)> =
        r.series.iter().filter_map(|p| Some((p.time_s, p.pitch_hz?))).collect();
    html.push_str(&svg::line_plot(&svg::LinePlot {
        title: w.pitch,
        y_title: "Hz",
        x_title: w.call_time,
        points: &pitch,
        y_range: (60.0, 400.0),
        band: None,
        markers: &markers,
        several: w.several_cues,
        x_max: r.duration_s,
    }));
}

pub fn render(r: &Report, replays: &Replays) -> String {
    let w = words(r.report_lang);
    let mut html = String::new();
    let mut sub = vec![esc(&r.title), esc(&r.source)];
    match r.kind {
        SessionKind::Call => {}
        SessionKind::Demo => sub.push(w.demo_run.into()),
        SessionKind::Rehearsal => sub.push(w.rehearsal.into()),
    }
    if r.recording {
        sub.push(w.audio_recorded.into());
    }
    let _ = write!(
        html,
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{report} · {title}</title><style>{STYLE}</style></head><body><h1>{report}</h1><p class="sub">{sub}</p>"#,
        lang = if r.report_lang == Lang::Zh { "zh-CN" } else { "en" },
        report = w.call_report,
        title = esc(&r.title),
        sub = sub.join(" · "),
    );
    moments_section(&mut html, r, w, replays);
    voice_section(&mut html, r, w);
    if let Some(c) = &r.conversation {
        conversation_section(&mut html, r, c, w);
    }
    let _ = write!(html, "<h2>{}</h2>", w.bands);
    html.push_str(&band_bar(w, w.pace, r.pace_bands));
    html.push_str(&band_bar(w, w.volume, r.volume_bands));
    html.push_str(&band_bar(w, w.pitch_range, r.tone_bands));
    plots_section(&mut html, r, w);
    let _ = write!(html, "<h2>{}</h2>", w.cues_shown);
    if r.cues.is_empty() {
        let _ = write!(html, r#"<p class="note">{}</p>"#, w.no_cues);
    } else {
        let _ = write!(html, "<table><tr><th>{}</th><th>{}</th></tr>", w.time, w.cue);
        for c in &r.cues {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td></tr>",
                clock(c.time_s),
                esc(cue_name(r.report_lang, c.cue))
            );
        }
        html.push_str("</table>");
    }
    html.push_str("</body></html>\n");
    html
}
