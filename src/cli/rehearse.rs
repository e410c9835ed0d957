//! `speech-coach rehearse SCRIPT`: practise a script. With `--recording`, runs a recorded
//! rehearsal through the streaming analyser and prints per-line pace against target;
//! without it, opens the window with the script as a teleprompter.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;
use speech_coach::analysis::analyse_wav;
use speech_coach::analysis::{AnalyserConfig, Lang};
use speech_coach::coach::Targets;
use speech_coach::coach::rehearsal::{LineResult, Rehearsal, Script};

#[derive(Debug, clap::Args)]
pub struct RehearseArgs {
    /// Script: plain text or Markdown, one spoken line per line; `[slow]` or `[pace=N]` at
    /// the end of a line sets its target.
    pub script: PathBuf,
    /// A recorded rehearsal (WAV, MP3, FLAC, Ogg Vorbis, AAC/M4A) to score instead of
    /// opening the window.
    #[arg(long, value_name = "FILE")]
    pub recording: Option<PathBuf>,
    /// Language of the script (default: from the script's characters).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

#[derive(Serialize)]
struct RehearsalReport {
    title: Option<String>,
    expected_s: f32,
    lines_total: usize,
    lines_reached: usize,
    lines: Vec<LineResult>,
}

pub fn load(path: &std::path::Path, lang: Option<Lang>) -> Result<(Script, Lang)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the script", path.display()))?;
    let lang = lang.unwrap_or_else(|| Lang::detect(&text));
    let script = Script::parse(&text, lang, &Targets::default());
    for notice in &script.notices {
        speech_coach::errln!("speech-coach: {}: {notice}", path.display());
    }
    anyhow::ensure!(
        !script.lines.is_empty(),
        "{}: the script has no lines to speak",
        path.display()
    );
    Ok((script, lang))
}

pub fn run(args: RehearseArgs) -> Result<()> {
    let (script, lang) = load(&args.script, args.lang)?;
    let Some(recording) = args.recording else {
        return speech_coach::ui::run_rehearsal(script, lang).map_err(Into::into);
    };
    let expected_s = script.expected_s(lang);
    let lines_total = script.lines.len();
    let title = script.title.clone();
    let mut rehearsal = Rehearsal::new(script, lang);
    let config = |rate| AnalyserConfig::new(rate).with_lang(lang);
    analyse_wav(&recording, config, |f| rehearsal.push(f), |_, _| {})?;
    let lines = rehearsal.results();
    let report = RehearsalReport {
        title,
        expected_s,
        lines_total,
        lines_reached: lines.iter().filter(|l| l.start_s.is_some()).count(),
        lines,
    };
    outln!("{}", serde_json::to_string(&report)?)?;
    Ok(())
}
