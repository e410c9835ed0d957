//! `speech-coach listen`: the live pipeline without a window — frames to CSV as they
//! come, status and storage problems on stderr as they happen, a JSON summary at the end
//! (also on Ctrl-C or SIGTERM), and a non-zero exit when any part of the session could
//! not be stored.

use std::path::PathBuf;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::frames_csv::FramesCsv;
use anyhow::{Result, bail};
use serde::Serialize;
use speech_coach::analysis::{Lang, Summary};
use speech_coach::pipeline::{
    DeviceStatus, LiveCall, Pipeline, PipelineOptions, SessionOptions, Source, StorageProblem,
};

use super::terminal::clean;

/// `--seconds`: a time to listen, more than 0 and at most the longest session the store
/// keeps (a week, `SESSION_S_MAX`). `nan` listened for ever
/// (no time is ever `>=` it) and 0 or less stopped before the first block with "no
/// microphone could be opened" (a newcomer's pass, stop 32).
fn seconds_to_listen(value: &str) -> Result<f64, String> {
    use speech_coach::session::ranges::SESSION_S_MAX as SECONDS_MAX;
    match value.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= SECONDS_MAX => Ok(s),
        Ok(_) => Err(format!("a time to listen is more than 0 and at most {SECONDS_MAX} seconds")),
        Err(_) => Err("not a number of seconds".into()),
    }
}

#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// Input device: the default microphone unless given (any part of a name from `devices`).
    #[arg(long)]
    pub device: Option<String>,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long, value_parser = seconds_to_listen)]
    pub seconds: Option<f64>,
    /// Write one CSV row per 10 ms hop as it is analysed: time_s,f0_hz,level_dbfs,voiced.
    #[arg(long, value_name = "OUT.csv")]
    pub frames: Option<PathBuf>,
    /// Store calls as sessions (see `speech-coach sessions`): the first starts at once,
    /// the next when the caller speaks again after a silent minute ended the last.
    #[arg(long)]
    pub session: bool,
    /// With --session or --record: the first call too starts when the caller speaks (the
    /// agent without --caller), not at once.
    #[arg(long)]
    pub wait_for_call: bool,
    /// Store a session and record the microphone into it (audio.wav, 32-bit float).
    #[arg(long)]
    pub record: bool,
    /// Language of the speech (pace unit).
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Also hear the caller: what the default output plays (its monitor; loopback on
    /// Windows), for the conversation measures.
    #[arg(long)]
    pub caller: bool,
    /// The caller's source by name (any part of a name `devices` lists under caller
    /// sources); implies --caller.
    #[arg(long, value_name = "NAME")]
    pub caller_device: Option<String>,
}

#[derive(Serialize)]
struct ListenReport {
    device: String,
    /// The last session stored (or being stored).
    session: Option<String>,
    /// Every call stored this run, oldest first.
    calls: Vec<String>,
    #[serde(flatten)]
    summary: Summary,
    delivered_blocks: u64,
    dropped_blocks: u64,
    /// The caller's source, when heard, and its dropped blocks.
    caller_device: Option<String>,
    caller_dropped_blocks: Option<u64>,
    /// Both sides' figures (the same as `analyze --stereo` gives), when the caller is heard.
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation: Option<speech_coach::conversation::ConversationSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_events: Option<Vec<speech_coach::conversation::ConversationEvent>>,
    device_losses: u32,
    latency_median_ms: Option<f32>,
    latency_p95_ms: Option<f32>,
    /// Parts of the session that could not be stored (empty when all went well).
    storage_problems: Vec<StorageProblem>,
}

impl ListenReport {
    /// The summary `listen` prints at the end, from the pipeline's final state.
    fn new(state: &speech_coach::pipeline::LiveState, watch: &Watch, lang: Lang) -> Self {
        let latency = state.latency_percentiles_ms();
        ListenReport {
            device: clean(&watch.device_name).into_owned(),
            session: state.session_id.clone(),
            calls: state.calls.clone(),
            summary: state.summary.clone().unwrap_or_else(Summary::empty).with_lang(lang),
            delivered_blocks: state.delivered_blocks,
            dropped_blocks: state.dropped_blocks,
            caller_device: watch.caller_name.as_deref().map(|n| clean(n).into_owned()),
            caller_dropped_blocks: state
                .caller_device
                .is_some()
                .then_some(state.caller_dropped_blocks),
            conversation: state.conversation_summary.clone(),
            conversation_events: state
                .conversation_summary
                .is_some()
                .then(|| state.conversation_events.clone()),
            device_losses: watch.losses,
            latency_median_ms: latency.map(|l| l.0),
            latency_p95_ms: latency.map(|l| l.1),
            storage_problems: state.storage_problems.clone(),
        }
    }
}

/// Without any device for this long at start, `listen` gives up with an error.
const GIVE_UP_WITHOUT_DEVICE: Duration = Duration::from_secs(3);

fn describe(status: &DeviceStatus) -> String {
    match status {
        DeviceStatus::Connecting => "connecting".into(),
        DeviceStatus::Live { name, sample_rate, channels, format } => {
            format!("capturing from {name} ({sample_rate} Hz, {channels} ch, {format})")
        }
        DeviceStatus::Lost { name, silent: true, .. } => {
            format!("microphone silent (muted?): {name} gives only exact silence; retrying")
        }
        DeviceStatus::Lost { name, reason, .. } => {
            format!("microphone lost: {name}: {reason}; retrying")
        }
        DeviceStatus::Unavailable { reason } => format!("no microphone: {reason}"),
        DeviceStatus::Playing { file } => format!("playing {file}"),
        DeviceStatus::Finished => "finished".into(),
    }
}

/// The frames log (`--frames`): written as frames come, flushed every second of rows;
/// the first write error stops it and is said at once.
struct FramesLog {
    csv: Option<FramesCsv>,
    rows: u64,
    error: Option<super::frames_csv::CsvError>,
}

impl FramesLog {
    fn write(&mut self, frame: &speech_coach::analysis::Frame) {
        let (Some(w), None) = (self.csv.as_mut(), &self.error) else { return };
        self.rows += 1;
        let flush = self.rows.is_multiple_of(100);
        self.error = w.write(frame).and_then(|()| if flush { w.flush() } else { Ok(()) }).err();
        if let Some(e) = &self.error {
            speech_coach::errln!("speech-coach: {e}");
        }
    }

    fn finish(mut self) -> Result<()> {
        if let (Some(w), None) = (self.csv.take(), &self.error) {
            self.error = w.finish().err();
        }
        self.error.map_or(Ok(()), |e| Err(e.into()))
    }
}

/// What `listen` follows while it runs: device changes and storage problems, said on
/// stderr as they happen.
#[derive(Default)]
struct Watch {
    last_status: Option<DeviceStatus>,
    last_caller: Option<DeviceStatus>,
    caller_name: Option<String>,
    /// The session of the call in progress, as last told.
    call_id: Option<String>,
    device_name: String,
    losses: u32,
    problems_told: usize,
}

impl Watch {
    /// Says a changed status of the caller's source (it is not needed to go on).
    /// Says when a call's session starts being stored and when the call ends.
    fn follow_call(&mut self, call: Option<LiveCall>) {
        let id = call.and_then(|c| c.id);
        if id != self.call_id {
            if let Some(old) = &self.call_id {
                speech_coach::errln!("speech-coach: call ended (session {old})");
            }
            if let Some(new) = &id {
                speech_coach::errln!("speech-coach: storing session {new}");
            }
            self.call_id = id;
        }
    }

    fn follow_caller(&mut self, status: Option<DeviceStatus>) {
        let Some(status) = status else { return };
        if self.last_caller.as_ref() == Some(&status) {
            return;
        }
        match &status {
            DeviceStatus::Live { name, .. } => {
                self.caller_name = Some(name.clone());
                speech_coach::errln!("speech-coach: caller: {}", clean(&describe(&status)));
            }
            DeviceStatus::Lost { name, reason, .. } => {
                speech_coach::errln!(
                    "speech-coach: caller source lost: {}: {}; retrying",
                    clean(name),
                    clean(reason)
                );
            }
            DeviceStatus::Unavailable { reason } => {
                speech_coach::errln!("speech-coach: no caller source: {}; retrying", clean(reason));
            }
            _ => {}
        }
        self.last_caller = Some(status);
    }

    fn tell_problems(&mut self, problems: &[StorageProblem]) {
        for p in problems {
            speech_coach::errln!("speech-coach: {}", clean(&p.message));
            self.problems_told += 1;
        }
    }

    /// Says a changed device status; false once `listen` should give up (no device has
    /// ever worked, for [`GIVE_UP_WITHOUT_DEVICE`]).
    fn follow(&mut self, status: DeviceStatus, running_for: Duration) -> bool {
        if self.last_status.as_ref() != Some(&status) {
            // Before any device has worked, "unavailable" is said once, by the final error.
            let still_starting =
                self.device_name.is_empty() && matches!(status, DeviceStatus::Unavailable { .. });
            if !still_starting && !matches!(status, DeviceStatus::Connecting) {
                speech_coach::errln!("speech-coach: {}", clean(&describe(&status)));
            }
            match &status {
                DeviceStatus::Live { name, .. } => self.device_name = name.clone(),
                DeviceStatus::Lost { .. }
                    if matches!(self.last_status, Some(DeviceStatus::Live { .. })) =>
                {
                    self.losses += 1
                }
                _ => {}
            }
            self.last_status = Some(status.clone());
        }
        !(matches!(status, DeviceStatus::Unavailable { .. })
            && self.device_name.is_empty()
            && running_for > GIVE_UP_WITHOUT_DEVICE)
    }
}

pub fn run(args: ListenArgs) -> Result<()> {
    let store = speech_coach::session::store::default_root();
    if let Some(out) = &args.frames {
        super::output::check(out, &[], &store)?;
    }
    speech_coach::session::repair::close_interrupted_at_start(&store);
    let interrupted = super::interrupted_flag("listen");
    let csv = args.frames.as_deref().map(FramesCsv::create).transpose()?;
    let mut log = FramesLog { csv, rows: 0, error: None };
    let pipeline = Pipeline::start(PipelineOptions {
        source: Source::Microphone { device: args.device.clone() },
        caller: (args.caller || args.caller_device.is_some())
            .then(|| Source::Output { device: args.caller_device.clone() }),
        lang: args.lang,
        baseline: None,
        targets: Default::default(),
        session: (args.session || args.record).then_some(SessionOptions {
            root: store,
            record_audio: args.record,
            call_at_once: !args.wait_for_call,
        }),
        keep_frames: true,
        on_update: None,
    });

    let frames = pipeline.frames().expect("keep_frames").clone();
    let start = Instant::now();
    let mut watch = Watch::default();
    loop {
        let out_of_time = args.seconds.is_some_and(|s| start.elapsed().as_secs_f64() >= s);
        if out_of_time || interrupted.load(Ordering::Relaxed) {
            break;
        }
        match frames.recv_timeout(Duration::from_millis(100)) {
            Ok(frame) => log.write(&frame),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        }
        watch.tell_problems(&pipeline.storage_problems_since(watch.problems_told));
        watch.follow_call(pipeline.call());
        watch.follow_caller(pipeline.caller_device());
        if !watch.follow(pipeline.device(), start.elapsed()) {
            break;
        }
    }
    // Stopping closes the session: with nothing captured it is removed, not left empty.
    let state = pipeline.stop();
    if watch.device_name.is_empty() {
        bail!(
            "{}; `speech-coach --demo` shows the app on a bundled recording",
            clean(&state.device.no_microphone_line())
        );
    }
    watch.tell_problems(
        &state.storage_problems[watch.problems_told.min(state.storage_problems.len())..],
    );
    // Frames still queued when the clock ran out are kept.
    for frame in frames.try_iter() {
        log.write(&frame);
    }
    let logged = log.finish();
    let report = ListenReport::new(&state, &watch, args.lang);
    outln!("{}", serde_json::to_string(&report)?)?;
    logged?;
    if !state.storage_problems.is_empty() {
        bail!(
            "the session was not stored completely ({} problem(s), listed above)",
            state.storage_problems.len()
        );
    }
    Ok(())
}
