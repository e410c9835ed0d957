//! Wires the threads together: a source thread (microphone supervisor or real-time file
//! player) → bounded channel of blocks → analyser thread → shared latest state (+ an
//! optional stream of every frame for loggers).
//!
//! * [`source`] — where blocks come from (cpal microphone, WAV file in real time).
//! * [`worker`] — the analyser thread's work, as a struct testable without threads.
//! * [`state`] — what the UI reads, and the commands it sends back.

mod source;
mod state;
mod worker;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

pub use state::{Command, DeviceStatus, LiveState, StorageProblem, TIMELINE_S, TimelinePoint};
pub use worker::AnalyserWorker;

use crate::analysis::{Frame, Lang};
use crate::audio::capture::{BLOCK_CAPACITY, Block, BlockChannels, CaptureCounters};
use crate::coach::{Baseline, Coach, Targets};
use crate::session::store::{PartFailed, SessionPart, SessionWriter};

/// Blocks in flight between the callback and the analyser (~1 s at 48 kHz / 1024 frames).
const CHANNEL_BLOCKS: usize = 48;

/// Where audio comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The default input device, or the first whose name contains this text.
    Microphone { device: Option<String> },
    /// A WAV file played through the pipeline in real time (demo mode), optionally looped.
    File { path: PathBuf, looped: bool },
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Microphone { device } => {
                device.clone().unwrap_or_else(|| "default microphone".into())
            }
            Source::File { path, .. } => path.display().to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub root: PathBuf,
    pub record_audio: bool,
}

pub struct PipelineOptions {
    pub source: Source,
    pub lang: Lang,
    pub baseline: Option<Baseline>,
    pub targets: Targets,
    /// Store the run as a session (and optionally record its audio).
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
}

/// The analyser thread's ends of the channels, and what it reports to.
struct WorkerLinks {
    blocks: Receiver<Block>,
    recycle: Sender<Vec<f32>>,
    commands: Receiver<Command>,
    frames_out: Option<Sender<Frame>>,
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
    counters: Arc<CaptureCounters>,
    on_update: Option<Box<dyn Fn() + Send>>,
}

impl Pipeline {
    pub fn start(options: PipelineOptions) -> Self {
        let state = Arc::new(Mutex::new(LiveState::new(options.lang)));
        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(CaptureCounters::default());
        let (full_tx, full_rx) = bounded::<Block>(CHANNEL_BLOCKS);
        // The pool: every buffer the callback will ever fill, allocated here, up front.
        let (free_tx, free_rx) = bounded::<Vec<f32>>(CHANNEL_BLOCKS + 8);
        for _ in 0..CHANNEL_BLOCKS + 8 {
            free_tx.send(Vec::with_capacity(BLOCK_CAPACITY)).expect("pool has room");
        }
        let channels = BlockChannels { full: full_tx, free: free_rx, recycle: free_tx.clone() };
        let (frames_tx, frames_rx) = if options.keep_frames {
            let (tx, rx) = unbounded();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        let (command_tx, command_rx) = unbounded();

        let source_thread = {
            let (state, stop, counters) = (state.clone(), stop.clone(), counters.clone());
            let source = options.source.clone();
            std::thread::Builder::new()
                .name("speech-coach source".into())
                .spawn(move || match source {
                    Source::Microphone { device } => {
                        source::supervise_microphone(device, channels, counters, state, stop)
                    }
                    Source::File { path, looped } => {
                        source::play_file(path, looped, channels, state, stop)
                    }
                })
                .expect("spawn source thread")
        };
        let mut coach = Coach::new(options.lang, options.baseline);
        coach.set_targets(options.targets);
        let session = options.session.as_ref().and_then(|o| {
            let label = options.source.label();
            match SessionWriter::create(&o.root, &label, options.lang, o.record_audio) {
                Ok(w) => Some(w),
                Err(source) => {
                    let failed = PartFailed { part: SessionPart::Session, source };
                    state.lock().expect("state lock").storage_problems.push((&failed).into());
                    None
                }
            }
        });
        if let Some(w) = &session {
            let mut s = state.lock().expect("state lock");
            s.session_id = Some(w.id().to_string());
            s.recording = w.recording();
        }
        let links = WorkerLinks {
            blocks: full_rx,
            recycle: free_tx,
            commands: command_rx,
            frames_out: frames_tx,
            state: state.clone(),
            stop: stop.clone(),
            counters: counters.clone(),
            on_update: options.on_update,
        };
        let analyser_thread = std::thread::Builder::new()
            .name("speech-coach analyser".into())
            .spawn(move || run_worker(AnalyserWorker::new(coach, session), links))
            .expect("spawn analyser thread");
        Self {
            state,
            stop,
            commands: command_tx,
            frames: frames_rx,
            threads: vec![source_thread, analyser_thread],
            counters,
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

    /// Stops both threads, waits for them (the session is closed by then) and returns
    /// the final state.
    pub fn stop(mut self) -> LiveState {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        self.snapshot()
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn run_worker(mut worker: AnalyserWorker, links: WorkerLinks) {
    while !links.stop.load(Ordering::Relaxed) {
        for command in links.commands.try_iter() {
            worker.handle(command);
        }
        let Ok(block) = links.blocks.recv_timeout(Duration::from_millis(100)) else { continue };
        if let Err(e) = worker.analyse(&block.samples, block.sample_rate, block.captured_at) {
            let status = DeviceStatus::Unavailable { reason: e.to_string() };
            source::set_device(&links.state, status);
            let _ = links.recycle.send(block.samples);
            continue;
        }
        worker.store(&block.samples, block.sample_rate);
        let _ = links.recycle.send(block.samples);
        {
            let mut s = links.state.lock().expect("state lock");
            worker.publish(&mut s, Instant::now());
            s.delivered_blocks = links.counters.delivered_blocks.load(Ordering::Relaxed);
            s.dropped_blocks = links.counters.dropped_blocks.load(Ordering::Relaxed);
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
    let finished = worker.finish();
    let mut s = links.state.lock().expect("state lock");
    worker.publish(&mut s, Instant::now());
    if matches!(finished, Some(crate::session::store::Finished::Removed { .. })) {
        s.session_id = None;
    }
}
