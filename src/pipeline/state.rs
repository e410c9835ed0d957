//! What the analyser thread publishes and the UI reads once per repaint: the latest
//! state, device status, the rolling timeline, and the requests the UI sends back.
//!
//! Everything here is plain data; the worker fills it under a short lock and the window
//! copies it out (`Pipeline::snapshot`), so neither side ever waits on the other's work.

use std::collections::VecDeque;

use serde::Serialize;

use crate::analysis::{Frame, Lang, Summary};
use crate::coach::{Baseline, Calibration, CoachState, PaceProfile};
use crate::conversation::{ConversationEvent, ConversationSummary, LiveConversation};
use crate::session::store::{PartFailed, SessionKind, SessionPart, StorageCause};

/// The timeline keeps this much history.
pub const TIMELINE_S: f64 = 30.0;
/// Latency samples kept for the median / 95th percentile.
pub(crate) const LATENCY_SAMPLES: usize = 2000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DeviceStatus {
    Connecting,
    Live {
        name: String,
        sample_rate: u32,
        channels: u16,
        format: String,
    },
    /// The device failed or went silent; retrying.
    Lost {
        name: String,
        reason: String,
        /// The stream ran but carried only exact zeros: a muted headset (or a sound server
        /// feeding silence for a device gone), which the agent fixes differently from an
        /// unplugged one.
        silent: bool,
    },
    /// No device could be opened at all.
    Unavailable {
        reason: String,
    },
    Playing {
        file: String,
    },
    Finished,
}

impl DeviceStatus {
    /// Why no microphone is open, in one line for stderr (`listen`, the window's switch to
    /// the demo). An unavailable device's reason mostly says itself what failed and names
    /// the device ("no microphone found (…)", "cannot open microphone \"X\": …"): it
    /// stands alone then, and "no microphone could be opened" leads only a reason that
    /// does not ("audio host … is not available"), so the line never says it twice.
    pub fn no_microphone_line(&self) -> String {
        const LEAD: &str = "no microphone could be opened";
        let reason = match self {
            DeviceStatus::Unavailable { reason } | DeviceStatus::Lost { reason, .. } => {
                reason.trim().trim_end_matches('.')
            }
            _ => return LEAD.into(),
        };
        if reason.contains("microphone") { reason.into() } else { format!("{LEAD}: {reason}") }
    }
}

/// What the window and `listen` show of the call in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCall {
    /// The stored session, once created (none when calls are not stored).
    pub id: Option<String>,
    pub kind: SessionKind,
    /// Seconds since the call started.
    pub elapsed_s: f64,
}

/// One point of the rolling timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelinePoint {
    pub time_s: f64,
    pub f0_hz: f32,
    pub level_dbfs: f32,
    pub pace: Option<f32>,
}

/// Who was talking at one hop: the two lanes of the "who is talking" strip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TalkPoint {
    pub time_s: f64,
    pub agent: bool,
    pub caller: bool,
}

/// A part of the session that could not be stored: what, why (for a translated notice)
/// and the full message (path and system error) for the command line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageProblem {
    pub part: SessionPart,
    pub cause: StorageCause,
    pub message: String,
}

impl From<&PartFailed> for StorageProblem {
    fn from(e: &PartFailed) -> Self {
        Self { part: e.part, cause: e.source.cause(), message: e.to_string() }
    }
}

/// Requests from the UI to the analyser thread.
#[derive(Debug, Clone)]
pub enum Command {
    SetLang(Lang),
    SetBaseline(Option<Baseline>),
    /// New target bands from the settings panel (already checked).
    SetTargets(crate::coach::Targets),
    /// Refused while the demo plays or a rehearsal runs ([`crate::coach::CalibrationRefusal`]).
    StartCalibration,
    StartRehearsal(crate::coach::rehearsal::Script),
    /// The agent put the caller on hold (true) or came back (false): the hold key.
    SetHold(bool),
    /// The "start call" click: a call from now (calls also start on the caller's talk).
    StartCall,
    /// The "end call" click (calls also end after a silent minute).
    EndCall,
}

/// What the UI reads each repaint.
#[derive(Debug, Clone)]
pub struct LiveState {
    pub device: DeviceStatus,
    /// The caller's source, when one is captured.
    pub caller_device: Option<DeviceStatus>,
    pub coach: CoachState,
    pub latest: Option<Frame>,
    pub timeline: VecDeque<TimelinePoint>,
    /// Who talked, hop by hop, over the same span as the timeline.
    pub talk: VecDeque<TalkPoint>,
    pub summary: Option<Summary>,
    /// The conversation at the newest hop, when the caller is heard.
    pub conversation: Option<LiveConversation>,
    /// The whole call's conversation figures, set when the pipeline stops.
    pub conversation_summary: Option<ConversationSummary>,
    /// Its interruptions, dead air and holds, in order.
    pub conversation_events: Vec<ConversationEvent>,
    pub delivered_blocks: u64,
    pub dropped_blocks: u64,
    /// Blocks of the caller's side dropped (the analyser fell behind).
    pub caller_dropped_blocks: u64,
    /// Capture-to-state delays in milliseconds, newest last.
    pub latencies_ms: VecDeque<f32>,
    pub calibration: Option<Calibration>,
    /// Set when a calibration run ends: the new baseline, or None if there was too little speech.
    pub calibration_result: Option<Option<Baseline>>,
    /// Set with `calibration_result`: the pace calibration the reading taught, or None when
    /// it taught none (too little of the passage read, or something else said).
    pub pace_result: Option<Option<PaceProfile>>,
    /// Calibrations finished so far: the window takes each result once.
    pub calibrations: u64,
    pub lang: Lang,
    /// The session being stored, or the last one stored this run.
    pub session_id: Option<String>,
    /// The call in progress (also a demo or rehearsal session in progress).
    pub call: Option<LiveCall>,
    /// Sessions stored this run, oldest first.
    pub calls: Vec<String>,
    /// Audio is being recorded right now (wanted, and no write has failed).
    pub recording: bool,
    /// Every part of the session that stopped being stored, in the order it happened.
    pub storage_problems: Vec<StorageProblem>,
    /// Teleprompter: the line to highlight and the per-line results so far.
    pub rehearsal: Option<(usize, Vec<crate::coach::rehearsal::LineResult>)>,
    /// The caller's lane carries the agent's microphone (see `pipeline::mirror`): it is
    /// heard as silence until it carries a voice of its own.
    pub caller_mirrors_agent: bool,
    /// How often that was found this run; each rise makes both sides' supervisors
    /// re-resolve their sources.
    pub mirror_alarms: u64,
}

impl LiveState {
    pub fn new(lang: Lang) -> Self {
        Self {
            device: DeviceStatus::Connecting,
            caller_device: None,
            coach: CoachState::default(),
            latest: None,
            timeline: VecDeque::with_capacity((TIMELINE_S * 100.0) as usize + 1),
            talk: VecDeque::with_capacity((TIMELINE_S * 100.0) as usize + 1),
            summary: None,
            conversation: None,
            conversation_summary: None,
            conversation_events: Vec::new(),
            delivered_blocks: 0,
            dropped_blocks: 0,
            caller_dropped_blocks: 0,
            latencies_ms: VecDeque::with_capacity(LATENCY_SAMPLES),
            calibration: None,
            calibration_result: None,
            pace_result: None,
            calibrations: 0,
            lang,
            session_id: None,
            call: None,
            calls: Vec::new(),
            recording: false,
            storage_problems: Vec::new(),
            rehearsal: None,
            caller_mirrors_agent: false,
            mirror_alarms: 0,
        }
    }

    /// (median, 95th percentile) of the recent capture-to-state latencies.
    pub fn latency_percentiles_ms(&self) -> Option<(f32, f32)> {
        if self.latencies_ms.is_empty() {
            return None;
        }
        let mut v: Vec<f32> = self.latencies_ms.iter().copied().collect();
        v.sort_by(f32::total_cmp);
        let at = |q: f32| v[((v.len() - 1) as f32 * q).round() as usize];
        Some((at(0.5), at(0.95)))
    }

    /// Appends to the rolling timeline, dropping the oldest point when it is full.
    pub(crate) fn push_timeline(&mut self, point: TimelinePoint) {
        if self.timeline.len() == self.timeline.capacity() {
            self.timeline.pop_front();
        }
        self.timeline.push_back(point);
    }

    pub(crate) fn push_talk(&mut self, point: TalkPoint) {
        if self.talk.len() == self.talk.capacity() {
            self.talk.pop_front();
        }
        self.talk.push_back(point);
    }

    pub(crate) fn push_latency(&mut self, ms: f32) {
        if self.latencies_ms.len() == LATENCY_SAMPLES {
            self.latencies_ms.pop_front();
        }
        self.latencies_ms.push_back(ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_no_microphone_line_names_the_microphone_once() {
        use crate::audio::capture::{CaptureError, Role};
        let open = CaptureError::Open {
            role: Role::Microphone,
            device: "Default Audio Device".into(),
            reason: "The requested audio device is not available.".into(),
        };
        let host = CaptureError::HostUnavailable { host: "ALSA".into(), reason: "none".into() };
        for error in [CaptureError::NoDevice, open, host] {
            let status = DeviceStatus::Unavailable { reason: error.to_string() };
            let line = status.no_microphone_line();
            assert_eq!(line.matches("microphone").count(), 1, "{line}");
            assert!(!line.ends_with('.') && !line.contains('\n'), "{line}");
        }
        let line = DeviceStatus::Unavailable { reason: "no microphone found (x)".into() };
        assert_eq!(line.no_microphone_line(), "no microphone found (x)");
        assert_eq!(DeviceStatus::Connecting.no_microphone_line(), "no microphone could be opened");
    }

    #[test]
    fn the_timeline_keeps_thirty_seconds_and_drops_the_oldest() {
        let mut s = LiveState::new(Lang::Zh);
        for i in 0..5000 {
            let point =
                TimelinePoint { time_s: i as f64 * 0.01, f0_hz: 0.0, level_dbfs: 0.0, pace: None };
            s.push_timeline(point);
        }
        assert_eq!(s.timeline.len(), 3001);
        assert!((s.timeline.front().unwrap().time_s - 19.99).abs() < 1e-9);
    }

    #[test]
    fn latency_percentiles_come_from_the_recent_samples() {
        let mut s = LiveState::new(Lang::Zh);
        assert_eq!(s.latency_percentiles_ms(), None);
        for i in 0..100 {
            s.push_latency(i as f32);
        }
        assert_eq!(s.latency_percentiles_ms(), Some((50.0, 94.0)));
    }
}
