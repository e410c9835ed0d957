//! The views, as functions of the latest state: the full practice view and the compact
//! strip for calls. They return what the user asked for instead of acting on it, so they
//! can be tested headless without a pipeline.

use crate::egui;
use crate::egui::{Color32, RichText, Ui};

use crate::analysis::Lang;
use crate::coach::targets;
use crate::coach::{Band, CoachState, Targets};
use crate::pipeline::{DeviceStatus, LiveState};
use crate::ui::gauge::{Gauge, band_color};
use crate::ui::i18n::{self, Strings, UiLang, strings};
use crate::ui::timeline;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SetUiLang(UiLang),
    SetSpeechLang(Lang),
    ToggleCompact,
    Calibrate,
    StartDemo,
    DismissNotice,
    /// Use this input device (None = the system default).
    SelectDevice(Option<String>),
    ToggleRecording,
    /// Show or hide the list of stored sessions.
    ToggleSessions,
    /// Open a session's report (and write its HTML next to it).
    OpenReport(String),
    /// Delete a session and its audio.
    DeleteSession(String),
}

/// What the sessions panel shows: stored sessions, newest first, and an open report.
#[derive(Default)]
pub struct SessionsPanel {
    pub rows: Vec<crate::session::store::Listed>,
    /// Per-shift progress computed from the rows.
    pub days: Vec<crate::session::history::Shift>,
    pub report: Option<(crate::session::report::Report, std::path::PathBuf)>,
    pub message: Option<String>,
}

pub struct View<'a> {
    pub state: &'a LiveState,
    pub ui_lang: UiLang,
    pub speech_lang: Lang,
    pub notice: Option<&'a str>,
    pub baseline_spread_st: Option<f32>,
    pub targets: &'a Targets,
    /// Input device names to choose from, and the chosen one (None = system default).
    pub devices: &'a [String],
    pub device: Option<&'a str>,
    /// Audio recording is on for this session.
    pub recording: bool,
    /// A script being rehearsed: shown as a teleprompter.
    pub script: Option<&'a crate::rehearsal::Script>,
    /// The sessions panel, when open.
    pub sessions: Option<&'a SessionsPanel>,
}

impl View<'_> {
    fn s(&self) -> &'static Strings {
        strings(self.ui_lang)
    }

    fn pace_unit(&self) -> &'static str {
        match self.speech_lang {
            Lang::Zh => self.s().chars_per_min,
            Lang::En => self.s().words_per_min,
        }
    }

    fn gauges(&self, c: &CoachState) -> [Gauge<'_>; 3] {
        let s = self.s();
        let wait =
            |v: Option<f32>, f: &dyn Fn(f32) -> String| v.map_or_else(|| s.waiting.to_string(), f);
        let band_word = |b: Option<Band>| b.map_or("", |b| i18n::band_text(s, b));
        let floor = targets::flat_spread_floor(self.speech_lang, self.baseline_spread_st);
        let tone_state = c.tone_state.map_or("", |t| i18n::tone_text(s, t));
        let pitch = c.pitch_median_hz.map_or(String::new(), |hz| match c.pitch_vs_baseline_st {
            Some(d) => format!(" · {hz:.0} Hz ({d:+.1})"),
            None => format!(" · {hz:.0} Hz"),
        });
        let mut volume_word = band_word(c.volume.band);
        if c.clipping {
            volume_word = i18n::cue_text(self.ui_lang, crate::coach::Cue::Clipping);
        } else if c.mic_too_quiet {
            volume_word = i18n::cue_text(self.ui_lang, crate::coach::Cue::MicTooQuiet);
        }
        let pace_scale = match self.speech_lang {
            Lang::Zh => (80.0, 240.0),
            Lang::En => (60.0, 220.0),
        };
        [
            Gauge {
                label: s.tone,
                value_text: wait(c.tone.value, &|v| format!("{v:.1} {}{pitch}", s.semitones)),
                state_text: tone_state,
                value: c.tone.value,
                band: c.tone.band,
                target: targets::tone_band(floor),
                scale: (0.0, 16.0),
                trend: c.tone.trend,
                width: 0.0,
            },
            Gauge {
                label: s.volume,
                value_text: wait(c.volume.value, &|v| format!("{v:+.1} {}", s.db_vs_normal)),
                state_text: volume_word,
                value: c.volume.value,
                band: if c.clipping || c.mic_too_quiet { Some(Band::Red) } else { c.volume.band },
                target: self.targets.volume_relative_db,
                scale: (-14.0, 14.0),
                trend: c.volume.trend,
                width: 0.0,
            },
            Gauge {
                label: s.speed,
                value_text: wait(c.pace.value, &|v| format!("{v:.0} {}", self.pace_unit())),
                state_text: band_word(c.pace.band),
                value: c.pace.value,
                band: c.pace.band,
                target: self.targets.pace(self.speech_lang),
                scale: pace_scale,
                trend: c.pace.trend,
                width: 0.0,
            },
        ]
    }

    fn cue_line(&self, ui: &mut Ui, size: f32) {
        let c = &self.state.coach;
        let (text, color) = match c.cue {
            Some(cue) => (i18n::cue_text(self.ui_lang, cue), band_color(Band::Red)),
            None if c.pace.value.is_some() => (self.s().all_good, band_color(Band::Green)),
            None => (self.s().waiting, ui.visuals().weak_text_color()),
        };
        ui.label(RichText::new(text).size(size).color(color).strong());
    }

    fn status_line(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        match &self.state.device {
            DeviceStatus::Live { name, sample_rate, .. } => {
                ui.label(format!("{}: {name} ({sample_rate} Hz)", s.device_live));
            }
            DeviceStatus::Lost { .. } => {
                ui.label(
                    RichText::new(format!("! {}", s.device_lost))
                        .color(band_color(Band::Red))
                        .strong(),
                );
            }
            DeviceStatus::Unavailable { .. } => {
                ui.label(
                    RichText::new(format!("! {}", s.no_microphone))
                        .color(band_color(Band::Red))
                        .strong(),
                );
                if ui.button(s.start_demo).clicked() {
                    actions.push(Action::StartDemo);
                }
            }
            DeviceStatus::Playing { .. } | DeviceStatus::Finished => {
                ui.label(
                    RichText::new(format!("▶ {}", s.demo)).color(Color32::from_rgb(80, 140, 220)),
                );
            }
            DeviceStatus::Connecting => {
                ui.label("…");
            }
        }
        if self.state.dropped_blocks > 0 {
            ui.label(format!("{}: {}", s.dropped, self.state.dropped_blocks));
        }
    }

    fn device_picker(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        let current = self.device.unwrap_or(s.default_device);
        egui::ComboBox::from_label(s.device_live).selected_text(current).width(220.0).show_ui(
            ui,
            |ui| {
                if ui.selectable_label(self.device.is_none(), s.default_device).clicked()
                    && self.device.is_some()
                {
                    actions.push(Action::SelectDevice(None));
                }
                for name in self.devices {
                    if ui.selectable_label(self.device == Some(name.as_str()), name).clicked()
                        && self.device != Some(name.as_str())
                    {
                        actions.push(Action::SelectDevice(Some(name.clone())));
                    }
                }
            },
        );
    }

    fn settings_row(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        ui.label(s.language);
        for (lang, name) in [(UiLang::Zh, "中文"), (UiLang::En, "English")] {
            if ui.selectable_label(self.ui_lang == lang, name).clicked() && self.ui_lang != lang {
                actions.push(Action::SetUiLang(lang));
            }
        }
        ui.separator();
        ui.label(s.speech_language);
        for (lang, name) in [(Lang::Zh, s.mandarin), (Lang::En, "English")] {
            if ui.selectable_label(self.speech_lang == lang, name).clicked()
                && self.speech_lang != lang
            {
                actions.push(Action::SetSpeechLang(lang));
            }
        }
    }

    /// The full practice view.
    pub fn full(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let s = self.s();
        ui.horizontal(|ui| {
            ui.heading(s.title);
            ui.separator();
            self.status_line(ui, &mut actions);
        });
        ui.horizontal(|ui| {
            self.device_picker(ui, &mut actions);
            if self.recording && self.state.recording {
                ui.label(
                    RichText::new(format!("● {}", s.recording_on))
                        .color(band_color(Band::Red))
                        .strong(),
                );
            }
            if let Some(e) = self.state.storage_problems.last().map(|p| &p.message) {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("! {e}")).color(band_color(Band::Amber)),
                    )
                    .truncate(),
                );
            }
        });
        ui.horizontal(|ui| {
            self.settings_row(ui, &mut actions);
            ui.separator();
            if ui.button(s.compact).clicked() {
                actions.push(Action::ToggleCompact);
            }
            if ui.selectable_label(self.recording, s.record_audio).clicked() {
                actions.push(Action::ToggleRecording);
            }
            if ui.selectable_label(self.sessions.is_some(), s.sessions).clicked() {
                actions.push(Action::ToggleSessions);
            }
            self.calibration_controls(ui, &mut actions);
        });
        if let Some(n) = self.notice {
            ui.horizontal(|ui| {
                if ui.small_button("✖").clicked() {
                    actions.push(Action::DismissNotice);
                }
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("! {n}")).color(band_color(Band::Amber)),
                    )
                    .truncate(),
                );
            });
        }
        ui.separator();
        if let Some(panel) = self.sessions {
            self.sessions_panel(ui, panel, &mut actions);
            ui.separator();
        }
        if let Some(script) = self.script {
            self.teleprompter(ui, script);
            ui.separator();
        }
        self.cue_line(ui, 26.0);
        ui.add_space(6.0);
        let width = ui.available_width();
        for mut g in self.gauges(&self.state.coach) {
            g.width = width;
            ui.add(g);
            ui.add_space(4.0);
        }
        ui.separator();
        timeline::show(ui, self.state, s, self.pace_unit());
        actions
    }

    fn sessions_panel(&self, ui: &mut Ui, panel: &SessionsPanel, actions: &mut Vec<Action>) {
        use crate::session::store::Listed;
        let s = self.s();
        if let Some(m) = &panel.message {
            ui.label(m);
        }
        if let Some((r, html)) = &panel.report {
            let summary = r.summary.as_ref();
            ui.label(RichText::new(format!("{} {}", s.report, r.id)).strong());
            ui.label(format!(
                "{:.0} s · {} {:.0} s · {:.0} {} · {} {:.0} % / {:.0} % / {:.0} % · {} {}",
                summary.map_or(0.0, |x| x.duration_s),
                s.talk_time,
                summary.map_or(0.0, |x| x.speech_s),
                summary
                    .and_then(|x| x.syllables_per_min)
                    .map_or(0.0, |p| self.speech_lang.pace_from_syllables(p)),
                self.pace_unit(),
                s.speed,
                r.pace_bands.green * 100.0,
                r.pace_bands.amber * 100.0,
                r.pace_bands.red * 100.0,
                r.cues.len(),
                s.cues
            ));
            ui.label(RichText::new(html.display().to_string()).weak());
        }
        self.history(ui, &panel.days);
        egui::ScrollArea::vertical().id_salt("sessions").max_height(140.0).show(ui, |ui| {
            for row in panel.rows.iter().rev() {
                ui.horizontal(|ui| match row {
                    Listed::Ok(m) => {
                        let summary = m.summary.as_ref();
                        ui.label(format!(
                            "{}  {:.0} s  {} {}",
                            m.id,
                            summary.map_or(0.0, |x| x.duration_s),
                            m.cues.len(),
                            s.cues
                        ));
                        if m.recording {
                            ui.label(RichText::new("●").color(band_color(Band::Red)));
                        }
                        if ui.small_button(s.report).clicked() {
                            actions.push(Action::OpenReport(m.id.clone()));
                        }
                        if ui.small_button(s.delete).clicked() {
                            actions.push(Action::DeleteSession(m.id.clone()));
                        }
                    }
                    Listed::Damaged { id, reason } => {
                        ui.label(
                            RichText::new(format!("{id}: {reason}")).color(band_color(Band::Amber)),
                        );
                        if ui.small_button(s.delete).clicked() {
                            actions.push(Action::DeleteSession(id.clone()));
                        }
                    }
                });
            }
        });
    }

    /// Per-shift figures, and the latest shift's level and spread session by session.
    fn history(&self, ui: &mut Ui, days: &[crate::session::history::Shift]) {
        let s = self.s();
        if days.is_empty() {
            return;
        }
        ui.label(RichText::new(s.history).strong());
        let fmt = |v: Option<f32>, d: usize| v.map_or("–".to_string(), |v| format!("{v:.d$}"));
        for d in days.iter().rev().take(5) {
            let tiring = if d.tiring { format!("  ! {}", s.tiring) } else { String::new() };
            let text = format!(
                "{}  {} × · {:.0} min · {} syl/min · {} dBFS · {} st{tiring}",
                d.date,
                d.sessions.len(),
                d.talk_s / 60.0,
                fmt(d.syllables_per_min, 0),
                fmt(d.level_active_dbfs, 1),
                fmt(d.pitch_spread_st, 1),
            );
            ui.label(RichText::new(text).color(if d.tiring {
                band_color(Band::Amber)
            } else {
                ui.visuals().text_color()
            }));
        }
        let Some(latest) = days.last().filter(|d| d.sessions.len() >= 2) else { return };
        let t0 = latest.sessions[0].started_unix_s as f64;
        let points =
            |value: fn(&crate::session::history::SessionPoint) -> Option<f32>| -> Vec<[f64; 2]> {
                latest
                    .sessions
                    .iter()
                    .filter_map(|p| {
                        Some([(p.started_unix_s as f64 - t0) / 3600.0, value(p)? as f64])
                    })
                    .collect()
            };
        let (level, spread) = (points(|p| p.level_active_dbfs), points(|p| p.pitch_spread_st));
        egui_plot::Plot::new("shift")
            .height(90.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show(ui, |p| {
                p.line(egui_plot::Line::new(s.level_dbfs, egui_plot::PlotPoints::from(level)));
                p.line(egui_plot::Line::new(s.semitones, egui_plot::PlotPoints::from(spread)));
            });
    }

    fn teleprompter(&self, ui: &mut Ui, script: &crate::rehearsal::Script) {
        let s = self.s();
        let (current, results) =
            self.state.rehearsal.as_ref().map_or((0, &[][..]), |(c, r)| (*c, r.as_slice()));
        ui.label(format!(
            "{} · {} {:.0} s",
            script.title.as_deref().unwrap_or(s.script),
            s.expected,
            script.expected_s(self.speech_lang)
        ));
        egui::ScrollArea::vertical().max_height(180.0).show(ui, |ui| {
            for (i, line) in script.lines.iter().enumerate() {
                // A line's pace is shown once the highlight has moved past it.
                let result = if i < current { results.get(i) } else { None };
                let pace = result.and_then(|r| r.pace).map_or(String::new(), |p| {
                    format!("   {p:.0} / {:.0} {}", line.target_pace, self.pace_unit())
                });
                let text = RichText::new(format!(
                    "{}{}{pace}",
                    if line.slow { "▼ " } else { "" },
                    line.text
                ))
                .size(if i == current { 20.0 } else { 15.0 });
                let text = if i == current {
                    text.strong().background_color(ui.visuals().selection.bg_fill)
                } else if i < current {
                    text.weak()
                } else {
                    text
                };
                let response = ui.label(text);
                if i == current {
                    response.scroll_to_me(Some(egui::Align::Center));
                }
            }
        });
    }

    fn calibration_controls(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        if let Some(c) = &self.state.calibration {
            ui.add(
                egui::ProgressBar::new(
                    (c.elapsed_s / crate::coach::baseline::CALIBRATION_S) as f32,
                )
                .text(s.calibrating)
                .desired_width(220.0),
            );
        } else {
            if ui.button(s.calibrate).clicked() {
                actions.push(Action::Calibrate);
            }
            match self.state.calibration_result {
                Some(Some(_)) => {
                    ui.label(RichText::new(s.calibrated).color(band_color(Band::Green)));
                }
                Some(None) => {
                    ui.label(RichText::new(s.calibration_failed).color(band_color(Band::Red)));
                }
                None => {}
            }
        }
    }

    /// The compact always-on-top strip: three coloured values and the cue.
    pub fn compact(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let s = self.s();
        let c = &self.state.coach;
        ui.horizontal(|ui| {
            let chip = |ui: &mut Ui, label: &str, text: String, band: Option<Band>| {
                let color = band.map_or(ui.visuals().weak_text_color(), band_color);
                ui.label(RichText::new(format!("{label} {text}")).size(18.0).color(color).strong());
            };
            chip(ui, s.tone, c.tone.value.map_or("–".into(), |v| format!("{v:.1}")), c.tone.band);
            chip(
                ui,
                s.volume,
                c.volume.value.map_or("–".into(), |v| format!("{v:+.0}dB")),
                c.volume.band,
            );
            chip(ui, s.speed, c.pace.value.map_or("–".into(), |v| format!("{v:.0}")), c.pace.band);
            if self.recording && self.state.recording {
                ui.label(RichText::new("●").color(band_color(Band::Red)).strong())
                    .on_hover_text(s.recording_on);
            }
            ui.separator();
            self.cue_line(ui, 18.0);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button(s.full_view).clicked() {
                    actions.push(Action::ToggleCompact);
                }
                if matches!(
                    self.state.device,
                    DeviceStatus::Lost { .. } | DeviceStatus::Unavailable { .. }
                ) {
                    ui.label(RichText::new("!").color(band_color(Band::Red)));
                }
            });
        });
        actions
    }
}
