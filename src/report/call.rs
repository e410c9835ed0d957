//! A call report from a stored session: figures a person reads after the call, in their
//! language, against their own normal and their last call, with the moments worth a
//! replay and a tip or two (see [`super::moments`]).
//!
//! frames.csv is read through [`crate::session::frames`], which never lets a non-finite value
//! through, so one bad row can never turn a percentile or a plot axis into NaN.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::compare::{self, Comparison};
use super::moments::{self, Moment, Second, Tip};
use super::{snippet, words};
use crate::analysis::{HOPS_PER_S, Lang, Summary};
use crate::coach::{Band, Baseline, Targets};
use crate::conversation::{ConversationEvent, ConversationSummary, HOLD_ALARM_S};
use crate::session::frames::{self, Line, Row};
use crate::session::store::{CueEvent, SessionKind, SessionMeta, StoreError, load_meta};
use crate::session::when;

/// What a report is written for: the reader's language, and the targets and baseline it
/// compares with (the user's settings).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// The language of the report's words (the interface language).
    pub lang: Lang,
    pub targets: Targets,
    pub baseline: Option<Baseline>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self { lang: words::lang_from_environment(), targets: Targets::default(), baseline: None }
    }
}

/// Targets alone: the language from the locale, no baseline (what callers that know only
/// the targets get; the window passes its settings).
impl From<&Targets> for ReportOptions {
    fn from(targets: &Targets) -> Self {
        Self { targets: *targets, ..Self::default() }
    }
}

impl From<&ReportOptions> for ReportOptions {
    fn from(options: &ReportOptions) -> Self {
        options.clone()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BandShare {
    pub green: f32,
    pub amber: f32,
    pub red: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: String,
    pub started_unix_s: u64,
    /// Local date, time and length, in the report's language: `2026-11-24 14:03, 6 min`.
    pub title: String,
    /// Local date and time it began: `2026-11-24 14:03`.
    pub local_start: String,
    pub kind: SessionKind,
    /// The language the report is written in.
    pub report_lang: Lang,
    pub source: String,
    /// The session's speech language: which pace unit and target band apply.
    pub lang: Lang,
    pub recording: bool,
    /// The analyser's own summary of the whole session (same fields as `analyze`).
    pub summary: Option<Summary>,
    pub duration_s: f64,
    /// Share of talk time (speech frames) with each gauge in each band.
    pub pace_bands: BandShare,
    pub volume_bands: BandShare,
    pub tone_bands: BandShare,
    /// Pace shown during talk time: 10th, 50th and 90th percentile.
    pub pace_percentiles: Option<[f32; 3]>,
    /// The green pace band, in the call's unit.
    pub pace_target: (f32, f32),
    /// Stretches of at least one second with the volume gauge in red.
    pub volume_excursions: u32,
    /// Longest stretch of speech without a pause of 0.5 s or more.
    pub longest_monologue_s: f32,
    /// When it began.
    pub longest_monologue_start_s: Option<f64>,
    /// What "normal" level is: the calibrated baseline's, else this call's own.
    pub normal_level_dbfs: Option<f32>,
    pub normal_is_baseline: bool,
    pub cue_counts: BTreeMap<String, u32>,
    pub cues: Vec<CueEvent>,
    /// frames.csv rows left out because their time was not a time in a session (not a
    /// number, or outside 0 s to [`crate::session::ranges::SESSION_S_MAX`]).
    pub skipped_rows: u32,
    /// Both sides of the call, when the caller was heard.
    pub conversation: Option<CallConversation>,
    /// This call beside the agent's baseline and previous call.
    pub comparisons: Vec<Comparison>,
    /// At most three moments worth a replay, in call order.
    pub moments: Vec<Moment>,
    pub tips: Vec<Tip>,
    /// Per-second series for plots: (time, pace, active level, median pitch of voiced hops).
    #[serde(skip)]
    pub series: Vec<SeriesPoint>,
}

/// The conversation of a call: its figures (as `analyze` prints them), its events, and
/// who talked when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallConversation {
    #[serde(flatten)]
    pub figures: ConversationSummary,
    pub events: Vec<ConversationEvent>,
    /// Holds of 30 s or more: longer than "please wait" allows (guidance row 8).
    pub holds_over_limit: u32,
    pub lanes: Lanes,
}

/// Who talked when, as `[start_s, end_s]` spans (from frames.csv's talk columns).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Lanes {
    pub agent: Vec<[f64; 2]>,
    pub caller: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SeriesPoint {
    pub time_s: f64,
    pub pace: Option<f32>,
    pub level_dbfs: Option<f32>,
    pub pitch_hz: Option<f32>,
}

fn share(counts: [u32; 3]) -> BandShare {
    let total = counts.iter().sum::<u32>().max(1) as f32;
    BandShare {
        green: counts[0] as f32 / total,
        amber: counts[1] as f32 / total,
        red: counts[2] as f32 / total,
    }
}

fn count_band(counts: &mut [u32; 3], band: Option<Band>) {
    match band {
        Some(Band::Green) => counts[0] += 1,
        Some(Band::Amber) => counts[1] += 1,
        Some(Band::Red) => counts[2] += 1,
        None => {}
    }
}

/// Hops of silence that end a monologue (0.5 s, the analyser's pause length).
const MONOLOGUE_BREAK_HOPS: u32 = 50;
/// Hops of red volume that make one excursion (1 s).
const EXCURSION_HOPS: u32 = 100;
/// Seconds of a session the moments are looked for in (a day: a session left running).
const MOMENT_SECONDS_MAX: usize = 86_400;

/// A lane being built: the spans so far and the start of the open one.
#[derive(Default)]
struct Lane {
    spans: Vec<[f64; 2]>,
    open: Option<f64>,
    last: f64,
}

impl Lane {
    fn add(&mut self, t: f64, talking: Option<bool>) {
        match (talking, self.open) {
            (Some(true), None) => self.open = Some(t),
            (Some(false) | None, Some(start)) => {
                self.spans.push([start, t]);
                self.open = None;
            }
            _ => {}
        }
        self.last = t;
    }

    fn finish(mut self) -> Vec<[f64; 2]> {
        if let Some(start) = self.open {
            self.spans.push([start, self.last + 0.01]);
        }
        self.spans
    }
}

/// The figures gathered row by row.
#[derive(Default)]
struct Tally {
    pace: [u32; 3],
    volume: [u32; 3],
    tone: [u32; 3],
    paces: Vec<f32>,
    red_run: u32,
    excursions: u32,
    monologue: u32,
    monologue_start: f64,
    longest: u32,
    longest_start: Option<f64>,
    gap: u32,
    series: Vec<SeriesPoint>,
    second_pitches: Vec<f32>,
    seconds: Vec<Second>,
    /// One past the last hop credited with turn time (see `add_second`).
    turn_credited: u64,
    agent: Lane,
    caller: Lane,
    last_time_s: f64,
    skipped_rows: u32,
}

impl Tally {
    fn add(&mut self, r: &Row) {
        if self.series.last().is_none_or(|p| r.time_s - p.time_s >= 1.0) {
            self.close_second();
            let point = SeriesPoint {
                time_s: r.time_s,
                pace: r.pace,
                level_dbfs: r.active_level_dbfs,
                pitch_hz: None,
            };
            self.series.push(point);
        }
        self.second_pitches.extend(r.f0_hz);
        self.add_second(r);
        self.agent.add(r.time_s, r.agent_talk);
        self.caller.add(r.time_s, r.caller_talk);
        self.last_time_s = self.last_time_s.max(r.time_s);
        if r.speech {
            count_band(&mut self.pace, r.pace_band);
            count_band(&mut self.volume, r.volume_band);
            count_band(&mut self.tone, r.tone_band);
            self.paces.extend(r.pace);
            if self.monologue == 0 || self.gap >= MONOLOGUE_BREAK_HOPS {
                self.monologue = 1;
                self.monologue_start = r.time_s;
            } else {
                self.monologue += self.gap + 1;
            }
            self.gap = 0;
        } else {
            self.gap += 1;
        }
        if self.monologue > self.longest {
            self.longest = self.monologue;
            self.longest_start = Some(self.monologue_start);
        }
        if r.volume_band == Some(Band::Red) {
            self.red_run += 1;
            if self.red_run == EXCURSION_HOPS {
                self.excursions += 1;
            }
        } else {
            self.red_run = 0;
        }
    }

    /// The row's hop in its second of the call, for the moments.
    fn add_second(&mut self, r: &Row) {
        if r.time_s < 0.0 || r.time_s >= MOMENT_SECONDS_MAX as f64 {
            return;
        }
        let i = r.time_s as usize;
        if self.seconds.len() <= i {
            self.seconds.resize(i + 1, Second::default());
        }
        match r.turn_hops {
            // Turn time that came in one go (a pause inside the turn, counted when the
            // next syllable came) belongs to the hops just before this row; no hop is
            // credited twice, so a damaged file cannot make more turn time than hops, nor
            // more work than one step a hop.
            Some(n) if n > 0 => {
                let hop = (r.time_s * HOPS_PER_S).round() as u64;
                let from = (hop + 1).saturating_sub(u64::from(n)).max(self.turn_credited);
                let last = (hop / HOPS_PER_S as u64) as usize;
                if self.seconds.len() <= last {
                    self.seconds.resize(last + 1, Second::default());
                }
                for h in from..=hop {
                    self.seconds[(h / HOPS_PER_S as u64) as usize].pace_hops += 1;
                }
                self.turn_credited = self.turn_credited.max(hop + 1);
            }
            Some(_) => {}
            None => self.seconds[i].pace_hops += u32::from(r.agent_talk.unwrap_or(r.speech)),
        }
        let s = &mut self.seconds[i];
        s.syllables += u32::from(r.syllable);
        s.speech_hops += u32::from(r.speech);
        if let Some(level) = r.active_level_dbfs.filter(|_| r.speech) {
            s.level_sum += f64::from(level);
            s.level_hops += 1;
        }
    }

    /// The median pitch of the second just ended goes on its plot point.
    fn close_second(&mut self) {
        if let Some(last) = self.series.last_mut() {
            self.second_pitches.sort_by(f32::total_cmp);
            last.pitch_hz = self.second_pitches.get(self.second_pitches.len() / 2).copied();
            self.second_pitches.clear();
        }
    }

    fn pace_percentiles(&mut self) -> Option<[f32; 3]> {
        if self.paces.is_empty() {
            return None;
        }
        self.paces.sort_by(f32::total_cmp);
        let pct = |q: f32| self.paces[((self.paces.len() - 1) as f32 * q).round() as usize];
        Some([pct(0.1), pct(0.5), pct(0.9)])
    }
}

/// frames.csv of the session in `dir`, row by row.
fn read_frames(dir: &Path) -> Result<Tally, StoreError> {
    let path = dir.join("frames.csv");
    let damaged = |reason: String| StoreError::Damaged { path: path.clone(), reason };
    // A regular file, not a link (the store's rule): a FIFO or /dev/zero would hang.
    let file = crate::platform::files::open_regular(&path, crate::platform::files::Links::Refuse)
        .map_err(|e| damaged(e.to_string()))?;
    let mut t = Tally::default();
    frames::read(std::io::BufReader::new(file), |line| match line {
        Line::Row(r) => t.add(&r),
        Line::BadTime => t.skipped_rows += 1,
        Line::Incomplete => {}
    })
    .map_err(|e| damaged(e.to_string()))?;
    t.close_second();
    Ok(t)
}

/// The report of the session in `dir` for the reader of the current locale, with the
/// default targets.
pub fn build(dir: &Path) -> Result<Report, StoreError> {
    build_for(dir, &ReportOptions::default())
}

/// The report of the session in `dir`, written for `options`.
pub fn build_for(dir: &Path, options: &ReportOptions) -> Result<Report, StoreError> {
    let meta: SessionMeta = load_meta(dir)?;
    let mut t = read_frames(dir)?;
    let previous = dir.parent().and_then(|root| compare::previous_call(root, &meta));
    let mut cue_counts = BTreeMap::new();
    for c in &meta.cues {
        *cue_counts.entry(format!("{:?}", c.cue)).or_insert(0) += 1;
    }
    let duration_s = meta
        .summary
        .as_ref()
        .map(|s| s.duration_s)
        .filter(|d| *d > 0.0)
        .or_else(|| Some(meta.ended_unix_s?.saturating_sub(meta.started_unix_s) as f64))
        .filter(|d| *d > 0.0)
        .unwrap_or(t.last_time_s);
    let pace_target = options.targets.pace(meta.lang).green;
    // The reference the volume gauge used during the call: the calibrated baseline, else
    // the default normal level. This call's own average, used before, is pulled up by its
    // loud stretch: the demo's loud part read "+4 dB vs this call's average" in the report
    // where the window had shown +10 to +12 dB, red, and the good part was drawn under
    // the green band (a newcomer's pass, stop 32). Without any speech there is nothing to
    // compare.
    let spoke = meta.summary.as_ref().is_some_and(|s| s.level_active_dbfs.is_some());
    let normal_level_dbfs =
        spoke.then(|| crate::coach::targets::normal_level_dbfs(options.baseline.as_ref()));
    let conversation = meta.conversation.as_deref().map(|figures| CallConversation {
        holds_over_limit: figures.holds.iter().filter(|h| h.duration_s >= HOLD_ALARM_S).count()
            as u32,
        figures: figures.clone(),
        events: meta.conversation_events.clone(),
        lanes: Lanes {
            agent: std::mem::take(&mut t.agent).finish(),
            caller: std::mem::take(&mut t.caller).finish(),
        },
    });
    let longest_monologue_s = t.longest as f32 * 0.01;
    let chosen = moments::choose(&moments::Inputs {
        seconds: &t.seconds,
        speech_lang: meta.lang,
        pace_green: pace_target,
        volume_green: options.targets.volume_relative_db.green,
        normal_level_dbfs,
        monologue: t.longest_start.map(|s| (s, longest_monologue_s)),
        events: &meta.conversation_events,
        duration_s,
    });
    let context = moments::Context {
        lang: options.lang,
        speech_lang: meta.lang,
        pace_green: pace_target,
        baseline: options.baseline.is_some(),
    };
    Ok(Report {
        title: when::title(options.lang, meta.started_unix_s, Some(duration_s)),
        local_start: when::local_start(meta.started_unix_s),
        kind: meta.kind,
        report_lang: options.lang,
        comparisons: compare::compare(&meta, previous.as_ref(), options.baseline.as_ref()),
        tips: moments::tips(&context, &chosen),
        moments: chosen,
        id: meta.id,
        started_unix_s: meta.started_unix_s,
        source: meta.source,
        lang: meta.lang,
        recording: meta.recording,
        summary: meta.summary,
        duration_s,
        pace_bands: share(t.pace),
        volume_bands: share(t.volume),
        tone_bands: share(t.tone),
        pace_percentiles: t.pace_percentiles(),
        pace_target,
        volume_excursions: t.excursions,
        longest_monologue_s,
        longest_monologue_start_s: t.longest_start,
        normal_level_dbfs,
        normal_is_baseline: options.baseline.is_some(),
        cue_counts,
        cues: meta.cues,
        skipped_rows: t.skipped_rows,
        conversation,
        series: t.series,
    })
}

/// The pace band the report's plots are drawn against: the session's language's, from
/// the targets the user coaches to.
pub fn pace_target(report: &Report, targets: &Targets) -> (f32, f32) {
    targets.pace(report.lang).green
}

/// Whether the moments can be replayed from the session's recording.
#[derive(Debug, Clone, PartialEq)]
pub enum Replays {
    NotRecorded,
    /// The device changed mid-session: the recording is in parts and cannot be lined up.
    InParts,
    /// The recording could not be read (the reason, in English, for logs).
    Unreadable(String),
    /// One `data:` URI per moment (`None` where the recording does not reach).
    Ready(Vec<Option<String>>),
}

/// The replays of a report's moments from `dir/audio.wav`.
pub fn replays(dir: &Path, report: &Report) -> Replays {
    let audio = dir.join("audio.wav");
    // The store's rule (issue 22 C4): a regular file, no link. A FIFO in its place would
    // block the page for ever, `/dev/zero` never end, a link lead out of the store.
    let regular =
        crate::platform::files::check_regular(&audio, crate::platform::files::Links::Refuse);
    if !report.recording || regular.is_err() {
        return Replays::NotRecorded;
    }
    let in_parts = std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("audio-part"))
    });
    if in_parts {
        return Replays::InParts;
    }
    let stretches: Vec<(f64, f64)> =
        report.moments.iter().map(|m| (m.start_s, m.length_s)).collect();
    match snippet::wav_snippets(&audio, &stretches) {
        Ok(wavs) => Replays::Ready(
            wavs.iter().map(|w| (!w.is_empty()).then(|| snippet::data_uri(w))).collect(),
        ),
        Err(e) => Replays::Unreadable(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session folder holding `rows` as frames.csv (the meta written as the store does).
    fn session(name: &str, rows: &[&str]) -> std::path::PathBuf {
        let dir =
            tempfile::Builder::new().prefix(&format!("speech-coach-report-{name}-")).tempdir();
        let dir = dir.unwrap().keep();
        let meta = r#"{"id": "1700000000", "started_unix_s": 1700000000, "ended_unix_s": null,
            "source": "test", "lang": "zh", "recording": false, "summary": null, "cues": []}"#;
        std::fs::write(dir.join("session.json"), meta).unwrap();
        let csv = format!("{}\n{}\n", frames::HEADER, rows.join("\n"));
        std::fs::write(dir.join("frames.csv"), csv).unwrap();
        dir
    }

    #[test]
    fn an_inf_row_in_frames_csv_never_reaches_a_figure_or_a_plot() {
        let dir = session(
            "inf",
            &[
                "0.00,200.00,-30.00,1,1,1,-28.00,150.00,5.00,G,G,G",
                "1.00,inf,-30.00,1,1,0,inf,inf,5.00,G,G,G",
                "inf,200.00,-30.00,1,1,0,-28.00,150.00,5.00,G,G,G",
                "2.00,NaN,-30.00,1,1,0,-1e39,NaN,5.00,G,G,G",
                "3.00,210.00,-30.00,1,1,0,-27.00,160.00,5.00,G,G,G",
            ],
        );
        let report = build(&dir).unwrap();
        assert_eq!(report.skipped_rows, 1);
        assert_eq!(report.series.len(), 4);
        let values = report.series.iter().flat_map(|p| [p.pace, p.level_dbfs, p.pitch_hz]);
        assert!(values.flatten().all(f32::is_finite), "{:?}", report.series);
        assert_eq!(report.pace_percentiles, Some([150.0, 160.0, 160.0]));
        let html = crate::report::html::render(&report, &Replays::NotRecorded);
        assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
    }

    /// 46.5 s of an agent talking in runs of 1.5 s with pauses of 1 s between them, nine
    /// syllables a run (216 a minute of turn time, 360 of talk), as the store writes it:
    /// with the turn column when `turn_column`, as older sessions without it. It ends on a
    /// run, so that no 20 s window ends on a pause the turn never took in.
    fn runs_with_pauses(turn_column: bool) -> Vec<String> {
        (0..4650)
            .map(|k| {
                let t = k as f64 * 0.01;
                let in_cycle = k % 250;
                let talking = in_cycle < 150;
                let syllable = talking && in_cycle % 17 == 8;
                let s = u8::from(talking);
                let row = format!(
                    "{t:.3},200.00,-30.00,{s},{s},{},-28.00,,5.00,,G,G,{s},0",
                    u8::from(syllable)
                );
                if !turn_column {
                    return row;
                }
                // A pause comes into the turn when the next run begins.
                let turn = match (talking, in_cycle == 0 && k > 0) {
                    (true, true) => 101,
                    (true, false) => 1,
                    (false, _) => 0,
                };
                format!("{row},{turn}")
            })
            .collect()
    }

    #[test]
    fn the_fastest_stretch_is_paced_on_the_headline_turn_time_not_on_talk() {
        let syllables_per_run = (0..150).filter(|c| c % 17 == 8).count() as f32;
        let on_turn_time = syllables_per_run / 2.5 * 60.0;
        let on_talk = syllables_per_run / 1.5 * 60.0;
        for (turn_column, expected) in [(true, on_turn_time), (false, on_talk)] {
            let all = runs_with_pauses(turn_column);
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let r = build(&session("fastest", &refs)).unwrap();
            let fastest = r.moments.iter().find(|m| m.kind == moments::MomentKind::FastestPace);
            let value = fastest.unwrap_or_else(|| panic!("{:?}", r.moments)).value;
            assert!(
                (value / expected - 1.0).abs() < 0.03,
                "turn column {turn_column}: {value} a minute, expected {expected}"
            );
        }
    }

    #[test]
    fn without_a_baseline_the_loudest_stretch_is_measured_as_the_gauge_measured_it() {
        // 30 s at the default normal level, then 25 s 10 dB louder: the window's gauge read
        // +10 dB (red). This call's average (about −19 dBFS), the reference before, made it
        // "+4 dB" and drew the good part under the green band.
        let normal = crate::coach::targets::DEFAULT_NORMAL_LEVEL_DBFS;
        let row = |k: usize, level: f32| {
            format!("{:.3},200.00,{level:.2},1,1,0,{level:.2},,5.00,,G,G,1,0,1", k as f64 / 100.0)
        };
        let mut all: Vec<String> = (0..3000).map(|k| row(k, normal)).collect();
        all.extend((3000..5500).map(|k| row(k, normal + 10.0)));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let dir = session("loudest", &refs);
        let meta = std::fs::read_to_string(dir.join("session.json")).unwrap();
        let summary = r#"{"duration_s": 55.0, "speech_s": 55.0, "voiced_s": 55.0, "syllables": 0,
            "syllables_per_min": null, "chars_per_min": null, "words_per_min": null,
            "level_active_dbfs": -19.0, "clipped_samples": 0, "pitch_median_hz": 200.0,
            "pitch_spread_st": 5.0, "pauses": 0, "longest_pause_s": 0.0, "frames": 5500}"#;
        let meta = meta.replace(r#""summary": null"#, &format!(r#""summary": {summary}"#));
        std::fs::write(dir.join("session.json"), meta).unwrap();
        let r = build(&dir).unwrap();
        assert_eq!(r.normal_level_dbfs, Some(normal));
        let loudest = r.moments.iter().find(|m| m.kind == moments::MomentKind::LoudestStretch);
        let value = loudest.unwrap_or_else(|| panic!("{:?}", r.moments)).value;
        assert!((value - 10.0).abs() < 0.1, "{value}");
    }

    #[test]
    fn a_damaged_turn_column_credits_no_hop_twice() {
        // Every row claims the most turn time a row can bring: each hop is still credited
        // once, and the work stays one step a hop.
        let mut t = Tally::default();
        for k in 0..3000 {
            let line = format!("{:.3},0,-30.00,0,1,0,,,,,G,G,1,0,1000", k as f64 / 100.0);
            let Line::Row(row) = frames::parse_line(&line) else { panic!("{line}") };
            t.add(&row);
        }
        let credited: u32 = t.seconds.iter().map(|s| s.pace_hops).sum();
        assert_eq!(credited, 3000);
        assert!(t.seconds.iter().all(|s| s.pace_hops <= 100), "{:?}", t.seconds);
    }

    /// `n` rows of 10 ms from `start`: speech or silence, volume band `volume`.
    fn rows(start: f64, n: usize, speech: bool, volume: &str, pace: f32) -> Vec<String> {
        (0..n)
            .map(|i| {
                let t = start + i as f64 * 0.01;
                let s = u8::from(speech);
                format!("{t:.3},200.00,-30.00,{s},{s},0,-28.00,{pace:.2},5.00,G,{volume},A")
            })
            .collect()
    }

    #[test]
    fn bands_monologues_and_volume_excursions_are_counted_from_the_rows() {
        // 3 s of speech (1.5 s of it loud), a 0.3 s breath, 2 s of speech, 1 s of silence.
        let mut all = rows(0.0, 150, true, "G", 140.0);
        all.extend(rows(1.5, 150, true, "R", 150.0));
        all.extend(rows(3.0, 30, false, "", 150.0));
        all.extend(rows(3.3, 200, true, "G", 160.0));
        all.extend(rows(5.3, 100, false, "", 160.0));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let r = build(&session("tally", &refs)).unwrap();
        assert!((r.volume_bands.red - 150.0 / 500.0).abs() < 1e-6, "{:?}", r.volume_bands);
        assert!((r.tone_bands.amber - 1.0).abs() < 1e-6);
        assert_eq!(r.volume_excursions, 1);
        // A 0.3 s breath does not end a monologue; it counts inside it.
        assert!((r.longest_monologue_s - 5.3).abs() < 0.011, "{}", r.longest_monologue_s);
        assert_eq!(r.pace_percentiles, Some([140.0, 150.0, 160.0]));
        assert_eq!(r.series.len(), 7);
        assert_eq!(r.lang, Lang::Zh);
    }

    #[test]
    fn the_plots_use_the_band_of_the_sessions_language_from_the_users_targets() {
        let mut report = build(&session("lang", &[])).unwrap();
        let targets = Targets::default();
        assert_eq!(pace_target(&report, &targets), targets.pace_zh_chars_per_min.green);
        report.lang = Lang::En;
        assert_eq!(pace_target(&report, &targets), targets.pace_en_words_per_min.green);
    }
}
