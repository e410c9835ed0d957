//! Lines for whoever reads standard error (a terminal, a log, `2>&1 | head`), written so
//! that losing them is never fatal. `eprintln!` panics when the write fails: with stderr
//! a pipe its reader has closed (`analyze bad.wav 2>&1 | head -0`) or a full disk
//! (`2>/dev/full`), a bad file's one-line error became a panic and exit 101, and in the
//! window a note on the log could end the app. Here the line is lost and the exit code
//! stays the command's own.

use std::fmt;
use std::io::{self, Write};

/// Writes one line to standard error; a failed write is dropped.
pub fn line(args: fmt::Arguments<'_>) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args);
    let _ = err.write_all(b"\n");
}

/// `eprintln!` that never panics (see [`line`]).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::platform::stderr::line(format_args!($($arg)*))
    };
}
