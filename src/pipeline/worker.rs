//! The analyser side of the pipeline, as a struct with small steps so that it can be
//! driven and tested without threads: handle a command, analyse a block, store what it
//! produced, publish to the shared state.
//!
//! A session is a call ([`super::calls`]): the worker tells it every paired hop, and when
//! a call starts it gives the call a conversation of its own (the caller's opening is the
//! baseline of their arousal), replayed from the call's start.
//!
//! Disk I/O (session audio, frames, summary) happens in [`AnalyserWorker::store_audio`]
//! and [`AnalyserWorker::store_frames`], outside the state lock the window takes on every
//! repaint; [`AnalyserWorker::publish`] only copies small values under it.
//!
//! [`run_worker`] is the analyser thread's loop around the struct: commands, the caller's
//! blocks, the agent's next block, then publish.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use crate::analysis::{Analyser, AnalyserConfig, AnalysisError, Floor, Frame, Lang, Summary};
use crate::audio::capture::{Block, CaptureCounters};
use crate::coach::rehearsal::Rehearsal;
use crate::coach::{
    Baseline, Calibration, CalibrationRefusal, Coach, CoachState, Headline, PaceProfile,
};
use crate::conversation::Conversation;
use crate::conversation::bounds::{CallEnd, CallEvent};
use crate::session::store::SessionKind;

use super::align::{Aligner, ChannelClock};
use super::calls::{Calls, Hop};
use super::hangup::LastWords;
use super::mirror::MirrorCheck;
use super::state::{Command, DeviceStatus, LiveState, StorageProblem, TalkPoint, TimelinePoint};

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
    /// Follows a change of the speech's language (a later analyser is made with it).
    fn set_lang(&mut self, lang: Lang) {
        if let Some(a) = self.analyser.as_mut() {
            a.set_lang(lang);
        }
    }

    /// Analyses one block; each frame goes to `out` with its wall-clock hop.
    fn process(
        &mut self,
        samples: &[f32],
        config: AnalyserConfig,
        captured_at: Instant,
        epoch: Instant,
        out: &mut impl FnMut(i64, Frame),
    ) -> Result<(), AnalysisError> {
        let fresh = self.analyser.as_ref().is_none_or(|a| a.sample_rate() != config.sample_rate);
        if fresh {
            let new = Analyser::new(config)?;
            if let Some(old) = self.analyser.replace(new) {
                self.time_offset_s += old.duration_s();
            }
        }
        let stream_end_s = self.duration_s() + samples.len() as f64 / f64::from(config.sample_rate);
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

    /// Follows who talks at this hop (see `Analyser::hear_call`); whether the turn ended.
    fn hear_call(&mut self, floor: Floor) -> bool {
        self.analyser.as_mut().is_some_and(|a| a.hear_call(floor))
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
    /// Whether the caller's lane is only the agent's microphone again (a sound server moved
    /// its stream): then it is silence, and both sources are re-resolved.
    mirror: Option<MirrorCheck>,
    /// Who talked last: the quiet after the caller's last words is no hold.
    last_words: LastWords,
    /// A call ended and the next has not started: the gauges and the cue line are idle
    /// (the last call's pace and cue are not the agent's now).
    between_calls: bool,
    /// The paired frames since the last [`AnalyserWorker::publish`]: agent frame, its
    /// coach state, who talked. A step may pair frames several times (the caller's blocks,
    /// then the agent's); each pairing adds to these, and only publishing hands them over.
    new_frames: Vec<(Frame, CoachState, TalkPoint)>,
    calibration: Option<Calibration>,
    calibration_result: Option<Option<Baseline>>,
    pace_result: Option<Option<PaceProfile>>,
    /// When the agent's audio up to each recent block's end was captured.
    recent_blocks: VecDeque<(f64, Instant)>,
    rehearsal: Option<Rehearsal>,
    /// The rehearsal's revision last published, so results are copied on change only.
    rehearsal_published: Option<u64>,
    calls: Calls,
    /// Storage failures not yet published.
    problems: Vec<StorageProblem>,
    summary: Option<Summary>,
    /// The whole call's conversation figures, once finished.
    conversation_summary: Option<crate::conversation::ConversationSummary>,
    conversation_events: Vec<crate::conversation::ConversationEvent>,
    /// A call has ended this run (its conversation is the one `listen` reports).
    call_ended: bool,
}

impl AnalyserWorker {
    /// A worker for the agent's channel, and the caller's when `with_caller`; `calls`
    /// decides and stores the sessions.
    pub fn new(coach: Coach, calls: Calls, with_caller: bool) -> Self {
        Self {
            coach,
            epoch: Instant::now(),
            agent: Channel::default(),
            caller: with_caller.then(Channel::default),
            aligner: Aligner::new(with_caller),
            conversation: with_caller.then(Conversation::new),
            mirror: with_caller.then(MirrorCheck::new),
            last_words: LastWords::default(),
            between_calls: false,
            new_frames: Vec::with_capacity(64),
            calibration: None,
            calibration_result: None,
            pace_result: None,
            recent_blocks: VecDeque::with_capacity(RECENT_BLOCKS),
            rehearsal: None,
            rehearsal_published: None,
            calls,
            problems: Vec::new(),
            summary: None,
            conversation_summary: None,
            conversation_events: Vec::new(),
            call_ended: false,
        }
    }

    pub fn handle(&mut self, command: Command) {
        match command {
            Command::SetLang(lang) => {
                self.coach.set_lang(lang);
                self.agent.set_lang(lang);
                if let Some(caller) = self.caller.as_mut() {
                    caller.set_lang(lang);
                }
            }
            Command::SetBaseline(b) => self.coach.set_baseline(b),
            Command::SetTargets(targets) => self.coach.set_targets(targets),
            Command::StartCalibration => {
                if self.calibration_refusal().is_none() {
                    self.calibration = Some(Calibration::new(self.coach.lang()));
                }
            }
            Command::SetHold(on) => {
                self.last_words.set_key(on);
                if let Some(c) = self.conversation.as_mut() {
                    c.set_hold(on);
                }
                self.calls.set_hold(on);
            }
            Command::StartRehearsal(script) => {
                // A rehearsal is a session of its own, never a call.
                for event in self.calls.switch_to(SessionKind::Rehearsal) {
                    self.on_call_event(event);
                }
                self.rehearsal = Some(Rehearsal::new(script, self.coach.lang()));
                self.rehearsal_published = None;
            }
            Command::StartCall => {
                if let Some(event) = self.calls.start_now() {
                    self.on_call_event(event);
                }
            }
            Command::EndCall => {
                if let Some(event) = self.calls.end_now(CallEnd::Hand) {
                    self.on_call_event(event);
                }
            }
        }
    }

    /// Why a calibration would be refused now: the demo's voice or a rehearsal's read
    /// speech is not the agent's normal voice. The window disables its button for the same
    /// reason; this guards every other way in.
    pub fn calibration_refusal(&self) -> Option<CalibrationRefusal> {
        let kind = self.calls.kind();
        CalibrationRefusal::of(
            kind == SessionKind::Demo,
            kind == SessionKind::Rehearsal || self.rehearsal.is_some(),
        )
    }

    /// A call starts with a conversation of its own, replayed from its start; at its end
    /// the conversation's figures go to the call's session.
    fn on_call_event(&mut self, event: CallEvent) {
        self.between_calls =
            matches!(event, CallEvent::Ended { .. }) && self.calls.kind() == SessionKind::Call;
        let Some(old) = self.conversation.as_mut() else { return };
        match event {
            CallEvent::Started { at_s } => {
                let mut fresh = Conversation::new();
                self.last_words.restart();
                for hop in self.calls.history_from(at_s) {
                    if let Some(caller) = &hop.caller {
                        fresh.push(&hop.agent, caller);
                        self.last_words.hear(&fresh.live());
                    }
                }
                *old = fresh;
            }
            CallEvent::Ended { .. } => {
                self.call_ended = true;
                old.finish();
                let (summary, events) = (old.summary(), old.events().to_vec());
                self.conversation_summary = Some(summary.clone());
                self.conversation_events.clone_from(&events);
                self.calls.attach_conversation(summary, events);
                *old = Conversation::new();
            }
        }
        if let Some(c) = &self.conversation {
            self.coach.set_conversation(Some(self.last_words.filter(c.live())));
        }
    }

    /// The agent's frames paired and coached since the last publish.
    pub fn new_frames(&self) -> impl Iterator<Item = &Frame> {
        self.new_frames.iter().map(|(f, _, _)| f)
    }

    /// What the gauges and the cue line showed at each of [`Self::new_frames`].
    pub fn new_states(&self) -> impl Iterator<Item = &CoachState> {
        self.new_frames.iter().map(|(_, s, _)| s)
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
        let config = AnalyserConfig::new(sample_rate).with_lang(self.coach.lang());
        let aligner = &mut self.aligner;
        self.agent.process(samples, config, captured_at, self.epoch, &mut |hop, f| {
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
        let config = AnalyserConfig::new(sample_rate).with_lang(self.coach.lang());
        let Some(caller) = self.caller.as_mut() else { return Ok(()) };
        let aligner = &mut self.aligner;
        caller.process(samples, config, captured_at, self.epoch, &mut |hop, f| {
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
        // No clearing here: the caller's block and then the agent's may both pair frames
        // before one publish, and the first pairing's frames must reach it (issue 22 W1:
        // they were cleared, and 31,598 of 60,162 frames never reached the timeline).
        for (agent, caller) in pairs {
            // A caller lane that carries the agent's own signal is no caller: silence.
            let mirrored = self.mirror.as_mut().is_some_and(|m| m.push(&agent, &caller));
            let caller = if mirrored {
                Frame { time_s: agent.time_s, level_dbfs: -120.0, ..Frame::default() }
            } else {
                caller
            };
            let mut talk =
                TalkPoint { time_s: agent.time_s, agent: agent.speech, caller: caller.speech };
            let mut ended_turn = false;
            if let Some(c) = self.conversation.as_mut() {
                c.push(&agent, &caller);
                let live = c.live();
                // The agent's background and the end of their turns follow the
                // conversation, as `analyse_call` has them offline.
                ended_turn = self.agent.hear_call(live.floor());
                self.last_words.hear(&live);
                let live = self.last_words.filter(live);
                // Bleed-aware and bridged: what the conversation counts as talk.
                (talk.agent, talk.caller) = (live.agent_talking, live.caller_talking);
                self.coach.set_conversation(Some(live));
            }
            let coached = *self.coach.push(&agent);
            let mut state = if self.between_calls {
                CoachState { time_s: coached.time_s, ..CoachState::default() }
            } else {
                coached
            };
            // While the agent reads the calibration passage the gauges still move, but no
            // nudge interrupts the reading (and none is recorded as shown).
            if self.calibration.is_some() {
                state.cue = None;
                if matches!(state.headline, Headline::Cue { .. } | Headline::KeepItUp) {
                    state.headline = Headline::Settling;
                }
            }
            self.feed_calibration(&agent);
            if let Some(r) = self.rehearsal.as_mut() {
                r.push(&agent);
            }
            let caller = self.caller.is_some().then_some(caller);
            let hop = Hop { agent, caller, state, talk, ended_turn };
            if let Some(event) = self.calls.hop(hop) {
                self.on_call_event(event);
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
            self.pace_result = Some(c.pace_profile().ok());
            self.calibration = None;
        }
    }

    /// The agent's audio of the block just analysed: kept for a call that starts in the
    /// past, and written to the call in progress when it records.
    pub fn store_audio(&mut self, samples: &[f32], sample_rate: u32) {
        self.calls.store_audio(samples, sample_rate, self.agent.duration_s());
    }

    /// Writes the call's new hops and closes the calls that ended. A failing part is
    /// reported once and the others go on.
    pub fn store_frames(&mut self) {
        self.calls.store();
        self.problems.extend(self.calls.take_problems());
    }

    /// Copies what changed into the shared state (call with the lock held; cheap), and
    /// hands over the frames paired since the last publish: each reaches the state once.
    pub fn publish(&mut self, s: &mut LiveState, now: Instant) {
        for (f, c, talk) in self.new_frames.drain(..) {
            s.coach = c;
            s.latest = Some(f);
            let point = TimelinePoint {
                time_s: f.time_s,
                f0_hz: f.f0_hz,
                level_dbfs: f.level_dbfs,
                pace: c.pace.value,
            };
            s.push_timeline(point);
            s.push_talk(talk);
            let captured =
                self.recent_blocks.iter().find(|(end_s, _)| *end_s >= f.time_s).map(|b| b.1);
            if let Some(captured_at) = captured {
                s.push_latency(now.duration_since(captured_at).as_secs_f32() * 1000.0);
            }
        }
        s.lang = self.coach.lang();
        s.conversation = self.conversation.as_ref().map(|c| self.last_words.filter(c.live()));
        s.calibration.clone_from(&self.calibration);
        if let Some(result) = self.calibration_result.take() {
            s.calibration_result = Some(result);
        }
        if let Some(result) = self.pace_result.take() {
            s.pace_result = Some(result);
            s.calibrations += 1;
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
        s.session_id = self.calls.session_id().map(str::to_string);
        s.recording = self.calls.recording();
        s.call = self.calls.live();
        if s.calls.len() != self.calls.stored().len() {
            s.calls = self.calls.stored().to_vec();
        }
        s.storage_problems.append(&mut self.problems);
        if let Some(m) = &self.mirror {
            s.caller_mirrors_agent = m.mirrored();
            s.mirror_alarms = m.alarms();
        }
    }

    /// Flushes both analysers' look-ahead so that the call covers every sample recorded,
    /// exactly as `analyze` on that recording would, and closes the call in progress.
    pub fn finish(&mut self) {
        let aligner = &mut self.aligner;
        if let Some(caller) = self.caller.as_mut() {
            caller.finish(&mut |hop, f| aligner.push_caller(hop, f));
        }
        if let Some(summary) = self.agent.finish(&mut |hop, f| aligner.push_agent(hop, f)) {
            self.summary = Some(summary);
        }
        self.aligner.set_caller_expected(false);
        self.pair_and_coach();
        if let Some(event) = self.calls.end_now(CallEnd::Closed) {
            self.on_call_event(event);
        }
        if !self.call_ended {
            // No call was heard: the figures of the whole run, for `listen`.
            self.on_call_event(CallEvent::Ended { at_s: 0.0, by: CallEnd::Closed });
        }
        // The frames the flush paired stay for the last publish (`wind_up`).
        self.store_frames();
    }
}

fn shifted(f: &Frame, offset_s: f64) -> Frame {
    Frame { time_s: f.time_s + offset_s, ..*f }
}

/// The analyser thread's ends of the channels, and what it reports to.
pub(super) struct WorkerLinks {
    pub(super) blocks: Receiver<Block>,
    pub(super) recycle: Sender<Vec<f32>>,
    /// The caller's blocks and pool, when captured.
    pub(super) caller: Option<(Receiver<Block>, Sender<Vec<f32>>)>,
    pub(super) commands: Receiver<Command>,
    pub(super) frames_out: Option<Sender<Frame>>,
    pub(super) state: Arc<Mutex<LiveState>>,
    pub(super) stop: Arc<AtomicBool>,
    pub(super) counters: Arc<CaptureCounters>,
    pub(super) caller_counters: Arc<CaptureCounters>,
    pub(super) on_update: Option<Box<dyn Fn() + Send>>,
}

/// How long the analyser thread waits for the agent's next block before it looks at the
/// caller's channel and the commands again.
const POLL: Duration = Duration::from_millis(20);

pub(super) fn run_worker(mut worker: AnalyserWorker, links: WorkerLinks) {
    while !links.stop.load(Ordering::Relaxed) {
        for command in links.commands.try_iter() {
            worker.handle(command);
        }
        let mut analysed = false;
        if let Some((caller_blocks, caller_recycle)) = &links.caller {
            let caller_live = matches!(
                links.state.lock().expect("state lock").caller_device,
                Some(DeviceStatus::Live { .. } | DeviceStatus::Playing { .. })
            );
            worker.set_caller_live(caller_live);
            for block in caller_blocks.try_iter() {
                // A caller block the analyser cannot take (unsupported rate) is dropped;
                // the agent's side goes on.
                let _ = worker.analyse_caller(&block.samples, block.sample_rate, block.captured_at);
                let _ = caller_recycle.send(block.samples);
                analysed = true;
            }
        }
        if let Ok(block) = links.blocks.recv_timeout(POLL) {
            match worker.analyse(&block.samples, block.sample_rate, block.captured_at) {
                Ok(()) => {
                    worker.store_audio(&block.samples, block.sample_rate);
                    analysed = true;
                }
                Err(e) => {
                    let status = DeviceStatus::Unavailable { reason: e.to_string() };
                    super::source::set_device(&links.state, status);
                }
            }
            let _ = links.recycle.send(block.samples);
        }
        if analysed {
            publish_step(&mut worker, &links);
        }
    }
    wind_up(&mut worker, &links);
}

/// The end of the run: the analysers' look-ahead flushed, the call closed, and the last
/// frames handed over like any step's.
fn wind_up(worker: &mut AnalyserWorker, links: &WorkerLinks) {
    worker.finish();
    hand_over(worker, links);
}

/// After a step: frames to the session (outside the lock), then handed over.
fn publish_step(worker: &mut AnalyserWorker, links: &WorkerLinks) {
    worker.store_frames();
    hand_over(worker, links);
}

/// The frames paired since the last publish to the loggers (`listen --frames`, outside
/// the lock), then the state, then the UI: each frame once.
fn hand_over(worker: &mut AnalyserWorker, links: &WorkerLinks) {
    if let Some(tx) = &links.frames_out {
        for f in worker.new_frames() {
            let _ = tx.send(*f);
        }
    }
    let any_new = worker.new_frames().next().is_some();
    {
        let mut s = links.state.lock().expect("state lock");
        worker.publish(&mut s, Instant::now());
        s.delivered_blocks = links.counters.delivered_blocks.load(Ordering::Relaxed);
        s.dropped_blocks = links.counters.dropped_blocks.load(Ordering::Relaxed);
        s.caller_dropped_blocks = links.caller_counters.dropped_blocks.load(Ordering::Relaxed);
    }
    if any_new && let Some(cb) = &links.on_update {
        cb();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Lang;
    use crate::conversation::EventKind;
    use crate::conversation::bounds::{PRE_ROLL_S, TAIL_S};
    use crate::pipeline::calls::StoreOptions;
    use crate::session::store::{Listed, SessionMeta, list};

    fn tone(seconds: f32, rate: u32) -> Vec<f32> {
        (0..(seconds * rate as f32) as usize)
            .map(|i| 0.3 * (i as f32 * 2.0 * std::f32::consts::PI * 150.0 / rate as f32).sin())
            .collect()
    }

    fn root(name: &str) -> std::path::PathBuf {
        let d = tempfile::Builder::new().prefix(&format!("speech-coach-worker-{name}-")).tempdir();
        d.unwrap().keep().join("sessions")
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

    fn unstored() -> Calls {
        Calls::new(None, SessionKind::Call, false)
    }

    fn stored(root: &std::path::Path, record: bool) -> Calls {
        let store =
            StoreOptions { root: root.into(), source: "test".into(), lang: Lang::Zh, record };
        Calls::new(Some(store), SessionKind::Call, false)
    }

    fn sessions(root: &std::path::Path) -> Vec<SessionMeta> {
        list(root)
            .unwrap()
            .into_iter()
            .map(|l| match l {
                Listed::Ok(m) => m,
                Listed::Damaged { id, reason } => panic!("{id}: {reason}"),
            })
            .collect()
    }

    #[test]
    fn frames_continue_in_time_across_a_rate_change() {
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), false);
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
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), false);
        assert!(w.analyse(&[0.0; 10], 100, Instant::now()).is_err());
    }

    #[test]
    fn a_call_started_at_once_covers_every_frame_and_sample() {
        let root = root("store");
        let mut calls = stored(&root, true);
        calls.start_now();
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), calls, false);
        let mut state = run(&mut w, &tone(2.0, 16000), 16000);
        assert!(state.call.is_some() && state.recording);
        w.finish();
        w.publish(&mut state, Instant::now());
        assert!(state.storage_problems.is_empty(), "{:?}", state.storage_problems);
        let [meta] = &sessions(&root)[..] else { panic!("one session") };
        assert_eq!(state.calls, vec![meta.id.clone()]);
        let dir = root.join(&meta.id);
        let rows = std::fs::read_to_string(dir.join("frames.csv")).unwrap().lines().count() - 1;
        // 2 s at 10 ms hops, all of them once the look-ahead is flushed.
        assert_eq!(rows, 200);
        assert!((meta.summary.as_ref().unwrap().duration_s - 2.0).abs() < 0.01);
        assert_eq!(meta.ended_by, Some(CallEnd::Closed));
        assert_eq!(hound::WavReader::open(dir.join("audio.wav")).unwrap().duration(), 32000);
    }

    #[test]
    fn calls_start_on_talk_and_end_after_a_silent_minute_cut_short_of_it() {
        let root = root("auto");
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), stored(&root, true), false);
        let rate = 16000;
        let silence = |s: f32| vec![0.0f32; (s * rate as f32) as usize];
        let audio: Vec<f32> = [silence(5.0), tone(2.0, rate), silence(65.0), tone(3.0, rate)]
            .into_iter()
            .flatten()
            .chain(silence(1.0))
            .collect();
        let mut state = run(&mut w, &audio, rate);
        assert_eq!(state.calls.len(), 1, "the first call ended by silence");
        assert!(state.call.is_some(), "the second is in progress");
        w.finish();
        w.publish(&mut state, Instant::now());
        let [first, second] = &sessions(&root)[..] else { panic!("two sessions") };
        assert_eq!(first.ended_by, Some(CallEnd::Silence));
        assert_eq!(second.ended_by, Some(CallEnd::Closed));
        // From 1 s before the talk to 2 s after it: 5 s, not the silent minute.
        let d = first.summary.as_ref().unwrap().duration_s;
        assert!((d - (PRE_ROLL_S + 2.0 + TAIL_S)).abs() < 0.3, "{d}");
        let audio_s = |m: &SessionMeta| {
            let wav = hound::WavReader::open(root.join(&m.id).join("audio.wav")).unwrap();
            wav.duration() as f64 / rate as f64
        };
        assert!((audio_s(first) - d).abs() < 0.05, "{} vs {d}", audio_s(first));
        let d2 = second.summary.as_ref().unwrap().duration_s;
        assert!((d2 - (PRE_ROLL_S + 4.0)).abs() < 0.3, "{d2}");
        assert!((audio_s(second) - d2).abs() < 0.05, "{} vs {d2}", audio_s(second));
        // The talk is in the call, at the call's own time.
        let csv = std::fs::read_to_string(root.join(&first.id).join("frames.csv")).unwrap();
        let talk: Vec<f64> = csv
            .lines()
            .skip(1)
            .filter(|l| l.split(',').nth(12) == Some("1"))
            .map(|l| l.split(',').next().unwrap().parse().unwrap())
            .collect();
        let (from, to) = (talk[0], talk[talk.len() - 1]);
        assert!((from - PRE_ROLL_S).abs() < 0.2 && (to - from - 2.0).abs() < 0.3, "{from}..{to}");
    }

    /// A worker hearing both sides, storing calls under `root`.
    fn hearing_both(root: &std::path::Path, record: bool) -> AnalyserWorker {
        let store =
            StoreOptions { root: root.into(), source: "test".into(), lang: Lang::Zh, record };
        let calls = Calls::new(Some(store), SessionKind::Call, true);
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), calls, true);
        w.set_caller_live(true);
        w
    }

    /// Feeds both lanes in 40 ms blocks on one clock; `each` sees the state after every
    /// block. Finishes the worker and returns the final state.
    fn feed_both(
        w: &mut AnalyserWorker,
        agent: &[f32],
        caller: &[f32],
        rate: u32,
        mut each: impl FnMut(&LiveState),
    ) -> LiveState {
        let mut state = LiveState::new(Lang::Zh);
        let start = Instant::now();
        let block = rate as usize / 25;
        for (k, (a, c)) in agent.chunks(block).zip(caller.chunks(block)).enumerate() {
            let end_s = ((k + 1) * block) as f64 / f64::from(rate);
            let at = start + std::time::Duration::from_secs_f64(end_s);
            w.analyse_caller(c, rate, at).unwrap();
            w.analyse(a, rate, at).unwrap();
            w.store_audio(a, rate);
            w.store_frames();
            w.publish(&mut state, Instant::now());
            each(&state);
        }
        w.finish();
        w.publish(&mut state, Instant::now());
        state
    }

    fn run_both(root: &std::path::Path, agent: &[f32], caller: &[f32], rate: u32) -> LiveState {
        feed_both(&mut hearing_both(root, true), agent, caller, rate, |_| {})
    }

    #[test]
    fn a_caller_lane_that_carries_the_microphone_starts_no_call() {
        let rate = 16000;
        let silence = |s: f32| vec![0.0f32; (s * rate as f32) as usize];
        let talk: Vec<f32> = [silence(1.0), tone(3.0, rate), silence(1.0)].concat();
        // The control: the same talk on the caller's lane alone is a call.
        let root_a = root("caller-alone");
        let state = run_both(&root_a, &silence(5.0), &talk, rate);
        assert_eq!(state.calls.len(), 1, "the caller's talk starts a call");
        assert_eq!(sessions(&root_a).len(), 1);
        // The sound server moved the caller's stream onto the microphone: one signal on
        // both lanes is no caller, and no call is started or stored.
        let root_b = root("mirrored");
        let state = run_both(&root_b, &talk, &talk, rate);
        assert!(state.calls.is_empty(), "{:?}", state.calls);
        assert!(!root_b.exists() || sessions(&root_b).is_empty());
        // Heard as the caller for less than what starts a call, then as silence.
        let caller_hops = state.talk.iter().filter(|t| t.caller).count();
        assert!(caller_hops < 50, "the caller's lane talked for {caller_hops} hops");
    }

    /// Issue 23 item 3: the caller says goodbye and hangs up; the agent says "hello?" into
    /// the dead line 40 s later and the call ends by its silent minute. That quiet is no
    /// hold, live or stored; a hold after the agent's "please hold", with the caller back
    /// after it, still is; and when the call has ended the gauges and the cue line are idle.
    #[test]
    fn the_quiet_after_the_caller_hangs_up_is_no_hold_and_the_gauges_go_idle_at_the_end() {
        let rate = 16000;
        let n = |s: f64| (s * f64::from(rate)) as usize;
        let total_s = 140.0;
        let (mut agent, mut caller) = (vec![0.0f32; n(total_s)], vec![0.0f32; n(total_s)]);
        let talk = |lane: &mut Vec<f32>, from_s: f64, len_s: f64| {
            let t = tone(len_s as f32, rate);
            lane[n(from_s)..n(from_s) + t.len()].copy_from_slice(&t);
        };
        talk(&mut caller, 1.0, 2.0); // the caller's question starts the call
        talk(&mut agent, 3.5, 2.0); // "please hold"
        // 15 s on hold
        talk(&mut agent, 20.5, 2.0); // "thank you for waiting"
        talk(&mut caller, 23.0, 2.0); // "thanks, bye": the caller's last words
        // 40 s of a dead line
        talk(&mut agent, 65.0, 1.0); // "hello?"
        // the call ends by its silent minute, at 66 + 2 s

        let root = root("hang-up");
        let mut w = hearing_both(&root, false);
        let (mut held_on_hold, mut held_after_hang_up, mut hold_cue_after_hang_up) = (0, 0, 0);
        let mut idle_after_end = None;
        feed_both(&mut w, &agent, &caller, rate, |state| {
            let t = state.latest.map_or(0.0, |f| f.time_s);
            let hold = state.conversation.and_then(|c| c.hold_s).is_some();
            if (6.0..20.0).contains(&t) && hold {
                held_on_hold += 1;
            }
            if (25.0..65.0).contains(&t) {
                held_after_hang_up += usize::from(hold);
                hold_cue_after_hang_up +=
                    usize::from(state.coach.cue == Some(crate::coach::Cue::HoldTooLong));
            }
            if t > 75.0 && state.call.is_none() {
                idle_after_end.get_or_insert(state.coach);
            }
        });
        // From 10 s into it (15.5 s) to its end (20.5 s): 4.5 s of 40 ms blocks here.
        assert!(held_on_hold > 100, "the real hold is shown live ({held_on_hold} blocks)");
        assert_eq!(held_after_hang_up, 0, "no live hold after the caller's last words");
        assert_eq!(hold_cue_after_hang_up, 0, "no 'hold too long' cue after them");
        let idle = idle_after_end.expect("the call ended by silence");
        assert_eq!(idle.headline, crate::coach::Headline::Waiting, "{idle:?}");
        assert!(idle.cue.is_none() && idle.pace.value.is_none() && idle.volume.value.is_none());
        assert!(idle.tone.value.is_none(), "{idle:?}");
        let [call] = &sessions(&root)[..] else { panic!("one call") };
        assert_eq!(call.ended_by, Some(CallEnd::Silence));
        let conversation = call.conversation.as_ref().expect("the call's conversation");
        let holds: Vec<(f64, f32)> =
            conversation.holds.iter().map(|h| (h.start_s, h.duration_s)).collect();
        // The hold from the end of "please hold" to "thank you" (5.5 to 20.5 s; the call
        // starts at 0, 1 s before the caller's first words), within the VAD's hangover.
        let [(start_s, duration_s)] = holds[..] else { panic!("one hold: {holds:?}") };
        assert!((start_s - 5.5).abs() < 0.5 && (duration_s - 15.0).abs() < 0.5, "{holds:?}");
        assert!((conversation.longest_hold_s - duration_s).abs() < 1e-6);
        let hold_events = call.conversation_events.iter().filter(|e| e.kind == EventKind::Hold);
        assert_eq!(hold_events.count(), 1, "{:?}", call.conversation_events);
    }

    #[test]
    fn calibration_is_refused_while_the_demo_plays_or_a_rehearsal_runs() {
        let demo = Calls::new(None, SessionKind::Demo, false);
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), demo, false);
        w.handle(Command::StartCalibration);
        assert_eq!(w.calibration_refusal(), Some(CalibrationRefusal::Demo));
        let state = run(&mut w, &tone(1.0, 16000), 16000);
        assert!(state.calibration.is_none() && state.calibration_result.is_none());

        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), false);
        let script = crate::coach::rehearsal::Script::parse(
            "# t\n你好。\n",
            Lang::Zh,
            &crate::coach::Targets::default(),
        );
        w.handle(Command::StartRehearsal(script));
        w.handle(Command::StartCalibration);
        assert_eq!(w.calibration_refusal(), Some(CalibrationRefusal::Rehearsal));
        assert!(run(&mut w, &tone(1.0, 16000), 16000).calibration.is_none());

        // On a call it starts.
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), false);
        w.handle(Command::StartCalibration);
        assert!(run(&mut w, &tone(1.0, 16000), 16000).calibration.is_some());
    }

    #[test]
    fn no_cue_interrupts_the_reading_of_the_calibration_passage() {
        // 8 s of a flat voice: a cue on the line within them, but not while the
        // agent reads the calibration passage (which lasts at least 15 s).
        let speech = tone(8.0, 16000);
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), false);
        let state = run(&mut w, &speech, 16000);
        assert!(state.coach.cue.is_some(), "{:?}", state.coach);
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), false);
        w.handle(Command::StartCalibration);
        let state = run(&mut w, &speech, 16000);
        assert!(state.calibration.is_some());
        assert!(state.coach.cue.is_none(), "{:?}", state.coach);
        assert!(!matches!(state.coach.headline, Headline::Cue { .. }), "{:?}", state.coach);
        assert_eq!(state.coach.tone.band, Some(crate::coach::Band::Red), "the gauges still move");
    }

    /// Issue 22 W1: the analyser thread takes the caller's blocks, then the agent's, then
    /// publishes. Frames paired by the caller's block were cleared by the agent's, so with
    /// the caller a block behind almost none reached the timeline or `listen --frames`.
    #[test]
    fn every_agent_frame_reaches_the_timeline_and_listen_frames_once_whatever_the_interleaving() {
        let rate = 16000;
        let seconds = 10.0;
        // The analyser's frame count for 10 s at 10 ms hops, once its look-ahead is flushed
        // (as in `a_call_started_at_once_covers_every_frame_and_sample`).
        let expected = 1000;
        let agent = tone(seconds, rate);
        let caller: Vec<f32> = tone(seconds, rate).iter().map(|v| v * 0.5).collect();
        let block = rate as usize / 25; // 40 ms, as the sound server delivers them
        let blocks = agent.len() / block;
        // Which caller blocks come before each agent block, in one step of the thread: in
        // step with it, one block late, late by three in bursts of two, and one block early.
        type Plan = fn(usize, usize) -> std::ops::Range<usize>;
        let plans: [(&str, Plan); 4] = [
            ("in step", |k, _| k..k + 1),
            ("one late", |k, _| k.saturating_sub(1)..k),
            (
                "bursts",
                |k, _| if k % 2 == 1 { k.saturating_sub(4)..k.saturating_sub(2) } else { 0..0 },
            ),
            ("one early", |k, n| if k == 0 { 0..2 } else { (k + 1).min(n)..(k + 2).min(n) }),
        ];
        for (name, plan) in plans {
            let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), true);
            w.set_caller_live(true);
            let (frames_tx, frames_rx) = crossbeam_channel::unbounded();
            let links = WorkerLinks {
                blocks: crossbeam_channel::never(),
                recycle: crossbeam_channel::unbounded().0,
                caller: None,
                commands: crossbeam_channel::never(),
                frames_out: Some(frames_tx),
                state: Arc::new(Mutex::new(LiveState::new(Lang::Zh))),
                stop: Arc::new(AtomicBool::new(false)),
                counters: Arc::default(),
                caller_counters: Arc::default(),
                on_update: None,
            };
            let start = Instant::now();
            let at = |k: usize| {
                start + Duration::from_secs_f64(((k + 1) * block) as f64 / f64::from(rate))
            };
            let mut caller_sent = 0;
            for k in 0..blocks {
                for c in plan(k, blocks) {
                    assert_eq!(c, caller_sent, "{name}: the caller's blocks in order");
                    w.analyse_caller(&caller[c * block..(c + 1) * block], rate, at(c)).unwrap();
                    caller_sent += 1;
                }
                w.analyse(&agent[k * block..(k + 1) * block], rate, at(k)).unwrap();
                publish_step(&mut w, &links);
            }
            for c in caller_sent..blocks {
                w.analyse_caller(&caller[c * block..(c + 1) * block], rate, at(c)).unwrap();
            }
            wind_up(&mut w, &links);
            let logged: Vec<f64> = frames_rx.try_iter().map(|f| f.time_s).collect();
            assert_eq!(logged.len(), expected, "{name}: rows for `listen --frames`");
            assert!(logged.windows(2).all(|t| t[1] > t[0]), "{name}: each frame once, in order");
            let state = links.state.lock().unwrap();
            assert_eq!(state.timeline.len(), expected, "{name}: points on the live timeline");
            assert_eq!(state.talk.len(), expected, "{name}: points of who talked");
            let timeline: Vec<f64> = state.timeline.iter().map(|p| p.time_s).collect();
            assert_eq!(timeline, logged, "{name}: the same frames in both");
        }
    }

    #[test]
    fn calibration_result_is_published_once() {
        let mut w = AnalyserWorker::new(Coach::new(Lang::Zh, None), unstored(), false);
        w.calibration_result = Some(None);
        let mut state = LiveState::new(Lang::Zh);
        w.publish(&mut state, Instant::now());
        assert_eq!(state.calibration_result, Some(None));
        state.calibration_result = None;
        w.publish(&mut state, Instant::now());
        assert_eq!(state.calibration_result, None);
    }
}
