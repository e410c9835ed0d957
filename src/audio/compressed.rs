//! Compressed recordings (MP3, FLAC, Ogg Vorbis, AAC in M4A/MP4 or ADTS) as a source of
//! f32 blocks, in the same shape [`super::WavSource`] gives: mixed to mono, or one channel.
//!
//! Decoding is symphonia's (pure Rust; only those formats and codecs are built, see README
//! "Dependencies"). It streams: one packet is demuxed and decoded at a time, and only that
//! packet's samples (at most a few thousand frames) are held, so a two-hour MP3 takes no
//! more memory than a two-second one.
//!
//! A damaged file is refused, never half-trusted, in three ways:
//! - a read error inside the stream (the file ends in the middle of a packet) is an error,
//!   not the end;
//! - packets that fail to decode are skipped as a player would, but more than
//!   [`BAD_PACKETS_IN_A_ROW`] in a row, or more than 1 % of all packets (at least
//!   [`BAD_PACKETS_ALLOWED`]), is a damaged file (random bytes named `.mp3` hold chance
//!   sync words whose "frames" fail one after another);
//! - when the container says how long the audio is (FLAC's STREAMINFO, an MP3's Xing/Info
//!   header, MP4's sample tables, Ogg's last granule), a stream that ends more than
//!   [`SHORT_BY_S_ALLOWED`] short of it was cut;
//! - an MP3 without such a header (sox writes none) has no stated end (symphonia estimates
//!   one from the bit rate and the file's size, which a cut file matches), and symphonia
//!   takes the file ending inside a frame as the end of the stream: here the bytes of its
//!   whole frames are added up and must fill the file between its tags
//!   ([`mp3_audio_bytes`]), so a file cut anywhere but exactly on a frame boundary is
//!   refused (cut on a boundary, it is a shorter recording and nothing can tell).

use std::fs::File;
use std::path::{Path, PathBuf};

use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use thiserror::Error;

use super::Channels;

/// What the decoders here read, for messages that say what is supported.
pub const COMPRESSED_FORMATS: &str = "MP3, FLAC, Ogg Vorbis and AAC (M4A/MP4 or ADTS)";

/// Failed packets in a row that make a file damaged rather than scratched.
pub const BAD_PACKETS_IN_A_ROW: u32 = 8;

/// Failed packets always forgiven in a file (beyond them, 1 % of its packets).
pub const BAD_PACKETS_ALLOWED: u64 = 3;

/// How far short of its stated length a stream may end. Encoder delay and padding are
/// trimmed by the decoders (gapless), so a whole file ends within a packet of its length:
/// an MP3 frame is 576 samples below 32 kHz (0.072 s at 8 kHz), an AAC frame 1024
/// (0.128 s at 8 kHz); 0.25 s is two of the longest.
pub const SHORT_BY_S_ALLOWED: f64 = 0.25;

#[derive(Debug, Error)]
pub enum CompressedError {
    #[error("{path}: file not found")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "{path}: not a recording this program reads ({reason}); it reads WAV, {COMPRESSED_FORMATS}"
    )]
    NotRecognised { path: PathBuf, reason: String },
    #[error(
        "{path}: a {container} file whose audio is not read ({reason}); it reads WAV, {COMPRESSED_FORMATS}"
    )]
    UnsupportedCodec { path: PathBuf, container: &'static str, reason: String },
    #[error("{path}: a recording whose header is damaged or truncated ({reason})")]
    DamagedHeader { path: PathBuf, reason: String },
    #[error("{path}: the {container} file holds no audio")]
    Empty { path: PathBuf, container: &'static str },
    #[error("{path}: the {container} file is damaged or truncated after {seconds:.2} s ({reason})")]
    Damaged { path: PathBuf, container: &'static str, seconds: f64, reason: String },
    #[error("{path}: no channel {channel} (channels count from 0; the file has {channels})")]
    NoSuchChannel { path: PathBuf, channel: usize, channels: u16 },
}

/// Blocks of f32 samples decoded from a compressed file, packet by packet.
pub struct CompressedSource {
    path: PathBuf,
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    container: &'static str,
    sample_rate: u32,
    channels: u16,
    /// Playable frames, when the container says or symphonia estimates.
    frames_total: Option<u64>,
    /// Whether `frames_total` is stated by the file (not an MP3 estimate).
    frames_stated: bool,
    frames_read: u64,
    /// The last packet's samples, interleaved, and how many of its frames are handed out.
    decoded: Vec<f32>,
    decoded_frames_used: usize,
    packets: u64,
    bad_packets: u64,
    bad_in_a_row: u32,
    ended: bool,
    /// An MP3 without a stated length: the bytes between its tags, and the bytes of the
    /// frames read so far.
    mp3_bytes: Option<(u64, u64)>,
}

impl CompressedSource {
    /// Opens `path`, taking its extension as a hint; the content decides.
    pub fn open(path: &Path) -> Result<Self, CompressedError> {
        let path_buf = path.to_path_buf();
        let file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CompressedError::NotFound { path: path_buf.clone() },
            _ => CompressedError::Io { path: path_buf.clone(), source: e },
        })?;
        let stream = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let not_recognised =
            |reason: String| CompressedError::NotRecognised { path: path_buf.clone(), reason };
        let reader = symphonia::default::get_probe()
            .probe(&hint, stream, FormatOptions::default(), MetadataOptions::default())
            .map_err(|e| match e {
                SymphoniaError::IoError(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                    CompressedError::Io { path: path_buf.clone(), source: e }
                }
                // The probe's own word for "nothing here is a format it knows".
                SymphoniaError::Unsupported(why) if why.contains("no suitable format reader") => {
                    not_recognised("no WAV, MP3, FLAC, Ogg or MP4 stream found".into())
                }
                // A format was found and its reader failed on the header: a cut M4A (its
                // index is at the end) or a damaged header.
                other => CompressedError::DamagedHeader {
                    path: path_buf.clone(),
                    reason: other.to_string(),
                },
            })?;
        let container = container_name(reader.format_info().short_name);
        let track = reader
            .default_track(TrackType::Audio)
            .ok_or_else(|| CompressedError::Empty { path: path_buf.clone(), container })?;
        let unsupported = |reason: String| CompressedError::UnsupportedCodec {
            path: path_buf.clone(),
            container,
            reason,
        };
        let Some(params) = track.codec_params.as_ref().and_then(|p| p.audio()) else {
            return Err(unsupported("no audio codec parameters".into()));
        };
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(params, &AudioDecoderOptions::default())
            .map_err(|e| unsupported(e.to_string()))?;
        let sample_rate = params.sample_rate.filter(|&r| r > 0);
        let channels = params.channels.as_ref().map(|c| c.count() as u16).filter(|&c| c > 0);
        let (Some(sample_rate), Some(channels)) = (sample_rate, channels) else {
            return Err(CompressedError::Damaged {
                path: path_buf,
                container,
                seconds: 0.0,
                reason: "no sample rate or channel count in its header".into(),
            });
        };
        let (track_id, frames_total) = (track.id, track.num_frames.filter(|&n| n > 0));
        let mp3_bytes = match container {
            "MP3" => match mp3_audio_bytes(path) {
                Ok((_, true)) => None,
                Ok((bytes, false)) => Some((bytes, 0)),
                Err(source) => return Err(CompressedError::Io { path: path_buf, source }),
            },
            _ => None,
        };
        let frames_stated = frames_total.is_some() && mp3_bytes.is_none();
        Ok(Self {
            path: path_buf,
            reader,
            decoder,
            track_id,
            container,
            sample_rate,
            channels,
            frames_total,
            frames_stated,
            frames_read: 0,
            decoded: Vec::new(),
            decoded_frames_used: 0,
            packets: 0,
            bad_packets: 0,
            bad_in_a_row: 0,
            ended: false,
            mp3_bytes,
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
    pub fn channels(&self) -> u16 {
        self.channels
    }
    /// The container's name as a person says it ("MP3", "FLAC", "Ogg", "MP4", "AAC").
    pub fn container(&self) -> &'static str {
        self.container
    }
    /// The length the container states, if it states one.
    pub fn duration_s(&self) -> Option<f64> {
        self.frames_total.map(|n| n as f64 / self.sample_rate as f64)
    }

    /// Reads up to `max_frames` frames of `pick` into `out` (cleared first): one sample a
    /// frame. Returns the number of frames read; 0 at the end of the stream.
    pub fn read_block_channels(
        &mut self,
        out: &mut Vec<f32>,
        max_frames: usize,
        pick: Channels,
    ) -> Result<usize, CompressedError> {
        out.clear();
        let channels = self.channels as usize;
        if let Channels::Only(channel) = pick
            && channel >= channels
        {
            return Err(CompressedError::NoSuchChannel {
                path: self.path.clone(),
                channel,
                channels: self.channels,
            });
        }
        while out.len() < max_frames {
            let available = self.decoded.len() / channels - self.decoded_frames_used;
            if available == 0 {
                if self.ended || !self.decode_next()? {
                    break;
                }
                continue;
            }
            let take = available.min(max_frames - out.len());
            let start = self.decoded_frames_used * channels;
            let frames = self.decoded[start..start + take * channels].chunks_exact(channels);
            match pick {
                Channels::Only(c) => out.extend(frames.map(|f| super::full_scale(f[c]))),
                Channels::Mix => {
                    let gain = 1.0 / channels as f32;
                    out.extend(frames.map(|f| super::full_scale(f.iter().sum::<f32>() * gain)));
                }
            }
            self.decoded_frames_used += take;
            self.frames_read += take as u64;
        }
        Ok(out.len())
    }

    fn damaged(&self, reason: String) -> CompressedError {
        CompressedError::Damaged {
            path: self.path.clone(),
            container: self.container,
            seconds: self.frames_read as f64 / self.sample_rate as f64,
            reason,
        }
    }

    /// Decodes the next packet of the track into `decoded`; `false` at the end of the
    /// stream (after checking the stream was whole).
    fn decode_next(&mut self) -> Result<bool, CompressedError> {
        loop {
            let packet = match self.reader.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => {
                    self.ended = true;
                    self.check_whole()?;
                    return Ok(false);
                }
                Err(SymphoniaError::ResetRequired) => {
                    // A chained Ogg stream with new tracks: the call recording is over.
                    self.ended = true;
                    return Ok(false);
                }
                Err(e) => return Err(self.damaged(e.to_string())),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            self.packets += 1;
            if let Some((_, read)) = &mut self.mp3_bytes {
                // The reader's packet is the whole frame, its 4-byte header included.
                *read += packet.data.len() as u64;
            }
            match self.decoder.decode(&packet) {
                Ok(buffer) => {
                    let spec_channels = buffer.spec().channels().count();
                    if spec_channels != self.channels as usize {
                        return Err(self.damaged(format!(
                            "a packet of {spec_channels} channels in a stream of {}",
                            self.channels
                        )));
                    }
                    buffer.copy_to_vec_interleaved(&mut self.decoded);
                    self.decoded_frames_used = 0;
                    self.bad_in_a_row = 0;
                    if !self.decoded.is_empty() {
                        return Ok(true);
                    }
                }
                Err(SymphoniaError::DecodeError(why)) => {
                    self.bad_packets += 1;
                    self.bad_in_a_row += 1;
                    if self.bad_in_a_row > BAD_PACKETS_IN_A_ROW {
                        return Err(self.damaged(format!(
                            "{} packets in a row do not decode: {why}",
                            self.bad_in_a_row
                        )));
                    }
                }
                Err(e) => return Err(self.damaged(e.to_string())),
            }
        }
    }

    /// At the end: too many bad packets, nothing at all, or short of the stated length.
    fn check_whole(&self) -> Result<(), CompressedError> {
        if self.bad_packets > BAD_PACKETS_ALLOWED.max(self.packets / 100) {
            return Err(self.damaged(format!(
                "{} of its {} packets do not decode",
                self.bad_packets, self.packets
            )));
        }
        if self.frames_read == 0 {
            return Err(CompressedError::Empty {
                path: self.path.clone(),
                container: self.container,
            });
        }
        if let Some((audio_bytes, frame_bytes)) = self.mp3_bytes
            && audio_bytes > frame_bytes
        {
            return Err(self.damaged(format!(
                "{} bytes are in no whole MPEG frame: the file was cut inside one, or holds junk",
                audio_bytes - frame_bytes
            )));
        }
        if let Some(total) = self.frames_total.filter(|_| self.frames_stated) {
            let short_s = (total.saturating_sub(self.frames_read)) as f64 / self.sample_rate as f64;
            if short_s > SHORT_BY_S_ALLOWED {
                return Err(self.damaged(format!(
                    "its header announces {:.2} s of audio",
                    total as f64 / self.sample_rate as f64
                )));
            }
        }
        Ok(())
    }
}

/// The bytes of an MP3 file between its tags: an ID3v2 tag at the start (its size is in
/// its header, ID3v2.4 §3.1), and at the end an ID3v1 tag (128 bytes from "TAG") and an
/// APEv2 tag before it (its 32-byte footer from "APETAGEX" gives its size); and whether
/// its first frame is a Xing, Info or VBRI frame, which states the stream's length (the
/// tag's name stands within the frame's first 64 bytes; symphonia reads it and keeps the
/// frame out of the packets).
pub fn mp3_audio_bytes(path: &Path) -> std::io::Result<(u64, bool)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = [0u8; 10];
    let mut start = 0;
    if len >= 10 {
        file.read_exact(&mut head)?;
        if &head[0..3] == b"ID3" && head[6..10].iter().all(|b| b & 0x80 == 0) {
            let size = head[6..10].iter().fold(0u64, |n, &b| (n << 7) | b as u64);
            let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
            start = (10 + size + footer).min(len);
        }
    }
    let mut end = len;
    let mut tail = [0u8; 32];
    if end >= start + 128 {
        file.seek(SeekFrom::Start(end - 128))?;
        file.read_exact(&mut tail[..3])?;
        if &tail[..3] == b"TAG" {
            end -= 128;
        }
    }
    if end >= start + 32 {
        file.seek(SeekFrom::Start(end - 32))?;
        file.read_exact(&mut tail)?;
        if &tail[..8] == b"APETAGEX" {
            let size = u32::from_le_bytes([tail[12], tail[13], tail[14], tail[15]]) as u64;
            let flags = u32::from_le_bytes([tail[20], tail[21], tail[22], tail[23]]);
            let header = if flags & 0x8000_0000 != 0 { 32 } else { 0 };
            end = end.saturating_sub(size + header).max(start);
        }
    }
    let mut first = [0u8; 64];
    file.seek(SeekFrom::Start(start))?;
    let n = file.read(&mut first)?;
    let tagged = first[..n].windows(4).any(|w| matches!(w, b"Xing" | b"Info" | b"VBRI"));
    Ok((end - start, tagged))
}

/// symphonia's short format names as a person says them.
fn container_name(short_name: &str) -> &'static str {
    match short_name {
        "mp3" | "mpa" | "mp1" | "mp2" => "MP3",
        "flac" => "FLAC",
        "ogg" => "Ogg",
        "isomp4" => "MP4",
        "aac" | "adts" => "AAC",
        _ => "compressed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = tempfile::Builder::new().prefix("speech-coach-mp3-").tempdir().unwrap().keep();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// An APEv2 footer for a tag of `size` bytes (items + footer), with a header if asked.
    fn ape_footer(size: u32, has_header: bool) -> Vec<u8> {
        let mut f = b"APETAGEX".to_vec();
        f.extend_from_slice(&2000u32.to_le_bytes());
        f.extend_from_slice(&size.to_le_bytes());
        f.extend_from_slice(&0u32.to_le_bytes());
        let flags: u32 = if has_header { 0x8000_0000 } else { 0 };
        f.extend_from_slice(&flags.to_le_bytes());
        f.extend_from_slice(&[0; 8]);
        f
    }

    #[test]
    fn the_audio_of_an_mp3_lies_between_its_id3v2_ape_and_id3v1_tags() {
        let frames = [0xffu8, 0xf3, 0x38, 0xc4].repeat(25); // 100 bytes
        // ID3v2 of 300 bytes after its 10-byte header: size 300 as syncsafe 0,0,2,44.
        let mut file = b"ID3\x04\x00\x00\x00\x00\x02\x2c".to_vec();
        file.extend_from_slice(&[0; 300]);
        file.extend_from_slice(&frames);
        file.extend_from_slice(&[0; 32]); // the APE header
        file.extend_from_slice(&[1; 18]); // its items
        file.extend_from_slice(&ape_footer(18 + 32, true));
        file.extend_from_slice(b"TAG");
        file.extend_from_slice(&[b' '; 125]);
        assert_eq!(mp3_audio_bytes(&write("tagged.mp3", &file)).unwrap(), (100, false));
        assert_eq!(mp3_audio_bytes(&write("bare.mp3", &frames)).unwrap(), (100, false));
        // A Xing frame first: the stream states its length.
        let mut xing = frames.clone();
        xing[36..40].copy_from_slice(b"Xing");
        assert_eq!(mp3_audio_bytes(&write("xing.mp3", &xing)).unwrap(), (100, true));
        // Tags that claim more than the file never make the count negative.
        let mut lying = frames.clone();
        lying.extend_from_slice(&ape_footer(u32::MAX, true));
        assert_eq!(mp3_audio_bytes(&write("lying.mp3", &lying)).unwrap(), (0, false));
        assert_eq!(mp3_audio_bytes(&write("short.mp3", b"ID3")).unwrap(), (3, false));
    }
}
