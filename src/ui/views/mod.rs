//! The views, as functions of the latest state: the full practice view (composed here
//! from one file per section) and the compact strip for calls. They return what the user
//! asked for instead of acting on it, so they can be tested headless without a pipeline.
//!
//! The full view fits any window size: the header, the cue line and the gauges stay at
//! the top (the gauge values are the text that matters most), and everything else (the
//! teleprompter, who is talking, the targets, the sessions, the timeline) scrolls below.

mod conversation;
mod gauges;
mod header;
mod numbers;
mod sessions;
mod settings;
mod strip;
mod targets;
mod team;
mod teleprompter;

pub use team::TeamSyncLine;

use crate::egui;
use crate::egui::{RichText, Ui};

use crate::analysis::Lang;
use crate::coach::{Band, CalibrationRefusal, Targets};
use crate::pipeline::{DeviceStatus, LiveState};
use crate::session::store::SessionKind;
use crate::settings::UiLang;
use crate::ui::gauge::band_color;
use crate::ui::i18n::{self, Strings, strings};
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
    /// Hear the caller from this source (None = the default output's monitor).
    SelectCallerDevice(Option<String>),
    ToggleRecording,
    /// Show or hide the list of stored sessions.
    ToggleSessions,
    /// Open a session's report (and write its HTML next to it).
    OpenReport(String),
    /// Ask before deleting this session (its row shows the question).
    AskDelete(String),
    /// Keep the session after all.
    CancelDelete,
    /// Delete a session and its audio (the answer to the question).
    DeleteSession(String),
    /// Start or end a hold (the H key).
    ToggleHold,
    /// The "start call" / "end call" clicks.
    StartCall,
    EndCall,
    /// Show or hide the target-band panel.
    ToggleTargets,
    /// Use these target bands (checked like the settings file).
    SetTargets(Targets),
    /// Apply the stored pace calibration, or not.
    SetUsePaceProfile(bool),
    /// Back to the baseline and pace calibration before the last calibration.
    UndoCalibration,
    /// No baseline and no pace calibration: the training's defaults.
    ClearCalibration,
}

/// What the sessions panel shows: stored sessions, newest first, and an open report.
#[derive(Default)]
pub struct SessionsPanel {
    pub rows: Vec<crate::session::store::Listed>,
    /// Per-shift progress computed from the rows.
    pub days: Vec<crate::session::history::Shift>,
    pub report: Option<(crate::report::call::Report, std::path::PathBuf)>,
    pub message: Option<String>,
    /// The session whose "delete" was clicked: its row asks before anything is removed.
    pub confirm_delete: Option<String>,
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
    /// Caller sources (output monitors, loopback) and the chosen one (None = the default
    /// output).
    pub caller_devices: &'a [String],
    pub caller_device: Option<&'a str>,
    /// Audio recording is on for this session.
    pub recording: bool,
    /// A script being rehearsed: shown as a teleprompter.
    pub script: Option<&'a crate::coach::rehearsal::Script>,
    /// The sessions panel, when open.
    pub sessions: Option<&'a SessionsPanel>,
    /// The agent has put the caller on hold with the key.
    pub on_hold: bool,
    /// The target-band panel is open.
    pub targets_open: bool,
    /// Team sync's status line (`None`: team sync is off).
    pub team_sync: Option<TeamSyncLine>,
    /// The stored pace calibration, and whether it is applied.
    pub pace_profile: Option<&'a crate::coach::PaceProfile>,
    pub use_pace_profile: bool,
    /// A baseline is stored; a calibration this run can be undone.
    pub calibrated: bool,
    pub can_undo_calibration: bool,
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

    /// Whether the agent's side delivers (or is about to): a lost or unavailable
    /// microphone voids the readings.
    pub fn device_ok(&self) -> bool {
        !matches!(self.state.device, DeviceStatus::Lost { .. } | DeviceStatus::Unavailable { .. })
    }

    /// Why calibrating is refused now: the demo plays, or a script is rehearsed.
    pub fn calibration_refusal(&self) -> Option<CalibrationRefusal> {
        let demo =
            matches!(self.state.device, DeviceStatus::Playing { .. } | DeviceStatus::Finished)
                || self.state.call.as_ref().is_some_and(|c| c.kind == SessionKind::Demo);
        CalibrationRefusal::of(demo, self.in_rehearsal())
    }

    /// A rehearsal runs: no call, so no call-only widgets (hold timer, talk lanes).
    pub fn in_rehearsal(&self) -> bool {
        self.script.is_some()
            || self.state.call.as_ref().is_some_and(|c| c.kind == SessionKind::Rehearsal)
    }

    /// The full practice view.
    pub fn full(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let s = self.s();
        ui.horizontal_wrapped(|ui| {
            ui.heading(s.title);
            ui.separator();
            self.status_line(ui, &mut actions);
            ui.separator();
            self.call_line(ui, &mut actions);
            self.team_sync_line(ui);
        });
        ui.horizontal_wrapped(|ui| {
            self.device_picker(ui, &mut actions);
            self.caller_picker(ui, &mut actions);
            if self.recording && self.state.recording {
                ui.label(
                    RichText::new(format!("● {}", s.recording_on))
                        .color(band_color(Band::Red))
                        .strong(),
                );
            }
            if let Some(p) = self.state.storage_problems.last() {
                let e = i18n::storage_problem_text(s, p);
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("! {e}")).color(band_color(Band::Amber)),
                    )
                    .truncate(),
                );
            }
        });
        ui.horizontal_wrapped(|ui| {
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
            let targets = i18n::window_strings(self.ui_lang).targets;
            if ui.selectable_label(self.targets_open, targets).clicked() {
                actions.push(Action::ToggleTargets);
            }
            self.calibration_controls(ui, &mut actions);
        });
        self.calibration_passage(ui);
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
        self.cue_line(ui, 24.0);
        ui.add_space(4.0);
        let width = ui.available_width();
        for mut g in self.gauges(&self.shown_coach()) {
            g.width = width;
            ui.add(g);
            ui.add_space(2.0);
        }
        ui.separator();
        egui::ScrollArea::vertical().id_salt("below-gauges").auto_shrink(false).show(ui, |ui| {
            if let Some(script) = self.script {
                self.teleprompter(ui, script);
                ui.separator();
            }
            if self.state.caller_device.is_some() && !self.in_rehearsal() {
                self.conversation(ui, &mut actions);
                ui.separator();
            }
            if self.targets_open {
                self.targets_panel(ui, &mut actions);
                ui.separator();
            }
            if let Some(panel) = self.sessions {
                self.sessions_panel(ui, panel, &mut actions);
                ui.separator();
            }
            timeline::show(ui, self.state, s, self.pace_unit());
        });
        actions
    }
}
