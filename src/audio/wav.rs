//! WAV files as a source of f32 blocks, the same shape the microphone delivers: mixed to
//! mono by default, or one channel of a two-sided call (left = agent, right = caller).
//! (Over ~400 lines: the chunk walk, the format checks and the decoders are one guarded
//! path that the mutation fuzz test drives as a whole.)
//!
//! Read: integer PCM in 1–4 byte containers (8-bit unsigned, wider two's complement),
//! including WAVE_FORMAT_EXTENSIBLE files whose valid bits are fewer than the container
//! (24 valid bits in 32-bit blocks, as pro interfaces write; the samples are
//! left-justified and the bits below the valid ones are ignored, as the format says);
//! 32-bit float; and G.711 µ-law / A-law (format tags 7 and 6, or EXTENSIBLE with those
//! sub-formats), decoded per ITU-T G.711.
//!
//! hound parses and validates every PCM and float `fmt` chunk, as the project's shape
//! wants; this module walks the RIFF chunk list itself, because hound 3.5 cannot:
//! - it skips a chunk by its stated length without the pad byte RIFF puts after every
//!   odd-length chunk, so a file with a 7-byte `LIST` before `data` is refused (sox and
//!   other readers take it), and it reads 4 bytes of a `fact` chunk whatever its length;
//! - it refuses G.711, which it does not know.
//!
//! One walk for every file, rather than "hound first, this when hound fails", keeps a
//! single path, the one the mutation fuzz test (`tests/wav_reader.rs`) exercises. The walk
//! reads chunk headers only and each step moves at least 8 bytes on, so a damaged file
//! cannot make it loop; no length from the file is ever allocated (the fmt chunk is
//! capped at [`FMT_CHUNK_MAX`] bytes, one read at [`READ_BYTES_MAX`]).
//!
//! The samples are decoded by hand rather than through hound's per-sample iterator:
//! reading was a quarter of `analyze`'s run time.

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
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
    #[error("{path}: no channel {channel} (channels count from 0; the file has {channels})")]
    NoSuchChannel { path: PathBuf, channel: usize, channels: u16 },
}

/// Which samples of a multi-channel file a block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Channels {
    /// The average of all channels: one voice, however many channels carry it.
    #[default]
    Mix,
    /// One channel, counted from 0; in a stereo call recording 0 is the left channel.
    Only(usize),
}

/// How the samples are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Integer PCM in `container_bytes` (1–4) per sample, of which the top `valid_bits`
    /// carry the signal; 1-byte samples are unsigned (128 = silence), wider ones signed.
    Int { container_bytes: u16, valid_bits: u16 },
    /// IEEE 754 single precision, full scale ±1.0.
    Float32,
    /// ITU-T G.711 µ-law, 8 bits a sample (WAVE format tag 7).
    MuLaw,
    /// ITU-T G.711 A-law, 8 bits a sample (WAVE format tag 6).
    ALaw,
}

impl Encoding {
    fn container_bytes(self) -> u16 {
        match self {
            Encoding::Int { container_bytes, .. } => container_bytes,
            Encoding::Float32 => 4,
            Encoding::MuLaw | Encoding::ALaw => 1,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Encoding::Int { container_bytes, valid_bits } if valid_bits == container_bytes * 8 => {
                write!(f, "{valid_bits}-bit integer PCM")
            }
            Encoding::Int { container_bytes, valid_bits } => {
                write!(f, "{valid_bits}-bit integer PCM in {}-bit containers", container_bytes * 8)
            }
            Encoding::Float32 => f.write_str("32-bit float"),
            Encoding::MuLaw => f.write_str("G.711 µ-law"),
            Encoding::ALaw => f.write_str("G.711 A-law"),
        }
    }
}

/// Longest `fmt` chunk read: WAVE_FORMAT_EXTENSIBLE, the longest in use, is 40 bytes; a
/// codec's extra data may add a little. Anything longer is damage, not a format.
pub const FMT_CHUNK_MAX: u32 = 1024;

/// Most bytes one `read_block` reads (it returns fewer frames than asked beyond this):
/// bounds the buffer whatever block size and channel count a header claims (65,535
/// channels of 4 bytes make a 256 KiB frame).
pub const READ_BYTES_MAX: usize = 1 << 20;

/// The WAVE format tags read here (mmreg.h).
const TAG_PCM: u16 = 0x0001;
const TAG_IEEE_FLOAT: u16 = 0x0003;
const TAG_ALAW: u16 = 0x0006;
const TAG_MULAW: u16 = 0x0007;
const TAG_EXTENSIBLE: u16 = 0xfffe;

/// Bytes 2..16 of every KSDATAFORMAT_SUBTYPE GUID that stands for a plain format tag
/// (`{tag}-0000-0010-8000-00aa00389b71`); the first two bytes hold the tag.
const SUBTYPE_GUID_TAIL: [u8; 14] =
    [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/// A file refused before its path is attached.
enum Refusal {
    NotWav(String),
    Unsupported(String),
    Io(std::io::Error),
}

impl Refusal {
    fn at(self, path: &Path) -> WavError {
        let path = path.to_path_buf();
        match self {
            Refusal::NotWav(reason) => WavError::NotWav { path, reason },
            Refusal::Unsupported(what) => WavError::Unsupported { path, what },
            Refusal::Io(source) => WavError::Io { path, source },
        }
    }
}

/// Reads exactly `buf`; the file ending first is a damaged header (`why`), not an I/O error.
fn read_header(r: &mut impl Read, buf: &mut [u8], why: &str) -> Result<(), Refusal> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => Refusal::NotWav(why.into()),
        _ => Refusal::Io(e),
    })
}

/// Where the parts of a WAV file are.
struct Layout {
    fmt: Vec<u8>,
    data_start: u64,
    /// As the header says: may exceed the file, or be 0xFFFF_FFFF for "unknown".
    data_len: u32,
}

/// Walks the RIFF chunks up to `data`, padding odd-length chunks to even as RIFF does.
fn walk_chunks(r: &mut (impl Read + Seek), file_len: u64) -> Result<Layout, Refusal> {
    let mut riff = [0u8; 12];
    read_header(r, &mut riff, "shorter than a RIFF header")?;
    match &riff[0..4] {
        b"RIFF" => {}
        b"RF64" | b"BW64" => {
            return Err(Refusal::Unsupported("RF64 (a WAV over 4 GiB)".into()));
        }
        b"RIFX" => return Err(Refusal::Unsupported("big-endian RIFX".into())),
        _ => return Err(Refusal::NotWav("no RIFF tag".into())),
    }
    if &riff[8..12] != b"WAVE" {
        return Err(Refusal::NotWav("a RIFF file, but not WAVE".into()));
    }
    let mut fmt: Option<Vec<u8>> = None;
    let mut pos = 12u64;
    loop {
        if pos + 8 > file_len {
            let missing = if fmt.is_none() { "no fmt chunk" } else { "no data chunk" };
            return Err(Refusal::NotWav(missing.into()));
        }
        r.seek(SeekFrom::Start(pos)).map_err(Refusal::Io)?;
        let mut head = [0u8; 8];
        read_header(r, &mut head, "a chunk header runs past the end of the file")?;
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let body = pos + 8;
        match &head[0..4] {
            b"fmt " if fmt.is_none() => {
                if !(16..=FMT_CHUNK_MAX).contains(&len) {
                    return Err(Refusal::NotWav(format!("a fmt chunk of {len} bytes")));
                }
                if body + len as u64 > file_len {
                    return Err(Refusal::NotWav("the fmt chunk runs past the end".into()));
                }
                let mut chunk = vec![0; len as usize];
                read_header(r, &mut chunk, "the fmt chunk runs past the end")?;
                fmt = Some(chunk);
            }
            b"data" => {
                let Some(fmt) = fmt else {
                    return Err(Refusal::NotWav("a data chunk before any fmt chunk".into()));
                };
                return Ok(Layout { fmt, data_start: body, data_len: len });
            }
            _ => {}
        }
        pos = body + len as u64 + (len as u64 & 1);
    }
}

/// What the `fmt` chunk says.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Format {
    encoding: Encoding,
    channels: u16,
    sample_rate: u32,
    /// Bytes a frame (one sample of every channel) takes.
    block_align: u16,
}

fn parse_fmt(fmt: &[u8]) -> Result<Format, Refusal> {
    let u16_at = |i: usize| u16::from_le_bytes([fmt[i], fmt[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([fmt[i], fmt[i + 1], fmt[i + 2], fmt[i + 3]]);
    // `walk_chunks` lets no fmt chunk shorter than the 16-byte WAVEFORMAT through.
    let (tag, channels, sample_rate) = (u16_at(0), u16_at(2), u32_at(4));
    let (block_align, bits) = (u16_at(12), u16_at(14));
    // WAVE_FORMAT_EXTENSIBLE carries the real tag in the first two bytes of SubFormat.
    let sub_tag = (tag == TAG_EXTENSIBLE && fmt.len() >= 40 && fmt[26..40] == SUBTYPE_GUID_TAIL)
        .then(|| u16_at(24));
    let g711 = match (tag, sub_tag) {
        (TAG_MULAW, _) | (TAG_EXTENSIBLE, Some(TAG_MULAW)) => Some(Encoding::MuLaw),
        (TAG_ALAW, _) | (TAG_EXTENSIBLE, Some(TAG_ALAW)) => Some(Encoding::ALaw),
        _ => None,
    };
    let known = match (tag, sub_tag) {
        (TAG_PCM | TAG_IEEE_FLOAT | TAG_ALAW | TAG_MULAW, _) => true,
        (TAG_EXTENSIBLE, Some(sub)) => {
            matches!(sub, TAG_PCM | TAG_IEEE_FLOAT | TAG_ALAW | TAG_MULAW)
        }
        // hound says what is wrong with an extensible chunk too short to hold SubFormat.
        (TAG_EXTENSIBLE, None) => fmt.len() < 40,
        _ => false,
    };
    if !known {
        let shown = match (tag, sub_tag) {
            (TAG_EXTENSIBLE, Some(sub)) => format!("EXTENSIBLE with sub-format 0x{sub:04x}"),
            (TAG_EXTENSIBLE, None) => "EXTENSIBLE with an unknown sub-format".into(),
            _ => format!("format tag 0x{tag:04x}"),
        };
        return Err(Refusal::Unsupported(format!(
            "{shown}; integer PCM (8–32 bit), 32-bit float and G.711 µ-law/A-law are read; \
             convert with e.g. `sox in.wav -b 16 out.wav`"
        )));
    }
    let format = match g711 {
        Some(encoding) => {
            if channels == 0 {
                return Err(Refusal::NotWav("zero channels".into()));
            }
            if bits != 8 {
                return Err(Refusal::Unsupported(format!(
                    "{bits}-bit {encoding} (G.711 is 8-bit)"
                )));
            }
            if block_align != channels {
                return Err(Refusal::NotWav(format!(
                    "block align {block_align} for {channels} channels of {encoding}"
                )));
            }
            Format { encoding, channels, sample_rate, block_align }
        }
        None => {
            let spec = hound_reads_fmt(fmt)?;
            // hound checked channels > 0 and that the stored bits fit the container.
            let container_bytes = block_align / spec.channels;
            let valid_bits = spec.bits_per_sample;
            let encoding = match (spec.sample_format, container_bytes) {
                (hound::SampleFormat::Float, 4) if valid_bits == 32 => Encoding::Float32,
                (hound::SampleFormat::Int, 1..=4)
                    if (1..=container_bytes * 8).contains(&valid_bits) =>
                {
                    Encoding::Int { container_bytes, valid_bits }
                }
                (format, _) => {
                    let format =
                        if format == hound::SampleFormat::Float { "float" } else { "integer" };
                    return Err(Refusal::Unsupported(format!(
                        "{valid_bits}-bit {format} samples in {}-bit containers",
                        container_bytes as u32 * 8
                    )));
                }
            };
            Format { encoding, channels, sample_rate, block_align }
        }
    };
    if format.sample_rate == 0 {
        return Err(Refusal::NotWav("a sample rate of 0 Hz".into()));
    }
    Ok(format)
}

/// hound's verdict on a PCM or float `fmt` chunk, given to it inside a minimal RIFF file
/// of that chunk and an empty `data` chunk (hound has no entry point for a lone chunk).
fn hound_reads_fmt(fmt: &[u8]) -> Result<hound::WavSpec, Refusal> {
    let padded = fmt.len() + (fmt.len() & 1);
    let mut riff = Vec::with_capacity(28 + padded);
    riff.extend_from_slice(b"RIFF");
    riff.extend_from_slice(&(4 + 8 + padded as u32 + 8).to_le_bytes());
    riff.extend_from_slice(b"WAVEfmt ");
    riff.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    riff.extend_from_slice(fmt);
    riff.resize(20 + padded, 0);
    riff.extend_from_slice(b"data");
    riff.extend_from_slice(&0u32.to_le_bytes());
    match hound::WavReader::new(std::io::Cursor::new(riff)) {
        Ok(reader) => Ok(reader.spec()),
        Err(hound::Error::FormatError(reason)) => Err(Refusal::NotWav(reason.into())),
        Err(hound::Error::Unsupported) => {
            Err(Refusal::Unsupported("a sub-format hound does not read".into()))
        }
        Err(hound::Error::IoError(_)) => {
            Err(Refusal::NotWav("the fmt chunk is too short for its format".into()))
        }
        Err(other) => Err(Refusal::NotWav(other.to_string())),
    }
}

/// ITU-T G.711 µ-law code to linear, on the 16-bit scale. The code is sent inverted; its
/// bits are sign, 3-bit segment, 4-bit step; magnitude = ((2·step + 33)·2^segment − 33)
/// on G.711's 14-bit scale, times 4 here (0x84 = 33·4). 0x80 → +32124, 0xFF → 0.
pub const fn mulaw_to_linear(code: u8) -> i16 {
    let u = !code;
    let segment = (u >> 4) & 7;
    let step = (u & 0x0f) as i32;
    let magnitude = (((step << 3) + 0x84) << segment) - 0x84;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

/// ITU-T G.711 A-law code to linear, on the 16-bit scale. Even bits are sent inverted
/// (XOR 0x55); then sign (1 = positive), 3-bit segment, 4-bit step; magnitude =
/// 2·step + 1 in segment 0, (2·step + 33)·2^(segment − 1) above, on G.711's 13-bit scale,
/// times 8 here. 0xD5 → +8, 0xAA → +32256.
pub const fn alaw_to_linear(code: u8) -> i16 {
    let a = code ^ 0x55;
    let segment = (a >> 4) & 7;
    let step = (a & 0x0f) as i32;
    let magnitude = match segment {
        0 => (step << 4) + 8,
        s => ((step << 4) + 0x108) << (s - 1),
    };
    (if a & 0x80 != 0 { magnitude } else { -magnitude }) as i16
}

/// Both laws as f32 lookup tables (const fns cannot call through a function pointer).
const fn g711_table(mu_law: bool) -> [f32; 256] {
    let mut table = [0.0; 256];
    let mut code = 0;
    while code < 256 {
        let linear = if mu_law { mulaw_to_linear(code as u8) } else { alaw_to_linear(code as u8) };
        table[code] = linear as f32 / 32768.0;
        code += 1;
    }
    table
}

const MULAW: [f32; 256] = g711_table(true);
const ALAW: [f32; 256] = g711_table(false);

/// Blocks of f32 samples from a WAV file (see the module docs for the formats).
pub struct WavSource {
    path: PathBuf,
    /// Positioned at the next unread frame of the data chunk.
    data: BufReader<File>,
    format: Format,
    frames_total: u64,
    frames_read: u64,
    bytes: Vec<u8>,
}

impl WavSource {
    pub fn open(path: &Path) -> Result<Self, WavError> {
        let path_buf = path.to_path_buf();
        let io = |source: std::io::Error| WavError::Io { path: path_buf.clone(), source };
        let file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => WavError::NotFound { path: path_buf.clone() },
            _ => io(e),
        })?;
        let file_len = file.metadata().map_err(io)?.len();
        let mut data = BufReader::new(file);
        let layout = walk_chunks(&mut data, file_len).map_err(|r| r.at(path))?;
        let format = parse_fmt(&layout.fmt).map_err(|r| r.at(path))?;
        let on_disk = file_len.saturating_sub(layout.data_start);
        // 0xFFFF_FFFF is what writers to a pipe put when the length is not known yet.
        let data_len = if layout.data_len == u32::MAX { on_disk } else { layout.data_len as u64 };
        let block = format.block_align as u64;
        // A partial frame at the end holds no sample of every channel: it stays unread.
        let frames_total = data_len / block;
        if frames_total == 0 {
            return Err(WavError::Empty { path: path_buf });
        }
        if frames_total * block > on_disk {
            return Err(WavError::Truncated {
                path: path_buf,
                seconds: (on_disk / block) as f64 / format.sample_rate as f64,
                reason: format!(
                    "the header announces {} bytes of audio, the file holds {on_disk}",
                    frames_total * block
                ),
            });
        }
        data.seek(SeekFrom::Start(layout.data_start)).map_err(io)?;
        Ok(Self { path: path_buf, data, format, frames_total, frames_read: 0, bytes: Vec::new() })
    }

    pub fn sample_rate(&self) -> u32 {
        self.format.sample_rate
    }
    pub fn channels(&self) -> u16 {
        self.format.channels
    }
    pub fn encoding(&self) -> Encoding {
        self.format.encoding
    }
    pub fn duration_s(&self) -> f64 {
        self.frames_total as f64 / self.format.sample_rate as f64
    }
    pub fn frames_total(&self) -> u64 {
        self.frames_total
    }

    /// Reads up to `max_frames` frames, mixed to mono, into `out` (cleared first).
    /// Returns the number of frames read; 0 at the end of the file.
    pub fn read_block(&mut self, out: &mut Vec<f32>, max_frames: usize) -> Result<usize, WavError> {
        self.read_block_channels(out, max_frames, Channels::Mix)
    }

    /// Reads up to `max_frames` frames of `pick` into `out` (cleared first): one sample a
    /// frame. Returns the number of frames read; 0 at the end of the file. Fewer than
    /// `max_frames` do not mean the end: a read stops at [`READ_BYTES_MAX`] bytes.
    pub fn read_block_channels(
        &mut self,
        out: &mut Vec<f32>,
        max_frames: usize,
        pick: Channels,
    ) -> Result<usize, WavError> {
        out.clear();
        let channels = self.format.channels as usize;
        if let Channels::Only(channel) = pick
            && channel >= channels
        {
            return Err(WavError::NoSuchChannel {
                path: self.path.clone(),
                channel,
                channels: self.format.channels,
            });
        }
        let block = self.format.block_align as usize;
        let frames = (max_frames as u64)
            .min(self.frames_total - self.frames_read)
            .min((READ_BYTES_MAX / block).max(1) as u64) as usize;
        self.bytes.resize(frames * block, 0);
        if let Err(e) = self.data.read_exact(&mut self.bytes) {
            return Err(WavError::Truncated {
                path: self.path.clone(),
                seconds: self.frames_read as f64 / self.format.sample_rate as f64,
                reason: e.to_string(),
            });
        }
        let frames_in = Frames {
            bytes: &self.bytes,
            block,
            width: self.format.encoding.container_bytes() as usize,
            channels,
            pick,
        };
        match self.format.encoding {
            Encoding::Int { container_bytes, valid_bits } => {
                // Left-justify every width into an i32, keep the valid bits, scale by 2^-31.
                let keep = (u32::MAX << (32 - valid_bits as u32)) as i32;
                let scale = 1.0 / 2_147_483_648.0;
                let at = move |word: i32| (word & keep) as f32 * scale;
                match container_bytes {
                    1 => frames_in.decode(out, |b| at((b[0] as i32 - 128) << 24)),
                    2 => frames_in
                        .decode(out, |b| at((i16::from_le_bytes([b[0], b[1]]) as i32) << 16)),
                    3 => frames_in.decode(out, |b| at(i32::from_le_bytes([0, b[0], b[1], b[2]]))),
                    _ => {
                        frames_in.decode(out, |b| at(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                    }
                }
            }
            Encoding::Float32 => frames_in
                .decode(out, |b| super::full_scale(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
            Encoding::MuLaw => frames_in.decode(out, |b| MULAW[b[0] as usize]),
            Encoding::ALaw => frames_in.decode(out, |b| ALAW[b[0] as usize]),
        }
        self.frames_read += frames as u64;
        Ok(frames)
    }
}

/// Interleaved frames as read, and which samples of them are wanted.
struct Frames<'a> {
    bytes: &'a [u8],
    /// Bytes a frame; at least `channels · width`.
    block: usize,
    /// Bytes a sample.
    width: usize,
    channels: usize,
    pick: Channels,
}

impl Frames<'_> {
    /// Generic over the sample decoder so that each encoding compiles to its own loop.
    fn decode(&self, out: &mut Vec<f32>, sample: impl Fn(&[u8]) -> f32) {
        let (width, frames) = (self.width, self.bytes.chunks_exact(self.block));
        match self.pick {
            Channels::Only(c) => out.extend(frames.map(|f| sample(&f[c * width..(c + 1) * width]))),
            Channels::Mix => {
                let gain = 1.0 / self.channels as f32;
                let used = self.channels * width;
                out.extend(
                    frames.map(|f| f[..used].chunks_exact(width).map(&sample).sum::<f32>() * gain),
                );
            }
        }
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
        tempfile::Builder::new().prefix("speech-coach-wav-").tempdir().unwrap().keep().join(name)
    }

    fn read_all_channels(path: &Path, pick: Channels) -> Result<Vec<f32>, WavError> {
        let mut src = WavSource::open(path)?;
        let mut all = Vec::new();
        let mut block = Vec::new();
        while src.read_block_channels(&mut block, 1000, pick)? > 0 {
            all.extend_from_slice(&block);
        }
        Ok(all)
    }

    fn read_all(path: &Path) -> Result<Vec<f32>, WavError> {
        read_all_channels(path, Channels::Mix)
    }

    /// A RIFF WAVE file of the given chunks, each padded to even length as RIFF asks.
    fn riff(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        let mut body = b"WAVE".to_vec();
        for (id, data) in chunks {
            body.extend_from_slice(*id);
            body.extend_from_slice(&(data.len() as u32).to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        }
        [b"RIFF".as_slice(), &(body.len() as u32).to_le_bytes(), &body].concat()
    }

    /// The 16-byte WAVEFORMAT (+ `extra`): tag, channels, rate, byte rate, block, bits.
    fn fmt(
        tag: u16,
        channels: u16,
        rate: u32,
        block_align: u16,
        bits: u16,
        extra: &[u8],
    ) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(&tag.to_le_bytes());
        f.extend_from_slice(&channels.to_le_bytes());
        f.extend_from_slice(&rate.to_le_bytes());
        f.extend_from_slice(&(rate * block_align as u32).to_le_bytes());
        f.extend_from_slice(&block_align.to_le_bytes());
        f.extend_from_slice(&bits.to_le_bytes());
        f.extend_from_slice(extra);
        f
    }

    /// The 24 bytes WAVE_FORMAT_EXTENSIBLE adds: cbSize 22, valid bits, mask, SubFormat.
    fn extension(valid_bits: u16, sub_tag: u16) -> Vec<u8> {
        let mut e = 22u16.to_le_bytes().to_vec();
        e.extend_from_slice(&valid_bits.to_le_bytes());
        e.extend_from_slice(&0u32.to_le_bytes());
        e.extend_from_slice(&sub_tag.to_le_bytes());
        e.extend_from_slice(&SUBTYPE_GUID_TAIL);
        e
    }

    fn write(name: &str, bytes: &[u8]) -> PathBuf {
        let path = temp(name);
        std::fs::write(&path, bytes).unwrap();
        path
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
            // Channel 0 alone is v itself, channel 1 silence.
            let left = read_all_channels(&path, Channels::Only(0)).unwrap();
            let right = read_all_channels(&path, Channels::Only(1)).unwrap();
            for (i, (l, r)) in left.iter().zip(&right).enumerate() {
                let v = 0.5 * ((i as f32) * 0.05).sin();
                // 8-bit: a step of 1/128, plus the writer's 127-vs-128 full scale (0.5/128)
                assert!((l - v).abs() < 0.016, "{bits} bit: left {i}: {l} vs {v}");
                assert_eq!(*r, 0.0, "{bits} bit: right {i}");
            }
        }
    }

    #[test]
    fn float_samples_beyond_full_scale_are_clipped_and_nan_is_silence() {
        // Issue 22 W3: one sample of 3e38 made the file's level +725 dBFS.
        let path = temp("float-over.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 16000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        let pairs = [
            (3e38f32, 3e38f32),
            (f32::INFINITY, -f32::INFINITY),
            (f32::NAN, 0.5),
            (-7.0, -7.0),
            (0.25, -0.25),
        ];
        for (l, r) in pairs {
            w.write_sample(l).unwrap();
            w.write_sample(r).unwrap();
        }
        w.finalize().unwrap();
        assert_eq!(read_all(&path).unwrap(), [1.0, 0.0, 0.25, -1.0, 0.0]);
        assert_eq!(
            read_all_channels(&path, Channels::Only(0)).unwrap(),
            [1.0, 1.0, 0.0, -1.0, 0.25]
        );
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

    #[test]
    fn g711_code_points_decode_to_the_values_of_the_standard() {
        // ITU-T G.711 tables 1 and 2 (µ-law) and 1a/2a (A-law), on the 16-bit scale.
        for (code, linear) in [(0xff, 0), (0x7f, 0), (0x80, 32124), (0x00, -32124), (0xfe, 8)] {
            assert_eq!(mulaw_to_linear(code), linear, "µ-law 0x{code:02x}");
        }
        for (code, linear) in [(0xd5, 8), (0x55, -8), (0xaa, 32256), (0x2a, -32256), (0xd4, 24)] {
            assert_eq!(alaw_to_linear(code), linear, "A-law 0x{code:02x}");
        }
        assert_eq!(MULAW[0x80], 32124.0 / 32768.0);
        assert_eq!(ALAW[0xd5], 8.0 / 32768.0);
    }

    #[test]
    fn g711_tables_are_monotonic_within_a_sign_and_mirror_between_signs() {
        // µ-law: codes 0x80..=0xFF run from the largest positive value down to 0.
        for code in 0x80u8..0xff {
            assert!(mulaw_to_linear(code) > mulaw_to_linear(code + 1), "µ-law 0x{code:02x}");
            assert_eq!(mulaw_to_linear(code & 0x7f), -mulaw_to_linear(code), "µ-law 0x{code:02x}");
        }
        // A-law: with the even bits restored (XOR 0x55), magnitude grows with the code.
        for a in 0x80u8..0xff {
            assert!(alaw_to_linear(a ^ 0x55) < alaw_to_linear((a + 1) ^ 0x55), "A-law 0x{a:02x}");
            assert_eq!(alaw_to_linear((a & 0x7f) ^ 0x55), -alaw_to_linear(a ^ 0x55));
        }
    }

    #[test]
    fn hound_alone_refuses_an_odd_length_chunk_that_the_walk_reads() {
        // Why this module walks the chunks itself: if hound 3.x ever pads odd chunks, the
        // walk can go and this test says so.
        let pcm: Vec<u8> = (0..100i16).flat_map(|i| (i * 300).to_le_bytes()).collect();
        let bytes = riff(&[
            (b"fmt ", &fmt(TAG_PCM, 1, 8000, 2, 16, &[])),
            (b"LIST", b"INFOabc"),
            (b"data", &pcm),
        ]);
        assert!(hound::WavReader::new(std::io::Cursor::new(&bytes)).is_err());
        let path = write("odd-list.wav", &bytes);
        let samples = read_all(&path).unwrap();
        let expected: Vec<f32> = (0..100).map(|i| (i * 300) as f32 / 32768.0).collect();
        assert_eq!(samples, expected);
    }

    #[test]
    fn a_fact_chunk_longer_than_four_bytes_is_skipped_whole() {
        let bytes = riff(&[
            (b"fmt ", &fmt(TAG_MULAW, 1, 8000, 1, 8, &0u16.to_le_bytes())),
            (b"fact", &[0x10, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]),
            (b"data", &[0x80, 0xff, 0x00, 0x7f]),
        ]);
        let samples = read_all(&write("long-fact.wav", &bytes)).unwrap();
        assert_eq!(samples, [32124.0 / 32768.0, 0.0, -32124.0 / 32768.0, 0.0]);
    }

    #[test]
    fn extensible_g711_reads_like_the_plain_tag() {
        for (sub_tag, table) in [(TAG_MULAW, &MULAW), (TAG_ALAW, &ALAW)] {
            let codes: Vec<u8> = (0..=255).collect();
            let bytes = riff(&[
                (b"fmt ", &fmt(TAG_EXTENSIBLE, 1, 8000, 1, 8, &extension(8, sub_tag))),
                (b"data", &codes),
            ]);
            let path = write(&format!("ext-g711-{sub_tag}.wav"), &bytes);
            let src = WavSource::open(&path).unwrap();
            assert_eq!(
                src.encoding(),
                if sub_tag == TAG_MULAW { Encoding::MuLaw } else { Encoding::ALaw }
            );
            assert_eq!(read_all(&path).unwrap(), table.to_vec());
        }
    }

    #[test]
    fn bits_below_the_valid_ones_are_ignored() {
        // 20 valid bits in 24-bit containers and 24 in 32: the low bits hold noise that
        // the writer should have zeroed; the values are the valid bits alone.
        let cases: [(u16, u16, &[u8], f32); 2] =
            [(3, 20, &[0x0f, 0x00, 0x40], 0.5), (4, 24, &[0xff, 0x00, 0x00, 0xc0], -0.5)];
        for (container, valid, sample, value) in cases {
            let bytes = riff(&[
                (
                    b"fmt ",
                    &fmt(
                        TAG_EXTENSIBLE,
                        1,
                        8000,
                        container,
                        container * 8,
                        &extension(valid, TAG_PCM),
                    ),
                ),
                (b"data", sample),
            ]);
            let path = write(&format!("valid-{valid}-in-{container}.wav"), &bytes);
            let src = WavSource::open(&path).unwrap();
            assert_eq!(
                src.encoding(),
                Encoding::Int { container_bytes: container, valid_bits: valid }
            );
            assert_eq!(read_all(&path).unwrap(), [value], "{valid} in {container} bytes");
        }
    }

    #[test]
    fn an_unknown_length_reads_to_the_end_and_a_partial_last_frame_stays_unread() {
        let stereo: Vec<u8> =
            [1000i16, -1000, 2000, -2000].iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut bytes = riff(&[(b"fmt ", &fmt(TAG_PCM, 2, 8000, 4, 16, &[])), (b"data", &stereo)]);
        bytes.push(0x7f); // one byte of a frame that never came
        let data_len_at = bytes.len() - stereo.len() - 1 - 4;
        bytes[data_len_at..data_len_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let path = write("unknown-length.wav", &bytes);
        assert_eq!(WavSource::open(&path).unwrap().frames_total(), 2);
        let left = read_all_channels(&path, Channels::Only(0)).unwrap();
        assert_eq!(left, [1000.0 / 32768.0, 2000.0 / 32768.0]);
    }

    #[test]
    fn a_channel_the_file_lacks_is_a_clear_error() {
        let path = temp("mono-for-channels.wav");
        write_mono_i16(&path, 8000, &[0.1; 10]).unwrap();
        let mut src = WavSource::open(&path).unwrap();
        let err = src.read_block_channels(&mut Vec::new(), 10, Channels::Only(1)).unwrap_err();
        assert!(matches!(err, WavError::NoSuchChannel { channel: 1, channels: 1, .. }), "{err}");
        assert!(err.to_string().contains("mono-for-channels.wav"), "{err}");
    }

    #[test]
    fn formats_not_read_are_named_in_the_refusal() {
        let adpcm =
            riff(&[(b"fmt ", &fmt(0x0002, 1, 8000, 256, 4, &[0; 4])), (b"data", &[0; 256])]);
        let err = WavSource::open(&write("adpcm.wav", &adpcm)).err().unwrap();
        assert!(matches!(err, WavError::Unsupported { .. }), "{err}");
        assert!(err.to_string().contains("format tag 0x0002"), "{err}");
        let rf64 = [b"RF64".as_slice(), &[0xff; 4], b"WAVE"].concat();
        let err = WavSource::open(&write("rf64.wav", &rf64)).err().unwrap();
        assert!(err.to_string().contains("RF64"), "{err}");
    }

    #[test]
    fn a_header_announcing_4_gib_of_audio_is_refused_as_truncated() {
        let bytes = riff(&[(b"fmt ", &fmt(TAG_PCM, 1, 8000, 2, 16, &[])), (b"data", &[0; 100])]);
        let mut lying = bytes.clone();
        let at = bytes.len() - 100 - 4;
        lying[at..at + 4].copy_from_slice(&(u32::MAX - 1).to_le_bytes());
        let err = WavSource::open(&write("4gib.wav", &lying)).err().unwrap();
        assert!(matches!(err, WavError::Truncated { .. }), "{err}");
    }
}
