//! The `speech-coach` command: parse arguments and dispatch, nothing else.

mod cli;

use clap::{Parser, Subcommand};

/// Live coaching for a hotline voice: tone, volume and speaking speed against the
/// targets of customer-service training.
///
/// With no subcommand, opens the coaching window on the default microphone.
#[derive(Debug, Parser)]
#[command(name = "speech-coach", version, about, long_about)]
struct Cli {
    /// Open the window on the bundled demo recording instead of the microphone.
    #[arg(long)]
    demo: bool,
    /// Syllables per English word for words/min (1.1–1.8; default: the settings'
    /// "syllables_per_english_word", else 1.4).
    #[arg(long, global = true, value_name = "N")]
    syllables_per_word: Option<f32>,
    /// Ignore the stored pace calibration (`calibrate`) for this run.
    #[arg(long, global = true)]
    no_profile: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse recordings (WAV, MP3, FLAC, Ogg Vorbis, AAC/M4A) with the live analyser: one
    /// JSON object of figures, or for several files or a folder one JSON line (or --csv row)
    /// per file, on all cores.
    ///
    /// Fields: duration_s, speech_s (speaking time without pauses ≥ 0.5 s), turn_s (first
    /// to last syllable of each turn, its pauses included), turns, syllables,
    /// syllables_per_min, chars_per_min (zh) or words_per_min (en) (the headline pace:
    /// syllables ÷ turn_s), articulation_rate (turn_s without its pauses ≥ 0.25 s), level_active_dbfs
    /// (speech-only level, ITU-T P.56 style), clipped_samples, pitch_median_hz,
    /// pitch_spread_st (10–90 % range in semitones), pauses, longest_pause_s.
    ///
    /// A call with both sides (--stereo: agent left, caller right, or --stereo=right; or
    /// --caller FILE for the caller's own file) adds a `conversation` object:
    /// agent_talk_s, caller_talk_s, agent_talk_share, overlap_s, agent_interruptions,
    /// caller_interruptions (0.6 s of talking over), response_gap_median_s, dead_air_count,
    /// longest_dead_air_s (5 s of silence), holds (10 s or more), longest_agent_monologue_s,
    /// caller_arousal; the top-level fields stay the agent's. --events writes the
    /// interruptions, dead air and holds as CSV rows time_s,kind,duration_s.
    Analyze(cli::analyze::AnalyzeArgs),
    /// Capture from the microphone without a window: frames to CSV, a JSON summary at the end.
    Listen(cli::listen::ListenArgs),
    /// List the input devices (the default is marked with *).
    Devices(cli::devices::DevicesArgs),
    /// List stored sessions by local date and time (or delete one by id with --delete).
    Sessions(cli::sessions::SessionsArgs),
    /// The call report of a stored session: its moments worth a replay and tips (text), with
    /// --json every figure, with --html a self-contained page (plots, timeline, replays).
    Report(cli::sessions::ReportArgs),
    /// Progress across calls: a table per shift (pace, level, pitch range, interruptions,
    /// holds, talk share) and whether the voice tires through it; --json for scripts.
    History(cli::history::HistoryArgs),
    /// Personal pace calibration: print the passage to read; with --recording, learn your
    /// voice's syllable-count factor (0.85–1.15) and store it for the window, listen and
    /// rehearse (--json prints it instead).
    Calibrate(cli::calibrate::CalibrateArgs),
    /// Rehearse a script: a teleprompter in the window, or score a recording (--recording).
    Rehearse(cli::rehearse::RehearseArgs),
    /// Start the window with the system (an XDG autostart entry on Linux, the Run value on
    /// Windows): on, off, or without an argument whether it is on.
    Autostart(cli::autostart::AutostartArgs),
    /// The team: set up the centre's PostgreSQL (init), send this PC's call summaries
    /// (sync), hand out target profiles (profile), and the team report (report).
    Team(cli::team::TeamArgs),
}

fn main() {
    let cli = Cli::parse();
    let settings_path = speech_coach::settings::default_path();
    let per_word = cli.syllables_per_word.or_else(|| {
        speech_coach::settings::Settings::peek(&settings_path)
            .and_then(|s| s.syllables_per_english_word)
    });
    if let Some(value) = per_word
        && speech_coach::analysis::set_syllables_per_english_word(value).is_err()
    {
        let range = speech_coach::dsp::pace::SYLLABLES_PER_ENGLISH_WORD_RANGE;
        let (low, high) = (range.start(), range.end());
        speech_coach::errln!("speech-coach: --syllables-per-word {value} is outside {low}–{high}");
        std::process::exit(1);
    }
    // The agent's own pace calibration, for the commands that measure the agent.
    // Not the demo: its recording is someone else's voice.
    let measures_the_agent = match cli.command {
        None => !cli.demo,
        Some(Command::Listen(_) | Command::Rehearse(_)) => true,
        _ => false,
    };
    if measures_the_agent && !cli.no_profile {
        cli::calibrate::apply_stored_profile(&settings_path);
    }
    let result = match cli.command {
        Some(Command::Analyze(args)) => cli::analyze::run(args),
        Some(Command::Listen(args)) => cli::listen::run(args),
        Some(Command::Devices(args)) => cli::devices::run(args),
        Some(Command::Sessions(args)) => cli::sessions::list(args),
        Some(Command::Report(args)) => cli::sessions::report(args),
        Some(Command::Rehearse(args)) => cli::rehearse::run(args),
        Some(Command::Calibrate(args)) => cli::calibrate::run(args),
        Some(Command::History(args)) => cli::history::run(args),
        Some(Command::Team(args)) => cli::team::run(args),
        Some(Command::Autostart(args)) => cli::autostart::run(args),
        None => speech_coach::ui::run(cli.demo).map_err(anyhow::Error::from),
    };
    if let Err(e) = result {
        // The reader of our output has had what it wanted (`| head`): a quiet end.
        if cli::stdout::closed(&e) {
            std::process::exit(0);
        }
        speech_coach::errln!("speech-coach: {}", cli::one_line(&e));
        std::process::exit(1);
    }
}
