//! The per-hop CSV that `analyze --frames` and `listen --frames` write.
//!
//! Header `time_s,f0_hz,level_dbfs,voiced`; `time_s` is the time in the stream the row
//! describes and `f0_hz` is 0 when unvoiced.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use speech_coach::analysis::Frame;

pub const HEADER: &str = "time_s,f0_hz,level_dbfs,voiced";

#[derive(Debug, Error)]
#[error("{path}: cannot write frames: {source}")]
pub struct CsvError {
    path: PathBuf,
    source: std::io::Error,
}

pub struct FramesCsv {
    path: PathBuf,
    out: BufWriter<File>,
}

impl FramesCsv {
    pub fn create(path: &Path) -> Result<Self, CsvError> {
        let wrap = |source| CsvError { path: path.to_path_buf(), source };
        let mut out = BufWriter::new(File::create(path).map_err(wrap)?);
        writeln!(out, "{HEADER}").map_err(wrap)?;
        Ok(Self { path: path.to_path_buf(), out })
    }

    pub fn write(&mut self, f: &Frame) -> Result<(), CsvError> {
        writeln!(
            self.out,
            "{:.3},{:.2},{:.2},{}",
            f.time_s,
            f.f0_hz,
            f.level_dbfs,
            u8::from(f.voiced())
        )
        .map_err(|source| CsvError { path: self.path.clone(), source })
    }

    /// Flushes buffered rows (so a long `listen` log is readable while it runs).
    pub fn flush(&mut self) -> Result<(), CsvError> {
        self.out.flush().map_err(|source| CsvError { path: self.path.clone(), source })
    }

    pub fn finish(mut self) -> Result<(), CsvError> {
        self.flush()?;
        self.out.get_ref().sync_all().map_err(|source| CsvError { path: self.path.clone(), source })
    }
}
