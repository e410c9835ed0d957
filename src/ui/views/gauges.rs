//! The three gauges (tone, volume, speed) and the one cue line above them. Both read the
//! same coach state at the same instant; without a microphone both say so, and the
//! gauges are greyed with their values cleared rather than frozen at the last reading.

use crate::egui::{RichText, Ui};

use super::View;
use super::numbers::signed;
use crate::analysis::Lang;
use crate::coach::targets;
use crate::coach::targets::TargetBand;
use crate::coach::{Band, CoachState, Headline, Reading, headline};
use crate::pipeline::DeviceStatus;
use crate::ui::gauge::{DEVICE, Gauge, band_color};
use crate::ui::i18n::{self, Direction, window_strings};

impl View<'_> {
    /// The coach state to show: the newest one while the microphone delivers, an empty
    /// one when it is lost (nothing stale may pass for a measurement).
    pub(super) fn shown_coach(&self) -> CoachState {
        if self.device_ok() { self.state.coach } else { CoachState::default() }
    }

    pub(super) fn gauges(&self, c: &CoachState) -> [Gauge<'_>; 3] {
        let s = self.s();
        let greyed = !self.device_ok();
        let empty = if greyed { window_strings(self.ui_lang).no_signal } else { s.waiting };
        let wait =
            |v: Option<f32>, f: &dyn Fn(f32) -> String| v.map_or_else(|| empty.to_string(), f);
        // A gauge's word says which way it is off (over or under its green band).
        let toward = |gauge, r: &Reading, t: &TargetBand| match (r.band, r.value) {
            (Some(b), Some(v)) => i18n::band_text_toward(self.ui_lang, gauge, b, v > t.green.1),
            _ => "",
        };
        let pace_target = self.targets.pace(self.speech_lang);
        let floor = targets::flat_spread_floor(self.speech_lang, self.baseline_spread_st);
        let tone_state = match (c.tone_state, c.tone.band) {
            (Some(crate::coach::ToneState::Flat), Some(Band::Amber)) => s.a_little_flat,
            (state, _) => state.map_or("", |t| i18n::tone_text(s, t)),
        };
        let pitch = c.pitch_median_hz.map_or(String::new(), |hz| match c.pitch_vs_baseline_st {
            Some(d) => format!(" · {hz:.0} Hz ({})", signed(d, 1)),
            None => format!(" · {hz:.0} Hz"),
        });
        let mut volume_word =
            toward(Direction::Volume, &c.volume, &self.targets.volume_relative_db);
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
                greyed,
            },
            Gauge {
                label: s.volume,
                value_text: wait(c.volume.value, &|v| {
                    format!("{} {}", signed(v, 1), s.db_vs_normal)
                }),
                state_text: volume_word,
                value: c.volume.value,
                band: if c.clipping || c.mic_too_quiet { Some(Band::Red) } else { c.volume.band },
                target: self.targets.volume_relative_db,
                scale: (-14.0, 14.0),
                trend: c.volume.trend,
                width: 0.0,
                greyed,
            },
            Gauge {
                label: s.speed,
                value_text: wait(c.pace.value, &|v| format!("{v:.0} {}", self.pace_unit())),
                state_text: toward(Direction::Pace, &c.pace, &pace_target),
                value: c.pace.value,
                band: c.pace.band,
                target: pace_target,
                scale: pace_scale,
                trend: c.pace.trend,
                width: 0.0,
                greyed,
            },
        ]
    }

    /// The headline: one cue, praise, or the device problem, from the same state as the
    /// gauges (see [`crate::coach::cues`] for the priorities).
    pub(super) fn cue_line(&self, ui: &mut Ui, size: f32) {
        let (text, color) = self.cue_text(ui);
        ui.label(RichText::new(text).size(size).color(color).strong());
    }

    /// What the cue line says now, and in which colour.
    pub(super) fn cue_text(&self, ui: &Ui) -> (&'static str, crate::egui::Color32) {
        match headline(self.state.coach.headline, self.device_ok()) {
            Headline::DeviceLost => {
                let w = window_strings(self.ui_lang);
                let silent = matches!(self.state.device, DeviceStatus::Lost { silent: true, .. });
                (if silent { w.mic_silent } else { w.mic_disconnected }, DEVICE)
            }
            Headline::Cue { cue, band } => {
                (i18n::cue_text_in(self.ui_lang, cue, band), band_color(band))
            }
            Headline::KeepItUp => (self.s().all_good, band_color(Band::Green)),
            Headline::Waiting => (self.s().waiting, ui.visuals().weak_text_color()),
            Headline::Settling => (self.s().listening, ui.visuals().weak_text_color()),
        }
    }
}
