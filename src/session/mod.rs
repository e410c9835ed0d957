//! Sessions: what each run of the live pipeline leaves behind, and optional recording.

pub mod bounds;
pub mod catalog;
pub mod frames;
pub mod history;
pub mod html;
pub mod recorder;
pub mod report;
pub mod store;
