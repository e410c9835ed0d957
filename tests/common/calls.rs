//! Two-sided calls built from real recordings with scripted timings, and the truth the
//! script implies: who talks when, each interruption, dead air and hold.
//!
//! Each voice is one speaker of `shared/data` (AISHELL-1 S0150, or an FDA speaker), each
//! sentence cut to its speech (see [`speech_of`]) and brought to a common level. A turn is sentences 0.25 s apart (inside a spurt, as joined sentences are). Each
//! channel carries a noise bed at its speaker's own recording noise, so the gaps sound
//! like the line the sentences came from.

use std::path::{Path, PathBuf};

use super::turns::quantile;
use super::{path_str, run};

/// The channels are built at 16 kHz; the caller's file is then written at 8 kHz (a phone
/// line) and the stereo file at 8 kHz µ-law (a call recorder).
pub const RATE: u32 = 16_000;
/// Every speaker's sentences are brought to this RMS level (a normal telephone level).
const SPEECH_DBFS: f32 = -30.0;
/// Sentences inside one turn follow each other after this gap.
const GAP_IN_TURN_S: f64 = 0.25;

pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

fn rms_dbfs(x: &[f32]) -> f32 {
    let ms = x.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>() / x.len().max(1) as f64;
    (10.0 * ms.max(1e-12).log10()) as f32
}

pub fn read_wav(path: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(path).unwrap();
    assert_eq!(r.spec().bits_per_sample, 16, "{}", path.display());
    r.samples::<i16>().map(|s| s.unwrap() as f32 / 32768.0).collect()
}

pub fn write_wav(path: &Path, samples: &[f32]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).unwrap();
    }
    w.finalize().unwrap();
}

/// Levels of 10 ms frames in dBFS.
fn frame_levels(x: &[f32]) -> Vec<f32> {
    x.chunks(RATE as usize / 100).map(rms_dbfs).collect()
}

/// The speech of a recording, from the first to the last run of five 10 ms frames that
/// stand 15 dB over the noise floor (the 10th percentile frame) and within 30 dB of the
/// loudest frame (breaths before a sentence, 25–40 dB down in the FDA recordings, are not
/// speech); 5 ms fades at the cuts. Returns the speech and the
/// recording's noise floor in dBFS, and the stretches of frames over the same threshold
/// (in seconds from the speech's start: where an energy detector hears talk); `None` when
/// no frame stands out.
///
/// Five frames, because a click is one to four: Common Voice clips often open or close
/// with the click of the record button or a lip noise, 30–40 ms long and 0.3–1.4 s from
/// the words. With three frames such a click was taken for the sentence's edge, and a
/// scripted interruption or dead air was dated 0.9–1.4 s away from the words.
#[allow(clippy::type_complexity)]
fn speech_of(x: &[f32]) -> Option<(Vec<f32>, f32, Vec<(f64, f64)>)> {
    let levels = frame_levels(x);
    let mut sorted = levels.clone();
    sorted.sort_by(f32::total_cmp);
    let floor = sorted[sorted.len() / 10];
    let loudest = *sorted.last().unwrap();
    let threshold = (floor + 15.0).max(loudest - 30.0);
    const RUN: usize = 5;
    let loud: Vec<bool> = levels.windows(RUN).map(|w| w.iter().all(|&l| l >= threshold)).collect();
    let first = loud.iter().position(|&l| l)?;
    let last = loud.iter().rposition(|&l| l)? + RUN - 1;
    let hop = RATE as usize / 100;
    let mut speech = x[first * hop..((last + 1) * hop).min(x.len())].to_vec();
    fade(&mut speech);
    let mut active = Vec::new();
    let mut run: Option<usize> = None;
    for (i, &l) in levels[first..=last.min(levels.len() - 1)].iter().enumerate() {
        match (l >= threshold, run) {
            (true, None) => run = Some(i),
            (false, Some(s)) => {
                active.push((s as f64 / 100.0, i as f64 / 100.0));
                run = None;
            }
            _ => {}
        }
    }
    if let Some(s) = run {
        active.push((s as f64 / 100.0, (last + 1 - first) as f64 / 100.0));
    }
    Some((speech, floor, active))
}

fn fade(x: &mut [f32]) {
    let n = (RATE as usize / 200).min(x.len() / 2);
    let len = x.len();
    for i in 0..n {
        let g = i as f32 / n as f32;
        x[i] *= g;
        x[len - 1 - i] *= g;
    }
}

/// One speaker's sentences, cut to their speech and brought to [`SPEECH_DBFS`].
pub struct Voice {
    pub name: String,
    sentences: Vec<Vec<f32>>,
    /// Each sentence's stretches of energy (see [`speech_of`]), in seconds from its start.
    spans: Vec<Vec<(f64, f64)>>,
    next: usize,
    /// The speaker's recording noise after the level change: the channel's noise bed.
    pub noise_dbfs: f32,
}

impl Voice {
    /// Loads `files` (any rate; converted to 16 kHz mono by sox where needed).
    pub fn load(name: &str, files: &[PathBuf], scratch: &Path) -> Voice {
        Self::load_at(name, files, scratch, SPEECH_DBFS)
    }

    /// The same, with the sentences brought to `speech_dbfs` RMS (and the speaker's
    /// recording noise with them). Each clip keeps its level against the speaker's other
    /// clips, as Common Voice recorded it (one of them 12 dB under the rest for one
    /// held-out caller); with `LEVEL_CLIPS=1` in the environment every clip is first set to
    /// the same RMS, as one headset would record one speaker (README's floor section).
    pub fn load_at(name: &str, files: &[PathBuf], scratch: &Path, speech_dbfs: f32) -> Voice {
        let mut sentences = Vec::new();
        let mut spans = Vec::new();
        let mut floors = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let spec = hound::WavReader::open(f).ok().map(|r| r.spec());
            let samples = if spec.is_some_and(|s| s.sample_rate == RATE && s.channels == 1) {
                read_wav(f)
            } else {
                let out = scratch.join(format!("{name}-{i}.wav"));
                run(
                    "sox",
                    &["-D", path_str(f), "-r", "16000", "-c", "1", "-b", "16", path_str(&out)],
                );
                read_wav(&out)
            };
            // A clip with no speech at all (a few of Common Voice's) adds nothing.
            let Some((speech, floor, active)) = speech_of(&samples) else { continue };
            sentences.push(speech);
            spans.push(active);
            floors.push(floor);
        }
        if std::env::var_os("LEVEL_CLIPS").is_some_and(|v| v == "1") {
            for s in &mut sentences {
                let gain = db_to_gain(speech_dbfs - rms_dbfs(s));
                s.iter_mut().for_each(|v| *v *= gain);
            }
        }
        let all: Vec<f32> = sentences.concat();
        let gain_db = speech_dbfs - rms_dbfs(&all);
        let gain = db_to_gain(gain_db);
        for s in &mut sentences {
            s.iter_mut().for_each(|v| *v *= gain);
        }
        floors.sort_by(f32::total_cmp);
        let noise_dbfs = floors[floors.len() / 2] + gain_db;
        Voice { name: name.to_string(), sentences, spans, next: 0, noise_dbfs }
    }

    fn sentence(&mut self) -> Vec<f32> {
        self.sentence_with_spans().0
    }

    /// The next sentence and its stretches of energy.
    fn sentence_with_spans(&mut self) -> (Vec<f32>, Vec<(f64, f64)>) {
        let i = self.next % self.sentences.len();
        self.next += 1;
        (self.sentences[i].clone(), self.spans[i].clone())
    }

    /// A neighbour talking on and on: this voice's sentences with pauses of 0.5–3 s
    /// (seeded), `seconds` long in all.
    pub fn babble(&mut self, seconds: f64, seed: u32) -> Vec<f32> {
        let n = (seconds * RATE as f64) as usize;
        let mut out = Vec::with_capacity(n);
        let mut state = seed;
        while out.len() < n {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let pause = 0.5 + 2.5 * (state >> 8) as f64 / (1u32 << 24) as f64;
            out.resize(out.len() + (pause * RATE as f64) as usize, 0.0);
            out.extend(self.sentence());
        }
        out.truncate(n);
        out
    }

    /// A back-channel: the loudest `seconds` of the next sentence (a syllable-rich piece
    /// of speech, as "嗯" or "对" is all voice), with 5 ms fades.
    fn back_channel(&mut self, seconds: f64) -> Vec<f32> {
        let s = self.sentence();
        let n = (seconds * RATE as f64).round() as usize;
        let step = RATE as usize / 100;
        let best = (0..s.len().saturating_sub(n))
            .step_by(step)
            .max_by(|&a, &b| rms_dbfs(&s[a..a + n]).total_cmp(&rms_dbfs(&s[b..b + n])))
            .unwrap_or(0);
        let mut cut = s[best..best + n].to_vec();
        fade(&mut cut);
        cut
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Agent,
    Caller,
}

impl Who {
    fn index(self) -> usize {
        match self {
            Who::Agent => 0,
            Who::Caller => 1,
        }
    }
    fn other(self) -> Who {
        match self {
            Who::Agent => Who::Caller,
            Who::Caller => Who::Agent,
        }
    }
}

/// What the script says happened.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    /// Each sentence and back-channel as placed: (start, end) per side.
    pub talk: [Vec<(f64, f64)>; 2],
    /// (by, start, overlap).
    pub interruptions: Vec<(Who, f64, f64)>,
    /// (by, start, length): talking over the other side too briefly to interrupt.
    pub back_channels: Vec<(Who, f64, f64)>,
    /// (start, length).
    pub dead_air: Vec<(f64, f64)>,
    /// (start, length).
    pub holds: Vec<(f64, f64)>,
    pub duration_s: f64,
}

impl Truth {
    /// A side's talk time as the script has it: its stretches joined where less than
    /// 0.5 s apart (the spurt definition; turns are scripted with 0.25 s gaps inside).
    pub fn talk_s(&self, who: Who) -> f64 {
        let mut v = self.talk[who.index()].clone();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut total = 0.0;
        let mut cur: Option<(f64, f64)> = None;
        for (s, e) in v {
            cur = match cur {
                Some((cs, ce)) if s - ce < 0.5 => Some((cs, ce.max(e))),
                Some((cs, ce)) => {
                    total += ce - cs;
                    Some((s, e))
                }
                None => Some((s, e)),
            };
        }
        total + cur.map_or(0.0, |(s, e)| e - s)
    }

    /// The scripted events of `kind` (as `ConversationEvent::kind` names them) as
    /// (start, duration).
    pub fn scripted(&self, kind: &str) -> Vec<(f64, f64)> {
        match kind {
            "agent_interruption" | "caller_interruption" => self
                .interruptions
                .iter()
                .filter(|i| (i.0 == Who::Agent) == (kind == "agent_interruption"))
                .map(|i| (i.1, i.2))
                .collect(),
            "dead_air" => self.dead_air.clone(),
            _ => self.holds.clone(),
        }
    }

    /// Time in which `who` alone talks, per the script.
    pub fn alone_s(&self, who: Who, step_s: f64) -> f64 {
        let talking = |w: Who, t: f64| self.talk[w.index()].iter().any(|&(s, e)| t >= s && t < e);
        let steps = (self.duration_s / step_s) as usize;
        (0..steps)
            .filter(|&i| {
                let t = i as f64 * step_s;
                talking(who, t) && !talking(who.other(), t)
            })
            .count() as f64
            * step_s
    }
}

/// Builds a call on a time cursor: turns, pauses, interruptions, back-channels, dead air,
/// holds.
pub struct CallBuilder {
    channels: [Vec<f32>; 2],
    /// Each side's sentences as placed (the talk truth holds their stretches of energy).
    placed: [Vec<(f64, f64)>; 2],
    t: f64,
    truth: Truth,
}

impl Default for CallBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CallBuilder {
    pub fn new() -> Self {
        Self {
            channels: [Vec::new(), Vec::new()],
            placed: [Vec::new(), Vec::new()],
            t: 0.0,
            truth: Truth::default(),
        }
    }

    fn place(&mut self, who: Who, at: f64, samples: &[f32]) -> (f64, f64) {
        let channel = &mut self.channels[who.index()];
        let start = (at * RATE as f64).round() as usize;
        if channel.len() < start + samples.len() {
            channel.resize(start + samples.len(), 0.0);
        }
        for (c, s) in channel[start..].iter_mut().zip(samples) {
            *c += s;
        }
        (start as f64 / RATE as f64, (start + samples.len()) as f64 / RATE as f64)
    }

    /// `n` sentences of `voice` from `at`; returns where the last ends.
    fn sentences(&mut self, who: Who, voice: &mut Voice, n: usize, mut at: f64) -> f64 {
        for _ in 0..n {
            let (s, active) = voice.sentence_with_spans();
            let span = self.place(who, at, &s);
            self.placed[who.index()].push(span);
            // The energy reference: the sentence's stretches of energy (its pauses are
            // not talk; `Truth::talk_s` bridges those under 0.5 s), first and last reaching
            // the sentence's ends.
            let last = active.len() - 1;
            for (i, &(s0, s1)) in active.iter().enumerate() {
                let start = if i == 0 { span.0 } else { span.0 + s0 };
                let end = if i == last { span.1 } else { span.0 + s1 };
                self.truth.talk[who.index()].push((start, end));
            }
            at = span.1 + GAP_IN_TURN_S;
        }
        at - GAP_IN_TURN_S
    }

    /// A turn of `n` sentences at the cursor; the cursor moves to its end.
    pub fn turn(&mut self, who: Who, voice: &mut Voice, n: usize) -> &mut Self {
        self.t = self.sentences(who, voice, n, self.t);
        self
    }

    /// Silence between turns (under 5 s: no dead air).
    pub fn pause(&mut self, seconds: f64) -> &mut Self {
        assert!(seconds < 5.0, "a pause of {seconds} s would be dead air");
        self.t += seconds;
        self
    }

    /// `by` starts a turn `overlap` seconds before the other side's turn (just placed)
    /// ends: the other side finishes its sentence and gives way.
    pub fn interrupt(&mut self, by: Who, voice: &mut Voice, overlap: f64, n: usize) -> &mut Self {
        let other_end = self.truth.talk[by.other().index()].last().expect("a turn to interrupt").1;
        assert!((other_end - self.t).abs() < 1e-6, "interrupt right after the other side's turn");
        let start = self.t - overlap;
        self.truth.interruptions.push((by, start, overlap));
        self.t = self.sentences(by, voice, n, start);
        self
    }

    /// A back-channel of `seconds` by `by` in the middle of the longest of the other
    /// side's latest three sentences that began after `by` last talked (so that it answers
    /// the turn now going on: one call's back-channel went into a sentence that `by` had
    /// just interrupted, 0.28 s before the interruption, and by the script's own rule, talk
    /// under 0.5 s apart is one spurt, it was the interruption's start).
    pub fn back_channel(&mut self, by: Who, voice: &mut Voice, seconds: f64) -> &mut Self {
        let own_end = self.truth.talk[by.index()].iter().map(|t| t.1).fold(0.0, f64::max);
        let (s, e) = self.placed[by.other().index()]
            .iter()
            .rev()
            .take(3)
            .filter(|p| p.0 > own_end)
            .copied()
            .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))
            .expect("someone to answer");
        assert!(e - s > seconds + 1.0, "a sentence long enough to talk over");
        let cut = voice.back_channel(seconds);
        let span = self.place(by, (s + e) / 2.0 - seconds / 2.0, &cut);
        self.truth.talk[by.index()].push(span);
        self.truth.back_channels.push((by, span.0, span.1 - span.0));
        self
    }

    /// Neither side talks for `seconds` (5–10 s: dead air).
    pub fn dead_air(&mut self, seconds: f64) -> &mut Self {
        self.truth.dead_air.push((self.t, seconds));
        self.t += seconds;
        self
    }

    /// The caller waits on hold for `seconds`; with `music`, the caller's line carries it
    /// from 0.5 s after the agent stops to 0.5 s before the agent is back.
    pub fn hold(&mut self, seconds: f64, music: Option<&[f32]>) -> &mut Self {
        self.truth.holds.push((self.t, seconds));
        if let Some(m) = music {
            let n = ((seconds - 1.0) * RATE as f64) as usize;
            assert!(m.len() >= n, "music long enough");
            let mut piece = m[..n].to_vec();
            fade(&mut piece);
            self.place(Who::Caller, self.t + 0.5, &piece);
        }
        self.t += seconds;
        self
    }

    /// Ends the call `tail` seconds after the cursor; adds each side's noise bed and, with
    /// `bleed_db`, the caller's channel into the agent's microphone that far down.
    pub fn finish(&mut self, tail: f64, noise_dbfs: [f32; 2], bleed_db: Option<f32>) -> Call {
        self.truth.duration_s = self.t + tail;
        let n = (self.truth.duration_s * RATE as f64).round() as usize;
        let [mut agent, mut caller] = self.channels.clone();
        agent.resize(n, 0.0);
        caller.resize(n, 0.0);
        if let Some(db) = bleed_db {
            let g = db_to_gain(-db);
            agent.iter_mut().zip(&caller).for_each(|(a, c)| *a += g * c);
        }
        // White noise, deterministic: a linear congruential generator per channel.
        for (channel, (noise, seed)) in
            [&mut agent, &mut caller].into_iter().zip(noise_dbfs.into_iter().zip([7u32, 11]))
        {
            let mut state = seed;
            // Uniform on ±a has RMS a/√3.
            let a = db_to_gain(noise) * 3f32.sqrt();
            for v in channel.iter_mut() {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                *v += a * ((state >> 8) as f32 / (1u32 << 23) as f32 - 1.0);
            }
        }
        Call { agent, caller, truth: self.truth.clone() }
    }
}

/// A service call of about 90 s on two voices: turns with short pauses, the agent and then
/// the caller interrupting, two dead airs and a silent hold of 15 s. Noise beds at
/// `noise_dbfs` (agent, caller).
pub fn service_call(a: &mut Voice, c: &mut Voice, noise_dbfs: [f32; 2]) -> Call {
    CallBuilder::new()
        .pause(1.0)
        .turn(Who::Agent, a, 2)
        .pause(0.8)
        .turn(Who::Caller, c, 3)
        .pause(0.6)
        .turn(Who::Agent, a, 3)
        .pause(0.7)
        .turn(Who::Caller, c, 2)
        .interrupt(Who::Agent, a, 1.5, 2)
        .pause(0.6)
        .turn(Who::Caller, c, 2)
        .dead_air(6.5)
        .turn(Who::Agent, a, 2)
        .hold(15.0, None)
        .turn(Who::Agent, a, 3)
        .interrupt(Who::Caller, c, 1.2, 2)
        .pause(0.8)
        .turn(Who::Agent, a, 2)
        .pause(0.9)
        .turn(Who::Caller, c, 2)
        .dead_air(7.0)
        .turn(Who::Agent, a, 2)
        .finish(1.5, noise_dbfs, None)
}

/// What a call's two sides give through the library (`analyse_call` into a
/// `Conversation`): talk per side, the events as (kind, start, duration), and the agent's
/// own figures.
pub struct Measured {
    pub talk: [f64; 2],
    pub events: Vec<(String, f64, f64)>,
    pub agent: speech_coach::analysis::Summary,
}

pub fn measure(agent: &Path, caller: &Path) -> Measured {
    use speech_coach::analysis::{AnalyserConfig, offline};
    let mut conversation = speech_coach::conversation::Conversation::new();
    let (_, summaries) = offline::analyse_call(
        offline::CallSides::Files { agent, caller },
        AnalyserConfig::new,
        |a, c| {
            conversation.push(a, c);
            conversation.live().floor()
        },
        |_, _| {},
    )
    .unwrap();
    conversation.finish();
    let s = conversation.summary();
    Measured {
        talk: [s.agent_talk_s, s.caller_talk_s],
        events: conversation
            .events()
            .iter()
            .map(|e| (e.kind.as_str().to_string(), e.time_s, e.duration_s as f64))
            .collect(),
        agent: summaries.agent,
    }
}

/// Per kind of event: (kind, scripted ones found within `within_s`, scripted, invented).
pub fn event_hits(
    truth: &Truth,
    events: &[(String, f64, f64)],
    within_s: f64,
) -> Vec<(&'static str, usize, usize, usize)> {
    ["agent_interruption", "caller_interruption", "dead_air", "hold"]
        .into_iter()
        .map(|kind| {
            let want = truth.scripted(kind);
            let got: Vec<f64> = events.iter().filter(|e| e.0 == kind).map(|e| e.1).collect();
            let near = |a: f64, b: f64| (a - b).abs() <= within_s;
            let hit = want.iter().filter(|&&(t, _)| got.iter().any(|&g| near(g, t))).count();
            let invented = got.iter().filter(|&&g| !want.iter().any(|&(t, _)| near(g, t))).count();
            (kind, hit, want.len(), invented)
        })
        .collect()
}

/// A built call: both channels at [`RATE`] and the script's truth.
pub struct Call {
    pub agent: Vec<f32>,
    pub caller: Vec<f32>,
    pub truth: Truth,
}

/// Where a call was written.
pub struct CallFiles {
    /// The agent's microphone, 16 kHz 16-bit.
    pub agent: PathBuf,
    /// The caller's side, 8 kHz 16-bit (a phone line).
    pub caller: PathBuf,
    /// Both in one 8 kHz µ-law stereo file, the agent on the left (or on the right).
    pub stereo: PathBuf,
}

impl Call {
    pub fn write(&self, dir: &Path, name: &str, agent_on_right: bool) -> CallFiles {
        let agent = dir.join(format!("{name}-agent.wav"));
        let caller16 = dir.join(format!("{name}-caller-16k.wav"));
        let caller = dir.join(format!("{name}-caller.wav"));
        let stereo = dir.join(format!("{name}-stereo-ulaw.wav"));
        write_wav(&agent, &self.agent);
        write_wav(&caller16, &self.caller);
        run("sox", &["-D", path_str(&caller16), "-r", "8000", path_str(&caller)]);
        let (left, right) = if agent_on_right { (&caller16, &agent) } else { (&agent, &caller16) };
        run(
            "sox",
            &[
                "-D",
                "-M",
                path_str(left),
                path_str(right),
                "-r",
                "8000",
                "-e",
                "u-law",
                path_str(&stereo),
            ],
        );
        CallFiles { agent, caller, stereo }
    }
}

/// Hold music: four bars of plucked triads over a bass note, looped to `seconds`, at
/// `dbfs` RMS (sox's `pluck` synth, as `scripts/syllables-degraded.sh` makes its music).
pub fn hold_music(scratch: &Path, seconds: f64, dbfs: f32) -> Vec<f32> {
    let chords = [
        [220.0, 277.2, 329.6],
        [196.0, 246.9, 293.7],
        [174.6, 220.0, 261.6],
        [196.0, 246.9, 329.6],
    ];
    let mut bars = Vec::new();
    for (i, c) in chords.iter().enumerate() {
        let out = scratch.join(format!("chord{i}.wav"));
        let notes: Vec<String> =
            c.iter().chain(std::iter::once(&(c[0] / 2.0))).map(|f| format!("{f}")).collect();
        let mut args =
            vec!["-D", "-n", "-r", "16000", "-c", "1", "-b", "16", path_str(&out), "synth", "1"];
        for n in &notes {
            args.extend(["pluck", n.as_str()]);
        }
        args.extend(["remix", "-", "norm", "-6"]);
        run("sox", &args);
        bars.extend(read_wav(&out));
    }
    let n = (seconds * RATE as f64) as usize;
    let mut music: Vec<f32> = bars.iter().cycle().take(n).copied().collect();
    let gain = db_to_gain(dbfs - rms_dbfs(&music));
    music.iter_mut().for_each(|v| *v *= gain);
    music
}

/// The sentence files of one speaker in `shared/data`, `count` of them from `first`.
/// The clips of Common Voice speaker `speaker` (the 12-character id of
/// `shared/data/cv-zh/text`), in the order listed (MP3: `Voice::load` decodes them by sox).
pub fn cv_zh(speaker: &str) -> Vec<PathBuf> {
    let dir = super::shared_data().join("cv-zh");
    std::fs::read_to_string(dir.join("text"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (clip, who) = (f.next()?, f.next()?);
            (who == speaker).then(|| dir.join("clips").join(clip))
        })
        .collect()
}

/// Common Voice speakers with at least `min_clips` clips, sorted by id (the order of the
/// tuning / held-out split of `scripts/make-cv-turns.py`: even positions tune, odd are held
/// out, counted among speakers with 4 clips or more).
pub fn cv_zh_speakers(min_clips: usize) -> Vec<(String, bool)> {
    let text = std::fs::read_to_string(super::shared_data().join("cv-zh/text")).unwrap();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for l in text.lines() {
        if let Some(who) = l.split('\t').nth(1) {
            *counts.entry(who.to_string()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 4)
        .enumerate()
        .filter(|(_, (_, n))| *n >= min_clips)
        .map(|(i, (who, _))| (who, i % 2 == 1))
        .collect()
}

/// A half of [`cv_zh_speakers`]: the held-out half (`true`), on which every talk figure
/// is reported, or the tuning half, on which the talk lanes' constants are chosen.
pub fn cv_zh_half(held_out: bool, min_clips: usize) -> Vec<String> {
    cv_zh_speakers(min_clips).into_iter().filter(|s| s.1 == held_out).map(|s| s.0).collect()
}

/// Per-side errors in % as README's talk tables give them: bias, mean abs., median abs.,
/// 90th percentile abs. and the worst (signed).
pub fn error_spread(errors: &[f64]) -> [f64; 5] {
    let abs: Vec<f64> = errors.iter().map(|e| e.abs()).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let worst = errors.iter().copied().fold(0.0f64, |w, e| if e.abs() > w.abs() { e } else { w });
    [mean(errors), mean(&abs), quantile(&abs, 0.5), quantile(&abs, 0.9), worst]
}

pub fn aishell_s0150(first: usize, count: usize) -> Vec<PathBuf> {
    (first..first + count)
        .map(|i| super::shared_data().join(format!("zh-read/BAC009S0150W{i:04}.wav")))
        .collect()
}

/// FDA recordings of the male (`rl`) or female (`sb`) speaker.
pub fn fda(speaker: &str, first: usize, count: usize) -> Vec<PathBuf> {
    (first..first + count)
        .map(|i| super::shared_data().join(format!("fda/{speaker}{i:03}.wav")))
        .collect()
}
