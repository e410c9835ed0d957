//! What the cue line did over a recording, through the app's own analyser thread work
//! ([`AnalyserWorker`]: both analysers, the conversation, the coach): how often the line
//! changed, which nudges appeared when, and how long each cue stayed. Shared by the cue
//! tests and `examples/cue_changes.rs` (README's cue figures).

use std::path::Path;
use std::time::{Duration, Instant};

use speech_coach::audio::wav::WavSource;
use speech_coach::coach::{Coach, Cue, Headline};
use speech_coach::pipeline::calls::Calls;
use speech_coach::pipeline::{AnalyserWorker, LiveState};
use speech_coach::session::store::SessionKind;

/// Blocks of this many seconds go in, agent and caller in turn, as from two devices.
const BLOCK_S: f64 = 0.064;

/// One cue on the line: when it appeared, which, for how long, whether it appeared red in
/// place of an amber gauge cue (the one way a nudge may come within the cooldown), and
/// whether it resumed where a moment of the call had interrupted it (the same cue on the
/// line right before that moment and right after it: no new nudge, one more line change).
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    pub at: f64,
    pub cue: Cue,
    pub stayed: f64,
    pub red_over_amber: bool,
    pub resumed: bool,
}

#[derive(Debug, Default)]
pub struct CueLine {
    pub seconds: f64,
    /// Every change of what the line says (cue or its wording's band, praise, nothing).
    pub changes: usize,
    /// Each cue that appeared.
    pub shown: Vec<Shown>,
    /// The agent's figures for the whole run, as the window's summary shows them.
    pub agent: Option<speech_coach::analysis::Summary>,
}

impl CueLine {
    pub fn per_min(&self, n: usize) -> f64 {
        n as f64 * 60.0 / self.seconds
    }
    /// The nudges among the cues shown (neither a device alarm nor a moment of the call),
    /// each once: a nudge resumed after a moment of the call is the same nudge.
    pub fn nudges(&self) -> Vec<Shown> {
        self.shown.iter().copied().filter(|s| s.cue.is_nudge() && !s.resumed).collect()
    }
    /// Each nudge that came within the cooldown after another one without being a red
    /// gauge in place of an amber one (`coach::cues`: the model allows nothing else).
    #[allow(dead_code)] // `examples/cue_changes.rs` includes this file and does not use it.
    pub fn cooldown_breaches(&self) -> Vec<(Shown, Shown)> {
        let nudges = self.nudges();
        nudges
            .windows(2)
            .map(|w| (w[0], w[1]))
            .filter(|(a, b)| {
                a.cue != b.cue
                    && b.at - a.at < speech_coach::coach::cues::COOLDOWN_S - 0.05
                    && !b.red_over_amber
            })
            .collect()
    }
}

/// Runs `agent` (and `caller`, when given) through a worker as the live app would, without
/// waiting for real time, and reads the line after every step. Each block is stamped as
/// captured when its audio ends (from one start instant), as a device delivers it, so the
/// worker places both sides on one clock as it does live, and every run repeats exactly.
/// Stamped with the wall clock of a run far faster than real time, every block looked
/// captured at nearly the same instant: the two sides were paired by chance, and a
/// call-centre floor's live pace moved by up to 5 points between identical runs.
pub fn cue_line(
    agent: &Path,
    caller: Option<&Path>,
    lang: speech_coach::analysis::Lang,
) -> CueLine {
    let kind = if caller.is_some() { SessionKind::Call } else { SessionKind::Demo };
    let mut worker = AnalyserWorker::new(
        Coach::new(lang, None),
        Calls::new(None, kind, caller.is_some()),
        caller.is_some(),
    );
    let mut a = WavSource::open(agent).expect("agent WAV");
    let mut c = caller.map(|p| WavSource::open(p).expect("caller WAV"));
    let frames = |s: &WavSource| (s.sample_rate() as f64 * BLOCK_S) as usize;
    let (mut buf, mut line) = (Vec::new(), CueLine::default());
    let mut last: Option<Key> = None;
    let mut open: Option<Shown> = None;
    // What the window would show: each read is followed by a publish, as in the live
    // analyser thread, which hands the new frames over and clears them.
    let mut shown = LiveState::new(lang);
    let start = Instant::now();
    // Samples read so far per side: a block's capture time is where its audio ends.
    let (mut agent_done, mut caller_done) = (0usize, 0usize);
    let at = |done: usize, rate: u32| start + Duration::from_secs_f64(done as f64 / rate as f64);
    loop {
        let n = a.read_block(&mut buf, frames(&a)).expect("agent read");
        if n > 0 {
            agent_done += n;
            let captured_at = at(agent_done, a.sample_rate());
            worker.analyse(&buf, a.sample_rate(), captured_at).expect("analyse");
            read(&worker, &mut line, &mut last, &mut open);
            worker.publish(&mut shown, captured_at);
        }
        let mut m = 0;
        if let Some(c) = c.as_mut() {
            m = c.read_block(&mut buf, frames(c)).expect("caller read");
            if m > 0 {
                caller_done += m;
                let captured_at = at(caller_done, c.sample_rate());
                worker.analyse_caller(&buf, c.sample_rate(), captured_at).expect("analyse");
                read(&worker, &mut line, &mut last, &mut open);
                worker.publish(&mut shown, captured_at);
            }
        }
        if n == 0 && m == 0 {
            break;
        }
    }
    if let Some(o) = open {
        line.shown.push(Shown { stayed: line.seconds - o.at, ..o });
    }
    // The end of the run, as when the window closes: the agent's figures are final.
    worker.finish();
    worker.publish(&mut shown, at(agent_done, a.sample_rate()));
    line.agent = shown.summary;
    line
}

/// What the line says, as far as a reader sees a change.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    Blank,
    Praise,
    Cue(Cue, bool),
}

fn read(
    worker: &AnalyserWorker,
    line: &mut CueLine,
    last: &mut Option<Key>,
    open: &mut Option<Shown>,
) {
    for s in worker.new_states() {
        line.seconds = s.time_s;
        let key = match s.headline {
            Headline::Cue { cue, band } => Key::Cue(cue, band == speech_coach::coach::Band::Red),
            Headline::KeepItUp => Key::Praise,
            _ => Key::Blank,
        };
        if last.is_some_and(|k| k != key) {
            line.changes += 1;
            if std::env::var_os("CUE_TRACE").is_some() {
                eprintln!("{:.1} {:?}", s.time_s, key);
            }
        }
        let cue_now = match key {
            Key::Cue(c, red) => Some((c, red)),
            _ => None,
        };
        if open.map(|o| o.cue) != cue_now.map(|c| c.0) {
            if let Some(o) = open.take() {
                line.shown.push(Shown { stayed: s.time_s - o.at, ..o });
            }
            let over_amber = matches!(*last, Some(Key::Cue(c, false)) if c.is_gauge());
            // The moment just left the line, and it had taken the line from this very cue.
            let resumes = |cue: Cue| match line.shown.as_slice() {
                [.., before, moment] => {
                    matches!(*last, Some(Key::Cue(c, _)) if c == moment.cue)
                        && moment.cue.is_call_moment()
                        && before.cue == cue
                        && (before.at + before.stayed - moment.at).abs() < 1e-6
                }
                _ => false,
            };
            *open = cue_now.map(|(cue, red)| Shown {
                at: s.time_s,
                cue,
                stayed: 0.0,
                red_over_amber: red && over_amber,
                resumed: resumes(cue),
            });
        }
        *last = Some(key);
    }
}
