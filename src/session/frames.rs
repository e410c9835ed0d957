//! A session's `frames.csv`, writer and reader in one place: one row per 10 ms hop with
//! the analyser's values and the gauge bands the agent saw.
//!
//! Read defensively: a value that is not a finite number (`inf`, `NaN`, a float beyond
//! f32) or lies outside its physical range ([`super::ranges`]) counts as missing, a row
//! whose time is not a time in a session is skipped, and a row cut short by a crash is
//! ignored, so one bad row can never turn a percentile or a plot into NaN, nor size a plot
//! by a time of 1e15 s. The file is read line by line ([`read`]): a byte that is not
//! UTF-8 costs its row, not the report, and a line longer than any row is skipped without
//! being held.

use std::io::{BufRead, Write};

use std::ops::RangeInclusive;

use super::ranges;
use crate::analysis::Frame;
use crate::coach::{Band, CoachState};

pub const HEADER: &str = "time_s,f0_hz,level_dbfs,voiced,speech,syllable,active_level_dbfs,pace,pitch_spread_st,pace_band,volume_band,tone_band,agent_talk,caller_talk,turn_hops";
const FIELDS: usize = 15;
/// Rows written before the turn column existed.
const TALK_FIELDS: usize = 14;
/// Rows written before the two talk columns existed.
const OLD_FIELDS: usize = 12;

/// Whether `line` is a frames.csv header this version reads: the current one, or one of
/// the two before it (without the turn column; without the talk columns either).
pub fn is_header(line: &str) -> bool {
    let talk = HEADER.strip_suffix(",turn_hops");
    line == HEADER
        || talk == Some(line)
        || talk.and_then(|h| h.strip_suffix(",agent_talk,caller_talk")) == Some(line)
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
        "{:.3},{:.2},{:.2},{},{},{},{},{},{},{},{},{},{},{},{}",
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
        f.turn_hops,
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
    /// Hops that became the agent's turn time at this hop ([`Frame::turn_hops`]; absent in
    /// sessions written before the turn column).
    pub turn_hops: Option<u32>,
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

/// A frames.csv field as a number within `range`; anything else is missing.
fn number(field: &str, range: &RangeInclusive<f32>) -> Option<f32> {
    field.parse::<f32>().ok().and_then(|v| ranges::within(v, range))
}

pub fn parse_line(line: &str) -> Line {
    let f: Vec<&str> = line.split(',').collect();
    if ![FIELDS, TALK_FIELDS, OLD_FIELDS].contains(&f.len()) {
        return Line::Incomplete;
    }
    let flag = |i: usize| match f.get(i).copied() {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    };
    let Some(time_s) = f[0].parse::<f64>().ok().and_then(|t| ranges::within(t, &ranges::SESSION_S))
    else {
        return Line::BadTime;
    };
    Line::Row(Row {
        time_s,
        f0_hz: number(f[1], &ranges::PITCH_HZ).filter(|_| f[3] == "1"),
        speech: f[4] == "1",
        syllable: f[5] == "1",
        active_level_dbfs: number(f[6], &ranges::LEVEL_DBFS),
        pace: number(f[7], &ranges::PACE_PER_MIN),
        pace_band: band(f[9]),
        volume_band: band(f[10]),
        tone_band: band(f[11]),
        agent_talk: flag(12),
        caller_talk: flag(13),
        turn_hops: f.get(14).and_then(|v| v.parse::<u32>().ok()).filter(|&n| n <= TURN_HOPS_MAX),
    })
}

/// The most turn hops one row can add: a pause inside a turn comes in one go, and a turn
/// ends after 2 s of silence (plus the VAD's hangover and the nucleus's confirmation), so
/// anything over 10 s is no row of ours.
const TURN_HOPS_MAX: u32 = 1000;

/// The longest line read: a row is under 110 bytes (15 fields, the widest a time of
/// seven digits and three decimals); anything longer is no row and is skipped unread.
pub const LINE_BYTES_MAX: usize = 1024;

/// Why a frames.csv could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("unexpected header")]
    Header,
}

/// Reads a frames.csv from `input`: checks its header, then hands every other line's
/// reading to `each`, in order. Memory stays at one buffer of [`LINE_BYTES_MAX`] whatever
/// the file holds (a 50 MB line of commas is skipped as [`Line::Incomplete`]), and a line
/// that is not UTF-8 is read lossily (its damaged field is missing, or its row skipped).
pub fn read(input: impl BufRead, mut each: impl FnMut(Line)) -> Result<(), ReadError> {
    let mut lines = BoundedLines { input, buf: Vec::with_capacity(128) };
    match lines.next()? {
        Some(Some(header)) if is_header(&header) => {}
        _ => return Err(ReadError::Header),
    }
    while let Some(line) = lines.next()? {
        each(line.as_deref().map_or(Line::Incomplete, parse_line));
    }
    Ok(())
}

/// Lines of at most [`LINE_BYTES_MAX`] bytes, without their end (`\n` or `\r\n`).
struct BoundedLines<R> {
    input: R,
    buf: Vec<u8>,
}

impl<R: BufRead> BoundedLines<R> {
    /// The next line, `Some(None)` when it was too long, `None` at the end.
    fn next(&mut self) -> std::io::Result<Option<Option<String>>> {
        self.buf.clear();
        let (mut any, mut too_long) = (false, false);
        loop {
            let available = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let newline = available.iter().position(|&b| b == b'\n');
            let part = &available[..newline.unwrap_or(available.len())];
            if !too_long && self.buf.len() + part.len() <= LINE_BYTES_MAX {
                self.buf.extend_from_slice(part);
            } else {
                too_long = true;
                self.buf.clear();
            }
            let used = newline.map_or(available.len(), |n| n + 1);
            self.input.consume(used);
            if newline.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if too_long {
            return Ok(Some(None));
        }
        let line = String::from_utf8_lossy(&self.buf);
        Ok(Some(Some(line.strip_suffix('\r').unwrap_or(&line).to_string())))
    }
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
            turn_hops: 37,
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
        assert_eq!(row.turn_hops, Some(37));
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
        assert_eq!((old.agent_talk, old.caller_talk, old.turn_hops), (None, None, None));
        let Line::Row(no_caller) = parse_line("2.00,0,-30.00,0,1,0,,,,G,G,G,1,") else { panic!() };
        assert_eq!((no_caller.agent_talk, no_caller.caller_talk), (Some(true), None));
        // A row from before the turn column reads without it; a turn count no row of ours
        // could hold is missing.
        assert_eq!(no_caller.turn_hops, None);
        for (field, hops) in [("1", Some(1)), ("220", Some(220)), ("1e9", None), ("-1", None)] {
            let Line::Row(r) = parse_line(&format!("2.00,0,-30.00,0,1,0,,,,G,G,G,1,,{field}"))
            else {
                panic!("{field}")
            };
            assert_eq!(r.turn_hops, hops, "{field}");
        }
        for header in [
            HEADER,
            "time_s,f0_hz,level_dbfs,voiced,speech,syllable,active_level_dbfs,pace,pitch_spread_st,pace_band,volume_band,tone_band,agent_talk,caller_talk",
            "time_s,f0_hz,level_dbfs,voiced,speech,syllable,active_level_dbfs,pace,pitch_spread_st,pace_band,volume_band,tone_band",
        ] {
            assert!(is_header(header), "{header}");
        }
        assert!(!is_header(
            "time_s,f0_hz,level_dbfs,voiced,speech,syllable,active_level_dbfs,pace,pitch_spread_st,pace_band,volume_band,tone_band,turn_hops"
        ));
    }

    #[test]
    fn times_and_values_outside_a_session_read_as_skipped_rows_and_missing_values() {
        // Issue 22 C2 and W4: a time of 1e15 s sized a plot's axis; 3e38 dB reached reports.
        for time in ["1e15", "1e300", "1e9", "-0.01", "604800.01"] {
            let line = format!("{time},200.00,-30.00,1,1,0,-28.00,150.00,5.00,G,G,G");
            assert_eq!(parse_line(&line), Line::BadTime, "{time}");
        }
        let Line::Row(row) = parse_line("604800,3e38,-30.00,1,1,0,3e38,-1e20,5.00,G,G,G") else {
            panic!()
        };
        assert_eq!(
            (row.time_s, row.f0_hz, row.active_level_dbfs, row.pace),
            (604800.0, None, None, None)
        );
        let Line::Row(row) = parse_line("1.00,5,-30.00,1,1,0,-250,2500,5.00,G,G,G") else {
            panic!()
        };
        assert_eq!((row.f0_hz, row.active_level_dbfs, row.pace), (None, None, None));
    }

    /// All lines of `bytes` read as a frames.csv (after the header).
    fn read_all(bytes: &[u8]) -> Result<Vec<Line>, ReadError> {
        let mut lines = Vec::new();
        read(std::io::BufReader::with_capacity(64, bytes), |l| lines.push(l))?;
        Ok(lines)
    }

    const ROW: &str = "1.00,200.00,-30.00,1,1,0,-28.00,150.00,5.00,G,G,G";

    #[test]
    fn a_byte_that_is_not_utf8_costs_its_row_not_the_file() {
        // Issue 22 W5: one invalid byte made the whole report unavailable.
        let mut bytes = format!("{HEADER}\r\n{ROW}\n").into_bytes();
        bytes.extend_from_slice(b"2.00,200.00,-30.00,1,1,0,-28.\xff0,150.00,5.00,G,G,G\n");
        bytes.extend_from_slice(b"\xfe3.00,200.00,-30.00,1,1,0,-28.00,150.00,5.00,G,G,G\n");
        bytes.extend_from_slice(ROW.as_bytes());
        let lines = read_all(&bytes).unwrap();
        assert_eq!(lines.len(), 4);
        let Line::Row(damaged) = lines[1] else { panic!("{lines:?}") };
        assert_eq!(
            (damaged.time_s, damaged.active_level_dbfs, damaged.pace),
            (2.0, None, Some(150.0))
        );
        assert_eq!(lines[2], Line::BadTime);
        assert!(matches!(lines[3], Line::Row(_)), "a last line without its end still reads");
        assert!(matches!(read_all(b"\xff\n1,2\n"), Err(ReadError::Header)));
        assert!(matches!(read_all(b""), Err(ReadError::Header)));
    }

    #[test]
    fn a_line_longer_than_any_row_is_skipped_without_being_held() {
        // Issue 22 W7: a 50 MB line of commas took 858 MB. The reader never holds more
        // than LINE_BYTES_MAX of it, whatever its length (checked here on 5 MB).
        let mut bytes = format!("{HEADER}\n{ROW}\n").into_bytes();
        bytes.extend(std::iter::repeat_n(b',', 5 << 20));
        bytes.extend_from_slice(format!("\n{ROW}\n").as_bytes());
        bytes.extend(std::iter::repeat_n(b'9', LINE_BYTES_MAX + 1));
        let lines = read_all(&bytes).unwrap();
        assert_eq!(lines.len(), 4, "{:?}", &lines);
        assert!(matches!((lines[0], lines[2]), (Line::Row(_), Line::Row(_))));
        assert_eq!((lines[1], lines[3]), (Line::Incomplete, Line::Incomplete));
        let mut reader =
            BoundedLines { input: std::io::BufReader::new(&bytes[..]), buf: Vec::new() };
        while reader.next().unwrap().is_some() {
            assert!(
                reader.buf.capacity() <= 2 * LINE_BYTES_MAX + 8192,
                "{}",
                reader.buf.capacity()
            );
        }
    }
}
