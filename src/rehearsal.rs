//! Script rehearsal for trainees: a script's lines, their syllable counts and target
//! pace, and a tracker that follows the speaker through the lines by counting syllable
//! nuclei — the teleprompter's highlight — and measures each line's pace.
//!
//! Script format: plain text or Markdown, one spoken line per line. Headings, list
//! markers and quote markers are stripped; a line ending in `[slow]` is to be said
//! slowly (the documents: "urgent or difficult things: say them slowly"), `[pace=N]`
//! sets an explicit target in the language's unit.

use serde::Serialize;

use crate::analysis::{Frame, Lang};
use crate::coach::targets::Targets;

/// Target pace for a `[slow]` line, as a share of the normal target.
const SLOW_FACTOR: f32 = 0.8;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScriptLine {
    pub text: String,
    pub syllables: u32,
    /// Target pace in the language's unit (chars/min or words/min).
    pub target_pace: f32,
    pub slow: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    pub title: Option<String>,
    pub lines: Vec<ScriptLine>,
}

/// Syllables of a line: one per Han character, and for Latin words the vowel groups
/// (a silent final "e" does not count; every word has at least one).
pub fn count_syllables(text: &str) -> u32 {
    let han = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count() as u32;
    let latin: u32 = text
        .split(|c: char| !c.is_ascii_alphabetic() && c != '\'')
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .map(|word| {
            let w = word.to_ascii_lowercase();
            let is_vowel = |c: char| "aeiouy".contains(c);
            let mut groups = 0;
            let mut prev = false;
            for c in w.chars() {
                let v = is_vowel(c);
                if v && !prev {
                    groups += 1;
                }
                prev = v;
            }
            if w.ends_with('e') && !w.ends_with("le") && groups > 1 {
                groups -= 1;
            }
            groups.max(1)
        })
        .sum();
    han + latin
}

impl Script {
    pub fn parse(text: &str, lang: Lang, targets: &Targets) -> Self {
        let band = targets.pace(lang);
        let normal = (band.green.0 + band.green.1) / 2.0;
        let mut title = None;
        let mut lines = Vec::new();
        for raw in text.lines() {
            let mut line = raw.trim();
            if let Some(h) = line.strip_prefix('#') {
                if title.is_none() {
                    title = Some(h.trim_start_matches('#').trim().to_string());
                }
                continue;
            }
            line = line.trim_start_matches(['-', '*', '>', '+']).trim_start();
            if let Some((number, rest)) = line.split_once(". ")
                && number.chars().all(|c| c.is_ascii_digit())
            {
                line = rest;
            }
            let mut target = normal;
            let mut slow = false;
            let mut text = line.to_string();
            while let Some(open) = text.rfind('[') {
                let Some(close) = text[open..].find(']') else { break };
                let tag = text[open + 1..open + close].trim().to_lowercase();
                if tag == "slow" {
                    slow = true;
                    target = normal * SLOW_FACTOR;
                } else if let Some(n) =
                    tag.strip_prefix("pace=").and_then(|n| n.parse::<f32>().ok())
                {
                    target = n;
                } else {
                    break;
                }
                text = format!("{}{}", &text[..open], &text[open + close + 1..]).trim().to_string();
            }
            let syllables = count_syllables(&text);
            if syllables > 0 {
                lines.push(ScriptLine { text, syllables, target_pace: target, slow });
            }
        }
        Self { title, lines }
    }

    /// Seconds the script takes at its target paces (speaking time, pauses not included).
    pub fn expected_s(&self, lang: Lang) -> f32 {
        self.lines.iter().map(|l| line_expected_s(l, lang)).sum()
    }
}

fn syllables_per_unit(lang: Lang) -> f32 {
    lang.pace_from_syllables(1.0).recip()
}

fn line_expected_s(l: &ScriptLine, lang: Lang) -> f32 {
    l.syllables as f32 / (l.target_pace * syllables_per_unit(lang)) * 60.0
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineResult {
    pub text: String,
    pub target_pace: f32,
    pub expected_s: f32,
    /// When the highlight reached and left this line (stream time), if it did.
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
    /// Pace over the line in the language's unit.
    pub pace: Option<f32>,
}

/// Follows a rehearsal frame by frame.
pub struct Rehearsal {
    script: Script,
    lang: Lang,
    syllables: u32,
    current: usize,
    starts: Vec<Option<f64>>,
    ends: Vec<Option<f64>>,
    last_speech_s: f64,
}

impl Rehearsal {
    pub fn new(script: Script, lang: Lang) -> Self {
        let n = script.lines.len();
        Self {
            script,
            lang,
            syllables: 0,
            current: 0,
            starts: vec![None; n],
            ends: vec![None; n],
            last_speech_s: 0.0,
        }
    }

    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The line to highlight.
    pub fn current_line(&self) -> usize {
        self.current
    }

    pub fn push(&mut self, f: &Frame) {
        if self.script.lines.is_empty() {
            return;
        }
        if f.speech {
            self.last_speech_s = f.time_s;
            if self.starts[self.current].is_none() {
                self.starts[self.current] = Some(f.time_s);
            }
        }
        if f.syllable {
            self.syllables += 1;
            let line_end: u32 =
                self.script.lines[..=self.current].iter().map(|l| l.syllables).sum();
            if self.syllables >= line_end {
                self.ends[self.current] = Some(f.time_s);
                if self.current + 1 < self.script.lines.len() {
                    self.current += 1;
                }
            }
        }
    }

    pub fn results(&self) -> Vec<LineResult> {
        self.script
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                // The last line reached ends with the last speech if its count fell short.
                let end = self.ends[i]
                    .or((i == self.current && self.starts[i].is_some())
                        .then_some(self.last_speech_s));
                let pace = match (self.starts[i], end) {
                    (Some(s), Some(e)) if e > s => Some(
                        self.lang.pace_from_syllables(l.syllables as f32 * 60.0 / (e - s) as f32),
                    ),
                    _ => None,
                };
                LineResult {
                    text: l.text.clone(),
                    target_pace: l.target_pace,
                    expected_s: line_expected_s(l, self.lang),
                    start_s: self.starts[i],
                    end_s: end,
                    pace,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_markers_are_stripped_and_tags_read() {
        let s = Script::parse(
            "# Title\n\n- 您好，请问有什么可以帮您？\n2. 请稍等。 [slow]\n> Thank you [pace=100]\n",
            Lang::Zh,
            &Targets::default(),
        );
        assert_eq!(s.title.as_deref(), Some("Title"));
        assert_eq!(s.lines.len(), 3);
        assert_eq!(s.lines[0].syllables, 11);
        assert!(s.lines[1].slow && s.lines[1].text == "请稍等。");
        assert_eq!(s.lines[1].target_pace, 150.0 * SLOW_FACTOR);
        assert_eq!(s.lines[2].target_pace, 100.0);
        assert_eq!(s.lines[2].syllables, 2);
    }

    #[test]
    fn english_syllables_are_counted_by_vowel_groups() {
        assert_eq!(count_syllables("Hello, thank you for calling customer support"), 12);
        assert_eq!(count_syllables("the router"), 3);
    }

    #[test]
    fn the_highlight_advances_line_by_line_with_the_syllables() {
        let script = Script::parse("一二三\n四五\n", Lang::Zh, &Targets::default());
        let mut r = Rehearsal::new(script, Lang::Zh);
        let mut lines = Vec::new();
        for i in 0..5 {
            r.push(&Frame {
                time_s: i as f64 * 0.3,
                speech: true,
                syllable: true,
                ..Default::default()
            });
            lines.push(r.current_line());
        }
        assert_eq!(lines, vec![0, 0, 1, 1, 1]);
        let res = r.results();
        assert!(res.iter().all(|l| l.pace.is_some()));
    }
}
