//! Sessions on disk: one folder per run of the live pipeline in the platform's data
//! folder, holding `session.json` (what it was, and its summary so far), `frames.csv`
//! (per-hop metrics and gauge bands) and, when recording is on, `audio.wav`.
//!
//! Plain files rather than a database: they are appended to as the call goes on,
//! flushed once a second, readable by any tool, and one folder deleted is one session gone.
//!
//! Nothing is lost quietly: each part (audio, frames, summary) degrades on its own, and
//! the first failure of a part is handed back to the caller at once as a
//! [`PartFailed`]. A session is readable however early it stops: `session.json` and the
//! CSV header are on disk before the first frame. Folders are private to the user (0700,
//! files 0600 on Unix): they hold recordings of calls.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::catalog::session_id;
pub use super::catalog::{Listed, delete, is_session_id, list, load_meta, session_dir};
use super::frames::{self, Talk};
use super::meta::io;
pub use super::meta::{
    CueEvent, PartFailed, SessionKind, SessionMeta, SessionPart, StorageCause, StoreError,
};
use super::recorder::Recorder;
use crate::analysis::{Frame, Lang, Summary};
use crate::coach::{CoachState, Cue};
use crate::conversation::bounds::CallEnd;
use crate::conversation::{ConversationEvent, ConversationSummary};
use crate::platform::{paths, private};

/// Where sessions live: [`paths::sessions_root`].
pub fn default_root() -> PathBuf {
    paths::sessions_root()
}

/// Writes one session as it happens.
pub struct SessionWriter {
    dir: PathBuf,
    meta: SessionMeta,
    /// `None` once writing frames failed: the rest of the session goes on without them.
    frames: Option<BufWriter<File>>,
    frames_written: u64,
    recorder: Option<Recorder>,
    /// Recording is wanted and has not failed.
    record: bool,
    audio_written: bool,
    summary_failed: bool,
    last_checkpoint: Instant,
    last_cue: Option<Cue>,
    /// `writing.lock`, locked while this writer lives (see [`WRITING_LOCK`]).
    writing: Option<File>,
}

/// A file in a session's folder that its writer holds an exclusive lock on (`flock` /
/// `LockFileEx`, which the kernel drops when the process ends, however it ends) and
/// removes when it closes the session: a session without an end whose lock can be taken
/// was left open by a process that is gone, and [`super::repair`] closes it. A lock, not
/// a process id: a pid is reused, and another running `listen` must never see its call
/// closed under it.
pub const WRITING_LOCK: &str = "writing.lock";

fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// What [`SessionWriter::finish`] left on disk.
#[derive(Debug)]
pub enum Finished {
    Stored(Box<SessionMeta>),
    /// Nothing was captured (no frame, no audio): the empty folder was removed.
    Removed {
        id: String,
    },
}

impl SessionWriter {
    pub fn create(root: &Path, source: &str, lang: Lang, record: bool) -> Result<Self, StoreError> {
        let started = now_unix();
        private::create_dir_all(root).map_err(io(root))?;
        // Unique, sortable ids: start time plus a counter for sessions in the same second.
        let (id, dir) = (0..1000)
            .map(|n| {
                let id = session_id(started, n);
                let dir = root.join(&id);
                (id, dir)
            })
            .find(|(_, d)| private::create_dir(d).is_ok())
            .ok_or_else(|| StoreError::Io {
                path: root.to_path_buf(),
                source: std::io::Error::other("cannot create a session folder"),
            })?;
        let meta = SessionMeta {
            id,
            started_unix_s: started,
            ended_unix_s: None,
            source: source.into(),
            kind: SessionKind::Call,
            lang,
            recording: record,
            summary: None,
            cues: Vec::new(),
            conversation: None,
            conversation_events: Vec::new(),
            ended_by: None,
            uuid: Some(uuid::Uuid::new_v4()),
        };
        let created = Self::start_files(&dir, &meta);
        let frames = match created {
            Ok(frames) => frames,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        // Without the lock the session is still stored; only a crash would leave it for
        // the next start to close without knowing whether its writer still runs, so
        // repair treats a session without a lock file as left by an older version.
        let writing =
            private::create_file(&dir.join(WRITING_LOCK)).ok().filter(|f| f.try_lock().is_ok());
        Ok(Self {
            dir,
            meta,
            frames: Some(frames),
            frames_written: 0,
            recorder: None,
            record,
            audio_written: false,
            summary_failed: false,
            last_checkpoint: Instant::now(),
            last_cue: None,
            writing,
        })
    }

    /// `session.json` and the CSV header, both on disk before anything else happens.
    fn start_files(dir: &Path, meta: &SessionMeta) -> Result<BufWriter<File>, StoreError> {
        write_meta(dir, meta)?;
        let path = dir.join("frames.csv");
        let mut frames = BufWriter::new(private::create_file(&path).map_err(io(&path))?);
        writeln!(frames, "{}", frames::HEADER).and_then(|()| frames.flush()).map_err(io(&path))?;
        Ok(frames)
    }

    pub fn id(&self) -> &str {
        &self.meta.id
    }
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// Audio is being recorded right now (wanted, and no write has failed).
    pub fn recording(&self) -> bool {
        self.record
    }

    /// Audio exactly as analysed (mono, at the device rate). On the first failure
    /// recording stops (the file keeps what was written) and the error is returned once.
    pub fn audio(&mut self, samples: &[f32], sample_rate: u32) -> Result<(), PartFailed> {
        if !self.record {
            return Ok(());
        }
        self.write_audio(samples, sample_rate).map_err(|source| {
            self.record = false;
            if let Some(r) = self.recorder.take() {
                let _ = r.finish();
            }
            PartFailed { part: SessionPart::Audio, source }
        })
    }

    fn write_audio(&mut self, samples: &[f32], sample_rate: u32) -> Result<(), StoreError> {
        if self.recorder.as_ref().is_some_and(|r| r.sample_rate() != sample_rate) {
            // A reconnect at another rate starts a new file rather than corrupting this one.
            if let Some(r) = self.recorder.take() {
                r.finish()?;
            }
            let n = std::fs::read_dir(&self.dir).map(|d| d.count()).unwrap_or(0);
            let part = self.dir.join(format!("audio-part{n}.wav"));
            std::fs::rename(self.dir.join("audio.wav"), &part).map_err(io(&part))?;
        }
        if self.recorder.is_none() {
            self.recorder = Some(Recorder::create(&self.dir.join("audio.wav"), sample_rate)?);
        }
        self.recorder.as_mut().expect("created above").write(samples)?;
        self.audio_written = true;
        Ok(())
    }

    /// Marks what the session is, on disk at once (a killed demo must not count as a call).
    pub fn set_kind(&mut self, kind: SessionKind) -> Result<(), PartFailed> {
        self.meta.kind = kind;
        write_meta(&self.dir, &self.meta)
            .map_err(|source| PartFailed { part: SessionPart::Summary, source })
    }

    /// The summary written at the next checkpoint.
    pub fn set_summary(&mut self, summary: &Summary) {
        self.meta.summary = Some(summary.clone());
    }

    /// Stores one frame and its coach state; checkpoints once a second. Returns each
    /// part's first failure (frames stop; the summary is retried at every checkpoint).
    pub fn frame(&mut self, f: &Frame, c: &CoachState, talk: Talk) -> Vec<PartFailed> {
        let mut failed = Vec::new();
        if let Err(source) = self.write_frame(f, c, talk) {
            self.frames = None;
            failed.push(PartFailed { part: SessionPart::Frames, source });
        }
        if c.cue != self.last_cue {
            if let Some(cue) = c.cue {
                self.meta.cues.push(CueEvent { time_s: f.time_s, cue });
            }
            self.last_cue = c.cue;
        }
        if self.last_checkpoint.elapsed() >= Duration::from_secs(1) {
            self.last_checkpoint = Instant::now();
            failed.extend(self.checkpoint());
        }
        failed
    }

    fn write_frame(&mut self, f: &Frame, c: &CoachState, talk: Talk) -> Result<(), StoreError> {
        let Some(out) = self.frames.as_mut() else { return Ok(()) };
        frames::write_row(out, f, c, talk).map_err(io(&self.dir.join("frames.csv")))?;
        self.frames_written += 1;
        Ok(())
    }

    /// Flushes frames and rewrites `session.json`; each part fails on its own.
    fn checkpoint(&mut self) -> Vec<PartFailed> {
        let mut failed = Vec::new();
        if let Some(frames) = self.frames.as_mut()
            && let Err(e) = frames.flush()
        {
            self.frames = None;
            let source = StoreError::Io { path: self.dir.join("frames.csv"), source: e };
            failed.push(PartFailed { part: SessionPart::Frames, source });
        }
        match write_meta(&self.dir, &self.meta) {
            Ok(()) => self.summary_failed = false,
            Err(source) if !self.summary_failed => {
                self.summary_failed = true;
                failed.push(PartFailed { part: SessionPart::Summary, source });
            }
            Err(_) => {}
        }
        failed
    }

    /// Closes a call `end_s` into the session: its summary, how it ended, and its
    /// conversation (session times) when the caller was heard.
    pub fn close_call(
        mut self,
        summary: Summary,
        end_s: f64,
        by: CallEnd,
        conversation: Option<(ConversationSummary, Vec<ConversationEvent>)>,
    ) -> (Finished, Vec<PartFailed>) {
        self.meta.ended_by = Some(by);
        if let Some((summary, events)) = conversation {
            self.meta.conversation = Some(Box::new(summary));
            self.meta.conversation_events = events;
        }
        self.finish(Some(summary), Some(end_s))
    }

    /// Closes the session. One with nothing captured is removed rather than left as an
    /// empty folder; otherwise every part that still works is brought up to date, and the
    /// failures are returned with what was stored.
    ///
    /// `end_s` (session time) cuts the session there: a call that ended by a silent minute
    /// keeps only a short tail of it (frames, cues and audio alike).
    pub fn finish(
        mut self,
        summary: Option<Summary>,
        end_s: Option<f64>,
    ) -> (Finished, Vec<PartFailed>) {
        if self.frames_written == 0 && !self.audio_written {
            drop(self.recorder.take());
            drop(self.frames.take());
            // (Windows deletes no file that is still open.)
            drop(self.writing.take());
            let _ = std::fs::remove_dir_all(&self.dir);
            return (Finished::Removed { id: self.meta.id }, Vec::new());
        }
        let mut failed = Vec::new();
        if let Some(mut r) = self.recorder.take() {
            let cut = match end_s {
                Some(end) => r.truncate((end.max(0.0) * r.sample_rate() as f64) as u64),
                None => Ok(()),
            };
            if let Err(e) = cut.and_then(|()| r.finish()) {
                failed.push(PartFailed { part: SessionPart::Audio, source: e.into() });
            }
        }
        if let Some(frames) = self.frames.as_mut() {
            let path = self.dir.join("frames.csv");
            let done = frames.flush().and_then(|()| match end_s {
                Some(end) => cut_rows_after(&path, frames.get_ref(), end),
                None => Ok(()),
            });
            if let Err(e) = done.and_then(|()| frames.get_ref().sync_all()) {
                failed.push(PartFailed { part: SessionPart::Frames, source: io(&path)(e) });
            }
        }
        if let Some(end) = end_s {
            self.meta.cues.retain(|c| c.time_s <= end);
        }
        self.meta.summary = summary.or(self.meta.summary.take());
        self.meta.ended_unix_s = Some(now_unix());
        // The summary is always attempted once more at the end, even after a failure.
        match write_meta(&self.dir, &self.meta) {
            Ok(()) => {
                // Closed for good: nothing for the next start to repair.
                drop(self.writing.take());
                let _ = std::fs::remove_file(self.dir.join(WRITING_LOCK));
            }
            // Left without its end on disk: once this process is gone, the next start
            // closes it from what was stored (`session::repair`).
            Err(source) => failed.push(PartFailed { part: SessionPart::Summary, source }),
        }
        (Finished::Stored(Box::new(self.meta)), failed)
    }
}

/// How far back from the end of frames.csv a cut looks: more than a minute of rows (a
/// row is under 100 bytes, 100 rows a second).
const CUT_WINDOW_BYTES: u64 = 4 << 20;

/// Cuts frames.csv (written through `file`) before its first row later than `end_s`.
fn cut_rows_after(path: &Path, file: &File, end_s: f64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    let from = len.saturating_sub(CUT_WINDOW_BYTES);
    let mut tail = Vec::new();
    let mut reader = File::open(path)?;
    reader.seek(SeekFrom::Start(from))?;
    reader.read_to_end(&mut tail)?;
    let mut at = 0;
    let mut cut = None;
    for line in tail.split_inclusive(|&b| b == b'\n') {
        // The first piece is the header, or part of a row when the window starts inside one.
        let starts_a_line = at > 0;
        let time = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.split(',').next())
            .and_then(|t| t.parse::<f64>().ok());
        if starts_a_line && time.is_some_and(|t| t > end_s) {
            cut = Some(from + at as u64);
            break;
        }
        at += line.len();
    }
    match cut {
        Some(at) => file.set_len(at),
        None => Ok(()),
    }
}

/// The session's UUID, given one (and `session.json` rewritten atomically) if it was
/// stored before sessions had them. Only for a finished session: the writer of a running
/// one would overwrite it.
pub fn ensure_uuid(dir: &Path) -> Result<SessionMeta, StoreError> {
    let mut meta = load_meta(dir)?;
    if meta.uuid.is_none() {
        meta.uuid = Some(uuid::Uuid::new_v4());
        write_meta(dir, &meta)?;
    }
    Ok(meta)
}

/// Gives the session a fresh random UUID, written into its `session.json` before it is
/// used: its old one is another PC's (a disk cloned from one image sends the same calls
/// under the same UUIDs). Only the `uuid` field changes; the rest of the file stays as
/// it is, unknown fields and all.
pub fn renew_uuid(dir: &Path) -> Result<uuid::Uuid, StoreError> {
    let fresh = uuid::Uuid::new_v4();
    set_fields(dir, false, |object| {
        object.insert("uuid".into(), serde_json::Value::String(fresh.to_string()));
    })?;
    Ok(fresh)
}

/// Where a session folder's `session.json` was written, told by the `id` inside it (the
/// store writes the folder's own name there, and never changes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Written in this folder (or a folder the store did not name).
    Own,
    /// A copy (`cp -a`) of a session still in the store under the same UUID: it now has a
    /// fresh UUID of its own, so the two are two calls to the team, not one row.
    Copied { uuid: uuid::Uuid },
    /// Written in a folder that no longer holds it (moved or renamed): still that call,
    /// so it keeps its UUID and only its `id` is brought up to the folder's name.
    Moved,
}

/// Settles which session a folder holds, once: a `session.json` whose `id` names another
/// folder of the store is a copy when that folder holds the same UUID, and gets a fresh
/// UUID (issue 22: a copy sent as the original's row, or counted as already sent); either
/// way its `id` becomes the folder's name, so the question is never asked again. The
/// original is never written. Only for a finished session, whose writer no longer
/// rewrites its `session.json`.
pub fn settle_provenance(dir: &Path) -> Result<Provenance, StoreError> {
    // A folder the store did not name holds nothing to settle: its file is not read.
    if store_named(dir).is_none() {
        return Ok(Provenance::Own);
    }
    let mut object = read_object(&dir.join("session.json"))?;
    settle(dir, &mut object)
}

/// The folder's name when it is one the store gives sessions.
fn store_named(dir: &Path) -> Option<&str> {
    dir.file_name().and_then(|n| n.to_str()).filter(|n| is_session_id(n))
}

/// [`settle_provenance`] and then [`load_meta`], from one read of `session.json` (the
/// team queue asks both of every session each time it looks for calls to send).
pub fn settle_and_load(dir: &Path) -> Result<(Provenance, SessionMeta), StoreError> {
    let mut object = read_object(&dir.join("session.json"))?;
    let provenance = settle(dir, &mut object)?;
    Ok((provenance, super::catalog::meta_from_object(dir, object)?))
}

/// [`settle_provenance`] on `object`, the folder's `session.json` as read: what is
/// settled is written to the file and to `object` alike.
fn settle(
    dir: &Path,
    object: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<Provenance, StoreError> {
    let Some(folder) = store_named(dir) else {
        return Ok(Provenance::Own);
    };
    let Some(written_in) = object.get("id").and_then(serde_json::Value::as_str) else {
        // No id at all: damaged, which `load_meta` reports; nothing to settle.
        return Ok(Provenance::Own);
    };
    if written_in == folder {
        return Ok(Provenance::Own);
    }
    // Only an id the store could have made leads to a folder (never `..` or a path).
    let original = Some(written_in)
        .filter(|id| is_session_id(id))
        .and_then(|id| Some(dir.parent()?.join(id)))
        .and_then(|d| read_object(&d.join("session.json")).ok());
    let copied = original.is_some_and(|o| o.get("uuid") == object.get("uuid"));
    let fresh = uuid::Uuid::new_v4();
    object.insert("id".into(), serde_json::Value::String(folder.to_string()));
    if copied {
        object.insert("uuid".into(), serde_json::Value::String(fresh.to_string()));
    }
    write_object(dir, object, false)?;
    Ok(if copied { Provenance::Copied { uuid: fresh } } else { Provenance::Moved })
}

/// `path` (a `session.json`) as its JSON object, whatever fields it holds.
fn read_object(path: &Path) -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
    let damaged = |reason: String| StoreError::Damaged { path: path.to_path_buf(), reason };
    let bytes = crate::platform::files::read_regular(path, crate::platform::files::Links::Refuse)
        .map_err(|e| damaged(e.to_string()))?;
    match serde_json::from_str(&crate::platform::json::tolerant(&bytes)) {
        Ok(serde_json::Value::Object(object)) => Ok(object),
        Ok(_) => Err(damaged("not a JSON object".into())),
        Err(e) => Err(damaged(e.to_string())),
    }
}

/// Rewrites `session.json` atomically with `edit` applied to its top-level fields, every
/// other field (unknown ones too) as it was: for a finished session only, whose writer
/// no longer rewrites the file. `durable` syncs it to disk before the rename.
pub(super) fn set_fields(
    dir: &Path,
    durable: bool,
    edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) -> Result<(), StoreError> {
    let mut object = read_object(&dir.join("session.json"))?;
    edit(&mut object);
    write_object(dir, &object, durable)
}

/// `session.json` replaced atomically by `object`; `durable` syncs it before the rename.
fn write_object(
    dir: &Path,
    object: &serde_json::Map<String, serde_json::Value>,
    durable: bool,
) -> Result<(), StoreError> {
    let path = dir.join("session.json");
    let text = serde_json::to_string_pretty(object).expect("meta serialises");
    private::replace_file(&path, text.as_bytes(), durable).map_err(io(&path))
}

/// `session.json`, replaced atomically (temp file + rename) so a crash never leaves half.
fn write_meta(dir: &Path, meta: &SessionMeta) -> Result<(), StoreError> {
    let path = dir.join("session.json");
    let text = serde_json::to_string_pretty(meta).expect("meta serialises");
    private::replace_file(&path, text.as_bytes(), false).map_err(io(&path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Frame;

    fn root(name: &str) -> PathBuf {
        let d = tempfile::Builder::new().prefix(&format!("speech-coach-store-{name}-")).tempdir();
        d.unwrap().keep().join("sessions")
    }

    fn frame(t: f64) -> Frame {
        Frame { time_s: t, speech: true, ..Frame::default() }
    }

    #[test]
    fn only_ids_the_store_makes_are_session_ids() {
        for good in ["1764000000", "1764000000-1", "1764000000-999", "0"] {
            assert!(is_session_id(good), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "/",
            "/etc",
            "a",
            "1764000000-",
            "-1",
            "1-2-3",
            "1/2",
            "1\\2",
            "1\n2",
            "1764000000-1000",
            "123456789012345678901",
            " 1",
            "1 ",
        ] {
            assert!(!is_session_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn traversal_ids_never_reach_the_file_system() {
        let root = root("traversal");
        std::fs::create_dir_all(&root).unwrap();
        let outside = root.parent().unwrap().join("keep-me");
        std::fs::write(&outside, "user data").unwrap();
        let long = "9".repeat(300);
        for id in ["..", ".", "../keep-me", "", "/tmp", long.as_str(), "1\n2"] {
            assert!(delete(&root, id).is_err(), "{id:?} was accepted");
            assert!(session_dir(&root, id).is_err(), "{id:?} was accepted");
        }
        assert!(outside.exists() && root.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_store_is_not_followed_to_delete_elsewhere() {
        let root = root("link");
        std::fs::create_dir_all(&root).unwrap();
        let victim = root.parent().unwrap().join("victim");
        std::fs::create_dir_all(&victim).unwrap();
        std::fs::write(victim.join("data"), "x").unwrap();
        std::os::unix::fs::symlink(&victim, root.join("1764000000")).unwrap();
        assert!(delete(&root, "1764000000").is_err());
        assert!(victim.join("data").exists());
    }

    #[test]
    fn a_session_is_readable_before_its_first_frame() {
        let root = root("early");
        let w = SessionWriter::create(&root, "mic", Lang::Zh, false).unwrap();
        let dir = w.dir().to_path_buf();
        // As a kill would leave it: nothing flushed by the writer after `create`.
        std::mem::forget(w);
        let csv = std::fs::read_to_string(dir.join("frames.csv")).unwrap();
        assert_eq!(csv.trim_end(), frames::HEADER);
        assert!(load_meta(&dir).is_ok());
        assert!(crate::report::call::build(&dir).is_ok());
    }

    #[test]
    fn a_session_with_nothing_captured_is_removed_at_the_end() {
        let root = root("empty");
        let w = SessionWriter::create(&root, "mic", Lang::Zh, true).unwrap();
        let dir = w.dir().to_path_buf();
        let (finished, failed) = w.finish(None, None);
        assert!(matches!(finished, Finished::Removed { .. }));
        assert!(failed.is_empty());
        assert!(!dir.exists());
        assert!(list(&root).unwrap().is_empty());
    }

    #[test]
    fn frames_and_summary_go_on_when_the_audio_file_fails() {
        let root = root("audio-fails");
        let mut w = SessionWriter::create(&root, "mic", Lang::Zh, true).unwrap();
        // A folder where the recording should go: creating audio.wav fails.
        std::fs::create_dir(w.dir().join("audio.wav")).unwrap();
        let err = w.audio(&[0.1; 160], 16000).expect_err("audio cannot be created");
        assert_eq!(err.part, SessionPart::Audio);
        assert!(!w.recording());
        assert!(w.audio(&[0.1; 160], 16000).is_ok(), "a failure is reported once");
        for i in 0..300 {
            assert!(
                w.frame(&frame(i as f64 * 0.01), &CoachState::default(), Talk::default())
                    .is_empty()
            );
        }
        let dir = w.dir().to_path_buf();
        let (finished, failed) = w.finish(Some(Summary::empty()), None);
        assert!(failed.is_empty(), "{failed:?}");
        let Finished::Stored(meta) = finished else { panic!("stored") };
        assert!(meta.summary.is_some() && meta.ended_unix_s.is_some());
        let rows = std::fs::read_to_string(dir.join("frames.csv")).unwrap().lines().count();
        assert_eq!(rows, 301);
    }

    #[test]
    fn a_session_cut_at_its_end_keeps_frames_cues_and_audio_up_to_there() {
        let root = root("cut");
        let mut w = SessionWriter::create(&root, "mic", Lang::Zh, true).unwrap();
        let dir = w.dir().to_path_buf();
        w.audio(&vec![0.1; 16000 * 90], 16000).unwrap();
        let cue = CoachState { cue: Some(Cue::TooFast), ..CoachState::default() };
        // 90 s of rows, a cue at 1 s and another at 70 s.
        for i in 0..9000 {
            let c = if i == 100 || i == 7000 { cue } else { CoachState::default() };
            assert!(w.frame(&frame(i as f64 * 0.01), &c, Talk::default()).is_empty());
        }
        let (finished, failed) = w.finish(Some(Summary::empty()), Some(12.0));
        assert!(failed.is_empty(), "{failed:?}");
        let Finished::Stored(meta) = finished else { panic!("stored") };
        assert_eq!(meta.cues.len(), 1, "{:?}", meta.cues);
        let csv = std::fs::read_to_string(dir.join("frames.csv")).unwrap();
        let last = csv.lines().last().unwrap();
        assert!(last.starts_with("12.000,"), "{last}");
        assert_eq!(csv.lines().count(), 1 + 1201);
        let audio = hound::WavReader::open(dir.join("audio.wav")).unwrap();
        assert_eq!(audio.duration(), 16000 * 12);
    }

    #[cfg(unix)]
    #[test]
    fn session_folders_and_files_are_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let root = root("modes");
        let mut w = SessionWriter::create(&root, "mic", Lang::Zh, false).unwrap();
        let _ = w.frame(&frame(0.0), &CoachState::default(), Talk::default());
        let dir = w.dir().to_path_buf();
        let _ = w.finish(None, None);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("session.json")), 0o600);
        assert_eq!(mode(&dir.join("frames.csv")), 0o600);
    }

    /// Issue 22 D6: a copied session folder keeps the original's `id` inside its
    /// `session.json`; listed by that, one id showed twice and `delete` removed the
    /// original, leaving the copy unreachable.
    #[test]
    fn a_copied_session_is_listed_and_deleted_under_its_own_folder_name() {
        let root = root("copied");
        let mut w = SessionWriter::create(&root, "mic", Lang::Zh, false).unwrap();
        let _ = w.frame(&frame(0.0), &CoachState::default(), Talk::default());
        let original = w.dir().to_path_buf();
        let _ = w.finish(Some(Summary::empty()), None);
        let id = original.file_name().unwrap().to_str().unwrap().to_string();
        let copy_id = format!("{id}-7");
        let copy = root.join(&copy_id);
        std::fs::create_dir(&copy).unwrap();
        for entry in std::fs::read_dir(&original).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
        }
        let ids = |root: &Path| -> Vec<String> {
            list(root)
                .unwrap()
                .into_iter()
                .map(|l| match l {
                    Listed::Ok(m) => m.id,
                    Listed::Damaged { id, reason } => panic!("{id}: {reason}"),
                })
                .collect()
        };
        assert_eq!(ids(&root), [id.as_str(), copy_id.as_str()]);
        assert_eq!(load_meta(&copy).unwrap().id, copy_id, "what `report` shows");
        delete(&root, &copy_id).unwrap();
        assert!(original.join("session.json").exists(), "the original stays");
        assert_eq!(ids(&root), [id.as_str()]);
        // An id inside the file that is no id at all is not what the session is listed by
        // (nor does it lead anywhere: `session_dir` refuses it, as before).
        let text = std::fs::read_to_string(original.join("session.json")).unwrap();
        let forged = text.replacen(&format!("\"id\": \"{id}\""), "\"id\": \"../../etc\"", 1);
        assert_ne!(forged, text, "the id is in the file");
        std::fs::write(original.join("session.json"), forged).unwrap();
        assert_eq!(ids(&root), [id.as_str()]);
        assert!(session_dir(&root, "../../etc").is_err());
        delete(&root, &id).unwrap();
        assert!(ids(&root).is_empty());
    }

    #[test]
    fn a_copy_gets_a_uuid_of_its_own_once_a_moved_session_keeps_its_own_and_the_original_is_untouched()
     {
        let root = root("provenance");
        let mut w = SessionWriter::create(&root, "mic", Lang::Zh, false).unwrap();
        let _ = w.frame(&frame(0.0), &CoachState::default(), Talk::default());
        let original = w.dir().to_path_buf();
        let _ = w.finish(Some(Summary::empty()), None);
        let id = original.file_name().unwrap().to_str().unwrap().to_string();
        let before = std::fs::read(original.join("session.json")).unwrap();
        let uuid = load_meta(&original).unwrap().uuid.unwrap();
        let copy_files = |to: &Path| {
            std::fs::create_dir(to).unwrap();
            for entry in std::fs::read_dir(&original).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        };
        assert_eq!(settle_provenance(&original).unwrap(), Provenance::Own);
        let copy = root.join(format!("{id}-1"));
        copy_files(&copy);
        let Provenance::Copied { uuid: fresh } = settle_provenance(&copy).unwrap() else {
            panic!("a copy beside its original")
        };
        assert_ne!(fresh, uuid);
        let meta = load_meta(&copy).unwrap();
        assert_eq!(meta.uuid, Some(fresh));
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(copy.join("session.json")).unwrap()).unwrap();
        assert_eq!(written["id"], format!("{id}-1"));
        // Settled once: asked again, the copy is a session of its own.
        assert_eq!(settle_provenance(&copy).unwrap(), Provenance::Own);
        assert_eq!(load_meta(&copy).unwrap().uuid, Some(fresh));
        assert_eq!(std::fs::read(original.join("session.json")).unwrap(), before);
        assert_eq!(settle_provenance(&original).unwrap(), Provenance::Own);
        // Moved: the folder it was written in is gone, so it is still that call.
        let moved = root.join(format!("{id}-2"));
        copy_files(&moved);
        std::fs::remove_dir_all(&original).unwrap();
        assert_eq!(settle_provenance(&moved).unwrap(), Provenance::Moved);
        assert_eq!(load_meta(&moved).unwrap().uuid, Some(uuid));
        assert_eq!(settle_provenance(&moved).unwrap(), Provenance::Own);
    }

    #[test]
    fn storage_causes_are_told_apart() {
        let full = StoreError::Io {
            path: "x".into(),
            source: std::io::Error::from(std::io::ErrorKind::StorageFull),
        };
        assert_eq!(full.cause(), StorageCause::DiskFull);
        let denied = StoreError::Io {
            path: "x".into(),
            source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        };
        assert_eq!(denied.cause(), StorageCause::NoPermission);
        assert_eq!(StoreError::BadId { id: "x".into() }.cause(), StorageCause::Other);
    }
}
