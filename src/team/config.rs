//! The settings' `team` section and the password: team sync is off unless the section is
//! there, and the password never sits in the settings file (which the window rewrites).
//!
//! ```json
//! "team": {"url": "postgresql://alice@db.centre.example/coach", "team": "north",
//!          "agent": "Alice", "password_file": "/home/alice/.config/speech-coach/db-password"}
//! ```
//!
//! The password comes from `SPEECH_COACH_DB_PASSWORD` when set, else from `password_file`,
//! which must be readable by the user alone (like `~/.pgpass`): a file that others can
//! read is refused with a message saying so, rather than used.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use super::db::PASSWORD_ENV;
use super::db::{self, TeamError};

/// How often the team's profile is asked for by default: a trainer's change reaches every
/// PC within a minute, and a few hundred PCs asking cost the server nothing.
pub const DEFAULT_PROFILE_POLL: Duration = Duration::from_secs(30);

/// The `team` section as written in `settings.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSettings {
    /// `postgresql://LOGIN@HOST:PORT/DATABASE`; TLS is required unless it adds
    /// `?sslmode=disable` or `?sslmode=prefer` ([`db::config`]).
    pub url: String,
    /// The team whose profile this PC uses and whose report its calls go into.
    pub team: String,
    /// The agent's name in the team report.
    pub agent: String,
    /// A file holding the password (mode 0600); `SPEECH_COACH_DB_PASSWORD` wins over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
    /// A CA certificate (PEM) to trust besides the system's, for a centre's own CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Seconds between two checks of the team's profile (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_poll_s: Option<f64>,
}

/// The longest agent or team name, in characters: a name is shown in one column of the
/// team report and on its page, and a person's or a team's name fits in far less (a
/// 65,536-character name once crashed `team report`; settings took a million).
pub const NAME_CHARS_MAX: usize = 100;

impl TeamSettings {
    /// Each field usable: names not empty and at most [`NAME_CHARS_MAX`] characters, a URL
    /// that parses, a sensible poll interval.
    pub fn check(&self) -> Result<(), String> {
        for (key, name) in [("team", &self.team), ("agent", &self.agent)] {
            if name.trim().is_empty() {
                return Err(format!("{key}: empty"));
            }
            if name.chars().count() > NAME_CHARS_MAX {
                return Err(format!("{key}: longer than {NAME_CHARS_MAX} characters"));
            }
        }
        db::config(&self.url, None).map_err(|e| format!("url: {e}"))?;
        if let Some(s) = self.profile_poll_s
            && !(0.2..=3600.0).contains(&s)
        {
            return Err("profile_poll_s: outside 0.2–3600".into());
        }
        Ok(())
    }
}

/// Everything needed to talk to the team database, resolved once.
#[derive(Clone)]
pub struct TeamConfig {
    pub settings: TeamSettings,
    pub db: postgres::Config,
    /// The database and team the summaries go to, without the password: written in each
    /// call's marker, so pointing the PC at another database sends its calls there too.
    pub destination: String,
    pub profile_poll: Duration,
}

impl std::fmt::Debug for TeamConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("TeamConfig")
            .field("destination", &self.destination)
            .field("agent", &self.settings.agent)
            .finish()
    }
}

impl TeamConfig {
    /// The section resolved: the URL parsed and the password found.
    pub fn resolve(settings: &TeamSettings) -> Result<Self, TeamError> {
        settings.check().map_err(TeamError::Config)?;
        let password = password(settings.password_file.as_deref())?;
        let db = db::config(&settings.url, password.as_deref())?;
        let destination = format!("{} team {}", db::target(&db), settings.team);
        let profile_poll =
            settings.profile_poll_s.map_or(DEFAULT_PROFILE_POLL, Duration::from_secs_f64);
        Ok(Self { settings: settings.clone(), db, destination, profile_poll })
    }

    pub fn connect(&self) -> Result<postgres::Client, TeamError> {
        db::connect(&self.db, self.settings.ca_file.as_deref())
    }
}

/// The password: the environment first, then the file (refused if others may read it).
pub fn password(file: Option<&Path>) -> Result<Option<String>, TeamError> {
    if let Some(p) = std::env::var_os(PASSWORD_ENV) {
        return Ok(Some(p.to_string_lossy().into_owned()));
    }
    let Some(path) = file else { return Ok(None) };
    let fail = |reason: String| TeamError::PasswordFile { path: path.to_path_buf(), reason };
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(fail(format!(
                "refused: readable by others (mode {mode:03o}); run chmod 600 on it"
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let bytes = crate::platform::files::read_regular(path, crate::platform::files::Links::Follow)
        .map_err(|e| fail(format!("cannot read it: {e}")))?;
    let text = String::from_utf8_lossy(&bytes);
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if first.is_empty() {
        return Err(fail("empty".into()));
    }
    Ok(Some(first.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> TeamSettings {
        TeamSettings {
            url: "postgresql://alice@db.example/coach".into(),
            team: "north".into(),
            agent: "Alice".into(),
            password_file: None,
            ca_file: None,
            profile_poll_s: None,
        }
    }

    #[test]
    fn a_section_with_an_empty_name_or_a_bad_url_is_refused() {
        assert_eq!(settings().check(), Ok(()));
        assert!(TeamSettings { team: " ".into(), ..settings() }.check().is_err());
        assert!(TeamSettings { agent: String::new(), ..settings() }.check().is_err());
        assert!(TeamSettings { url: "mysql://x".into(), ..settings() }.check().is_err());
        assert!(TeamSettings { profile_poll_s: Some(0.0), ..settings() }.check().is_err());
    }

    #[test]
    fn the_destination_names_database_and_team_but_never_the_password() {
        let s = TeamSettings { url: "postgresql://alice:pw@db.example/coach".into(), ..settings() };
        let c = TeamConfig::resolve(&s).unwrap();
        assert_eq!(c.destination, "alice@db.example:5432/coach team north");
        assert!(!format!("{c:?}").contains("pw"));
    }

    #[cfg(unix)]
    #[test]
    fn a_password_file_others_can_read_is_refused_and_a_private_one_is_read() {
        use std::os::unix::fs::PermissionsExt;
        if std::env::var_os(PASSWORD_ENV).is_some() {
            return; // the environment wins; nothing to test here
        }
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("pw");
        std::fs::write(&path, "s3cret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = password(Some(&path)).expect_err("world-readable");
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(password(Some(&path)).unwrap().as_deref(), Some("s3cret"));
    }
}
