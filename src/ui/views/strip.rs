//! The compact call strip: three chips and the cue, for use during calls (always on top).
//! A lost microphone greys the chips and takes the cue's place in a colour of its own; a
//! lost caller side is said beside it.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::numbers::signed;
use super::{Action, View};
use crate::coach::Band;
use crate::ui::gauge::{DEVICE, band_color};
use crate::ui::i18n::window_strings;

impl View<'_> {
    /// The compact always-on-top strip: three coloured values and the cue.
    pub fn compact(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let s = self.s();
        let c = &self.shown_coach();
        // The button first, from the right, so that it always has its place; the chips
        // and the cue fill what is left, the cue cut short rather than run under the
        // button (issue 23: cut at the strip's own 480 px minimum, overlapping at 420).
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(s.full_view).clicked() {
                actions.push(Action::ToggleCompact);
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                let chip = |ui: &mut Ui, label: &str, text: String, band: Option<Band>| {
                    let color = band.map_or(ui.visuals().weak_text_color(), band_color);
                    let text = RichText::new(format!("{label} {text}")).size(18.0);
                    ui.label(text.color(color).strong());
                };
                chip(
                    ui,
                    s.tone,
                    c.tone.value.map_or("–".into(), |v| format!("{v:.1}")),
                    c.tone.band,
                );
                chip(
                    ui,
                    s.volume,
                    c.volume.value.map_or("–".into(), |v| format!("{}dB", signed(v, 0))),
                    c.volume.band,
                );
                chip(
                    ui,
                    s.speed,
                    c.pace.value.map_or("–".into(), |v| format!("{v:.0}")),
                    c.pace.band,
                );
                if self.recording && self.state.recording {
                    ui.label(RichText::new("●").color(band_color(Band::Red)).strong())
                        .on_hover_text(s.recording_on);
                }
                if let Some((text, color)) = self.hold_text() {
                    ui.label(RichText::new(text).size(18.0).color(color).strong());
                }
                ui.separator();
                if self.caller_lost() {
                    let lost = window_strings(self.ui_lang).caller_lost;
                    ui.label(RichText::new(lost).color(DEVICE).strong());
                }
                let (text, color) = self.cue_text(ui);
                ui.add(
                    egui::Label::new(RichText::new(text).size(18.0).color(color).strong())
                        .truncate(),
                );
            });
        });
        actions
    }
}
