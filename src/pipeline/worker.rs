//! The analyser side of the pipeline, as a struct with small steps so that it can be
//! driven and tested without threads: handle a command, analyse a block, store what it
//! produced, publish to the shared state.
//!
//! Disk I/O (session audio, frames, summary) happens in [`AnalyserWorker::store`],
//! outside the state lock the window takes on every repaint; [`AnalyserWorker::publish`]
//! only copies small values under it.

use std::collections::VecDeque;
use std::time::Instant;

use crate::analysis::{Analyser, AnalyserConfig, AnalysisError, Frame, Summary};
use crate::coach::rehearsal::Rehearsal;
use crate::coach::{Baseline, Calibration, Coach, CoachState};
use crate::session::store::{Finished, PartFailed, SessionWriter};

use super::state::{Command, LiveState, StorageProblem, TimelinePoint};

/// Blocks remembered for the capture-to-frame latency (more than a second of audio).
const RECENT_BLOCKS: usize = 64;

pub struct AnalyserWorker {
    coach: Coach,
    analyser: Option<Analyser>,
    /// Stream time already analysed by earlier analysers (a reconnect may change the rate).
    time_offset_s: f64,
    /// The frames of the last block, each with the coach state it produced.
    new_frames: Vec<(Frame, CoachState)>,
    calibration: Option<Calibration>,
    calibration_result: Option<Option<Baseline>>,
    /// When the audio up to each recent block's end was captured.
    recent_blocks: VecDeque<(f64, Instant)>,
    rehearsal: Option<Rehearsal>,
    /// (current line, finished lines) last published, so results are copied on change only.
    rehearsal_published: Option<(usize, usize)>,
    session: Option<SessionWriter>,
    /// Storage failures not yet published.
    problems: Vec<StorageProblem>,
    summary: Option<Summary>,
}

impl AnalyserWorker {
    pub fn new(coach: Coach, session: Option<SessionWriter>) -> Self {
        Self {
            coach,
            analyser: None,
            time_offset_s: 0.0,
            new_frames: Vec::with_capacity(64),
            calibration: None,
            calibration_result: None,
            recent_blocks: VecDeque::with_capacity(RECENT_BLOCKS),
            rehearsal: None,
            rehearsal_published: None,
            session,
            problems: Vec::new(),
            summary: None,
        }
    }

    pub fn handle(&mut self, command: Command) {
        match command {
            Command::SetLang(lang) => self.coach.set_lang(lang),
            Command::SetBaseline(b) => self.coach.set_baseline(b),
            Command::StartCalibration => self.calibration = Some(Calibration::default()),
            Command::StartRehearsal(script) => {
                self.rehearsal = Some(Rehearsal::new(script, self.coach.lang()));
                self.rehearsal_published = None;
            }
        }
    }

    /// The frames (and coach states) of the last analysed block.
    pub fn new_frames(&self) -> impl Iterator<Item = &Frame> {
        self.new_frames.iter().map(|(f, _)| f)
    }

    /// Runs the analyser, coach, calibration and rehearsal over one block.
    pub fn analyse(
        &mut self,
        samples: &[f32],
        sample_rate: u32,
        captured_at: Instant,
    ) -> Result<(), AnalysisError> {
        if self.analyser.as_ref().is_none_or(|a| a.sample_rate() != sample_rate) {
            let fresh = Analyser::new(AnalyserConfig::new(sample_rate))?;
            if let Some(old) = self.analyser.replace(fresh) {
                self.time_offset_s += old.duration_s();
            }
        }
        let a = self.analyser.as_mut().expect("created above");
        let offset = self.time_offset_s;
        let mut frames = std::mem::take(&mut self.new_frames);
        frames.clear();
        a.process(samples, &mut |f| frames.push((shifted(f, offset), CoachState::default())));
        if self.recent_blocks.len() == RECENT_BLOCKS {
            self.recent_blocks.pop_front();
        }
        self.recent_blocks.push_back((offset + a.duration_s(), captured_at));
        self.summary = Some(a.summary());
        for (f, c) in &mut frames {
            *c = *self.coach.push(f);
            self.feed_calibration(f);
            if let Some(r) = self.rehearsal.as_mut() {
                r.push(f);
            }
        }
        self.new_frames = frames;
        Ok(())
    }

    fn feed_calibration(&mut self, f: &Frame) {
        let Some(c) = self.calibration.as_mut() else { return };
        c.push(f);
        if c.done() {
            let result = c.finish();
            if result.is_some() {
                self.coach.set_baseline(result);
            }
            self.calibration_result = Some(result);
            self.calibration = None;
        }
    }

    /// Writes the block's audio and frames to the session, if one is stored. A failing
    /// part is reported once and the others go on.
    pub fn store(&mut self, samples: &[f32], sample_rate: u32) {
        let Some(w) = self.session.as_mut() else { return };
        let mut failed = Vec::new();
        if let Err(e) = w.audio(samples, sample_rate) {
            failed.push(e);
        }
        if let Some(summary) = &self.summary {
            w.set_summary(summary);
        }
        for (f, c) in &self.new_frames {
            failed.extend(w.frame(f, c));
        }
        self.problems.extend(failed.iter().map(StorageProblem::from));
    }

    /// Copies what changed into the shared state (call with the lock held; cheap).
    pub fn publish(&mut self, s: &mut LiveState, now: Instant) {
        for (f, c) in &self.new_frames {
            s.coach = *c;
            s.latest = Some(*f);
            let point = TimelinePoint {
                time_s: f.time_s,
                f0_hz: f.f0_hz,
                level_dbfs: f.level_dbfs,
                pace: c.pace.value,
            };
            s.push_timeline(point);
            let captured =
                self.recent_blocks.iter().find(|(end_s, _)| *end_s >= f.time_s).map(|b| b.1);
            if let Some(captured_at) = captured {
                s.push_latency(now.duration_since(captured_at).as_secs_f32() * 1000.0);
            }
        }
        s.lang = self.coach.lang();
        s.calibration.clone_from(&self.calibration);
        if let Some(result) = self.calibration_result.take() {
            s.calibration_result = Some(result);
        }
        if let Some(r) = &self.rehearsal {
            let results = r.results();
            let now_at = (r.current_line(), results.len());
            if self.rehearsal_published != Some(now_at) {
                s.rehearsal = Some((now_at.0, results));
                self.rehearsal_published = Some(now_at);
            }
        }
        if let Some(summary) = &self.summary {
            s.summary = Some(summary.clone());
        }
        s.session_id = self.session.as_ref().map(|w| w.id().to_string()).or(s.session_id.take());
        s.recording = self.session.as_ref().is_some_and(SessionWriter::recording);
        s.storage_problems.append(&mut self.problems);
    }

    /// Flushes the analyser's look-ahead into the session so that it covers every sample
    /// recorded, exactly as `analyze` on that recording would, and closes the session.
    pub fn finish(&mut self) -> Option<Finished> {
        self.new_frames.clear();
        let offset = self.time_offset_s;
        let mut tail = Vec::new();
        if let Some(a) = self.analyser.as_mut() {
            self.summary = Some(a.finish(&mut |f| tail.push(shifted(f, offset))));
        }
        let mut w = self.session.take()?;
        let mut failed: Vec<PartFailed> = Vec::new();
        for f in &tail {
            let c = *self.coach.push(f);
            failed.extend(w.frame(f, &c));
        }
        let (finished, more) = w.finish(self.summary.clone());
        failed.extend(more);
        self.problems.extend(failed.iter().map(StorageProblem::from));
        Some(finished)
    }
}

fn shifted(f: &Frame, offset_s: f64) -> Frame {
    Frame { time_s: f.time_s + offset_s, ..*f }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Lang;
    use crate::session::store::SessionPart;

    fn tone(seconds: f32, rate: u32) -> Vec<f32> {
        (0..(seconds * rate as f32) as usize)
            .map(|i| 0.3 * (i as f32 * 2.0 * std::f32::consts::PI * 150.0 / rate as f32).sin())
            .collect()
    }

    fn root(name: &str) -> std::path::PathBuf {
        let d =
            std::env::temp_dir().join(format!("speech-coach-worker-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn run(worker: &mut AnalyserWorker, samples: &[f32], rate: u32) -> LiveState {
        let mut state = LiveState::new(Lang::Zh);
        for block in samples.chunks(1024) {
            worker.analyse(block, rate, Instant::now()).unwrap();
            worker.store(block, rate);
            worker.publish(&mut state, Instant::now());
        }
        state
    }

    #[test]
    fn frames_continue_in_time_across_a_rate_change() {
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), None);
        let state = run(&mut w, &tone(1.0, 16000), 16000);
        let before = state.latest.unwrap().time_s;
        let mut state = LiveState::new(Lang::Zh);
        for block in tone(1.0, 48000).chunks(1024) {
            w.analyse(block, 48000, Instant::now()).unwrap();
            w.publish(&mut state, Instant::now());
        }
        let after = state.latest.unwrap().time_s;
        assert!(after > before + 0.8, "{before} → {after}: time must go on, not restart");
    }

    #[test]
    fn an_unsupported_rate_is_an_error_not_a_panic() {
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), None);
        assert!(w.analyse(&[0.0; 10], 100, Instant::now()).is_err());
    }

    #[test]
    fn a_stored_session_covers_every_frame_and_a_failing_recording_is_published_once() {
        let root = root("store");
        let session = SessionWriter::create(&root, "test", Lang::Zh, true).unwrap();
        let dir = session.dir().to_path_buf();
        std::fs::create_dir(dir.join("audio.wav")).unwrap(); // recording cannot start
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), Some(session));
        let mut state = run(&mut w, &tone(2.0, 16000), 16000);
        assert_eq!(state.storage_problems.len(), 1, "{:?}", state.storage_problems);
        assert_eq!(state.storage_problems[0].part, SessionPart::Audio);
        assert!(!state.recording);
        let Some(Finished::Stored(meta)) = w.finish() else { panic!("stored") };
        w.publish(&mut state, Instant::now());
        assert_eq!(state.storage_problems.len(), 1);
        let rows = std::fs::read_to_string(dir.join("frames.csv")).unwrap().lines().count() - 1;
        // 2 s at 10 ms hops, all of them once the look-ahead is flushed.
        assert_eq!(rows, 200);
        assert!((meta.summary.unwrap().duration_s - 2.0).abs() < 0.01);
    }

    #[test]
    fn calibration_result_is_published_once() {
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), None);
        w.calibration_result = Some(None);
        let mut state = LiveState::new(Lang::Zh);
        w.publish(&mut state, Instant::now());
        assert_eq!(state.calibration_result, Some(None));
        state.calibration_result = None;
        w.publish(&mut state, Instant::now());
        assert_eq!(state.calibration_result, None);
    }
}
