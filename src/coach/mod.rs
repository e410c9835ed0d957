//! Coaching: target bands, the personal baseline, gauge readings and cues, and the
//! rehearsal of scripts.
//! Works on analysis frames only; knows nothing of devices or the UI.

pub mod baseline;
pub mod cues;
pub mod gauges;
pub mod pace_profile;
pub mod rehearsal;
pub mod targets;

pub use baseline::{Baseline, Calibration, CalibrationRefusal};
pub use cues::{Condition, Cue, CueSelector, Headline, headline};
pub use gauges::{Coach, CoachState, Reading, ToneState, Trend};
pub use pace_profile::{PaceProfile, ProfileError};
pub use targets::{Band, Targets};
