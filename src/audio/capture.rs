//! Microphones and the caller's side through cpal: device listing, and a capture stream
//! whose callback only converts samples into preallocated buffers and hands them on.
//!
//! The caller is what the softphone plays to the headset. On Linux that is the *monitor*
//! of an output (PulseAudio and PipeWire's pulse service offer each output's sound as an
//! input named `<output>.monitor`); on Windows it is WASAPI loopback (cpal opens an input
//! stream on an output device). macOS has no loopback without a virtual device. Monitors
//! are the caller only: never listed or chosen as a microphone.
//!
//! The callback is sacred (it runs on the audio thread that also serves the softphone's
//! device on some systems): it takes an empty buffer from a pool channel, mixes the
//! device's frames to mono into it, stamps it with the capture time and `try_send`s it on
//! a bounded channel. No allocation, no lock, no blocking, no logging: when the pool is
//! empty or the channel full, the block is dropped and counted.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

pub use super::caller::list_caller_sources;
use super::caller::{caller_candidates, caller_config, default_caller, find_caller};
pub use super::device::{
    CaptureError, HOST_ENV, InputDevice, Role, host, host_choice_hint, quiet_alsa,
};
use super::device::{device_id, device_name, not_a_microphone};
use cpal::{FromSample, SampleFormat, SizedSample};
use crossbeam_channel::{Receiver, Sender, TrySendError};

/// The caller's monitor stream is asked for fragments of 1/25 s (40 ms, four hops): the
/// blocks are stamped with their capture time, so the fragment sets latency, not
/// alignment.
const CALLER_FRAGMENTS_PER_S: u32 = 25;
/// The caller's side is asked for at this rate (mono) from a sound server.
const CALLER_RATE: u32 = 16_000;

/// Largest number of frames one pooled buffer holds; longer callbacks are split.
pub const BLOCK_CAPACITY: usize = 4096;

/// A block of mono samples with the moment the callback delivered it.
#[derive(Debug)]
pub struct Block {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    pub captured_at: Instant,
}

/// Counters shared between the callback and the rest of the program (atomics only).
#[derive(Debug, Default)]
pub struct CaptureCounters {
    pub delivered_blocks: AtomicU64,
    pub dropped_blocks: AtomicU64,
    /// Milliseconds since `epoch` at the last callback, so a silent device shows as stale.
    pub last_callback_ms: AtomicU64,
    /// Milliseconds since `epoch` at the last callback that carried any non-zero sample.
    /// Sound servers keep a stream alive on a silent fallback source when the device goes
    /// away, and a real microphone is never exactly zero, so long exact silence means
    /// "unplugged or muted".
    pub last_signal_ms: AtomicU64,
    /// Set by the stream's error callback (device unplugged, stream broken).
    pub failed: AtomicBool,
}

/// Lists the input devices of the chosen host (see [`host`]), with that host's name.
pub fn list_input_devices() -> Result<(String, Vec<InputDevice>), CaptureError> {
    let _quiet = quiet_alsa();
    let host = host()?;
    let host_name = host.id().name().to_string();
    let default_id = host.default_input_device().map(|d| device_id(&d));
    let Ok(devices) = host.input_devices() else { return Ok((host_name, Vec::new())) };
    let devices = devices
        .filter(|d| !not_a_microphone(d))
        .map(|d| {
            let id = device_id(&d);
            InputDevice {
                name: device_name(&d),
                is_default: default_id.as_deref() == Some(id.as_str()),
                default_config: d.default_input_config().ok().map(|c| {
                    format!("{} Hz, {} ch, {}", c.sample_rate(), c.channels(), c.sample_format())
                }),
                id,
            }
        })
        .collect();
    Ok((host_name, devices))
}

fn find_device(host: &cpal::Host, wanted: Option<&str>) -> Result<cpal::Device, CaptureError> {
    // Listing every input is a server round trip: only when the default will not do.
    // Returns (not microphones, microphones).
    let inputs = || -> (Vec<cpal::Device>, Vec<cpal::Device>) {
        host.input_devices().map(|d| d.partition(not_a_microphone)).unwrap_or_default()
    };
    let Some(wanted) = wanted else {
        // The default, unless it is no microphone; then the first real input there is.
        return match host.default_input_device() {
            Some(d) if not_a_microphone(&d) => {
                inputs().1.into_iter().next().ok_or(CaptureError::NoDevice)
            }
            Some(d) => Ok(d),
            None => Err(CaptureError::NoDevice),
        };
    };
    let (others, devices) = inputs();
    let needle = wanted.to_lowercase();
    let is_exact = |d: &cpal::Device| {
        device_name(d).to_lowercase() == needle || device_id(d).to_lowercase() == needle
    };
    let exact = devices.iter().position(is_exact);
    let partial = || {
        devices.iter().position(|d| {
            device_name(d).to_lowercase().contains(&needle)
                || device_id(d).to_lowercase().contains(&needle)
        })
    };
    match exact.or_else(partial) {
        Some(i) => Ok(devices.into_iter().nth(i).expect("index from position")),
        None => others.into_iter().find(is_exact).ok_or_else(|| CaptureError::DeviceNotFound {
            wanted: wanted.to_string(),
            available: openable_names(&devices),
        }),
    }
}

/// The names of the inputs that open, as `devices` lists them: ALSA's plugins (rate
/// converters, JACK, OSS…) are inputs that open as no microphone, and named one by one
/// they made a "no input device matches" line of 400 characters (a newcomer's pass).
fn openable_names(devices: &[cpal::Device]) -> String {
    let names: Vec<String> =
        devices.iter().filter(|d| d.default_input_config().is_ok()).map(device_name).collect();
    if names.is_empty() {
        "none that can be opened (`speech-coach devices --all` lists every input)".into()
    } else {
        names.join(", ")
    }
}

/// An open, running input stream. Dropping it stops capture.
pub struct Capture {
    _stream: cpal::Stream,
    host: cpal::Host,
    role: Role,
    /// Opened as "the default input", so it should follow the system's choice of default.
    follows_default: bool,
    device_id: String,
    pub device_name: String,
    pub sample_rate: u32,
    pub channels: u16,
    pub sample_format: String,
}

/// Where the callback gets empty buffers and sends full ones.
#[derive(Clone)]
pub struct BlockChannels {
    pub full: Sender<Block>,
    pub free: Receiver<Vec<f32>>,
    pub recycle: Sender<Vec<f32>>,
}

impl Capture {
    /// Opens the microphone `device` (default input when `None`) and starts streaming
    /// into `channels`.
    pub fn open(
        device: Option<&str>,
        channels: BlockChannels,
        counters: Arc<CaptureCounters>,
        epoch: Instant,
    ) -> Result<Self, CaptureError> {
        Self::open_as(Role::Microphone, device, channels, counters, epoch)
    }

    /// Opens one side of the call: the microphone, or the caller (an output's monitor or
    /// loopback; the default output's when `device` is `None`).
    pub fn open_as(
        role: Role,
        device: Option<&str>,
        channels: BlockChannels,
        counters: Arc<CaptureCounters>,
        epoch: Instant,
    ) -> Result<Self, CaptureError> {
        let host = host()?;
        let follows_default = device.is_none();
        let device = match role {
            Role::Microphone => find_device(&host, device)?,
            Role::Caller => find_caller(&host, device)?,
        };
        let name = device_name(&device);
        let id = device_id(&device);
        let open_err = |reason: String| CaptureError::Open { role, device: name.clone(), reason };
        let supported = match role {
            Role::Microphone => device.default_input_config(),
            Role::Caller => caller_config(&device),
        }
        .map_err(|e| open_err(e.to_string()))?;
        let format = supported.sample_format();
        let mut config: cpal::StreamConfig = supported.config();
        if role == Role::Caller && host.id().name().eq_ignore_ascii_case("pulseaudio") {
            // A record stream with the server's default buffering hands over what the
            // monitor heard up to seconds late; the caller must be heard when the agent
            // hears them. The server also converts to what we ask: a phone line's caller
            // needs no more than 16 kHz mono, a fifth of a 48 kHz stereo monitor's data.
            config.sample_rate = CALLER_RATE;
            config.channels = 1;
            config.buffer_size = cpal::BufferSize::Fixed(CALLER_RATE / CALLER_FRAGMENTS_PER_S);
        }
        let (rate, ch) = (config.sample_rate, config.channels);
        macro_rules! build {
            ($t:ty) => {
                build_stream::<$t>(&device, &config, channels, counters, epoch)
            };
        }
        let stream = match format {
            SampleFormat::I8 => build!(i8),
            SampleFormat::I16 => build!(i16),
            SampleFormat::I24 => build!(cpal::I24),
            SampleFormat::I32 => build!(i32),
            SampleFormat::U8 => build!(u8),
            SampleFormat::U16 => build!(u16),
            SampleFormat::U32 => build!(u32),
            SampleFormat::F32 => build!(f32),
            SampleFormat::F64 => build!(f64),
            other => {
                return Err(CaptureError::UnsupportedFormat {
                    role,
                    device: name,
                    format: other.to_string(),
                });
            }
        }
        .map_err(|e| open_err(e.to_string()))?;
        stream.play().map_err(|e| open_err(e.to_string()))?;
        Ok(Self {
            _stream: stream,
            host,
            role,
            follows_default,
            device_id: id,
            device_name: name,
            sample_rate: rate,
            channels: ch,
            sample_format: format.to_string(),
        })
    }

    /// Whether the device is still there. A sound server keeps a monitor stream open,
    /// silent and error-free, after its output is removed, so the caller's side is
    /// checked by listing; a microphone's loss shows in its callbacks instead.
    pub fn still_present(&self) -> bool {
        if self.role == Role::Microphone {
            return true;
        }
        let _quiet = quiet_alsa();
        caller_candidates(&self.host).iter().any(|d| device_id(d) == self.device_id)
    }

    /// True when this stream was opened as the default input and the system's default is
    /// now another device (a headset plugged back in): the caller should reopen. A sound
    /// server may quietly move the stream itself, but then the name shown would be wrong.
    pub fn default_moved(&self) -> bool {
        if !self.follows_default {
            return false;
        }
        let _quiet = quiet_alsa();
        match self.role {
            Role::Microphone => self
                .host
                .default_input_device()
                .is_some_and(|d| !not_a_microphone(&d) && device_id(&d) != self.device_id),
            Role::Caller => {
                default_caller(&self.host).is_ok_and(|d| device_id(&d) != self.device_id)
            }
        }
    }
}

fn build_stream<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    channels: BlockChannels,
    counters: Arc<CaptureCounters>,
    epoch: Instant,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let n_channels = config.channels.max(1) as usize;
    let rate = config.sample_rate;
    let gain = 1.0 / n_channels as f32;
    let data_counters = counters.clone();
    let data_callback = move |data: &[T], info: &cpal::InputCallbackInfo| {
        let now = Instant::now();
        // The host's own estimate of how long ago the buffer's first frame was captured
        // (the sound server's stream latency; seconds for a monitor stream with default
        // buffering): both sides of a call must be placed by when they were heard.
        let stamp = info.timestamp();
        let latency = stamp.callback.duration_since(stamp.capture);
        let first_captured = now.checked_sub(latency).unwrap_or(now);
        let now_ms = now.duration_since(epoch).as_millis() as u64;
        data_counters.last_callback_ms.store(now_ms, Ordering::Relaxed);
        let total_frames = data.len() / n_channels;
        let mut frames_done = 0;
        for chunk in data.chunks(BLOCK_CAPACITY * n_channels) {
            // A server may hand over a long buffer in one callback (a monitor stream can
            // deliver seconds at once): each block is stamped with when its own last
            // sample was captured, so both sides of a call land on the same clock.
            frames_done += chunk.len() / n_channels;
            let captured_at = if latency.is_zero() {
                let later_s = (total_frames - frames_done) as f64 / rate as f64;
                now.checked_sub(Duration::from_secs_f64(later_s)).unwrap_or(now)
            } else {
                let done_s = frames_done as f64 / rate as f64;
                (first_captured + Duration::from_secs_f64(done_s)).min(now)
            };
            let Ok(mut buffer) = channels.free.try_recv() else {
                data_counters.dropped_blocks.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            buffer.clear();
            let mut signal = false;
            // Pool buffers have BLOCK_CAPACITY frames of capacity: these pushes never allocate.
            for frame in chunk.chunks_exact(n_channels) {
                let sum: f32 = frame.iter().map(|s| s.to_sample::<f32>()).sum();
                signal |= sum != 0.0;
                buffer.push(super::full_scale(sum * gain));
            }
            if signal {
                data_counters.last_signal_ms.store(now_ms, Ordering::Relaxed);
            }
            match channels.full.try_send(Block { samples: buffer, sample_rate: rate, captured_at })
            {
                Ok(()) => {
                    data_counters.delivered_blocks.fetch_add(1, Ordering::Relaxed);
                }
                Err(TrySendError::Full(block) | TrySendError::Disconnected(block)) => {
                    data_counters.dropped_blocks.fetch_add(1, Ordering::Relaxed);
                    let _ = channels.recycle.try_send(block.samples);
                }
            }
        }
    };
    let error_callback = move |_err: cpal::Error| {
        counters.failed.store(true, Ordering::Relaxed);
    };
    device.build_input_stream::<T, _, _>(*config, data_callback, error_callback, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_error_says_which_side_of_the_call_failed() {
        let err = |role| CaptureError::Open { role, device: "X".into(), reason: "busy".into() };
        assert_eq!(err(Role::Microphone).to_string(), "cannot open microphone \"X\": busy");
        assert_eq!(err(Role::Caller).to_string(), "cannot open caller source \"X\": busy");
    }
}
