//! Where blocks come from: the [`Source`] of each side of the call, the thread that
//! feeds it (the microphone supervisor or the real-time file player) and the bounded
//! block channel with its preallocated pool. Both hand buffers from the pool to the channel.
//!
//! The microphone supervisor owns the cpal stream (it is not `Send` everywhere), watches
//! the callback counters, and when the device fails or falls silent for a second it
//! reports the loss, drops the stream and retries once a second until a device answers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};
use std::thread::JoinHandle;

use super::state::{DeviceStatus, LiveState};
use crate::audio::WavSource;
use crate::audio::capture::{BLOCK_CAPACITY, Block, BlockChannels, Capture, CaptureCounters, Role};

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
    pub(super) fn label(&self) -> String {
        match self {
            Source::Microphone { device } => {
                device.clone().unwrap_or_else(|| "default microphone".into())
            }
            Source::Output { device } => device.clone().unwrap_or_else(|| "default output".into()),
            Source::File { path, .. } => path.display().to_string(),
        }
    }

    /// Starts the thread that feeds `channels` from this source, as one side of the call.
    pub(super) fn spawn(
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
                    supervise(role, device, channels, counters, state, stop)
                }
                Source::File { path, looped } => {
                    play_file(role, path, looped, channels, state, stop)
                }
            })
            .expect("spawn source thread")
    }
}

/// A bounded block channel and its pool: every buffer the callback will ever fill,
/// allocated here, up front.
pub(super) fn block_channels() -> (BlockChannels, Receiver<Block>, Sender<Vec<f32>>) {
    let (full_tx, full_rx) = bounded::<Block>(CHANNEL_BLOCKS);
    let (free_tx, free_rx) = bounded::<Vec<f32>>(CHANNEL_BLOCKS + 8);
    for _ in 0..CHANNEL_BLOCKS + 8 {
        free_tx.send(Vec::with_capacity(BLOCK_CAPACITY)).expect("pool has room");
    }
    (BlockChannels { full: full_tx, free: free_rx, recycle: free_tx.clone() }, full_rx, free_tx)
}

/// A device that has not called back for this long is treated as lost.
const STALE_AFTER: Duration = Duration::from_millis(1000);
const RETRY_EVERY: Duration = Duration::from_millis(1000);
/// A device that has not started this long after it was asked to is said to be
/// unavailable (or lost), while the start goes on waiting: a PulseAudio source that
/// nothing feeds (a pipe-source with no writer) never starts, and cpal's `play()` then
/// waits for it with no timeout of its own (issue 22 C1: `listen` could not be stopped).
pub(crate) const START_TIMEOUT: Duration = Duration::from_secs(3);
/// How often (in 100 ms supervisor ticks) a stream on the default input checks whether the
/// system default has changed, e.g. a headset came back.
const DEFAULT_CHECK_TICKS: u32 = 20;
/// How often (in ticks) the caller's source is looked for among the devices: a listing is
/// a server round trip, and a sound server keeps a vanished output's monitor stream alive.
const PRESENCE_CHECK_TICKS: u32 = 60;

pub(crate) fn set_device(state: &Mutex<LiveState>, status: DeviceStatus) {
    state.lock().expect("state lock").device = status;
}

/// Sets the status of one side's source: the microphone's or the caller's.
fn set_status(state: &Mutex<LiveState>, role: Role, status: DeviceStatus) {
    let mut s = state.lock().expect("state lock");
    match role {
        Role::Microphone => s.device = status,
        Role::Caller => s.caller_device = Some(status),
    }
}

/// How a watched stream ended.
enum StreamEnd {
    /// The pipeline is stopping.
    Stopped,
    /// The system default input changed while sound flowed (a headset came back), or the
    /// microphone must be resolved again (the lanes carried one signal): not a loss, reopen
    /// at once and keep the status.
    DefaultMoved,
    /// The device failed or fell silent; whether "live" had been said for it, and whether
    /// it was exact silence (see `DeviceStatus::Lost`).
    Lost { reason: String, announced: bool, silent: bool },
}

/// What the microphone supervisor watches and reports to.
struct Supervisor {
    role: Role,
    epoch: Instant,
    counters: Arc<CaptureCounters>,
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
}

impl Supervisor {
    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    fn status(&self) -> Option<DeviceStatus> {
        let s = self.state.lock().expect("state lock");
        match self.role {
            Role::Microphone => Some(s.device.clone()),
            Role::Caller => s.caller_device.clone(),
        }
    }

    /// How often the caller's lane has been found to carry the microphone (see
    /// `pipeline::mirror`).
    fn mirror_alarms(&self) -> u64 {
        self.state.lock().expect("state lock").mirror_alarms
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Clears the counters before a (re)open, so an old stream's times do not count.
    fn reset_counters(&self) {
        self.counters.failed.store(false, Ordering::Relaxed);
        let now_ms = self.now_ms();
        self.counters.last_callback_ms.store(now_ms, Ordering::Relaxed);
        self.counters.last_signal_ms.store(now_ms, Ordering::Relaxed);
    }

    /// Watches an open stream every 100 ms until it ends.
    fn watch(&self, capture: &Capture, live: DeviceStatus) -> StreamEnd {
        let last_signal = || self.counters.last_signal_ms.load(Ordering::Relaxed);
        // After a loss, a reopened stream may sit on the sound server's silent fallback
        // source: say "live" again only once real signal arrives.
        let opened_ms = self.now_ms();
        let alarms_at_open = self.mirror_alarms();
        let mut announced = !matches!(self.status(), Some(DeviceStatus::Lost { .. }));
        if announced {
            set_status(&self.state, self.role, live.clone());
        }
        let stale_ms = STALE_AFTER.as_millis() as u64;
        for ticks in 1u32.. {
            std::thread::sleep(Duration::from_millis(100));
            if self.stopping() {
                return StreamEnd::Stopped;
            }
            // The two lanes carry one signal: a sound server moved a stream onto the other
            // side's source. Each side is resolved again by its own rule; the caller's
            // stream was the wrong one unless proven otherwise, and is reported lost.
            if self.mirror_alarms() > alarms_at_open {
                return match self.role {
                    Role::Microphone => StreamEnd::DefaultMoved,
                    Role::Caller => {
                        let reason = "it carries the microphone's sound".to_string();
                        StreamEnd::Lost { reason, announced, silent: false }
                    }
                };
            }
            // Only while sound flows: a silent stream is left to the loss checks below,
            // so an unplug is reported as such and not as a quiet switch to the server's
            // silent fallback.
            // The caller's side is silent whenever nobody plays: only the default counts.
            let flowing = self.role == Role::Caller || self.now_ms() <= last_signal() + 300;
            if ticks.is_multiple_of(DEFAULT_CHECK_TICKS) {
                if flowing && capture.default_moved() {
                    return StreamEnd::DefaultMoved;
                }
                if ticks.is_multiple_of(PRESENCE_CHECK_TICKS) && !capture.still_present() {
                    let reason = "the output went away".to_string();
                    return StreamEnd::Lost { reason, announced, silent: false };
                }
            }
            if !announced && (last_signal() > opened_ms || self.role == Role::Caller) {
                set_status(&self.state, self.role, live.clone());
                announced = true;
            }
            let now_ms = self.now_ms();
            let (reason, silent) = if self.counters.failed.load(Ordering::Relaxed) {
                ("the device reported an error", false)
            } else if self.role == Role::Microphone
                && now_ms > self.counters.last_callback_ms.load(Ordering::Relaxed) + stale_ms
            {
                ("no audio for a second (unplugged?)", false)
            } else if self.role == Role::Microphone && now_ms > last_signal() + stale_ms {
                ("only exact silence for a second (muted?)", true)
            } else {
                continue;
            };
            return StreamEnd::Lost { reason: reason.into(), announced, silent };
        }
        unreachable!("the tick counter outlasts any stream")
    }

    /// Sets the status to "does not start" if the open under way has not returned within
    /// [`START_TIMEOUT`]; the returned flag is to be set once it has. A thread of its own,
    /// since the open itself may block for good (see `START_TIMEOUT`); it lives at most
    /// that long.
    fn say_if_not_started(&self, ever_opened: bool, name: &str) -> Arc<AtomicBool> {
        let done = Arc::new(AtomicBool::new(false));
        let (flag, stop, state, role) =
            (done.clone(), self.stop.clone(), self.state.clone(), self.role);
        let name = name.to_string();
        let watchdog =
            std::thread::Builder::new().name("device start watch".into()).spawn(move || {
                let until = Instant::now() + START_TIMEOUT;
                while Instant::now() < until {
                    if flag.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                let reason = format!(
                    "the device did not start within {} s: no audio arrives from it",
                    START_TIMEOUT.as_secs()
                );
                let status = if ever_opened {
                    DeviceStatus::Lost { name, reason, silent: false }
                } else {
                    DeviceStatus::Unavailable { reason }
                };
                if !flag.load(Ordering::Relaxed) {
                    set_status(&state, role, status);
                }
            });
        // Without the watch the open still happens; only its silence goes unsaid.
        drop(watchdog);
        done
    }

    fn wait_before_retry(&self) {
        let until = Instant::now() + RETRY_EVERY;
        while Instant::now() < until && !self.stopping() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Keeps one side's capture running: opens the device, watches it, reports a loss and
/// retries once a second until a device answers. For the microphone, a second without
/// callbacks or of exact silence is a loss (unplugged or muted). The caller's side is
/// silent whenever nobody plays, and a sound server suspends an idle output so that its
/// monitor delivers nothing at all: only a failed stream (the output went away) is a loss.
pub(crate) fn supervise(
    role: Role,
    device: Option<String>,
    channels: BlockChannels,
    counters: Arc<CaptureCounters>,
    state: Arc<Mutex<LiveState>>,
    stop: Arc<AtomicBool>,
) {
    let sup = Supervisor { role, epoch: Instant::now(), counters, state, stop };
    let default_name = match role {
        Role::Microphone => "default microphone",
        Role::Caller => "default output",
    };
    let mut last_name = device.clone().unwrap_or_else(|| default_name.into());
    let mut ever_opened = false;
    while !sup.stopping() {
        let _quiet = crate::audio::capture::quiet_alsa();
        sup.reset_counters();
        let counters = sup.counters.clone();
        let opening = sup.say_if_not_started(ever_opened, &last_name);
        let opened =
            Capture::open_as(role, device.as_deref(), channels.clone(), counters, sup.epoch);
        opening.store(true, Ordering::Relaxed);
        match opened {
            Ok(capture) => {
                ever_opened = true;
                last_name = capture.device_name.clone();
                let live = DeviceStatus::Live {
                    name: capture.device_name.clone(),
                    sample_rate: capture.sample_rate,
                    channels: capture.channels,
                    format: capture.sample_format.clone(),
                };
                match sup.watch(&capture, live) {
                    StreamEnd::Stopped => return,
                    StreamEnd::DefaultMoved => continue,
                    StreamEnd::Lost { reason, announced, silent } => {
                        drop(capture);
                        if announced {
                            let name = last_name.clone();
                            let lost = DeviceStatus::Lost { name, reason, silent };
                            set_status(&sup.state, role, lost);
                        }
                    }
                }
            }
            Err(e) => {
                let status = if ever_opened {
                    DeviceStatus::Lost {
                        name: last_name.clone(),
                        reason: e.to_string(),
                        silent: false,
                    }
                } else {
                    DeviceStatus::Unavailable { reason: e.to_string() }
                };
                set_status(&sup.state, role, status);
            }
        }
        sup.wait_before_retry();
    }
}

/// Plays a WAV file into the pipeline at real-time pace, in 10 ms blocks.
pub(crate) fn play_file(
    role: Role,
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
                set_status(&state, role, DeviceStatus::Unavailable { reason: e.to_string() });
                return;
            }
        };
        set_status(&state, role, DeviceStatus::Playing { file: name.clone() });
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
            set_status(&state, role, DeviceStatus::Finished);
            return;
        }
    }
}
