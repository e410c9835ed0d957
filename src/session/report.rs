//! A call report from a stored session: figures a person reads after the call.
//!
//! frames.csv is read defensively: a value that is not a finite number (`inf`, `NaN`, a
//! float beyond f32) counts as missing, and a row whose time is not one is skipped and
//! counted, so one bad row can never turn a percentile or a plot axis into NaN.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::store::{CueEvent, FRAMES_HEADER, SessionMeta, StoreError, load_meta};
use crate::analysis::Summary;

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

fn count_band(counts: &mut [u32; 3], code: &str) {
    match code {
        "G" => counts[0] += 1,
        "A" => counts[1] += 1,
        "R" => counts[2] += 1,
        _ => {}
    }
}

/// A frames.csv field as a finite number; anything else is missing.
fn finite(field: &str) -> Option<f32> {
    field.parse::<f32>().ok().filter(|v| v.is_finite())
}

pub fn build(dir: &Path) -> Result<Report, StoreError> {
    let meta: SessionMeta = load_meta(dir)?;
    let path = dir.join("frames.csv");
    let damaged = |reason: String| StoreError::Damaged { path: path.clone(), reason };
    let text = std::fs::read_to_string(&path).map_err(|e| damaged(e.to_string()))?;
    let mut lines = text.lines();
    if lines.next() != Some(FRAMES_HEADER) {
        return Err(damaged("unexpected header".into()));
    }
    let (mut pace, mut volume, mut tone) = ([0u32; 3], [0u32; 3], [0u32; 3]);
    let mut paces = Vec::new();
    let (mut red_run, mut excursions) = (0u32, 0u32);
    let (mut monologue, mut longest, mut gap) = (0u32, 0u32, 0u32);
    let mut series: Vec<SeriesPoint> = Vec::new();
    let mut second_pitches: Vec<f32> = Vec::new();
    let mut skipped_rows = 0u32;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        // A crash can cut the last line short; every complete line counts.
        if f.len() != 12 {
            continue;
        }
        let Some(t) = f[0].parse::<f64>().ok().filter(|t| t.is_finite()) else {
            skipped_rows += 1;
            continue;
        };
        if series.last().is_none_or(|p| t - p.time_s >= 1.0) {
            if let Some(last) = series.last_mut() {
                second_pitches.sort_by(f32::total_cmp);
                last.pitch_hz = second_pitches.get(second_pitches.len() / 2).copied();
                second_pitches.clear();
            }
            series.push(SeriesPoint {
                time_s: t,
                pace: finite(f[7]),
                level_dbfs: finite(f[6]),
                pitch_hz: None,
            });
        }
        if f[3] == "1"
            && let Some(hz) = finite(f[1])
        {
            second_pitches.push(hz);
        }
        let speech = f[4] == "1";
        if speech {
            count_band(&mut pace, f[9]);
            count_band(&mut volume, f[10]);
            count_band(&mut tone, f[11]);
            if let Some(p) = finite(f[7]) {
                paces.push(p);
            }
            monologue += gap + 1;
            gap = 0;
        } else {
            gap += 1;
            if gap >= 50 {
                monologue = 0;
            }
        }
        longest = longest.max(monologue);
        if f[10] == "R" {
            red_run += 1;
            if red_run == 100 {
                excursions += 1;
            }
        } else {
            red_run = 0;
        }
    }
    if let Some(last) = series.last_mut() {
        second_pitches.sort_by(f32::total_cmp);
        last.pitch_hz = second_pitches.get(second_pitches.len() / 2).copied();
    }
    paces.sort_by(f32::total_cmp);
    let pct = |q: f32| paces[((paces.len() - 1) as f32 * q).round() as usize];
    let mut cue_counts = BTreeMap::new();
    for c in &meta.cues {
        *cue_counts.entry(format!("{:?}", c.cue)).or_insert(0) += 1;
    }
    Ok(Report {
        id: meta.id,
        started_unix_s: meta.started_unix_s,
        source: meta.source,
        recording: meta.recording,
        summary: meta.summary,
        pace_bands: share(pace),
        volume_bands: share(volume),
        tone_bands: share(tone),
        pace_percentiles: (!paces.is_empty()).then(|| [pct(0.1), pct(0.5), pct(0.9)]),
        volume_excursions: excursions,
        longest_monologue_s: longest as f32 * 0.01,
        cue_counts,
        cues: meta.cues,
        skipped_rows,
        series,
    })
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
        let csv = format!("{FRAMES_HEADER}\n{}\n", rows.join("\n"));
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
}
