//! The moments of a call most worth a replay, and the tips tied to them.
//!
//! Skill grows from personal, delayed feedback on concrete moments (Tanveer et al. 2015,
//! "Rhema"; Chollet, Marsella & Scherer 2022), so the report picks at most three stretches
//! of the agent's own call, each with its time, rather than averages alone. Candidates:
//! the fastest and the loudest 20 s, the longest monologue, each interruption of the
//! caller, each hold of 30 s or more (guidance row 8) and each dead air (row 10). Each is
//! scored by how far it went past its target, in widths of the target band, so that one
//! ranking serves them all; windows that overlap are never both shown, and a stretch
//! within its target is never a moment (issue 23: "loudest 20 s: −1 dB" shown while a
//! 3.75 s interruption was left out).

use serde::Serialize;

use super::words::{pace_unit, words};
use crate::analysis::Lang;
use crate::conversation::{ConversationEvent, EventKind, HOLD_ALARM_S};
use crate::session::when::clock;
use crate::words::fill;

/// A replay is this long: long enough to hear a sentence or two on each side of the
/// moment, short enough to be played on the spot.
pub const REPLAY_S: f64 = 20.0;
/// A stretch counts for pace only with this much of the agent's turn time (or talk, in
/// older sessions) in it (half the window):
/// two sentences around a pause are not a pace.
const PACE_MIN_TALK_S: f64 = 10.0;
/// A stretch counts for loudness with this much speech in it.
const LEVEL_MIN_SPEECH_S: f64 = 5.0;
/// A monologue this long leaves the caller no way in. Not a number from the documents
/// (they ask to let the caller talk, row 7); ours: about six to eight sentences.
pub const MONOLOGUE_LONG_S: f32 = 30.0;
/// At most this many moments are shown, and this many tips given.
pub const MOMENTS: usize = 3;
pub const TIPS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MomentKind {
    FastestPace,
    LoudestStretch,
    LongestMonologue,
    Interruption,
    LongHold,
    DeadAir,
}

/// One moment, with the stretch of audio that replays it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Moment {
    pub kind: MomentKind,
    /// When it happened, in call time.
    pub at_s: f64,
    /// The replay: from `start_s`, `length_s` long (call time).
    pub start_s: f64,
    pub length_s: f64,
    /// Its figure: pace in the call's unit; dB above the agent's normal level; seconds of
    /// monologue, hold or dead air; seconds of talking over the caller.
    pub value: f32,
    /// Past its target (always, for a moment chosen; kept for the report's JSON readers).
    pub off_target: bool,
    #[serde(skip)]
    score: f32,
}

/// One second of the call, as moments are looked for in it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Second {
    pub syllables: u32,
    /// Hops of the time the pace is counted over: the agent's turn time, the headline
    /// pace's own base (pauses inside a turn included), in sessions that wrote it; the
    /// hops the agent talked (the conversation's lane, or speech) in older ones. On the
    /// talk lane, which leaves out every pause of 0.5 s or more, the demo's fastest 20 s
    /// (a session of `speech-coach --demo`, `report --json`) read 268 characters a minute
    /// from 0:34, where `analyze` on those 20 s (`sox demo.wav cut.wav trim 34 20`) reads
    /// 236; on turn time it is 263 from 0:30, and `analyze` on that cut reads 266.
    pub pace_hops: u32,
    pub speech_hops: u32,
    /// Sum and count of the active level over speech hops.
    pub level_sum: f64,
    pub level_hops: u32,
}

/// What the moments are chosen from.
pub struct Inputs<'a> {
    pub seconds: &'a [Second],
    pub speech_lang: Lang,
    /// Green pace band, in the call's unit.
    pub pace_green: (f32, f32),
    /// Green volume band, dB relative to normal.
    pub volume_green: (f32, f32),
    /// The agent's normal active level (their baseline, else this call's).
    pub normal_level_dbfs: Option<f32>,
    /// Start and length of the longest monologue.
    pub monologue: Option<(f64, f32)>,
    pub events: &'a [ConversationEvent],
    pub duration_s: f64,
}

/// Sums of `n`-second windows over `seconds`, as (start second, sum).
fn windows<T: Copy + Default + std::ops::AddAssign + std::ops::SubAssign>(
    seconds: &[Second],
    n: usize,
    value: impl Fn(&Second) -> T,
) -> Vec<(usize, T)> {
    let mut out = Vec::new();
    let mut sum = T::default();
    for (i, s) in seconds.iter().enumerate() {
        sum += value(s);
        if i >= n {
            sum -= value(&seconds[i - n]);
        }
        if i + 1 >= n.min(seconds.len()) {
            out.push(((i + 1).saturating_sub(n), sum));
        }
    }
    out
}

/// The highest value, the earliest of equals (the first time it happened).
fn first_highest(a: (usize, f32), b: (usize, f32)) -> (usize, f32) {
    if b.1 > a.1 { b } else { a }
}

fn band_width(band: (f32, f32)) -> f32 {
    (band.1 - band.0).abs().max(1.0)
}

fn fastest(i: &Inputs) -> Option<Moment> {
    let n = REPLAY_S as usize;
    let syl = windows(i.seconds, n, |s| s.syllables);
    let talk = windows(i.seconds, n, |s| s.pace_hops);
    let (start, pace) = syl
        .iter()
        .zip(&talk)
        .filter(|(_, (_, hops))| f64::from(*hops) / 100.0 >= PACE_MIN_TALK_S)
        .map(|((start, syl), (_, hops))| {
            let per_min = f64::from(*syl) / (f64::from(*hops) / 100.0) * 60.0;
            (*start, i.speech_lang.pace_from_syllables(per_min as f32))
        })
        .reduce(first_highest)?;
    let over = (pace - i.pace_green.1) / band_width(i.pace_green);
    Some(moment(MomentKind::FastestPace, start as f64, start as f64, pace, over))
}

fn loudest(i: &Inputs) -> Option<Moment> {
    let normal = i.normal_level_dbfs?;
    let n = REPLAY_S as usize;
    let sums = windows(i.seconds, n, |s| s.level_sum);
    let hops = windows(i.seconds, n, |s| s.level_hops);
    let (start, level) = sums
        .iter()
        .zip(&hops)
        .filter(|(_, (_, h))| f64::from(*h) / 100.0 >= LEVEL_MIN_SPEECH_S)
        .map(|((start, sum), (_, h))| (*start, (sum / f64::from(*h)) as f32))
        .reduce(first_highest)?;
    let above = level - normal;
    let over = (above - i.volume_green.1) / band_width(i.volume_green);
    Some(moment(MomentKind::LoudestStretch, start as f64, start as f64, above, over))
}

fn moment(kind: MomentKind, at_s: f64, start_s: f64, value: f32, score: f32) -> Moment {
    Moment {
        kind,
        at_s,
        start_s: start_s.max(0.0),
        length_s: REPLAY_S,
        value,
        off_target: score > 0.0,
        score,
    }
}

fn candidates(i: &Inputs) -> Vec<Moment> {
    let mut all: Vec<Moment> = [fastest(i), loudest(i)].into_iter().flatten().collect();
    if let Some((start, len)) = i.monologue.filter(|(_, len)| *len > 0.0) {
        let score = (len - MONOLOGUE_LONG_S) / MONOLOGUE_LONG_S;
        all.push(moment(MomentKind::LongestMonologue, start, start - 2.0, len, score));
    }
    for e in i.events {
        let m = match e.kind {
            // Past its target by definition (row 7: let the caller finish), and the
            // longer the agent talked over the caller, the further: one band width plus
            // one per second of overlap.
            EventKind::AgentInterruption => {
                let over = 1.0 + e.duration_s.max(0.0);
                moment(MomentKind::Interruption, e.time_s, e.time_s - 6.0, e.duration_s, over)
            }
            // Hear how the caller was put on hold: "please wait" is for under 30 s.
            EventKind::Hold if e.duration_s >= HOLD_ALARM_S => {
                let over = 1.0 + (e.duration_s - HOLD_ALARM_S) / HOLD_ALARM_S;
                moment(MomentKind::LongHold, e.time_s, e.time_s - 12.0, e.duration_s, over)
            }
            EventKind::DeadAir => {
                let over = 0.5 + (e.duration_s - 5.0).max(0.0) / 10.0;
                moment(MomentKind::DeadAir, e.time_s, e.time_s - 8.0, e.duration_s, over)
            }
            _ => continue,
        };
        all.push(m);
    }
    all.retain(|m| {
        m.off_target && m.start_s.is_finite() && m.value.is_finite() && m.score.is_finite()
    });
    for m in &mut all {
        // A replay never runs past the end of the call when the call is long enough.
        if i.duration_s >= REPLAY_S {
            m.start_s = m.start_s.min(i.duration_s - REPLAY_S);
        }
    }
    all
}

/// The moments most worth a replay: the highest scores whose replays do not overlap,
/// in call order.
pub fn choose(inputs: &Inputs) -> Vec<Moment> {
    let mut all = candidates(inputs);
    all.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut chosen: Vec<Moment> = Vec::new();
    for m in all {
        let overlaps = chosen
            .iter()
            .any(|c| m.start_s < c.start_s + c.length_s && c.start_s < m.start_s + m.length_s);
        if !overlaps && chosen.len() < MOMENTS {
            chosen.push(m);
        }
    }
    chosen.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    chosen
}

/// How the report names what the agent's level is compared with.
pub fn normal_words(lang: Lang, baseline: bool) -> &'static str {
    if baseline { words(lang).normal_baseline } else { words(lang).normal_default }
}

pub fn title(lang: Lang, kind: MomentKind) -> &'static str {
    let w = words(lang);
    match kind {
        MomentKind::FastestPace => w.moment_fastest,
        MomentKind::LoudestStretch => w.moment_loudest,
        MomentKind::LongestMonologue => w.moment_monologue,
        MomentKind::Interruption => w.moment_interruption,
        MomentKind::LongHold => w.moment_hold,
        MomentKind::DeadAir => w.moment_dead_air,
    }
}

/// What the report says about a moment, in the reader's words.
pub struct Context {
    pub lang: Lang,
    pub speech_lang: Lang,
    pub pace_green: (f32, f32),
    /// The level is compared with a calibrated baseline (else with the default normal level,
    /// as the volume gauge was).
    pub baseline: bool,
}

fn signed(v: f32) -> String {
    format!("{v:+.0}")
}

pub fn detail(c: &Context, m: &Moment) -> String {
    let w = words(c.lang);
    let value = format!("{:.0}", m.value);
    match m.kind {
        MomentKind::FastestPace => fill(
            w.detail_pace,
            &[
                ("value", &value),
                ("unit", pace_unit(c.lang, c.speech_lang)),
                ("lo", &format!("{:.0}", c.pace_green.0)),
                ("hi", &format!("{:.0}", c.pace_green.1)),
            ],
        ),
        MomentKind::LoudestStretch => fill(
            w.detail_level,
            &[("value", &signed(m.value)), ("normal", normal_words(c.lang, c.baseline))],
        ),
        MomentKind::Interruption => {
            fill(w.detail_overlap, &[("value", &format!("{:.1}", m.value))])
        }
        _ => fill(w.detail_length, &[("value", &seconds_value(m.value))]),
    }
}

/// A length in seconds as the report writes it: one decimal under a minute, so that a
/// 29.9 s hold is not shown as "30 s", the very limit it stayed under (issue 23).
pub fn seconds_value(v: f32) -> String {
    if v < 60.0 { format!("{v:.1}") } else { format!("{:.0}", v.floor()) }
}

/// One tip, tied to the moment it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tip {
    /// Index into the report's moments; `None` for the "all on target" tip.
    pub moment: Option<usize>,
    pub text: String,
}

/// One or two tips for the worst moments past their targets, one per kind.
pub fn tips(c: &Context, moments: &[Moment]) -> Vec<Tip> {
    let w = words(c.lang);
    let mut ranked: Vec<(usize, &Moment)> =
        moments.iter().enumerate().filter(|(_, m)| m.off_target).collect();
    ranked.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
    let mut out: Vec<Tip> = Vec::new();
    let mut kinds = Vec::new();
    for (index, m) in ranked {
        if out.len() == TIPS || kinds.contains(&m.kind) {
            continue;
        }
        kinds.push(m.kind);
        let template = match m.kind {
            MomentKind::FastestPace => w.tip_fast,
            MomentKind::LoudestStretch => w.tip_loud,
            MomentKind::LongestMonologue => w.tip_monologue,
            MomentKind::Interruption => w.tip_interruption,
            MomentKind::LongHold => w.tip_hold,
            MomentKind::DeadAir => w.tip_dead_air,
        };
        let value = match m.kind {
            MomentKind::LoudestStretch => format!("{:.0}", m.value.abs()),
            MomentKind::FastestPace => format!("{:.0}", m.value),
            _ => seconds_value(m.value),
        };
        let text = fill(
            template,
            &[
                ("time", &clock(m.at_s)),
                ("value", &value),
                ("unit", pace_unit(c.lang, c.speech_lang)),
                ("normal", normal_words(c.lang, c.baseline)),
            ],
        );
        out.push(Tip { moment: Some(index), text });
    }
    if out.is_empty() {
        out.push(Tip { moment: None, text: w.tip_all_good.into() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` seconds of talk at `syl_per_s` syllables a second and `level` dBFS.
    fn talk(n: usize, syl_per_s: u32, level: f64) -> Vec<Second> {
        vec![
            Second {
                syllables: syl_per_s,
                pace_hops: 100,
                speech_hops: 100,
                level_sum: level * 100.0,
                level_hops: 100,
            };
            n
        ]
    }

    fn inputs<'a>(seconds: &'a [Second], events: &'a [ConversationEvent]) -> Inputs<'a> {
        Inputs {
            seconds,
            speech_lang: Lang::Zh,
            pace_green: (130.0, 170.0),
            volume_green: (-4.0, 4.0),
            normal_level_dbfs: Some(-30.0),
            monologue: None,
            events,
            duration_s: seconds.len() as f64,
        }
    }

    #[test]
    fn the_fastest_and_loudest_stretches_are_found_where_they_are() {
        // 60 s at 2.5 syl/s (150/min), 20 s at 3.5 (210/min), 60 s at 2.5 but 8 dB louder.
        let mut s = talk(60, 5, -30.0);
        for x in &mut s {
            x.syllables = 2; // alternate 2 and 3: 2.5 a second
        }
        for x in s.iter_mut().step_by(2) {
            x.syllables = 3;
        }
        let mut fast = talk(20, 0, -30.0);
        for (k, x) in fast.iter_mut().enumerate() {
            x.syllables = if k % 2 == 0 { 3 } else { 4 };
        }
        s.extend(fast);
        s.extend(talk(60, 2, -22.0));
        let i = inputs(&s, &[]);
        let f = fastest(&i).unwrap();
        assert_eq!(f.start_s, 60.0);
        assert!((f.value - 210.0).abs() < 0.5, "{f:?}");
        assert!(f.off_target);
        let l = loudest(&i).unwrap();
        assert!(l.start_s >= 80.0 && (l.value - 8.0).abs() < 0.01, "{l:?}");
        assert!(l.off_target);
    }

    #[test]
    fn only_moments_past_their_target_are_chosen_and_short_holds_are_no_moment() {
        let s = talk(200, 2, -30.0); // 120/min: a little slow, not fast
        let events = [
            ConversationEvent { time_s: 40.0, kind: EventKind::AgentInterruption, duration_s: 1.2 },
            ConversationEvent { time_s: 100.0, kind: EventKind::Hold, duration_s: 42.0 },
            ConversationEvent { time_s: 160.0, kind: EventKind::Hold, duration_s: 15.0 },
            ConversationEvent {
                time_s: 45.0,
                kind: EventKind::CallerInterruption,
                duration_s: 1.0,
            },
        ];
        let chosen = choose(&inputs(&s, &events));
        let kinds: Vec<MomentKind> = chosen.iter().map(|m| m.kind).collect();
        // In call order; an even-level stretch within its target is no moment (issue 23).
        assert_eq!(kinds, [MomentKind::Interruption, MomentKind::LongHold]);
        assert_eq!(chosen[0].at_s, 40.0);
        assert_eq!(chosen[0].start_s, 34.0, "the replay starts before the interruption");
        assert!(chosen.iter().all(|m| m.off_target));
        // No two replays overlap.
        for pair in chosen.windows(2) {
            assert!(pair[0].start_s + pair[0].length_s <= pair[1].start_s, "{chosen:?}");
        }
    }

    #[test]
    fn tips_name_the_moment_in_the_readers_language_and_a_good_call_gets_praise() {
        let s = talk(100, 4, -30.0); // 240/min
        let events =
            [ConversationEvent { time_s: 70.0, kind: EventKind::DeadAir, duration_s: 8.0 }];
        let moments = choose(&inputs(&s, &events));
        let zh = Context {
            lang: Lang::Zh,
            speech_lang: Lang::Zh,
            pace_green: (130.0, 170.0),
            baseline: true,
        };
        let tips_zh = tips(&zh, &moments);
        assert_eq!(tips_zh.len(), 2, "{tips_zh:?}");
        assert!(tips_zh[0].text.starts_with("0:00 这段语速到了 240 字/分钟"), "{tips_zh:?}");
        assert!(tips_zh[1].text.starts_with("1:10 双方沉默了 8.0 秒"), "{tips_zh:?}");
        let en = Context { lang: Lang::En, ..zh };
        let tips_en = tips(&en, &moments);
        assert!(tips_en[0].text.starts_with("At 0:00 your pace reached 240 chars/min."));
        assert!(!tips_en.iter().any(|t| t.text.contains('{')), "{tips_en:?}");
        let calm = talk(100, 2, -30.0);
        let mut on_target = calm.clone();
        for x in on_target.iter_mut().step_by(2) {
            x.syllables = 3;
        }
        let good = choose(&inputs(&on_target, &[]));
        assert!(good.is_empty(), "{good:?}");
        assert_eq!(tips(&en, &good)[0].moment, None);
        assert_eq!(tips(&en, &good).len(), 1);
    }

    #[test]
    fn a_long_interruption_outranks_a_short_one_and_lengths_are_not_rounded_up() {
        let s = talk(300, 2, -30.0);
        let interruption = |time_s, duration_s| ConversationEvent {
            time_s,
            kind: EventKind::AgentInterruption,
            duration_s,
        };
        let events = [
            interruption(30.0, 0.7),
            interruption(80.0, 3.75),
            interruption(130.0, 0.8),
            interruption(180.0, 2.0),
            interruption(230.0, 0.9),
        ];
        let chosen = choose(&inputs(&s, &events));
        let at: Vec<f64> = chosen.iter().map(|m| m.at_s).collect();
        assert_eq!(at, [80.0, 180.0, 230.0]);
        assert_eq!(seconds_value(29.94), "29.9");
        assert_eq!(seconds_value(75.9), "75");
    }

    #[test]
    fn a_call_shorter_than_a_window_still_gets_its_moments() {
        let s = talk(12, 3, -30.0);
        let m = fastest(&inputs(&s, &[])).unwrap();
        assert_eq!(m.start_s, 0.0);
        assert!((m.value - 180.0).abs() < 0.01);
        assert!(choose(&inputs(&[], &[])).is_empty());
    }
}
