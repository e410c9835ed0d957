//! `speech-coach analyze FILE.wav`: one JSON object of figures for a recording.
//!
//! With the caller's side (`--stereo`: the two channels of a call recording; `--caller`: a
//! second file) both sides run through their own analyser and the pairs of frames through
//! a [`Conversation`]; the top-level figures stay the agent's and the conversation's are
//! added under `conversation`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::frames_csv::{CsvError, FramesCsv};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use speech_coach::analysis::offline::{CallSides, analyse_call};
use speech_coach::analysis::{AnalyserConfig, Frame, Lang, Summary, analyse_wav};
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
    /// WAV file to analyse (integer or float PCM, any channel count, 8–96 kHz).
    pub file: PathBuf,
    /// Also write one CSV row per 10 ms hop: time_s,f0_hz,level_dbfs,voiced (the agent's
    /// side when the call has two).
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
    /// The caller's side of the call as a WAV file of its own; FILE is the agent's side.
    #[arg(long, value_name = "FILE.wav")]
    pub caller: Option<PathBuf>,
    /// With the caller's side (--stereo or --caller): also write the conversation's events
    /// (interruptions, dead air, holds), one CSV row each: time_s,kind,duration_s.
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
    let mut frames = FramesOut::create(args.frames.as_deref())?;
    let events = args.events.as_deref().map(EventsCsv::create).transpose()?;
    let mut progress = Progress::default();
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
        (Some((agent, caller)), _) => Some(CallSides::Channels { path: &args.file, agent, caller }),
        (None, Some(caller)) => Some(CallSides::Files { agent: &args.file, caller }),
        (None, None) => None,
    };
    let report = match sides {
        None => {
            let outcome = analyse_wav(
                &args.file,
                config,
                |frame| frames.write(frame),
                |done, total| progress.update(done, total),
            );
            progress.finish();
            let (info, summary) = outcome?;
            frames.finish()?;
            Report {
                file: args.file.display().to_string(),
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
            let caller_file = args.caller.as_deref().unwrap_or(&args.file);
            Report {
                file: args.file.display().to_string(),
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
    outln!("{}", serde_json::to_string(&report).context("serialising the summary")?)?;
    Ok(())
}

/// Options that contradict each other, and outputs that would overwrite something.
fn check_args(args: &AnalyzeArgs) -> Result<()> {
    if args.stereo.is_some() && args.caller.is_some() {
        bail!("--stereo and --caller both give the caller's side; use one of them");
    }
    let two_sided = args.stereo.is_some() || args.caller.is_some();
    if args.events.is_some() && !two_sided {
        bail!("--events needs the caller's side of the call: --stereo or --caller FILE.wav");
    }
    check_outputs(args)
}

/// Output files may not be an input, lie in the session store, or be the same file twice.
fn check_outputs(args: &AnalyzeArgs) -> Result<()> {
    let store = speech_coach::session::store::default_root();
    let inputs: Vec<&Path> =
        std::iter::once(args.file.as_path()).chain(args.caller.as_deref()).collect();
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
#[derive(Default)]
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn update(&mut self, done: f64, total: f64) {
        if total <= PROGRESS_AFTER_S {
            return;
        }
        let bar = self.0.get_or_insert_with(|| {
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
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}
