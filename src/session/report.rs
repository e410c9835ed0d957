//! A call report from a stored session: figures a person reads after the call.
//!
//! frames.csv is read through [`super::frames`], which never lets a non-finite value
//! through, so one bad row can never turn a percentile or a plot axis into NaN.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::frames::{self, Line, Row};
use super::store::{CueEvent, SessionMeta, StoreError, load_meta};
use crate::analysis::{Lang, Summary};
use crate::coach::{Band, Targets};

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
    pub source: String,
    /// The session's speech language: which pace unit and target band apply.
    pub lang: Lang,
    pub recording: bool,
    /// The analyser's own summary of the whole session (same fields as `analyze`).
    pub summary: Option<Summary>,
    /// Share of talk time (speech frames) with each gauge in each band.
    pub pace_bands: BandShare,
    pub volume_bands: BandShare,
    pub tone_bands: BandShare,
    /// Pace shown during talk time: 10th, 50th and 90th percentile.
    pub pace_percentiles: Option<[f32; 3]>,
    /// Stretches of at least one second with the volume gauge in red.
    pub volume_excursions: u32,
    /// Longest stretch of speech without a pause of 0.5 s or more.
    pub longest_monologue_s: f32,
    pub cue_counts: BTreeMap<String, u32>,
    pub cues: Vec<CueEvent>,
    /// frames.csv rows left out because their time was not a finite number.
    pub skipped_rows: u32,
    /// Per-second series for plots: (time, pace, active level, median pitch of voiced hops).
    #[serde(skip)]
    pub series: Vec<SeriesPoint>,
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
    longest: u32,
    gap: u32,
    series: Vec<SeriesPoint>,
    second_pitches: Vec<f32>,
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
        if r.speech {
            count_band(&mut self.pace, r.pace_band);
            count_band(&mut self.volume, r.volume_band);
            count_band(&mut self.tone, r.tone_band);
            self.paces.extend(r.pace);
            self.monologue += self.gap + 1;
            self.gap = 0;
        } else {
            self.gap += 1;
            if self.gap >= MONOLOGUE_BREAK_HOPS {
                self.monologue = 0;
            }
        }
        self.longest = self.longest.max(self.monologue);
        if r.volume_band == Some(Band::Red) {
            self.red_run += 1;
            if self.red_run == EXCURSION_HOPS {
                self.excursions += 1;
            }
        } else {
            self.red_run = 0;
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

pub fn build(dir: &Path) -> Result<Report, StoreError> {
    let meta: SessionMeta = load_meta(dir)?;
    let path = dir.join("frames.csv");
    let damaged = |reason: String| StoreError::Damaged { path: path.clone(), reason };
    let text = std::fs::read_to_string(&path).map_err(|e| damaged(e.to_string()))?;
    let mut lines = text.lines();
    if !lines.next().is_some_and(frames::is_header) {
        return Err(damaged("unexpected header".into()));
    }
    let mut t = Tally::default();
    for line in lines {
        match frames::parse_line(line) {
            Line::Row(r) => t.add(&r),
            Line::BadTime => t.skipped_rows += 1,
            Line::Incomplete => {}
        }
    }
    t.close_second();
    let mut cue_counts = BTreeMap::new();
    for c in &meta.cues {
        *cue_counts.entry(format!("{:?}", c.cue)).or_insert(0) += 1;
    }
    Ok(Report {
        id: meta.id,
        started_unix_s: meta.started_unix_s,
        source: meta.source,
        lang: meta.lang,
        recording: meta.recording,
        summary: meta.summary,
        pace_bands: share(t.pace),
        volume_bands: share(t.volume),
        tone_bands: share(t.tone),
        pace_percentiles: t.pace_percentiles(),
        volume_excursions: t.excursions,
        longest_monologue_s: t.longest as f32 * 0.01,
        cue_counts,
        cues: meta.cues,
        skipped_rows: t.skipped_rows,
        series: t.series,
    })
}

/// The pace band the report's plots are drawn against: the session's language's, from
/// the targets the user coaches to.
pub fn pace_target(report: &Report, targets: &Targets) -> (f32, f32) {
    match report.lang {
        Lang::Zh => targets.pace_zh_chars_per_min.green,
        Lang::En => targets.pace_en_words_per_min.green,
    }
}

/// The report of the session in `dir`, with its page written beside it as `report.html`
/// (private to the user, like the session): what the window's Report button opens.
pub fn write_beside(
    dir: &Path,
    targets: &Targets,
) -> Result<(Report, std::path::PathBuf), StoreError> {
    let (report, page) = build_with_html(dir, targets)?;
    let path = dir.join("report.html");
    crate::platform::private::replace_file(&path, page.as_bytes(), false)
        .map_err(|source| StoreError::Io { path: path.clone(), source })?;
    Ok((report, path))
}

/// A session's report and its page: what both the window's Report button and
/// `speech-coach report --html` show, from the same targets and the session's language.
pub fn build_with_html(dir: &Path, targets: &Targets) -> Result<(Report, String), StoreError> {
    let report = build(dir)?;
    let page = super::html::render(&report, pace_target(&report, targets));
    Ok((report, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session folder holding `rows` as frames.csv (the meta written as the store does).
    fn session(name: &str, rows: &[&str]) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("speech-coach-report-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
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
        let html = super::super::html::render(&report, (130.0, 170.0));
        assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
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
