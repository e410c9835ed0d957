//! Short stretches of a session's recording as small WAV files inside the report page.
//!
//! The page must stay one self-contained file, so each replay is embedded as a
//! `data:audio/wav;base64,…` URI: 16 kHz 16-bit mono PCM (any browser plays it; telephone
//! speech holds nothing above 8 kHz), about 0.85 MB of text for 20 s. The recording is
//! read once, front to back, whatever order the stretches are asked in.

use std::io::Cursor;
use std::path::Path;

use base64::Engine as _;
use thiserror::Error;

use crate::audio::{WavError, WavSource};
use crate::dsp::resample::Resampler;

/// The rate replays are embedded at (recordings at or under it are kept as they are).
pub const SNIPPET_RATE: u32 = 16_000;

#[derive(Debug, Error)]
pub enum SnippetError {
    #[error(transparent)]
    Read(#[from] WavError),
    #[error("cannot encode a replay: {0}")]
    Encode(#[from] hound::Error),
}

/// The stretches `(start_s, length_s)` of the recording at `path`, each as WAV bytes
/// (empty where the recording does not reach).
pub fn wav_snippets(path: &Path, stretches: &[(f64, f64)]) -> Result<Vec<Vec<u8>>, SnippetError> {
    let mut source = WavSource::open(path)?;
    let rate = source.sample_rate();
    let at = |t: f64| (t.max(0.0) * f64::from(rate)) as u64;
    let spans: Vec<(u64, u64)> = stretches.iter().map(|&(s, l)| (at(s), at(s + l))).collect();
    let end = spans.iter().map(|s| s.1).max().unwrap_or(0);
    let mut taken: Vec<Vec<f32>> = vec![Vec::new(); spans.len()];
    let (mut pos, mut block) = (0u64, Vec::new());
    while pos < end {
        let n = source.read_block(&mut block, 8192)?;
        if n == 0 {
            break;
        }
        for (span, out) in spans.iter().zip(&mut taken) {
            let from = span.0.clamp(pos, pos + n as u64);
            let to = span.1.clamp(pos, pos + n as u64);
            out.extend_from_slice(&block[(from - pos) as usize..(to - pos) as usize]);
        }
        pos += n as u64;
    }
    taken.iter().map(|samples| encode(samples, rate)).collect()
}

/// Samples as a 16-bit PCM WAV at [`SNIPPET_RATE`] (or `rate`, when lower).
fn encode(samples: &[f32], rate: u32) -> Result<Vec<u8>, SnippetError> {
    if samples.is_empty() {
        return Ok(Vec::new());
    }
    let out_rate = rate.min(SNIPPET_RATE);
    let mut converted = Vec::with_capacity(samples.len());
    let mut resampler = Resampler::new(rate, out_rate);
    resampler.process(samples, &mut converted);
    // Flush the filter's delay so the end of the stretch is heard too, then drop the
    // delay at the front (the filter is centred) so the replay starts where it is said to.
    let delay = resampler.delay_input_samples();
    resampler.process(&vec![0.0; 2 * delay + rate as usize / 100], &mut converted);
    let skip = (delay as u64 * u64::from(out_rate) / u64::from(rate)) as usize;
    let wanted = (samples.len() as u64 * u64::from(out_rate) / u64::from(rate)) as usize;
    let converted = &converted[skip.min(converted.len())..];
    let converted = &converted[..wanted.min(converted.len())];
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: out_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut bytes, spec)?;
    for &s in converted {
        let s = if s.is_finite() { s.clamp(-1.0, 1.0) } else { 0.0 };
        w.write_sample((s * 32767.0).round() as i16)?;
    }
    w.finalize()?;
    Ok(bytes.into_inner())
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A replay as a `data:` URI for an `<audio>` element.
pub fn data_uri(wav: &[u8]) -> String {
    format!("data:audio/wav;base64,{}", base64(wav))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        // RFC 4648 §10.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn stretches_are_cut_at_their_times_and_converted_to_16_khz_16_bit() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("audio.wav");
        // 10 s at 48 kHz, f32 as the recorder writes: the sample value is the second.
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 48_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for i in 0..480_000u32 {
            w.write_sample((i / 48_000) as f32 / 10.0).unwrap();
        }
        w.finalize().unwrap();
        let wavs = wav_snippets(&path, &[(6.0, 2.0), (1.0, 2.0), (9.0, 5.0), (20.0, 2.0)]).unwrap();
        let read = |bytes: &[u8]| {
            let r = hound::WavReader::new(Cursor::new(bytes.to_vec())).unwrap();
            assert_eq!((r.spec().sample_rate, r.spec().bits_per_sample), (16_000, 16));
            r.into_samples::<i16>().map(|s| s.unwrap() as f32 / 32767.0).collect::<Vec<_>>()
        };
        let a = read(&wavs[0]);
        assert!((a.len() as i64 - 32_000).abs() <= 1, "{}", a.len());
        // Within the stretch, away from the step at 7 s: the value of its second (±0.01,
        // the resampler's ripple and 16-bit rounding).
        assert!((a[8_000] - 0.6).abs() < 0.01 && (a[24_000] - 0.7).abs() < 0.01);
        let b = read(&wavs[1]);
        assert!((b[8_000] - 0.1).abs() < 0.01, "{}", b[8_000]);
        // Past the end: only what there is; entirely past it: nothing.
        assert!((read(&wavs[2]).len() as i64 - 16_000).abs() <= 1);
        assert!(wavs[3].is_empty());
    }
}
