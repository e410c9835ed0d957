//! Choosing one pitch per frame from the candidates: a fixed-lag Viterbi search.
//!
//! Praat finds the cheapest path through all candidates of a whole recording; a live
//! gauge cannot wait for the end. Here the same kind of path costs (Boersma 1993; Praat's
//! octave-jump cost 0.35 and voiced/unvoiced cost 0.14) are accumulated frame by frame and
//! the decision for a frame is taken by tracing back from the best path `LAG` frames
//! later. Those few frames of hindsight stop a single strong sub-harmonic from becoming
//! an octave jump. Two additions make up for the missing future: the octave cost is
//! counted from the frame's highest strong candidate, and a voiced stretch that starts
//! far from the speaker's recent pitch pays extra.
//!
//! "Global peak" (Praat: the loudest sample of the file) becomes a running peak that
//! decays slowly, so the silence threshold follows the speaker across a long call.

use super::pitch::{Candidate, MAX_CANDIDATES, PitchFrame};

/// Frames of hindsight before a frame's pitch is final (10 ms hops: 20 ms).
pub const LAG: usize = 2;
const STATES: usize = MAX_CANDIDATES + 1;

#[derive(Debug, Clone, Copy)]
pub struct PathConfig {
    pub silence_threshold: f32,
    pub voicing_threshold: f32,
    pub octave_cost: f32,
    pub octave_jump_cost: f32,
    pub voiced_unvoiced_cost: f32,
    /// Time step in seconds; Praat scales transition costs by 0.01 s / step.
    pub time_step_s: f32,
    /// Per-second decay factor of the running peak that stands in for the file's peak.
    pub peak_decay_per_s: f32,
    /// Cost per octave by which a voiced stretch starts further than `prior_tolerance_oct`
    /// from the speaker's recent pitch. This is the octave protection that needs no future:
    /// a voice does not leap an octave between two syllables, a tracker does.
    pub prior_cost: f32,
    pub prior_tolerance_oct: f32,
    /// Weight of each newly decided voiced frame in the recent-pitch average.
    pub prior_rate: f32,
}

impl Default for PathConfig {
    fn default() -> Self {
        Self {
            silence_threshold: 0.03,
            voicing_threshold: 0.45,
            // Praat uses 0.01 per octave below the ceiling; measured relative to the frame's
            // highest strong candidate it can be larger without penalising low voices'
            // voicing (tuned on FDA with examples/pitch_eval.rs).
            octave_cost: 0.06,
            octave_jump_cost: 0.35,
            voiced_unvoiced_cost: 0.14,
            time_step_s: 0.01,
            // −6 dB in 5 s: slow enough that a pause does not make room noise "loud".
            peak_decay_per_s: 0.87,
            prior_cost: 1.0,
            prior_tolerance_oct: 0.6,
            prior_rate: 0.02,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Column {
    states: [Candidate; STATES],
    count: usize,
    score: [f32; STATES],
    back: [u8; STATES],
}

/// The decision for one frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PitchDecision {
    /// 0 when unvoiced.
    pub f0_hz: f32,
    /// Autocorrelation strength of the chosen candidate (0 when unvoiced).
    pub strength: f32,
}

pub struct PathTracker {
    config: PathConfig,
    columns: [Column; LAG + 1],
    frames_seen: usize,
    running_peak: f32,
    peak_decay_per_frame: f32,
    /// Recent pitch of the speaker (log2 Hz), from decided voiced frames.
    recent_log2_hz: Option<f32>,
}

impl PathTracker {
    pub fn new(config: PathConfig) -> Self {
        Self {
            columns: [Column::default(); LAG + 1],
            frames_seen: 0,
            running_peak: 0.0,
            recent_log2_hz: None,
            peak_decay_per_frame: config.peak_decay_per_s.powf(config.time_step_s),
            config,
        }
    }

    fn local_strength(&self, c: &Candidate, intensity: f32, top_log2: f32) -> f32 {
        let cfg = &self.config;
        if c.frequency_hz <= 0.0 {
            cfg.voicing_threshold
                + (2.0 - intensity / (cfg.silence_threshold / (1.0 + cfg.voicing_threshold)))
                    .max(0.0)
        } else {
            let log2_hz = c.frequency_hz.log2();
            c.strength - cfg.octave_cost * (top_log2 - log2_hz)
        }
    }

    fn prior(&self, hz: f32) -> f32 {
        let cfg = &self.config;
        self.recent_log2_hz.map_or(0.0, |r| {
            cfg.prior_cost * ((hz.log2() - r).abs() - cfg.prior_tolerance_oct).max(0.0)
        })
    }

    fn transition_cost(&self, from: f32, to: f32) -> f32 {
        let correction = 0.01 / self.config.time_step_s;
        match (from > 0.0, to > 0.0) {
            (false, false) => 0.0,
            (true, true) => correction * self.config.octave_jump_cost * (from / to).log2().abs(),
            // Starting a voiced stretch far from the speaker's recent pitch costs extra: with
            // no earlier frames to hold it, this is where a sub-harmonic would slip in.
            (false, true) => correction * self.config.voiced_unvoiced_cost + self.prior(to),
            _ => correction * self.config.voiced_unvoiced_cost,
        }
    }

    /// Adds a frame; returns the final decision for the frame `LAG` frames earlier,
    /// once there is one.
    pub fn push(&mut self, frame: &PitchFrame) -> Option<PitchDecision> {
        self.running_peak = (self.running_peak * self.peak_decay_per_frame).max(frame.local_peak);
        let intensity =
            if self.running_peak > 0.0 { frame.local_peak / self.running_peak } else { 0.0 };

        let index = self.frames_seen % (LAG + 1);
        let mut column = Column::default();
        column.states[0] = Candidate { frequency_hz: 0.0, strength: 0.0 };
        column.states[1..=frame.count].copy_from_slice(frame.voiced());
        column.count = frame.count + 1;
        let vt = self.config.voicing_threshold;
        let highest = |min_strength: f32| {
            frame
                .voiced()
                .iter()
                .filter(|c| c.strength >= min_strength)
                .map(|c| c.frequency_hz)
                .fold(0.0f32, f32::max)
        };
        let top = highest(vt);
        let top_log2 = if top > 0.0 { top } else { highest(0.0).max(1.0) }.log2();

        if self.frames_seen == 0 {
            for s in 0..column.count {
                column.score[s] = self.local_strength(&column.states[s], intensity, top_log2);
            }
        } else {
            let prev = &self.columns[(self.frames_seen - 1) % (LAG + 1)];
            let mut best_total = f32::NEG_INFINITY;
            for s in 0..column.count {
                let to = column.states[s].frequency_hz;
                let (mut best, mut arg) = (f32::NEG_INFINITY, 0u8);
                for p in 0..prev.count {
                    let v = prev.score[p] - self.transition_cost(prev.states[p].frequency_hz, to);
                    if v > best {
                        best = v;
                        arg = p as u8;
                    }
                }
                column.score[s] =
                    best + self.local_strength(&column.states[s], intensity, top_log2);
                column.back[s] = arg;
                best_total = best_total.max(column.score[s]);
            }
            // Keep the numbers small over an all-day stream.
            for s in 0..column.count {
                column.score[s] -= best_total;
            }
        }
        self.columns[index] = column;
        self.frames_seen += 1;
        if self.frames_seen <= LAG {
            return None;
        }

        // Trace back LAG steps from the best state of the newest column.
        let newest = &self.columns[index];
        let mut state = (0..newest.count)
            .max_by(|&a, &b| newest.score[a].total_cmp(&newest.score[b]))
            .unwrap_or(0);
        let mut frame_no = self.frames_seen - 1;
        for _ in 0..LAG {
            state = self.columns[frame_no % (LAG + 1)].back[state] as usize;
            frame_no -= 1;
        }
        let chosen = self.columns[frame_no % (LAG + 1)].states[state];
        if chosen.frequency_hz > 0.0 {
            let l = chosen.frequency_hz.log2();
            self.recent_log2_hz =
                Some(self.recent_log2_hz.map_or(l, |r| r + self.config.prior_rate * (l - r)));
        }
        Some(PitchDecision { f0_hz: chosen.frequency_hz, strength: chosen.strength })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(cands: &[(f32, f32)], peak: f32) -> PitchFrame {
        let mut f = PitchFrame { local_peak: peak, ..Default::default() };
        for (i, &(hz, s)) in cands.iter().enumerate() {
            f.candidates[i] = Candidate { frequency_hz: hz, strength: s };
        }
        f.count = cands.len();
        f
    }

    #[test]
    fn decisions_arrive_lag_frames_late() {
        let mut t = PathTracker::new(PathConfig::default());
        let f = frame(&[(200.0, 0.9)], 0.5);
        for _ in 0..LAG {
            assert!(t.push(&f).is_none());
        }
        assert_eq!(t.push(&f).unwrap().f0_hz, 200.0);
    }

    #[test]
    fn one_frame_with_a_stronger_subharmonic_does_not_jump_an_octave() {
        let mut t = PathTracker::new(PathConfig::default());
        let steady = frame(&[(200.0, 0.9), (100.0, 0.85)], 0.5);
        let glitch = frame(&[(200.0, 0.80), (100.0, 0.9)], 0.5);
        let mut out = Vec::new();
        for f in [steady, steady, steady, glitch, steady, steady, steady, steady] {
            out.extend(t.push(&f));
        }
        assert!(out.iter().all(|d| d.f0_hz == 200.0), "{out:?}");
    }

    #[test]
    fn quiet_frames_are_unvoiced_even_with_a_periodic_candidate() {
        let mut t = PathTracker::new(PathConfig::default());
        let loud = frame(&[(150.0, 0.95)], 0.8);
        let faint = frame(&[(150.0, 0.6)], 0.008); // 40 dB below the running peak
        let mut out = Vec::new();
        for f in [loud, loud, loud, faint, faint, faint, faint, faint, faint] {
            out.extend(t.push(&f));
        }
        assert_eq!(out[0].f0_hz, 150.0);
        assert_eq!(out.last().unwrap().f0_hz, 0.0);
    }
}
