//! A call's figures against the agent's own: their calibrated baseline (settings) and
//! their previous stored call. A figure means more beside the agent's own normal than
//! beside a population's target (the calibration exists for that), and beside the last
//! call it shows whether a tip was taken up.

use std::path::Path;

use serde::Serialize;

use crate::coach::Baseline;
use crate::session::store::{Listed, SessionKind, SessionMeta, list};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// In the call's unit (chars/min or words/min).
    Pace,
    /// Active level, dBFS.
    Level,
    /// 10–90 % pitch range, semitones.
    PitchSpread,
    /// Agent talk ÷ all talk.
    AgentTalkShare,
    AgentInterruptions,
    LongestHoldS,
    LongestMonologueS,
}

/// One figure of this call, and the same figure of the baseline and of the last call.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    pub figure: Figure,
    pub value: f32,
    pub baseline: Option<f32>,
    pub previous: Option<f32>,
}

impl Comparison {
    pub fn vs_baseline(&self) -> Option<f32> {
        Some(self.value - self.baseline?)
    }
    pub fn vs_previous(&self) -> Option<f32> {
        Some(self.value - self.previous?)
    }
}

/// A session's own figures, in the order the report lists them.
fn figures(m: &SessionMeta) -> Vec<(Figure, Option<f32>)> {
    let s = m.summary.as_ref();
    let c = m.conversation.as_deref();
    vec![
        (Figure::Pace, s.and_then(|s| s.syllables_per_min).map(|p| m.lang.pace_from_syllables(p))),
        (Figure::Level, s.and_then(|s| s.level_active_dbfs)),
        (Figure::PitchSpread, s.and_then(|s| s.pitch_spread_st)),
        (Figure::AgentTalkShare, c.and_then(|c| c.agent_talk_share)),
        (Figure::AgentInterruptions, c.map(|c| c.agent_interruptions as f32)),
        (Figure::LongestHoldS, c.map(|c| c.longest_hold_s)),
        (Figure::LongestMonologueS, c.map(|c| c.longest_agent_monologue_s)),
    ]
}

fn of_baseline(figure: Figure, b: &Baseline, meta: &SessionMeta) -> Option<f32> {
    match figure {
        Figure::Pace => Some(meta.lang.pace_from_syllables(b.syllables_per_min)),
        Figure::Level => Some(b.active_level_dbfs),
        Figure::PitchSpread => Some(b.pitch_spread_st),
        _ => None,
    }
}

/// This call's figures beside the baseline's and the previous call's; figures this call
/// does not have are left out.
pub fn compare(
    meta: &SessionMeta,
    previous: Option<&SessionMeta>,
    baseline: Option<&Baseline>,
) -> Vec<Comparison> {
    let before = previous.map(figures);
    // Pace in another language is in another unit.
    let same_lang = previous.is_some_and(|p| p.lang == meta.lang);
    figures(meta)
        .into_iter()
        .enumerate()
        .filter_map(|(i, (figure, value))| {
            let value = value.filter(|v| v.is_finite())?;
            let previous = before
                .as_ref()
                .and_then(|b| b[i].1)
                .filter(|v| v.is_finite() && (figure != Figure::Pace || same_lang));
            let baseline =
                baseline.and_then(|b| of_baseline(figure, b, meta)).filter(|v| v.is_finite());
            Some(Comparison { figure, value, baseline, previous })
        })
        .collect()
}

/// The agent's call before this one in the store at `root`: the latest call (not a demo
/// or rehearsal) that began earlier and has a summary.
pub fn previous_call(root: &Path, meta: &SessionMeta) -> Option<SessionMeta> {
    let rows = list(root).ok()?;
    rows.into_iter()
        .filter_map(|r| match r {
            Listed::Ok(m) => Some(m),
            Listed::Damaged { .. } => None,
        })
        .filter(|m| {
            m.kind == SessionKind::Call
                && m.summary.is_some()
                && m.id != meta.id
                && (m.started_unix_s, &m.id) < (meta.started_unix_s, &meta.id)
        })
        .max_by(|a, b| (a.started_unix_s, &a.id).cmp(&(b.started_unix_s, &b.id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Summary;
    use crate::conversation::ConversationSummary;

    fn meta(id: u64, kind: SessionKind, pace: f32, level: f32) -> SessionMeta {
        let summary = Summary {
            syllables_per_min: Some(pace),
            level_active_dbfs: Some(level),
            pitch_spread_st: Some(6.0),
            ..Summary::empty()
        };
        serde_json::from_value(serde_json::json!({
            "id": id.to_string(), "started_unix_s": id, "ended_unix_s": null, "source": "mic",
            "kind": kind, "lang": "zh", "recording": false, "summary": summary, "cues": []
        }))
        .unwrap()
    }

    #[test]
    fn figures_sit_beside_the_baseline_and_the_last_call_and_missing_ones_are_left_out() {
        let this = meta(2000, SessionKind::Call, 180.0, -24.0);
        let last = meta(1000, SessionKind::Call, 150.0, -26.0);
        let baseline = Baseline {
            pitch_median_hz: 200.0,
            pitch_spread_st: 7.0,
            active_level_dbfs: -28.0,
            syllables_per_min: 150.0,
        };
        let c = compare(&this, Some(&last), Some(&baseline));
        let figures: Vec<Figure> = c.iter().map(|c| c.figure).collect();
        assert_eq!(figures, [Figure::Pace, Figure::Level, Figure::PitchSpread]);
        assert_eq!(c[0].vs_previous(), Some(30.0));
        assert_eq!(c[1].vs_baseline(), Some(4.0));
        assert_eq!(c[2].vs_baseline(), Some(-1.0));
        let mut talked = this.clone();
        let mut conversation: ConversationSummary = serde_json::from_value(serde_json::json!({
            "duration_s": 60.0, "agent_talk_s": 30.0, "caller_talk_s": 20.0,
            "agent_talk_share": 0.6, "overlap_s": 1.0, "agent_spurts": 5, "caller_spurts": 4,
            "agent_interruptions": 2, "caller_interruptions": 0, "response_gaps": 3,
            "response_gap_median_s": 0.8, "dead_air_count": 0, "longest_dead_air_s": 0.0,
            "holds": [], "longest_hold_s": 0.0, "longest_agent_monologue_s": 12.0,
            "caller_arousal": null
        }))
        .unwrap();
        conversation.agent_interruptions = 2;
        talked.conversation = Some(Box::new(conversation));
        let c = compare(&talked, Some(&last), None);
        let interruptions = c.iter().find(|c| c.figure == Figure::AgentInterruptions).unwrap();
        assert_eq!((interruptions.value, interruptions.previous), (2.0, None));
    }

    #[test]
    fn the_previous_call_is_the_latest_earlier_call_never_a_demo() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("sessions");
        for m in [
            meta(1000, SessionKind::Call, 150.0, -26.0),
            meta(1500, SessionKind::Demo, 150.0, -26.0),
            meta(2000, SessionKind::Call, 150.0, -26.0),
            meta(3000, SessionKind::Call, 150.0, -26.0),
        ] {
            let dir = root.join(&m.id);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("session.json"), serde_json::to_string(&m).unwrap()).unwrap();
        }
        let this = meta(2000, SessionKind::Call, 150.0, -26.0);
        assert_eq!(previous_call(&root, &this).unwrap().id, "1000");
        let first = meta(1000, SessionKind::Call, 150.0, -26.0);
        assert!(previous_call(&root, &first).is_none());
    }
}
