//! Settings persisted as JSON in the platform's config folder. A damaged file never stops
//! the app: it falls back to defaults and says so (the damaged file is kept aside).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::Lang;
use crate::coach::{Baseline, Targets};
use crate::ui::i18n::UiLang;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Input device name (any part of it); `None` = the system default.
    pub device: Option<String>,
    pub ui_lang: UiLang,
    pub speech_lang: Lang,
    pub baseline: Option<Baseline>,
    pub compact: bool,
    pub targets: Targets,
    /// Record the microphone with each session (off unless the agent switches it on).
    pub record_audio: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let ui_lang = UiLang::from_environment();
        Self {
            device: None,
            ui_lang,
            speech_lang: if ui_lang == UiLang::Zh { Lang::Zh } else { Lang::En },
            baseline: None,
            compact: false,
            targets: Targets::default(),
            record_audio: false,
        }
    }
}

#[derive(Debug, Error)]
#[error("{path}: cannot save settings: {source}")]
pub struct SaveError {
    path: PathBuf,
    source: std::io::Error,
}

/// `SPEECH_COACH_CONFIG_DIR` overrides the platform folder (tests, portable installs).
pub fn default_path() -> PathBuf {
    if let Some(dir) = std::env::var_os("SPEECH_COACH_CONFIG_DIR") {
        return PathBuf::from(dir).join("settings.json");
    }
    directories::ProjectDirs::from("", "", "speech-coach")
        .map(|d| d.config_dir().join("settings.json"))
        .unwrap_or_else(|| PathBuf::from("speech-coach-settings.json"))
}

impl Settings {
    /// Loads settings; on a damaged file returns defaults and a notice for the user.
    pub fn load(path: &Path) -> (Self, Option<String>) {
        match std::fs::read_to_string(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Self::default(), None),
            Err(e) => (Self::default(), Some(format!("{}: {e}", path.display()))),
            Ok(text) => match serde_json::from_str(&text) {
                Ok(s) => (s, None),
                Err(e) => {
                    let aside = path.with_extension("json.damaged");
                    let _ = std::fs::rename(path, &aside);
                    (
                        Self::default(),
                        Some(format!("{}: {e} (kept as {})", path.display(), aside.display())),
                    )
                }
            },
        }
    }

    /// Writes atomically (temp file + rename), so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), SaveError> {
        let wrap = |source| SaveError { path: path.to_path_buf(), source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(wrap)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self).expect("settings serialise"))
            .map_err(wrap)?;
        std::fs::rename(&tmp, path).map_err(wrap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir()
            .join(format!("speech-coach-settings-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn settings_round_trip_and_missing_file_gives_defaults() {
        let path = dir("rt").join("settings.json");
        let (s, notice) = Settings::load(&path);
        assert!(notice.is_none());
        let changed = Settings { compact: true, device: Some("USB".into()), ..s };
        changed.save(&path).unwrap();
        assert_eq!(Settings::load(&path).0, changed);
    }

    #[test]
    fn a_corrupt_file_falls_back_to_defaults_with_a_notice_and_is_kept_aside() {
        let d = dir("corrupt");
        let path = d.join("settings.json");
        std::fs::write(&path, "{ this is not json").unwrap();
        let (s, notice) = Settings::load(&path);
        assert_eq!(s, Settings::default());
        assert!(notice.unwrap().contains("settings.json"));
        assert!(d.join("settings.json.damaged").exists());
    }

    #[test]
    fn unknown_and_missing_fields_are_tolerated() {
        let path = dir("partial").join("settings.json");
        std::fs::write(&path, r#"{"compact": true, "from_a_newer_version": 1}"#).unwrap();
        let (s, notice) = Settings::load(&path);
        assert!(notice.is_none());
        assert!(s.compact);
    }
}
