//! WAV files as a source of mono f32 blocks, the same shape the microphone delivers.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum WavError {
    #[error("{path}: file not found")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a WAV file ({reason})")]
    NotWav { path: PathBuf, reason: String },
    #[error("{path}: unsupported WAV format: {what}")]
    Unsupported { path: PathBuf, what: String },
    #[error("{path}: the WAV file holds no audio")]
    Empty { path: PathBuf },
    #[error("{path}: the WAV file is truncated or corrupt after {seconds:.2} s ({reason})")]
    Truncated { path: PathBuf, seconds: f64, reason: String },
}

/// Mono blocks from a WAV file: integer (8/16/24/32-bit) or 32-bit float PCM, any channel
/// count (mixed down by averaging), any sample rate.
pub struct WavSource {
    path: PathBuf,
    /// Positioned at the next unread sample of the data chunk (hound parsed the header).
    data: BufReader<File>,
    spec: hound::WavSpec,
    frames_total: u64,
    frames_read: u64,
    bytes: Vec<u8>,
}

impl WavSource {
    pub fn open(path: &Path) -> Result<Self, WavError> {
        let path_buf = path.to_path_buf();
        let file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => WavError::NotFound { path: path_buf.clone() },
            _ => WavError::Io { path: path_buf.clone(), source: e },
        })?;
        let reader = hound::WavReader::new(BufReader::new(file)).map_err(|e| match e {
            // The file opened, so a read error here means the header is short or garbled.
            hound::Error::IoError(source) => {
                WavError::NotWav { path: path_buf.clone(), reason: format!("header unreadable: {source}") }
            }
            hound::Error::FormatError(reason) => WavError::NotWav { path: path_buf.clone(), reason: reason.into() },
            hound::Error::Unsupported => WavError::Unsupported {
                path: path_buf.clone(),
                what: "only integer PCM (8–32 bit) and 32-bit float are read; convert with e.g. `sox in.wav -b 16 out.wav`".into(),
            },
            other => WavError::NotWav { path: path_buf.clone(), reason: other.to_string() },
        })?;
        let spec = reader.spec();
        let unsupported =
            |what: String| Err(WavError::Unsupported { path: path_buf.clone(), what });
        match (spec.sample_format, spec.bits_per_sample) {
            (hound::SampleFormat::Int, 8 | 16 | 24 | 32) | (hound::SampleFormat::Float, 32) => {}
            (format, bits) => return unsupported(format!("{bits}-bit {format:?} samples")),
        }
        if spec.channels == 0 {
            return unsupported("zero channels".into());
        }
        let frames_total = reader.duration() as u64;
        if frames_total == 0 {
            return Err(WavError::Empty { path: path_buf });
        }
        let on_disk = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
        let needed =
            frames_total * spec.channels as u64 * (spec.bits_per_sample as u64).div_ceil(8);
        if needed > on_disk {
            let bytes_per_second = spec.sample_rate as f64
                * spec.channels as f64
                * (spec.bits_per_sample as f64 / 8.0);
            return Err(WavError::Truncated {
                path: path_buf,
                seconds: on_disk as f64 / bytes_per_second,
                reason: format!(
                    "header announces {needed} bytes of audio, the file has {on_disk} bytes in all"
                ),
            });
        }
        Ok(Self {
            path: path_buf,
            data: reader.into_inner(),
            spec,
            frames_total,
            frames_read: 0,
            bytes: Vec::new(),
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.spec.sample_rate
    }
    pub fn channels(&self) -> u16 {
        self.spec.channels
    }
    pub fn spec(&self) -> hound::WavSpec {
        self.spec
    }
    pub fn duration_s(&self) -> f64 {
        self.frames_total as f64 / self.spec.sample_rate as f64
    }
    pub fn frames_total(&self) -> u64 {
        self.frames_total
    }

    /// Reads up to `max_frames` frames, mixed to mono, into `out` (cleared first).
    /// Returns the number of frames read; 0 at the end of the file.
    pub fn read_block(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, WavError> {
        out.clear();
        let channels = self.spec.channels as usize;
        let frames = (max_frames as u64).min(self.frames_total - self.frames_read) as usize;
        let width = (self.spec.bits_per_sample as usize).div_ceil(8);
        self.bytes.resize(frames * channels * width, 0);
        if let Err(e) = std::io::Read::read_exact(&mut self.data, &mut self.bytes) {
            return Err(WavError::Truncated {
                path: self.path.clone(),
                seconds: self.frames_read as f64 / self.spec.sample_rate as f64,
                reason: e.to_string(),
            });
        }
        // Decoding by hand instead of through hound's per-sample iterator: reading was a
        // quarter of `analyze`'s run time.
        let decode: fn(&[u8]) -> f32 = match (self.spec.sample_format, width) {
            (hound::SampleFormat::Float, _) => |b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            (_, 1) => |b| (b[0] as f32 - 128.0) / 128.0,
            (_, 2) => |b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0,
            (_, 3) => |b| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0,
            _ => |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 / 2_147_483_648.0,
        };
        let gain = 1.0 / channels as f32;
        out.extend(
            self.bytes
                .chunks_exact(channels * width)
                .map(|frame| frame.chunks_exact(width).map(decode).sum::<f32>() * gain),
        );
        self.frames_read += frames as u64;
        Ok(frames)
    }
}

/// Writes mono f32 samples as a 16-bit PCM WAV (used by tests and the recorder).
pub fn write_mono_i16(path: &Path, sample_rate: u32, samples: &[f32]) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    for &s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16)?;
    }
    w.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("speech-coach-wav-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    fn read_all(path: &Path) -> Result<Vec<f32>, WavError> {
        let mut src = WavSource::open(path)?;
        let mut all = Vec::new();
        let mut block = Vec::new();
        while src.read_block(&mut block, 1000)? > 0 {
            all.extend_from_slice(&block);
        }
        Ok(all)
    }

    #[test]
    fn every_integer_width_and_float_reads_to_the_same_scale() {
        for (bits, format) in [
            (8, hound::SampleFormat::Int),
            (16, hound::SampleFormat::Int),
            (24, hound::SampleFormat::Int),
            (32, hound::SampleFormat::Int),
            (32, hound::SampleFormat::Float),
        ] {
            let path = temp(&format!("w{bits}{format:?}.wav"));
            let spec = hound::WavSpec {
                channels: 2,
                sample_rate: 16000,
                bits_per_sample: bits,
                sample_format: format,
            };
            let mut w = hound::WavWriter::create(&path, spec).unwrap();
            for i in 0..1600 {
                let v = 0.5 * ((i as f32) * 0.05).sin();
                // left = v, right = 0: the mono mix is v / 2
                match format {
                    hound::SampleFormat::Float => {
                        w.write_sample(v).unwrap();
                        w.write_sample(0.0f32).unwrap();
                    }
                    hound::SampleFormat::Int => {
                        let full = ((1i64 << (bits - 1)) - 1) as f32;
                        w.write_sample((v * full) as i32).unwrap();
                        w.write_sample(0i32).unwrap();
                    }
                }
            }
            w.finalize().unwrap();
            let mono = read_all(&path).unwrap();
            assert_eq!(mono.len(), 1600);
            // 8-bit quantisation: 1/128 of full scale
            for (i, m) in mono.iter().enumerate() {
                let v = 0.25 * ((i as f32) * 0.05).sin();
                assert!((m - v).abs() < 0.01, "{bits} bit: sample {i}: {m} vs {v}");
            }
        }
    }

    #[test]
    fn missing_empty_garbage_and_truncated_files_are_clear_errors() {
        assert!(matches!(
            WavSource::open(Path::new("/nonexistent/x.wav")),
            Err(WavError::NotFound { .. })
        ));
        let garbage = temp("garbage.wav");
        std::fs::write(&garbage, b"this is not a wav file at all, just text").unwrap();
        assert!(matches!(WavSource::open(&garbage), Err(WavError::NotWav { .. })));
        let empty = temp("empty.wav");
        write_mono_i16(&empty, 16000, &[]).unwrap();
        assert!(matches!(WavSource::open(&empty), Err(WavError::Empty { .. })));
        let zero_bytes = temp("zero.wav");
        std::fs::write(&zero_bytes, b"").unwrap();
        assert!(WavSource::open(&zero_bytes).is_err());
        let cut = temp("cut.wav");
        write_mono_i16(&cut, 16000, &vec![0.1; 16000]).unwrap();
        let bytes = std::fs::read(&cut).unwrap();
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let err = WavSource::open(&cut).err().expect("truncated file must be refused");
        assert!(matches!(err, WavError::Truncated { .. }), "{err}");
    }
}
