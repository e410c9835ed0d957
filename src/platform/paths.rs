//! The app's folders: the platform's config, data and cache folders (XDG on Linux,
//! `%APPDATA%` on Windows, `~/Library` on macOS, through `directories`), each with an
//! environment override for tests and portable installs.

use std::path::PathBuf;

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "speech-coach")
}

/// `settings.json`; `SPEECH_COACH_CONFIG_DIR` overrides the folder. It should name a
/// folder of the app's own, since saving makes it private.
pub fn settings_file() -> PathBuf {
    if let Some(dir) = std::env::var_os("SPEECH_COACH_CONFIG_DIR") {
        return PathBuf::from(dir).join("settings.json");
    }
    project()
        .map(|d| d.config_dir().join("settings.json"))
        .unwrap_or_else(|| PathBuf::from("speech-coach-settings.json"))
}

/// `pace-profile.json`, the agent's pace calibration (`coach::pace_profile`): beside the
/// settings, under the same override.
pub fn pace_profile_file() -> PathBuf {
    settings_file().with_file_name("pace-profile.json")
}

/// The data folder (sessions, the one-window lock); `SPEECH_COACH_DATA_DIR` overrides it.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SPEECH_COACH_DATA_DIR") {
        return PathBuf::from(dir);
    }
    project()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("speech-coach-data"))
}

/// The session store, in the data folder.
pub fn sessions_root() -> PathBuf {
    data_dir().join("sessions")
}

/// Where unpacked bundled files (the demo call) go; the system temp folder without one.
pub fn cache_dir() -> PathBuf {
    project().map(|d| d.cache_dir().to_path_buf()).unwrap_or_else(std::env::temp_dir)
}
