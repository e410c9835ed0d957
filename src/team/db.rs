//! Connecting to the centre's database, and what can go wrong talking to it.
//!
//! The sync `postgres` client (no async runtime of ours to run) with `native-tls`:
//! `sslmode` defaults to `prefer`, so TLS is used whenever the server offers it and the
//! certificate is checked against the system's roots (plus the settings' `ca_file`, for a
//! centre's own CA). `sslmode=require` in the URL refuses a server without TLS.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::{Client, Config};
use thiserror::Error;

/// The environment variable the password is read from first (see [`super::config`]);
/// here, beside the errors that name it.
pub const PASSWORD_ENV: &str = "SPEECH_COACH_DB_PASSWORD";

#[derive(Debug, Error)]
pub enum TeamError {
    #[error("team sync is not configured (add a \"team\" section to {settings})")]
    NotConfigured { settings: PathBuf },
    #[error("team settings: {0}")]
    Config(String),
    #[error("{path}: {reason}")]
    PasswordFile { path: PathBuf, reason: String },
    #[error("not a PostgreSQL URL ({reason}); write postgresql://LOGIN@HOST:PORT/DATABASE")]
    BadUrl { reason: String },
    #[error("{path}: cannot read the CA certificate: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("cannot reach the team database at {target}: {reason}")]
    Unreachable { target: String, reason: String },
    #[error("the team database at {target} refused the login: {reason}")]
    Refused { target: String, reason: String },
    #[error("team database: {0}")]
    Database(String),
    /// A report's period or team that cannot be reported on.
    #[error("team report: {0}")]
    Report(String),
    #[error(
        "the team database has no speech-coach tables yet (run `speech-coach team init --admin-url ...` once): {0}"
    )]
    NotInitialised(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] crate::session::store::StoreError),
}

impl TeamError {
    /// A database error in one line: the server's message (and detail) rather than the
    /// client's "db error", and a missing table said as "not initialised".
    pub fn from_db(e: postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            let mut text = db.message().to_string();
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            let code = db.code();
            if *code == postgres::error::SqlState::UNDEFINED_TABLE
                || *code == postgres::error::SqlState::INVALID_SCHEMA_NAME
            {
                return TeamError::NotInitialised(text);
            }
            return TeamError::Database(format!("{text} [{}]", code.code()));
        }
        if e.is_closed() {
            return TeamError::Database("the connection was closed".into());
        }
        // Connection-level failures: the client's text with its cause.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            let more = s.to_string();
            if !text.contains(&more) {
                text = format!("{text}: {more}");
            }
            source = s.source();
        }
        TeamError::Database(text)
    }
}

/// How long a connection attempt may take before the server counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A URL parsed and completed: the password given separately, a connect timeout, and the
/// application name the centre's DBA sees in `pg_stat_activity`.
pub fn config(url: &str, password: Option<&str>) -> Result<Config, TeamError> {
    let mut config =
        Config::from_str(url).map_err(|e| TeamError::BadUrl { reason: e.to_string() })?;
    if config.get_hosts().is_empty() {
        return Err(TeamError::BadUrl { reason: "no host".into() });
    }
    if let Some(p) = password {
        config.password(p);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("speech-coach");
    }
    Ok(config)
}

/// Where a URL points, without its password: for messages and the sync markers.
pub fn target(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_default();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().or(config.get_user()).unwrap_or("");
    format!("{}@{host}:{port}/{db}", config.get_user().unwrap_or(""))
}

/// Opens a connection, with TLS whenever the server offers it.
pub fn connect(config: &Config, ca_file: Option<&Path>) -> Result<Client, TeamError> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| TeamError::CaFile { path: path.into(), reason: e.to_string() })?;
        let cert = native_tls::Certificate::from_pem(&pem)
            .map_err(|e| TeamError::CaFile { path: path.into(), reason: e.to_string() })?;
        builder.add_root_certificate(cert);
    }
    let connector =
        builder.build().map_err(|e| TeamError::Config(format!("cannot set up TLS: {e}")))?;
    let tls = postgres_native_tls::MakeTlsConnector::new(connector);
    config.connect(tls).map_err(|e| {
        // The server answered and said no (a wrong password, no such login or database),
        // or it was never reached (refused, timed out, TLS failed).
        let refused = e.as_db_error().is_some();
        let reason = match TeamError::from_db(e) {
            TeamError::Database(t) | TeamError::NotInitialised(t) => t,
            other => other.to_string(),
        };
        let target = target(config);
        if reason.contains("password missing") {
            let reason = format!(
                "the server wants a password: set {} or the settings' password_file",
                PASSWORD_ENV
            );
            return TeamError::Refused { target, reason };
        }
        if refused {
            TeamError::Refused { target, reason }
        } else {
            TeamError::Unreachable { target, reason }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_completed_with_a_timeout_and_its_target_hides_the_password() {
        let c = config("postgresql://alice:secret@db.example:6543/coach", None).unwrap();
        assert_eq!(c.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        let t = target(&c);
        assert_eq!(t, "alice@db.example:6543/coach");
        assert!(!t.contains("secret"));
    }

    #[test]
    fn a_url_that_is_not_postgresql_is_refused_in_one_line() {
        for bad in ["http://x", "postgresql://alice@:x/db", "not a url at all ="] {
            let e = config(bad, None).expect_err(bad);
            assert!(matches!(e, TeamError::BadUrl { .. }), "{bad}: {e}");
            assert!(!e.to_string().contains('\n'));
        }
    }
}
