//! Wires the threads together: one source thread per side of the call (microphone
//! supervisor, caller-source supervisor, or real-time file player) → one bounded channel
//! of blocks each → one analyser thread (two analysers, paired on one clock) → shared
//! latest state (+ an optional stream of every agent frame for loggers).
//!
//! * [`source`] — where blocks come from (cpal devices, WAV files in real time).
//! * [`align`] — both sides' frames on the pipeline's clock, paired hop by hop.
//! * [`mirror`] — the caller's lane is never the agent's microphone.
//! * [`hangup`] — the quiet after the caller's last words is no hold.
//! * [`worker`] — the analyser thread's work, as a struct testable without threads.
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
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

pub use state::{
    Command, DeviceStatus, LiveState, StorageProblem, TIMELINE_S, TalkPoint, TimelinePoint,
};
pub use worker::AnalyserWorker;

use crate::analysis::{Frame, Lang};
use crate::audio::capture::{BLOCK_CAPACITY, Block, BlockChannels, CaptureCounters, Role};
use crate::coach::{Baseline, Coach, Targets};
use crate::session::store::SessionKind;
use calls::{Calls, StoreOptions};

/// Blocks in flight between the callback and the analyser (~1 s at 48 kHz / 1024 frames).
const CHANNEL_BLOCKS: usize = 48;

/// Where audio comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The default input device, or the first whose name contains this text.
    Microphone { device: Option<String> },
    /// What an output plays (the caller's side): the default output's monitor or
    /// loopback, or the first output whose name contains this text.
    Output { device: Option<String> },
    /// A WAV file played through the pipeline in real time (demo mode), optionally looped.
    File { path: PathBuf, looped: bool },
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Microphone { device } => {
                device.clone().unwrap_or_else(|| "default microphone".into())
            }
            Source::Output { device } => device.clone().unwrap_or_else(|| "default output".into()),
            Source::File { path, .. } => path.display().to_string(),
        }
    }

    /// Starts the thread that feeds `channels` from this source, as one side of the call.
    fn spawn(
        self,
        role: Role,
        channels: BlockChannels,
        counters: Arc<CaptureCounters>,
        state: Arc<Mutex<LiveState>>,
        stop: Arc<AtomicBool>,
    ) -> JoinHandle<()> {
        let name = match role {
            Role::Microphone => "speech-coach agent source",
            Role::Caller => "speech-coach caller source",
        };
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || match self {
                Source::Microphone { device } | Source::Output { device } => {
                    source::supervise(role, device, channels, counters, state, stop)
                }
                Source::File { path, looped } => {
                    source::play_file(role, path, looped, channels, state, stop)
                }
            })
            .expect("spawn source thread")
    }
}

/// A bounded block channel and its pool: every buffer the callback will ever fill,
/// allocated here, up front.
fn block_channels() -> (BlockChannels, Receiver<Block>, Sender<Vec<f32>>) {
    let (full_tx, full_rx) = bounded::<Block>(CHANNEL_BLOCKS);
    let (free_tx, free_rx) = bounded::<Vec<f32>>(CHANNEL_BLOCKS + 8);
    for _ in 0..CHANNEL_BLOCKS + 8 {
        free_tx.send(Vec::with_capacity(BLOCK_CAPACITY)).expect("pool has room");
    }
    (BlockChannels { full: full_tx, free: free_rx, recycle: free_tx.clone() }, full_rx, free_tx)
}

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

pub struct Pipeline {
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
    commands: Sender<Command>,
    frames: Option<Receiver<Frame>>,
    threads: Vec<JoinHandle<()>>,
    counters: Arc<CaptureCounters>,
    caller_counters: Arc<CaptureCounters>,
}

/// The analyser thread's ends of the channels, and what it reports to.
struct WorkerLinks {
    blocks: Receiver<Block>,
    recycle: Sender<Vec<f32>>,
    /// The caller's blocks and pool, when captured.
    caller: Option<(Receiver<Block>, Sender<Vec<f32>>)>,
    commands: Receiver<Command>,
    frames_out: Option<Sender<Frame>>,
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
    counters: Arc<CaptureCounters>,
    caller_counters: Arc<CaptureCounters>,
    on_update: Option<Box<dyn Fn() + Send>>,
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
    pub fn call(&self) -> Option<calls::LiveCall> {
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
    pub fn close(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
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

/// How long the analyser thread waits for the agent's next block before it looks at the
/// caller's channel and the commands again.
const POLL: Duration = Duration::from_millis(20);

fn run_worker(mut worker: AnalyserWorker, links: WorkerLinks) {
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
                    source::set_device(&links.state, status);
                }
            }
            let _ = links.recycle.send(block.samples);
        }
        if analysed {
            publish_step(&mut worker, &links);
        }
    }
    worker.finish();
    let mut s = links.state.lock().expect("state lock");
    worker.publish(&mut s, Instant::now());
}

/// After a step: frames to the session (outside the lock), the state, loggers, the UI.
fn publish_step(worker: &mut AnalyserWorker, links: &WorkerLinks) {
    worker.store_frames();
    {
        let mut s = links.state.lock().expect("state lock");
        worker.publish(&mut s, Instant::now());
        s.delivered_blocks = links.counters.delivered_blocks.load(Ordering::Relaxed);
        s.dropped_blocks = links.counters.dropped_blocks.load(Ordering::Relaxed);
        s.caller_dropped_blocks = links.caller_counters.dropped_blocks.load(Ordering::Relaxed);
    }
    if let Some(tx) = &links.frames_out {
        for f in worker.new_frames() {
            let _ = tx.send(*f);
        }
    }
    if worker.new_frames().next().is_some()
        && let Some(cb) = &links.on_update
    {
        cb();
    }
}
