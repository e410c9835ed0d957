//! `speech-coach calibrate`: the personal pace calibration from the command line.
//!
//! Without `--recording` it prints the passage to read (the same the window shows). With
//! a recording of it (or of any text given by `--text`) it counts the recording's
//! syllables with the same streaming analyser as everything else, learns the voice's count
//! factor ([`PaceProfile::learn`]) and stores it beside the settings, where the window,
//! `listen` and `rehearse` find it; `--json` prints the profile instead of storing it.
//! The recording is measured without any earlier calibration applied.
//!
//! Its instructions and results are in the interface language (the settings' `ui_lang`,
//! else the locale), like the window's calibration; `--lang` is the language of the
//! speech, which may differ. A profile holds one speech language: storing one in another
//! language says which profile it replaced.

use std::path::PathBuf;

use anyhow::{Context, Result};
use speech_coach::analysis::{AnalyserConfig, Lang, PACE_FACTOR_RANGE, analyse_wav};
use speech_coach::coach::pace_profile::{self, PaceProfile};
use speech_coach::coach::rehearsal::count_syllables;
use speech_coach::settings::{self, Settings, UiLang};
use speech_coach::words::fill;

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// A recording (WAV, MP3, FLAC, Ogg Vorbis, AAC/M4A) of the passage (or of --text) read
    /// aloud at your normal pace.
    /// Without it, the passage to read is printed.
    #[arg(long, value_name = "FILE")]
    pub recording: Option<PathBuf>,
    /// The text that was read (UTF-8); default: the built-in passage of --lang.
    #[arg(long, value_name = "FILE.txt")]
    pub text: Option<PathBuf>,
    /// Language of the speech.
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Print the profile as JSON instead of storing it.
    #[arg(long)]
    pub json: bool,
    /// Where to store the profile (default: pace-profile.json beside the settings); its
    /// folder must exist.
    #[arg(long, value_name = "FILE.json", conflicts_with = "json")]
    pub profile: Option<PathBuf>,
}

/// What `calibrate` says, in the interface language.
struct Words {
    read_this: &'static str,
    /// `{counted}`, `{passage}`, `{factor}`, `{bounded}` (empty, or `cut_to_bounds`).
    learnt: &'static str,
    /// `{low}`, `{high}`.
    cut_to_bounds: &'static str,
    /// `{path}`.
    stored: &'static str,
    /// `{path}` and `{default}`: a profile stored where the window does not look.
    stored_elsewhere: &'static str,
    /// `{lang}` and `{factor}` of the profile replaced, learnt on other speech.
    replaced: &'static str,
}

const ZH: Words = Words {
    read_this: "请用平常的语速朗读下面这段话，录音后运行 calibrate --recording 录音.wav：",
    learnt: "语速校准：原文 {passage} 个音节，录音中听到 {counted} 个，你的计数系数是 {factor}{bounded}。",
    cut_to_bounds: "（已限制在 {low}–{high} 之内）",
    stored: "已保存到 {path}；窗口、listen 和 rehearse 会使用它（不想用时加 --no-profile，或在设置中写 \"use_pace_profile\": false）。",
    stored_elsewhere: "已保存到 {path}；用 analyze --profile {path} 使用它（窗口、listen 和 rehearse 只读取 {default}）。",
    replaced: "它替换了之前的 {lang} 语速校准（系数 {factor}）：校准文件只保存一种语言，在用 --lang {lang} 重新校准之前，{lang} 语音不再校准。",
};

const EN: Words = Words {
    read_this: "Read this aloud at your normal pace, then run calibrate --recording FILE.wav:",
    learnt: "Pace calibration: {counted} syllables heard in a text of {passage}: your count factor is {factor}{bounded}.",
    cut_to_bounds: " (cut to its bounds {low}–{high})",
    stored: "Stored in {path}; the window, listen and rehearse use it (--no-profile, or \"use_pace_profile\": false in the settings, to ignore it).",
    stored_elsewhere: "Stored in {path}; analyze --profile {path} applies it (the window, listen and rehearse read {default} only).",
    replaced: "It replaces the earlier {lang} pace calibration (factor {factor}): a profile holds one speech language, so {lang} speech is uncalibrated until you calibrate with --lang {lang} again.",
};

fn words(lang: UiLang) -> &'static Words {
    match lang {
        UiLang::Zh => &ZH,
        UiLang::En => &EN,
    }
}

/// The interface language: the settings', else the locale's (what the window would show).
fn ui_lang() -> UiLang {
    Settings::peek(&settings::default_path()).map_or_else(UiLang::from_environment, |s| s.ui_lang)
}

pub fn run(args: CalibrateArgs) -> Result<()> {
    let w = words(ui_lang());
    let text = match &args.text {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the text {}", path.display()))?,
        None => pace_profile::passage(args.lang).to_string(),
    };
    let Some(recording) = &args.recording else {
        outln!("{}", w.read_this)?;
        outln!("")?;
        outln!("{text}")?;
        return Ok(());
    };
    // A folder that does not exist is said before the recording is analysed.
    if let Some(path) = &args.profile {
        pace_profile::check_folder(path)?;
    }
    let syllables = count_syllables(&text);
    let (_, summary) = analyse_wav(
        recording,
        |rate| AnalyserConfig::new(rate).with_lang(args.lang),
        |_| {},
        |_, _| {},
    )?;
    // Analysed with no factor in force: `syllables` is what the detector counted.
    let profile = PaceProfile::learn(args.lang, syllables, summary.syllables)?;
    if args.json {
        outln!("{}", serde_json::to_string(&profile).context("serialising the profile")?)?;
        return Ok(());
    }
    let path =
        args.profile.clone().unwrap_or_else(speech_coach::platform::paths::pace_profile_file);
    // Whatever it held before (a damaged or missing file replaces nothing worth saying).
    let earlier = path.is_file().then(|| PaceProfile::load(&path).ok()).flatten();
    match &args.profile {
        Some(named) => profile.save_in_existing_folder(named)?,
        None => profile.save(&path)?,
    }
    let (low, high) = (PACE_FACTOR_RANGE.start(), PACE_FACTOR_RANGE.end());
    let bounded = if profile.bounded {
        fill(w.cut_to_bounds, &[("low", &low.to_string()), ("high", &high.to_string())])
    } else {
        String::new()
    };
    let learnt = fill(
        w.learnt,
        &[
            ("counted", &profile.counted_syllables.to_string()),
            ("passage", &profile.passage_syllables.to_string()),
            ("factor", &format!("{:.2}", profile.factor)),
            ("bounded", &bounded),
        ],
    );
    outln!("{learnt}")?;
    let default = speech_coach::platform::paths::pace_profile_file();
    let shown = path.display().to_string();
    if path == default {
        outln!("{}", fill(w.stored, &[("path", &shown)]))?;
    } else {
        let default = default.display().to_string();
        outln!("{}", fill(w.stored_elsewhere, &[("path", &shown), ("default", &default)]))?;
    }
    if let Some(earlier) = earlier.filter(|e| e.lang != profile.lang) {
        let replaced = fill(
            w.replaced,
            &[("lang", earlier.lang.code()), ("factor", &format!("{:.2}", earlier.factor))],
        );
        outln!("{replaced}")?;
    }
    Ok(())
}

/// Applies the stored pace calibration unless the settings turn it off; a damaged one is
/// one line on stderr and is not applied (the run goes on uncalibrated).
pub fn apply_stored_profile(settings_path: &std::path::Path) {
    let settings = speech_coach::settings::Settings::peek(settings_path);
    if settings.as_ref().is_some_and(|s| !s.use_pace_profile) {
        return;
    }
    let path = speech_coach::platform::paths::pace_profile_file();
    if !path.exists() {
        return;
    }
    match PaceProfile::load(&path) {
        Ok(profile) => {
            // Without a settings file, the profile's own language is the speech's.
            let lang = settings.map(|s| s.speech_lang).unwrap_or(profile.lang);
            let factor = PaceProfile::factor_for(Some(&profile), true, lang);
            // In range: `load` checked it.
            let _ = speech_coach::analysis::set_pace_factor(factor);
        }
        Err(e) => speech_coach::errln!("speech-coach: {e}; pace is not calibrated"),
    }
}
