//! The eframe application: owns the pipeline and the settings, reads the newest state
//! once per repaint (10 Hz) and turns the views' actions into commands.

use crate::egui;
use crate::ui::notice::Notice;
use std::path::PathBuf;
use std::time::Duration;

use crate::egui::{Ui, ViewportCommand, WindowLevel};

use crate::coach::baseline::Baseline;
use crate::pipeline::{Command, DeviceStatus, Pipeline, PipelineOptions, SessionOptions, Source};
use crate::session::store;
use crate::settings::Settings;
use crate::ui::views::{Action, SessionsPanel, View};

/// Gauges change at most this often; repainting faster only burns CPU beside the softphone.
pub const REPAINT_EVERY: Duration = Duration::from_millis(100);
/// The full view's first size; the window is resizable and remembers the agent's size
/// when it comes back from the strip.
pub const FULL_SIZE_PUBLIC: [f32; 2] = [900.0, 760.0];
const FULL_SIZE: [f32; 2] = FULL_SIZE_PUBLIC;
/// Below this the header's rows and the three gauges no longer fit above the scroll area.
pub const FULL_MIN_SIZE: [f32; 2] = [560.0, 420.0];
const COMPACT_SIZE: [f32; 2] = [900.0, 56.0];
const COMPACT_MIN_SIZE: [f32; 2] = [480.0, 40.0];

pub struct CoachApp {
    pipeline: Pipeline,
    settings: Settings,
    settings_path: PathBuf,
    notice: Option<Notice>,
    demo_wav: PathBuf,
    applied_compact: Option<bool>,
    /// Whether the microphone has been live at least once (or demo mode was chosen).
    had_source: bool,
    /// Input device names, listed once at start (listing probes every ALSA plugin).
    devices: Vec<String>,
    /// Caller sources to choose from (output monitors; loopback on Windows).
    caller_devices: Vec<String>,
    demo_playing: bool,
    /// The script being rehearsed, if any (shown as a teleprompter).
    script: Option<crate::coach::rehearsal::Script>,
    sessions: Option<SessionsPanel>,
    /// The agent has put the caller on hold with the key (H) or the button.
    on_hold: bool,
    targets_open: bool,
    /// The full view's size when the strip took over, to come back to.
    full_size: egui::Vec2,
    /// Characters no font could draw, once they have been reported.
    missing_glyphs: crate::ui::fonts::MissingGlyphs,
    missing_reported: usize,
    /// Team sync's thread (`None`: off) and the team's profile it last read.
    team: Option<crate::team::link::TeamLink>,
    team_profile: Option<crate::team::profile::Profile>,
    /// Team sync's last failure as said on stderr, so that each is said once.
    team_error: Option<String>,
    /// Calls ended so far, to ask the sync thread to look when one more has.
    calls_seen: usize,
    /// The stored pace calibration (`pace-profile.json`), if any.
    pace_profile: Option<crate::coach::PaceProfile>,
    /// What the last calibration of this run replaced (baseline, pace calibration), for
    /// "undo".
    before_calibration: Option<(Option<Baseline>, Option<crate::coach::PaceProfile>)>,
    /// Calibrations finished so far (`LiveState::calibrations`) that the app has taken.
    calibrations_seen: u64,
    /// Autostart and the hold hotkey; made at the first frame, on the UI thread.
    desktop: Option<crate::ui::desktop::Desktop>,
}

impl CoachApp {
    pub fn new(
        mut settings: Settings,
        settings_path: PathBuf,
        settings_notices: Vec<crate::settings::SettingsNotice>,
        demo: bool,
        demo_wav: PathBuf,
        rehearsal: Option<(crate::coach::rehearsal::Script, crate::analysis::Lang)>,
        missing_glyphs: crate::ui::fonts::MissingGlyphs,
    ) -> Self {
        if let Some((_, lang)) = &rehearsal {
            settings.speech_lang = *lang;
        }
        if demo {
            // The demo call is in Mandarin, whatever the interface language.
            settings.speech_lang = crate::analysis::Lang::Zh;
        }
        let source = if demo {
            Source::File { path: demo_wav.clone(), looped: true }
        } else {
            Source::Microphone { device: settings.device.clone() }
        };
        // Before any stream is open: probing the caller sources' formats beside live
        // streams on the same sound server cut those streams off (seen under Xvfb with
        // PulseAudio: the window showed no audio after the first seconds).
        let caller_devices = crate::audio::capture::list_caller_sources()
            .map(|(_, sources)| sources.into_iter().map(|d| d.name).collect())
            .unwrap_or_default();
        let pipeline = start(source, &settings);
        let devices = crate::audio::capture::list_input_devices()
            .map(|(_, devices)| devices)
            .unwrap_or_default()
            .into_iter()
            .filter(crate::audio::capture::InputDevice::opens)
            .map(|d| d.name)
            .collect();
        // Each notice on stderr in full; the window shows one line in the interface language.
        for n in &settings_notices {
            crate::errln!("speech-coach: {n}");
        }
        let (team, team_notice) = start_team(&settings);
        let script_notices = rehearsal.as_ref().map_or(&[][..], |(s, _)| &s.notices[..]);
        let startup =
            Notice::Startup { settings: settings_notices, script: script_notices.to_vec() };
        let notice = match startup.text(settings.ui_lang) {
            Some(_) => Some(startup),
            None => team_notice.map(Notice::Said),
        };
        let script = rehearsal.map(|(script, _)| {
            pipeline.send(Command::StartRehearsal(script.clone()));
            script
        });
        Self {
            pipeline,
            settings,
            settings_path,
            notice,
            demo_wav,
            applied_compact: None,
            had_source: demo,
            devices,
            caller_devices,
            demo_playing: demo,
            script,
            sessions: None,
            on_hold: false,
            targets_open: false,
            full_size: FULL_SIZE.into(),
            missing_glyphs,
            missing_reported: 0,
            team,
            team_profile: None,
            team_error: None,
            calls_seen: 0,
            pace_profile: crate::coach::PaceProfile::load(
                &crate::platform::paths::pace_profile_file(),
            )
            .ok(),
            before_calibration: None,
            calibrations_seen: 0,
            desktop: None,
        }
    }

    /// The bands in force: the team's profile over the local settings (the profile wins
    /// band by band; see `team::profile`).
    fn targets(&self) -> crate::coach::Targets {
        match &self.team_profile {
            Some(p) => p.apply(self.settings.targets).0,
            None => self.settings.targets,
        }
    }

    /// Takes a new team profile to the gauges and cues at once, and nudges the sync
    /// thread when a call has ended.
    fn follow_team(&mut self, calls_ended: usize) {
        let Some(link) = self.team.as_mut() else { return };
        if calls_ended > self.calls_seen {
            self.calls_seen = calls_ended;
            link.sync_now();
        }
        if let Some(profile) = link.profile_change() {
            if let Some(p) = &profile {
                for n in p.apply(self.settings.targets).1 {
                    crate::errln!("speech-coach: {n}");
                }
            }
            self.team_profile = profile;
            let targets = self.targets();
            self.pipeline.send(Command::SetTargets(targets));
            // One line per change, for whoever supports the PC: which bands are in force.
            let from = self.team_profile.as_ref().map_or_else(
                || "the local settings".to_string(),
                |p| format!("the profile of team {} (updated {})", p.team, p.updated_at),
            );
            let json = serde_json::to_string(&targets).unwrap_or_default();
            crate::errln!("speech-coach: targets from {from}: {json}");
        }
    }

    /// The pace factor for what is measured now: the stored calibration when the settings
    /// use it and it was learnt in the speech language, else none.
    /// The agent's pace calibration in force, never on the demo: its recording is someone
    /// else's voice. (`main` applies the stored one at start unless `--demo`; a window that
    /// fell back to the demo, or was switched to it, applied it to the demo's voice.)
    fn apply_pace_factor(&self) {
        let factor = if self.demo_playing {
            1.0
        } else {
            crate::coach::PaceProfile::factor_for(
                self.pace_profile.as_ref(),
                self.settings.use_pace_profile,
                self.settings.speech_lang,
            )
        };
        // In range: `PaceProfile::load` and `learn` checked it.
        let _ = crate::analysis::set_pace_factor(factor);
    }

    /// Puts back a baseline and a pace calibration (none: the training's defaults), in the
    /// coach, the settings and `pace-profile.json`.
    fn restore_calibration(
        &mut self,
        baseline: Option<Baseline>,
        pace: Option<crate::coach::PaceProfile>,
    ) {
        self.settings.baseline = baseline;
        self.pipeline.send(Command::SetBaseline(baseline));
        let path = crate::platform::paths::pace_profile_file();
        let stored = match &pace {
            Some(p) => p.save(&path).map_err(|e| e.to_string()),
            None => match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(format!("{}: {e}", path.display()))
                }
                _ => Ok(()),
            },
        };
        if let Err(e) = stored {
            self.notice = Some(Notice::Said(e));
        }
        self.pace_profile = pace;
        self.apply_pace_factor();
    }

    fn save(&mut self) {
        if let Err(e) = self.settings.save(&self.settings_path) {
            self.notice = Some(Notice::Said(e.to_string()));
        }
    }

    fn apply(&mut self, action: Action, ui: &Ui) {
        match action {
            Action::SetUiLang(l) => self.settings.ui_lang = l,
            Action::SetSpeechLang(l) => {
                self.settings.speech_lang = l;
                self.pipeline.send(Command::SetLang(l));
                self.apply_pace_factor();
            }
            Action::SetUsePaceProfile(on) => {
                self.settings.use_pace_profile = on;
                self.apply_pace_factor();
            }
            Action::UndoCalibration => {
                if let Some((baseline, pace)) = self.before_calibration.take() {
                    self.restore_calibration(baseline, pace);
                }
            }
            Action::ClearCalibration => {
                self.before_calibration = Some((self.settings.baseline, self.pace_profile.clone()));
                self.restore_calibration(None, None);
            }
            Action::ToggleCompact => self.settings.compact = !self.settings.compact,
            Action::ToggleHold => {
                self.on_hold = !self.on_hold;
                self.pipeline.send(Command::SetHold(self.on_hold));
            }
            // The button is disabled during the demo and a rehearsal; the worker refuses too.
            Action::Calibrate if !self.demo_playing && self.script.is_none() => {
                self.pipeline.send(Command::StartCalibration)
            }
            Action::Calibrate => {}
            Action::ToggleTargets => self.targets_open = !self.targets_open,
            Action::SetTargets(targets) => {
                self.settings.targets = targets;
                self.pipeline.send(Command::SetTargets(self.targets()));
            }
            Action::StartCall => self.pipeline.send(Command::StartCall),
            Action::EndCall => self.pipeline.send(Command::EndCall),
            Action::StartDemo => {
                self.settings.speech_lang = crate::analysis::Lang::Zh;
                self.restart(Source::File { path: self.demo_wav.clone(), looped: true });
            }
            Action::DismissNotice => self.notice = None,
            Action::SelectDevice(device) => {
                self.settings.device = device.clone();
                self.restart(Source::Microphone { device });
            }
            Action::SelectCallerDevice(device) => {
                self.settings.caller_device = device;
                self.restart(Source::Microphone { device: self.settings.device.clone() });
            }
            Action::ToggleSessions => {
                self.sessions = match self.sessions.take() {
                    Some(_) => None,
                    None => Some(load_sessions(None)),
                };
            }
            Action::OpenReport(id) => {
                let root = store::default_root();
                let opened = store::session_dir(&root, &id)
                    .and_then(|dir| crate::report::write_beside(&dir, &self.settings));
                let mut panel = load_sessions(None);
                match opened {
                    Ok(r) => panel.report = Some(r),
                    Err(e) => panel.message = Some(e.to_string()),
                }
                self.sessions = Some(panel);
            }
            Action::AskDelete(id) => {
                if let Some(panel) = self.sessions.as_mut() {
                    panel.confirm_delete = Some(id);
                }
            }
            Action::CancelDelete => {
                if let Some(panel) = self.sessions.as_mut() {
                    panel.confirm_delete = None;
                }
            }
            Action::DeleteSession(id) => {
                let current = self.pipeline.call().and_then(|c| c.id);
                let message = if current.as_deref() == Some(id.as_str()) {
                    Some(format!("{id}: in progress; it can be deleted once this session ends"))
                } else {
                    store::delete(&store::default_root(), &id).err().map(|e| e.to_string())
                };
                self.sessions = Some(load_sessions(message));
            }
            Action::ToggleRecording => {
                self.settings.record_audio = !self.settings.record_audio;
                // Recording starts or stops with a new session on the same source.
                let source = if self.demo_playing {
                    Source::File { path: self.demo_wav.clone(), looped: true }
                } else {
                    Source::Microphone { device: self.settings.device.clone() }
                };
                self.restart(source);
            }
        }
        ui.ctx().request_repaint();
        self.save();
    }
}

impl CoachApp {
    fn apply_desktop(&mut self, action: crate::ui::desktop::DesktopAction, ui: &Ui) {
        use crate::ui::desktop::DesktopAction;
        let Some(desktop) = self.desktop.as_mut() else { return };
        match action {
            DesktopAction::SetAutostart(on) => {
                if let Err(e) = desktop.set_autostart(on) {
                    crate::errln!("speech-coach: {e}");
                    self.notice = Some(Notice::Said(e));
                }
            }
            DesktopAction::SetHoldHotkey(spec) => {
                desktop.set_hotkey(&spec);
                self.settings.hold_hotkey = spec;
                self.save();
            }
        }
        ui.ctx().request_repaint();
    }

    /// Replaces the pipeline; the old one (and its session) is closed off the UI thread.
    fn restart(&mut self, source: Source) {
        self.demo_playing = matches!(source, Source::File { .. });
        self.apply_pace_factor();
        let old = std::mem::replace(&mut self.pipeline, start(source, &self.settings));
        std::thread::spawn(move || drop(old.stop()));
        if self.team_profile.is_some() {
            self.pipeline.send(Command::SetTargets(self.targets()));
        }
        if let Some(script) = &self.script {
            self.pipeline.send(Command::StartRehearsal(script.clone()));
        }
    }
}

impl CoachApp {
    /// Text no font could draw (a script outside the bundled subset on a machine without
    /// a CJK font): said once on stderr and in the notice line, with the characters.
    fn report_missing_glyphs(&mut self) {
        let missing = self.missing_glyphs.chars();
        if missing.len() > self.missing_reported {
            self.missing_reported = missing.len();
            let chars: String = missing.iter().take(20).collect();
            let font = crate::ui::fonts::CJK_FONT_TO_INSTALL;
            self.notice = Some(Notice::MissingGlyphs { chars: chars.clone(), font });
            if self.missing_glyphs.first_report() {
                crate::errln!(
                    "speech-coach: no installed font can draw {chars}; install a CJK font \
                     (e.g. {font})"
                );
            }
        }
    }
}

fn load_sessions(message: Option<String>) -> SessionsPanel {
    match store::list(&store::default_root()) {
        Ok(rows) => {
            let days = crate::session::history::from_listing(&rows);
            SessionsPanel { rows, days, report: None, message, confirm_delete: None }
        }
        Err(e) => SessionsPanel {
            rows: Vec::new(),
            days: Vec::new(),
            report: None,
            message: Some(e.to_string()),
            confirm_delete: None,
        },
    }
}

/// Team sync's thread when the settings have a team section; a section that cannot be
/// used (a password file others can read) is said in the notice line instead.
fn start_team(settings: &Settings) -> (Option<crate::team::link::TeamLink>, Option<String>) {
    let Some(section) = &settings.team else { return (None, None) };
    match crate::team::TeamConfig::resolve(section) {
        Ok(config) => {
            let link = crate::team::link::TeamLink::start(
                config,
                store::default_root(),
                settings.baseline,
            );
            (Some(link), None)
        }
        Err(e) => {
            crate::errln!("speech-coach: team sync is off: {e}");
            (None, Some(e.to_string()))
        }
    }
}

fn start(source: Source, settings: &Settings) -> Pipeline {
    // The caller's side is heard on live calls; the demo plays one voice.
    let caller = (settings.hear_caller && matches!(source, Source::Microphone { .. }))
        .then(|| Source::Output { device: settings.caller_device.clone() });
    Pipeline::start(PipelineOptions {
        source,
        caller,
        lang: settings.speech_lang,
        baseline: settings.baseline,
        targets: settings.targets,
        // Every call is a session (the demo and a rehearsal one each); audio only when the
        // agent switched it on.
        session: Some(SessionOptions {
            root: crate::session::store::default_root(),
            record_audio: settings.record_audio,
            call_at_once: false,
        }),
        keep_frames: false,
        on_update: None,
    })
}

impl eframe::App for CoachApp {
    /// The window closes (or SIGTERM asked it to): the call in progress is closed and
    /// stored before the process exits, not left with `ended_by: null`.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.pipeline.close();
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let mut state = self.pipeline.snapshot();
        self.follow_team(state.calls.len());
        match &state.device {
            DeviceStatus::Live { .. } => self.had_source = true,
            // No microphone at all at start: show the demo rather than an empty window
            // (the status line still says there is no microphone).
            DeviceStatus::Unavailable { .. } if !self.had_source => {
                self.had_source = true;
                self.notice = Some(Notice::NoMicrophone);
                let why = state.device.no_microphone_line();
                crate::errln!("speech-coach: {why}; playing the demo recording");
                self.apply(Action::StartDemo, ui);
                state = self.pipeline.snapshot();
            }
            _ => {}
        }
        // A finished calibration, taken once: the reading's baseline and pace calibration
        // replace the stored ones (a reading that taught either keeps the other as it was),
        // and what they replaced is kept for "undo".
        if state.calibrations != self.calibrations_seen {
            self.calibrations_seen = state.calibrations;
            let baseline = match state.calibration_result {
                Some(Some(b)) => Some(b),
                _ => self.settings.baseline,
            };
            let pace = match &state.pace_result {
                Some(Some(p)) => Some(p.clone()),
                _ => self.pace_profile.clone(),
            };
            if baseline != self.settings.baseline || pace != self.pace_profile {
                self.before_calibration = Some((self.settings.baseline, self.pace_profile.clone()));
                self.restore_calibration(baseline, pace);
                self.save();
            }
        }
        if self.applied_compact != Some(self.settings.compact) {
            let (size, min, level) = if self.settings.compact {
                if self.applied_compact == Some(false) {
                    self.full_size = ui.ctx().content_rect().size();
                }
                (COMPACT_SIZE.into(), COMPACT_MIN_SIZE, WindowLevel::AlwaysOnTop)
            } else {
                (self.full_size, FULL_MIN_SIZE, WindowLevel::Normal)
            };
            let ctx = ui.ctx();
            ctx.send_viewport_cmd(ViewportCommand::WindowLevel(level));
            ctx.send_viewport_cmd(ViewportCommand::MinInnerSize(min.into()));
            ctx.send_viewport_cmd(ViewportCommand::InnerSize(size));
            self.applied_compact = Some(self.settings.compact);
        }
        self.report_missing_glyphs();
        let targets = self.targets();
        let team_status = self.team.as_ref().map(|link| link.status());
        if let Some(status) = &team_status
            && status.last_error != self.team_error
        {
            // For whoever reads the log (a trainer, `team_window` under Xvfb): why the
            // line says what it says, once per change.
            if let Some(e) = &status.last_error {
                crate::errln!("speech-coach: team sync: {e}");
            }
            self.team_error = status.last_error.clone();
        }
        let team_sync = team_status.map(|status| crate::ui::views::TeamSyncLine {
            waiting: status.waiting,
            connected: status.connected,
            set_aside: status.set_aside.unwrap_or(0),
            problem: status.problem,
        });
        let notice = self.notice.as_ref().and_then(|n| n.text(self.settings.ui_lang));
        let view = View {
            state: &state,
            ui_lang: self.settings.ui_lang,
            speech_lang: self.settings.speech_lang,
            notice: notice.as_deref(),
            baseline_spread_st: self.settings.baseline.map(|b| b.pitch_spread_st),
            targets: &targets,
            devices: &self.devices,
            caller_devices: &self.caller_devices,
            caller_device: self.settings.caller_device.as_deref(),
            device: self.settings.device.as_deref(),
            recording: self.settings.record_audio,
            on_hold: self.on_hold,
            script: self.script.as_ref(),
            sessions: self.sessions.as_ref(),
            targets_open: self.targets_open,
            team_sync,
            // Not offered on the demo, which never uses it.
            pace_profile: self.pace_profile.as_ref().filter(|_| !self.demo_playing),
            use_pace_profile: self.settings.use_pace_profile,
            calibrated: self.settings.baseline.is_some(),
            can_undo_calibration: self.before_calibration.is_some(),
        };
        let desktop = self.desktop.get_or_insert_with(|| {
            let lang = self.settings.ui_lang;
            crate::ui::desktop::Desktop::start(ui.ctx(), &self.settings.hold_hotkey, lang)
        });
        desktop.follow(&state, ui.ctx(), self.settings.ui_lang);
        let hold_presses = desktop.hold_presses();
        let desktop_actions = if self.settings.compact {
            Vec::new()
        } else {
            egui::Panel::bottom("desktop")
                .show(ui, |ui| desktop.row(ui, self.settings.ui_lang))
                .inner
        };
        let actions = egui::CentralPanel::default()
            .show(ui, |ui| if self.settings.compact { view.compact(ui) } else { view.full(ui) })
            .inner;
        // Not while typing (the hotkey field): an "h" typed there is not a hold.
        let typing = ui.ctx().egui_wants_keyboard_input();
        let hold_key = !typing && ui.input(|i| i.key_pressed(egui::Key::H) && !i.modifiers.any());
        let actions = actions.into_iter().chain(hold_key.then_some(Action::ToggleHold));
        for a in actions {
            self.apply(a, ui);
        }
        // The global hotkey: a press while the softphone has the focus; said on stderr,
        // for whoever supports the PC.
        for _ in 0..hold_presses {
            self.apply(Action::ToggleHold, ui);
            let key = self.desktop.as_ref().and_then(|d| d.hotkey_shown()).unwrap_or_default();
            let on = if self.on_hold { "on" } else { "off" };
            crate::errln!("speech-coach: hold {on} (hold hotkey {key})");
        }
        for a in desktop_actions {
            self.apply_desktop(a, ui);
        }
        // Keep repainting while live; a finished demo needs no more frames.
        if !matches!(state.device, DeviceStatus::Finished) {
            ui.ctx().request_repaint_after(REPAINT_EVERY);
        }
    }
}
