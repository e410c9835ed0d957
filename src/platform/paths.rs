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

/// The session store; `SPEECH_COACH_DATA_DIR` overrides the data folder.
pub fn sessions_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("SPEECH_COACH_DATA_DIR") {
        return PathBuf::from(dir).join("sessions");
    }
    project()
        .map(|d| d.data_dir().join("sessions"))
        .unwrap_or_else(|| PathBuf::from("speech-coach-sessions"))
}

/// Where unpacked bundled files (the demo call) go; the system temp folder without one.
pub fn cache_dir() -> PathBuf {
    project().map(|d| d.cache_dir().to_path_buf()).unwrap_or_else(std::env::temp_dir)
}
