//! The caller's lane must not be the agent's microphone. A sound server moves streams by
//! itself: when a headset is unplugged it rescues the caller's monitor stream onto the
//! default source (the microphone), and when one is plugged back it may move every
//! record stream onto the new microphone. cpal cannot tell which source a stream ended up
//! on, but the signal can: two captures of one source carry the same level envelope, hop
//! by hop, at the same loudness. Two people never do — while the caller talks the agent
//! listens (their lane is tens of dB below), in double-talk the two envelopes differ by
//! syllable, and a far end's echo of the agent comes back attenuated and late.
//!
//! So over the caller's recent speech hops the check compares the two lanes' levels at
//! the best small time offset: a near-constant difference (standard deviation under
//! [`MAX_SPREAD_DB`]) close to zero gain (within [`MAX_GAIN_DB`]) means one signal. A
//! mirrored caller lane is treated as silence (it is not a caller: no call starts on it)
//! and raises an alarm that makes both sides re-resolve their sources.

use std::collections::VecDeque;

use crate::analysis::Frame;

/// Hops looked back over: 1.5 s.
const WINDOW_HOPS: usize = 150;
/// Caller speech hops needed for a verdict: 0.25 s, half of what starts a call
/// ([`crate::conversation::bounds::START_TALK_S`] = 0.5 s), so a mirrored lane is caught before
/// its "talk" can open a call.
const MIN_SPEECH_HOPS: usize = 25;
/// Time offsets tried between the lanes, in hops either way: the two streams are placed on
/// one clock by their capture times, which two server streams report within tens of ms.
const MAX_LAG_HOPS: usize = 15;
/// Hop-by-hop spread of the level difference of one signal captured twice: resampling and
/// a 10 ms grid that is not aligned to the sample add about 1 dB (onsets more). Two
/// speakers' envelopes differ by 6 dB or more (syllables at 4–5 a second, levels 20 dB
/// apart within a syllable).
const MAX_SPREAD_DB: f32 = 3.0;
/// Gain between the lanes still taken as one signal: the server's resampling and mixing
/// keep a source's level within a dB; a far end's echo of the agent is 15 dB down or more
/// (ITU-T G.168 asks network echo cancellers for more).
const MAX_GAIN_DB: f32 = 6.0;

#[derive(Debug, Clone, Copy)]
struct Levels {
    agent_dbfs: f32,
    caller_dbfs: f32,
    caller_speech: bool,
}

/// The running same-signal check between the agent's and the caller's lanes.
#[derive(Debug, Default)]
pub struct MirrorCheck {
    hops: VecDeque<Levels>,
    mirrored: bool,
    /// How many times the caller's lane was found to mirror the agent's.
    alarms: u64,
}

impl MirrorCheck {
    pub fn new() -> Self {
        Self { hops: VecDeque::with_capacity(WINDOW_HOPS + 1), ..Self::default() }
    }

    /// One paired hop; returns whether the caller's lane mirrors the agent's now. Once
    /// found, it stays mirrored until the caller's lane carries speech of its own: each
    /// verdict of "mirrored" starts the evidence afresh (the sources are re-resolved, and
    /// the next verdict must be about what they carry then).
    pub fn push(&mut self, agent: &Frame, caller: &Frame) -> bool {
        if self.hops.len() == WINDOW_HOPS {
            self.hops.pop_front();
        }
        // Digital silence may read as −∞: one floor for both lanes.
        let level =
            |f: &Frame| if f.level_dbfs.is_finite() { f.level_dbfs.max(-120.0) } else { -120.0 };
        self.hops.push_back(Levels {
            agent_dbfs: level(agent),
            caller_dbfs: level(caller),
            caller_speech: caller.speech,
        });
        if caller.speech {
            match self.verdict() {
                Some(true) => {
                    self.mirrored = true;
                    self.alarms += 1;
                    self.hops.clear();
                }
                Some(false) => self.mirrored = false,
                None => {}
            }
        }
        self.mirrored
    }

    pub fn mirrored(&self) -> bool {
        self.mirrored
    }

    /// How many times a mirrored caller lane has been found (each asks for a re-resolve).
    pub fn alarms(&self) -> u64 {
        self.alarms
    }

    /// Whether the window's caller speech is the agent's signal; `None` with too little.
    fn verdict(&self) -> Option<bool> {
        let n = self.hops.len();
        let speech = self.hops.iter().filter(|h| h.caller_speech).count();
        if speech < MIN_SPEECH_HOPS {
            return None;
        }
        let best_spread = (0..=2 * MAX_LAG_HOPS)
            .filter_map(|k| {
                // The agent's hop `lag` before the caller's (negative: after).
                let lag = k as isize - MAX_LAG_HOPS as isize;
                let (mut count, mut sum, mut sum_sq) = (0usize, 0f64, 0f64);
                for (i, c) in self.hops.iter().enumerate().filter(|(_, h)| h.caller_speech) {
                    let j = i as isize - lag;
                    let Some(a) = usize::try_from(j).ok().filter(|&j| j < n).map(|j| self.hops[j])
                    else {
                        continue;
                    };
                    let d = f64::from(a.agent_dbfs - c.caller_dbfs);
                    count += 1;
                    sum += d;
                    sum_sq += d * d;
                }
                // Most of the speech must be compared at this offset.
                if count * 5 < speech * 4 {
                    return None;
                }
                let mean = sum / count as f64;
                let spread = (sum_sq / count as f64 - mean * mean).max(0.0).sqrt();
                (mean.abs() <= f64::from(MAX_GAIN_DB)).then_some(spread)
            })
            .min_by(f64::total_cmp);
        Some(best_spread.is_some_and(|s| s <= f64::from(MAX_SPREAD_DB)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A speech-like level envelope: syllables of 0.2 s at a rate and phase of their own,
    /// from `floor` up to about −20 dBFS.
    fn envelope(hops: usize, seed: u64, floor: f32) -> Vec<f32> {
        let mut x = seed;
        let mut next = move || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) as f32 / (1u64 << 31) as f32
        };
        let mut out = Vec::with_capacity(hops);
        while out.len() < hops {
            let peak = -30.0 + 12.0 * next();
            let len = 12 + (next() * 14.0) as usize;
            for k in 0..len {
                let shape = (std::f32::consts::PI * k as f32 / len as f32).sin();
                out.push(floor + (peak - floor) * shape.powf(0.5) + next());
            }
            // A short gap between syllables now and then.
            for _ in 0..(next() * 6.0) as usize {
                out.push(floor + next());
            }
        }
        out.truncate(hops);
        out
    }

    fn frame(level_dbfs: f32, floor: f32) -> Frame {
        Frame { level_dbfs, speech: level_dbfs > floor + 6.0, ..Frame::default() }
    }

    /// Runs the lanes through a check; the verdict after each hop.
    fn run(agent: &[f32], caller: &[f32], floors: (f32, f32)) -> (Vec<bool>, u64) {
        let mut check = MirrorCheck::new();
        let verdicts = agent
            .iter()
            .zip(caller)
            .map(|(&a, &c)| check.push(&frame(a, floors.0), &frame(c, floors.1)))
            .collect();
        (verdicts, check.alarms())
    }

    #[test]
    fn a_caller_lane_carrying_the_microphone_is_found_before_it_could_start_a_call() {
        let mic = envelope(300, 7, -70.0);
        // The same signal, 3 hops later and 0.5 dB down (resampled by the server), with
        // the 10 ms grid's own jitter of up to ±1 dB.
        let caller: Vec<f32> = (0..mic.len())
            .map(|i| {
                let jitter = ((i * 7919) % 21) as f32 / 10.0 - 1.0;
                mic[i.saturating_sub(3)] - 0.5 + jitter
            })
            .collect();
        let (verdicts, alarms) = run(&mic, &caller, (-70.0, -70.0));
        let first_speech = caller.iter().position(|&c| c > -64.0).unwrap();
        let found = verdicts.iter().position(|&m| m).expect("mirror found");
        // Under 0.5 s of the caller's lane (what starts a call, START_TALK_S).
        assert!(found - first_speech < 50, "found at hop {found}, speech from {first_speech}");
        assert!(verdicts[found..].iter().all(|&m| m), "it stays found while it mirrors");
        assert!(alarms >= 2, "each fresh verdict on the same signal alarms again: {alarms}");
    }

    #[test]
    fn a_caller_talking_while_the_agent_listens_is_a_caller() {
        let caller = envelope(600, 11, -80.0);
        // The agent's microphone hears their room, and a little of the headset.
        let agent: Vec<f32> = caller.iter().map(|c| (c - 40.0).max(-62.0)).collect();
        let (verdicts, alarms) = run(&agent, &caller, (-62.0, -80.0));
        assert!(verdicts.iter().all(|&m| !m));
        assert_eq!(alarms, 0);
    }

    #[test]
    fn two_people_talking_at_once_at_the_same_level_are_two_signals() {
        for seed in 0..20 {
            let agent = envelope(600, 100 + seed, -70.0);
            let caller = envelope(600, 200 + seed, -70.0);
            let (verdicts, alarms) = run(&agent, &caller, (-70.0, -70.0));
            assert!(verdicts.iter().all(|&m| !m), "seed {seed}");
            assert_eq!(alarms, 0, "seed {seed}");
        }
    }

    #[test]
    fn the_far_ends_echo_of_the_agent_is_not_the_agent() {
        // The agent's voice back from the network, 18 dB down and 40 ms late, alone on the
        // caller's lane (the worst case: no caller speech to tell it apart).
        let agent = envelope(600, 5, -75.0);
        let caller: Vec<f32> =
            (0..agent.len()).map(|i| (agent[i.saturating_sub(4)] - 18.0).max(-75.0)).collect();
        let (verdicts, _) = run(&agent, &caller, (-75.0, -75.0));
        assert!(verdicts.iter().all(|&m| !m));
    }

    #[test]
    fn a_lane_that_mirrored_is_a_caller_again_once_it_carries_a_voice_of_its_own() {
        let mic = envelope(600, 3, -70.0);
        let own = envelope(600, 4, -80.0);
        let quiet_mic: Vec<f32> = own.iter().map(|c| (c - 40.0).max(-70.0)).collect();
        let agent: Vec<f32> = mic[..300].iter().chain(&quiet_mic[300..]).copied().collect();
        let caller: Vec<f32> = mic[..300].iter().chain(&own[300..]).copied().collect();
        let mut check = MirrorCheck::new();
        let verdicts: Vec<bool> = agent
            .iter()
            .zip(&caller)
            .map(|(&a, &c)| check.push(&frame(a, -70.0), &frame(c, -80.0)))
            .collect();
        assert!(verdicts[..300].iter().any(|&m| m));
        assert!(!verdicts[599], "the caller's own voice clears it");
    }
}
