//! What the commands print, through one writer. A reader that closes the pipe early
//! (`sessions | head -1`, `history --json | head`) has had all it wanted: `println!` panics
//! on that (exit 101 and a backtrace hint); here the write ends in [`StdoutError::Closed`],
//! which `main` turns into a quiet exit 0, as ripgrep does — not the shell's 141, which a
//! pipeline under `set -o pipefail` would report as a failure. Any other write error (a
//! full disk behind `>`) is one line and exit 1.

use std::fmt;
use std::io::{self, Write};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StdoutError {
    #[error("standard output was closed by its reader")]
    Closed,
    #[error("cannot write to standard output: {0}")]
    Failed(#[source] io::Error),
}

impl From<io::Error> for StdoutError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe { Self::Closed } else { Self::Failed(e) }
    }
}

/// Writes and flushes (so a closed pipe is found at this write, not at exit, where the
/// standard library would only drop the error).
pub fn write(args: fmt::Arguments<'_>) -> Result<(), StdoutError> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)?;
    out.flush()?;
    Ok(())
}

/// The error is standard output closed by its reader: the command ends quietly.
pub fn closed(e: &anyhow::Error) -> bool {
    e.chain().any(|c| matches!(c.downcast_ref::<StdoutError>(), Some(StdoutError::Closed)))
}

/// `print!` that returns a [`StdoutError`] instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::stdout::write(format_args!($($arg)*))
    };
}

/// `println!` that returns a [`StdoutError`] instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::stdout::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_is_the_quiet_end_and_other_errors_are_not() {
        let closed_err: StdoutError = io::Error::from(io::ErrorKind::BrokenPipe).into();
        assert!(closed(&anyhow::Error::from(closed_err).context("printing the report")));
        let full: StdoutError = io::Error::from(io::ErrorKind::StorageFull).into();
        assert!(!closed(&anyhow::Error::from(full)));
    }
}
