//! Target bands from the training guidance (`shared/guidance.md`), named once.

use serde::{Deserialize, Serialize};

use crate::analysis::Lang;

/// Where a value sits against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Band {
    Green,
    Amber,
    Red,
}

/// A symmetric-or-not band: green inside `green`, amber inside `amber`, red outside.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetBand {
    pub green: (f32, f32),
    pub amber: (f32, f32),
}

impl TargetBand {
    pub fn classify(&self, value: f32) -> Band {
        if (self.green.0..=self.green.1).contains(&value) {
            Band::Green
        } else if (self.amber.0..=self.amber.1).contains(&value) {
            Band::Amber
        } else {
            Band::Red
        }
    }
}

/// Guidance #1: about 150 characters a minute; green 130–170, amber to 110 / 200.
pub const PACE_ZH_CHARS_PER_MIN: TargetBand =
    TargetBand { green: (130.0, 170.0), amber: (110.0, 200.0) };
/// Guidance #1: English 100–165 words a minute; amber margins set to the same ratio as zh.
pub const PACE_EN_WORDS_PER_MIN: TargetBand =
    TargetBand { green: (100.0, 165.0), amber: (85.0, 195.0) };
/// Guidance #3: within ±4 dB of the calibrated normal level is green, ±8 dB amber.
pub const VOLUME_RELATIVE_DB: TargetBand = TargetBand { green: (-4.0, 4.0), amber: (-8.0, 8.0) };
/// Guidance #3: an active level below this means the microphone is too quiet.
pub const MIC_TOO_QUIET_DBFS: f32 = -40.0;
/// Until an agent calibrates, a typical headset speech level stands in for "normal".
pub const DEFAULT_NORMAL_LEVEL_DBFS: f32 = -26.0;
/// Guidance #4: pitch spread floors before calibration (10–90 % range in semitones).
/// Mandarin's lexical tones add spread, so its floor is higher.
pub const FLAT_SPREAD_ST_ZH: f32 = 5.0;
pub const FLAT_SPREAD_ST_EN: f32 = 3.5;
/// Guidance #5: losing calm = median pitch > 2 st and level > 4 dB above baseline for > 5 s.
pub const CALM_PITCH_RISE_ST: f32 = 2.0;
pub const CALM_LEVEL_RISE_DB: f32 = 4.0;
pub const CALM_HOLD_S: f64 = 5.0;

/// The bands an agent is measured against; a trainer can hand out other numbers in the
/// settings file (`"targets": {...}`), anything left out keeps the guidance default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Targets {
    pub pace_zh_chars_per_min: TargetBand,
    pub pace_en_words_per_min: TargetBand,
    pub volume_relative_db: TargetBand,
}

impl Default for Targets {
    fn default() -> Self {
        Self {
            pace_zh_chars_per_min: PACE_ZH_CHARS_PER_MIN,
            pace_en_words_per_min: PACE_EN_WORDS_PER_MIN,
            volume_relative_db: VOLUME_RELATIVE_DB,
        }
    }
}

impl Targets {
    pub fn pace(&self, lang: Lang) -> TargetBand {
        match lang {
            Lang::Zh => self.pace_zh_chars_per_min,
            Lang::En => self.pace_en_words_per_min,
        }
    }
}

/// The default band for pace in the language's unit.
pub fn pace_band(lang: Lang) -> TargetBand {
    match lang {
        Lang::Zh => PACE_ZH_CHARS_PER_MIN,
        Lang::En => PACE_EN_WORDS_PER_MIN,
    }
}

/// The flat-voice floor: from the agent's baseline when calibrated (70 % of their normal
/// spread, never below the language default's half), else the language default.
pub fn flat_spread_floor(lang: Lang, baseline_spread_st: Option<f32>) -> f32 {
    let default = match lang {
        Lang::Zh => FLAT_SPREAD_ST_ZH,
        Lang::En => FLAT_SPREAD_ST_EN,
    };
    baseline_spread_st.map_or(default, |b| (0.7 * b).max(0.5 * default))
}

/// Tone band: green at or above the floor, amber down to 75 % of it, red below.
pub fn tone_band(floor_st: f32) -> TargetBand {
    TargetBand { green: (floor_st, f32::INFINITY), amber: (0.75 * floor_st, f32::INFINITY) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_bands_follow_the_guidance_numbers() {
        let b = pace_band(Lang::Zh);
        assert_eq!(b.classify(150.0), Band::Green);
        assert_eq!(b.classify(129.0), Band::Amber);
        assert_eq!(b.classify(171.0), Band::Amber);
        assert_eq!(b.classify(109.0), Band::Red);
        assert_eq!(b.classify(201.0), Band::Red);
        assert_eq!(pace_band(Lang::En).classify(120.0), Band::Green);
    }

    #[test]
    fn volume_band_is_relative_to_normal() {
        assert_eq!(VOLUME_RELATIVE_DB.classify(3.9), Band::Green);
        assert_eq!(VOLUME_RELATIVE_DB.classify(-6.0), Band::Amber);
        assert_eq!(VOLUME_RELATIVE_DB.classify(9.0), Band::Red);
    }

    #[test]
    fn flat_floor_comes_from_the_baseline_once_calibrated() {
        assert_eq!(flat_spread_floor(Lang::Zh, None), FLAT_SPREAD_ST_ZH);
        assert!((flat_spread_floor(Lang::En, Some(6.0)) - 4.2).abs() < 1e-6);
        assert_eq!(flat_spread_floor(Lang::Zh, Some(1.0)), 2.5);
        let t = tone_band(4.0);
        assert_eq!(t.classify(5.0), Band::Green);
        assert_eq!(t.classify(3.5), Band::Amber);
        assert_eq!(t.classify(2.0), Band::Red);
    }
}
