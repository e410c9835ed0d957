//! What a stored number may be: the physical range of each figure a session holds, and
//! the check every number read back from `session.json` or `frames.csv` goes through.
//!
//! The files are plain text that anything can change (a bit flip, a hand edit, another
//! program): a finite number far outside what a voice or a call can measure (a level of
//! +3e38 dBFS, a call time of 1e15 s) would otherwise reach a report, a plot's axis or the
//! team's figures. A value outside its range is taken as missing where it enters, the
//! same as a value that is not a number at all: an optional figure becomes `None`, a
//! length becomes 0 (which every reader already takes as "not known"), and a timed event
//! outside the call is left out.

use std::ops::RangeInclusive;

use super::meta::SessionMeta;

/// The longest a stored session can run: a week. A call is minutes long; a session left
/// running over a weekend is still under this, and any time beyond it is a damaged number
/// (plots and per-second tallies are sized by time, so the bound also bounds them).
pub const SESSION_S_MAX: f64 = 7.0 * 86_400.0;
/// Time in a session, and any length inside one.
pub const SESSION_S: RangeInclusive<f64> = 0.0..=SESSION_S_MAX;
/// A speech level: digital silence is below −200 dBFS by any measure in use, and nothing
/// is louder than full scale (+3.01 dBFS for a full-scale square wave under AES17's
/// sine-referenced convention, 0 dBFS by RMS).
pub const LEVEL_DBFS: RangeInclusive<f32> = -200.0..=3.02;
/// A level relative to another (a caller's peak above their baseline): the span of
/// [`LEVEL_DBFS`] either way.
pub const RELATIVE_DB: RangeInclusive<f32> = -204.0..=204.0;
/// A voice's pitch: below 20 Hz is not heard as pitch, and no speaking voice reaches
/// 2 kHz (the analyser's pitch search is 60–500 Hz by default).
pub const PITCH_HZ: RangeInclusive<f32> = 20.0..=2000.0;
/// A pitch spread or a pitch change in semitones: four octaves either way is beyond any
/// voice.
pub const SEMITONES: RangeInclusive<f32> = -48.0..=48.0;
/// Pace in any unit (syllables, characters or words a minute): fast speech is about 7
/// syllables a second (420 a minute); 2 000 leaves room for a short burst counted fast.
pub const PACE_PER_MIN: RangeInclusive<f32> = 0.0..=2000.0;
/// A share of talk time.
pub const SHARE: RangeInclusive<f32> = 0.0..=1.0;
/// A pace calibration's factor: calibration bounds it to 0.85–1.15; twice that either
/// way is no calibration this program wrote.
pub const PACE_FACTOR: RangeInclusive<f32> = 0.5..=2.0;

/// `value` when it lies in `range` (NaN and ±∞ never do).
pub fn within<T: PartialOrd + Copy>(value: T, range: &RangeInclusive<T>) -> Option<T> {
    range.contains(&value).then_some(value)
}

fn opt(value: &mut Option<f32>, range: &RangeInclusive<f32>) {
    *value = value.and_then(|v| within(v, range));
}

fn length(value: &mut f64) {
    if !SESSION_S.contains(value) {
        *value = 0.0;
    }
}

fn length32(value: &mut f32) {
    if !SESSION_S.contains(&f64::from(*value)) {
        *value = 0.0;
    }
}

fn in_session(time_s: f64) -> bool {
    SESSION_S.contains(&time_s)
}

/// `meta` with every figure outside its range taken as missing (see the module docs).
pub fn check_meta(mut meta: SessionMeta) -> SessionMeta {
    let longest = meta.started_unix_s.saturating_add(SESSION_S_MAX as u64);
    meta.ended_unix_s = meta.ended_unix_s.filter(|e| (meta.started_unix_s..=longest).contains(e));
    meta.cues.retain(|c| in_session(c.time_s));
    meta.conversation_events
        .retain(|e| in_session(e.time_s) && SESSION_S.contains(&f64::from(e.duration_s)));
    if let Some(s) = meta.summary.as_mut() {
        for t in [
            &mut s.duration_s,
            &mut s.speech_s,
            &mut s.turn_s,
            &mut s.voiced_s,
            &mut s.articulation_s,
        ] {
            length(t);
        }
        length32(&mut s.longest_pause_s);
        for pace in [
            &mut s.syllables_per_min,
            &mut s.articulation_rate,
            &mut s.chars_per_min,
            &mut s.words_per_min,
        ] {
            opt(pace, &PACE_PER_MIN);
        }
        opt(&mut s.pace_factor, &PACE_FACTOR);
        if s.pace_factor.is_none() {
            s.syllables_counted = None;
        }
        opt(&mut s.level_active_dbfs, &LEVEL_DBFS);
        opt(&mut s.pitch_median_hz, &PITCH_HZ);
        opt(&mut s.pitch_spread_st, &SEMITONES);
        s.pitch_spread_st = s.pitch_spread_st.filter(|st| *st >= 0.0);
    }
    if let Some(c) = meta.conversation.as_deref_mut() {
        for t in [&mut c.duration_s, &mut c.agent_talk_s, &mut c.caller_talk_s, &mut c.overlap_s] {
            length(t);
        }
        for t in
            [&mut c.longest_dead_air_s, &mut c.longest_hold_s, &mut c.longest_agent_monologue_s]
        {
            length32(t);
        }
        opt(&mut c.agent_talk_share, &SHARE);
        c.response_gap_median_s =
            c.response_gap_median_s.filter(|g| SESSION_S.contains(&f64::from(*g)));
        c.holds.retain(|h| in_session(h.start_s) && SESSION_S.contains(&f64::from(h.duration_s)));
        if let Some(a) = c.caller_arousal.as_mut() {
            opt(&mut a.baseline_pitch_hz, &PITCH_HZ);
            opt(&mut a.peak_pitch_st, &SEMITONES);
            opt(&mut a.peak_level_db, &RELATIVE_DB);
            length32(&mut a.aroused_s);
        }
        // A baseline level out of range leaves the peaks above it meaningless.
        if c.caller_arousal.as_ref().is_some_and(|a| !LEVEL_DBFS.contains(&a.baseline_level_dbfs)) {
            c.caller_arousal = None;
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(json: serde_json::Value) -> SessionMeta {
        let mut base = serde_json::json!({
            "id": "1764000000", "started_unix_s": 1_764_000_000u64, "ended_unix_s": null,
            "source": "mic", "lang": "zh", "recording": false, "summary": null, "cues": []
        });
        base.as_object_mut().unwrap().extend(json.as_object().unwrap().clone());
        check_meta(serde_json::from_value(base).unwrap())
    }

    fn summary(fields: serde_json::Value) -> serde_json::Value {
        let mut s = serde_json::to_value(crate::analysis::Summary::empty()).unwrap();
        s.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
        s
    }

    #[test]
    fn huge_finite_figures_in_a_summary_read_as_missing_and_sound_ones_are_kept() {
        let m = meta(serde_json::json!({"summary": summary(serde_json::json!({
            "duration_s": 1e15, "speech_s": 120.0, "level_active_dbfs": 3e38,
            "pitch_median_hz": 1e30, "pitch_spread_st": 6.5, "syllables_per_min": -1e20,
            "longest_pause_s": 3e38,
        }))}));
        let s = m.summary.unwrap();
        assert_eq!((s.duration_s, s.speech_s, s.longest_pause_s), (0.0, 120.0, 0.0));
        assert_eq!((s.level_active_dbfs, s.pitch_median_hz), (None, None));
        assert_eq!((s.pitch_spread_st, s.syllables_per_min), (Some(6.5), None));
    }

    #[test]
    fn an_f32_figure_beyond_f32_which_reads_as_infinity_is_missing() {
        // serde_json reads 1e39 into an f32 as +inf.
        let m = meta(serde_json::json!({"summary": summary(serde_json::json!({
            "level_active_dbfs": 1e39, "pitch_spread_st": -1e39}))}));
        let s = m.summary.unwrap();
        assert_eq!((s.level_active_dbfs, s.pitch_spread_st), (None, None));
    }

    #[test]
    fn cues_events_and_an_end_outside_the_session_are_left_out() {
        let m = meta(serde_json::json!({
            "ended_unix_s": 100_000_000_000_000u64,
            "cues": [{"time_s": 1e15, "cue": "Clipping"}, {"time_s": 5.0, "cue": "Clipping"}],
            "conversation_events": [
                {"time_s": 1e300, "kind": "agent_interruption", "duration_s": 1.0},
                {"time_s": 3.0, "kind": "agent_interruption", "duration_s": 3e38},
                {"time_s": 4.0, "kind": "agent_interruption", "duration_s": 1.0}
            ]
        }));
        assert_eq!(m.ended_unix_s, None);
        assert_eq!(m.cues.len(), 1);
        assert_eq!(m.conversation_events.len(), 1);
        assert_eq!(m.conversation_events[0].time_s, 4.0);
    }
}
