//! The pipeline's public front: [`Pipeline::start`] wires the threads together, and the
//! window and the CLI read and steer them through [`Pipeline`]. One source thread per side
//! of the call (microphone supervisor, caller-source supervisor, or real-time file player)
//! → one bounded channel of blocks each → one analyser thread (two analysers, paired on one
//! clock) → shared latest state (+ an optional stream of every agent frame for loggers).
//!
//! * [`source`] — where blocks come from ([`Source`], cpal devices, WAV files in real
//!   time) and the block channels with their pools.
//! * [`worker`] — the analyser thread: its work as a struct testable without threads, and
//!   the loop around it.
//! * [`align`] — both sides' frames on the pipeline's clock, paired hop by hop.
//! * [`mirror`] — the caller's lane is never the agent's microphone.
//! * [`hangup`] — the quiet after the caller's last words is no hold.
//! * [`calls`] — calls as sessions.
//! * [`state`] — what the UI reads, and the commands it sends back.

mod align;
pub mod calls;
mod hangup;
mod mirror;
mod source;
mod state;
mod worker;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, unbounded};

pub use source::Source;
pub use state::{
    Command, DeviceStatus, LiveCall, LiveState, StorageProblem, TIMELINE_S, TalkPoint,
    TimelinePoint,
};
pub use worker::AnalyserWorker;

use crate::analysis::{Frame, Lang};
use crate::audio::capture::{CaptureCounters, Role};
use crate::coach::{Baseline, Coach, Targets};
use crate::session::store::SessionKind;
use calls::{Calls, StoreOptions};
use source::block_channels;
use worker::{WorkerLinks, run_worker};

#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub root: PathBuf,
    pub record_audio: bool,
    /// A call starts at once (`listen --session`), as with the "start call" click; later
    /// calls start on the caller's talk.
    pub call_at_once: bool,
}

pub struct PipelineOptions {
    /// The agent's side.
    pub source: Source,
    /// The caller's side, when captured (`Source::Output` live, a file in tests).
    pub caller: Option<Source>,
    pub lang: Lang,
    pub baseline: Option<Baseline>,
    pub targets: Targets,
    /// Store each call as a session (and optionally record its audio); without it calls
    /// are still followed, not stored.
    pub session: Option<SessionOptions>,
    /// Also deliver every frame on [`Pipeline::frames`] (for `listen --frames`).
    pub keep_frames: bool,
    /// Called after each published update (the UI passes `ctx.request_repaint`).
    pub on_update: Option<Box<dyn Fn() + Send>>,
}

/// How long [`Pipeline::close`] waits for a capture thread to end (they check the stop
/// flag every 50 ms when they are not stuck in a device).
const SOURCE_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

pub struct Pipeline {
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
    commands: Sender<Command>,
    frames: Option<Receiver<Frame>>,
    /// The capture threads, then the analyser thread last (see [`Pipeline::close`]).
    threads: Vec<JoinHandle<()>>,
    counters: Arc<CaptureCounters>,
    caller_counters: Arc<CaptureCounters>,
}

impl Pipeline {
    pub fn start(options: PipelineOptions) -> Self {
        let state = Arc::new(Mutex::new(LiveState::new(options.lang)));
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(CaptureCounters::default());
        let caller_counters = Arc::new(CaptureCounters::default());
        let (frames_tx, frames_rx) = if options.keep_frames {
            let (tx, rx) = unbounded();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        let (command_tx, command_rx) = unbounded();
        let (channels, full_rx, free_tx) = block_channels();
        let mut threads = vec![options.source.clone().spawn(
            Role::Microphone,
            channels,
            counters.clone(),
            state.clone(),
            stop.clone(),
        )];
        let caller = options.caller.clone().map(|source| {
            state.lock().expect("state lock").caller_device = Some(DeviceStatus::Connecting);
            let (channels, rx, recycle) = block_channels();
            let thread = source.spawn(
                Role::Caller,
                channels,
                caller_counters.clone(),
                state.clone(),
                stop.clone(),
            );
            threads.push(thread);
            (rx, recycle)
        });
        let mut coach = Coach::new(options.lang, options.baseline);
        coach.set_targets(options.targets);
        let with_caller = caller.is_some();
        let calls = calls_for(&options, with_caller);
        let links = WorkerLinks {
            blocks: full_rx,
            recycle: free_tx,
            caller,
            commands: command_rx,
            frames_out: frames_tx,
            state: state.clone(),
            stop: stop.clone(),
            counters: counters.clone(),
            caller_counters: caller_counters.clone(),
            on_update: options.on_update,
        };
        let analyser_thread = std::thread::Builder::new()
            .name("speech-coach analyser".into())
            .spawn(move || run_worker(AnalyserWorker::new(coach, calls, with_caller), links))
            .expect("spawn analyser thread");
        threads.push(analyser_thread);
        Self {
            state,
            stop,
            commands: command_tx,
            frames: frames_rx,
            threads,
            counters,
            caller_counters,
        }
    }

    /// A copy of the latest state (the lock is held only for the copy).
    pub fn snapshot(&self) -> LiveState {
        self.state.lock().expect("state lock").clone()
    }

    /// The device status alone (cheap: no copy of the timeline).
    pub fn device(&self) -> DeviceStatus {
        self.state.lock().expect("state lock").device.clone()
    }

    /// The call in progress (cheap: no copy of the timeline).
    pub fn call(&self) -> Option<LiveCall> {
        self.state.lock().expect("state lock").call.clone()
    }

    /// The caller's source status, when one is captured.
    pub fn caller_device(&self) -> Option<DeviceStatus> {
        self.state.lock().expect("state lock").caller_device.clone()
    }

    /// Storage problems from the `from`-th on (cheap: no copy of the timeline).
    pub fn storage_problems_since(&self, from: usize) -> Vec<StorageProblem> {
        let s = self.state.lock().expect("state lock");
        s.storage_problems.get(from..).map_or_else(Vec::new, <[StorageProblem]>::to_vec)
    }

    pub fn state(&self) -> &Arc<Mutex<LiveState>> {
        &self.state
    }

    pub fn frames(&self) -> Option<&Receiver<Frame>> {
        self.frames.as_ref()
    }

    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    pub fn dropped_blocks(&self) -> u64 {
        self.counters.dropped_blocks.load(Ordering::Relaxed)
    }

    /// Blocks of the caller's side dropped because the analyser fell behind.
    pub fn caller_dropped_blocks(&self) -> u64 {
        self.caller_counters.dropped_blocks.load(Ordering::Relaxed)
    }

    /// Stops both threads, waits for them (the session is closed by then) and returns
    /// the final state.
    pub fn stop(mut self) -> LiveState {
        self.close();
        self.snapshot()
    }

    /// Stops the threads and waits for them, so that the call in progress is closed and
    /// stored before the process goes on to exit (the window's close, SIGTERM). Dropping
    /// a pipeline only asks them to stop. Calling it again does nothing.
    ///
    /// The analyser is always waited for: it closes the session. A capture thread is
    /// waited for [`SOURCE_STOP_WAIT`] at most and then left behind: one that is stuck in
    /// a device that never started (`source::START_TIMEOUT`) holds nothing to store, and
    /// must not keep `listen` or the window from ending.
    pub fn close(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let analyser = self.threads.pop();
        if let Some(t) = analyser {
            let _ = t.join();
        }
        let until = std::time::Instant::now() + SOURCE_STOP_WAIT;
        for t in self.threads.drain(..) {
            while !t.is_finished() && std::time::Instant::now() < until {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            if t.is_finished() {
                let _ = t.join();
            }
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// How this run's sessions are decided and stored: a file source is the demo (one session
/// for the run), a live source has calls.
fn calls_for(options: &PipelineOptions, with_caller: bool) -> Calls {
    let store = options.session.as_ref().map(|o| StoreOptions {
        root: o.root.clone(),
        source: options.source.label(),
        lang: options.lang,
        record: o.record_audio,
    });
    let kind = if matches!(options.source, Source::File { .. }) {
        SessionKind::Demo
    } else {
        SessionKind::Call
    };
    let mut calls = Calls::new(store, kind, with_caller);
    if options.session.as_ref().is_some_and(|o| o.call_at_once) {
        calls.start_now();
    }
    calls
}
