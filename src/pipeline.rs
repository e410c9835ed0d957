//! Wires the threads together: a source thread (microphone supervisor or real-time file
//! player) → bounded channel of blocks → analyser thread → shared latest state (+ an
//! optional stream of every frame for loggers).
//!
//! The microphone supervisor owns the cpal stream (it is not `Send` everywhere), watches
//! the callback counters, and when the device fails or falls silent for a second it
//! reports the loss, drops the stream and retries once a second until a device answers.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use serde::Serialize;

use crate::analysis::{Analyser, AnalyserConfig, Frame, Lang, Summary};
use crate::audio::WavSource;
use crate::audio::capture::{BLOCK_CAPACITY, Block, BlockChannels, Capture, CaptureCounters};
use crate::coach::{Baseline, Calibration, Coach, CoachState, Targets};
use crate::session::store::{SessionWriter, StoreError};

/// Blocks in flight between the callback and the analyser (~1 s at 48 kHz / 1024 frames).
const CHANNEL_BLOCKS: usize = 48;
/// A device that has not called back for this long is treated as lost.
const STALE_AFTER: Duration = Duration::from_millis(1000);
const RETRY_EVERY: Duration = Duration::from_millis(1000);
/// How often (in 100 ms supervisor ticks) a stream on the default input checks whether the
/// system default has changed, e.g. a headset came back.
const DEFAULT_CHECK_TICKS: u32 = 20;
/// The timeline keeps this much history.
pub const TIMELINE_S: f64 = 30.0;
/// Latency samples kept for the median / 95th percentile.
const LATENCY_SAMPLES: usize = 2000;

/// Where audio comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The default input device, or the first whose name contains this text.
    Microphone { device: Option<String> },
    /// A WAV file played through the pipeline in real time (demo mode), optionally looped.
    File { path: PathBuf, looped: bool },
}

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

/// One point of the rolling timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelinePoint {
    pub time_s: f64,
    pub f0_hz: f32,
    pub level_dbfs: f32,
    pub pace: Option<f32>,
}

/// What the UI reads each repaint.
#[derive(Debug, Clone)]
pub struct LiveState {
    pub device: DeviceStatus,
    pub coach: CoachState,
    pub latest: Option<Frame>,
    pub timeline: VecDeque<TimelinePoint>,
    pub summary: Option<Summary>,
    pub delivered_blocks: u64,
    pub dropped_blocks: u64,
    /// Capture-to-state delays in milliseconds, newest last.
    pub latencies_ms: VecDeque<f32>,
    pub calibration: Option<Calibration>,
    /// Set when a calibration run ends: the new baseline, or None if there was too little speech.
    pub calibration_result: Option<Option<Baseline>>,
    pub lang: Lang,
    /// The session being stored, and why storing stopped if it did.
    pub session_id: Option<String>,
    pub session_error: Option<String>,
    /// Teleprompter: the line to highlight and the per-line results so far.
    pub rehearsal: Option<(usize, Vec<crate::rehearsal::LineResult>)>,
}

impl LiveState {
    pub fn new(lang: Lang) -> Self {
        Self {
            device: DeviceStatus::Connecting,
            coach: CoachState::default(),
            latest: None,
            timeline: VecDeque::with_capacity((TIMELINE_S * 100.0) as usize + 1),
            summary: None,
            delivered_blocks: 0,
            dropped_blocks: 0,
            latencies_ms: VecDeque::with_capacity(LATENCY_SAMPLES),
            calibration: None,
            calibration_result: None,
            lang,
            session_id: None,
            session_error: None,
            rehearsal: None,
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
}

#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub root: PathBuf,
    pub record_audio: bool,
}

/// Requests from the UI to the analyser thread.
#[derive(Debug, Clone)]
pub enum Command {
    SetLang(Lang),
    SetBaseline(Option<Baseline>),
    StartCalibration,
    StartRehearsal(crate::rehearsal::Script),
}

pub struct Pipeline {
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
    commands: Sender<Command>,
    frames: Option<Receiver<Frame>>,
    threads: Vec<JoinHandle<()>>,
    counters: Arc<CaptureCounters>,
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
                        supervise_microphone(device, channels, counters, state, stop)
                    }
                    Source::File { path, looped } => play_file(path, looped, channels, state, stop),
                })
                .expect("spawn source thread")
        };
        let analyser_thread = {
            let (state, stop, counters) = (state.clone(), stop.clone(), counters.clone());
            let mut coach = Coach::new(options.lang, options.baseline);
            coach.set_targets(options.targets);
            let on_update = options.on_update;
            let source_label = match &options.source {
                Source::Microphone { device } => {
                    device.clone().unwrap_or_else(|| "default microphone".into())
                }
                Source::File { path, .. } => path.display().to_string(),
            };
            let session = options.session.clone().and_then(|o| {
                match SessionWriter::create(&o.root, &source_label, options.lang, o.record_audio) {
                    Ok(w) => {
                        state.lock().expect("state lock").session_id = Some(w.id().to_string());
                        Some(w)
                    }
                    Err(e) => {
                        state.lock().expect("state lock").session_error = Some(e.to_string());
                        None
                    }
                }
            });
            std::thread::Builder::new()
                .name("speech-coach analyser".into())
                .spawn(move || {
                    let channels = AnalyserChannels {
                        blocks: full_rx,
                        recycle: free_tx,
                        commands: command_rx,
                        frames_out: frames_tx,
                    };
                    analyse_blocks(channels, coach, session, state, stop, counters, on_update)
                })
                .expect("spawn analyser thread")
        };
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

    /// Stops both threads and waits for them.
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

fn set_device(state: &Mutex<LiveState>, status: DeviceStatus) {
    state.lock().expect("state lock").device = status;
}

fn supervise_microphone(
    device: Option<String>,
    channels: BlockChannels,
    counters: Arc<CaptureCounters>,
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
) {
    let epoch = Instant::now();
    let mut last_name = device.clone().unwrap_or_else(|| "default microphone".into());
    let mut ever_opened = false;
    'reopen: while !stop.load(Ordering::Relaxed) {
        let _quiet = crate::audio::capture::quiet_alsa();
        counters.failed.store(false, Ordering::Relaxed);
        let now_ms = epoch.elapsed().as_millis() as u64;
        counters.last_callback_ms.store(now_ms, Ordering::Relaxed);
        counters.last_signal_ms.store(now_ms, Ordering::Relaxed);
        match Capture::open(device.as_deref(), channels.clone(), counters.clone(), epoch) {
            Ok(capture) => {
                ever_opened = true;
                last_name = capture.device_name.clone();
                let live = DeviceStatus::Live {
                    name: capture.device_name.clone(),
                    sample_rate: capture.sample_rate,
                    channels: capture.channels,
                    format: capture.sample_format.clone(),
                };
                // After a loss, a reopened stream may sit on the sound server's silent
                // fallback source: say "live" again only once real signal arrives.
                let opened_ms = epoch.elapsed().as_millis() as u64;
                let mut announced =
                    !matches!(state.lock().expect("state lock").device, DeviceStatus::Lost { .. });
                if announced {
                    set_device(&state, live.clone());
                }
                let mut ticks = 0u32;
                let reason = loop {
                    std::thread::sleep(Duration::from_millis(100));
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    ticks += 1;
                    // Only while sound flows: a silent stream is left to the loss checks
                    // below, so an unplug is reported as such and not as a quiet switch
                    // to the server's silent fallback.
                    let flowing = epoch.elapsed().as_millis() as u64
                        <= counters.last_signal_ms.load(Ordering::Relaxed) + 300;
                    if ticks.is_multiple_of(DEFAULT_CHECK_TICKS)
                        && flowing
                        && capture.default_moved()
                    {
                        // Not a loss: reopen at once on the new default, keep the status.
                        drop(capture);
                        continue 'reopen;
                    }
                    if !announced && counters.last_signal_ms.load(Ordering::Relaxed) > opened_ms {
                        set_device(&state, live.clone());
                        announced = true;
                    }
                    if counters.failed.load(Ordering::Relaxed) {
                        break "the device reported an error".to_string();
                    }
                    let now_ms = epoch.elapsed().as_millis() as u64;
                    let stale_ms = STALE_AFTER.as_millis() as u64;
                    if now_ms > counters.last_callback_ms.load(Ordering::Relaxed) + stale_ms {
                        break "no audio for a second (unplugged?)".to_string();
                    }
                    if now_ms > counters.last_signal_ms.load(Ordering::Relaxed) + stale_ms {
                        break "only exact silence for a second (unplugged or muted?)".to_string();
                    }
                };
                drop(capture);
                if announced {
                    set_device(&state, DeviceStatus::Lost { name: last_name.clone(), reason });
                }
            }
            Err(e) => {
                let status = if ever_opened {
                    DeviceStatus::Lost { name: last_name.clone(), reason: e.to_string() }
                } else {
                    DeviceStatus::Unavailable { reason: e.to_string() }
                };
                set_device(&state, status);
            }
        }
        let until = Instant::now() + RETRY_EVERY;
        while Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Plays a WAV file into the pipeline at real-time pace, in 10 ms blocks.
fn play_file(
    path: PathBuf,
    looped: bool,
    channels: BlockChannels,
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
) {
    let name = path.display().to_string();
    loop {
        let mut source = match WavSource::open(&path) {
            Ok(s) => s,
            Err(e) => {
                set_device(&state, DeviceStatus::Unavailable { reason: e.to_string() });
                return;
            }
        };
        set_device(&state, DeviceStatus::Playing { file: name.clone() });
        let rate = source.sample_rate();
        let block_frames = (rate / 100) as usize;
        let start = Instant::now();
        let mut sent_frames = 0u64;
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let Ok(mut buffer) = channels.free.recv_timeout(Duration::from_millis(200)) else {
                continue;
            };
            match source.read_block(&mut buffer, block_frames) {
                Ok(0) | Err(_) => {
                    let _ = channels.recycle.send(buffer);
                    break;
                }
                Ok(n) => {
                    sent_frames += n as u64;
                    // Wait until the wall clock has caught up with the end of this block.
                    let due = start + Duration::from_secs_f64(sent_frames as f64 / rate as f64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let block =
                        Block { samples: buffer, sample_rate: rate, captured_at: Instant::now() };
                    if channels.full.send(block).is_err() {
                        return;
                    }
                }
            }
        }
        if !looped {
            set_device(&state, DeviceStatus::Finished);
            return;
        }
    }
}

struct AnalyserChannels {
    blocks: Receiver<Block>,
    recycle: Sender<Vec<f32>>,
    commands: Receiver<Command>,
    frames_out: Option<Sender<Frame>>,
}

fn analyse_blocks(
    channels: AnalyserChannels,
    mut coach: Coach,
    mut session: Option<SessionWriter>,
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
    counters: Arc<CaptureCounters>,
    on_update: Option<Box<dyn Fn() + Send>>,
) {
    let mut analyser: Option<Analyser> = None;
    // Stream time already analysed by earlier analysers (a reconnect may change the rate).
    let mut time_offset_s = 0.0;
    let mut new_frames: Vec<Frame> = Vec::with_capacity(64);
    let mut calibration: Option<Calibration> = None;
    let mut recent_blocks: VecDeque<(f64, Instant)> = VecDeque::with_capacity(64);
    let mut rehearsal: Option<crate::rehearsal::Rehearsal> = None;
    let AnalyserChannels { blocks, recycle, commands, frames_out } = channels;
    // Storing must never stop coaching: on the first error it is switched off and reported.
    let session_failed = |session: &mut Option<SessionWriter>, e: StoreError| {
        *session = None;
        state.lock().expect("state lock").session_error = Some(e.to_string());
    };
    while !stop.load(Ordering::Relaxed) {
        while let Ok(command) = commands.try_recv() {
            match command {
                Command::SetLang(lang) => {
                    coach.set_lang(lang);
                    state.lock().expect("state lock").lang = lang;
                }
                Command::SetBaseline(b) => coach.set_baseline(b),
                Command::StartCalibration => calibration = Some(Calibration::default()),
                Command::StartRehearsal(script) => {
                    rehearsal = Some(crate::rehearsal::Rehearsal::new(script, coach.lang()))
                }
            }
        }
        let Ok(block) = blocks.recv_timeout(Duration::from_millis(100)) else { continue };
        if analyser.as_ref().is_none_or(|a| a.sample_rate() != block.sample_rate) {
            if let Some(old) = analyser.take() {
                time_offset_s += old.duration_s();
            }
            match Analyser::new(AnalyserConfig::new(block.sample_rate)) {
                Ok(a) => analyser = Some(a),
                Err(e) => {
                    set_device(&state, DeviceStatus::Unavailable { reason: e.to_string() });
                    let _ = recycle.send(block.samples);
                    continue;
                }
            }
        }
        let a = analyser.as_mut().expect("created above");
        new_frames.clear();
        a.process(&block.samples, &mut |f| {
            let mut f = *f;
            f.time_s += time_offset_s;
            new_frames.push(f);
        });
        // Remember when the audio up to this block's end was captured, so each frame's
        // latency counts from the capture of the audio it describes.
        if recent_blocks.len() == recent_blocks.capacity() {
            recent_blocks.pop_front();
        }
        recent_blocks.push_back((time_offset_s + a.duration_s(), block.captured_at));
        if let Some(w) = session.as_mut()
            && let Err(e) = w.audio(&block.samples, block.sample_rate)
        {
            session_failed(&mut session, e);
        }
        let _ = recycle.send(block.samples);
        let summary = a.summary();
        if let Some(w) = session.as_mut() {
            w.set_summary(&summary);
        }

        let mut s = state.lock().expect("state lock");
        for f in &new_frames {
            s.coach = *coach.push(f);
            if let Some(w) = session.as_mut()
                && let Err(e) = w.frame(f, &s.coach)
            {
                drop(s);
                session_failed(&mut session, e);
                s = state.lock().expect("state lock");
            }
            s.latest = Some(*f);
            if s.timeline.len() == s.timeline.capacity() {
                s.timeline.pop_front();
            }
            let pace = s.coach.pace.value;
            s.timeline.push_back(TimelinePoint {
                time_s: f.time_s,
                f0_hz: f.f0_hz,
                level_dbfs: f.level_dbfs,
                pace,
            });
            if let Some(c) = calibration.as_mut() {
                c.push(f);
                if c.done() {
                    let result = c.finish();
                    if result.is_some() {
                        coach.set_baseline(result);
                    }
                    s.calibration_result = Some(result);
                    calibration = None;
                }
            }
        }
        s.calibration = calibration.clone();
        if let Some(r) = rehearsal.as_mut() {
            for f in &new_frames {
                r.push(f);
            }
            s.rehearsal = Some((r.current_line(), r.results()));
        }
        s.summary = Some(summary);
        s.delivered_blocks = counters.delivered_blocks.load(Ordering::Relaxed);
        s.dropped_blocks = counters.dropped_blocks.load(Ordering::Relaxed);
        let now = Instant::now();
        for f in &new_frames {
            let Some(&(_, captured_at)) =
                recent_blocks.iter().find(|(end_s, _)| *end_s >= f.time_s)
            else {
                continue;
            };
            if s.latencies_ms.len() == LATENCY_SAMPLES {
                s.latencies_ms.pop_front();
            }
            s.latencies_ms.push_back(now.duration_since(captured_at).as_secs_f32() * 1000.0);
        }
        drop(s);
        if let Some(tx) = &frames_out {
            for f in &new_frames {
                let _ = tx.send(*f);
            }
        }
        if !new_frames.is_empty()
            && let Some(cb) = &on_update
        {
            cb();
        }
    }
    if let Some(mut w) = session {
        // Flush the analyser's look-ahead so the stored session covers every sample it
        // recorded, exactly as `analyze` on that recording would.
        let summary = analyser.as_mut().map(|a| {
            new_frames.clear();
            let summary = a.finish(&mut |f| {
                let mut f = *f;
                f.time_s += time_offset_s;
                new_frames.push(f);
            });
            for f in &new_frames {
                let c = *coach.push(f);
                if w.frame(f, &c).is_err() {
                    break;
                }
            }
            summary
        });
        if let Err(e) = w.finish(summary) {
            state.lock().expect("state lock").session_error = Some(e.to_string());
        }
    }
}
