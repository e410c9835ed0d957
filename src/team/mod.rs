//! The team: per-call summaries to the centre's PostgreSQL, the team's target profile
//! from it, and the team report for team leaders.
//!
//! Offline first. The local session store is the queue: a finished call waits there until
//! its summary is in the database, and a marker file beside it says so. Uploads are
//! upserts keyed by the session's UUID, so a retry after any failure (the network, the
//! database killed mid-batch, the app killed before writing the marker) updates the same
//! row and never adds a second. Only numbers leave the PC: the report's figures, the
//! conversation measures and the cue counts; never audio, frames or words.
//!
//! * [`config`] — the settings' `team` section and where the password comes from.
//! * [`db`] — connecting (TLS required unless the URL says otherwise) and the error type.
//! * [`migrate`] — the `migrations/*.sql` files, applied in order by `team init`.
//! * [`summary`] — one call's row, built from its `session.json`.
//! * [`queue`] — which stored calls still wait, and the markers of those sent.
//! * [`upload`] — the batched upsert.
//! * [`profile`] — the team's target bands, laid over the local ones.
//! * [`link`] — the background thread the window and `team sync --watch` run.
//! * [`report`] — the team report's figures (SQL aggregates); its page is drawn by
//!   [`crate::report::team`].
//! * [`load`] — synthetic summaries for the load test.

pub mod config;
pub mod db;
pub mod link;
pub mod load;
pub mod migrate;
pub mod profile;
pub mod queue;
pub mod report;
pub mod summary;
pub mod upload;

pub use config::TeamConfig;
pub use db::{SyncProblem, TeamError};
