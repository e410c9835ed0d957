//! Connecting to the centre's database, and what can go wrong talking to it.
//!
//! The sync `postgres` client (no async runtime of ours to run) with `native-tls`; the
//! certificate is checked against the system's roots (plus the settings' `ca_file`, for a
//! centre's own CA).
//!
//! TLS is required unless the URL says otherwise (`sslmode=disable` or `prefer`): the
//! client's own default, `prefer`, sends the password in clear to a server that declines
//! TLS, or to anyone between who answers the SSLRequest with "N" (issue 22 S2). A
//! Unix-socket host is the exception: the password never crosses a network there, and
//! PostgreSQL offers no TLS on a socket.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config};
use serde::Serialize;
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
    #[error(
        "the team database at {target} does not offer TLS, and the password is never sent without it: turn TLS on at the server, or add ?sslmode=disable to the URL for a server on this machine"
    )]
    NoTls { target: String },
    /// The server's certificate does not lead to a CA this PC trusts: a centre's own CA
    /// must be given (issue 22 S8), since nothing is sent over a connection not checked.
    #[error(
        "the team database at {target} has a certificate this PC does not trust ({reason}): give the centre's CA certificate with --ca-file PATH or the settings' team \"ca_file\""
    )]
    Untrusted { target: String, reason: String },
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

/// Why team sync cannot go on until a person acts: the settings, the PC or the server
/// must change, so retrying alone will never send a call. The window says which (a bad CA
/// file used to show only as "offline", for ever).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncProblem {
    /// The settings' `ca_file` is missing or holds no certificate.
    CaFile,
    /// The password file cannot be read.
    PasswordFile,
    /// The team settings or URL are wrong.
    Settings,
    /// The server refused the login.
    LoginRefused,
    /// The server offers no TLS, and the password is never sent without it.
    NoTls,
    /// The server's certificate does not lead to a CA this PC trusts.
    Untrusted,
    /// The database has no speech-coach tables yet.
    NotInitialised,
}

impl TeamError {
    /// What a person must fix before team sync can go on; `None` for what may pass by
    /// itself (a server out of reach, a database error, a file busy).
    pub fn problem(&self) -> Option<SyncProblem> {
        match self {
            TeamError::CaFile { .. } => Some(SyncProblem::CaFile),
            TeamError::PasswordFile { .. } => Some(SyncProblem::PasswordFile),
            TeamError::NotConfigured { .. } | TeamError::Config(_) | TeamError::BadUrl { .. } => {
                Some(SyncProblem::Settings)
            }
            TeamError::Refused { .. } => Some(SyncProblem::LoginRefused),
            TeamError::NoTls { .. } => Some(SyncProblem::NoTls),
            TeamError::Untrusted { .. } => Some(SyncProblem::Untrusted),
            TeamError::NotInitialised(_) => Some(SyncProblem::NotInitialised),
            TeamError::Unreachable { .. }
            | TeamError::Database(_)
            | TeamError::Report(_)
            | TeamError::Io { .. }
            | TeamError::Store(_) => None,
        }
    }
}

/// How long a connection attempt may take before the server counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the whole connection (TCP, TLS, login) may take. The client's own
/// `connect_timeout` bounds only the TCP connect: a server that accepts and never answers
/// (a hung process, a proxy in front of a dead one) kept `team sync` and the window's
/// thread waiting for ever (issue 22 C3).
pub const ANSWER_LIMIT: Duration = Duration::from_secs(10);

/// How long the server may run one statement of ours (`statement_timeout`, asked for at
/// login): the largest, a team report over 900 000 calls, takes about a second.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one exchange (a statement sent, its answer read) may take on our side: the
/// server's own limit and time for its answer to arrive. A server stopped mid-statement
/// never sends it.
pub const EXCHANGE_LIMIT: Duration = Duration::from_secs(45);

/// Attempts abandoned by [`bounded`] whose threads still wait on a silent server. They
/// end when it answers or closes; while this many wait, no new one is started.
const ABANDONED_MAX: usize = 4;
static ABANDONED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `work` on a thread of its own and waits at most `limit` for it: `None` when it
/// did not end in time (or [`ABANDONED_MAX`] earlier attempts still wait). The blocking
/// `postgres` client has no timeout on an exchange, and a thread cannot be cut short, so
/// the attempt is left to end by itself, its result dropped.
pub fn bounded<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    use std::sync::atomic::Ordering;
    if ABANDONED.load(Ordering::Relaxed) >= ABANDONED_MAX {
        return None;
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new().name("team-db".into()).spawn(move || {
        let result = work();
        if tx.send(result).is_err() {
            // Abandoned: the caller stopped waiting.
            ABANDONED.fetch_sub(1, Ordering::Relaxed);
        }
    });
    if spawned.is_err() {
        return None;
    }
    match rx.recv_timeout(limit) {
        Ok(result) => Some(result),
        Err(_) => {
            ABANDONED.fetch_add(1, Ordering::Relaxed);
            // The attempt may have ended between the timeout and the count.
            rx.try_recv().ok().inspect(|_| {
                ABANDONED.fetch_sub(1, Ordering::Relaxed);
            })
        }
    }
}

/// A URL parsed and completed: TLS required unless the URL names an `sslmode`, the
/// password given separately, a connect timeout, and the application name the centre's
/// DBA sees in `pg_stat_activity`.
pub fn config(url: &str, password: Option<&str>) -> Result<Config, TeamError> {
    let bad_url = |e: postgres::Error| TeamError::BadUrl { reason: e.to_string() };
    // libpq's way to name a CA; this client reads none from the URL (and its own error
    // says only "invalid connection string").
    if url.contains("sslrootcert=") {
        return Err(TeamError::BadUrl {
            reason: "sslrootcert is not read from the URL: give the CA certificate with \
                     --ca-file PATH or the settings' team \"ca_file\""
                .into(),
        });
    }
    let mut config = Config::from_str(url).map_err(bad_url)?;
    if config.get_hosts().is_empty() {
        return Err(TeamError::BadUrl { reason: "no host".into() });
    }
    // The client reads `prefer` both when the URL says it and when it says nothing; the
    // same URL behind a `require` of ours tells the two apart (a mode the URL names wins).
    let named = Config::from_str(&behind_require(url)).map_err(bad_url)?.get_ssl_mode();
    if config.get_ssl_mode() == SslMode::Prefer && named == SslMode::Require {
        let on_sockets_only = config.get_hosts().iter().all(|h| !matches!(h, Host::Tcp(_)));
        config.ssl_mode(if on_sockets_only { SslMode::Disable } else { SslMode::Require });
    }
    if let Some(p) = password {
        config.password(p);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    // A network that drops our packets (no acknowledgement) ends the connection after
    // this, and a silent peer is probed after idle seconds, not the kernel's 2 hours.
    config.tcp_user_timeout(EXCHANGE_LIMIT);
    config.keepalives_idle(Duration::from_secs(30));
    // The server cancels a statement of ours that runs past this.
    let limit = format!("-c statement_timeout={}", STATEMENT_TIMEOUT.as_millis());
    let options = match config.get_options() {
        Some(given) if given.contains("statement_timeout") => given.to_string(),
        Some(given) => format!("{given} {limit}"),
        None => limit,
    };
    config.options(&options);
    if config.get_application_name().is_none() {
        config.application_name("speech-coach");
    }
    Ok(config)
}

/// `url` with `sslmode=require` set before anything the URL itself says, read as the
/// client reads it: a URL's credentials end at its first `@` and its parameters begin at
/// the first `?` after them; in the `key=value` form the last setting wins.
fn behind_require(url: &str) -> String {
    const REQUIRE: &str = "sslmode=require";
    let Some(rest) = ["postgresql://", "postgres://"].iter().find_map(|p| url.strip_prefix(p))
    else {
        return format!("{REQUIRE} {url}");
    };
    let host_from = url.len() - rest.len() + rest.find('@').map_or(0, |at| at + 1);
    match url[host_from..].find('?') {
        Some(q) => {
            let (head, params) = url.split_at(host_from + q + 1);
            format!("{head}{REQUIRE}&{params}")
        }
        None => format!("{url}?{REQUIRE}"),
    }
}

/// Where a URL points, without its password: for messages and the sync markers.
pub fn target(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_default();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().or(config.get_user()).unwrap_or("");
    format!("{}@{host}:{port}/{db}", config.get_user().unwrap_or(""))
}

/// Opens a connection within [`ANSWER_LIMIT`], with TLS as [`config`] set it.
pub fn connect(config: &Config, ca_file: Option<&Path>) -> Result<Client, TeamError> {
    let (config, ca_file) = (config.clone(), ca_file.map(Path::to_path_buf));
    let target = target(&config);
    bounded(ANSWER_LIMIT, move || connect_now(&config, ca_file.as_deref())).unwrap_or_else(|| {
        let reason = format!("no answer within {} s", ANSWER_LIMIT.as_secs());
        Err(TeamError::Unreachable { target, reason })
    })
}

/// The largest CA file read: a bundle of every public root is about 200 kB.
const CA_FILE_BYTES_MAX: u64 = 4 << 20;

/// The CA certificate in `path` (PEM), read and parsed before any connection is tried, so
/// a file that is missing, unreadable, special (a FIFO: issue 22 C4), too large or not a
/// certificate is said as such, whether or not the server can be reached.
pub fn ca_certificate(path: &Path) -> Result<native_tls::Certificate, TeamError> {
    use crate::platform::files::{self, Links};
    let fail = |reason: String| TeamError::CaFile { path: path.into(), reason };
    // The user names it, so a link is followed, but only to a regular file.
    files::check_regular(path, Links::Follow).map_err(|e| fail(e.to_string()))?;
    if std::fs::metadata(path).map_err(|e| fail(e.to_string()))?.len() > CA_FILE_BYTES_MAX {
        return Err(fail(format!("larger than {} MB", CA_FILE_BYTES_MAX >> 20)));
    }
    let pem = files::read_regular(path, Links::Follow).map_err(|e| fail(e.to_string()))?;
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    if !pem.windows(BEGIN.len()).any(|w| w == BEGIN) {
        return Err(fail("not a PEM certificate (no -----BEGIN CERTIFICATE----- line)".into()));
    }
    // OpenSSL's reason, on one line: its error stack may hold several.
    native_tls::Certificate::from_pem(&pem).map_err(|e| {
        fail(format!("not a readable PEM certificate: {}", e.to_string().replace('\n', "; ")))
    })
}

fn connect_now(config: &Config, ca_file: Option<&Path>) -> Result<Client, TeamError> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = ca_file {
        builder.add_root_certificate(ca_certificate(path)?);
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
        // The client's words when a server answers the SSLRequest with "N" under
        // `require`: nothing more was sent (tokio-postgres, `connect_tls`).
        if reason.contains("server does not support TLS") {
            return TeamError::NoTls { target };
        }
        // OpenSSL's words for a chain that leads to no trusted root (SChannel and
        // Security.framework say it in their own: those stay "cannot reach").
        if reason.contains("certificate verify failed") {
            // OpenSSL's verdict is the last parenthesis ("unable to get local issuer
            // certificate"); the rest is its error stack, file and line.
            let verdict = reason
                .strip_suffix(')')
                .and_then(|r| r.rsplit_once(" ("))
                .map_or(reason.as_str(), |(_, verdict)| verdict);
            return TeamError::Untrusted { target, reason: verdict.to_string() };
        }
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
    fn a_connection_asks_the_server_to_cancel_slow_statements_and_keeps_a_given_limit() {
        let c = config("postgresql://alice@db.example/coach", None).unwrap();
        assert_eq!(c.get_options(), Some("-c statement_timeout=30000"));
        let c = config("postgresql://alice@db.example/coach?options=-c%20work_mem%3D8MB", None);
        assert_eq!(c.unwrap().get_options(), Some("-c work_mem=8MB -c statement_timeout=30000"));
        let own = "postgresql://alice@db.example/coach?options=-c%20statement_timeout%3D5000";
        let c = config(own, None).unwrap();
        assert_eq!(c.get_options(), Some("-c statement_timeout=5000"));
    }

    #[test]
    fn work_that_outlasts_its_limit_is_left_behind_and_its_caller_goes_on() {
        let started = std::time::Instant::now();
        let never =
            bounded(Duration::from_millis(100), || std::thread::sleep(Duration::from_secs(3)));
        assert_eq!(never, None);
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(bounded(Duration::from_secs(5), || 7), Some(7));
    }

    #[test]
    fn tls_is_required_unless_the_url_names_a_weaker_mode() {
        let mode = |url: &str| config(url, None).unwrap().get_ssl_mode();
        for url in [
            "postgresql://alice@db.example/coach",
            "postgres://alice:p%3Fw%40rd@db.example:6543/coach",
            "postgresql://alice@db.example/coach?application_name=x",
            "postgresql://alice@db.example/coach?",
            "postgresql://alice@db.example",
            "postgresql://alice@db.example/coach?sslmode=require",
            "host=db.example user=alice dbname=coach",
        ] {
            assert_eq!(mode(url), SslMode::Require, "{url}");
        }
        for (url, named) in [
            ("postgresql://alice@db.example/coach?sslmode=disable", SslMode::Disable),
            (
                "postgresql://alice@127.0.0.1/coach?application_name=x&sslmode=disable",
                SslMode::Disable,
            ),
            ("postgresql://alice@db.example/coach?sslmode=prefer", SslMode::Prefer),
            ("postgresql://alice@db.example?sslmode=prefer", SslMode::Prefer),
            ("host=db.example user=alice sslmode=prefer", SslMode::Prefer),
            ("sslmode=disable host=db.example user=alice", SslMode::Disable),
        ] {
            assert_eq!(mode(url), named, "{url}");
        }
        // A socket: no network for the password to cross, and no TLS offered on it.
        #[cfg(unix)]
        {
            let socket = "postgresql://alice@%2Fvar%2Frun%2Fpostgresql/coach";
            assert_eq!(mode(socket), SslMode::Disable);
            assert_eq!(mode(&format!("{socket}?sslmode=require")), SslMode::Require);
        }
    }

    /// A server that answers the SSLRequest with "N" (no TLS); then, if the client goes
    /// on, asks for the password in clear. Returns every byte received after the
    /// SSLRequest (what a server without TLS, or anyone on the path, would read).
    fn server_without_tls() -> (u16, std::thread::JoinHandle<Vec<u8>>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = std::thread::spawn(move || {
            let (mut peer, _) = listener.accept().unwrap();
            peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            // SSLRequest: length 8, code 80877103 (PostgreSQL protocol, "SSLRequest").
            let mut request = [0u8; 8];
            peer.read_exact(&mut request).unwrap();
            assert_eq!(request, [0, 0, 0, 8, 4, 210, 22, 47]);
            peer.write_all(b"N").unwrap();
            let mut after = Vec::new();
            let mut asked = false;
            let mut buf = [0u8; 1024];
            while let Ok(n) = peer.read(&mut buf) {
                if n == 0 {
                    break;
                }
                after.extend_from_slice(&buf[..n]);
                if !asked {
                    // AuthenticationCleartextPassword: 'R', length 8, code 3.
                    peer.write_all(b"R\0\0\0\x08\0\0\0\x03").unwrap();
                    asked = true;
                }
            }
            after
        });
        (port, served)
    }

    #[test]
    fn by_default_a_server_that_declines_tls_gets_nothing_after_the_sslrequest() {
        let (port, served) = server_without_tls();
        let url = format!("postgresql://alice@127.0.0.1:{port}/coach");
        let e = connect(&config(&url, Some("secret-pw")).unwrap(), None).err().unwrap();
        assert!(matches!(e, TeamError::NoTls { .. }), "{e}");
        let line = e.to_string();
        assert!(!line.contains('\n') && line.contains("?sslmode=disable"), "{line}");
        assert!(line.contains(&format!("alice@127.0.0.1:{port}/coach")), "{line}");
        assert_eq!(served.join().unwrap(), b"", "no startup message, no password");

        // The control: with `prefer` named in the URL, the same server reads the password
        // in clear, as it did by default before (issue 22 S2).
        let (port, served) = server_without_tls();
        let url = format!("postgresql://alice@127.0.0.1:{port}/coach?sslmode=prefer");
        assert!(connect(&config(&url, Some("secret-pw")).unwrap(), None).is_err());
        let after = served.join().unwrap();
        assert!(after.windows(9).any(|w| w == b"secret-pw"), "{after:?}");
    }

    #[test]
    fn a_ca_file_that_is_missing_or_not_a_certificate_is_said_before_any_connection() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("missing.pem");
        let text = tmp.path().join("text.pem");
        std::fs::write(&text, "hello\n").unwrap();
        let broken = tmp.path().join("broken.pem");
        std::fs::write(&broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
            .unwrap();
        for (path, says) in [
            (&missing, "cannot read the CA certificate"),
            (&text, "not a PEM certificate"),
            (&broken, "not a readable PEM certificate"),
            (&tmp.path().to_path_buf(), "not a regular file (a folder)"),
        ] {
            let e = ca_certificate(path).err().expect("refused");
            let line = e.to_string();
            assert!(matches!(e, TeamError::CaFile { .. }), "{line}");
            assert!(line.contains(says) && !line.contains('\n'), "{line}");
            // Said before the server (none on port 1) is tried.
            let url = "postgresql://alice@127.0.0.1:1/coach";
            let e = connect(&config(url, None).unwrap(), Some(path)).err().unwrap();
            assert!(matches!(e, TeamError::CaFile { .. }), "{e}");
        }
    }

    #[test]
    fn sslrootcert_in_the_url_points_at_the_ca_file_option() {
        let e = config("postgresql://alice@db.example/coach?sslrootcert=/tmp/ca.pem", None);
        let line = e.err().unwrap().to_string();
        assert!(line.contains("--ca-file") && !line.contains('\n'), "{line}");
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
