//! The window's side of being a desktop citizen (`crate::desktop`): coming forward when
//! the app is started a second time, and the row under the full view with the "start with
//! the system" toggle and the hold hotkey. Its own file, apart from `views/`, so that the
//! views' `View` (built field by field in many tests) stays as it is.

use crate::desktop::instance::{Claim, Doorbell, Primary, claim};
use crate::egui;
use crate::egui::ViewportCommand;
use crate::settings::UiLang;
use crate::words::word_table;
use std::io::Write;

/// The outcome of asking for the data folder before any window or capture is opened.
pub enum Start {
    /// Go on and open the window; hold on to the `Primary` (if any) until it closes.
    Open(Option<Primary>),
    /// Another window has the folder and was told; nothing more to do.
    AlreadyOpen,
}

/// Takes the data folder for this window, or brings the window that has it forward and
/// says so in one line. A folder whose lock cannot be taken at all (a read-only or odd
/// file system) must not keep the agent from working: the window opens with a warning.
pub fn claim_data_folder() -> Start {
    match claim(&crate::platform::paths::data_dir()) {
        Ok(Claim::First(primary)) => Start::Open(Some(primary)),
        Ok(Claim::AlreadyRunning { raised }) => {
            let line = if raised {
                "speech-coach: the window is already open; it was brought to the front"
            } else {
                "speech-coach: the window is already open (it did not answer; look for it on \
                 the taskbar)"
            };
            // Not println!: a closed stdout (started from a launcher) must not panic.
            let _ = writeln!(std::io::stdout(), "{line}");
            Start::AlreadyOpen
        }
        Err(e) => {
            crate::errln!("speech-coach: {e}; a second window could open on the same data");
            Start::Open(None)
        }
    }
}

/// Brings the window forward when a second start rings: shown, not minimised, focused.
/// Called on the doorbell's thread; the commands are carried out on the next frame,
/// which the repaint asks for.
pub fn answer_second_starts(doorbell: Option<Doorbell>, ctx: &egui::Context) {
    let Some(doorbell) = doorbell else { return };
    let ctx = ctx.clone();
    doorbell.answer(move || {
        crate::errln!("speech-coach: started again: this window is brought to the front");
        ctx.send_viewport_cmd(ViewportCommand::Visible(true));
        ctx.send_viewport_cmd(ViewportCommand::Minimized(false));
        ctx.send_viewport_cmd(ViewportCommand::Focus);
        ctx.request_repaint();
    });
}

word_table! {
    /// The words of the desktop row, in Chinese and English.
    pub struct DesktopStrings {
        /// The toggle: the window opens when the agent logs on.
        pub autostart: &'static str,
        /// The hold hotkey's label (with its colon), and the note after it that it works from
        /// any program.
        pub hold_hotkey: &'static str,
        pub in_any_program: &'static str,
        /// The hotkey could not be used (the reason, in English, on hover).
        pub not_available: &'static str,
        /// The tray icon's menu.
        pub show_or_hide: &'static str,
        pub quit: &'static str,
    }
}

pub const ZH: DesktopStrings = DesktopStrings {
    autostart: "开机启动",
    hold_hotkey: "保持通话快捷键：",
    in_any_program: "在其他程序中也可用",
    not_available: "无法使用",
    show_or_hide: "显示/隐藏窗口",
    quit: "退出",
};

pub const EN: DesktopStrings = DesktopStrings {
    autostart: "Start with the system",
    hold_hotkey: "Hold hotkey:",
    in_any_program: "works in any program",
    not_available: "not available",
    show_or_hide: "Show / hide the window",
    quit: "Quit",
};

pub fn desktop_strings(lang: UiLang) -> &'static DesktopStrings {
    match lang {
        UiLang::Zh => &ZH,
        UiLang::En => &EN,
    }
}

/// What the agent asked for in the desktop row.
#[derive(Debug, Clone, PartialEq)]
pub enum DesktopAction {
    SetAutostart(bool),
    /// A new hold hotkey as typed (empty: none).
    SetHoldHotkey(String),
}

/// The row under the full view: start with the system, and the hold hotkey with its state.
/// A view like the others (`ui::views`): it reads and returns actions, so it is tested
/// headless.
pub struct DesktopRow<'a> {
    pub ui_lang: UiLang,
    /// `None`: not offered on this platform.
    pub autostart: Option<bool>,
    /// The hotkey in force, as shown (`None`: none).
    pub hotkey: Option<&'a str>,
    /// Why the hotkey in the settings is not in force.
    pub hotkey_problem: Option<&'a str>,
}

impl DesktopRow<'_> {
    /// `edit` is the hotkey field's text, kept by the caller between frames.
    pub fn ui(&self, ui: &mut egui::Ui, edit: &mut String) -> Vec<DesktopAction> {
        let w = desktop_strings(self.ui_lang);
        let mut actions = Vec::new();
        ui.horizontal_wrapped(|ui| {
            if let Some(on) = self.autostart {
                let mut checked = on;
                if ui.checkbox(&mut checked, w.autostart).changed() {
                    actions.push(DesktopAction::SetAutostart(checked));
                }
                ui.separator();
            }
            let label = ui.label(w.hold_hotkey);
            let field = ui
                .add(
                    egui::TextEdit::singleline(edit)
                        .desired_width(110.0)
                        .hint_text(crate::desktop::hotkey::DEFAULT_HOLD_HOTKEY),
                )
                .labelled_by(label.id);
            if field.lost_focus() && Some(edit.trim()) != self.hotkey {
                actions.push(DesktopAction::SetHoldHotkey(edit.trim().to_string()));
            }
            match (self.hotkey, self.hotkey_problem) {
                (_, Some(problem)) => {
                    let amber = crate::ui::gauge::band_color(crate::coach::Band::Amber);
                    ui.label(egui::RichText::new(format!("! {}", w.not_available)).color(amber))
                        .on_hover_text(problem);
                }
                (Some(_), None) => {
                    ui.label(egui::RichText::new(format!("({})", w.in_any_program)).weak());
                }
                (None, None) => {}
            }
        });
        actions
    }
}

/// What the tray icon shows: a lost microphone above all (the readings are void), then
/// whether a call is on.
pub fn tray_state(state: &crate::pipeline::LiveState) -> crate::desktop::tray::TrayState {
    use crate::desktop::tray::TrayState;
    use crate::pipeline::DeviceStatus;
    match (&state.device, &state.call) {
        (DeviceStatus::Lost { .. } | DeviceStatus::Unavailable { .. }, _) => {
            TrayState::MicrophoneLost
        }
        (_, Some(_)) => TrayState::OnCall,
        (_, None) => TrayState::Waiting,
    }
}

/// The window's desktop state: the autostart entry, the registered hold hotkey and the
/// tray icon (Windows, Linux).
pub struct Desktop {
    autostart: Option<crate::desktop::autostart::Autostart>,
    tray: Option<crate::desktop::tray::Tray>,
    /// The window was hidden from the tray's menu.
    hidden: bool,
    hotkey: Option<crate::desktop::hotkey::HoldHotkey>,
    shown: Option<String>,
    problem: Option<String>,
    /// The hotkey field's text.
    edit: String,
}

impl Desktop {
    /// Registers the settings' hold hotkey (on the UI thread, as Windows wants); a press
    /// asks for a frame, in which [`Desktop::hold_presses`] picks it up.
    pub fn start(ctx: &egui::Context, hold_hotkey: &str, ui_lang: UiLang) -> Self {
        let w = desktop_strings(ui_lang);
        let words = crate::desktop::tray::TrayWords { show_or_hide: w.show_or_hide, quit: w.quit };
        let repaint = ctx.clone();
        let tray =
            match crate::desktop::tray::Tray::start(&words, move || repaint.request_repaint()) {
                Ok(tray) => Some(tray),
                Err(crate::desktop::tray::TrayError::Unavailable) => None,
                Err(e) => {
                    crate::errln!("speech-coach: {e}");
                    None
                }
            };
        let repaint = ctx.clone();
        let (hotkey, problem) =
            match crate::desktop::hotkey::HoldHotkey::start(move || repaint.request_repaint()) {
                Ok(h) => (Some(h), None),
                Err(e) => (None, Some(e.to_string())),
            };
        let mut desktop = Self {
            autostart: crate::desktop::autostart::Autostart::for_user(),
            tray,
            hidden: false,
            hotkey,
            shown: None,
            problem,
            edit: hold_hotkey.to_string(),
        };
        if desktop.hotkey.is_some() {
            desktop.set_hotkey(hold_hotkey);
        } else if let Some(p) = &desktop.problem {
            crate::errln!("speech-coach: {p}");
        }
        desktop
    }

    /// Shows the call's state on the tray icon and carries out its menu's clicks.
    pub fn follow(
        &mut self,
        state: &crate::pipeline::LiveState,
        ctx: &egui::Context,
        lang: UiLang,
    ) {
        use crate::desktop::tray::{TrayRequest, TrayState};
        let Some(tray) = self.tray.as_mut() else { return };
        let s = crate::ui::i18n::strings(lang);
        let shown = tray_state(state);
        let words = match shown {
            TrayState::MicrophoneLost => crate::ui::i18n::window_strings(lang).mic_disconnected,
            TrayState::OnCall => s.call_on,
            TrayState::Waiting => s.call_waiting,
        };
        tray.show(shown, &format!("speech-coach: {words}"));
        for request in tray.requests() {
            let show = match request {
                TrayRequest::Quit => {
                    ctx.send_viewport_cmd(ViewportCommand::Close);
                    continue;
                }
                TrayRequest::Show => true,
                TrayRequest::ShowOrHide => self.hidden,
            };
            self.hidden = !show;
            ctx.send_viewport_cmd(ViewportCommand::Visible(show));
            if show {
                ctx.send_viewport_cmd(ViewportCommand::Minimized(false));
                ctx.send_viewport_cmd(ViewportCommand::Focus);
            }
        }
    }

    /// The hold hotkey in force, as shown.
    pub fn hotkey_shown(&self) -> Option<&str> {
        self.shown.as_deref()
    }

    /// Presses of the hold hotkey since the last frame.
    pub fn hold_presses(&mut self) -> usize {
        self.hotkey.as_mut().map_or(0, |h| h.take_presses())
    }

    /// Registers `spec` as the hold hotkey (empty: none) unless it already is.
    pub fn set_hotkey(&mut self, spec: &str) {
        let Some(hotkey) = self.hotkey.as_mut() else { return };
        let same = crate::desktop::hotkey::parse(spec).ok().flatten().map(|c| c.to_string());
        if same.is_some() && same == self.shown {
            return;
        }
        self.edit = spec.to_string();
        match hotkey.set(spec) {
            Ok(combination) => {
                self.shown = combination.map(|c| c.to_string());
                self.problem = None;
                if let Some(c) = &self.shown {
                    self.edit = c.clone();
                }
            }
            Err(e) => {
                crate::errln!("speech-coach: {e}");
                self.shown = None;
                self.problem = Some(e.to_string());
            }
        }
    }

    /// Writes or removes the autostart entry; the error as one line for the notice.
    pub fn set_autostart(&mut self, on: bool) -> Result<(), String> {
        let Some(autostart) = &self.autostart else { return Ok(()) };
        let program = crate::desktop::autostart::this_program()
            .map_err(|e| format!("cannot find where this program is: {e}"))?;
        autostart.set(on, &program).map_err(|e| e.to_string())
    }

    /// Shows the row and returns what was asked.
    pub fn row(&mut self, ui: &mut egui::Ui, ui_lang: UiLang) -> Vec<DesktopAction> {
        let row = DesktopRow {
            ui_lang,
            autostart: self.autostart.as_ref().map(|a| a.is_on()),
            hotkey: self.shown.as_deref(),
            hotkey_problem: self.problem.as_deref(),
        };
        row.ui(ui, &mut self.edit)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tray_says_a_lost_microphone_first_then_whether_a_call_is_on() {
        use crate::desktop::tray::TrayState;
        use crate::pipeline::{DeviceStatus, LiveState};
        let mut state = LiveState::new(crate::analysis::Lang::Zh);
        state.device = DeviceStatus::Live {
            name: "USB".into(),
            sample_rate: 48000,
            channels: 1,
            format: "f32".into(),
        };
        assert_eq!(super::tray_state(&state), TrayState::Waiting);
        state.call = Some(crate::pipeline::LiveCall {
            id: None,
            kind: crate::session::store::SessionKind::Call,
            elapsed_s: 12.0,
        });
        assert_eq!(super::tray_state(&state), TrayState::OnCall);
        state.device =
            DeviceStatus::Lost { name: "USB".into(), reason: "unplugged".into(), silent: false };
        assert_eq!(super::tray_state(&state), TrayState::MicrophoneLost);
        state.call = None;
        state.device = DeviceStatus::Unavailable { reason: "none".into() };
        assert_eq!(super::tray_state(&state), TrayState::MicrophoneLost);
    }

    #[test]
    fn the_bundled_font_subset_covers_the_rows_words() {
        let all = super::ZH.texts().concat();
        let missing = crate::ui::fonts::missing_from_bundled_subset(&all);
        assert!(missing.is_empty(), "rebuild scripts/make-font-subset.sh; missing: {missing}");
    }
}
