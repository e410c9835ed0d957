//! The background thread that keeps a PC in step with its team: it sends waiting calls and
//! watches the team's profile, and never makes its owner wait. The window reads its
//! status once per repaint; the network, the database and their timeouts live here.
//!
//! Offline is the normal case, not an error path: while the database cannot be reached
//! the thread retries with a doubling backoff (1 s up to 2 min), counts the calls that
//! wait, and sends them when it can. The profile is polled (`updated_at`, one indexed
//! row) every `profile_poll`, 30 s unless the settings say otherwise. The last profile
//! read is kept beside the session store (`team-profile.json`), so a PC that starts
//! offline still uses its team's bands rather than falling back to the local ones.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use serde::Serialize;

use super::config::TeamConfig;
use super::db::{SyncProblem, TeamError};
use super::profile::{self, Profile};
use super::queue;
use super::upload::{self, BATCH};
use crate::coach::Baseline;

/// First retry after a failure; each failure doubles it up to [`MAX_BACKOFF`].
pub const MIN_BACKOFF: Duration = Duration::from_secs(1);
/// A database down for hours is asked once every 2 min per PC: 300 PCs, 2.5 a second.
pub const MAX_BACKOFF: Duration = Duration::from_secs(120);
/// How often the store is looked at for newly finished calls while connected.
pub const SYNC_EVERY: Duration = Duration::from_secs(10);

/// What the thread last knew.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkStatus {
    /// Finished calls not yet in the database (`None` before the first count).
    pub waiting: Option<usize>,
    /// Calls set aside because they cannot be sent (see [`queue`]), apart from `waiting`.
    pub set_aside: Option<usize>,
    /// The last exchange with the database went through.
    pub connected: bool,
    /// Why the last attempt failed, in one line (cleared by the next success).
    pub last_error: Option<String>,
    /// What a person must fix first, when the last failure was of that kind.
    pub problem: Option<SyncProblem>,
    /// Calls sent since the thread started.
    pub sent: usize,
    /// The team's profile as last read (`None`: none, or not read yet).
    pub profile: Option<Profile>,
    /// Counts profile changes (the first read included), so readers notice each once.
    pub profile_changes: u64,
}

enum Message {
    Stop,
    SyncNow,
}

/// A handle on the thread; dropping it stops the thread without waiting for it.
pub struct TeamLink {
    status: Arc<Mutex<LinkStatus>>,
    tx: Sender<Message>,
    seen_changes: u64,
    handle: Option<JoinHandle<()>>,
}

impl TeamLink {
    /// Starts the thread for the calls under `root`; `baseline` puts the level and tone
    /// figures against the agent's calibration.
    pub fn start(config: TeamConfig, root: PathBuf, baseline: Option<Baseline>) -> Self {
        let cached = read_cache(&cache_path(&root), &config.destination);
        let status = Arc::new(Mutex::new(LinkStatus {
            profile_changes: u64::from(cached.is_some()),
            profile: cached,
            ..LinkStatus::default()
        }));
        let (tx, rx) = crossbeam_channel::unbounded();
        let shared = Arc::clone(&status);
        let handle = std::thread::Builder::new()
            .name("team-sync".into())
            .spawn(move || Worker { config, root, baseline, status: shared }.run(&rx))
            .expect("spawn the team sync thread");
        Self { status, tx, seen_changes: 0, handle: Some(handle) }
    }

    pub fn status(&self) -> LinkStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The profile, once after each change: `Some(Some(p))` a new profile, `Some(None)`
    /// the team's profile was removed (back to the local targets), `None` no change.
    pub fn profile_change(&mut self) -> Option<Option<Profile>> {
        let status = self.status.lock().ok()?;
        if status.profile_changes == self.seen_changes {
            return None;
        }
        self.seen_changes = status.profile_changes;
        Some(status.profile.clone())
    }

    /// Looks for finished calls now rather than at the next round (a call just ended).
    pub fn sync_now(&self) {
        let _ = self.tx.send(Message::SyncNow);
    }

    /// Stops the thread and waits for it (at most one connection attempt's timeout).
    pub fn stop(mut self) {
        let _ = self.tx.send(Message::Stop);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for TeamLink {
    fn drop(&mut self) {
        let _ = self.tx.send(Message::Stop);
    }
}

/// The last profile read, beside the session store (`<data>/team-profile.json`).
fn cache_path(root: &std::path::Path) -> PathBuf {
    root.parent().unwrap_or(root).join("team-profile.json")
}

#[derive(serde::Deserialize, Serialize)]
struct Cached {
    destination: String,
    profile: Profile,
}

/// The cached profile, if it was read from this destination (database and team).
fn read_cache(path: &std::path::Path, destination: &str) -> Option<Profile> {
    let bytes = crate::platform::files::read_regular(path, crate::platform::files::Links::Refuse);
    let cached: Cached = serde_json::from_slice(&bytes.ok()?).ok()?;
    (cached.destination == destination).then_some(cached.profile)
}

/// Keeps (or, when the team has none, removes) the cached profile; a failure only costs
/// the next offline start its team bands.
fn write_cache(path: &std::path::Path, destination: &str, profile: Option<&Profile>) {
    match profile {
        Some(p) => {
            let cached = Cached { destination: destination.to_string(), profile: p.clone() };
            let text = serde_json::to_vec_pretty(&cached).expect("profile serialises");
            if let Some(dir) = path.parent() {
                let _ = crate::platform::private::create_dir_all(dir);
            }
            let _ = crate::platform::private::replace_file(path, &text, false);
        }
        None => {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// How long one round (connect, profile, upload) may take before the database counts as
/// gone: a silent server no longer stops the thread for ever (issue 22 C3), it is offline
/// and asked again after the backoff.
pub const ROUND_LIMIT: Duration = Duration::from_secs(120);

#[derive(Clone)]
struct Worker {
    config: TeamConfig,
    root: PathBuf,
    baseline: Option<Baseline>,
    status: Arc<Mutex<LinkStatus>>,
}

impl Worker {
    fn update(&self, f: impl FnOnce(&mut LinkStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }

    fn run(self, rx: &Receiver<Message>) {
        let set_aside = queue::set_aside(&self.root, &self.config.destination);
        self.update(|s| s.set_aside = set_aside.ok().map(|a| a.len()));
        let mut client: Option<postgres::Client> = None;
        let mut backoff = MIN_BACKOFF;
        let mut next_sync = Instant::now();
        let mut next_profile = Instant::now();
        let mut version: Option<Option<String>> = None;
        loop {
            let now = Instant::now();
            if now >= next_sync || now >= next_profile {
                let waiting = queue::count_waiting(&self.root, &self.config.destination);
                self.update(|s| s.waiting = waiting.as_ref().ok().copied());
                let round = self.bounded_round(&mut client, &mut version, now >= next_profile);
                match round {
                    Ok(()) => {
                        backoff = MIN_BACKOFF;
                        next_sync = Instant::now() + SYNC_EVERY;
                        if now >= next_profile {
                            next_profile = Instant::now() + self.config.profile_poll;
                        }
                        self.update(|s| {
                            s.connected = true;
                            s.last_error = None;
                            s.problem = None;
                        });
                    }
                    Err(e) => {
                        client = None;
                        let retry = Instant::now() + backoff;
                        next_sync = retry;
                        next_profile = next_profile.max(retry);
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        self.update(|s| {
                            s.connected = false;
                            s.last_error = Some(e.to_string().replace('\n', " "));
                            s.problem = e.problem();
                        });
                    }
                }
            }
            let wake = next_sync.min(next_profile);
            match rx.recv_timeout(wake.saturating_duration_since(Instant::now())) {
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(Message::SyncNow) => next_sync = Instant::now(),
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }

    /// [`Self::round`] within [`ROUND_LIMIT`], on a thread of its own (see
    /// [`super::db::bounded`]): past it, the connection is given up with the round.
    fn bounded_round(
        &self,
        client: &mut Option<postgres::Client>,
        version: &mut Option<Option<String>>,
        profile_due: bool,
    ) -> Result<(), TeamError> {
        let worker = self.clone();
        let (mut c, mut v) = (client.take(), version.clone());
        let done = super::db::bounded(ROUND_LIMIT, move || {
            let result = worker.round(&mut c, &mut v, profile_due);
            (c, v, result)
        });
        let Some((c, v, result)) = done else {
            let target = super::db::target(&self.config.db);
            let reason = format!("no answer within {} s", ROUND_LIMIT.as_secs());
            return Err(TeamError::Unreachable { target, reason });
        };
        (*client, *version) = (c, v);
        result
    }

    /// One exchange: connect if needed, read the profile when due, send what waits.
    fn round(
        &self,
        client: &mut Option<postgres::Client>,
        version: &mut Option<Option<String>>,
        profile_due: bool,
    ) -> Result<(), TeamError> {
        if client.is_none() {
            *client = Some(self.config.connect()?);
        }
        let c = client.as_mut().expect("connected above");
        let team = &self.config.settings.team;
        if profile_due {
            let now = profile::version(c, team)?;
            if version.as_ref() != Some(&now) {
                let fetched = match now {
                    Some(_) => profile::fetch(c, team)?,
                    None => None,
                };
                *version = Some(fetched.as_ref().map(|p| p.updated_at.clone()));
                write_cache(&cache_path(&self.root), &self.config.destination, fetched.as_ref());
                self.update(|s| {
                    s.profile = fetched;
                    s.profile_changes += 1;
                });
            }
        }
        let sent =
            upload::send_waiting(c, &self.config, &self.root, self.baseline, BATCH, |_, _| {})?;
        let set_aside = match sent.set_aside {
            // Counted again only when this round set one aside: the usual round reads
            // no more than the markers it already read.
            0 => None,
            _ => queue::set_aside(&self.root, &self.config.destination).ok().map(|a| a.len()),
        };
        self.update(|s| {
            s.sent += sent.sent;
            s.waiting = Some(sent.waiting);
            if set_aside.is_some() {
                s.set_aside = set_aside;
            }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cached_profile_is_used_only_for_the_destination_it_came_from() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        // Nothing exists yet (a PC whose first call is still to come): the cache makes its folder.
        let path = cache_path(&dir.join("data").join("sessions"));
        let p = Profile {
            team: "north".into(),
            updated_at: "t1".into(),
            targets: serde_json::json!({}),
        };
        write_cache(&path, "db team north", Some(&p));
        assert_eq!(read_cache(&path, "db team north"), Some(p));
        assert_eq!(read_cache(&path, "db team south"), None);
        write_cache(&path, "db team north", None);
        assert_eq!(read_cache(&path, "db team north"), None);
    }
}
