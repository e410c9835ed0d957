//! What a stored session is and what can go wrong storing it: the types that every file
//! of the store reads or writes (`store`, `catalog`, `ranges`). Apart from `store.rs` so
//! that those files depend on the shape of a session, not on each other: the catalogue
//! and the range checks read a `session.json` without the writer that made it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::recorder::RecorderError;
use crate::analysis::{Lang, Summary};
use crate::coach::Cue;
use crate::conversation::bounds::CallEnd;
use crate::conversation::{ConversationEvent, ConversationSummary};

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Recorder(#[from] RecorderError),
    #[error("no session {id:?} in {root}")]
    NotFound { id: String, root: PathBuf },
    #[error("{id:?} is not a session id (ids look like 1764000000 or 1764000000-2)")]
    BadId { id: String },
    #[error("{path}: damaged session file: {reason}")]
    Damaged { path: PathBuf, reason: String },
}

impl StoreError {
    /// Why the disk refused, in words a window can translate.
    pub fn cause(&self) -> StorageCause {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = source {
            let kind = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind).or_else(|| {
                match e.downcast_ref::<hound::Error>() {
                    Some(hound::Error::IoError(io)) => Some(io.kind()),
                    _ => None,
                }
            });
            match kind {
                Some(std::io::ErrorKind::StorageFull | std::io::ErrorKind::FileTooLarge) => {
                    return StorageCause::DiskFull;
                }
                Some(
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem,
                ) => {
                    return StorageCause::NoPermission;
                }
                _ => {}
            }
            source = e.source();
        }
        StorageCause::Other
    }
}

pub(super) fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_path_buf(), source }
}

/// The parts of a session that are stored (and can fail) separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionPart {
    /// Creating the session folder at all.
    Session,
    Audio,
    Frames,
    Summary,
}

impl std::fmt::Display for SessionPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SessionPart::Session => "cannot store the session",
            SessionPart::Audio => "cannot record audio",
            SessionPart::Frames => "cannot store the per-hop figures",
            SessionPart::Summary => "cannot store the session summary",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageCause {
    DiskFull,
    NoPermission,
    Other,
}

/// One part of a session stopped being stored (or, for the summary, failed a write).
#[derive(Debug, Error)]
#[error("{part}: {source}")]
pub struct PartFailed {
    pub part: SessionPart,
    #[source]
    pub source: StoreError,
}

/// What a session was: only calls count in shift history; a demo run and a rehearsal
/// are kept apart so that they never skew an agent's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    #[default]
    Call,
    Demo,
    Rehearsal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub id: String,
    pub started_unix_s: u64,
    pub ended_unix_s: Option<u64>,
    pub source: String,
    /// Absent in sessions stored before kinds existed: those were calls or demo runs.
    #[serde(default)]
    pub kind: SessionKind,
    pub lang: Lang,
    pub recording: bool,
    pub summary: Option<Summary>,
    pub cues: Vec<CueEvent>,
    /// Both sides' figures, when the caller was heard (absent in older sessions).
    #[serde(default)]
    pub conversation: Option<Box<ConversationSummary>>,
    /// Its interruptions, dead air and holds, in session time (absent in older sessions).
    #[serde(default)]
    pub conversation_events: Vec<ConversationEvent>,
    /// How the call ended: silence, the "end call" click, or the app closing (absent while
    /// it runs and in older sessions).
    #[serde(default)]
    pub ended_by: Option<CallEnd>,
    /// Unique across PCs (ids are only unique in one store): the key of the call's row in
    /// the team database. Absent in sessions stored before team sync; those get one the
    /// first time they are sent ([`ensure_uuid`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<uuid::Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CueEvent {
    pub time_s: f64,
    pub cue: Cue,
}
