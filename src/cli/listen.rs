//! `speech-coach listen`: the live pipeline without a window — frames to CSV as they
//! come, status changes on stderr, a JSON summary at the end.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde::Serialize;
use speech_coach::analysis::{Lang, Summary};
use speech_coach::frames_csv::FramesCsv;
use speech_coach::pipeline::{DeviceStatus, Pipeline, PipelineOptions, SessionOptions, Source};

#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// Input device: the default microphone unless given (any part of a name from `devices`).
    #[arg(long)]
    pub device: Option<String>,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long)]
    pub seconds: Option<f64>,
    /// Write one CSV row per 10 ms hop as it is analysed: time_s,f0_hz,level_dbfs,voiced.
    #[arg(long, value_name = "OUT.csv")]
    pub frames: Option<PathBuf>,
    /// Store this run as a session (see `speech-coach sessions`).
    #[arg(long)]
    pub session: bool,
    /// Store a session and record the microphone into it (audio.wav, 32-bit float).
    #[arg(long)]
    pub record: bool,
    /// Language of the speech (pace unit).
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

#[derive(Serialize)]
struct ListenReport {
    device: String,
    session: Option<String>,
    #[serde(flatten)]
    summary: Summary,
    delivered_blocks: u64,
    dropped_blocks: u64,
    device_losses: u32,
    latency_median_ms: Option<f32>,
    latency_p95_ms: Option<f32>,
}

/// Without any device for this long at start, `listen` gives up with an error.
const GIVE_UP_WITHOUT_DEVICE: Duration = Duration::from_secs(3);

fn describe(status: &DeviceStatus) -> String {
    match status {
        DeviceStatus::Connecting => "connecting".into(),
        DeviceStatus::Live { name, sample_rate, channels, format } => {
            format!("capturing from {name} ({sample_rate} Hz, {channels} ch, {format})")
        }
        DeviceStatus::Lost { name, reason } => {
            format!("microphone lost: {name}: {reason}; retrying")
        }
        DeviceStatus::Unavailable { reason } => format!("no microphone: {reason}"),
        DeviceStatus::Playing { file } => format!("playing {file}"),
        DeviceStatus::Finished => "finished".into(),
    }
}

pub fn run(args: ListenArgs) -> Result<()> {
    let mut csv = args.frames.as_deref().map(FramesCsv::create).transpose()?;
    let pipeline = Pipeline::start(PipelineOptions {
        source: Source::Microphone { device: args.device.clone() },
        lang: args.lang,
        baseline: None,
        targets: Default::default(),
        session: (args.session || args.record).then(|| SessionOptions {
            root: speech_coach::session::store::default_root(),
            record_audio: args.record,
        }),
        keep_frames: true,
        on_update: None,
    });
    let start = Instant::now();
    let mut last_status = DeviceStatus::Connecting;
    let mut device_name = String::new();
    let mut losses = 0u32;
    let mut rows = 0u64;
    let frames = pipeline.frames().expect("keep_frames").clone();
    let first = pipeline.snapshot();
    if let Some(id) = &first.session_id {
        eprintln!("speech-coach: storing session {id}");
    }
    if let Some(e) = &first.session_error {
        bail!("{e}");
    }
    loop {
        if args.seconds.is_some_and(|s| start.elapsed().as_secs_f64() >= s) {
            break;
        }
        match frames.recv_timeout(Duration::from_millis(100)) {
            Ok(frame) => {
                if let Some(w) = csv.as_mut() {
                    w.write(&frame)?;
                    rows += 1;
                    if rows.is_multiple_of(100) {
                        w.flush()?;
                    }
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        }
        let status = pipeline.device();
        if status != last_status {
            // Before any device has worked, "unavailable" is said once, by the error below.
            let still_starting =
                device_name.is_empty() && matches!(status, DeviceStatus::Unavailable { .. });
            if !still_starting {
                eprintln!("speech-coach: {}", describe(&status));
            }
            match &status {
                DeviceStatus::Live { name, .. } => device_name = name.clone(),
                DeviceStatus::Lost { .. } if matches!(last_status, DeviceStatus::Live { .. }) => {
                    losses += 1
                }
                _ => {}
            }
            last_status = status.clone();
        }
        if let DeviceStatus::Unavailable { reason } = &status
            && device_name.is_empty()
            && start.elapsed() > GIVE_UP_WITHOUT_DEVICE
        {
            bail!(
                "no microphone could be opened ({reason}); `speech-coach --demo` shows the app on a bundled recording"
            );
        }
    }
    let state = pipeline.stop();
    if device_name.is_empty() {
        bail!(
            "no microphone could be opened ({}); `speech-coach --demo` shows the app on a bundled recording",
            describe(&state.device)
        );
    }
    // Frames still queued when the clock ran out are kept.
    while let Ok(frame) = frames.try_recv() {
        if let Some(w) = csv.as_mut() {
            w.write(&frame)?;
        }
    }
    if let Some(w) = csv {
        w.finish()?;
    }
    let latency = state.latency_percentiles_ms();
    let summary = state.summary.clone().unwrap_or_else(Summary::empty).with_lang(args.lang);
    if let Some(e) = &state.session_error {
        eprintln!("speech-coach: {e}");
    }
    let report = ListenReport {
        device: device_name,
        session: state.session_id.clone(),
        summary,
        delivered_blocks: state.delivered_blocks,
        dropped_blocks: state.dropped_blocks,
        device_losses: losses,
        latency_median_ms: latency.map(|l| l.0),
        latency_p95_ms: latency.map(|l| l.1),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
