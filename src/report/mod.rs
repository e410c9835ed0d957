//! Reports a person reads after the work: the call report (one stored session, against the
//! reader's own normal and their last call) and the team report's page (the team's
//! figures from the centre's database).
//!
//! Model and view apart: [`call`] builds a [`Report`] from the files of a session and
//! knows nothing of HTML; [`html`] draws one; this file is the one place that does both
//! and writes the page beside the session. Both reports draw their plots in the one
//! frame of [`svg`] and take their words from [`words`] (the team's own from
//! [`team::words`]), so the two pages look and read alike.
//!
//! * [`call`] — the call report's model: figures, bands, lanes, moments, replays.
//! * [`moments`] — the stretches worth a replay and the tips.
//! * [`compare`] — this call against the last one and the user's normal.
//! * [`snippet`] — the replays' WAV snippets as data URIs.
//! * [`html`], [`svg`] — the page and its plots.
//! * [`words`] — the call report's words in each language.
//! * [`team`] — the team report's page, its day plots and words.
//!
//! May import `session` (storage, history), `team` (the team report's figures),
//! `conversation`, `coach`, `analysis` types; nothing of the window.

pub mod call;
pub mod compare;
pub mod html;
pub mod moments;
pub mod snippet;
pub mod svg;
pub mod team;
pub mod words;

use std::path::{Path, PathBuf};

pub use call::{Report, ReportOptions};

use crate::session::store::StoreError;

/// The report of the session in `dir`, with its page written beside it as `report.html`
/// (private to the user, like the session): what the window's Report button opens.
pub fn write_beside(
    dir: &Path,
    options: impl Into<ReportOptions>,
) -> Result<(Report, PathBuf), StoreError> {
    let (report, page) = build_with_html(dir, &options.into())?;
    let path = dir.join("report.html");
    crate::platform::private::replace_file(&path, page.as_bytes(), false)
        .map_err(|source| StoreError::Io { path: path.clone(), source })?;
    Ok((report, path))
}

/// A session's report and its page: what both the window's Report button and
/// `speech-coach report --html` show.
pub fn build_with_html(
    dir: &Path,
    options: &ReportOptions,
) -> Result<(Report, String), StoreError> {
    let report = call::build_for(dir, options)?;
    let page = html::render(&report, &call::replays(dir, &report));
    Ok((report, page))
}
