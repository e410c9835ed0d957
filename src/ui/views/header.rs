//! The header rows: device status, the call in progress, and the input device picker.

use crate::egui;
use crate::egui::{Color32, RichText, Ui};

use super::{Action, View};
use crate::coach::Band;
use crate::pipeline::DeviceStatus;
use crate::session::store::SessionKind;
use crate::ui::gauge::band_color;
use crate::ui::i18n::window_strings;

impl View<'_> {
    pub(super) fn status_line(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        match &self.state.device {
            DeviceStatus::Live { name, sample_rate, .. } => {
                ui.label(format!("{}: {name} ({sample_rate} Hz)", s.device_live));
            }
            DeviceStatus::Lost { silent, .. } => {
                let words = if *silent { s.device_silent } else { s.device_lost };
                ui.label(RichText::new(format!("! {words}")).color(band_color(Band::Red)).strong());
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

    /// The call in progress and how long it runs, or that the app waits for one; a click
    /// starts or ends a call by hand (calls also start on the caller's talk and end after
    /// a silent minute).
    pub(super) fn call_line(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        match &self.state.call {
            Some(call) => {
                let label = match call.kind {
                    SessionKind::Call => s.call_on,
                    SessionKind::Demo => s.demo_session,
                    SessionKind::Rehearsal => s.rehearsal_session,
                };
                let t = call.elapsed_s.max(0.0) as u64;
                ui.label(
                    RichText::new(format!("● {label} {}:{:02}", t / 60, t % 60))
                        .color(band_color(Band::Green))
                        .strong(),
                );
                if call.kind == SessionKind::Call && ui.button(s.end_call).clicked() {
                    actions.push(Action::EndCall);
                }
            }
            None => {
                ui.label(RichText::new(format!("○ {}", s.call_waiting)).weak());
                if ui.button(s.start_call).clicked() {
                    actions.push(Action::StartCall);
                }
            }
        }
    }

    /// Where the caller is heard: the default output's monitor or a named source. Shown
    /// while a microphone is captured with the caller's side (not in the demo).
    pub(super) fn caller_picker(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        if self.state.caller_device.is_none() {
            return;
        }
        let w = window_strings(self.ui_lang);
        let current = self.caller_device.unwrap_or(w.default_output);
        egui::ComboBox::from_label(w.caller_source).selected_text(current).width(200.0).show_ui(
            ui,
            |ui| {
                if ui.selectable_label(self.caller_device.is_none(), w.default_output).clicked()
                    && self.caller_device.is_some()
                {
                    actions.push(Action::SelectCallerDevice(None));
                }
                for name in self.caller_devices {
                    let chosen = self.caller_device == Some(name.as_str());
                    if ui.selectable_label(chosen, name).clicked() && !chosen {
                        actions.push(Action::SelectCallerDevice(Some(name.clone())));
                    }
                }
            },
        );
    }

    pub(super) fn device_picker(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
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
}
