//! Language switches and calibration: what the agent sets before a call.

use crate::egui;
use crate::egui::{RichText, Ui};

use super::{Action, View};
use crate::analysis::Lang;
use crate::coach::{Band, CalibrationRefusal};
use crate::ui::gauge::band_color;
use crate::ui::i18n::{UiLang, window_strings};

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

    pub(super) fn calibration_controls(&self, ui: &mut Ui, actions: &mut Vec<Action>) {
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
            // The baseline must be the agent's own voice: not the demo, not read speech.
            let refusal = self.calibration_refusal().map(|r| {
                let w = window_strings(self.ui_lang);
                match r {
                    CalibrationRefusal::Demo => w.calibrate_not_in_demo,
                    CalibrationRefusal::Rehearsal => w.calibrate_not_in_rehearsal,
                }
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
        }
    }
}
