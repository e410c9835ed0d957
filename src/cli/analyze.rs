//! `speech-coach analyze FILE.wav`: one JSON object of figures for a recording.

use std::path::PathBuf;

use super::frames_csv::FramesCsv;
use anyhow::{Context, Result};
use serde::Serialize;
use speech_coach::analysis::analyse_wav;
use speech_coach::analysis::{AnalyserConfig, Lang, Summary};

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// WAV file to analyse (integer or float PCM, any channel count, 8–96 kHz).
    pub file: PathBuf,
    /// Also write one CSV row per 10 ms hop: time_s,f0_hz,level_dbfs,voiced.
    #[arg(long, value_name = "OUT.csv")]
    pub frames: Option<PathBuf>,
    /// Language of the speech: pace in characters/min (zh) or words/min (en).
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Lowest pitch to look for, in Hz.
    #[arg(long, default_value_t = 60.0)]
    pub pitch_floor: f32,
    /// Highest pitch to look for, in Hz.
    #[arg(long, default_value_t = 500.0)]
    pub pitch_ceiling: f32,
}

#[derive(Serialize)]
struct Report {
    file: String,
    sample_rate: u32,
    channels: u16,
    lang: Lang,
    #[serde(flatten)]
    summary: Summary,
}

/// Files longer than this get a progress bar on stderr.
const PROGRESS_AFTER_S: f64 = 60.0;

pub fn run(args: AnalyzeArgs) -> Result<()> {
    if let Some(out) = &args.frames {
        super::output::check(out, &[&args.file], &speech_coach::session::store::default_root())?;
    }
    let mut csv = args.frames.as_deref().map(FramesCsv::create).transpose()?;
    let mut csv_error = None;
    let mut progress: Option<indicatif::ProgressBar> = None;
    let (floor, ceiling) = (args.pitch_floor, args.pitch_ceiling);
    let outcome = analyse_wav(
        &args.file,
        |rate| AnalyserConfig {
            pitch_floor_hz: floor,
            pitch_ceiling_hz: ceiling,
            ..AnalyserConfig::new(rate)
        },
        |frame| {
            if let (Some(w), None) = (csv.as_mut(), &csv_error) {
                csv_error = w.write(frame).err();
            }
        },
        |done, total| {
            if total > PROGRESS_AFTER_S {
                let bar = progress.get_or_insert_with(|| {
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
        },
    );
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let (info, summary) = outcome?;
    if let Some(e) = csv_error {
        return Err(e.into());
    }
    if let Some(w) = csv {
        w.finish()?;
    }
    let report = Report {
        file: args.file.display().to_string(),
        sample_rate: info.sample_rate,
        channels: info.channels,
        lang: args.lang,
        summary: summary.with_lang(args.lang),
    };
    println!("{}", serde_json::to_string(&report).context("serialising the summary")?);
    Ok(())
}
