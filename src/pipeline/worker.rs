//! The analyser side of the pipeline, as a struct with small steps so that it can be
//! driven and tested without threads: handle a command, analyse a block, store what it
//! produced, publish to the shared state.
//!
//! Disk I/O (session audio, frames, summary) happens in [`AnalyserWorker::store_audio`]
//! and [`AnalyserWorker::store_frames`], outside the state lock the window takes on every repaint; [`AnalyserWorker::publish`]
//! only copies small values under it.

use std::collections::VecDeque;
use std::time::Instant;

use crate::analysis::{Analyser, AnalyserConfig, AnalysisError, Frame, Summary};
use crate::coach::rehearsal::Rehearsal;
use crate::coach::{Baseline, Calibration, Coach, CoachState};
use crate::conversation::Conversation;
use crate::session::store::{Finished, SessionWriter};

use super::align::{Aligner, ChannelClock};
use super::state::{Command, LiveState, StorageProblem, TalkPoint, TimelinePoint};

/// Blocks remembered for the capture-to-frame latency (more than a second of audio).
const RECENT_BLOCKS: usize = 64;

/// One side's streaming analyser, its stream time and its place on the wall clock.
#[derive(Default)]
struct Channel {
    analyser: Option<Analyser>,
    /// Stream time already analysed by earlier analysers (a reconnect may change the rate).
    time_offset_s: f64,
    clock: ChannelClock,
}

impl Channel {
    /// Analyses one block; each frame goes to `out` with its wall-clock hop.
    fn process(
        &mut self,
        samples: &[f32],
        sample_rate: u32,
        captured_at: Instant,
        epoch: Instant,
        out: &mut impl FnMut(i64, Frame),
    ) -> Result<(), AnalysisError> {
        let fresh = self.analyser.as_ref().is_none_or(|a| a.sample_rate() != sample_rate);
        if fresh {
            let new = Analyser::new(AnalyserConfig::new(sample_rate))?;
            if let Some(old) = self.analyser.replace(new) {
                self.time_offset_s += old.duration_s();
            }
        }
        let stream_end_s = self.duration_s() + samples.len() as f64 / sample_rate as f64;
        if fresh {
            // A (re)started stream: its place on the clock is wherever it is now.
            self.clock = ChannelClock::anchor(epoch, captured_at, stream_end_s);
        } else {
            self.clock.observe(epoch, captured_at, stream_end_s);
        }
        let (offset, clock) = (self.time_offset_s, self.clock);
        let a = self.analyser.as_mut().expect("created above");
        a.process(samples, &mut |f| {
            let f = shifted(f, offset);
            out(clock.hop(&f), f)
        });
        Ok(())
    }

    /// Ends the current turn of this side's pace (the other side took the floor).
    fn end_turn(&mut self) {
        if let Some(a) = self.analyser.as_mut() {
            a.end_turn();
        }
    }

    /// Stream time analysed so far.
    fn duration_s(&self) -> f64 {
        self.time_offset_s + self.analyser.as_ref().map_or(0.0, Analyser::duration_s)
    }

    fn summary(&self) -> Option<Summary> {
        self.analyser.as_ref().map(Analyser::summary)
    }

    /// Flushes the look-ahead: the last frames go to `out`; returns the final summary.
    fn finish(&mut self, out: &mut impl FnMut(i64, Frame)) -> Option<Summary> {
        let (offset, clock) = (self.time_offset_s, self.clock);
        let a = self.analyser.as_mut()?;
        Some(a.finish(&mut |f| {
            let f = shifted(f, offset);
            out(clock.hop(&f), f)
        }))
    }
}

pub struct AnalyserWorker {
    coach: Coach,
    /// The pipeline's start: both channels' frames are placed on this clock.
    epoch: Instant,
    agent: Channel,
    caller: Option<Channel>,
    aligner: Aligner,
    /// Turns, overlaps, holds: when the caller is heard.
    conversation: Option<Conversation>,
    /// The paired frames of the last step: agent frame, its coach state, who talked.
    new_frames: Vec<(Frame, CoachState, TalkPoint)>,
    calibration: Option<Calibration>,
    calibration_result: Option<Option<Baseline>>,
    /// When the agent's audio up to each recent block's end was captured.
    recent_blocks: VecDeque<(f64, Instant)>,
    rehearsal: Option<Rehearsal>,
    /// The rehearsal's revision last published, so results are copied on change only.
    rehearsal_published: Option<u64>,
    session: Option<SessionWriter>,
    /// Storage failures not yet published.
    problems: Vec<StorageProblem>,
    summary: Option<Summary>,
    /// The whole call's conversation figures, once finished.
    conversation_summary: Option<crate::conversation::ConversationSummary>,
    conversation_events: Vec<crate::conversation::ConversationEvent>,
}

impl AnalyserWorker {
    /// A worker for the agent's channel, and the caller's when `with_caller`.
    pub fn new(coach: Coach, session: Option<SessionWriter>, with_caller: bool) -> Self {
        Self {
            coach,
            epoch: Instant::now(),
            agent: Channel::default(),
            caller: with_caller.then(Channel::default),
            aligner: Aligner::new(with_caller),
            conversation: with_caller.then(Conversation::new),
            new_frames: Vec::with_capacity(64),
            calibration: None,
            calibration_result: None,
            recent_blocks: VecDeque::with_capacity(RECENT_BLOCKS),
            rehearsal: None,
            rehearsal_published: None,
            session,
            problems: Vec::new(),
            summary: None,
            conversation_summary: None,
            conversation_events: Vec::new(),
        }
    }

    pub fn handle(&mut self, command: Command) {
        match command {
            Command::SetLang(lang) => self.coach.set_lang(lang),
            Command::SetBaseline(b) => self.coach.set_baseline(b),
            Command::StartCalibration => self.calibration = Some(Calibration::default()),
            Command::SetHold(on) => {
                if let Some(c) = self.conversation.as_mut() {
                    c.set_hold(on);
                }
            }
            Command::StartRehearsal(script) => {
                if let Some(w) = self.session.as_mut()
                    && let Err(e) = w.set_kind(crate::session::store::SessionKind::Rehearsal)
                {
                    self.problems.push(StorageProblem::from(&e));
                }
                self.rehearsal = Some(Rehearsal::new(script, self.coach.lang()));
                self.rehearsal_published = None;
            }
        }
    }

    /// The agent's frames of the last step (paired and coached).
    pub fn new_frames(&self) -> impl Iterator<Item = &Frame> {
        self.new_frames.iter().map(|(f, _, _)| f)
    }

    /// Whether the caller's source delivers now; while it does not, the agent's frames
    /// are not held back waiting for it.
    pub fn set_caller_live(&mut self, live: bool) {
        if self.caller.is_some() {
            self.aligner.set_caller_expected(live);
        }
    }

    /// Runs the agent's analyser over one block, then pairs and coaches what it can.
    pub fn analyse(
        &mut self,
        samples: &[f32],
        sample_rate: u32,
        captured_at: Instant,
    ) -> Result<(), AnalysisError> {
        let aligner = &mut self.aligner;
        self.agent.process(samples, sample_rate, captured_at, self.epoch, &mut |hop, f| {
            aligner.push_agent(hop, f)
        })?;
        if self.recent_blocks.len() == RECENT_BLOCKS {
            self.recent_blocks.pop_front();
        }
        self.recent_blocks.push_back((self.agent.duration_s(), captured_at));
        self.summary = self.agent.summary();
        self.pair_and_coach();
        Ok(())
    }

    /// Runs the caller's analyser over one block, then pairs and coaches what it can.
    pub fn analyse_caller(
        &mut self,
        samples: &[f32],
        sample_rate: u32,
        captured_at: Instant,
    ) -> Result<(), AnalysisError> {
        let Some(caller) = self.caller.as_mut() else { return Ok(()) };
        let aligner = &mut self.aligner;
        caller.process(samples, sample_rate, captured_at, self.epoch, &mut |hop, f| {
            aligner.push_caller(hop, f)
        })?;
        self.pair_and_coach();
        Ok(())
    }

    /// Everything that needs both sides at the same hop: the coach, calibration and
    /// rehearsal run on the agent's frame once its caller frame is known.
    fn pair_and_coach(&mut self) {
        let mut pairs = Vec::new();
        self.aligner.pop_pairs(&mut pairs);
        self.new_frames.clear();
        for (agent, caller) in pairs {
            let mut talk =
                TalkPoint { time_s: agent.time_s, agent: agent.speech, caller: caller.speech };
            if let Some(c) = self.conversation.as_mut() {
                let caller_had_floor = c.live().caller_talking;
                c.push(&agent, &caller);
                let live = c.live();
                // The caller taking the floor ends the agent's turn (pace's time base).
                if live.caller_talking && !caller_had_floor && !live.agent_talking {
                    self.agent.end_turn();
                }
                // Bleed-aware and bridged: what the conversation counts as talk.
                (talk.agent, talk.caller) = (live.agent_talking, live.caller_talking);
                self.coach.set_conversation(Some(live));
            }
            let state = *self.coach.push(&agent);
            self.feed_calibration(&agent);
            if let Some(r) = self.rehearsal.as_mut() {
                r.push(&agent);
            }
            self.new_frames.push((agent, state, talk));
        }
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

    /// Writes the agent's audio to the session, if one is stored and records.
    pub fn store_audio(&mut self, samples: &[f32], sample_rate: u32) {
        let Some(w) = self.session.as_mut() else { return };
        if let Err(e) = w.audio(samples, sample_rate) {
            self.problems.push(StorageProblem::from(&e));
        }
    }

    /// Writes the last step's frames (and the summary at checkpoints) to the session. A
    /// failing part is reported once and the others go on.
    pub fn store_frames(&mut self) {
        let Some(w) = self.session.as_mut() else { return };
        if let Some(summary) = &self.summary {
            w.set_summary(summary);
        }
        for (f, c, t) in &self.new_frames {
            let talk = crate::session::frames::Talk {
                agent: t.agent,
                caller: self.caller.is_some().then_some(t.caller),
            };
            let failed = w.frame(f, c, talk);
            self.problems.extend(failed.iter().map(StorageProblem::from));
        }
    }

    /// Copies what changed into the shared state (call with the lock held; cheap).
    pub fn publish(&mut self, s: &mut LiveState, now: Instant) {
        for (f, c, talk) in &self.new_frames {
            s.coach = *c;
            s.latest = Some(*f);
            let point = TimelinePoint {
                time_s: f.time_s,
                f0_hz: f.f0_hz,
                level_dbfs: f.level_dbfs,
                pace: c.pace.value,
            };
            s.push_timeline(point);
            s.push_talk(*talk);
            let captured =
                self.recent_blocks.iter().find(|(end_s, _)| *end_s >= f.time_s).map(|b| b.1);
            if let Some(captured_at) = captured {
                s.push_latency(now.duration_since(captured_at).as_secs_f32() * 1000.0);
            }
        }
        s.lang = self.coach.lang();
        s.conversation = self.conversation.as_ref().map(Conversation::live);
        s.calibration.clone_from(&self.calibration);
        if let Some(result) = self.calibration_result.take() {
            s.calibration_result = Some(result);
        }
        if let Some(r) = &self.rehearsal
            && self.rehearsal_published != Some(r.revision())
        {
            s.rehearsal = Some((r.current_line(), r.results()));
            self.rehearsal_published = Some(r.revision());
        }
        if let Some(summary) = &self.summary {
            s.summary = Some(summary.clone());
        }
        if let Some(summary) = self.conversation_summary.take() {
            s.conversation_summary = Some(summary);
            s.conversation_events = std::mem::take(&mut self.conversation_events);
        }
        s.session_id = self.session.as_ref().map(|w| w.id().to_string()).or(s.session_id.take());
        s.recording = self.session.as_ref().is_some_and(SessionWriter::recording);
        s.storage_problems.append(&mut self.problems);
    }

    /// Flushes both analysers' look-ahead so that the session covers every sample
    /// recorded, exactly as `analyze` on that recording would, and closes the session.
    pub fn finish(&mut self) -> Option<Finished> {
        let aligner = &mut self.aligner;
        if let Some(caller) = self.caller.as_mut() {
            caller.finish(&mut |hop, f| aligner.push_caller(hop, f));
        }
        if let Some(summary) = self.agent.finish(&mut |hop, f| aligner.push_agent(hop, f)) {
            self.summary = Some(summary);
        }
        self.aligner.set_caller_expected(false);
        self.pair_and_coach();
        let summary = self.conversation.as_mut().map(|c| {
            c.finish();
            self.conversation_events = c.events().to_vec();
            c.summary()
        });
        self.conversation_summary.clone_from(&summary);
        if let (Some(w), Some(summary)) = (self.session.as_mut(), summary) {
            w.set_conversation(summary);
        }
        self.store_frames();
        self.new_frames.clear();
        let w = self.session.take()?;
        let (finished, failed) = w.finish(self.summary.clone());
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
            worker.store_audio(block, rate);
            worker.store_frames();
            worker.publish(&mut state, Instant::now());
        }
        state
    }

    #[test]
    fn frames_continue_in_time_across_a_rate_change() {
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), None, false);
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
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), None, false);
        assert!(w.analyse(&[0.0; 10], 100, Instant::now()).is_err());
    }

    #[test]
    fn a_stored_session_covers_every_frame_and_a_failing_recording_is_published_once() {
        let root = root("store");
        let session = SessionWriter::create(&root, "test", Lang::Zh, true).unwrap();
        let dir = session.dir().to_path_buf();
        std::fs::create_dir(dir.join("audio.wav")).unwrap(); // recording cannot start
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), Some(session), false);
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
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), None, false);
        w.calibration_result = Some(None);
        let mut state = LiveState::new(Lang::Zh);
        w.publish(&mut state, Instant::now());
        assert_eq!(state.calibration_result, Some(None));
        state.calibration_result = None;
        w.publish(&mut state, Instant::now());
        assert_eq!(state.calibration_result, None);
    }
}
