//! Offline analysis of a WAV file through the streaming analyser, fed in blocks as a
//! microphone would feed it.

use std::path::Path;

use thiserror::Error;

use crate::analysis::{Analyser, AnalyserConfig, AnalysisError, Frame, Summary};
use crate::audio::{WavError, WavSource};

/// Frames per block handed to the analyser: 1024, a typical capture buffer.
pub const BLOCK_FRAMES: usize = 1024;

#[derive(Debug, Error)]
pub enum OfflineError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error("{path}: {source}")]
    Analysis { path: String, source: AnalysisError },
}

/// What the file was, as well as what was in it.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo {
    pub sample_rate: u32,
    pub channels: u16,
    pub duration_s: f64,
}

/// Analyses `path`; `on_frame` sees every frame, `on_progress` the seconds read so far and
/// the file's duration.
pub fn analyse_wav(
    path: &Path,
    config: impl FnOnce(u32) -> AnalyserConfig,
    mut on_frame: impl FnMut(&Frame),
    mut on_progress: impl FnMut(f64, f64),
) -> Result<(FileInfo, Summary), OfflineError> {
    let mut source = WavSource::open(path)?;
    let info = FileInfo {
        sample_rate: source.sample_rate(),
        channels: source.channels(),
        duration_s: source.duration_s(),
    };
    let mut analyser = Analyser::new(config(info.sample_rate))
        .map_err(|source| OfflineError::Analysis { path: path.display().to_string(), source })?;
    let mut block = Vec::with_capacity(BLOCK_FRAMES);
    while source.read_block(&mut block, BLOCK_FRAMES)? > 0 {
        analyser.process(&block, &mut on_frame);
        on_progress(analyser.duration_s(), info.duration_s);
    }
    let summary = analyser.finish(&mut on_frame);
    Ok((info, summary))
}
