//! Sessions: what each run of the live pipeline leaves behind, optional recording, and
//! the report a person reads after the call.

pub mod bounds;
pub mod catalog;
pub mod compare;
pub mod frames;
pub mod history;
pub mod html;
pub mod moments;
pub mod recorder;
pub mod report;
pub mod snippet;
pub mod store;
pub mod svg;
pub mod when;
pub mod words;
