//! One call's row in the team database, built from its `session.json`: the report's
//! figures, the conversation measures and the cue counts. Nothing else leaves the PC — no
//! audio, no per-hop frames, no words.
//!
//! Two figures are put against the agent's own calibration here, because only this PC
//! knows it: the level relative to their normal (what the volume gauge shows) and the
//! flat-voice floor their tone gauge used.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::analysis::Lang;
use crate::coach::Baseline;
use crate::coach::targets::{flat_spread_floor, normal_level_dbfs};
use crate::conversation::HOLD_ALARM_S;
use crate::session::ranges;
use crate::session::store::SessionMeta;

/// A call as the team database stores it (one row of `speech_coach.summaries`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallSummary {
    pub uuid: uuid::Uuid,
    pub team: String,
    pub agent: String,
    pub session_id: String,
    pub started_unix_s: i64,
    pub ended_unix_s: Option<i64>,
    /// The local date of the call's shift, `YYYY-MM-DD`.
    pub day: String,
    pub lang: Lang,
    pub duration_s: f32,
    pub speech_s: f32,
    pub turn_s: f32,
    pub pace_per_min: Option<f32>,
    /// The level against the agent's normal only: the absolute level is not sent, since
    /// with both the calibrated baseline would be their difference (issue 22, S7).
    pub volume_relative_db: Option<f32>,
    pub pitch_median_hz: Option<f32>,
    pub pitch_spread_st: Option<f32>,
    pub spread_floor_st: f32,
    pub pauses: i32,
    pub longest_pause_s: f32,
    pub clipped_samples: i64,
    pub heard_caller: bool,
    pub agent_talk_share: Option<f32>,
    pub agent_interruptions: Option<i32>,
    pub caller_interruptions: Option<i32>,
    pub overlap_s: Option<f32>,
    pub response_gap_median_s: Option<f32>,
    pub dead_air_count: Option<i32>,
    pub longest_dead_air_s: Option<f32>,
    pub holds: Option<i32>,
    pub holds_over_30s: Option<i32>,
    pub longest_hold_s: Option<f32>,
    pub longest_agent_monologue_s: Option<f32>,
    pub cues_total: i32,
    pub cue_counts: BTreeMap<String, i32>,
}

/// Who sent it and against what: the parts of a row that are not in `session.json`.
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub team: &'a str,
    pub agent: &'a str,
    pub baseline: Option<Baseline>,
}

/// Whether a stored session is a finished call with a summary: the only ones sent.
pub fn is_sendable(meta: &SessionMeta) -> bool {
    meta.kind == crate::session::store::SessionKind::Call
        && meta.ended_unix_s.is_some()
        && meta.summary.is_some()
}

impl CallSummary {
    /// The row for a finished call (`None` for anything [`is_sendable`] refuses or a
    /// session without a UUID yet). `day` is its shift's date.
    pub fn from_meta(meta: &SessionMeta, day: &str, by: Sender) -> Option<Self> {
        if !is_sendable(meta) {
            return None;
        }
        let s = meta.summary.as_ref()?;
        let c = meta.conversation.as_deref();
        let normal = normal_level_dbfs(by.baseline.as_ref());
        let mut cue_counts = BTreeMap::new();
        for e in &meta.cues {
            let name = serde_json::to_value(e.cue)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| format!("{:?}", e.cue));
            *cue_counts.entry(name).or_insert(0) += 1;
        }
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Some(Self {
            uuid: meta.uuid?,
            team: by.team.to_string(),
            agent: by.agent.to_string(),
            session_id: meta.id.clone(),
            // Past i64 (2^64 − 1 in a damaged file) is past every range `check` allows.
            started_unix_s: i64::try_from(meta.started_unix_s).unwrap_or(i64::MAX),
            ended_unix_s: meta.ended_unix_s.map(|e| i64::try_from(e).unwrap_or(i64::MAX)),
            day: day.to_string(),
            lang: meta.lang,
            duration_s: s.duration_s as f32,
            speech_s: s.speech_s as f32,
            turn_s: s.turn_s as f32,
            pace_per_min: match meta.lang {
                Lang::Zh => s.chars_per_min,
                Lang::En => s.words_per_min,
            }
            .or_else(|| s.syllables_per_min.map(|p| meta.lang.pace_from_syllables(p))),
            volume_relative_db: s.level_active_dbfs.map(|l| l - normal),
            pitch_median_hz: s.pitch_median_hz,
            pitch_spread_st: s.pitch_spread_st,
            spread_floor_st: flat_spread_floor(meta.lang, by.baseline.map(|b| b.pitch_spread_st)),
            pauses: count(s.pauses),
            longest_pause_s: s.longest_pause_s,
            clipped_samples: i64::try_from(s.clipped_samples).unwrap_or(i64::MAX),
            heard_caller: c.is_some(),
            agent_talk_share: c.and_then(|c| c.agent_talk_share),
            agent_interruptions: c.map(|c| count(c.agent_interruptions)),
            caller_interruptions: c.map(|c| count(c.caller_interruptions)),
            overlap_s: c.map(|c| c.overlap_s as f32),
            response_gap_median_s: c.and_then(|c| c.response_gap_median_s),
            dead_air_count: c.map(|c| count(c.dead_air_count)),
            longest_dead_air_s: c.map(|c| c.longest_dead_air_s),
            holds: c.map(|c| count(c.holds.len() as u32)),
            holds_over_30s: c.map(|c| {
                count(c.holds.iter().filter(|h| h.duration_s >= HOLD_ALARM_S).count() as u32)
            }),
            longest_hold_s: c.map(|c| c.longest_hold_s),
            longest_agent_monologue_s: c.map(|c| c.longest_agent_monologue_s),
            cues_total: count(meta.cues.len() as u32),
            cue_counts,
        })
    }
}

/// The calls a row may date from: none was made with this program before 2000, and a
/// clock that says 2200 is wrong. Also what the schema's CHECK constraints allow
/// (`migrations/0002_checks_and_profile_trigger.sql`).
pub const STARTED_UNIX_S: RangeInclusive<i64> = 946_684_800..=7_258_118_400;

/// A count in a row: never negative.
const COUNT: RangeInclusive<i32> = 0..=i32::MAX;

impl CallSummary {
    /// Whether every figure of the row lies in its physical range ([`ranges`], the same
    /// bounds the database's CHECK constraints hold): the first that does not, named, so
    /// that a row the database would refuse is set aside with its reason before it is
    /// sent, and a number that is not finite never reaches the team's figures.
    pub fn check(&self) -> Result<(), String> {
        let out = |field: &str, value: &dyn std::fmt::Debug| Err(format!("{field} = {value:?}"));
        if !STARTED_UNIX_S.contains(&self.started_unix_s) {
            return out("started_unix_s", &self.started_unix_s);
        }
        let longest = self.started_unix_s + ranges::SESSION_S_MAX as i64;
        if let Some(e) = self.ended_unix_s
            && !(self.started_unix_s..=longest).contains(&e)
        {
            return out("ended_unix_s", &e);
        }
        let lengths = [
            ("duration_s", Some(self.duration_s)),
            ("speech_s", Some(self.speech_s)),
            ("turn_s", Some(self.turn_s)),
            ("longest_pause_s", Some(self.longest_pause_s)),
            ("overlap_s", self.overlap_s),
            ("response_gap_median_s", self.response_gap_median_s),
            ("longest_dead_air_s", self.longest_dead_air_s),
            ("longest_hold_s", self.longest_hold_s),
            ("longest_agent_monologue_s", self.longest_agent_monologue_s),
        ];
        let figures = [
            ("pace_per_min", self.pace_per_min, ranges::PACE_PER_MIN),
            ("volume_relative_db", self.volume_relative_db, ranges::RELATIVE_DB),
            ("pitch_median_hz", self.pitch_median_hz, ranges::PITCH_HZ),
            ("pitch_spread_st", self.pitch_spread_st, SPREAD_ST),
            ("spread_floor_st", Some(self.spread_floor_st), SPREAD_ST),
            ("agent_talk_share", self.agent_talk_share, ranges::SHARE),
        ];
        let session = 0.0..=ranges::SESSION_S_MAX as f32;
        for (field, value, range) in
            lengths.into_iter().map(|(f, v)| (f, v, session.clone())).chain(figures)
        {
            if let Some(v) = value
                && !range.contains(&v)
            {
                return out(field, &v);
            }
        }
        let counts = [
            ("pauses", Some(self.pauses)),
            ("agent_interruptions", self.agent_interruptions),
            ("caller_interruptions", self.caller_interruptions),
            ("dead_air_count", self.dead_air_count),
            ("holds", self.holds),
            ("holds_over_30s", self.holds_over_30s),
            ("cues_total", Some(self.cues_total)),
        ];
        for (field, value) in counts {
            if let Some(v) = value
                && !COUNT.contains(&v)
            {
                return out(field, &v);
            }
        }
        if self.clipped_samples < 0 {
            return out("clipped_samples", &self.clipped_samples);
        }
        Ok(())
    }
}

/// A pitch spread (and the flat-voice floor): [`ranges::SEMITONES`]' non-negative half.
const SPREAD_ST: RangeInclusive<f32> = 0.0..=48.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Summary;
    use crate::coach::Cue;
    use crate::session::store::{CueEvent, SessionKind};

    fn meta() -> SessionMeta {
        let summary = Summary {
            speech_s: 50.0,
            turn_s: 60.0,
            chars_per_min: Some(180.0),
            level_active_dbfs: Some(-20.0),
            pitch_spread_st: Some(3.0),
            ..Summary::empty()
        };
        serde_json::from_value(serde_json::json!({
            "id": "1764000000", "started_unix_s": 1764000000u64, "ended_unix_s": 1764000100u64,
            "source": "mic", "kind": "call", "lang": "zh", "recording": true,
            "summary": summary, "cues": [], "uuid": "7f0c3f5e-8a38-4c1e-9a55-5bd0e5b7c101"
        }))
        .unwrap()
    }

    const BY: Sender = Sender { team: "north", agent: "Alice", baseline: None };

    #[test]
    fn a_finished_call_becomes_a_row_of_numbers_against_the_agents_normal() {
        let mut m = meta();
        for (t, cue) in [(1.0, Cue::TooFast), (9.0, Cue::TooFast), (20.0, Cue::DeadAir)] {
            m.cues.push(CueEvent { time_s: t, cue });
        }
        let row = CallSummary::from_meta(&m, "2025-11-24", BY).unwrap();
        assert_eq!(row.pace_per_min, Some(180.0));
        // -20 dBFS against the default normal of -26 dBFS.
        assert_eq!(row.volume_relative_db, Some(6.0));
        assert_eq!(row.spread_floor_st, crate::coach::targets::FLAT_SPREAD_ST_ZH);
        assert_eq!(row.cues_total, 3);
        assert_eq!(row.cue_counts.get("TooFast"), Some(&2));
        assert!(!row.heard_caller && row.agent_interruptions.is_none());
        let calibrated = Baseline {
            pitch_median_hz: 200.0,
            pitch_spread_st: 8.0,
            active_level_dbfs: -22.0,
            syllables_per_min: 200.0,
        };
        let row =
            CallSummary::from_meta(&m, "d", Sender { baseline: Some(calibrated), ..BY }).unwrap();
        assert_eq!(row.volume_relative_db, Some(2.0));
        // A lively voice's own floor: 70 % of its normal spread.
        assert!((row.spread_floor_st - 5.6).abs() < 1e-6);
    }

    #[test]
    fn the_row_does_not_tell_the_agents_calibrated_level() {
        // Issue 22 S7: with the absolute level beside the relative one, the baseline was
        // their difference. Two agents calibrated 8 dB apart, each 2 dB over their normal:
        // the rows are the same, so neither normal can be read from them.
        let baseline = |level: f32| Baseline {
            pitch_median_hz: 200.0,
            pitch_spread_st: 4.0,
            active_level_dbfs: level,
            syllables_per_min: 200.0,
        };
        let call_at = |level: f32| {
            let mut m = meta();
            m.summary.as_mut().unwrap().level_active_dbfs = Some(level);
            m
        };
        let row = |level: f32, normal: f32| {
            let by = Sender { baseline: Some(baseline(normal)), ..BY };
            serde_json::to_value(CallSummary::from_meta(&call_at(level), "d", by).unwrap()).unwrap()
        };
        let (a, b) = (row(-20.0, -22.0), row(-28.0, -30.0));
        assert_eq!(a, b);
        assert_eq!(a["volume_relative_db"], 2.0);
    }

    #[test]
    fn demo_runs_rehearsals_and_unfinished_calls_are_never_sent() {
        assert!(CallSummary::from_meta(&meta(), "d", BY).is_some());
        for kind in [SessionKind::Demo, SessionKind::Rehearsal] {
            assert!(CallSummary::from_meta(&SessionMeta { kind, ..meta() }, "d", BY).is_none());
        }
        let running = SessionMeta { ended_unix_s: None, ..meta() };
        assert!(CallSummary::from_meta(&running, "d", BY).is_none());
    }

    #[test]
    fn a_row_with_a_figure_outside_its_range_is_refused_with_the_field_named() {
        // Issue 22 D3 and S3: a start of 2^64 − 1 became −1 (1969), an end of 1e14 s and a
        // level of +inf reached the database and blocked or blanked the team's figures.
        let good = CallSummary::from_meta(&meta(), "d", BY).unwrap();
        assert_eq!(good.check(), Ok(()));
        let start = CallSummary::from_meta(
            &SessionMeta { started_unix_s: u64::MAX, ended_unix_s: Some(u64::MAX), ..meta() },
            "d",
            BY,
        )
        .unwrap();
        assert!(start.check().unwrap_err().starts_with("started_unix_s"));
        type Damage = fn(&mut CallSummary);
        let cases: [(&str, Damage); 5] = [
            ("ended_unix_s", |r| r.ended_unix_s = Some(100_000_000_000_000)),
            ("volume_relative_db", |r| r.volume_relative_db = Some(f32::INFINITY)),
            ("pace_per_min", |r| r.pace_per_min = Some(f32::NAN)),
            ("duration_s", |r| r.duration_s = 1e30),
            ("holds", |r| r.holds = Some(-1)),
        ];
        for (field, damage) in cases {
            let mut row = good.clone();
            damage(&mut row);
            let reason = row.check().unwrap_err();
            assert!(reason.starts_with(field), "{field}: {reason}");
        }
    }

    #[test]
    fn the_row_holds_no_audio_frames_or_words() {
        let text = serde_json::to_string(&CallSummary::from_meta(&meta(), "d", BY)).unwrap();
        for never in ["audio", "frames", "source", "recording", "script", "text"] {
            assert!(!text.contains(never), "{never} in {text}");
        }
    }
}
