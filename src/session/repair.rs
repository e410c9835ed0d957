//! Closing the calls a process left open: killed, crashed, or the PC lost power in the
//! middle of a call. Such a session has everything up to its last checkpoint on disk
//! (frames, the summary so far, a recording whose header covers all but the last half
//! second) but no end, so it was never counted as a finished call nor sent to the team.
//! The next start (the window, `listen`, `team sync`) closes it from what is on disk:
//! its end is its last stored frame or sample, `ended_by: "interrupted"`, and the
//! recording's header is brought up to every whole sample in the file.
//!
//! A session whose writer still runs (another `listen`, the window) is left alone: its
//! `writing.lock` is held ([`WRITING_LOCK`]).

use std::path::Path;

use super::catalog::{self, Listed};
use super::frames::{self, Line};
use super::recorder;
use super::store::{self, SessionMeta, StoreError, WRITING_LOCK};
use crate::analysis::{AnalyserConfig, Summary, analyse_wav};
use crate::conversation::bounds::CallEnd;
use crate::platform::files::{self, Links};

/// Closes every session under `root` that has no end and no living writer; returns the
/// ids it closed. A session it cannot close (its files unreadable, a full disk) is left as
/// it was and tried again at the next start.
pub fn close_interrupted(root: &Path) -> Result<Vec<String>, StoreError> {
    let mut closed = Vec::new();
    for listed in catalog::list(root)? {
        let Listed::Ok(meta) = listed else { continue };
        if meta.ended_unix_s.is_some() {
            continue;
        }
        let Ok(dir) = catalog::session_dir(root, &meta.id) else { continue };
        if writer_alive(&dir) {
            continue;
        }
        if close(&dir, &meta).is_ok() {
            closed.push(meta.id);
        }
    }
    Ok(closed)
}

/// [`close_interrupted`] as a start does it: one line on stderr for what was closed or
/// could not be looked at, and the start goes on either way.
pub fn close_interrupted_at_start(root: &Path) {
    match close_interrupted(root) {
        Ok(closed) if closed.is_empty() => {}
        Ok(closed) => {
            crate::errln!(
                "speech-coach: closed {} call(s) left open when the app was killed or crashed \
                 ({}); they count and are sent like any other",
                closed.len(),
                closed.join(", ")
            );
        }
        Err(e) => crate::errln!("speech-coach: calls left open could not be looked for: {e}"),
    }
}

/// Whether the session's writer still holds its lock. No lock file: written before
/// sessions had one, by a version long since stopped.
fn writer_alive(dir: &Path) -> bool {
    let path = dir.join(WRITING_LOCK);
    if files::check_regular(&path, Links::Refuse).is_err() {
        return false;
    }
    match std::fs::OpenOptions::new().read(true).write(true).open(&path) {
        Ok(file) => matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        // Cannot look: better a call left open than one closed under its writer.
        Err(_) => true,
    }
}

/// Closes one session.
fn close(dir: &Path, meta: &SessionMeta) -> Result<(), StoreError> {
    let mut length_s = last_frame_s(dir).unwrap_or(0.0);
    let wav = dir.join("audio.wav");
    let mut summary = None;
    // Only a recording the store could have written counts: a FIFO, a device or a link in
    // its place is left alone and the call closed from its frames, rather than left open
    // (its repair refused at every start, and the call never sent: issue 22 C4).
    if files::check_regular(&wav, Links::Refuse).is_ok() {
        let repaired = recorder::repair_header(&wav)
            .map_err(|source| StoreError::Io { path: wav.clone(), source })?;
        if let Some((rate, samples)) = repaired {
            length_s = length_s.max(samples as f64 / f64::from(rate));
            // Killed before its first checkpoint (the summary so far is written once a
            // second): the same analyser as `analyze`, on the recording.
            if meta.summary.is_none() {
                let config = |rate| AnalyserConfig::new(rate).with_lang(meta.lang);
                summary = analyse_wav(&wav, config, |_| {}, |_, _| {}).ok().map(|(_, s)| s);
            }
        }
    }
    let ended = meta.started_unix_s.saturating_add(length_s.ceil() as u64);
    set_end(dir, ended, summary.as_ref())?;
    let _ = std::fs::remove_file(dir.join(WRITING_LOCK));
    Ok(())
}

/// The time of the last readable row of `frames.csv`, with its hop.
fn last_frame_s(dir: &Path) -> Option<f64> {
    let file = files::open_regular(&dir.join("frames.csv"), Links::Refuse).ok()?;
    let mut last = None;
    frames::read(std::io::BufReader::new(file), |line| {
        if let Line::Row(row) = line {
            last = Some(row.time_s + crate::analysis::HOP_S);
        }
    })
    .ok()?;
    last
}

/// Writes the end (and a summary, if one was made) into `session.json`, every other field (unknown ones too) as it was.
fn set_end(dir: &Path, ended_unix_s: u64, summary: Option<&Summary>) -> Result<(), StoreError> {
    store::set_fields(dir, true, |object| {
        object.insert("ended_unix_s".into(), ended_unix_s.into());
        let by = serde_json::to_value(CallEnd::Interrupted).expect("an enum serialises");
        object.insert("ended_by".into(), by);
        if let Some(summary) = summary {
            let summary = serde_json::to_value(summary).expect("a summary serialises");
            object.insert("summary".into(), summary);
        }
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use super::*;
    use crate::analysis::{Frame, Lang};
    use crate::audio::WavSource;
    use crate::coach::CoachState;
    use crate::session::frames::Talk;
    use crate::session::store::SessionWriter;

    fn root() -> PathBuf {
        tempfile::Builder::new().prefix("speech-coach-repair-").tempdir().unwrap().keep()
    }

    /// A call of `seconds` written as the pipeline writes one, not yet closed.
    fn running_call(root: &Path, seconds: f64) -> SessionWriter {
        let mut w = SessionWriter::create(root, "test mic", Lang::Zh, true).unwrap();
        w.set_summary(&Summary { speech_s: 1.0, ..Summary::empty() });
        let hops = (seconds * 100.0) as usize;
        for i in 0..hops {
            let f = Frame { time_s: i as f64 * 0.01, speech: true, ..Frame::default() };
            let _ = w.frame(&f, &CoachState::default(), Talk::default());
            w.audio(&[0.1; 160], 16_000).unwrap();
        }
        w
    }

    fn meta(dir: &Path) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("session.json")).unwrap()).unwrap()
    }

    #[test]
    fn a_call_whose_writer_is_gone_is_closed_with_its_length_and_a_whole_recording() {
        let root = root();
        let w = running_call(&root, 3.0);
        let (id, dir) = (w.id().to_string(), w.dir().to_path_buf());
        // While its writer lives, the call is not touched.
        assert!(close_interrupted(&root).unwrap().is_empty());
        assert!(meta(&dir)["ended_unix_s"].is_null());
        // The process dies (dropped unclosed); a kill also leaves samples past the
        // header's last checkpoint, and here part of one more.
        drop(w);
        let wav = dir.join("audio.wav");
        let mut file = std::fs::OpenOptions::new().append(true).open(&wav).unwrap();
        file.write_all(&[0u8; 4 * 1000 + 2]).unwrap();
        drop(file);
        let closed = close_interrupted(&root).unwrap();
        assert_eq!(closed, [id]);
        let m = meta(&dir);
        assert_eq!(m["ended_by"], "interrupted");
        let (started, ended) = (m["started_unix_s"].as_u64().unwrap(), m["ended_unix_s"].as_u64());
        // 3 s of frames and 3 s + 1000 samples of audio: 4 s once rounded up.
        assert_eq!(ended, Some(started + 4), "{m}");
        assert_eq!(WavSource::open(&wav).unwrap().frames_total(), 300 * 160 + 1000);
        assert!(!dir.join(WRITING_LOCK).exists());
        // Closed once: a second start finds nothing more to do.
        assert!(close_interrupted(&root).unwrap().is_empty());
        // And it is now a finished call like any other.
        let listed = catalog::list(&root).unwrap();
        let [Listed::Ok(m)] = &listed[..] else { panic!("{listed:?}") };
        assert_eq!(m.ended_by, Some(CallEnd::Interrupted));
        // Killed before its first checkpoint: the summary is the recording's.
        let summary = m.summary.as_ref().expect("a summary");
        assert!((summary.duration_s - (3.0 + 1000.0 / 16000.0)).abs() < 0.02, "{summary:?}");
    }

    #[test]
    fn a_closed_call_is_left_as_it_is_and_unknown_fields_survive_a_repair() {
        let root = root();
        let done = running_call(&root, 1.0);
        let done_dir = done.dir().to_path_buf();
        let _ = done.finish(None, None);
        let before = std::fs::read(done_dir.join("session.json")).unwrap();
        let killed = running_call(&root, 1.0);
        let killed_dir = killed.dir().to_path_buf();
        drop(killed);
        let mut m = meta(&killed_dir);
        m["from_a_newer_version"] = serde_json::json!({"kept": true});
        std::fs::write(killed_dir.join("session.json"), m.to_string()).unwrap();
        assert_eq!(close_interrupted(&root).unwrap().len(), 1);
        assert_eq!(std::fs::read(done_dir.join("session.json")).unwrap(), before);
        assert_eq!(meta(&killed_dir)["from_a_newer_version"]["kept"], true);
    }

    #[test]
    fn a_session_without_a_lock_file_was_left_by_an_older_version_and_is_closed() {
        let root = root();
        let w = running_call(&root, 0.5);
        let dir = w.dir().to_path_buf();
        drop(w);
        std::fs::remove_file(dir.join(WRITING_LOCK)).unwrap();
        assert_eq!(close_interrupted(&root).unwrap().len(), 1);
        assert_eq!(meta(&dir)["ended_by"], "interrupted");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_link_in_place_of_the_recording_leaves_it_alone_and_closes_the_call_from_its_frames()
     {
        let root = root();
        let make_fifo = |p: &Path| {
            let _ = std::fs::remove_file(p);
            assert!(std::process::Command::new("mkfifo").arg(p).status().unwrap().success());
        };
        let make_link = |p: &Path| {
            let _ = std::fs::remove_file(p);
            std::os::unix::fs::symlink("/dev/zero", p).unwrap();
        };
        let mut dirs = Vec::new();
        for replace in [&make_fifo as &dyn Fn(&Path), &make_link] {
            let w = running_call(&root, 2.0);
            let dir = w.dir().to_path_buf();
            drop(w);
            replace(&dir.join("audio.wav"));
            dirs.push(dir);
        }
        // Before, the recording's repair was refused at every start: left open for ever.
        assert_eq!(close_interrupted(&root).unwrap().len(), 2);
        for dir in &dirs {
            let m = meta(dir);
            assert_eq!(m["ended_by"], "interrupted");
            // 2 s of frames (its last hop's end, rounded up: 2 or 3 s by the rounding).
            let length =
                m["ended_unix_s"].as_u64().unwrap() - m["started_unix_s"].as_u64().unwrap();
            assert!((2..=3).contains(&length), "{m}");
            assert!(std::fs::symlink_metadata(dir.join("audio.wav")).is_ok(), "left alone");
        }
    }

    #[test]
    fn a_recording_of_another_layout_is_not_rewritten() {
        let root = root();
        let w = running_call(&root, 0.5);
        let dir = w.dir().to_path_buf();
        drop(w);
        let wav = dir.join("audio.wav");
        let mut bytes = std::fs::read(&wav).unwrap();
        bytes[20] = 1; // PCM, not this recorder's float layout
        std::fs::write(&wav, &bytes).unwrap();
        assert_eq!(recorder::repair_header(&wav).unwrap(), None);
        assert_eq!(std::fs::read(&wav).unwrap(), bytes);
    }
}
