//! Progress across sessions: per-shift figures and the shift view ("the hundredth call
//! must sound like the first" — fatigue shows as falling pitch spread and level).
//!
//! A shift is a run of sessions with no gap of `SHIFT_GAP_S` or more between two starts,
//! so a night shift is one shift whatever the clock says; it is labelled with the local
//! date it began. Calls where the caller was heard add the conversation's figures
//! (interruptions, holds, talk share), the ones the training asks about call by call.

use serde::Serialize;

use super::store::{Listed, SessionKind, SessionMeta};
use super::when;
use crate::analysis::Lang;
use crate::conversation::HOLD_ALARM_S;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionPoint {
    pub id: String,
    pub lang: Lang,
    pub started_unix_s: u64,
    pub talk_s: f64,
    /// Turn time: what the session's pace is a rate over, so what weights it.
    #[serde(skip)]
    pub turn_s: f64,
    pub syllables_per_min: Option<f32>,
    pub level_active_dbfs: Option<f32>,
    pub pitch_spread_st: Option<f32>,
    /// Agent talk ÷ all talk, when the caller was heard.
    pub agent_talk_share: Option<f32>,
    pub agent_interruptions: Option<u32>,
    pub longest_hold_s: Option<f32>,
    pub holds_over_limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    /// Local date the shift began.
    pub date: String,
    /// Local date and time of its first call: `2026-11-24 08:02`.
    pub local_start: String,
    /// The speech language of its calls, when they share one (which pace unit to show).
    pub lang: Option<Lang>,
    pub sessions: Vec<SessionPoint>,
    pub talk_s: f64,
    /// Talk-time-weighted means over the day's sessions.
    pub syllables_per_min: Option<f32>,
    pub level_active_dbfs: Option<f32>,
    pub pitch_spread_st: Option<f32>,
    /// Last third of the shift minus the first third (needs three sessions or more).
    pub level_change_db: Option<f32>,
    pub spread_change_st: Option<f32>,
    /// Both level and spread fell noticeably through the shift.
    pub tiring: bool,
    /// Calls where the caller was heard: the ones the figures below come from.
    pub calls_with_caller: u32,
    pub interruptions_per_call: Option<f32>,
    pub longest_hold_s: Option<f32>,
    /// Holds of 30 s or more ("please wait" is for less, guidance row 8).
    pub holds_over_limit: u32,
    /// Talk-time-weighted agent talk share.
    pub agent_talk_share: Option<f32>,
}

/// Sessions further apart than this belong to different shifts.
pub const SHIFT_GAP_S: u64 = 4 * 3600;

/// A fall this large in both, from the first to the last third of a shift, reads as tiring.
pub const TIRING_LEVEL_DB: f32 = 2.0;
pub const TIRING_SPREAD_ST: f32 = 1.0;

/// Talk-time-weighted mean of a figure over sessions.
fn weighted(points: &[&SessionPoint], value: impl Fn(&SessionPoint) -> Option<f32>) -> Option<f32> {
    weighted_by(points, value, |p| p.talk_s)
}

fn weighted_by(
    points: &[&SessionPoint],
    value: impl Fn(&SessionPoint) -> Option<f32>,
    weight_of: impl Fn(&SessionPoint) -> f64,
) -> Option<f32> {
    let (mut sum, mut weight) = (0.0, 0.0);
    for p in points {
        if let Some(v) = value(p) {
            sum += v as f64 * weight_of(p);
            weight += weight_of(p);
        }
    }
    (weight > 0.0).then(|| (sum / weight) as f32)
}

/// Shifts from a store listing; damaged sessions (listed apart) do not count.
pub fn from_listing(rows: &[Listed]) -> Vec<Shift> {
    let metas: Vec<SessionMeta> = rows
        .iter()
        .filter_map(|r| match r {
            Listed::Ok(m) => Some(m.clone()),
            Listed::Damaged { .. } => None,
        })
        .collect();
    by_shift(&metas)
}

pub fn by_shift(sessions: &[SessionMeta]) -> Vec<Shift> {
    let mut points: Vec<SessionPoint> = sessions
        .iter()
        .filter(|m| m.kind == SessionKind::Call)
        .filter_map(|m| {
            let s = m.summary.as_ref().filter(|s| s.speech_s > 0.0)?;
            let c = m.conversation.as_deref();
            Some(SessionPoint {
                id: m.id.clone(),
                lang: m.lang,
                started_unix_s: m.started_unix_s,
                talk_s: s.speech_s,
                // Sessions stored before turn time existed weigh by speaking time.
                turn_s: if s.turn_s > 0.0 { s.turn_s } else { s.speech_s },
                syllables_per_min: s.syllables_per_min,
                level_active_dbfs: s.level_active_dbfs,
                pitch_spread_st: s.pitch_spread_st,
                agent_talk_share: c.and_then(|c| c.agent_talk_share),
                agent_interruptions: c.map(|c| c.agent_interruptions),
                longest_hold_s: c.map(|c| c.longest_hold_s),
                holds_over_limit: c.map(|c| {
                    c.holds.iter().filter(|h| h.duration_s >= HOLD_ALARM_S).count() as u32
                }),
            })
        })
        .collect();
    points.sort_by_key(|p| p.started_unix_s);
    let mut shifts: Vec<Vec<SessionPoint>> = Vec::new();
    for p in points {
        match shifts.last_mut() {
            Some(shift)
                if p.started_unix_s - shift.last().expect("never empty").started_unix_s
                    < SHIFT_GAP_S =>
            {
                shift.push(p)
            }
            _ => shifts.push(vec![p]),
        }
    }
    shifts
        .into_iter()
        .map(|sessions| {
            let all: Vec<&SessionPoint> = sessions.iter().collect();
            let third = sessions.len() / 3;
            let change = |value: fn(&SessionPoint) -> Option<f32>| {
                (third >= 1)
                    .then(|| {
                        Some(
                            weighted(&all[all.len() - third..], value)?
                                - weighted(&all[..third], value)?,
                        )
                    })
                    .flatten()
            };
            let level_change_db = change(|p| p.level_active_dbfs);
            let spread_change_st = change(|p| p.pitch_spread_st);
            let heard: Vec<&SessionPoint> =
                all.iter().copied().filter(|p| p.agent_interruptions.is_some()).collect();
            let interruptions: u32 = heard.iter().filter_map(|p| p.agent_interruptions).sum();
            Shift {
                date: when::local_date(sessions[0].started_unix_s),
                local_start: when::local_start(sessions[0].started_unix_s),
                lang: Some(sessions[0].lang).filter(|l| sessions.iter().all(|p| p.lang == *l)),
                calls_with_caller: heard.len() as u32,
                interruptions_per_call: (!heard.is_empty())
                    .then(|| interruptions as f32 / heard.len() as f32),
                longest_hold_s: heard.iter().filter_map(|p| p.longest_hold_s).reduce(f32::max),
                holds_over_limit: heard.iter().filter_map(|p| p.holds_over_limit).sum(),
                agent_talk_share: weighted(&heard, |p| p.agent_talk_share),
                talk_s: sessions.iter().map(|s| s.talk_s).sum(),
                // Pace is syllables over turn time: pooled, it weighs by turn time.
                syllables_per_min: weighted_by(&all, |p| p.syllables_per_min, |p| p.turn_s),
                level_active_dbfs: weighted(&all, |p| p.level_active_dbfs),
                pitch_spread_st: weighted(&all, |p| p.pitch_spread_st),
                tiring: level_change_db.is_some_and(|l| l <= -TIRING_LEVEL_DB)
                    && spread_change_st.is_some_and(|s| s <= -TIRING_SPREAD_ST),
                level_change_db,
                spread_change_st,
                sessions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Summary;

    fn meta(start: u64, level: f32, spread: f32) -> SessionMeta {
        let summary = Summary {
            speech_s: 60.0,
            level_active_dbfs: Some(level),
            pitch_spread_st: Some(spread),
            syllables_per_min: Some(150.0),
            ..Summary::empty()
        };
        SessionMeta {
            id: start.to_string(),
            started_unix_s: start,
            ended_unix_s: None,
            source: "mic".into(),
            kind: SessionKind::Call,
            lang: Lang::Zh,
            recording: false,
            summary: Some(summary),
            cues: vec![],
            conversation: None,
            conversation_events: vec![],
            ended_by: None,
            uuid: None,
        }
    }

    #[test]
    fn shifts_are_dated_by_the_local_clock() {
        let shifts = by_shift(&[meta(20_000 * 86_400 + 12 * 3600, -20.0, 8.0)]);
        assert_eq!(shifts[0].date, when::local_date(20_000 * 86_400 + 12 * 3600));
        assert_eq!(shifts[0].local_start.len(), "2024-10-04 12:00".len());
    }

    #[test]
    fn calls_with_the_caller_heard_add_interruptions_holds_and_talk_share() {
        let day = 20_000 * 86_400;
        let with = |start: u64, interruptions: u32, hold: f32, share: f32| {
            let mut m = meta(start, -20.0, 8.0);
            let mut c: crate::conversation::ConversationSummary =
                serde_json::from_value(serde_json::json!({
                    "duration_s": 60.0, "agent_talk_s": 30.0, "caller_talk_s": 20.0,
                    "agent_talk_share": share, "overlap_s": 1.0, "agent_spurts": 5,
                    "caller_spurts": 4, "agent_interruptions": interruptions,
                    "caller_interruptions": 0, "response_gaps": 3, "response_gap_median_s": 0.8,
                    "dead_air_count": 0, "longest_dead_air_s": 0.0, "holds": [],
                    "longest_hold_s": hold, "longest_agent_monologue_s": 12.0,
                    "caller_arousal": null
                }))
                .unwrap();
            c.holds.push(crate::conversation::Hold {
                start_s: 10.0,
                duration_s: hold,
                source: crate::conversation::HoldSource::Key,
            });
            m.conversation = Some(Box::new(c));
            m
        };
        let shift = &by_shift(&[
            with(day, 3, 12.0, 0.7),
            meta(day + 600, -20.0, 8.0),
            with(day + 1200, 0, 41.0, 0.5),
        ])[0];
        assert_eq!(shift.sessions.len(), 3);
        assert_eq!(shift.calls_with_caller, 2);
        assert_eq!(shift.interruptions_per_call, Some(1.5));
        assert_eq!(shift.longest_hold_s, Some(41.0));
        assert_eq!(shift.holds_over_limit, 1);
        assert!((shift.agent_talk_share.unwrap() - 0.6).abs() < 1e-6);
    }

    #[test]
    fn a_night_shift_across_midnight_is_one_shift() {
        let start = 20_000 * 86_400 + 22 * 3600;
        let shifts =
            by_shift(&(0..5).map(|i| meta(start + i * 3600, -20.0, 8.0)).collect::<Vec<_>>());
        assert_eq!(shifts.len(), 1);
        assert_eq!(shifts[0].sessions.len(), 5);
    }

    #[test]
    fn a_shift_whose_voice_falls_in_level_and_spread_is_flagged_as_tiring() {
        let day = 20_000 * 86_400;
        let tired: Vec<_> =
            (0..6).map(|i| meta(day + i * 3600, -20.0 - i as f32, 8.0 - 0.6 * i as f32)).collect();
        let fresh: Vec<_> = (0..6).map(|i| meta(day + 86_400 + i * 3600, -20.0, 8.0)).collect();
        let days = by_shift(&[tired, fresh].concat());
        assert_eq!(days.len(), 2);
        assert!(days[0].tiring, "{:?}", days[0]);
        assert!(!days[1].tiring);
        assert!((days[0].level_change_db.unwrap() + 4.0).abs() < 1e-4);
    }

    #[test]
    fn demo_runs_and_rehearsals_never_count_in_shift_history() {
        let call = meta(1_764_000_000, -26.0, 8.0);
        let demo = SessionMeta { kind: SessionKind::Demo, ..meta(1_764_000_100, -10.0, 1.0) };
        let rehearsal =
            SessionMeta { kind: SessionKind::Rehearsal, ..meta(1_764_000_200, -10.0, 1.0) };
        let shifts = by_shift(&[call, demo, rehearsal]);
        assert_eq!(shifts.len(), 1);
        assert_eq!(shifts[0].sessions.len(), 1);
        assert_eq!(shifts[0].level_active_dbfs, Some(-26.0));
    }
}
