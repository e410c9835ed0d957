//! Offline analysis of a recording (WAV, MP3, FLAC, Ogg Vorbis, AAC: [`Recording`])
//! through the streaming analyser, fed in blocks as a microphone would feed it.
//!
//! A call has two sides: [`analyse_call`] runs one analyser per side (two channels of one
//! recording, or two files) in lockstep, as the live window runs one per capture stream,
//! and hands each pair of frames describing the same 10 ms to the caller's code. Frames are
//! paired by hop index, so two files at different rates pair up all the same (each
//! analyser runs at its file's rate; both hop every 10 ms); a side that ends first is
//! silence from there on.

use std::collections::VecDeque;
use std::path::Path;

use thiserror::Error;

use crate::analysis::{Analyser, AnalyserConfig, AnalysisError, Floor, Frame, Summary};
use crate::audio::{Channels, Recording, RecordingError};
use crate::dsp::level::SILENCE_DBFS;

/// Frames per block handed to the analyser: 1024, a typical capture buffer.
pub const BLOCK_FRAMES: usize = 1024;

#[derive(Debug, Error)]
pub enum OfflineError {
    #[error(transparent)]
    Recording(#[from] RecordingError),
    #[error("{path}: {source}")]
    Analysis { path: String, source: AnalysisError },
    #[error(
        "{path}: has {channels} {noun}; a call in one file needs two, one for the agent and one for the caller",
        noun = crate::words::counted(["channel", "channels"], i64::from(*.channels))
    )]
    NotTwoChannels { path: String, channels: u16 },
}

/// What the file was, as well as what was in it.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo {
    pub sample_rate: u32,
    pub channels: u16,
    /// As the file states it; for a compressed file that states none (an MP3 without a
    /// Xing header), the length decoded, known once it has been read to its end.
    pub duration_s: f64,
}

impl FileInfo {
    fn of(source: &Recording) -> Self {
        Self {
            sample_rate: source.sample_rate(),
            channels: source.channels(),
            duration_s: source.duration_s().unwrap_or(0.0),
        }
    }
}

/// Analyses the recording at `path`, in any format [`Recording`] reads (the name stays
/// from when that was WAV alone); `on_frame` sees every frame, `on_progress` the seconds
/// read so far and the file's duration (0 when a compressed file states none).
pub fn analyse_wav(
    path: &Path,
    config: impl FnOnce(u32) -> AnalyserConfig,
    mut on_frame: impl FnMut(&Frame),
    mut on_progress: impl FnMut(f64, f64),
) -> Result<(FileInfo, Summary), OfflineError> {
    let mut source = Recording::open(path)?;
    let mut info = FileInfo::of(&source);
    let mut analyser = Analyser::new(config(info.sample_rate))
        .map_err(|source| OfflineError::Analysis { path: path.display().to_string(), source })?;
    let mut block = Vec::with_capacity(BLOCK_FRAMES);
    while source.read_block_channels(&mut block, BLOCK_FRAMES, Channels::Mix)? > 0 {
        analyser.process(&block, &mut on_frame);
        on_progress(analyser.duration_s(), info.duration_s);
    }
    let summary = analyser.finish(&mut on_frame);
    if source.duration_s().is_none() {
        info.duration_s = summary.duration_s;
    }
    Ok((info, summary))
}

/// Where the two sides of a call come from.
#[derive(Debug, Clone, Copy)]
pub enum CallSides<'a> {
    /// Two channels of one recording (counted from 0; a stereo call recorder puts one side
    /// on the left, 0, and the other on the right, 1).
    Channels { path: &'a Path, agent: usize, caller: usize },
    /// One file for each side.
    Files { agent: &'a Path, caller: &'a Path },
}

/// What each side's file was.
#[derive(Debug, Clone, Copy)]
pub struct CallInfo {
    pub agent: FileInfo,
    pub caller: FileInfo,
}

/// Each side's own figures, as `analyse_wav` gives them for one voice.
#[derive(Debug, Clone)]
pub struct CallSummaries {
    pub agent: Summary,
    pub caller: Summary,
}

/// One side: its source, its analyser, and the frames it has made but not yet paired.
struct SideStream {
    path: String,
    source: Recording,
    pick: Channels,
    analyser: Analyser,
    block: Vec<f32>,
    frames: VecDeque<Frame>,
    summary: Option<Summary>,
}

impl SideStream {
    fn open(
        path: &Path,
        pick: Channels,
        config: &impl Fn(u32) -> AnalyserConfig,
    ) -> Result<(Self, FileInfo), OfflineError> {
        let source = Recording::open(path)?;
        let info = FileInfo::of(&source);
        let path = path.display().to_string();
        let analyser = Analyser::new(config(info.sample_rate))
            .map_err(|source| OfflineError::Analysis { path: path.clone(), source })?;
        let block = Vec::with_capacity(BLOCK_FRAMES);
        let side =
            Self { path, source, pick, analyser, block, frames: VecDeque::new(), summary: None };
        Ok((side, info))
    }

    /// The next frame, reading blocks as needed; `None` once the side has ended.
    fn next(&mut self) -> Result<Option<Frame>, OfflineError> {
        while self.frames.is_empty() && self.summary.is_none() {
            let frames = &mut self.frames;
            let mut sink = |f: &Frame| frames.push_back(*f);
            if self.source.read_block_channels(&mut self.block, BLOCK_FRAMES, self.pick)? > 0 {
                self.analyser.process(&self.block, &mut sink);
            } else {
                self.summary = Some(self.analyser.finish(&mut sink));
            }
        }
        Ok(self.frames.pop_front())
    }

    /// Seconds read so far, or `total` once the side has ended.
    fn progress_s(&self, total: f64) -> f64 {
        if self.summary.is_some() { total } else { self.analyser.duration_s() }
    }
}

/// A hop of silence: what a side that has ended says for the rest of the call.
fn silent_frame(time_s: f64) -> Frame {
    Frame { time_s, level_dbfs: SILENCE_DBFS, ..Frame::default() }
}

/// Analyses both sides of a call in lockstep, 1024-frame blocks each, as the live window
/// would; `on_pair` sees every pair of frames (agent, caller) for the same hop, until the
/// longer side ends, and says who talks there as its conversation hears it
/// (`Floor::default()` without one), which the agent's analyser follows
/// (`Analyser::hear_call`: its background, the end of its turns) as the live worker's
/// does; `on_progress` the seconds done and the longer side's duration.
pub fn analyse_call(
    sides: CallSides,
    config: impl Fn(u32) -> AnalyserConfig,
    mut on_pair: impl FnMut(&Frame, &Frame) -> Floor,
    mut on_progress: impl FnMut(f64, f64),
) -> Result<(CallInfo, CallSummaries), OfflineError> {
    let ((mut agent, agent_info), (mut caller, caller_info)) = match sides {
        CallSides::Channels { path, agent, caller } => {
            let (agent, info) = SideStream::open(path, Channels::Only(agent), &config)?;
            if info.channels < 2 {
                return Err(OfflineError::NotTwoChannels {
                    path: path.display().to_string(),
                    channels: info.channels,
                });
            }
            ((agent, info), SideStream::open(path, Channels::Only(caller), &config)?)
        }
        CallSides::Files { agent, caller } => (
            SideStream::open(agent, Channels::Mix, &config)?,
            SideStream::open(caller, Channels::Mix, &config)?,
        ),
    };
    let total_s = agent_info.duration_s.max(caller_info.duration_s);
    let mut hop: u64 = 0;
    loop {
        let (a, c) = (agent.next()?, caller.next()?);
        let (a, c) = match (a, c) {
            (None, None) => break,
            (Some(a), Some(c)) => (a, c),
            (Some(a), None) => (a, silent_frame(a.time_s)),
            (None, Some(c)) => (silent_frame(c.time_s), c),
        };
        agent.analyser.hear_call(on_pair(&a, &c));
        hop += 1;
        // Every 1024 hops (about 10 s of call) is often enough for a progress bar.
        if hop.is_multiple_of(1024) {
            on_progress(agent.progress_s(total_s).min(caller.progress_s(total_s)), total_s);
        }
    }
    on_progress(total_s, total_s);
    let summary = |side: SideStream| {
        side.summary.unwrap_or_else(|| unreachable!("{}: both sides ran to their end", side.path))
    };
    let summaries = CallSummaries { agent: summary(agent), caller: summary(caller) };
    let mut info = CallInfo { agent: agent_info, caller: caller_info };
    // A length the file did not state (0 in `FileInfo::of`: no file read here is empty) is
    // the length decoded.
    for (side, summary) in
        [(&mut info.agent, &summaries.agent), (&mut info.caller, &summaries.caller)]
    {
        if side.duration_s == 0.0 {
            side.duration_s = summary.duration_s;
        }
    }
    Ok((info, summaries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp(name: &str) -> PathBuf {
        tempfile::Builder::new()
            .prefix("speech-coach-offline-")
            .tempdir()
            .unwrap()
            .keep()
            .join(name)
    }

    /// A 180 Hz vowel-like tone with harmonics where `on(t)`, low noise elsewhere.
    fn voice(rate: u32, seconds: f64, on: impl Fn(f64) -> bool) -> Vec<f32> {
        let mut seed = 1u32;
        (0..(rate as f64 * seconds) as usize)
            .map(|n| {
                let t = n as f64 / rate as f64;
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                let tone: f32 = (1..6)
                    .map(|h| {
                        0.2 / h as f32 * (std::f64::consts::TAU * 180.0 * h as f64 * t).sin() as f32
                    })
                    .sum();
                let tone = if on(t) { tone } else { 0.0 };
                tone + 0.001 * noise
            })
            .collect()
    }

    fn write_stereo(path: &Path, rate: u32, left: &[f32], right: &[f32]) {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for (l, r) in left.iter().zip(right) {
            w.write_sample((l * 32767.0) as i16).unwrap();
            w.write_sample((r * 32767.0) as i16).unwrap();
        }
        w.finalize().unwrap();
    }

    type Pairs = Vec<(Frame, Frame)>;

    fn run(sides: CallSides) -> Result<(CallInfo, CallSummaries, Pairs), OfflineError> {
        let mut pairs = Vec::new();
        let (info, summaries) = analyse_call(
            sides,
            AnalyserConfig::new,
            |a, c| {
                pairs.push((*a, *c));
                Floor::default()
            },
            |_, _| {},
        )?;
        Ok((info, summaries, pairs))
    }

    #[test]
    fn two_files_at_different_rates_pair_by_hop_and_the_shorter_side_falls_silent() {
        let agent = temp("agent-16k.wav");
        let caller = temp("caller-8k.wav");
        crate::audio::wav::write_mono_i16(&agent, 16_000, &voice(16_000, 3.0, |t| t > 2.0))
            .unwrap();
        crate::audio::wav::write_mono_i16(&caller, 8000, &voice(8000, 1.5, |t| t > 0.5)).unwrap();
        let (info, summaries, pairs) =
            run(CallSides::Files { agent: &agent, caller: &caller }).unwrap();
        assert_eq!((info.agent.sample_rate, info.caller.sample_rate), (16_000, 8000));
        // The longer side's 3 s: 300 hops, every pair describing the same 10 ms.
        assert_eq!(pairs.len(), 300);
        assert!(pairs.iter().enumerate().all(|(k, (a, c))| {
            (a.time_s - k as f64 * 0.01).abs() < 1e-9 && a.time_s == c.time_s
        }));
        // The caller talks from 0.5 s to their file's end; silence (and no talk) after it.
        assert!(pairs[100].1.speech && !pairs[100].0.speech);
        assert!(pairs[160..].iter().all(|(_, c)| !c.speech && c.level_dbfs == SILENCE_DBFS));
        assert!(pairs[250].0.speech);
        // Each side's figures are its file's alone, as `analyse_wav` gives them.
        let (_, alone) = analyse_wav(&agent, AnalyserConfig::new, |_| {}, |_, _| {}).unwrap();
        assert_eq!(summaries.agent, alone);
        assert!((summaries.caller.duration_s - 1.5).abs() < 1e-9);
    }

    #[test]
    fn the_two_channels_of_one_recording_are_the_two_sides() {
        let path = temp("call-stereo.wav");
        // The VAD needs a moment of line noise before speech to know its floor.
        let left = voice(8000, 2.0, |t| (0.3..1.0).contains(&t));
        let right = voice(8000, 2.0, |t| t >= 1.3);
        write_stereo(&path, 8000, &left, &right);
        let (_, _, pairs) = run(CallSides::Channels { path: &path, agent: 0, caller: 1 }).unwrap();
        assert_eq!(pairs.len(), 200);
        assert!(pairs[70].0.speech && !pairs[70].1.speech);
        assert!(!pairs[170].0.speech && pairs[170].1.speech);
        // Swapped: the agent on the right.
        let (_, _, pairs) = run(CallSides::Channels { path: &path, agent: 1, caller: 0 }).unwrap();
        assert!(!pairs[70].0.speech && pairs[70].1.speech);
    }

    #[test]
    fn a_mono_recording_cannot_hold_both_sides() {
        let path = temp("mono.wav");
        crate::audio::wav::write_mono_i16(&path, 8000, &voice(8000, 0.5, |_| true)).unwrap();
        let err = run(CallSides::Channels { path: &path, agent: 0, caller: 1 }).unwrap_err();
        assert!(matches!(err, OfflineError::NotTwoChannels { channels: 1, .. }), "{err}");
        assert!(err.to_string().contains("mono.wav: has 1 channel;"), "{err}");
    }
}
