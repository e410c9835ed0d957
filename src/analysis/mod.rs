//! The streaming analyser and the figures it produces.

mod analyser;
mod frame;
pub mod offline;
mod pace_factor;
mod summary;
mod totals;

pub use analyser::{
    Analyser, AnalyserConfig, AnalysisError, CLIP_LEVEL, Floor, INTERNAL_RATE, MAX_RATE, MIN_RATE,
};
pub use frame::{Frame, HOP_S, HOPS_PER_S, hops_to_s};
pub use offline::analyse_wav;
pub use pace_factor::{PACE_FACTOR_RANGE, pace_factor, set_pace_factor};
pub use summary::{
    Lang, Summary, is_han, set_syllables_per_english_word, syllables_per_english_word,
};
pub use totals::Totals;
