//! Stored sessions: the list (named by local date and time) with Report and Delete, an
//! open report in the interface language, and progress by shift.
//!
//! The report's words come from `report::words`, the same as the HTML page, so the
//! window and the page never disagree; its moments and tips are worded here in the
//! window's language, whatever language the page was written in.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::{Action, SessionsPanel, View};
use crate::analysis::Lang;
use crate::coach::Band;
use crate::report::call::Report;
use crate::report::compare::{Comparison, Figure};
use crate::report::moments::{self, Context};
use crate::report::words::{Words, pace_unit, words};
use crate::session::history::{SessionPoint, Shift};
use crate::session::store::{Listed, SessionMeta};
use crate::session::when;
use crate::ui::gauge::band_color;

/// A difference with its sign, or nothing when there is none to show.
fn delta(v: f32, decimals: usize) -> String {
    let rounded = format!("{:.decimals$}", v.abs());
    let sign = if rounded.trim_start_matches(['0', '.']).is_empty() {
        "±"
    } else if v > 0.0 {
        "+"
    } else {
        "−"
    };
    format!("{sign}{rounded}")
}

/// "152 字/分钟（比平常 +12，比上一通 −5）".
fn with_comparisons(
    w: &Words,
    lang: Lang,
    value: String,
    c: &Comparison,
    decimals: usize,
) -> String {
    let mut parts = Vec::new();
    if let Some(d) = c.vs_baseline() {
        parts.push(format!("{} {}", w.vs_normal, delta(d, decimals)));
    }
    if let Some(d) = c.vs_previous() {
        parts.push(format!("{} {}", w.vs_last_call, delta(d, decimals)));
    }
    match (parts.is_empty(), lang) {
        (true, _) => value,
        (false, Lang::Zh) => format!("{value}（{}）", parts.join("，")),
        (false, Lang::En) => format!("{value} ({})", parts.join(", ")),
    }
}

impl View<'_> {
    fn report_lang(&self) -> Lang {
        self.ui_lang.into()
    }

    pub(super) fn sessions_panel(
        &self,
        ui: &mut Ui,
        panel: &SessionsPanel,
        actions: &mut Vec<Action>,
    ) {
        if let Some(m) = &panel.message {
            ui.label(m);
        }
        if let Some((r, html)) = &panel.report {
            self.report(ui, r);
            ui.label(RichText::new(html.display().to_string()).weak().small());
        }
        self.history(ui, &panel.days);
        egui::ScrollArea::vertical().id_salt("sessions").max_height(140.0).show(ui, |ui| {
            for row in panel.rows.iter().rev() {
                ui.horizontal(|ui| match row {
                    Listed::Ok(m) => self.session_row(ui, m, panel, actions),
                    Listed::Damaged { id, reason } => {
                        ui.label(
                            RichText::new(format!("{id}: {reason}")).color(band_color(Band::Amber)),
                        );
                        self.delete_button(ui, panel, id, actions);
                    }
                });
            }
        });
    }

    /// One stored session: its local date, time and length, its kind, and its id small.
    fn session_row(
        &self,
        ui: &mut Ui,
        m: &SessionMeta,
        panel: &SessionsPanel,
        actions: &mut Vec<Action>,
    ) {
        let (s, lang) = (self.s(), self.report_lang());
        let w = words(lang);
        let duration =
            m.summary.as_ref().map(|x| x.duration_s).filter(|d| *d > 0.0).or_else(|| {
                Some(m.ended_unix_s?.saturating_sub(m.started_unix_s) as f64).filter(|d| *d > 0.0)
            });
        ui.label(when::title(lang, m.started_unix_s, duration));
        let kind = match m.kind {
            crate::session::store::SessionKind::Call => None,
            crate::session::store::SessionKind::Demo => Some(w.demo_run),
            crate::session::store::SessionKind::Rehearsal => Some(w.rehearsal),
        };
        if let Some(kind) = kind {
            ui.label(RichText::new(kind).weak());
        }
        ui.label(format!("{} {}", m.cues.len(), s.cues));
        if m.recording {
            ui.label(RichText::new("●").color(band_color(Band::Red)));
        }
        ui.label(RichText::new(&m.id).weak().small());
        if ui.small_button(s.report).clicked() {
            actions.push(Action::OpenReport(m.id.clone()));
        }
        self.delete_button(ui, panel, &m.id, actions);
    }

    /// "Delete" asks first, in the same row: the question and its two answers take the
    /// button's place, so nothing slides under the pointer and one click removes nothing.
    fn delete_button(
        &self,
        ui: &mut Ui,
        panel: &SessionsPanel,
        id: &str,
        actions: &mut Vec<Action>,
    ) {
        let (s, w) = (self.s(), crate::ui::i18n::window_strings(self.ui_lang));
        if panel.confirm_delete.as_deref() == Some(id) {
            ui.label(RichText::new(w.delete_question).color(band_color(Band::Red)));
            if ui.small_button(w.delete_yes).clicked() {
                actions.push(Action::DeleteSession(id.to_string()));
            }
            if ui.small_button(w.delete_no).clicked() {
                actions.push(Action::CancelDelete);
            }
        } else if ui.small_button(s.delete).clicked() {
            actions.push(Action::AskDelete(id.to_string()));
        }
    }

    /// The open report: title, the voice against the agent's own normal and last call,
    /// the conversation, the moments worth a replay and the tips.
    fn report(&self, ui: &mut Ui, r: &Report) {
        let lang = self.report_lang();
        let w = words(lang);
        let title = when::title(lang, r.started_unix_s, Some(r.duration_s));
        ui.label(RichText::new(format!("{} · {title}", w.call_report)).strong());
        let find = |f: Figure| r.comparisons.iter().find(|c| c.figure == f);
        let unit = pace_unit(lang, r.lang);
        let mut voice = Vec::new();
        if let Some(c) = find(Figure::Pace) {
            let pace = format!("{} {:.0} {unit}", w.pace, c.value);
            voice.push(with_comparisons(w, lang, pace, c, 0));
        }
        if let Some(c) = find(Figure::Level) {
            let level = match c.vs_baseline() {
                Some(d) => format!("{} {} dB {}", w.volume, delta(d, 1), w.vs_normal),
                None => format!("{} {:.1} dBFS", w.volume, c.value),
            };
            let previous = Comparison { baseline: None, ..*c };
            voice.push(with_comparisons(w, lang, level, &previous, 1));
        }
        if let Some(c) = find(Figure::PitchSpread) {
            let spread = format!("{} {:.1} {}", w.pitch_range, c.value, w.semitones);
            voice.push(with_comparisons(w, lang, spread, c, 1));
        }
        ui.label(voice.join(" · "));
        ui.label(format!(
            "{}: {:.0} % {} · {:.0} % {} · {:.0} % {}",
            w.pace,
            r.pace_bands.green * 100.0,
            w.on_target,
            r.pace_bands.amber * 100.0,
            w.near_target,
            r.pace_bands.red * 100.0,
            w.off_target
        ));
        if let Some(c) = &r.conversation {
            let f = &c.figures;
            let share = f.agent_talk_share.map_or("–".into(), |s| format!("{:.0} %", s * 100.0));
            let mut line = format!(
                "{} {share} · {} {} · {} {} · {} {:.0} {}",
                w.talk_share,
                w.agent_interruptions,
                f.agent_interruptions,
                w.dead_air,
                f.dead_air_count,
                w.longest_hold,
                f.longest_hold_s,
                w.seconds
            );
            if c.holds_over_limit > 0 {
                line.push_str(&format!(" ({})", w.over_limit));
            }
            ui.label(line);
        }
        let context = Context {
            lang,
            speech_lang: r.lang,
            pace_green: r.pace_target,
            baseline: r.normal_is_baseline,
        };
        if !r.moments.is_empty() {
            ui.label(RichText::new(w.moments).strong());
            for m in &r.moments {
                let text = format!(
                    "{}  {}{}{}",
                    when::clock(m.at_s),
                    moments::title(lang, m.kind),
                    if lang == Lang::Zh { "：" } else { ": " },
                    moments::detail(&context, m)
                );
                let color =
                    if m.off_target { band_color(Band::Red) } else { ui.visuals().text_color() };
                ui.label(RichText::new(text).color(color));
            }
            for t in moments::tips(&context, &r.moments) {
                ui.label(format!("→ {}", t.text));
            }
        }
    }

    /// Per-shift figures, and the latest shift's level and spread call by call.
    pub(super) fn history(&self, ui: &mut Ui, days: &[Shift]) {
        let (s, lang) = (self.s(), self.report_lang());
        let w = words(lang);
        if days.is_empty() {
            return;
        }
        ui.label(RichText::new(s.history).strong());
        let fmt = |v: Option<f32>, d: usize| v.map_or("–".to_string(), |v| format!("{v:.d$}"));
        let unit = pace_unit(lang, self.speech_lang);
        for d in days.iter().rev().take(5) {
            let tiring = if d.tiring { format!("  ! {}", s.tiring) } else { String::new() };
            let pace = d.syllables_per_min.map(|p| self.speech_lang.pace_from_syllables(p));
            let mut text = format!(
                "{} · {} {} · {} {} · {} {} {unit} · {} {} dB · {} {} {}",
                d.local_start,
                d.sessions.len(),
                w.calls,
                s.talk_time,
                when::duration_text(lang, d.talk_s),
                w.pace,
                fmt(pace, 0),
                w.volume,
                fmt(d.level_active_dbfs, 1),
                w.pitch_range,
                fmt(d.pitch_spread_st, 1),
                w.semitones,
            );
            if let Some(n) = d.interruptions_per_call {
                text += &format!(" · {} {n:.1}", w.interruptions_per_call);
            }
            if let Some(h) = d.longest_hold_s {
                text += &format!(" · {} {h:.0} {}", w.longest_hold, w.seconds);
            }
            text += &tiring;
            ui.label(RichText::new(text).color(if d.tiring {
                band_color(Band::Amber)
            } else {
                ui.visuals().text_color()
            }));
        }
        let Some(latest) = days.last().filter(|d| d.sessions.len() >= 2) else { return };
        self.shift_plots(ui, latest, w);
    }

    /// The latest shift call by call: one plot a measure, each with its unit, on the
    /// local time of day, the target band where the guidance gives one.
    fn shift_plots(&self, ui: &mut Ui, shift: &Shift, w: &Words) {
        let t0 = shift.sessions[0].started_unix_s;
        // Hours of the local day at the first call, from its local "YYYY-MM-DD HH:MM".
        let start = when::local_start(t0);
        let hm = start.get(11..16).unwrap_or("00:00");
        let h0 =
            hm[..2].parse::<f64>().unwrap_or(0.0) + hm[3..].parse::<f64>().unwrap_or(0.0) / 60.0;
        let x = |p: &SessionPoint| h0 + (p.started_unix_s as f64 - t0 as f64) / 3600.0;
        let series = |value: &dyn Fn(&SessionPoint) -> Option<f32>| -> Vec<[f64; 2]> {
            shift.sessions.iter().filter_map(|p| Some([x(p), value(p)? as f64])).collect()
        };
        let lang = self.report_lang();
        let speech = shift.lang.unwrap_or(self.speech_lang);
        let pace_band = self.targets.pace(speech).green;
        let plots = [
            (
                "shift-pace",
                format!("{} ({})", w.pace, pace_unit(lang, speech)),
                series(&|p| p.syllables_per_min.map(|v| p.lang.pace_from_syllables(v))),
                Some(pace_band),
            ),
            ("shift-level", format!("{} (dBFS)", w.volume), series(&|p| p.level_active_dbfs), None),
            (
                "shift-spread",
                format!("{} ({})", w.pitch_range, w.semitones),
                series(&|p| p.pitch_spread_st),
                None,
            ),
        ];
        let xs = shift.sessions.iter().map(x);
        let (first_x, last_x) = xs.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
        for (id, label, points, band) in plots {
            // Room around the values (and the band) so that the axis has ticks to read.
            let values = points
                .iter()
                .map(|p| p[1])
                .chain(band.iter().flat_map(|b| [b.0, b.1].map(f64::from)));
            let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            let pad = ((hi - lo) * 0.2).max(1.0);
            // The band's figures above its plot (the green lines show where it lies).
            if let Some((lo, hi)) = band {
                ui.label(
                    RichText::new(format!("{label} · {} {lo:.0}–{hi:.0}", w.target))
                        .small()
                        .color(band_color(Band::Green)),
                );
            }
            egui_plot::Plot::new(id)
                .height(140.0)
                .include_y(lo - pad)
                .include_y(hi + pad)
                .y_grid_spacer(egui_plot::uniform_grid_spacer(|input| {
                    // About four labelled steps over the range shown, at 1, 2 or 5 × 10ⁿ.
                    let raw = ((input.bounds.1 - input.bounds.0) / 4.0).max(1e-3);
                    let unit = 10f64.powf(raw.log10().floor());
                    let step =
                        [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * unit).find(|s| *s >= raw);
                    let step = step.unwrap_or(10.0 * unit);
                    [step / 5.0, step, step * 5.0]
                }))
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .y_axis_label(label.clone())
                .x_axis_label(w.time)
                // Marks only on whole minutes, so no two labels read alike ("10:07 10:07
                // 10:08", issue 23), and room after the newest call so that it is never
                // at the plot's edge; no legend over it (the axis names the series, the
                // line above the band).
                .include_x(first_x)
                .include_x(last_x + ((last_x - first_x) * 0.1).max(2.0 / 60.0))
                .x_grid_spacer(egui_plot::uniform_grid_spacer(|input| {
                    let step = minute_step(input.bounds.1 - input.bounds.0);
                    [step, step, step * 4.0]
                }))
                .x_axis_formatter(|mark, _| {
                    let minutes = (mark.value * 60.0).round().rem_euclid(24.0 * 60.0) as u32;
                    format!("{:02}:{:02}", minutes / 60, minutes % 60)
                })
                .show(ui, |p| {
                    if let Some((lo, hi)) = band {
                        let name = format!("{} {lo:.0}–{hi:.0}", w.target);
                        for v in [lo, hi] {
                            p.hline(
                                egui_plot::HLine::new(name.clone(), v as f64)
                                    .color(band_color(Band::Green)),
                            );
                        }
                    }
                    p.line(egui_plot::Line::new(label.clone(), points.clone()));
                    p.points(egui_plot::Points::new(label, points).radius(3.0));
                });
        }
    }
}

/// The step between the shift plots' time marks, in hours, for a span of `span_h` hours:
/// about four marks, each a whole number of minutes (1, 2, 5, 10, 15, 30 minutes or 1, 2,
/// 3, 6 hours), so that labels of hours and minutes never repeat.
fn minute_step(span_h: f64) -> f64 {
    const MINUTES: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 360.0];
    let raw = span_h * 60.0 / 4.0;
    MINUTES.into_iter().find(|m| *m >= raw).unwrap_or(360.0) / 60.0
}

#[cfg(test)]
mod tests {
    use super::minute_step;

    #[test]
    fn shift_time_marks_fall_on_whole_minutes_about_four_to_a_plot() {
        for (span_h, minutes) in [(0.01, 1.0), (0.1, 2.0), (0.5, 10.0), (1.0, 15.0), (8.0, 120.0)] {
            assert_eq!(minute_step(span_h) * 60.0, minutes, "{span_h} h");
        }
        // Whole minutes whatever the span: labels rounded to minutes never repeat.
        for i in 1..2000 {
            let m = minute_step(i as f64 * 0.005) * 60.0;
            assert!(m >= 1.0 && m.fract() == 0.0, "{m}");
        }
    }
}
