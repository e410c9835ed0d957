//! Target bands from the training guidance (`shared/guidance.md`), named once, and the
//! plausible range each may take when a trainer or agent edits it: a band read from a file
//! is checked here, so a typo costs that band alone and never reaches a gauge or a cue.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::Lang;

/// Where a value sits against its target. In JSON (`rehearse --recording`'s per-line
/// `band`) lower-case, `"green"`, `"amber"`, `"red"`, like every other value the commands
/// print (`"zh"`, `"dead_air"`); the capitalised names of earlier versions still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    #[serde(alias = "Green")]
    Green,
    #[serde(alias = "Amber")]
    Amber,
    #[serde(alias = "Red")]
    Red,
}

/// A symmetric-or-not band: green inside `green`, amber inside `amber`, red outside.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetBand {
    pub green: (f32, f32),
    pub amber: (f32, f32),
}

/// What is wrong with one value a person wrote (a settings field, a script tag). Readers
/// keep the default for that value alone and tell the user which value and why.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Error)]
pub enum ValueProblem {
    #[error("wrong type")]
    WrongType,
    #[error("unknown value")]
    UnknownValue,
    #[error("not a number")]
    NotANumber,
    #[error("outside {min}–{max}")]
    OutOfRange { min: f32, max: f32 },
    #[error("limits out of order (lower below upper, green inside amber)")]
    Misordered,
    /// A key the section does not have (a typo such as `pace_zh` was ignored in silence).
    #[error("no such target (pace_zh_chars_per_min, pace_en_words_per_min, volume_relative_db)")]
    UnknownKey,
}

/// Pace in either unit (chars/min or words/min). Below 30 nobody is talking in sentences;
/// above 600 is beyond auctioneers (Mandarin news reading is about 250 chars/min, fast
/// English about 200 words/min), so a number outside is a typo, not a target.
pub const PACE_RANGE: RangeInclusive<f32> = 30.0..=600.0;
/// Level relative to the agent's normal: ±40 dB spans whisper to shout (speech dynamic
/// range is about 30–40 dB), so a wider volume band could never be left.
pub const RELATIVE_DB_RANGE: RangeInclusive<f32> = -40.0..=40.0;

/// `value` as an `f32` if it is a number within `range` (NaN is not; ±∞ lies outside).
pub fn check_in_range(value: f64, range: &RangeInclusive<f32>) -> Result<f32, ValueProblem> {
    let (min, max) = (*range.start(), *range.end());
    if value.is_nan() {
        Err(ValueProblem::NotANumber)
    } else if value < f64::from(min) || value > f64::from(max) {
        Err(ValueProblem::OutOfRange { min, max })
    } else {
        Ok(value as f32)
    }
}

impl TargetBand {
    /// A band as a person may write it: every limit within `range`, each pair in order
    /// (lower below upper) and green inside amber. Otherwise inverted bands would turn
    /// every reading red and cue "slow down" at a pace inside the intended band.
    pub fn check(&self, range: &RangeInclusive<f32>) -> Result<(), ValueProblem> {
        for limit in [self.green.0, self.green.1, self.amber.0, self.amber.1] {
            check_in_range(f64::from(limit), range)?;
        }
        let ordered = self.green.0 < self.green.1
            && self.amber.0 <= self.green.0
            && self.green.1 <= self.amber.1;
        if ordered { Ok(()) } else { Err(ValueProblem::Misordered) }
    }

    /// The band of `value` given the band shown before: moving towards green needs the
    /// value `margin` inside the milder band, so a value hovering on an edge does not flip
    /// the gauge and the cue's wording ("a little" or not) several times a second (issue
    /// 23: a pace gauge at 199–201 changed the line five times in two seconds). Moving away
    /// from green is immediate: a red reading is never shown as amber.
    /// The middle of the green band: which side of it a reading lies on says "too fast"
    /// or "too slow", and a script line's target is scaled against it.
    pub fn centre(&self) -> f32 {
        (self.green.0 + self.green.1) / 2.0
    }

    pub fn classify_from(&self, before: Option<Band>, value: f32, margin: f32) -> Band {
        let now = self.classify(value);
        match before {
            Some(before) if before > now => {
                let outward = if value >= self.centre() { value + margin } else { value - margin };
                before.min(self.classify(outward)).max(now)
            }
            _ => now,
        }
    }

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

/// The agent's "normal" speaking level: their calibrated one, else
/// [`DEFAULT_NORMAL_LEVEL_DBFS`]. The one reference of the volume gauge, the call report
/// and the team's summaries.
pub fn normal_level_dbfs(baseline: Option<&crate::coach::Baseline>) -> f32 {
    baseline.map_or(DEFAULT_NORMAL_LEVEL_DBFS, |b| b.active_level_dbfs)
}
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
    /// Each band with its key in the settings file (the field's name) and the range its
    /// limits may take, so a reader can check and replace one band on its own.
    pub fn bands_mut(&mut self) -> [(&'static str, &mut TargetBand, RangeInclusive<f32>); 3] {
        [
            ("pace_zh_chars_per_min", &mut self.pace_zh_chars_per_min, PACE_RANGE),
            ("pace_en_words_per_min", &mut self.pace_en_words_per_min, PACE_RANGE),
            ("volume_relative_db", &mut self.volume_relative_db, RELATIVE_DB_RANGE),
        ]
    }

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

/// The flat-voice floor: the training's, for the language. A calibration raises it for a
/// lively voice (70 % of their normal spread) but never lowers it: a voice calibrated flat
/// stays flat (issue 23: a 4.1-semitone calibration once made 3.0 semitones read "lively").
pub fn flat_spread_floor(lang: Lang, baseline_spread_st: Option<f32>) -> f32 {
    let default = match lang {
        Lang::Zh => FLAT_SPREAD_ST_ZH,
        Lang::En => FLAT_SPREAD_ST_EN,
    };
    baseline_spread_st.map_or(default, |b| (0.7 * b).max(default))
}

/// Tone band: green at or above the floor, amber down to 75 % of it, red below.
pub fn tone_band(floor_st: f32) -> TargetBand {
    TargetBand { green: (floor_st, f32::INFINITY), amber: (0.75 * floor_st, f32::INFINITY) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_lower_case_in_json_and_the_old_spelling_still_reads() {
        let json = serde_json::to_string(&[Band::Green, Band::Amber, Band::Red]).unwrap();
        assert_eq!(json, r#"["green","amber","red"]"#);
        let old: Vec<Band> = serde_json::from_str(r#"["Green","Amber","Red"]"#).unwrap();
        assert_eq!(old, [Band::Green, Band::Amber, Band::Red]);
    }

    #[test]
    fn a_gauge_leaves_a_worse_band_only_once_inside_the_milder_one_by_the_margin() {
        let b = pace_band(Lang::Zh); // green 130–170, amber to 110 / 200
        let red = Some(Band::Red);
        assert_eq!(b.classify_from(red, 199.0, 3.0), Band::Red);
        assert_eq!(b.classify_from(red, 196.9, 3.0), Band::Amber);
        // straight to green from red once well inside it; amber on the way if not
        assert_eq!(b.classify_from(red, 160.0, 3.0), Band::Green);
        assert_eq!(b.classify_from(red, 168.0, 3.0), Band::Amber);
        assert_eq!(b.classify_from(Some(Band::Amber), 111.0, 3.0), Band::Amber);
        assert_eq!(b.classify_from(Some(Band::Amber), 133.5, 3.0), Band::Green);
        // away from green at once, and nothing before: the plain band
        assert_eq!(b.classify_from(Some(Band::Green), 200.5, 3.0), Band::Red);
        assert_eq!(b.classify_from(None, 199.0, 3.0), Band::Amber);
    }

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
    fn every_default_band_passes_its_own_check() {
        for (key, band, range) in Targets::default().bands_mut() {
            assert_eq!(band.check(&range), Ok(()), "{key}");
        }
    }

    #[test]
    fn the_band_keys_are_the_serialised_field_names() {
        let json = serde_json::to_value(Targets::default()).unwrap();
        let mut fields: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys: Vec<&str> = Targets::default().bands_mut().map(|(k, _, _)| k).to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn an_inverted_or_overlapping_band_is_misordered() {
        let inverted = TargetBand { green: (170.0, 130.0), amber: (200.0, 110.0) };
        assert_eq!(inverted.check(&PACE_RANGE), Err(ValueProblem::Misordered));
        let green_outside_amber = TargetBand { green: (100.0, 170.0), amber: (110.0, 200.0) };
        assert_eq!(green_outside_amber.check(&PACE_RANGE), Err(ValueProblem::Misordered));
        let empty_green = TargetBand { green: (150.0, 150.0), amber: (110.0, 200.0) };
        assert_eq!(empty_green.check(&PACE_RANGE), Err(ValueProblem::Misordered));
    }

    #[test]
    fn huge_infinite_and_nan_limits_are_refused() {
        let out = ValueProblem::OutOfRange { min: 30.0, max: 600.0 };
        assert_eq!(check_in_range(1e308, &PACE_RANGE), Err(out));
        assert_eq!(check_in_range(-1e308, &PACE_RANGE), Err(out));
        assert_eq!(check_in_range(f64::INFINITY, &PACE_RANGE), Err(out));
        assert_eq!(check_in_range(f64::NAN, &PACE_RANGE), Err(ValueProblem::NotANumber));
        assert_eq!(check_in_range(0.0, &PACE_RANGE), Err(out));
        assert_eq!(check_in_range(600.0, &PACE_RANGE), Ok(600.0));
        let infinite = TargetBand { green: (130.0, f32::INFINITY), amber: (110.0, f32::INFINITY) };
        assert_eq!(infinite.check(&PACE_RANGE), Err(out));
    }

    #[test]
    fn a_calibration_raises_the_flat_floor_for_a_lively_voice_and_never_lowers_it() {
        assert_eq!(flat_spread_floor(Lang::Zh, None), FLAT_SPREAD_ST_ZH);
        assert!((flat_spread_floor(Lang::Zh, Some(10.0)) - 7.0).abs() < 1e-6);
        // A flat calibration (4.1 semitones, issue 23) keeps the training's floor.
        assert_eq!(flat_spread_floor(Lang::Zh, Some(4.1)), FLAT_SPREAD_ST_ZH);
        assert_eq!(flat_spread_floor(Lang::En, Some(1.0)), FLAT_SPREAD_ST_EN);
        let t = tone_band(4.0);
        assert_eq!(t.classify(5.0), Band::Green);
        assert_eq!(t.classify(3.5), Band::Amber);
        assert_eq!(t.classify(2.0), Band::Red);
    }
}
