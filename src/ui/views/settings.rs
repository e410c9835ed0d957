//! Language switches and calibration: what the agent sets before a call.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::{Action, View};
use crate::analysis::Lang;
use crate::coach::{Band, CalibrationRefusal};
use crate::settings::UiLang;
use crate::ui::gauge::band_color;
use crate::ui::i18n::window_strings;
use crate::words::fill;

impl View<'_> {
    pub(super) fn settings_row(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
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

    /// While calibrating, the passage to read, across the window: the count against its
    /// known syllables is the pace calibration (`coach::pace_profile`).
    pub(super) fn calibration_passage(&self, ui: &mut Ui) {
        let Some(c) = &self.state.calibration else { return };
        let w = window_strings(self.ui_lang);
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(w.read_passage);
            ui.label(RichText::new(crate::coach::pace_profile::passage(c.lang())).size(20.0));
        });
    }

    pub(super) fn calibration_controls(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let s = self.s();
        let w = window_strings(self.ui_lang);
        if let Some(c) = &self.state.calibration {
            // The progress follows the reading (the passage is shown below the row).
            let text = format!("{} · {:.0} {}", s.calibrating, c.elapsed_s, s.seconds);
            ui.add(egui::ProgressBar::new(c.progress()).text(text).desired_width(300.0));
        } else {
            // The baseline must be the agent's own voice: not the demo, not read speech.
            let refusal = self.calibration_refusal().map(|r| match r {
                CalibrationRefusal::Demo => w.calibrate_not_in_demo,
                CalibrationRefusal::Rehearsal => w.calibrate_not_in_rehearsal,
            });
            let button = ui.add_enabled(refusal.is_none(), egui::Button::new(s.calibrate));
            if let Some(reason) = refusal {
                button.on_disabled_hover_text(reason);
            } else if button.clicked() {
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
            if matches!(self.state.pace_result, Some(None)) {
                ui.label(RichText::new(w.pace_not_calibrated).color(band_color(Band::Amber)));
            }
            if self.can_undo_calibration && ui.small_button(w.undo_calibration).clicked() {
                actions.push(Action::UndoCalibration);
            }
            if (self.calibrated || self.pace_profile.is_some())
                && ui.small_button(w.clear_calibration).clicked()
            {
                actions.push(Action::ClearCalibration);
            }
            if let Some(p) = self.pace_profile {
                let mut on = self.use_pace_profile;
                let label = fill(w.pace_calibration, &[("factor", &format!("{:.2}", p.factor))]);
                let hint = fill(
                    w.pace_calibration_hint,
                    &[
                        ("counted", &p.counted_syllables.to_string()),
                        ("passage", &p.passage_syllables.to_string()),
                    ],
                );
                if ui.checkbox(&mut on, label).on_hover_text(hint).changed() {
                    actions.push(Action::SetUsePaceProfile(on));
                }
            }
        }
    }
}
