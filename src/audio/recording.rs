//! Any recording a user hands the program, as one source of f32 blocks: WAV through the
//! hand-written reader ([`super::wav`]), everything else through [`super::compressed`].
//!
//! A file goes to the WAV reader when its name ends in `.wav`/`.wave` or its first four
//! bytes are a RIFF-family tag, whatever its name: so every WAV keeps exactly the reading
//! and the refusals `tests/wav_reader.rs` guarantees (a text file named `.wav` is still
//! "not a WAV file", an RF64 one still "unsupported"). Anything else is probed by content,
//! the extension only a hint.

use std::io::Read;
use std::path::Path;

use thiserror::Error;

use super::Channels;
use super::compressed::{CompressedError, CompressedSource};
use super::wav::{WavError, WavSource};

/// The file names a folder of recordings is read for (lower case, without the dot).
pub const RECORDING_EXTENSIONS: [&str; 9] =
    ["wav", "wave", "mp3", "flac", "ogg", "oga", "m4a", "mp4", "aac"];

#[derive(Debug, Error)]
pub enum RecordingError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Compressed(#[from] CompressedError),
}

/// A recording being read, block by block.
pub enum Recording {
    Wav(WavSource),
    Compressed(CompressedSource),
}

/// Whether `path` is named like a recording ([`RECORDING_EXTENSIONS`], any case).
pub fn is_recording_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| RECORDING_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn wav_by_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wav") || e.eq_ignore_ascii_case("wave"))
}

/// Whether the file starts with a tag of the RIFF family (RIFF, RIFX, RF64, BW64); an
/// unreadable or short file is left to the reader chosen by name to refuse.
fn riff_by_content(path: &Path) -> bool {
    let mut tag = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut tag))
        .is_ok_and(|()| matches!(&tag, b"RIFF" | b"RIFX" | b"RF64" | b"BW64"))
}

impl Recording {
    pub fn open(path: &Path) -> Result<Self, RecordingError> {
        if wav_by_name(path) || riff_by_content(path) {
            Ok(Recording::Wav(WavSource::open(path)?))
        } else {
            Ok(Recording::Compressed(CompressedSource::open(path)?))
        }
    }

    pub fn sample_rate(&self) -> u32 {
        match self {
            Recording::Wav(s) => s.sample_rate(),
            Recording::Compressed(s) => s.sample_rate(),
        }
    }

    pub fn channels(&self) -> u16 {
        match self {
            Recording::Wav(s) => s.channels(),
            Recording::Compressed(s) => s.channels(),
        }
    }

    /// The length, when the file states it (a WAV always does; an MP3 without a Xing
    /// header does not).
    pub fn duration_s(&self) -> Option<f64> {
        match self {
            Recording::Wav(s) => Some(s.duration_s()),
            Recording::Compressed(s) => s.duration_s(),
        }
    }

    /// Reads up to `max_frames` frames of `pick` into `out` (cleared first); 0 at the end.
    pub fn read_block_channels(
        &mut self,
        out: &mut Vec<f32>,
        max_frames: usize,
        pick: Channels,
    ) -> Result<usize, RecordingError> {
        Ok(match self {
            Recording::Wav(s) => s.read_block_channels(out, max_frames, pick)?,
            Recording::Compressed(s) => s.read_block_channels(out, max_frames, pick)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp(name: &str) -> PathBuf {
        tempfile::Builder::new().prefix("speech-coach-rec-").tempdir().unwrap().keep().join(name)
    }

    #[test]
    fn a_wav_goes_to_the_wav_reader_by_name_or_by_content() {
        let named = temp("tone.wav");
        super::super::wav::write_mono_i16(&named, 8000, &[0.1; 800]).unwrap();
        assert!(matches!(Recording::open(&named).unwrap(), Recording::Wav(_)));
        let misnamed = temp("tone.mp3");
        std::fs::copy(&named, &misnamed).unwrap();
        assert!(matches!(Recording::open(&misnamed).unwrap(), Recording::Wav(_)));
        // A text file named .wav keeps the WAV reader's refusal.
        let text = temp("notes.wav");
        std::fs::write(&text, "hello").unwrap();
        let err = Recording::open(&text).err().unwrap();
        assert!(err.to_string().contains("not a WAV file"), "{err}");
    }

    #[test]
    fn a_file_nothing_reads_is_refused_naming_what_is_read() {
        let text = temp("notes.txt");
        std::fs::write(&text, "hello, this is a text file and not a recording").unwrap();
        let err = Recording::open(&text).err().unwrap();
        let line = err.to_string();
        assert!(line.contains("notes.txt") && line.contains("WAV, MP3, FLAC"), "{line}");
        assert!(!line.contains('\n'), "{line}");
        let missing = Recording::open(&temp("missing.mp3")).err().unwrap();
        assert!(missing.to_string().contains("file not found"), "{missing}");
    }

    #[test]
    fn names_of_recordings_are_known_in_any_case() {
        for name in ["a.WAV", "b.mp3", "c.Flac", "d.ogg", "e.m4a", "f.aac"] {
            assert!(is_recording_name(Path::new(name)), "{name}");
        }
        for name in ["notes.txt", "frames.csv", "mp3", "x.json"] {
            assert!(!is_recording_name(Path::new(name)), "{name}");
        }
    }
}
