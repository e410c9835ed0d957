//! A session's `frames.csv`, writer and reader in one place: one row per 10 ms hop with
//! the analyser's values and the gauge bands the agent saw.
//!
//! Read defensively: a value that is not a finite number (`inf`, `NaN`, a float beyond
//! f32) counts as missing, a row whose time is not one is skipped, and a row cut short
//! by a crash is ignored, so one bad row can never turn a percentile or a plot into NaN.

use std::io::Write;

use crate::analysis::Frame;
use crate::coach::{Band, CoachState};

pub const HEADER: &str = "time_s,f0_hz,level_dbfs,voiced,speech,syllable,active_level_dbfs,pace,pitch_spread_st,pace_band,volume_band,tone_band,agent_talk,caller_talk";
const FIELDS: usize = 14;
/// Rows written before the two talk columns existed.
const OLD_FIELDS: usize = 12;

/// Whether `line` is a frames.csv header this version reads: the current one, or the one
/// before the talk columns.
pub fn is_header(line: &str) -> bool {
    line == HEADER || HEADER.strip_suffix(",agent_talk,caller_talk") == Some(line)
}

/// Who talked at a hop, as the conversation counts it (bleed-aware, bridged): the two
/// lanes of a call's timeline. `caller` is `None` when the caller was not heard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Talk {
    pub agent: bool,
    pub caller: Option<bool>,
}

fn band_code(b: Option<Band>) -> &'static str {
    match b {
        Some(Band::Green) => "G",
        Some(Band::Amber) => "A",
        Some(Band::Red) => "R",
        None => "",
    }
}

fn band(code: &str) -> Option<Band> {
    match code {
        "G" => Some(Band::Green),
        "A" => Some(Band::Amber),
        "R" => Some(Band::Red),
        _ => None,
    }
}

/// An optional value as written: two decimals, empty when missing or not finite.
struct Opt(Option<f32>);

impl std::fmt::Display for Opt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.filter(|v| v.is_finite()) {
            Some(v) => write!(f, "{v:.2}"),
            None => Ok(()),
        }
    }
}

/// Writes one hop's row.
pub fn write_row(
    out: &mut impl Write,
    f: &Frame,
    c: &CoachState,
    talk: Talk,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:.3},{:.2},{:.2},{},{},{},{},{},{},{},{},{},{},{}",
        f.time_s,
        f.f0_hz,
        f.level_dbfs,
        u8::from(f.voiced()),
        u8::from(f.speech),
        u8::from(f.syllable),
        Opt(f.active_level_dbfs),
        Opt(c.pace.value),
        Opt(f.pitch_spread_st),
        band_code(c.pace.band),
        band_code(c.volume.band),
        band_code(c.tone.band),
        u8::from(talk.agent),
        talk.caller.map_or("", |t| if t { "1" } else { "0" }),
    )
}

/// One row read back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub time_s: f64,
    /// Pitch of this hop when voiced.
    pub f0_hz: Option<f32>,
    pub speech: bool,
    /// A syllable nucleus was found at this hop: what a stretch's pace is counted from.
    pub syllable: bool,
    pub active_level_dbfs: Option<f32>,
    /// The pace the gauge showed.
    pub pace: Option<f32>,
    pub pace_band: Option<Band>,
    pub volume_band: Option<Band>,
    pub tone_band: Option<Band>,
    /// Who talked (absent in sessions written before the talk columns).
    pub agent_talk: Option<bool>,
    /// Absent also when the caller was not heard.
    pub caller_talk: Option<bool>,
}

/// What reading one line gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Line {
    Row(Row),
    /// The row's time is not a finite number: left out, and counted.
    BadTime,
    /// Not a complete row (a crash can cut the last line short): ignored.
    Incomplete,
}

/// A frames.csv field as a finite number; anything else is missing.
fn finite(field: &str) -> Option<f32> {
    field.parse::<f32>().ok().filter(|v| v.is_finite())
}

pub fn parse_line(line: &str) -> Line {
    let f: Vec<&str> = line.split(',').collect();
    if f.len() != FIELDS && f.len() != OLD_FIELDS {
        return Line::Incomplete;
    }
    let flag = |i: usize| match f.get(i).copied() {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    };
    let Some(time_s) = f[0].parse::<f64>().ok().filter(|t| t.is_finite()) else {
        return Line::BadTime;
    };
    Line::Row(Row {
        time_s,
        f0_hz: finite(f[1]).filter(|_| f[3] == "1"),
        speech: f[4] == "1",
        syllable: f[5] == "1",
        active_level_dbfs: finite(f[6]),
        pace: finite(f[7]),
        pace_band: band(f[9]),
        volume_band: band(f[10]),
        tone_band: band(f[11]),
        agent_talk: flag(12),
        caller_talk: flag(13),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::Reading;

    #[test]
    fn a_written_row_reads_back_with_its_values_and_bands() {
        let f = Frame {
            time_s: 1.25,
            f0_hz: 180.0,
            speech: true,
            active_level_dbfs: Some(-27.5),
            ..Frame::default()
        };
        let mut c = CoachState::default();
        c.pace = Reading { value: Some(152.0), band: Some(Band::Green), ..c.pace };
        c.volume.band = Some(Band::Red);
        let mut out = Vec::new();
        write_row(&mut out, &f, &c, Talk { agent: true, caller: Some(false) }).unwrap();
        let line = String::from_utf8(out).unwrap();
        let Line::Row(row) = parse_line(line.trim_end()) else { panic!("{line}") };
        assert_eq!(row.time_s, 1.25);
        assert_eq!(row.f0_hz, Some(180.0));
        assert!(row.speech);
        assert_eq!(row.active_level_dbfs, Some(-27.5));
        assert_eq!(row.pace, Some(152.0));
        assert_eq!(
            (row.pace_band, row.volume_band, row.tone_band),
            (Some(Band::Green), Some(Band::Red), None)
        );
        assert_eq!((row.agent_talk, row.caller_talk), (Some(true), Some(false)));
        assert_eq!(line.split(',').count(), HEADER.split(',').count());
    }

    #[test]
    fn non_finite_values_are_written_empty_and_read_as_missing() {
        let f = Frame { active_level_dbfs: Some(f32::INFINITY), ..Frame::default() };
        let mut out = Vec::new();
        write_row(&mut out, &f, &CoachState::default(), Talk::default()).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(!line.contains("inf"), "{line}");
        let Line::Row(row) = parse_line("2.00,NaN,-30.00,1,1,0,-1e39,inf,5.00,G,G,G") else {
            panic!()
        };
        assert_eq!((row.f0_hz, row.active_level_dbfs, row.pace), (None, None, None));
        assert_eq!(parse_line("inf,1,1,1,1,1,1,1,1,G,G,G"), Line::BadTime);
        assert_eq!(parse_line("3.00,210.0"), Line::Incomplete);
        // A row from before the talk columns still reads, without them.
        let Line::Row(old) = parse_line("2.00,0,-30.00,0,1,0,,,,G,G,G") else { panic!() };
        assert_eq!((old.agent_talk, old.caller_talk), (None, None));
        let Line::Row(no_caller) = parse_line("2.00,0,-30.00,0,1,0,,,,G,G,G,1,") else { panic!() };
        assert_eq!((no_caller.agent_talk, no_caller.caller_talk), (Some(true), None));
    }
}
