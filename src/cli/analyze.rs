//! `speech-coach analyze FILE`: one JSON object of figures for a recording (WAV, MP3,
//! FLAC, Ogg Vorbis, AAC/M4A).
//!
//! Several files or a folder (its recordings, not its subfolders: a QA lead's folder of a
//! day's calls, where subfolders are usually other days or other teams) make a batch: one
//! JSON line per file, each the single file's object, or with `--csv` one row per file;
//! the files run on every core ([`super::batch`]). A file that fails is a line
//! `{"file":…,"error":…}` (an `error` column in CSV) and the batch goes on; the exit code
//! is 1 at the end if any failed.
//!
//! With the caller's side (`--stereo`: the two channels of a call recording; `--caller`: a
//! second file) both sides run through their own analyser and the pairs of frames through
//! a [`Conversation`]; the top-level figures stay the agent's and the conversation's are
//! added under `conversation`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::frames_csv::{CsvError, FramesCsv};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use speech_coach::analysis::offline::{CallSides, analyse_call};
use speech_coach::analysis::{AnalyserConfig, Frame, Lang, Summary, analyse_wav};
use speech_coach::audio::is_recording_name;
use speech_coach::coach::PaceProfile;
use speech_coach::conversation::{Conversation, ConversationEvent, ConversationSummary};

/// Which channel of a stereo call recording is the agent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgentChannel {
    Left,
    Right,
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Recordings to analyse: WAV (integer or float PCM, G.711), MP3, FLAC, Ogg Vorbis,
    /// AAC (M4A/MP4 or ADTS); any channel count, 8–96 kHz. Several files or a folder (the
    /// recordings directly in it) print one JSON line per file.
    #[arg(required = true, value_name = "FILE|FOLDER")]
    pub files: Vec<PathBuf>,
    /// One CSV row per file, with a header, instead of JSON lines (written when the batch
    /// ends; a failed file has its `error` column filled).
    #[arg(long)]
    pub csv: bool,
    /// Files analysed at once (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Also write one CSV row per 10 ms hop: time_s,f0_hz,level_dbfs,voiced (the agent's
    /// side when the call has two). One file only.
    #[arg(long, value_name = "OUT.csv")]
    pub frames: Option<PathBuf>,
    /// Language of the speech: pace in characters/min (zh) or words/min (en), and the
    /// syllable rules (every Mandarin character is a full syllable; English has weak ones).
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Lowest pitch to look for, in Hz.
    #[arg(long, default_value_t = 60.0)]
    pub pitch_floor: f32,
    /// Highest pitch to look for, in Hz.
    #[arg(long, default_value_t = 500.0)]
    pub pitch_ceiling: f32,
    /// FILE is a call with one side per channel: the agent on the left and the caller on
    /// the right, or the agent on the right with --stereo=right.
    #[arg(
        long,
        value_enum,
        value_name = "AGENT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "left"
    )]
    pub stereo: Option<AgentChannel>,
    /// The caller's side of the call as a recording of its own; FILE is the agent's side.
    /// One file only.
    #[arg(long, value_name = "FILE")]
    pub caller: Option<PathBuf>,
    /// With the caller's side (--stereo or --caller): also write the conversation's events
    /// (interruptions, dead air, holds), one CSV row each: time_s,kind,duration_s. One
    /// file only.
    #[arg(long, value_name = "OUT.csv")]
    pub events: Option<PathBuf>,
    /// Apply a pace calibration (`calibrate`'s pace-profile.json): syllables and pace are
    /// the counted ones times its factor, and the output says so (syllables_counted,
    /// pace_factor). Without it, nothing is applied: analyze measures files of any voice.
    #[arg(long, value_name = "FILE.json")]
    pub profile: Option<PathBuf>,
}

#[derive(Serialize)]
struct Report {
    file: String,
    sample_rate: u32,
    channels: u16,
    /// The channel the top-level figures describe, in a stereo call.
    #[serde(skip_serializing_if = "Option::is_none")]
    agent_channel: Option<usize>,
    lang: Lang,
    #[serde(flatten)]
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation: Option<ConversationReport>,
}

#[derive(Serialize)]
struct ConversationReport {
    caller: CallerSide,
    #[serde(flatten)]
    summary: ConversationSummary,
}

/// Where the caller's side came from, and a few of its own figures.
#[derive(Serialize)]
struct CallerSide {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<usize>,
    sample_rate: u32,
    duration_s: f64,
    speech_s: f64,
    level_active_dbfs: Option<f32>,
    pitch_median_hz: Option<f32>,
}

/// A batch's line for a file that could not be analysed.
#[derive(Serialize)]
struct BatchError {
    file: String,
    error: String,
}

/// Files longer than this get a progress bar on stderr.
const PROGRESS_AFTER_S: f64 = 60.0;

const EVENTS_HEADER: &str = "time_s,kind,duration_s";

pub fn run(args: AnalyzeArgs) -> Result<()> {
    check_args(&args)?;
    if let Some(path) = &args.profile {
        let profile = PaceProfile::load(path)?;
        if profile.lang != args.lang {
            bail!(
                "{}: learnt on {} speech; this is --lang {}",
                path.display(),
                profile.lang.code(),
                args.lang.code()
            );
        }
        speech_coach::analysis::set_pace_factor(profile.factor)
            .map_err(|f| anyhow::anyhow!("{}: factor {f} is out of range", path.display()))?;
    }
    AnalyserConfig {
        pitch_floor_hz: args.pitch_floor,
        pitch_ceiling_hz: args.pitch_ceiling,
        ..AnalyserConfig::new(16_000)
    }
    .check_pitch_range()?;
    if is_batch(&args) {
        return run_batch(&args);
    }
    let file = &args.files[0];
    let frames = FramesOut::create(args.frames.as_deref())?;
    let events = args.events.as_deref().map(EventsCsv::create).transpose()?;
    let report = analyse(&args, file, frames, events, &mut Progress::per_file())?;
    outln!("{}", serde_json::to_string(&report).context("serialising the summary")?)?;
    Ok(())
}

/// Several inputs, a folder, or `--csv`: a batch. One file alone prints today's object.
fn is_batch(args: &AnalyzeArgs) -> bool {
    args.files.len() > 1 || args.csv || args.files.iter().any(|p| p.is_dir())
}

/// One recording's report; `frames`, `events` and `progress` as asked (a batch asks none).
fn analyse(
    args: &AnalyzeArgs,
    file: &Path,
    mut frames: FramesOut,
    events: Option<EventsCsv>,
    progress: &mut Progress,
) -> Result<Report> {
    let (floor, ceiling) = (args.pitch_floor, args.pitch_ceiling);
    let config = |rate| AnalyserConfig {
        pitch_floor_hz: floor,
        pitch_ceiling_hz: ceiling,
        ..AnalyserConfig::new(rate).with_lang(args.lang)
    };
    let channels = args.stereo.map(|agent| match agent {
        AgentChannel::Left => (0, 1),
        AgentChannel::Right => (1, 0),
    });
    let sides = match (channels, &args.caller) {
        (Some((agent, caller)), _) => Some(CallSides::Channels { path: file, agent, caller }),
        (None, Some(caller)) => Some(CallSides::Files { agent: file, caller }),
        (None, None) => None,
    };
    let report = match sides {
        None => {
            let outcome = analyse_wav(
                file,
                config,
                |frame| frames.write(frame),
                |done, total| progress.update(done, total),
            );
            progress.finish();
            let (info, summary) = outcome?;
            frames.finish()?;
            Report {
                file: file.display().to_string(),
                sample_rate: info.sample_rate,
                channels: info.channels,
                agent_channel: None,
                lang: args.lang,
                summary: summary.with_lang(args.lang),
                conversation: None,
            }
        }
        Some(sides) => {
            let mut conversation = Conversation::new();
            let outcome = analyse_call(
                sides,
                config,
                |agent, caller| {
                    frames.write(agent);
                    conversation.push(agent, caller);
                    conversation.live().floor()
                },
                |done, total| progress.update(done, total),
            );
            progress.finish();
            let (info, summaries) = outcome?;
            frames.finish()?;
            conversation.finish();
            if let Some(csv) = events {
                csv.write(conversation.events())?;
            }
            let caller_file = args.caller.as_deref().unwrap_or(file);
            Report {
                file: file.display().to_string(),
                sample_rate: info.agent.sample_rate,
                channels: info.agent.channels,
                agent_channel: channels.map(|(agent, _)| agent),
                lang: args.lang,
                summary: summaries.agent.with_lang(args.lang),
                conversation: Some(ConversationReport {
                    caller: CallerSide {
                        file: caller_file.display().to_string(),
                        channel: channels.map(|(_, caller)| caller),
                        sample_rate: info.caller.sample_rate,
                        duration_s: info.caller.duration_s,
                        speech_s: summaries.caller.speech_s,
                        level_active_dbfs: summaries.caller.level_active_dbfs,
                        pitch_median_hz: summaries.caller.pitch_median_hz,
                    },
                    summary: conversation.summary(),
                }),
            }
        }
    };
    Ok(report)
}

/// The files of a batch: each file as given, each folder's recordings (by name, sorted;
/// not its subfolders). A folder that cannot be listed or holds no recording is an entry
/// of its own that fails with that reason.
fn batch_inputs(paths: &[PathBuf]) -> Vec<(PathBuf, Option<String>)> {
    let mut inputs = Vec::new();
    for path in paths {
        if !path.is_dir() {
            inputs.push((path.clone(), None));
            continue;
        }
        let listed = std::fs::read_dir(path).map(|entries| {
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_recording_name(p))
                .collect();
            files.sort();
            files
        });
        match listed {
            Ok(files) if files.is_empty() => inputs.push((
                path.clone(),
                Some(format!(
                    "{}: a folder with no recordings in it (.{})",
                    path.display(),
                    speech_coach::audio::recording::RECORDING_EXTENSIONS.join(", .")
                )),
            )),
            Ok(files) => inputs.extend(files.into_iter().map(|f| (f, None))),
            Err(e) => inputs.push((
                path.clone(),
                Some(format!("{}: cannot list the folder: {e}", path.display())),
            )),
        }
    }
    inputs
}

/// Every file through [`analyse`] on all cores; one JSON line per file in the order given,
/// or CSV rows at the end. A progress bar on stderr only when stderr is a terminal.
fn run_batch(args: &AnalyzeArgs) -> Result<()> {
    let inputs = batch_inputs(&args.files);
    let jobs = args
        .jobs
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(inputs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} files  eta {eta}",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        bar.set_message("analysing");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut failed = 0usize;
    let mut rows: Vec<serde_json::Value> = Vec::new();
    let outcome = super::batch::run_in_order(
        &inputs,
        jobs,
        |(file, refused)| match refused {
            Some(reason) => Err(anyhow::anyhow!("{reason}")),
            None => analyse(args, file, FramesOut::none(), None, &mut Progress::off()),
        },
        || bar.inc(1),
        |i, result| {
            // The single file's object as it is printed (its field order, f32 figures as
            // f32), or the file and its one-line error.
            let line = match result {
                Ok(report) => serde_json::to_string(&report),
                Err(e) => {
                    failed += 1;
                    let file = inputs[i].0.display().to_string();
                    serde_json::to_string(&BatchError { file, error: super::one_line(&e) })
                }
            }
            .context("serialising the summary")?;
            if args.csv {
                rows.push(serde_json::from_str(&line).context("reading back the summary")?);
            } else {
                bar.suspend(|| outln!("{}", super::terminal::json_clean(line)))?;
            }
            Ok(())
        },
    );
    bar.finish_and_clear();
    outcome?;
    if args.csv {
        out!("{}", csv_table(&rows))?;
    }
    if failed > 0 {
        bail!(
            "{failed} of {} recordings could not be analysed (their lines say why)",
            inputs.len()
        );
    }
    Ok(())
}

/// The rows as CSV: `file`, every other field (nested objects as `conversation.overlap_s`,
/// lists as their JSON text) in name order, `error` last; a field a row lacks (the pace of
/// a file without speech, every figure of a failed file) is empty.
fn csv_table(rows: &[serde_json::Value]) -> String {
    let flat: Vec<BTreeMap<String, String>> = rows
        .iter()
        .map(|row| {
            let mut cells = BTreeMap::new();
            flatten("", row, &mut cells);
            cells
        })
        .collect();
    let mut columns: Vec<&str> = vec!["file"];
    let mut others: Vec<&str> = flat
        .iter()
        .flat_map(|cells| cells.keys().map(String::as_str))
        .filter(|k| *k != "file" && *k != "error")
        .collect();
    others.sort_unstable();
    others.dedup();
    columns.extend(others);
    columns.push("error");
    let mut text = columns.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",") + "\n";
    for cells in &flat {
        let row: Vec<String> =
            columns.iter().map(|c| csv_cell(cells.get(*c).map_or("", String::as_str))).collect();
        text += &(row.join(",") + "\n");
    }
    text
}

fn flatten(prefix: &str, value: &serde_json::Value, cells: &mut BTreeMap<String, String>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&name, v, cells);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            cells.insert(prefix.to_string(), s.clone());
        }
        other => {
            cells.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// A CSV field (RFC 4180: quoted when it holds a comma, a quote or a line break), with
/// control characters shown as escapes so a file name cannot reach the terminal raw.
fn csv_cell(text: &str) -> String {
    let text = super::terminal::clean(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.into_owned()
    }
}

/// Options that contradict each other, and outputs that would overwrite something.
fn check_args(args: &AnalyzeArgs) -> Result<()> {
    if args.stereo.is_some() && args.caller.is_some() {
        bail!("--stereo and --caller both give the caller's side; use one of them");
    }
    let two_sided = args.stereo.is_some() || args.caller.is_some();
    if args.events.is_some() && !two_sided {
        bail!("--events needs the caller's side of the call: --stereo or --caller FILE");
    }
    if is_batch(args) {
        let one_file_only = [
            ("--frames", args.frames.is_some()),
            ("--events", args.events.is_some()),
            ("--caller", args.caller.is_some()),
        ];
        if let Some((option, _)) = one_file_only.iter().find(|(_, given)| *given) {
            bail!(
                "{option} is for one recording; several files, a folder or --csv were given \
                 (--stereo takes each file as a two-sided call)"
            );
        }
    }
    check_outputs(args)
}

/// Output files may not be an input, lie in the session store, or be the same file twice.
fn check_outputs(args: &AnalyzeArgs) -> Result<()> {
    let store = speech_coach::session::store::default_root();
    let inputs: Vec<&Path> =
        args.files.iter().map(PathBuf::as_path).chain(args.caller.as_deref()).collect();
    for out in [&args.frames, &args.events].into_iter().flatten() {
        super::output::check(out, &inputs, &store)?;
    }
    if let (Some(frames), Some(events)) = (&args.frames, &args.events)
        && super::output::check(events, &[frames], &store).is_err()
    {
        bail!("{}: named by both --frames and --events; give each its own file", events.display());
    }
    Ok(())
}

/// The frames CSV, if asked for; the first write error is kept and reported at the end.
struct FramesOut {
    csv: Option<FramesCsv>,
    error: Option<CsvError>,
}

impl FramesOut {
    fn create(path: Option<&Path>) -> Result<Self> {
        Ok(Self { csv: path.map(FramesCsv::create).transpose()?, error: None })
    }

    fn none() -> Self {
        Self { csv: None, error: None }
    }

    fn write(&mut self, frame: &Frame) {
        if let (Some(w), None) = (self.csv.as_mut(), &self.error) {
            self.error = w.write(frame).err();
        }
    }

    fn finish(self) -> Result<()> {
        if let Some(e) = self.error {
            return Err(e.into());
        }
        if let Some(w) = self.csv {
            w.finish()?;
        }
        Ok(())
    }
}

/// The events CSV: created before the analysis (an unwritable path fails at once),
/// written after it, in time order.
struct EventsCsv {
    path: PathBuf,
    out: BufWriter<File>,
}

impl EventsCsv {
    fn create(path: &Path) -> Result<Self> {
        let file = File::create(path)
            .with_context(|| format!("{}: cannot write events", path.display()))?;
        Ok(Self { path: path.to_path_buf(), out: BufWriter::new(file) })
    }

    fn write(mut self, events: &[ConversationEvent]) -> Result<()> {
        let mut sorted = events.to_vec();
        sorted.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
        let mut text = format!("{EVENTS_HEADER}\n");
        for e in &sorted {
            text += &format!("{:.2},{},{:.2}\n", e.time_s, e.kind.as_str(), e.duration_s);
        }
        let context = || format!("{}: cannot write events", self.path.display());
        self.out.write_all(text.as_bytes()).with_context(context)?;
        self.out.flush().with_context(context)?;
        self.out.get_ref().sync_all().with_context(context)
    }
}

/// A progress bar on stderr for files over [`PROGRESS_AFTER_S`].
/// In a batch the bar counts files instead ([`Progress::off`] here).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    enabled: bool,
}

impl Progress {
    fn per_file() -> Self {
        Self { bar: None, enabled: true }
    }

    fn off() -> Self {
        Self { bar: None, enabled: false }
    }

    fn update(&mut self, done: f64, total: f64) {
        if !self.enabled || total <= PROGRESS_AFTER_S {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new(total.ceil() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} s  eta {eta}",
                )
                .expect("static template")
                .progress_chars("=> "),
            );
            bar.set_message("analysing");
            bar
        });
        bar.set_position(done as u64);
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
