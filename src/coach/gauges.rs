//! From frames to the three gauge readings (tone, volume, speed) and the cue.

use serde::{Deserialize, Serialize};

use super::baseline::Baseline;
use super::cues::{Condition, Cue, CueSelector, Headline};
use super::targets::{self, Band, TargetBand, Targets};
use crate::analysis::{Frame, Lang};
use crate::conversation::{HoldAlert, LiveConversation};
use crate::dsp::tone::hz_to_semitones;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Trend {
    Rising,
    #[default]
    Steady,
    Falling,
}

/// One gauge: the value shown, its band, where it is heading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Reading {
    pub value: Option<f32>,
    pub band: Option<Band>,
    pub trend: Trend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToneState {
    Flat,
    Lively,
    /// Pitch and level well above the agent's baseline: losing calm.
    Agitated,
}

/// Everything the window shows for one moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct CoachState {
    pub time_s: f64,
    /// Pace in the language's unit (chars/min or words/min).
    pub pace: Reading,
    /// Active level relative to the agent's normal level, in dB.
    pub volume: Reading,
    /// Pitch spread in semitones.
    pub tone: Reading,
    pub tone_state: Option<ToneState>,
    pub active_level_dbfs: Option<f32>,
    pub pitch_median_hz: Option<f32>,
    /// Median pitch relative to the baseline, in semitones.
    pub pitch_vs_baseline_st: Option<f32>,
    /// The cue on the line (what a session records as shown).
    pub cue: Option<Cue>,
    /// What the cue line says, from the same bands as the gauges above.
    pub headline: Headline,
    pub clipping: bool,
    pub mic_too_quiet: bool,
}

/// Trend compares the value now with the value this long ago.
const TREND_SPAN_S: f64 = 3.0;
/// Changes smaller than these are "steady" (pace, volume dB, tone st).
const TREND_DEADBAND: [f32; 3] = [8.0, 1.5, 0.7];
/// How far inside a milder band a value must come before its gauge shows that band
/// (pace as a fraction of the value, volume in dB, tone in semitones): about the jitter of
/// each reading from one hop to the next (`TargetBand::classify_from`).
const BAND_MARGIN: [f32; 3] = [0.03, 0.5, 0.2];
/// Clipping counts as recent for this long: a voice that clips on its stressed syllables
/// keeps one alarm up instead of alternating it with other cues (issue 23's cue model; at
/// 2 s a −10 dBFS agent's line switched between the two every 5–10 s).
const CLIP_HOLD_S: f64 = 5.0;
/// The microphone is "too quiet" once the active level has stayed under
/// [`Coach::mic_quiet_limit_dbfs`] this long: the active level of a word's quiet onset
/// dips under it for a moment (issue 23 saw a −36 dB flash at speech onset)…
const MIC_QUIET_HOLD_S: f64 = 3.0;
/// …and fine again once it is this far over the limit, so a level wobbling across the
/// limit does not alternate the alarm with other cues every 2–3 s (issue 23).
const MIC_QUIET_RELEASE_DB: f32 = 3.0;

pub struct Coach {
    lang: Lang,
    targets: Targets,
    baseline: Option<Baseline>,
    selector: CueSelector,
    /// (time, pace, volume, tone) once a second, for trends.
    history: std::collections::VecDeque<(f64, [Option<f32>; 3])>,
    agitated_since: Option<f64>,
    last_clip_s: Option<f64>,
    /// Since when the active level has been under the quiet-microphone limit, and whether
    /// the alarm is raised.
    quiet_mic: (Option<f64>, bool),
    /// The conversation at the frame about to be pushed, when the caller is heard.
    conversation: Option<LiveConversation>,
    state: CoachState,
}

/// "Let the caller finish" stays up until this long after the interruption began. It is
/// confirmed 0.6–0.8 s in and shown at once, so it stays on the line about 3.2 s (call
/// `21059c156e09-27ee406d8a0e-30` of `tests/conversation_voices.rs`), as long as any cue
/// is left to be read ([`super::cues::MIN_SHOWN_S`]).
const INTERRUPTION_CUE_S: f64 = 4.0;
/// The agent "rises with" an upset caller when their level is this far above normal (the
/// volume gauge's amber edge, guidance row 3)…
const RISING_LEVEL_DB: f32 = 4.0;

impl Coach {
    pub fn new(lang: Lang, baseline: Option<Baseline>) -> Self {
        Self {
            lang,
            targets: Targets::default(),
            baseline,
            selector: CueSelector::default(),
            history: Default::default(),
            agitated_since: None,
            last_clip_s: None,
            quiet_mic: (None, false),
            conversation: None,
            state: CoachState::default(),
        }
    }

    pub fn set_baseline(&mut self, baseline: Option<Baseline>) {
        self.baseline = baseline;
        self.forget_bands();
    }
    pub fn set_targets(&mut self, targets: Targets) {
        self.targets = targets;
        self.forget_bands();
    }
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        self.forget_bands();
    }
    /// New bands: the next readings are classified afresh, without the margin that keeps
    /// a gauge in its band before (`BAND_MARGIN`).
    fn forget_bands(&mut self) {
        for r in [&mut self.state.pace, &mut self.state.volume, &mut self.state.tone] {
            r.band = None;
        }
    }
    pub fn lang(&self) -> Lang {
        self.lang
    }
    /// The conversation at the next frame (both sides heard); `None` with one side.
    pub fn set_conversation(&mut self, conversation: Option<LiveConversation>) {
        self.conversation = conversation;
    }

    /// Conversation cues that hold at `t`, given the agent's own readings.
    fn conversation_cues(&self, t: f64, fast: bool, loud: bool, active: &mut Vec<Condition>) {
        let Some(c) = self.conversation else { return };
        // In the hold timer's colour: amber from the warning (25 s), red past the limit
        // (30 s); a red line over an amber "保持 27 秒" said two things at once.
        match c.hold_alert {
            HoldAlert::None => {}
            HoldAlert::Warn => active.push(Condition { cue: Cue::HoldTooLong, band: Band::Amber }),
            HoldAlert::Alarm => active.push(Condition::red(Cue::HoldTooLong)),
        }
        if c.interrupted_at_s.is_some_and(|at| t - at <= INTERRUPTION_CUE_S) {
            active.push(Condition::red(Cue::LetCallerFinish));
        }
        if c.dead_air {
            active.push(Condition::red(Cue::DeadAir));
        }
        // …or their pace is above the green band.
        if c.caller_arousal.is_some_and(|a| a.aroused) && (fast || loud) {
            active.push(Condition::red(Cue::CallerUpset));
        }
    }

    pub fn state(&self) -> &CoachState {
        &self.state
    }

    fn normal_level(&self) -> f32 {
        targets::normal_level_dbfs(self.baseline.as_ref())
    }

    /// The active level under which the microphone counts as too quiet: the guidance's
    /// [`targets::MIC_TOO_QUIET_DBFS`], or lower where the volume gauge would not yet be red
    /// there. After a calibration on a quiet headset (normal −38 dBFS) −41 dBFS is −3 dB
    /// on the gauge, green, and the alarm said "too quiet" over it in red (issue 23). So
    /// the alarm starts no higher than [`MIC_QUIET_RELEASE_DB`] under the gauge's red edge
    /// on the quiet side, and is released at that edge at the latest: whenever it is up,
    /// the gauge reads red too. Without a calibration the default normal (−26 dBFS) puts
    /// that point at −37 dBFS, so the guidance's −40 stands.
    fn mic_quiet_limit_dbfs(&self) -> f32 {
        let red_edge = self.normal_level() + self.targets.volume_relative_db.amber.0;
        targets::MIC_TOO_QUIET_DBFS.min(red_edge - MIC_QUIET_RELEASE_DB)
    }

    /// Whether the microphone is too quiet at `t`, held and released as above. Without an
    /// active level (nobody speaks) the alarm stays as it was: a pause does not make a
    /// quiet microphone loud, and clearing it there let the line alternate between it and
    /// a nudge at every sentence.
    fn quiet_mic(&mut self, t: f64, active_level_dbfs: Option<f32>) -> bool {
        let limit = self.mic_quiet_limit_dbfs();
        let (since, raised) = &mut self.quiet_mic;
        match active_level_dbfs {
            None => *since = None,
            Some(l) if l < limit => {
                let start = *since.get_or_insert(t);
                *raised |= t - start >= MIC_QUIET_HOLD_S;
            }
            Some(l) => {
                *since = None;
                if l >= limit + MIC_QUIET_RELEASE_DB {
                    *raised = false;
                }
            }
        }
        *raised
    }

    pub fn push(&mut self, frame: &Frame) -> &CoachState {
        let t = frame.time_s;
        let pace_value = frame.syllables_per_min.map(|s| self.lang.pace_from_syllables(s));
        let volume_value = frame.active_level_dbfs.map(|l| l - self.normal_level());
        let tone_value = frame.pitch_spread_st;
        let floor = targets::flat_spread_floor(self.lang, self.baseline.map(|b| b.pitch_spread_st));
        // Each gauge's band from its band before (`BAND_MARGIN`).
        let before = [self.state.pace.band, self.state.volume.band, self.state.tone.band];
        let classify = |i: usize, band: TargetBand, v: Option<f32>| {
            v.map(|v| {
                let margin = if i == 0 { BAND_MARGIN[0] * v.abs() } else { BAND_MARGIN[i] };
                band.classify_from(before[i], v, margin)
            })
        };

        let pitch_vs_baseline = match (frame.pitch_median_hz, self.baseline) {
            (Some(m), Some(b)) => Some(hz_to_semitones(m, b.pitch_median_hz)),
            _ => None,
        };
        let agitated_now = pitch_vs_baseline.is_some_and(|p| p > targets::CALM_PITCH_RISE_ST)
            && volume_value.is_some_and(|v| v > targets::CALM_LEVEL_RISE_DB)
            && frame.speech;
        self.agitated_since = if agitated_now { self.agitated_since.or(Some(t)) } else { None };
        let agitated = self.agitated_since.is_some_and(|s| t - s >= targets::CALM_HOLD_S);

        if frame.clipped_samples > 0 {
            self.last_clip_s = Some(t);
        }
        let clipping = self.last_clip_s.is_some_and(|c| t - c < CLIP_HOLD_S);
        let mic_too_quiet = self.quiet_mic(t, frame.active_level_dbfs);

        let tone_band = classify(2, targets::tone_band(floor), tone_value);
        let tone_state = if agitated {
            Some(ToneState::Agitated)
        } else {
            tone_band.map(|b| if b == Band::Green { ToneState::Lively } else { ToneState::Flat })
        };

        // Trends from the value a few seconds ago.
        let now = [pace_value, volume_value, tone_value];
        if self.history.back().is_none_or(|(ht, _)| t - ht >= 1.0) {
            self.history.push_back((t, now));
            while self.history.len() > (TREND_SPAN_S as usize + 1) {
                self.history.pop_front();
            }
        }
        let trend = |i: usize| -> Trend {
            let past = self
                .history
                .front()
                .and_then(|(ht, v)| (t - ht >= TREND_SPAN_S - 1.0).then_some(v[i]).flatten());
            match (past, now[i]) {
                (Some(p), Some(n)) if n - p > TREND_DEADBAND[i] => Trend::Rising,
                (Some(p), Some(n)) if p - n > TREND_DEADBAND[i] => Trend::Falling,
                _ => Trend::Steady,
            }
        };

        let pace_band = classify(0, self.targets.pace(self.lang), pace_value);
        let volume_band = classify(1, self.targets.volume_relative_db, volume_value);
        // The conditions come from the bands the gauges show, so the line agrees with them.
        let mut active = Vec::with_capacity(8);
        if clipping {
            active.push(Condition::red(Cue::Clipping));
        }
        if mic_too_quiet {
            active.push(Condition::red(Cue::MicTooQuiet));
        }
        if agitated {
            active.push(Condition::red(Cue::LosingCalm));
        }
        let pace_target = self.targets.pace(self.lang);
        let fast = pace_value.is_some_and(|v| v > pace_target.green.1);
        let loud = volume_value.is_some_and(|v| v > RISING_LEVEL_DB);
        self.conversation_cues(t, fast, loud, &mut active);
        let off = |band: Option<Band>| band.filter(|&b| b != Band::Green);
        if let (Some(band), Some(v)) = (off(pace_band), pace_value) {
            // Which side of green, not which edge was crossed: with the band's margin an
            // amber reading may sit a little inside the green edge.
            let cue = if v > pace_target.centre() { Cue::TooFast } else { Cue::TooSlow };
            active.push(Condition { cue, band });
        }
        if let (Some(band), Some(v)) = (off(volume_band), volume_value)
            && !mic_too_quiet
        {
            let cue = if v > 0.0 { Cue::TooLoud } else { Cue::TooSoft };
            active.push(Condition { cue, band });
        }
        if let Some(band) = off(tone_band) {
            active.push(Condition { cue: Cue::Flat, band });
        }
        let values = [pace_band, volume_band, tone_band];
        let all_green = values.iter().any(Option::is_some).then(|| {
            values.iter().flatten().all(|&b| b == Band::Green)
                && !clipping
                && !mic_too_quiet
                && !agitated
        });
        let headline = self.selector.update(t, &active, all_green);
        let cue = match headline {
            Headline::Cue { cue, .. } => Some(cue),
            _ => None,
        };

        self.state = CoachState {
            time_s: t,
            pace: Reading { value: pace_value, band: pace_band, trend: trend(0) },
            volume: Reading { value: volume_value, band: volume_band, trend: trend(1) },
            tone: Reading { value: tone_value, band: tone_band, trend: trend(2) },
            tone_state,
            active_level_dbfs: frame.active_level_dbfs,
            pitch_median_hz: frame.pitch_median_hz,
            pitch_vs_baseline_st: pitch_vs_baseline,
            cue,
            headline,
            clipping,
            mic_too_quiet,
        };
        &self.state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coach::cues::headline;

    fn frame(t: f64, spm: f32, level: f32, spread: f32) -> Frame {
        Frame {
            time_s: t,
            f0_hz: 150.0,
            level_dbfs: level,
            speech: true,
            active_level_dbfs: Some(level),
            syllables_per_min: Some(spm),
            pitch_median_hz: Some(150.0),
            pitch_spread_st: Some(spread),
            ..Default::default()
        }
    }

    #[test]
    fn gauges_change_band_as_values_cross_the_thresholds() {
        let mut c = Coach::new(Lang::Zh, None);
        let s = *c.push(&frame(0.0, 150.0, -26.0, 8.0));
        assert_eq!(
            (s.pace.band, s.volume.band, s.tone.band),
            (Some(Band::Green), Some(Band::Green), Some(Band::Green))
        );
        let s = *c.push(&frame(0.01, 185.0, -20.0, 4.0));
        assert_eq!(
            (s.pace.band, s.volume.band, s.tone.band),
            (Some(Band::Amber), Some(Band::Amber), Some(Band::Amber))
        );
        let s = *c.push(&frame(0.02, 230.0, -12.0, 2.0));
        assert_eq!(
            (s.pace.band, s.volume.band, s.tone.band),
            (Some(Band::Red), Some(Band::Red), Some(Band::Red))
        );
        assert_eq!(s.tone_state, Some(ToneState::Flat));
    }

    #[test]
    fn a_trainers_targets_replace_the_defaults() {
        let mut c = Coach::new(Lang::Zh, None);
        assert_eq!(c.push(&frame(0.0, 185.0, -26.0, 8.0)).pace.band, Some(Band::Amber));
        c.set_targets(Targets {
            pace_zh_chars_per_min: TargetBand { green: (160.0, 190.0), amber: (140.0, 210.0) },
            ..Targets::default()
        });
        assert_eq!(c.push(&frame(0.01, 185.0, -26.0, 8.0)).pace.band, Some(Band::Green));
    }

    #[test]
    fn a_quiet_microphone_is_raised_after_three_seconds_and_a_wobble_does_not_clear_it() {
        let mut c = Coach::new(Lang::Zh, None);
        let mut feed = |from: f64, to: f64, level: f32| {
            let mut out = Vec::new();
            let mut t = from;
            while t < to {
                out.push(*c.push(&frame(t, 150.0, level, 8.0)));
                t += 0.01;
            }
            out
        };
        // A word's quiet onset (2 s under the limit) raises nothing.
        assert!(feed(0.0, 2.0, -43.0).iter().all(|s| !s.mic_too_quiet));
        feed(2.0, 3.0, -30.0);
        let states = feed(3.0, 6.5, -43.0);
        assert!(!states[250].mic_too_quiet && states[320].mic_too_quiet);
        // The gauge's warning and the line agree from the same frame.
        let first = states.iter().find(|s| s.mic_too_quiet).unwrap();
        assert_eq!(first.cue, Some(Cue::MicTooQuiet));
        // Wobbling 1–2 dB over the limit keeps it; 3 dB over clears it.
        assert!(feed(6.5, 9.0, -38.5).iter().all(|s| s.mic_too_quiet));
        assert!(!feed(9.0, 9.5, -36.0).last().unwrap().mic_too_quiet);
    }

    #[test]
    fn after_a_calibration_on_a_quiet_headset_the_quiet_mic_alarm_is_up_only_with_a_red_gauge() {
        // Calibrated at −38 dBFS: the volume gauge is green down to −42, amber to −46.
        let baseline = Baseline {
            pitch_median_hz: 150.0,
            pitch_spread_st: 8.0,
            active_level_dbfs: -38.0,
            syllables_per_min: 150.0,
        };
        let mut c = Coach::new(Lang::Zh, Some(baseline));
        let mut t = 0.0;
        let mut states = Vec::new();
        // Down and back up in 1 dB steps, each held 4 s (past the alarm's 3 s hold).
        let levels: Vec<f32> = (38..=58).chain((38..58).rev()).map(|l| -(l as f32)).collect();
        for level in levels {
            for _ in 0..400 {
                states.push((level, *c.push(&frame(t, 150.0, level, 8.0))));
                t += 0.01;
            }
        }
        // −41 dBFS is −3 dB, green: once the old absolute −40 dBFS raised the alarm here.
        let at_41: Vec<&CoachState> =
            states.iter().filter(|(l, _)| *l == -41.0).map(|(_, s)| s).collect();
        assert!(at_41.iter().all(|s| s.volume.band == Some(Band::Green) && !s.mic_too_quiet));
        // Whenever the alarm (or its cue) is up, the gauge reads red on the quiet side.
        for (level, s) in &states {
            if s.mic_too_quiet || s.cue == Some(Cue::MicTooQuiet) {
                assert_eq!(s.volume.band, Some(Band::Red), "{level} dBFS: {s:?}");
                assert!(s.volume.value.unwrap() < 0.0, "{level} dBFS");
            }
        }
        // It is still raised where the microphone is far too quiet for this agent.
        assert!(states.iter().any(|(l, s)| *l == -55.0 && s.mic_too_quiet));
    }

    #[test]
    fn the_hold_cue_takes_the_hold_timers_colour_amber_at_the_warning_red_past_the_limit() {
        let mut c = Coach::new(Lang::Zh, None);
        let mut t = 0.0;
        let mut hold = |c: &mut Coach, alert: HoldAlert, seconds: f64| {
            let mut last = CoachState::default();
            for _ in 0..(seconds * 100.0) as usize {
                let conversation = LiveConversation { hold_alert: alert, ..Default::default() };
                c.set_conversation(Some(conversation));
                let silent = Frame { time_s: t, level_dbfs: -80.0, ..Default::default() };
                last = *c.push(&silent);
                t += 0.01;
            }
            last
        };
        hold(&mut c, HoldAlert::None, 1.0);
        let warned = hold(&mut c, HoldAlert::Warn, 3.0);
        assert_eq!(warned.headline, Headline::Cue { cue: Cue::HoldTooLong, band: Band::Amber });
        let over = hold(&mut c, HoldAlert::Alarm, 1.0);
        assert_eq!(over.headline, Headline::Cue { cue: Cue::HoldTooLong, band: Band::Red });
    }

    #[test]
    fn sustained_fast_speech_raises_the_too_fast_cue_and_a_rising_trend() {
        let mut c = Coach::new(Lang::Zh, None);
        let mut last = CoachState::default();
        for i in 0..600 {
            let t = i as f64 * 0.01;
            last = *c.push(&frame(t, 150.0 + 20.0 * t as f32, -26.0, 8.0));
        }
        assert_eq!(last.cue, Some(Cue::TooFast));
        assert_eq!(last.pace.trend, Trend::Rising);
    }

    #[test]
    fn raised_pitch_and_level_against_the_baseline_for_five_seconds_is_losing_calm() {
        let baseline = Baseline {
            pitch_median_hz: 120.0,
            pitch_spread_st: 6.0,
            active_level_dbfs: -26.0,
            syllables_per_min: 150.0,
        };
        let mut c = Coach::new(Lang::Zh, Some(baseline));
        let mut states = Vec::new();
        for i in 0..800 {
            // 150 Hz is +3.9 st over 120 Hz; −20 dBFS is +6 dB
            states.push(*c.push(&frame(i as f64 * 0.01, 150.0, -20.0, 8.0)));
        }
        assert_ne!(states[400].tone_state, Some(ToneState::Agitated));
        assert_eq!(states[799].tone_state, Some(ToneState::Agitated));
        assert_eq!(states[799].cue, Some(Cue::LosingCalm));
    }

    /// Whether the line's `h` agrees with the gauges of `s` at the same instant.
    fn agrees(h: Headline, s: &CoachState, device_ok: bool) -> bool {
        let off = |r: Reading, band: Band| band != Band::Green && r.band == Some(band);
        match h {
            _ if !device_ok => h == Headline::DeviceLost,
            Headline::DeviceLost => false,
            Headline::Waiting | Headline::Settling => true,
            Headline::KeepItUp => {
                [s.pace, s.volume, s.tone].iter().all(|r| r.band.is_none_or(|b| b == Band::Green))
                    && !s.clipping
                    && !s.mic_too_quiet
            }
            Headline::Cue { cue, band } => match cue {
                Cue::Clipping => s.clipping,
                Cue::MicTooQuiet => s.mic_too_quiet,
                Cue::LosingCalm => s.tone_state == Some(ToneState::Agitated),
                Cue::TooFast => off(s.pace, band) && s.pace.value.unwrap() > 150.0,
                Cue::TooSlow => off(s.pace, band) && s.pace.value.unwrap() < 150.0,
                Cue::TooLoud => off(s.volume, band) && s.volume.value.unwrap() > 0.0,
                Cue::TooSoft => off(s.volume, band) && s.volume.value.unwrap() < 0.0,
                Cue::Flat => off(s.tone, band),
                // no caller in this test
                _ => false,
            },
        }
    }

    #[test]
    fn the_headline_agrees_with_the_gauges_in_every_band_combination() {
        // (value, band) per gauge: none, green, amber, red (guidance defaults, zh, no
        // baseline: normal level −26 dBFS, flat floor 5 st).
        let bands = [None, Some(Band::Green), Some(Band::Amber), Some(Band::Red)];
        let pace = [None, Some(150.0), Some(185.0), Some(230.0)];
        let level = [None, Some(-26.0), Some(-20.0), Some(-15.0)];
        let spread = [None, Some(8.0), Some(4.5), Some(2.0)];
        let mut c = Coach::new(Lang::Zh, None);
        let mut t = 0.0;
        let mut combinations = 0;
        for (p, v, s) in
            (0..4).flat_map(|p| (0..4).flat_map(move |v| (0..4).map(move |s| (p, v, s))))
        {
            for clipping in [false, true] {
                for device_ok in [true, false] {
                    let f = Frame {
                        time_s: 0.0,
                        f0_hz: 150.0,
                        level_dbfs: level[v].unwrap_or(-60.0),
                        speech: true,
                        active_level_dbfs: level[v],
                        syllables_per_min: pace[p],
                        pitch_median_hz: Some(150.0),
                        pitch_spread_st: spread[s],
                        clipped_samples: u32::from(clipping),
                        ..Default::default()
                    };
                    // Held for 25 s: longer than a nudge's sustained breach plus the
                    // cooldown after the last one.
                    let mut last = (Headline::Waiting, CoachState::default());
                    for _ in 0..2500 {
                        let state = *c.push(&Frame { time_s: t, ..f });
                        let h = headline(state.headline, device_ok);
                        assert!(agrees(h, &state, device_ok), "{h:?} against {state:?}");
                        last = (h, state);
                        t += 0.01;
                    }
                    let (h, state) = last;
                    assert_eq!(
                        (state.pace.band, state.volume.band, state.tone.band),
                        (bands[p], bands[v], bands[s])
                    );
                    let worst = |b: Band| {
                        [(bands[p], Cue::TooFast), (bands[v], Cue::TooLoud), (bands[s], Cue::Flat)]
                            .into_iter()
                            .find(|&(x, _)| x == Some(b))
                            .map(|(_, cue)| Headline::Cue { cue, band: b })
                    };
                    let expected = if !device_ok {
                        Headline::DeviceLost
                    } else if clipping {
                        Headline::Cue { cue: Cue::Clipping, band: Band::Red }
                    } else if let Some(h) = worst(Band::Red).or_else(|| worst(Band::Amber)) {
                        h
                    } else if (p, v, s) == (0, 0, 0) {
                        Headline::Waiting
                    } else {
                        Headline::KeepItUp
                    };
                    assert_eq!(h, expected, "pace {p} volume {v} tone {s} clipping {clipping}");
                    combinations += 1;
                }
            }
        }
        assert_eq!(combinations, 4 * 4 * 4 * 2 * 2);
    }
}
