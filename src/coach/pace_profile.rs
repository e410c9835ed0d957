//! The personal pace calibration: a passage read aloud whose syllables are known, and the
//! count correction it teaches for that voice.
//!
//! The syllable detector's error is partly the voice's own (issue 20): on held-out
//! Common Voice speakers it undercounts fast voices by up to 15 % and overcounts slow ones.
//! Reading [`passage`] (or any text with `speech-coach calibrate --text`) gives the true
//! syllables of one recording; true ÷ counted, bounded to
//! [`crate::analysis::PACE_FACTOR_RANGE`], is the voice's factor. It is stored beside the
//! settings (`pace-profile.json`) and applied to every pace figure of the window and of
//! `listen` and `rehearse` (`analysis::set_pace_factor`), unless the settings say
//! `"use_pace_profile": false` or the command line `--no-profile`. `analyze` applies one
//! only when asked (`--profile FILE`): it measures files that may be anyone's.
//!
//! A recording whose count is far from the passage's (less than 70 % or more than 143 %,
//! i.e. a factor the bounds would cut by more than half again) is refused rather than
//! clamped: that is a different text, a passage read half-way, or noise, not a voice.

use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::{Lang, PACE_FACTOR_RANGE};

/// The passage the window shows in Mandarin: a service greeting, 71 characters, so
/// about 20 s at a trainer's 150–250 characters a minute (one Han character, one
/// syllable).
pub const PASSAGE_ZH: &str = "您好，这里是客户服务中心，很高兴为您服务。请您把订单号码告诉我，\
我马上帮您查询。查询需要一点时间，请您稍等一下，不要挂断电话。如果还有别的问题，也可以随时告诉我。";

/// The passage in English: the same greeting, 60 syllables by the rehearsal's counter
/// (`rehearsal::count_syllables`).
pub const PASSAGE_EN: &str = "Hello, thank you for calling the service centre. My name is Alex, \
and I will be glad to help you today. Could you tell me your order number, please? I will \
look it up for you right away; it should only take a moment, so please stay on the line.";

/// Fewer syllables than this tell too little: the count error of a short text is mostly
/// that text's own.
pub const MIN_PASSAGE_SYLLABLES: u32 = 30;

/// Counted ÷ true outside this range is not a reading of the text.
pub const MATCH_RANGE: std::ops::RangeInclusive<f32> = 0.7..=1.43;

/// The passage to read for `lang`.
pub fn passage(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => PASSAGE_ZH,
        Lang::En => PASSAGE_EN,
    }
}

/// A stored profile is five short fields (about 150 bytes); a file past this is not one.
const PROFILE_BYTES_MAX: u64 = 64 * 1024;

/// What a calibration learnt, as stored in `pace-profile.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaceProfile {
    /// The speech language of the reading.
    pub lang: Lang,
    /// Syllables of the text read (Han characters, English vowel groups).
    pub passage_syllables: u32,
    /// Syllables the detector counted in the recording.
    pub counted_syllables: u64,
    /// passage ÷ counted, bounded to [`PACE_FACTOR_RANGE`]: what every pace figure is
    /// multiplied by.
    pub factor: f32,
    /// The unbounded ratio fell outside the range and was cut to it.
    pub bounded: bool,
}

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error(
        "the text has {}; a calibration needs at least {MIN_PASSAGE_SYLLABLES}",
        syllables_text(u64::from(*.syllables))
    )]
    TextTooShort { syllables: u32 },
    #[error(
        "{} {} heard for a text of {passage}: the recording does not look like a reading \
         of that text (record the whole passage, close to the microphone)",
        syllables_text(*.counted),
        if *.counted == 1 { "was" } else { "were" }
    )]
    NotThePassage { counted: u64, passage: u32 },
    #[error("cannot read the pace profile {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the pace profile {path} is damaged: {reason}")]
    Damaged { path: String, reason: String },
    #[error("cannot store the pace profile {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("cannot store the pace profile {path}: the folder {folder} does not exist")]
    NoFolder { path: String, folder: String },
}

/// Refuses a profile path whose folder does not exist, before any work is done for it
/// (a relative name with no folder is in the current one).
pub fn check_folder(path: &Path) -> Result<(), ProfileError> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(ProfileError::NoFolder {
            path: path.display().to_string(),
            folder: dir.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// `n` and its noun, singular for one: "1 syllable", "12 syllables".
fn syllables_text(n: u64) -> String {
    let noun =
        crate::words::counted(["syllable", "syllables"], i64::try_from(n).unwrap_or(i64::MAX));
    format!("{n} {noun}")
}

impl PaceProfile {
    /// The profile for a recording of a text of `passage_syllables` in which the
    /// detector counted `counted`.
    pub fn learn(lang: Lang, passage_syllables: u32, counted: u64) -> Result<Self, ProfileError> {
        if passage_syllables < MIN_PASSAGE_SYLLABLES {
            return Err(ProfileError::TextTooShort { syllables: passage_syllables });
        }
        let ratio = counted as f32 / passage_syllables as f32;
        if !MATCH_RANGE.contains(&ratio) {
            return Err(ProfileError::NotThePassage { counted, passage: passage_syllables });
        }
        let raw = passage_syllables as f32 / counted as f32;
        let bounded = raw.clamp(*PACE_FACTOR_RANGE.start(), *PACE_FACTOR_RANGE.end());
        Ok(Self {
            lang,
            passage_syllables,
            counted_syllables: counted,
            // Two decimals: what the agent is shown is what is applied.
            factor: (bounded * 100.0).round() / 100.0,
            bounded: bounded != raw,
        })
    }

    /// The factor to apply for speech in `lang`: this profile's when the settings use it
    /// and it was learnt in that language, else none (1.0). The window and the commands
    /// decide by this one rule.
    pub fn factor_for(profile: Option<&Self>, use_it: bool, lang: Lang) -> f32 {
        match profile {
            Some(p) if use_it && p.lang == lang => p.factor,
            _ => 1.0,
        }
    }

    /// Reads and checks a stored profile: a factor no calibration gives is refused, never
    /// applied. Only a regular file of a profile's size is opened (a link to one is
    /// followed: the user may name it): a FIFO in its place would block `listen`,
    /// `rehearse` and the window at start, and a link to `/dev/zero` never end (issue 22
    /// C4).
    pub fn load(path: &Path) -> Result<Self, ProfileError> {
        use crate::platform::files::{self, Links};
        let shown = path.display().to_string();
        let read = |source| ProfileError::Read { path: shown.clone(), source };
        files::check_regular(path, Links::Follow).map_err(read)?;
        if std::fs::metadata(path).map_err(read)?.len() > PROFILE_BYTES_MAX {
            let reason = format!("larger than {PROFILE_BYTES_MAX} bytes");
            return Err(ProfileError::Damaged { path: shown, reason });
        }
        let bytes = files::read_regular(path, Links::Follow).map_err(read)?;
        let profile: Self = serde_json::from_slice(&bytes)
            .map_err(|e| ProfileError::Damaged { path: shown.clone(), reason: e.to_string() })?;
        if !PACE_FACTOR_RANGE.contains(&profile.factor) {
            let (low, high) = (PACE_FACTOR_RANGE.start(), PACE_FACTOR_RANGE.end());
            return Err(ProfileError::Damaged {
                path: shown,
                reason: format!("factor {} is outside {low}–{high}", profile.factor),
            });
        }
        Ok(profile)
    }

    /// Stores the profile in the app's own folder (`paths::pace_profile_file`), which is
    /// made when it is missing, private to the user, replacing any earlier one in one step.
    pub fn save(&self, path: &Path) -> Result<(), ProfileError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::platform::private::create_dir_all(dir).map_err(|source| {
                ProfileError::Write { path: path.display().to_string(), source }
            })?;
        }
        self.write(path)
    }

    /// Stores the profile where the user named it (`calibrate --profile`): as [`save`],
    /// but a folder that does not exist is an error, not made. A mistyped folder made
    /// silently would hold a profile nothing reads.
    ///
    /// [`save`]: Self::save
    pub fn save_in_existing_folder(&self, path: &Path) -> Result<(), ProfileError> {
        check_folder(path)?;
        self.write(path)
    }

    fn write(&self, path: &Path) -> Result<(), ProfileError> {
        let write = |source| ProfileError::Write { path: path.display().to_string(), source };
        let json = serde_json::to_vec_pretty(self).expect("a profile always serialises");
        crate::platform::private::replace_file(path, &json, true).map_err(write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::rehearsal::count_syllables;

    #[test]
    fn the_passages_hold_the_syllables_their_docs_say() {
        assert_eq!(count_syllables(PASSAGE_ZH), 71);
        assert_eq!(count_syllables(PASSAGE_EN), 60);
        assert_eq!(passage(Lang::Zh), PASSAGE_ZH);
    }

    #[test]
    fn the_factor_is_true_over_counted_bounded_and_rounded() {
        let p = PaceProfile::learn(Lang::Zh, 71, 64).unwrap();
        assert_eq!((p.factor, p.bounded), (1.11, false));
        let p = PaceProfile::learn(Lang::Zh, 71, 58).unwrap();
        assert_eq!((p.factor, p.bounded), (1.15, true));
        let p = PaceProfile::learn(Lang::Zh, 71, 90).unwrap();
        assert_eq!((p.factor, p.bounded), (0.85, true));
    }

    #[test]
    fn a_recording_that_is_not_the_text_or_a_short_text_is_refused() {
        assert!(matches!(
            PaceProfile::learn(Lang::Zh, 71, 30),
            Err(ProfileError::NotThePassage { counted: 30, passage: 71 })
        ));
        assert!(matches!(
            PaceProfile::learn(Lang::Zh, 71, 120),
            Err(ProfileError::NotThePassage { .. })
        ));
        assert!(PaceProfile::learn(Lang::Zh, 71, 0).is_err());
        assert!(matches!(
            PaceProfile::learn(Lang::En, 12, 12),
            Err(ProfileError::TextTooShort { syllables: 12 })
        ));
    }

    #[test]
    fn one_syllable_is_singular_in_the_refusals() {
        let short = PaceProfile::learn(Lang::En, 1, 1).unwrap_err().to_string();
        assert!(short.starts_with("the text has 1 syllable;"), "{short}");
        let short = PaceProfile::learn(Lang::En, 2, 2).unwrap_err().to_string();
        assert!(short.starts_with("the text has 2 syllables;"), "{short}");
        let heard = PaceProfile::learn(Lang::Zh, 71, 1).unwrap_err().to_string();
        assert!(heard.starts_with("1 syllable was heard for a text of 71:"), "{heard}");
        let heard = PaceProfile::learn(Lang::Zh, 71, 0).unwrap_err().to_string();
        assert!(heard.starts_with("0 syllables were heard"), "{heard}");
    }

    #[test]
    fn a_stored_profile_reads_back_and_a_damaged_one_is_refused() {
        let dir = std::env::temp_dir().join(format!("pace-profile-{}", std::process::id()));
        let path = dir.join("pace-profile.json");
        let p = PaceProfile::learn(Lang::En, 58, 55).unwrap();
        p.save(&path).unwrap();
        assert_eq!(PaceProfile::load(&path).unwrap(), p);
        let forged = serde_json::to_string(&PaceProfile { factor: 3.0, ..p }).unwrap();
        std::fs::write(&path, forged).unwrap();
        assert!(matches!(PaceProfile::load(&path), Err(ProfileError::Damaged { .. })));
        std::fs::write(&path, "{").unwrap();
        assert!(matches!(PaceProfile::load(&path), Err(ProfileError::Damaged { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(PaceProfile::load(&path), Err(ProfileError::Read { .. })));
    }

    #[test]
    fn a_named_path_in_a_missing_folder_is_refused_and_no_folder_is_made() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("no/such/folder");
        let path = missing.join("p.json");
        let p = PaceProfile::learn(Lang::Zh, 71, 64).unwrap();
        let e = p.save_in_existing_folder(&path).unwrap_err();
        assert!(matches!(e, ProfileError::NoFolder { .. }), "{e}");
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(!tmp.path().join("no").exists(), "no folder made");
        // In a folder that exists it is stored; the app's own folder is still made.
        let here = tmp.path().join("p.json");
        p.save_in_existing_folder(&here).unwrap();
        assert_eq!(PaceProfile::load(&here).unwrap(), p);
        p.save(&path).unwrap();
        assert_eq!(PaceProfile::load(&path).unwrap(), p);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_to_dev_zero_in_place_of_the_profile_is_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let zero = tmp.path().join("zero.json");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let big = tmp.path().join("big.json");
        std::fs::write(&big, vec![b' '; PROFILE_BYTES_MAX as usize + 1]).unwrap();
        // On a thread: before the check, the FIFO blocked for ever.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let results: Vec<String> = [fifo, zero, big]
                .iter()
                .map(|p| PaceProfile::load(p).expect_err("refused").to_string())
                .collect();
            let _ = tx.send(results);
        });
        let results = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("no hang");
        assert!(results[0].contains("not a regular file (a FIFO)"), "{}", results[0]);
        assert!(results[1].contains("not a regular file (a device)"), "{}", results[1]);
        assert!(results[2].contains("larger than"), "{}", results[2]);
    }
}
