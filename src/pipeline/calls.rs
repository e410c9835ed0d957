//! Calls as sessions, the pipeline's side of [`crate::conversation::bounds`]: it keeps the last
//! seconds of paired hops and of the agent's audio (so a call can start in the past, with
//! its pre-roll and the agent's greeting), opens a session when a call starts, hands it the
//! call's hops in call time, and closes it cut at the call's end.
//!
//! [`Calls::hop`] and [`Calls::start_now`]/[`Calls::end_now`] do no I/O; the disk is
//! touched in [`Calls::store_audio`] and [`Calls::store`], which the worker runs outside
//! the state lock. A call that cannot be stored still runs (its figures are published);
//! the failure is reported once.

use std::collections::VecDeque;
use std::path::PathBuf;

use crate::analysis::{Frame, HOP_S, Lang, Totals};
use crate::coach::CoachState;
use crate::conversation::bounds::{CallBounds, CallEnd, CallEvent, MAX_LOOKBACK_S, TalkHop};
use crate::conversation::{ConversationEvent, ConversationSummary, EventKind, Hold, HoldSource};
use crate::session::frames::Talk;
use crate::session::store::{Finished, PartFailed, SessionKind, SessionPart, SessionWriter};

use super::state::{LiveCall, StorageProblem, TalkPoint};

/// History kept for a call that starts in the past, with a margin for the pairing delay.
const KEEP_S: f64 = MAX_LOOKBACK_S + 2.0;
const KEEP_HOPS: usize = (KEEP_S / HOP_S) as usize;

/// Where and how calls are stored.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub root: PathBuf,
    /// The agent's source, as the session names it.
    pub source: String,
    pub lang: Lang,
    pub record: bool,
}

/// One paired hop as the pipeline saw it.
#[derive(Debug, Clone, Copy)]
pub struct Hop {
    pub agent: Frame,
    pub caller: Option<Frame>,
    pub state: CoachState,
    pub talk: TalkPoint,
    /// The caller took the floor at this hop, ending the agent's turn.
    pub ended_turn: bool,
}

struct Call {
    kind: SessionKind,
    /// Stream time of the call's start: hops are stored at `time_s - origin_s`.
    origin_s: f64,
    newest_s: f64,
    writer: Option<SessionWriter>,
    /// Creating the session failed (reported once): the call goes on unstored.
    unstorable: bool,
    /// The audio from `origin_s` still has to be taken from the history.
    audio_from_history: bool,
    pending: Vec<(Frame, CoachState, Talk)>,
    totals: Totals,
    /// Call time of the end, and why, once ended.
    end: Option<(f64, CallEnd)>,
    conversation: Option<(ConversationSummary, Vec<ConversationEvent>)>,
    /// Stream time of the caller's last talk in the call.
    last_caller_talk_s: Option<f64>,
}

impl Call {
    fn new(kind: SessionKind, origin_s: f64) -> Self {
        Self {
            kind,
            origin_s,
            newest_s: origin_s,
            writer: None,
            unstorable: false,
            audio_from_history: true,
            pending: Vec::with_capacity(KEEP_HOPS),
            totals: Totals::new(),
            end: None,
            conversation: None,
            last_caller_talk_s: None,
        }
    }

    /// The call's figures for its first `end_s` seconds.
    fn summary(&self, end_s: f64, lang: Lang) -> crate::analysis::Summary {
        // The frames of the call: hops at k × 10 ms before its end.
        let frames = (end_s / HOP_S - 1e-6).ceil().max(0.0) as u64;
        self.totals.summary(end_s, frames).with_lang(lang)
    }

    fn add(&mut self, hop: &Hop, with_caller: bool) {
        if hop.ended_turn {
            self.totals.end_turn();
        }
        self.totals.push_frame(&hop.agent);
        self.newest_s = hop.agent.time_s;
        if with_caller && hop.talk.caller {
            self.last_caller_talk_s = Some(hop.agent.time_s);
        }
        let agent = Frame { time_s: hop.agent.time_s - self.origin_s, ..hop.agent };
        let talk = Talk { agent: hop.talk.agent, caller: with_caller.then_some(hop.talk.caller) };
        self.pending.push((agent, hop.state, talk));
    }
}

pub struct Calls {
    store: Option<StoreOptions>,
    /// What the next call is: a call, or the demo or a rehearsal (one session each).
    kind: SessionKind,
    bounds: CallBounds,
    with_caller: bool,
    history: VecDeque<Hop>,
    /// The agent's recent audio, ending at stream time `audio_end_s`.
    audio: VecDeque<f32>,
    audio_rate: u32,
    audio_end_s: f64,
    call: Option<Call>,
    ending: Vec<Call>,
    /// Sessions stored this run, oldest first.
    stored: Vec<String>,
    last_id: Option<String>,
    problems: Vec<StorageProblem>,
}

impl Calls {
    /// Calls of `kind`: a `Call` starts and ends with the talk (and by hand); a demo or a
    /// rehearsal is one session from now until it is ended.
    pub fn new(store: Option<StoreOptions>, kind: SessionKind, with_caller: bool) -> Self {
        let mut calls = Self {
            store,
            kind,
            bounds: CallBounds::new(kind == SessionKind::Call),
            with_caller,
            history: VecDeque::with_capacity(KEEP_HOPS + 1),
            audio: VecDeque::new(),
            audio_rate: 0,
            audio_end_s: 0.0,
            call: None,
            ending: Vec::new(),
            stored: Vec::new(),
            last_id: None,
            problems: Vec::new(),
        };
        if kind != SessionKind::Call {
            calls.start_now();
        }
        calls
    }

    /// What the sessions are now: calls, the demo or a rehearsal.
    pub fn kind(&self) -> SessionKind {
        self.kind
    }

    /// One paired hop; says when a call started or ended with it.
    pub fn hop(&mut self, hop: Hop) -> Option<CallEvent> {
        if self.history.len() == KEEP_HOPS {
            self.history.pop_front();
        }
        self.history.push_back(hop);
        let talk = TalkHop {
            time_s: hop.agent.time_s,
            agent: hop.talk.agent,
            caller: self.with_caller.then_some(hop.talk.caller),
        };
        let event = self.bounds.push(talk);
        match event {
            Some(CallEvent::Started { at_s }) => self.begin(at_s),
            _ => {
                if let Some(call) = self.call.as_mut() {
                    call.add(&hop, self.with_caller);
                }
            }
        }
        if let Some(CallEvent::Ended { at_s, by }) = event {
            self.close(at_s, by);
        }
        event
    }

    /// The hops kept from `from_s` on (to replay a call's start into a new conversation).
    pub fn history_from(&self, from_s: f64) -> impl Iterator<Item = &Hop> {
        self.history.iter().filter(move |h| h.agent.time_s >= from_s)
    }

    /// The "start call" click (or `listen --session`).
    pub fn start_now(&mut self) -> Option<CallEvent> {
        let event = self.bounds.start_now();
        if let Some(CallEvent::Started { at_s }) = event {
            self.begin(at_s);
        }
        event
    }

    /// The "end call" click, a rehearsal taking over, or the pipeline stopping.
    pub fn end_now(&mut self, by: CallEnd) -> Option<CallEvent> {
        let event = self.bounds.end_now(by);
        if let Some(CallEvent::Ended { at_s, by }) = event {
            self.close(at_s, by);
        }
        event
    }

    pub fn set_hold(&mut self, on: bool) {
        self.bounds.set_hold(on);
    }

    /// From now on sessions are `kind`: the call in progress ends, and a demo or rehearsal
    /// session starts at once.
    pub fn switch_to(&mut self, kind: SessionKind) -> Vec<CallEvent> {
        let mut events: Vec<CallEvent> = self.end_now(CallEnd::Hand).into_iter().collect();
        self.kind = kind;
        self.bounds = CallBounds::new(kind == SessionKind::Call);
        if kind != SessionKind::Call {
            events.extend(self.start_now());
        }
        events
    }

    /// The conversation figures of the call that just ended (stream times).
    pub fn attach_conversation(
        &mut self,
        summary: ConversationSummary,
        events: Vec<ConversationEvent>,
    ) {
        if let Some(call) = self.ending.last_mut() {
            let (origin, end) = (call.origin_s, call.end.map_or(0.0, |e| e.0));
            let (summary, events) = without_holds_after_hang_up(
                summary,
                events,
                call.last_caller_talk_s.filter(|_| self.with_caller),
            );
            let summary = summary.shifted(-origin, end);
            let events = events
                .into_iter()
                .map(|e| ConversationEvent { time_s: e.time_s - origin, ..e })
                .filter(|e| e.time_s <= end)
                .collect();
            call.conversation = Some((summary, events));
        }
    }

    fn begin(&mut self, at_s: f64) {
        let mut call = Call::new(self.kind, at_s);
        for hop in self.history.iter().filter(|h| h.agent.time_s >= at_s) {
            call.add(hop, self.with_caller);
        }
        self.call = Some(call);
    }

    fn close(&mut self, at_s: f64, by: CallEnd) {
        // No later than the audio heard: the last hop may reach past the last sample.
        let at_s = if self.audio_rate > 0 { at_s.min(self.audio_end_s) } else { at_s };
        if let Some(mut call) = self.call.take() {
            call.end = Some(((at_s - call.origin_s).max(0.0), by));
            self.ending.push(call);
        }
    }

    /// The agent's audio for one block whose last sample is at stream time `end_s`: kept
    /// for a call that starts in the past, and written to the call in progress.
    pub fn store_audio(&mut self, samples: &[f32], rate: u32, end_s: f64) {
        if rate != self.audio_rate {
            self.audio.clear();
            self.audio_rate = rate;
        }
        self.audio.extend(samples);
        let keep = (KEEP_S * rate as f64) as usize;
        if self.audio.len() > keep {
            self.audio.drain(..self.audio.len() - keep);
        }
        self.audio_end_s = end_s;
        let Some(mut call) = self.call.take() else { return };
        self.open_writer(&mut call);
        if let Some(w) = call.writer.as_mut() {
            let written = if call.audio_from_history {
                call.audio_from_history = false;
                let start_s = self.audio_end_s - self.audio.len() as f64 / rate as f64;
                let skip = ((call.origin_s - start_s) * rate as f64).round().max(0.0) as usize;
                let (a, b) = self.audio.as_slices();
                let from_a = a.get(skip..).unwrap_or(&[]);
                let from_b = b.get(skip.saturating_sub(a.len())..).unwrap_or(&[]);
                w.audio(from_a, rate).and_then(|()| w.audio(from_b, rate))
            } else {
                w.audio(samples, rate)
            };
            if let Err(e) = written {
                self.problems.push(StorageProblem::from(&e));
            }
        }
        self.call = Some(call);
    }

    /// Writes the hops waiting, and closes the calls that ended.
    pub fn store(&mut self) {
        if let Some(mut call) = self.call.take() {
            self.write_pending(&mut call);
            self.call = Some(call);
        }
        for mut call in std::mem::take(&mut self.ending) {
            self.write_pending(&mut call);
            let Some(w) = call.writer.take() else { continue };
            let (end_s, by) = call.end.expect("an ending call has its end");
            let summary = call.summary(end_s, self.lang());
            let (finished, failed) = w.close_call(summary, end_s, by, call.conversation.take());
            self.problems.extend(failed.iter().map(StorageProblem::from));
            match finished {
                Finished::Stored(meta) => {
                    self.stored.push(meta.id.clone());
                    self.last_id = Some(meta.id);
                }
                // Nothing captured: no session to point at.
                Finished::Removed { id } if self.last_id.as_ref() == Some(&id) => {
                    self.last_id = self.stored.last().cloned();
                }
                Finished::Removed { .. } => {}
            }
        }
    }

    /// Hands the waiting hops to the call's session, with the summary so far (written at
    /// its next checkpoint: a session killed mid-call keeps its figures up to there).
    fn write_pending(&mut self, call: &mut Call) {
        self.open_writer(call);
        let so_far = (call.writer.is_some() && !call.pending.is_empty())
            .then(|| call.summary(call.newest_s - call.origin_s + HOP_S, self.lang()));
        if let Some(w) = call.writer.as_mut() {
            if let Some(summary) = &so_far {
                w.set_summary(summary);
            }
            for (f, c, talk) in call.pending.drain(..) {
                let failed = w.frame(&f, &c, talk);
                self.problems.extend(failed.iter().map(StorageProblem::from));
            }
        }
        call.pending.clear();
    }

    /// The speech language of stored calls (the pace unit of their summaries).
    fn lang(&self) -> Lang {
        self.store.as_ref().map_or(Lang::Zh, |s| s.lang)
    }

    fn open_writer(&mut self, call: &mut Call) {
        let Some(o) = self.store.as_ref() else { return };
        if call.writer.is_some() || call.unstorable {
            return;
        }
        let created = SessionWriter::create(&o.root, &o.source, o.lang, o.record)
            .map_err(|source| PartFailed { part: SessionPart::Session, source })
            .and_then(|mut w| {
                if call.kind != SessionKind::Call {
                    w.set_kind(call.kind)?;
                }
                Ok(w)
            });
        match created {
            Ok(w) => {
                self.last_id = Some(w.id().to_string());
                call.writer = Some(w);
            }
            Err(failed) => {
                call.unstorable = true;
                self.problems.push(StorageProblem::from(&failed));
            }
        }
    }

    /// The call in progress.
    pub fn live(&self) -> Option<LiveCall> {
        self.call.as_ref().map(|c| LiveCall {
            id: c.writer.as_ref().map(|w| w.id().to_string()),
            kind: c.kind,
            elapsed_s: (c.newest_s - c.origin_s).max(0.0),
        })
    }

    /// The session being stored, or the last one stored.
    pub fn session_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// Audio is being recorded into the call in progress.
    pub fn recording(&self) -> bool {
        self.call.as_ref().and_then(|c| c.writer.as_ref()).is_some_and(SessionWriter::recording)
    }

    /// Sessions stored this run, oldest first.
    pub fn stored(&self) -> &[String] {
        &self.stored
    }

    pub fn take_problems(&mut self) -> Vec<StorageProblem> {
        std::mem::take(&mut self.problems)
    }
}

/// A hold is the caller waiting on the line. A silence after which the caller never talked
/// again is the caller gone (they said goodbye and hung up; the agent may have said "hello?"
/// into the dead line before the call ended by its silent minute): it is not stored as a
/// hold. Key holds are the agent's own word and stay. Times are stream times.
fn without_holds_after_hang_up(
    mut summary: ConversationSummary,
    mut events: Vec<ConversationEvent>,
    last_caller_talk_s: Option<f64>,
) -> (ConversationSummary, Vec<ConversationEvent>) {
    let Some(last_caller_talk_s) = last_caller_talk_s else { return (summary, events) };
    // The caller's talk as the conversation counts it runs on past their last spurt by the
    // VAD's hangover: compared with the hold's end, not its start.
    let after_hang_up = |h: &Hold| {
        h.source == HoldSource::Silence && last_caller_talk_s < h.start_s + f64::from(h.duration_s)
    };
    let dropped: Vec<f64> =
        summary.holds.iter().filter(|h| after_hang_up(h)).map(|h| h.start_s).collect();
    if dropped.is_empty() {
        return (summary, events);
    }
    summary.holds.retain(|h| !after_hang_up(h));
    summary.longest_hold_s = summary.holds.iter().map(|h| h.duration_s).fold(0.0, f32::max);
    events.retain(|e| {
        e.kind != EventKind::Hold || !dropped.iter().any(|&t| (t - e.time_s).abs() < 1e-6)
    });
    (summary, events)
}
