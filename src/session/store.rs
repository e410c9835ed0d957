//! Sessions on disk: one folder per run of the live pipeline in the platform's data
//! folder, holding `session.json` (what it was, and its summary so far), `frames.csv`
//! (per-hop metrics and gauge bands) and, when recording is on, `audio.wav`.
//!
//! Plain files rather than a database: they are appended to as the call goes on,
//! flushed once a second, readable by any tool, and one folder deleted is one session gone.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::recorder::{Recorder, RecorderError};
use crate::analysis::{Frame, Lang, Summary};
use crate::coach::{Band, CoachState, Cue};

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Recorder(#[from] RecorderError),
    #[error("no session {id:?} in {root}")]
    NotFound { id: String, root: PathBuf },
    #[error("{path}: damaged session file: {reason}")]
    Damaged { path: PathBuf, reason: String },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_path_buf(), source }
}

/// `SPEECH_COACH_DATA_DIR` overrides the platform folder.
pub fn default_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("SPEECH_COACH_DATA_DIR") {
        return PathBuf::from(dir).join("sessions");
    }
    directories::ProjectDirs::from("", "", "speech-coach")
        .map(|d| d.data_dir().join("sessions"))
        .unwrap_or_else(|| PathBuf::from("speech-coach-sessions"))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    pub id: String,
    pub started_unix_s: u64,
    pub ended_unix_s: Option<u64>,
    pub source: String,
    pub lang: Lang,
    pub recording: bool,
    pub summary: Option<Summary>,
    pub cues: Vec<CueEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CueEvent {
    pub time_s: f64,
    pub cue: Cue,
}

pub const FRAMES_HEADER: &str = "time_s,f0_hz,level_dbfs,voiced,speech,syllable,active_level_dbfs,pace,pitch_spread_st,pace_band,volume_band,tone_band";

fn band_code(b: Option<Band>) -> &'static str {
    match b {
        Some(Band::Green) => "G",
        Some(Band::Amber) => "A",
        Some(Band::Red) => "R",
        None => "",
    }
}

fn opt(v: Option<f32>) -> String {
    v.map_or(String::new(), |v| format!("{v:.2}"))
}

/// Writes one session as it happens.
pub struct SessionWriter {
    dir: PathBuf,
    meta: SessionMeta,
    frames: BufWriter<File>,
    recorder: Option<Recorder>,
    record: bool,
    last_checkpoint: Instant,
    last_cue: Option<Cue>,
}

fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl SessionWriter {
    pub fn create(root: &Path, source: &str, lang: Lang, record: bool) -> Result<Self, StoreError> {
        let started = now_unix();
        std::fs::create_dir_all(root).map_err(io(root))?;
        // Unique, sortable ids: start time plus a counter for sessions in the same second.
        let (id, dir) = (0..1000)
            .map(|n| {
                let id = if n == 0 { format!("{started}") } else { format!("{started}-{n}") };
                let dir = root.join(&id);
                (id, dir)
            })
            .find(|(_, d)| std::fs::create_dir(d).is_ok())
            .ok_or_else(|| StoreError::Io {
                path: root.to_path_buf(),
                source: std::io::Error::other("cannot create a session folder"),
            })?;
        let frames_path = dir.join("frames.csv");
        let mut frames = BufWriter::new(File::create(&frames_path).map_err(io(&frames_path))?);
        writeln!(frames, "{FRAMES_HEADER}").map_err(io(&frames_path))?;
        let meta = SessionMeta {
            id,
            started_unix_s: started,
            ended_unix_s: None,
            source: source.into(),
            lang,
            recording: record,
            summary: None,
            cues: Vec::new(),
        };
        let w = Self {
            dir,
            meta,
            frames,
            recorder: None,
            record,
            last_checkpoint: Instant::now(),
            last_cue: None,
        };
        w.write_meta()?;
        Ok(w)
    }

    pub fn id(&self) -> &str {
        &self.meta.id
    }
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn write_meta(&self) -> Result<(), StoreError> {
        let path = self.dir.join("session.json");
        let tmp = self.dir.join("session.json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(&self.meta).expect("meta serialises"))
            .map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))
    }

    /// Audio exactly as analysed (mono, at the device rate).
    pub fn audio(&mut self, samples: &[f32], sample_rate: u32) -> Result<(), StoreError> {
        if !self.record {
            return Ok(());
        }
        if self.recorder.as_ref().is_some_and(|r| r.sample_rate() != sample_rate) {
            // A reconnect at another rate starts a new file rather than corrupting this one.
            if let Some(r) = self.recorder.take() {
                r.finish()?;
            }
            let n = std::fs::read_dir(&self.dir).map(|d| d.count()).unwrap_or(0);
            std::fs::rename(
                self.dir.join("audio.wav"),
                self.dir.join(format!("audio-part{n}.wav")),
            )
            .map_err(io(&self.dir))?;
        }
        if self.recorder.is_none() {
            self.recorder = Some(Recorder::create(&self.dir.join("audio.wav"), sample_rate)?);
        }
        self.recorder.as_mut().expect("created above").write(samples)?;
        Ok(())
    }

    /// The summary written at the next checkpoint.
    pub fn set_summary(&mut self, summary: &Summary) {
        self.meta.summary = Some(summary.clone());
    }

    pub fn frame(&mut self, f: &Frame, c: &CoachState) -> Result<(), StoreError> {
        let path = self.dir.join("frames.csv");
        writeln!(
            self.frames,
            "{:.3},{:.2},{:.2},{},{},{},{},{},{},{},{},{}",
            f.time_s,
            f.f0_hz,
            f.level_dbfs,
            u8::from(f.voiced()),
            u8::from(f.speech),
            u8::from(f.syllable),
            opt(f.active_level_dbfs),
            opt(c.pace.value),
            opt(f.pitch_spread_st),
            band_code(c.pace.band),
            band_code(c.volume.band),
            band_code(c.tone.band),
        )
        .map_err(io(&path))?;
        if c.cue != self.last_cue {
            if let Some(cue) = c.cue {
                self.meta.cues.push(CueEvent { time_s: f.time_s, cue });
            }
            self.last_cue = c.cue;
        }
        if self.last_checkpoint.elapsed() >= Duration::from_secs(1) {
            self.frames.flush().map_err(io(&path))?;
            self.write_meta()?;
            self.last_checkpoint = Instant::now();
        }
        Ok(())
    }

    pub fn finish(mut self, summary: Option<Summary>) -> Result<SessionMeta, StoreError> {
        let path = self.dir.join("frames.csv");
        self.frames.flush().map_err(io(&path))?;
        if let Some(r) = self.recorder.take() {
            r.finish()?;
        }
        self.meta.summary = summary.or(self.meta.summary.take());
        self.meta.ended_unix_s = Some(now_unix());
        self.write_meta()?;
        Ok(self.meta)
    }
}

/// One entry of the session list; a damaged session is listed with what is wrong.
#[derive(Debug)]
pub enum Listed {
    Ok(SessionMeta),
    Damaged { id: String, reason: String },
}

pub fn load_meta(dir: &Path) -> Result<SessionMeta, StoreError> {
    let path = dir.join("session.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| StoreError::Damaged { path: path.clone(), reason: e.to_string() })?;
    serde_json::from_str(&text).map_err(|e| StoreError::Damaged { path, reason: e.to_string() })
}

pub fn list(root: &Path) -> Result<Vec<Listed>, StoreError> {
    let entries = match std::fs::read_dir(root) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::Io { path: root.to_path_buf(), source: e }),
    };
    let mut dirs: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    Ok(dirs
        .into_iter()
        .map(|d| match load_meta(&d) {
            Ok(m) => Listed::Ok(m),
            Err(e) => Listed::Damaged {
                id: d.file_name().unwrap_or_default().to_string_lossy().into(),
                reason: e.to_string(),
            },
        })
        .collect())
}

pub fn session_dir(root: &Path, id: &str) -> Result<PathBuf, StoreError> {
    let dir = root.join(id);
    if id.is_empty() || id.contains(['/', '\\']) || !dir.is_dir() {
        return Err(StoreError::NotFound { id: id.into(), root: root.to_path_buf() });
    }
    Ok(dir)
}

/// Deletes a session and its audio.
pub fn delete(root: &Path, id: &str) -> Result<(), StoreError> {
    let dir = session_dir(root, id)?;
    std::fs::remove_dir_all(&dir).map_err(io(&dir))
}
