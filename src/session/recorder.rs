//! Microphone audio to WAV that survives a crash: the header is rewritten once a second
//! (hound's `flush` checkpoints it), so a killed process leaves a playable file holding
//! everything up to the last second.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use thiserror::Error;

#[derive(Debug, Error)]
#[error("{path}: cannot record audio: {source}")]
pub struct RecorderError {
    path: PathBuf,
    source: hound::Error,
}

/// How often the header is brought up to date: twice a second, so that a kill loses
/// less than a second even with the capture pipeline's own buffering.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

pub struct Recorder {
    path: PathBuf,
    writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
    last_checkpoint: Instant,
}

impl Recorder {
    /// 32-bit float mono: exactly the samples the analyser saw, so a report and
    /// `analyze` on the recording agree to the last digit.
    pub fn create(path: &Path, sample_rate: u32) -> Result<Self, RecorderError> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let writer = hound::WavWriter::create(path, spec)
            .map_err(|source| RecorderError { path: path.to_path_buf(), source })?;
        Ok(Self { path: path.to_path_buf(), writer, last_checkpoint: Instant::now() })
    }

    pub fn sample_rate(&self) -> u32 {
        self.writer.spec().sample_rate
    }

    pub fn write(&mut self, samples: &[f32]) -> Result<(), RecorderError> {
        let wrap = |source| RecorderError { path: self.path.clone(), source };
        for &s in samples {
            self.writer.write_sample(s).map_err(wrap)?;
        }
        if self.last_checkpoint.elapsed() >= CHECKPOINT_EVERY {
            self.writer
                .flush()
                .map_err(|source| RecorderError { path: self.path.clone(), source })?;
            self.last_checkpoint = Instant::now();
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), RecorderError> {
        let path = self.path.clone();
        self.writer.finalize().map_err(|source| RecorderError { path, source })
    }
}
