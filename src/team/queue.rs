//! The local store is the queue: a finished call waits until `team-sync.json` beside its
//! `session.json` says it reached this destination. The marker is written (atomically,
//! privately) only after the database committed the row, so a crash between the two sends
//! the call again, which the upsert makes harmless. Deleting a session locally leaves its
//! row in the database.
//!
//! A call that cannot be sent — a figure outside its range, or a row the database refuses
//! on its own (a CHECK constraint) — is set aside rather than retried for ever: a
//! `team-sync-refused.json` beside its `session.json` says why and for which destination,
//! and it no longer waits, so one damaged file never holds up every other call of the PC.
//! `team sync` lists them; deleting that file puts the call back in the queue.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::db::TeamError;
use super::summary::{CallSummary, Sender, is_sendable};
use crate::platform::private;
use crate::session::history::by_shift;
use crate::session::store::{self, SessionMeta};
use crate::session::when;

/// The marker's file name, in the session's folder.
pub const MARKER: &str = "team-sync.json";

/// The file that sets a call aside, in the session's folder.
pub const REFUSED: &str = "team-sync-refused.json";

/// Why a call is set aside, for which destination, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub destination: String,
    pub reason: String,
    pub since_unix_s: u64,
}

/// A call set aside (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub id: String,
    pub dir: PathBuf,
    pub reason: String,
}

/// What the marker records: where the call went, under which UUID, when, and from which
/// folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub uuid: uuid::Uuid,
    pub destination: String,
    pub synced_unix_s: u64,
    /// The session's id (its folder) when it was sent: a marker copied with its folder
    /// (`cp -a`) names the original, so the copy is not taken as sent. Absent in markers
    /// written before; those are checked against `session.json` once and rewritten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// A waiting call's folder and its row.
pub type Row = (PathBuf, CallSummary);
/// A call's folder and why its row cannot be sent.
pub type Refusal = (PathBuf, String);

/// A call waiting to be sent.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub dir: PathBuf,
    pub meta: SessionMeta,
}

/// A small JSON file of ours beside a session: read only when it is a regular file of
/// marker size (a FIFO or a device in its place would block or never end).
fn read_small<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 64 * 1024 {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn sent_to(dir: &Path, destination: &str) -> bool {
    read_small::<Marker>(&dir.join(MARKER)).is_some_and(|m| m.destination == destination)
}

fn refused_by(dir: &Path, destination: &str) -> Option<Refused> {
    read_small::<Refused>(&dir.join(REFUSED)).filter(|r| r.destination == destination)
}

/// The session folders under `root`, oldest first.
fn session_dirs(root: &Path) -> Result<Vec<(String, PathBuf)>, TeamError> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(TeamError::Io { path: root.into(), source }),
    };
    let mut dirs: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(id, _)| store::is_session_id(id))
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// The calls under `root` set aside for `destination`, oldest first.
pub fn set_aside(root: &Path, destination: &str) -> Result<Vec<SetAside>, TeamError> {
    Ok(session_dirs(root)?
        .into_iter()
        .filter(|(_, dir)| !sent_to(dir, destination))
        .filter_map(|(id, dir)| {
            let reason = refused_by(&dir, destination)?.reason;
            Some(SetAside { id, dir, reason })
        })
        .collect())
}

/// A session whose `session.json` cannot be read: never a call to send, so never waiting,
/// but said by `team sync` (one line each), or a damaged call would never leave and no
/// one would know why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    pub id: String,
    pub reason: String,
}

/// The sessions under `root` whose `session.json` is damaged, oldest first (the store's
/// listing, which reads every `session.json`: for `team sync`, not for every round).
pub fn damaged(root: &Path) -> Result<Vec<Damaged>, TeamError> {
    Ok(store::list(root)?
        .into_iter()
        .filter_map(|l| match l {
            store::Listed::Damaged { id, reason } => Some(Damaged { id, reason }),
            store::Listed::Ok(_) => None,
        })
        .collect())
}

/// Sets a call aside for `destination`, saying why.
pub fn set_aside_call(dir: &Path, destination: &str, reason: &str) -> Result<(), TeamError> {
    let refused = Refused {
        destination: destination.to_string(),
        reason: reason.to_string(),
        since_unix_s: now_unix_s(),
    };
    let path = dir.join(REFUSED);
    let text = serde_json::to_vec_pretty(&refused).expect("marker serialises");
    private::replace_file(&path, &text, false).map_err(|source| TeamError::Io { path, source })
}

fn now_unix_s() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The finished calls under `root` not yet sent to `destination`, oldest first. Cheap when
/// little waits: a sent call costs one small file read (its marker, which names its
/// folder), not its `session.json`.
///
/// A folder copied with `cp -a` holds the original's `session.json` and marker: the copy
/// is settled here ([`store::settle_provenance`]) before it is taken as sent or given a
/// row, so it goes as a call of its own under a fresh UUID, and its stale marker goes.
pub fn waiting(root: &Path, destination: &str) -> Result<Vec<Waiting>, TeamError> {
    Ok(session_dirs(root)?
        .into_iter()
        .filter_map(|(id, dir)| {
            let marker =
                read_small::<Marker>(&dir.join(MARKER)).filter(|m| m.destination == destination);
            if marker.as_ref().is_some_and(|m| m.session.as_deref() == Some(id.as_str())) {
                return None;
            }
            if refused_by(&dir, destination).is_some() {
                return None;
            }
            // A damaged session.json is left for `sessions` to report; it is not a call.
            // One read of it settles the folder and gives its meta.
            let (provenance, meta) = store::settle_and_load(&dir).ok()?;
            if let store::Provenance::Copied { .. } = provenance {
                // The original's, for whichever destination: not this call's.
                let _ = std::fs::remove_file(dir.join(MARKER));
            }
            let meta = Some(meta).filter(is_sendable)?;
            match marker {
                // A marker from before markers named their folder, or a moved session's:
                // still this call's row. Named now, so the question is not asked again.
                Some(m)
                    if !matches!(provenance, store::Provenance::Copied { .. })
                        && meta.uuid == Some(m.uuid) =>
                {
                    let _ = write_marker(&dir, &Marker { session: Some(id), ..m });
                    None
                }
                _ => Some(Waiting { dir, meta }),
            }
        })
        .collect())
}

/// How many calls wait (the window's status line).
pub fn count_waiting(root: &Path, destination: &str) -> Result<usize, TeamError> {
    waiting(root, destination).map(|w| w.len())
}

/// Each stored call's shift date (`YYYY-MM-DD`, local), from the whole local history:
/// a night shift's calls after midnight keep the date the shift began.
pub fn shift_days(root: &Path) -> Result<HashMap<String, String>, TeamError> {
    let all: Vec<SessionMeta> = store::list(root)?
        .into_iter()
        .filter_map(|l| match l {
            store::Listed::Ok(m) => Some(m),
            store::Listed::Damaged { .. } => None,
        })
        .collect();
    let mut days = HashMap::new();
    for shift in by_shift(&all) {
        for s in &shift.sessions {
            days.insert(s.id.clone(), shift.date.clone());
        }
    }
    Ok(days)
}

/// The rows for waiting calls, each with a UUID (given and written back now for calls
/// stored before sessions had one) and its shift's date; and, apart, the calls whose row
/// has a figure outside its range ([`CallSummary::check`]), with the reason.
pub fn rows(
    waiting: &[Waiting],
    shift_days: &HashMap<String, String>,
    by: Sender,
) -> Result<(Vec<Row>, Vec<Refusal>), TeamError> {
    let mut out = Vec::with_capacity(waiting.len());
    let mut refused = Vec::new();
    for w in waiting {
        let meta = if w.meta.uuid.is_some() { w.meta.clone() } else { store::ensure_uuid(&w.dir)? };
        let day = shift_days
            .get(&meta.id)
            .cloned()
            .unwrap_or_else(|| when::local_date(meta.started_unix_s));
        if let Some(row) = CallSummary::from_meta(&meta, &day, by) {
            match row.check() {
                Ok(()) => out.push((w.dir.clone(), row)),
                Err(reason) => refused.push((w.dir.clone(), format!("out of range: {reason}"))),
            }
        }
    }
    Ok((out, refused))
}

/// Marks a call as sent to `destination` (after the database committed it).
pub fn mark_sent(dir: &Path, uuid: uuid::Uuid, destination: &str) -> Result<(), TeamError> {
    let session = dir.file_name().and_then(|n| n.to_str()).map(str::to_string);
    let marker =
        Marker { uuid, destination: destination.to_string(), synced_unix_s: now_unix_s(), session };
    write_marker(dir, &marker)
}

fn write_marker(dir: &Path, marker: &Marker) -> Result<(), TeamError> {
    let path = dir.join(MARKER);
    let text = serde_json::to_vec_pretty(marker).expect("marker serialises");
    private::replace_file(&path, &text, false).map_err(|source| TeamError::Io { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Lang, Summary};
    use crate::session::store::SessionWriter;

    fn root(name: &str) -> PathBuf {
        let d = tempfile::Builder::new().prefix(&format!("speech-coach-queue-{name}-")).tempdir();
        d.unwrap().keep().join("sessions")
    }

    fn finished_call(root: &Path) -> PathBuf {
        let mut w = SessionWriter::create(root, "mic", Lang::Zh, false).unwrap();
        let f = crate::analysis::Frame { time_s: 0.0, speech: true, ..Default::default() };
        let _ = w.frame(&f, &Default::default(), Default::default());
        let dir = w.dir().to_path_buf();
        let summary = Summary { speech_s: 10.0, ..Summary::empty() };
        let _ = w.finish(Some(summary), None);
        dir
    }

    const BY: Sender = Sender { team: "north", agent: "Alice", baseline: None };

    #[test]
    fn looking_for_waiting_calls_reads_each_session_json_once() {
        let root = root("one-read");
        for _ in 0..3 {
            finished_call(&root);
        }
        crate::platform::files::read_log::clear();
        assert_eq!(waiting(&root, "db team north").unwrap().len(), 3);
        // Each folder's provenance and meta come from one read: it was read twice.
        assert_eq!(crate::platform::files::read_log::count("session.json"), 3);
    }

    #[test]
    fn a_call_waits_until_marked_sent_to_this_destination() {
        let root = root("marks");
        let dir = finished_call(&root);
        assert_eq!(count_waiting(&root, "db team north").unwrap(), 1);
        let w = waiting(&root, "db team north").unwrap();
        let rows = rows(&w, &shift_days(&root).unwrap(), BY).unwrap().0;
        assert_eq!(rows.len(), 1);
        mark_sent(&dir, rows[0].1.uuid, "db team north").unwrap();
        assert_eq!(count_waiting(&root, "db team north").unwrap(), 0);
        // Another database (or team) has not seen it.
        assert_eq!(count_waiting(&root, "other team north").unwrap(), 1);
    }

    #[test]
    fn an_old_session_gets_a_uuid_once_and_keeps_it() {
        let root = root("old");
        let dir = finished_call(&root);
        let mut meta = store::load_meta(&dir).unwrap();
        meta.uuid = None;
        std::fs::write(dir.join("session.json"), serde_json::to_string(&meta).unwrap()).unwrap();
        let w = waiting(&root, "d").unwrap();
        let days = shift_days(&root).unwrap();
        let first = rows(&w, &days, BY).unwrap().0[0].1.uuid;
        let again = rows(&waiting(&root, "d").unwrap(), &days, BY).unwrap().0[0].1.uuid;
        assert_eq!(first, again);
        assert_eq!(store::load_meta(&dir).unwrap().uuid, Some(first));
    }

    #[test]
    fn a_call_set_aside_waits_no_more_for_that_destination_and_is_listed_with_its_reason() {
        let root = root("aside");
        let dir = finished_call(&root);
        set_aside_call(&dir, "db team north", "out of range: level_active_dbfs = inf").unwrap();
        assert_eq!(count_waiting(&root, "db team north").unwrap(), 0);
        assert_eq!(count_waiting(&root, "other team north").unwrap(), 1);
        let aside = set_aside(&root, "db team north").unwrap();
        assert_eq!(aside.len(), 1);
        assert_eq!(aside[0].reason, "out of range: level_active_dbfs = inf");
        // Deleting the file puts it back in the queue.
        std::fs::remove_file(dir.join(REFUSED)).unwrap();
        assert_eq!(count_waiting(&root, "db team north").unwrap(), 1);
    }

    #[test]
    fn a_marker_from_before_markers_named_their_folder_still_counts_and_is_named_once() {
        let root = root("old-marker");
        let dir = finished_call(&root);
        let uuid = store::load_meta(&dir).unwrap().uuid.unwrap();
        let old = serde_json::json!({"uuid": uuid, "destination": "d", "synced_unix_s": 5});
        std::fs::write(dir.join(MARKER), old.to_string()).unwrap();
        assert_eq!(count_waiting(&root, "d").unwrap(), 0);
        let marker: Marker = read_small(&dir.join(MARKER)).unwrap();
        let id = dir.file_name().unwrap().to_str().unwrap();
        assert_eq!((marker.session.as_deref(), marker.synced_unix_s), (Some(id), 5));
        // A marker under another UUID is no longer this call's row.
        let other = serde_json::json!({"uuid": uuid::Uuid::new_v4(), "destination": "d",
            "synced_unix_s": 5});
        std::fs::write(dir.join(MARKER), other.to_string()).unwrap();
        assert_eq!(count_waiting(&root, "d").unwrap(), 1);
    }

    #[test]
    fn a_damaged_session_is_listed_with_its_reason_and_never_waits() {
        let root = root("damaged");
        let dir = finished_call(&root);
        std::fs::write(dir.join("session.json"), "{\"id\": ").unwrap();
        assert_eq!(count_waiting(&root, "d").unwrap(), 0);
        let damaged = damaged(&root).unwrap();
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].id, dir.file_name().unwrap().to_str().unwrap());
        assert!(damaged[0].reason.contains("damaged session file"), "{}", damaged[0].reason);
    }

    #[test]
    fn a_running_call_does_not_wait_yet() {
        let root = root("running");
        let w = SessionWriter::create(&root, "mic", Lang::Zh, false).unwrap();
        assert_eq!(count_waiting(&root, "d").unwrap(), 0);
        drop(w);
    }
}
