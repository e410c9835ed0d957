//! Sessions: what each run of the live pipeline leaves behind (one folder per call:
//! `session.json`, `frames.csv`, the optional recording), the catalog of them, and the
//! shift history. The report a person reads after the call is [`crate::report`]'s.
//!
//! May import `analysis`, `conversation` and `coach` types and `platform`; nothing above.

pub mod catalog;
pub mod frames;
pub mod history;
pub mod meta;
pub mod ranges;
pub mod recorder;
pub mod repair;
pub mod store;
pub mod when;
