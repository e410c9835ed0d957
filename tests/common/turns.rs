//! Real read turns with known stopwatch times, built by `scripts/make-turns.py` (a sample
//! spread over the set), with telephone-band and office-noise copies made by the same
//! scripts that `scripts/pace-turns.sh` runs on the full sets.

use std::path::{Path, PathBuf};

use super::{path_str, run, scratch};

/// One built turn.
#[derive(Debug, Clone)]
pub struct Turn {
    pub name: String,
    /// Han characters (zh) or words (en) of its sentences.
    pub true_count: f64,
    /// First to last speech of the turn, from how it was built.
    pub stopwatch_s: f64,
}

impl Turn {
    /// Characters (zh) or words (en) per minute by transcript and stopwatch.
    pub fn stopwatch_pace(&self) -> f64 {
        self.true_count * 60.0 / self.stopwatch_s
    }
}

/// The copies each turn is measured on.
pub const KINDS: [&str; 3] = ["clean", "tel", "noisy"];

/// Builds every `every`-th turn of `lang` ("zh": shared/data/zh-read; "en":
/// shared/data/fda) in a scratch folder with its three copies; returns the folder and turns.
pub fn build(lang: &str, every: usize) -> (PathBuf, Vec<Turn>) {
    let dir = scratch(&format!("turns-{lang}-{every}"));
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts");
    run(
        "python3",
        &[path_str(&scripts.join("make-turns.py")), lang, path_str(&dir), &every.to_string()],
    );
    run(
        path_str(&scripts.join("telephone-band.sh")),
        &[path_str(&dir.join("clean")), path_str(&dir.join("tel"))],
    );
    run(path_str(&scripts.join("office-noise.sh")), &[path_str(&dir)]);
    let turns = std::fs::read_to_string(dir.join("manifest.tsv"))
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            Turn {
                name: f[0].to_string(),
                true_count: f[2].parse().unwrap(),
                stopwatch_s: f[3].parse().unwrap(),
            }
        })
        .collect();
    (dir, turns)
}

/// The value at quantile `q` (0–1) of `values`, nearest rank below.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[((q * v.len() as f64) as usize).min(v.len() - 1)]
}
