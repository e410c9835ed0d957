//! Whole-stream figures: what `speech-coach analyze` prints and a call report starts from.

use serde::{Deserialize, Deserializer, Serialize};

use std::sync::atomic::{AtomicU32, Ordering};

use crate::dsp::pace::{SYLLABLES_PER_ENGLISH_WORD, SYLLABLES_PER_ENGLISH_WORD_RANGE};

/// The words/min conversion in force, as `f32` bits (0: the default). One value for the
/// whole process: it is a unit of display, set once at start from the settings or the
/// command line, and every gauge, report and table must agree on it.
static ENGLISH_SYLLABLES_PER_WORD: AtomicU32 = AtomicU32::new(0);

/// Syllables per English word used for words/min now.
pub fn syllables_per_english_word() -> f32 {
    match ENGLISH_SYLLABLES_PER_WORD.load(Ordering::Relaxed) {
        0 => SYLLABLES_PER_ENGLISH_WORD,
        bits => f32::from_bits(bits),
    }
}

/// Sets the words/min conversion; a value outside
/// [`SYLLABLES_PER_ENGLISH_WORD_RANGE`] (or not a number) is refused and changes nothing.
pub fn set_syllables_per_english_word(value: f32) -> Result<(), f32> {
    if !SYLLABLES_PER_ENGLISH_WORD_RANGE.contains(&value) {
        return Err(value);
    }
    ENGLISH_SYLLABLES_PER_WORD.store(value.to_bits(), Ordering::Relaxed);
    Ok(())
}

/// Language of the speech, which decides how pace is expressed. Written as `"zh"`/`"en"`;
/// read in any case (`"Zh"`, `"EN"`), since files written by hand or by older versions
/// spelled it otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Mandarin: one character is one syllable, pace in characters per minute.
    #[default]
    Zh,
    /// English: pace in words per minute (syllables ÷ [`syllables_per_english_word`], 1.4 by
    /// default).
    En,
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        match code.to_ascii_lowercase().as_str() {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(serde::de::Error::unknown_variant(&code, &["zh", "en"])),
        }
    }
}

/// Whether `c` is a Han character (CJK Unified Ideographs, the block that Mandarin
/// scripts and transcripts use): one character, one syllable.
pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

impl Lang {
    /// The language of a text: Mandarin if it holds any Han character, else English.
    pub fn detect(text: &str) -> Lang {
        if text.chars().any(is_han) { Lang::Zh } else { Lang::En }
    }

    /// Converts syllables per minute into the language's pace unit.
    pub fn pace_from_syllables(self, syllables_per_min: f32) -> f32 {
        match self {
            Lang::Zh => syllables_per_min,
            Lang::En => syllables_per_min / syllables_per_english_word(),
        }
    }

    /// The code the command line and the files use.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn pace_unit(self) -> &'static str {
        match self {
            Lang::Zh => "chars/min",
            Lang::En => "words/min",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub duration_s: f64,
    /// Speaking time: speech plus gaps shorter than a pause (0.5 s).
    pub speech_s: f64,
    /// Turn time: first to last syllable of each of the agent's turns, the pauses inside
    /// included (a turn ends after 2 s of silence or when the caller takes the floor).
    /// The time base of the headline pace.
    #[serde(default)]
    pub turn_s: f64,
    /// Turns seen (the last one may still be open).
    #[serde(default)]
    pub turns: u32,
    pub voiced_s: f64,
    /// Syllables: as counted, or with a pace calibration the count times its factor.
    pub syllables: u64,
    /// With a pace calibration: the syllables the detector counted, before the factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syllables_counted: Option<u64>,
    /// With a pace calibration: the agent's count factor in force (see
    /// [`crate::analysis::pace_factor`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pace_factor: Option<f32>,
    /// Pace, the headline: syllables per minute of turn time.
    pub syllables_per_min: Option<f32>,
    /// Turn time with every pause of 0.25 s or more taken out (no hangover): the time base
    /// of the articulation rate, never more than `turn_s`.
    #[serde(default)]
    pub articulation_s: f64,
    /// The articulation rate in the language's unit (chars/min or words/min); never the
    /// headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub articulation_rate: Option<f32>,
    /// Headline pace in the language's unit: syllables ÷ turn time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chars_per_min: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words_per_min: Option<f32>,
    pub level_active_dbfs: Option<f32>,
    pub clipped_samples: u64,
    pub pitch_median_hz: Option<f32>,
    pub pitch_spread_st: Option<f32>,
    pub pauses: u32,
    pub longest_pause_s: f32,
    pub frames: u64,
}

impl Summary {
    /// The summary of a stream that produced no audio.
    pub fn empty() -> Self {
        Self {
            duration_s: 0.0,
            speech_s: 0.0,
            turn_s: 0.0,
            turns: 0,
            voiced_s: 0.0,
            syllables: 0,
            syllables_counted: None,
            pace_factor: None,
            syllables_per_min: None,
            articulation_s: 0.0,
            articulation_rate: None,
            chars_per_min: None,
            words_per_min: None,
            level_active_dbfs: None,
            clipped_samples: 0,
            pitch_median_hz: None,
            pitch_spread_st: None,
            pauses: 0,
            longest_pause_s: 0.0,
            frames: 0,
        }
    }

    /// Fills the language-specific pace fields.
    pub fn with_lang(mut self, lang: Lang) -> Self {
        let pace = self.syllables_per_min.map(|s| lang.pace_from_syllables(s));
        // The exact count times the factor, not the rounded `syllables`.
        let syllables = match (self.syllables_counted, self.pace_factor) {
            (Some(counted), Some(factor)) => counted as f64 * f64::from(factor),
            _ => self.syllables as f64,
        };
        self.articulation_rate = (self.articulation_s > 0.0)
            .then(|| lang.pace_from_syllables((syllables * 60.0 / self.articulation_s) as f32));
        match lang {
            Lang::Zh => self.chars_per_min = pace,
            Lang::En => self.words_per_min = pace,
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_are_written_lowercase_and_read_in_any_case() {
        assert_eq!(serde_json::to_string(&Lang::Zh).unwrap(), r#""zh""#);
        for (text, lang) in [("zh", Lang::Zh), ("Zh", Lang::Zh), ("ZH", Lang::Zh), ("En", Lang::En)]
        {
            assert_eq!(serde_json::from_str::<Lang>(&format!("{text:?}")).unwrap(), lang);
        }
        assert!(serde_json::from_str::<Lang>(r#""fr""#).is_err());
        assert!(serde_json::from_str::<Lang>("1").is_err());
    }
}
