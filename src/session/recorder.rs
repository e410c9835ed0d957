//! Microphone audio to a WAV that survives a crash. Samples go to disk at checkpoints: the
//! first with the first samples written, then every [`CHECKPOINT_EVERY`]. A checkpoint
//! appends the samples, then rewrites the header to cover them, so the header never
//! claims more than the disk holds and a killed process leaves a playable file up to the
//! last checkpoint. A failed append is cut back off, leaving the header and the samples
//! of the checkpoint before it.
//!
//! The header is written here, not by hound (the project's WAV writer elsewhere): hound 3.5
//! writes 32-bit float as WAVE_FORMAT_EXTENSIBLE, on which sox 14.4 warns "wave header
//! missing extended part of fmt chunk" (it reads the extension, switches to the float
//! sub-format, then wants a cbSize again), and without the `fact` chunk the RIFF spec asks
//! of every non-PCM format; and it counts a sample as written when it enters its buffer,
//! so after a failed write the header it leaves can claim samples that never arrived. The
//! header here is one fixed layout: WAVE_FORMAT_IEEE_FLOAT with cbSize 0 (18-byte fmt), a
//! `fact` chunk and the data chunk, 58 bytes, which sox, hound and `audio::wav` all read.
//!
//! Recordings of calls are personal data: the file is made private (0600 on Unix,
//! through `platform::private`).

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use thiserror::Error;

#[derive(Debug, Error)]
#[error("{path}: cannot record audio: {source}")]
pub struct RecorderError {
    path: PathBuf,
    source: io::Error,
}

/// How often the header is brought up to date: twice a second, so that a kill loses
/// less than a second even with the capture pipeline's own buffering.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Bytes before the first sample: RIFF (12) + fmt (8 + 18) + fact (8 + 4) + data header (8).
const HEADER_LEN: u64 = 58;
/// Bytes a sample: 32-bit float, mono.
const SAMPLE_BYTES: u64 = 4;
/// Most samples a WAV holds: the RIFF size field (file length − 8) is 32 bits. 6.2 h at
/// 48 kHz; beyond, `write` fails and the file keeps what it has.
const MAX_FRAMES: u64 = (u32::MAX as u64 - (HEADER_LEN - 8)) / SAMPLE_BYTES;

/// The header of a mono 32-bit float WAV of `frames` samples.
fn header(sample_rate: u32, frames: u64) -> [u8; HEADER_LEN as usize] {
    let data_bytes = (frames * SAMPLE_BYTES) as u32;
    let mut h = [0u8; HEADER_LEN as usize];
    let fields: [&[u8]; 16] = [
        b"RIFF",
        &(HEADER_LEN as u32 - 8 + data_bytes).to_le_bytes(),
        b"WAVEfmt ",
        &18u32.to_le_bytes(),
        &3u16.to_le_bytes(), // WAVE_FORMAT_IEEE_FLOAT
        &1u16.to_le_bytes(), // channels
        &sample_rate.to_le_bytes(),
        &(sample_rate.wrapping_mul(SAMPLE_BYTES as u32)).to_le_bytes(), // bytes a second
        &(SAMPLE_BYTES as u16).to_le_bytes(),                           // block align
        &32u16.to_le_bytes(),                                           // bits a sample
        &0u16.to_le_bytes(),                                            // cbSize
        b"fact",
        &4u32.to_le_bytes(),
        &(frames as u32).to_le_bytes(), // samples a channel
        b"data",
        &data_bytes.to_le_bytes(),
    ];
    let mut at = 0;
    for field in fields {
        h[at..at + field.len()].copy_from_slice(field);
        at += field.len();
    }
    debug_assert_eq!(at, h.len());
    h
}

/// Where the WAV goes: a file, or in tests a disk that fills up on cue.
trait Storage: Write + Seek {
    fn truncate(&mut self, len: u64) -> io::Result<()>;
    fn sync(&mut self) -> io::Result<()>;
}

impl Storage for File {
    fn truncate(&mut self, len: u64) -> io::Result<()> {
        self.set_len(len)
    }
    fn sync(&mut self) -> io::Result<()> {
        self.sync_all()
    }
}

/// The WAV as written so far: `frames_on_disk` samples under a header that says so, and
/// samples waiting for the next checkpoint.
struct Sink<S: Storage> {
    storage: S,
    sample_rate: u32,
    frames_on_disk: u64,
    pending: Vec<u8>,
}

impl<S: Storage> Sink<S> {
    fn new(mut storage: S, sample_rate: u32) -> io::Result<Self> {
        storage.write_all(&header(sample_rate, 0))?;
        storage.flush()?;
        Ok(Self { storage, sample_rate, frames_on_disk: 0, pending: Vec::new() })
    }

    fn push(&mut self, samples: &[f32]) -> io::Result<()> {
        let frames =
            self.frames_on_disk + self.pending.len() as u64 / SAMPLE_BYTES + samples.len() as u64;
        if frames > MAX_FRAMES {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("a WAV holds at most {MAX_FRAMES} samples (4 GiB)"),
            ));
        }
        self.pending.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
        Ok(())
    }

    /// Appends the waiting samples, then brings the header up to date. On failure the
    /// file is cut back to the last checkpoint (as far as the storage allows) and the
    /// samples stay waiting for another try.
    fn checkpoint(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let end = HEADER_LEN + self.frames_on_disk * SAMPLE_BYTES;
        let frames = self.frames_on_disk + self.pending.len() as u64 / SAMPLE_BYTES;
        let written = (|| {
            self.storage.seek(SeekFrom::Start(end))?;
            self.storage.write_all(&self.pending)?;
            self.storage.flush()?;
            self.storage.seek(SeekFrom::Start(0))?;
            self.storage.write_all(&header(self.sample_rate, frames))?;
            self.storage.flush()
        })();
        if let Err(e) = written {
            // The header still says `frames_on_disk`; drop what part of the append arrived.
            let _ = self.storage.truncate(end);
            return Err(e);
        }
        self.frames_on_disk = frames;
        self.pending.clear();
        Ok(())
    }

    /// Cuts the file to its first `frames` samples (after a checkpoint: nothing waits).
    fn truncate(&mut self, frames: u64) -> io::Result<()> {
        if frames >= self.frames_on_disk {
            return Ok(());
        }
        self.storage.seek(SeekFrom::Start(0))?;
        self.storage.write_all(&header(self.sample_rate, frames))?;
        self.storage.flush()?;
        self.storage.truncate(HEADER_LEN + frames * SAMPLE_BYTES)?;
        self.frames_on_disk = frames;
        Ok(())
    }
}

/// Brings the header of a recording this module wrote up to the whole samples on disk:
/// after a kill the file holds samples past its last checkpoint (up to half a second)
/// and perhaps part of one sample. Returns the rate and the samples now covered, or
/// `None` (and changes nothing) when the file does not have this module's layout.
pub fn repair_header(path: &Path) -> io::Result<Option<(u32, u64)>> {
    use std::io::Read;
    crate::platform::files::check_regular(path, crate::platform::files::Links::Refuse)?;
    let mut file = std::fs::OpenOptions::new().read(true).write(true).open(path)?;
    let mut head = [0u8; HEADER_LEN as usize];
    if file.read_exact(&mut head).is_err() {
        return Ok(None);
    }
    let rate = u32::from_le_bytes([head[24], head[25], head[26], head[27]]);
    // Everything but the three sizes (RIFF at 4, fact's count at 46, data at 54) is fixed.
    let expected = header(rate, 0);
    let same = |r: std::ops::Range<usize>| expected[r.clone()] == head[r];
    if rate == 0 || !(same(0..4) && same(8..46) && same(50..54)) {
        return Ok(None);
    }
    let len = file.metadata()?.len();
    let frames = ((len - HEADER_LEN) / SAMPLE_BYTES).min(MAX_FRAMES);
    file.set_len(HEADER_LEN + frames * SAMPLE_BYTES)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header(rate, frames))?;
    file.sync_all()?;
    Ok(Some((rate, frames)))
}

pub struct Recorder {
    path: PathBuf,
    sink: Sink<File>,
    /// When samples last went to disk; `None` before the first.
    last_checkpoint: Option<Instant>,
}

impl Recorder {
    /// 32-bit float mono: exactly the samples the analyser saw, so a report and
    /// `analyze` on the recording agree to the last digit.
    pub fn create(path: &Path, sample_rate: u32) -> Result<Self, RecorderError> {
        let wrap = |source| RecorderError { path: path.to_path_buf(), source };
        let file = crate::platform::private::create_file(path).map_err(wrap)?;
        let sink = Sink::new(file, sample_rate).map_err(wrap)?;
        Ok(Self { path: path.to_path_buf(), sink, last_checkpoint: None })
    }

    pub fn sample_rate(&self) -> u32 {
        self.sink.sample_rate
    }

    /// Samples on disk under an up-to-date header (the rest wait for the next checkpoint).
    pub fn frames_on_disk(&self) -> u64 {
        self.sink.frames_on_disk
    }

    pub fn write(&mut self, samples: &[f32]) -> Result<(), RecorderError> {
        self.write_at(samples, Instant::now())
    }

    fn write_at(&mut self, samples: &[f32], now: Instant) -> Result<(), RecorderError> {
        self.sink.push(samples).map_err(|source| self.error(source))?;
        let due = self.last_checkpoint.is_none_or(|t| now.duration_since(t) >= CHECKPOINT_EVERY);
        if due && !self.sink.pending.is_empty() {
            self.sink.checkpoint().map_err(|source| self.error(source))?;
            self.last_checkpoint = Some(now);
        }
        Ok(())
    }

    /// Keeps the first `frames` samples and drops the rest (a call cut at its end).
    pub fn truncate(&mut self, frames: u64) -> Result<(), RecorderError> {
        self.sink.checkpoint().and_then(|()| self.sink.truncate(frames)).map_err(|e| self.error(e))
    }

    /// Writes what waits and makes the file durable.
    pub fn finish(mut self) -> Result<(), RecorderError> {
        self.sink.checkpoint().and_then(|()| self.sink.storage.sync()).map_err(|e| self.error(e))
    }

    fn error(&self, source: io::Error) -> RecorderError {
        RecorderError { path: self.path.clone(), source }
    }
}

impl Drop for Recorder {
    /// A recorder dropped without `finish` (an early return, a panic) still writes what
    /// waits; the error, if any, has nowhere to go.
    fn drop(&mut self) {
        let _ = self.sink.checkpoint();
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::audio::WavSource;

    fn temp(name: &str) -> PathBuf {
        tempfile::Builder::new().prefix("speech-coach-rec-").tempdir().unwrap().keep().join(name)
    }

    fn tone(n: usize, from: usize) -> Vec<f32> {
        (from..from + n).map(|i| 0.3 * (i as f32 * 0.07).sin()).collect()
    }

    fn read_back(path: &Path) -> Vec<f32> {
        let mut source = WavSource::open(path).unwrap();
        let (mut all, mut block) = (Vec::new(), Vec::new());
        while source.read_block(&mut block, 4096).unwrap() > 0 {
            all.extend_from_slice(&block);
        }
        all
    }

    #[test]
    fn the_header_covers_the_first_samples_at_once_and_the_rest_every_checkpoint() {
        let path = temp("checkpoints.wav");
        let mut rec = Recorder::create(&path, 16000).unwrap();
        let t0 = Instant::now();
        rec.write_at(&tone(1600, 0), t0).unwrap();
        assert_eq!(read_back(&path), tone(1600, 0), "the first write is on disk at once");
        rec.write_at(&tone(3200, 1600), t0 + Duration::from_millis(300)).unwrap();
        assert_eq!(read_back(&path).len(), 1600, "before the next checkpoint");
        rec.write_at(&tone(1600, 4800), t0 + CHECKPOINT_EVERY).unwrap();
        assert_eq!(rec.frames_on_disk(), 6400);
        // A kill runs no destructor: what the last checkpoint wrote must be all there is.
        std::mem::forget(rec);
        assert_eq!(read_back(&path), tone(6400, 0));
    }

    #[test]
    fn a_finished_recording_reads_back_bit_for_bit_through_hound_too() {
        let path = temp("finished.wav");
        let mut rec = Recorder::create(&path, 48000).unwrap();
        for block in 0..10 {
            rec.write(&tone(480, block * 480)).unwrap();
        }
        rec.finish().unwrap();
        assert_eq!(read_back(&path), tone(4800, 0));
        // hound, an independent reader, agrees on the format and every sample.
        let mut reader = hound::WavReader::open(&path).unwrap();
        assert_eq!(reader.spec().sample_format, hound::SampleFormat::Float);
        assert_eq!(reader.spec().sample_rate, 48000);
        let samples: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
        assert_eq!(samples, tone(4800, 0));
    }

    #[test]
    fn dropping_a_recorder_without_finish_keeps_every_sample() {
        let path = temp("dropped.wav");
        let mut rec = Recorder::create(&path, 8000).unwrap();
        let t0 = Instant::now();
        rec.write_at(&tone(100, 0), t0).unwrap();
        rec.write_at(&tone(100, 100), t0).unwrap();
        drop(rec);
        assert_eq!(read_back(&path), tone(200, 0));
    }

    #[test]
    fn a_truncated_recording_keeps_its_first_samples_under_a_header_that_says_so() {
        let path = temp("truncated.wav");
        let mut rec = Recorder::create(&path, 8000).unwrap();
        rec.write(&tone(3000, 0)).unwrap();
        rec.write(&tone(1000, 3000)).unwrap();
        rec.truncate(2500).unwrap();
        rec.truncate(9000).unwrap(); // longer than the file: nothing to cut
        rec.finish().unwrap();
        assert_eq!(read_back(&path), tone(2500, 0));
        assert_eq!(std::fs::metadata(&path).unwrap().len(), HEADER_LEN + 2500 * 4);
    }

    #[cfg(unix)]
    #[test]
    fn the_recording_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp("private.wav");
        std::fs::write(&path, b"an older file, world-readable").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        for _ in 0..2 {
            Recorder::create(&path, 8000).unwrap().finish().unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
            std::fs::remove_file(&path).unwrap(); // the second round: a new file
        }
    }

    /// A disk that holds `capacity` bytes: a write past it stores what fits, then fails
    /// as a full disk does.
    struct SmallDisk {
        file: Cursor<Vec<u8>>,
        capacity: u64,
    }

    impl Write for SmallDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let room = self.capacity.saturating_sub(self.file.position()) as usize;
            if room == 0 && !buf.is_empty() {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
            }
            self.file.write(&buf[..buf.len().min(room)])
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Seek for SmallDisk {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.file.seek(pos)
        }
    }
    impl Storage for SmallDisk {
        fn truncate(&mut self, len: u64) -> io::Result<()> {
            self.file.get_mut().truncate(len as usize);
            Ok(())
        }
        fn sync(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_leaves_the_header_and_samples_of_the_checkpoint_before() {
        // Room for the header, 1000 samples and half a sample more.
        let disk = SmallDisk { file: Cursor::new(Vec::new()), capacity: HEADER_LEN + 4002 };
        let mut sink = Sink::new(disk, 8000).unwrap();
        sink.push(&tone(600, 0)).unwrap();
        sink.checkpoint().unwrap();
        sink.push(&tone(600, 600)).unwrap();
        let err = sink.checkpoint().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        // Once more, as `finish` does: still full, still consistent.
        assert!(sink.checkpoint().is_err());
        assert_eq!(sink.frames_on_disk, 600);
        let bytes = sink.storage.file.into_inner();
        assert_eq!(bytes.len() as u64, HEADER_LEN + 600 * 4, "the partial append is cut off");
        let path = temp("full-disk.wav");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_back(&path), tone(600, 0));
    }

    #[test]
    fn samples_past_the_4_gib_limit_are_refused_before_they_are_taken() {
        let disk = SmallDisk { file: Cursor::new(Vec::new()), capacity: u64::MAX };
        let mut sink = Sink::new(disk, 48000).unwrap();
        sink.frames_on_disk = MAX_FRAMES - 10;
        sink.push(&[0.0; 10]).unwrap();
        let err = sink.push(&[0.0]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(sink.pending.len(), 40, "the refused sample is not kept");
        // The RIFF size at the limit still fits its 32 bits.
        assert!(HEADER_LEN - 8 + MAX_FRAMES * SAMPLE_BYTES <= u32::MAX as u64);
    }
}
