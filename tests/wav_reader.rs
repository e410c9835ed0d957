//! The WAV reader end to end (issue 9, "nothing lost"): a 24-bit stream in 32-bit
//! containers gives `analyze` the figures of its 16-bit original, G.711 files made by sox
//! decode as sox decodes them, an odd-length chunk is padded as RIFF says, one channel of
//! a stereo call reads alone, the recorder's file reads in sox without a warning, and a
//! seeded mutation fuzz over valid files of every format ends each case in `Ok` or a
//! one-line error: no panic, no hang, no allocation the size of a lying header.
// Needs Linux tools (sox writes the test files), which a Windows build under Wine cannot
// start: on Windows this module is left out
// (`#[cfg(unix)]` in tests.rs).

use crate::common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};

use common::{binary, path_str, run, scratch, shared_data};
use speech_coach::audio::wav::READ_BYTES_MAX;
use speech_coach::audio::{Channels, Encoding, WavError, WavSource};
use speech_coach::session::recorder::Recorder;

/// Counts the largest single allocation of each test thread, so that the fuzz can tell a
/// reader that trusts a header's sizes (a 4 GiB `Vec`) from one that does not. Per thread:
/// every area's tests share this binary and run in parallel, and only the fuzz's own
/// allocations may count against its limit.
struct LargestAllocation;

thread_local! {
    // A const-initialised `Cell` of a plain integer: reading or setting it never allocates,
    // so it is safe to touch from inside the allocator.
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation(size: usize) {
    // `try_with`: a thread being torn down may still allocate after its locals are gone.
    let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
}

// SAFETY: every call is passed on to the system allocator unchanged.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

// ---------------------------------------------------------------------------------------
// A small WAV writer, written from the format's documents independently of the reader:
// plain WAVEFORMAT(EX) and WAVE_FORMAT_EXTENSIBLE, any chunks, padded to even as RIFF asks.

const PCM: u16 = 1;
const FLOAT: u16 = 3;
const ALAW: u16 = 6;
const MULAW: u16 = 7;

/// How the samples of a test file are stored.
#[derive(Debug, Clone, Copy)]
struct Form {
    /// The format tag, or with `extensible` the SubFormat's.
    tag: u16,
    container_bytes: u16,
    valid_bits: u16,
    extensible: bool,
}

impl Form {
    const fn plain(tag: u16, bits: u16) -> Self {
        Form { tag, container_bytes: bits / 8, valid_bits: bits, extensible: false }
    }
    const fn extensible(tag: u16, container_bytes: u16, valid_bits: u16) -> Self {
        Form { tag, container_bytes, valid_bits, extensible: true }
    }

    fn fmt_chunk(&self, channels: u16, rate: u32) -> Vec<u8> {
        let block_align = self.container_bytes * channels;
        let mut f = Vec::new();
        f.extend((if self.extensible { 0xfffe } else { self.tag }).to_le_bytes());
        f.extend(channels.to_le_bytes());
        f.extend(rate.to_le_bytes());
        f.extend((rate * block_align as u32).to_le_bytes());
        f.extend(block_align.to_le_bytes());
        f.extend((self.container_bytes * 8).to_le_bytes());
        if self.extensible {
            f.extend(22u16.to_le_bytes()); // cbSize
            f.extend(self.valid_bits.to_le_bytes());
            f.extend(0u32.to_le_bytes()); // dwChannelMask: not said
            // KSDATAFORMAT_SUBTYPE_*: {tag}-0000-0010-8000-00aa00389b71
            f.extend((self.tag as u32).to_le_bytes());
            f.extend([0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);
        } else if self.tag != PCM {
            f.extend(0u16.to_le_bytes()); // cbSize of WAVEFORMATEX, as sox writes it
        }
        f
    }

    /// `x` (full scale ±1) as one stored sample; G.711 seeds use `x` as the code itself.
    fn encode(&self, x: f32, out: &mut Vec<u8>) {
        match self.tag {
            FLOAT => out.extend(x.to_le_bytes()),
            ALAW | MULAW => out.push(((x + 1.0) * 127.5) as u8),
            _ => {
                // Left-justified in the container, bits below the valid ones zero.
                let full = (1i64 << (self.valid_bits - 1)) as f32;
                let value = (x * full).round().clamp(-full, full - 1.0) as i64;
                let word = (value << (32 - self.valid_bits)) as i32;
                let bytes = word.to_le_bytes();
                let mut container = bytes[4 - self.container_bytes as usize..].to_vec();
                if self.container_bytes == 1 {
                    container[0] ^= 0x80; // 8-bit WAV is unsigned
                }
                out.extend(container);
            }
        }
    }
}

/// A RIFF WAVE file of `chunks`, each padded to even length.
fn riff(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut body = b"WAVE".to_vec();
    for (id, data) in chunks {
        body.extend(*id);
        body.extend((data.len() as u32).to_le_bytes());
        body.extend(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    [b"RIFF".to_vec(), (body.len() as u32).to_le_bytes().to_vec(), body].concat()
}

/// A WAV of `frames` (interleaved samples) as `form`, with a `fact` chunk where the RIFF
/// spec asks for one (every format but plain PCM) and `extra` chunks before `data`.
fn wav(
    form: Form,
    channels: u16,
    rate: u32,
    samples: &[f32],
    extra: &[(&[u8; 4], Vec<u8>)],
) -> Vec<u8> {
    let mut data = Vec::new();
    for &x in samples {
        form.encode(x, &mut data);
    }
    let mut chunks = vec![(b"fmt ", form.fmt_chunk(channels, rate))];
    if form.tag != PCM || form.extensible {
        let frames = (samples.len() / channels as usize) as u32;
        chunks.push((b"fact", frames.to_le_bytes().to_vec()));
    }
    chunks.extend(extra.iter().cloned());
    chunks.push((b"data", data));
    riff(&chunks)
}

fn read_16_bit(path: &Path) -> (hound::WavSpec, Vec<i16>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    assert_eq!((spec.bits_per_sample, spec.sample_format), (16, hound::SampleFormat::Int));
    (spec, reader.samples::<i16>().map(Result::unwrap).collect())
}

fn read_all(path: &Path, pick: Channels) -> Result<Vec<f32>, WavError> {
    let mut source = WavSource::open(path)?;
    let (mut all, mut block) = (Vec::new(), Vec::new());
    while source.read_block_channels(&mut block, 4096, pick)? > 0 {
        all.extend_from_slice(&block);
    }
    Ok(all)
}

fn analyze(path: &Path) -> serde_json::Value {
    let out = binary().args(["analyze", path_str(path)]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn figure(json: &serde_json::Value, key: &str) -> f64 {
    json[key].as_f64().unwrap_or_else(|| panic!("{key} in {json}"))
}

// ---------------------------------------------------------------------------------------

#[test]
fn a_24_bit_stream_in_32_bit_containers_analyses_like_its_16_bit_original() {
    let _cpu = common::cpu_bound();
    let dir = scratch("wav-24-in-32");
    for original in ["zh/BAC009S0764W0121.wav", "fda/sb001.wav"] {
        let original = shared_data().join(original);
        let (spec, samples) = read_16_bit(&original);
        // The same values, 16 bits of signal at the top of 24 valid bits in 32-bit blocks.
        let mut data = Vec::new();
        for &s in &samples {
            data.extend(((s as i32) << 16).to_le_bytes());
        }
        let form = Form::extensible(PCM, 4, 24);
        let copy = dir.join("24-in-32.wav");
        std::fs::write(
            &copy,
            riff(&[(b"fmt ", form.fmt_chunk(1, spec.sample_rate)), (b"data", data)]),
        )
        .unwrap();
        let source = WavSource::open(&copy).unwrap();
        assert_eq!(source.encoding(), Encoding::Int { container_bytes: 4, valid_bits: 24 });

        let (want, got) = (analyze(&original), analyze(&copy));
        println!("{}\n16-bit: {want}\n24-in-32: {got}", original.display());
        // Tolerances of issue 9: 0.1 dB, 1 Hz, no syllable. The copy holds the very same
        // values, so anything beyond is a reading error (3-byte reading gave +22.7 dB).
        let level = figure(&got, "level_active_dbfs") - figure(&want, "level_active_dbfs");
        assert!(level.abs() <= 0.1, "level differs by {level:.2} dB");
        let pitch = figure(&got, "pitch_median_hz") - figure(&want, "pitch_median_hz");
        assert!(pitch.abs() <= 1.0, "pitch median differs by {pitch:.1} Hz");
        assert_eq!(got["syllables"], want["syllables"]);
        assert_eq!(got["clipped_samples"], want["clipped_samples"]);
        assert_eq!(got["duration_s"], want["duration_s"]);
    }
}

/// G.711's quantisation step (16-bit scale) at the level of a decoded sample `y`:
/// µ-law segments double from 8 (2 on its 14-bit scale), A-law from 16 (1 on its 13-bit
/// scale), the first two A-law segments sharing a step.
fn g711_step(y: i32, mu_law: bool) -> f32 {
    let m = y.unsigned_abs();
    let segment = if mu_law {
        (0u32..8).find(|&s| m <= (252u32 << s) - 132).unwrap_or(7)
    } else {
        (0u32..8).find(|&s| m <= if s == 0 { 248 } else { 504u32 << (s - 1) }).unwrap_or(7)
    };
    if mu_law { (8u32 << segment) as f32 } else { (16u32 << (segment.max(1) - 1)) as f32 }
}

#[test]
fn g711_files_made_by_sox_decode_as_sox_decodes_them_and_near_the_original() {
    let _cpu = common::cpu_bound();
    let dir = scratch("wav-g711");
    let original = shared_data().join("zh/BAC009S0764W0121.wav");
    let (_, samples) = read_16_bit(&original);
    for (law, mu_law) in [("u-law", true), ("a-law", false)] {
        let coded = dir.join(format!("{law}.wav"));
        let decoded = dir.join(format!("{law}-by-sox.wav"));
        // -D: no dither, so the coded file is G.711's quantisation of the original alone.
        run("sox", &["-D", path_str(&original), "-e", law, path_str(&coded)]);
        run("sox", &[path_str(&coded), "-b", "16", "-e", "signed-integer", path_str(&decoded)]);
        let ours = read_all(&coded, Channels::Mix).unwrap();
        // Every G.711 level is a whole number on the 16-bit scale: sox's 16-bit decoding
        // and ours must agree exactly.
        let (_, by_sox) = read_16_bit(&decoded);
        let by_sox: Vec<f32> = by_sox.iter().map(|&s| s as f32 / 32768.0).collect();
        assert_eq!(ours.len(), by_sox.len());
        assert!(ours == by_sox, "{law}: our decoding differs from sox's");
        // Against the original: G.711 rounds to the nearest level (half a step); sox first
        // drops the input to G.711's 14 (µ-law) or 13 (A-law) bits, one LSB more: 4 or 8.
        let lsb = if mu_law { 4.0 } else { 8.0 };
        for (i, (&x, &y)) in samples.iter().zip(&ours).enumerate() {
            let y = (y * 32768.0) as i32;
            let err = (x as i32 - y).abs() as f32;
            let bound = g711_step(y, mu_law) / 2.0 + lsb;
            assert!(err <= bound, "{law} sample {i}: {x} coded as {y}, error {err} > {bound}");
        }
        let (want, got) = (analyze(&original), analyze(&coded));
        println!("{law}: 16-bit {want}\n{law}: {got}");
        // G.711's noise adds power: measured +0.04 dB (µ-law) and +0.003 dB (A-law) on this
        // file at −39 dBFS; the bound is issue 9's level tolerance for a copy, 0.1 dB.
        let level = figure(&got, "level_active_dbfs") - figure(&want, "level_active_dbfs");
        assert!(level.abs() <= 0.1, "{law}: level differs by {level:.2} dB");
        assert_eq!(got["duration_s"], want["duration_s"]);
    }
}

#[test]
fn stereo_g711_at_8_khz_reads_one_channel_or_both() {
    let _cpu = common::cpu_bound();
    let dir = scratch("wav-g711-stereo");
    let left = shared_data().join("zh/IT0011W0001.wav");
    let right = shared_data().join("zh/TEST_NET_Y0000000000_-KTKHdZ2fb8_S00000.wav");
    let stereo = dir.join("call.wav");
    // A telephone call as a G.711 recorder stores it: 8 kHz, µ-law, one side a channel.
    run(
        "sox",
        &[
            "-D",
            "-M",
            path_str(&left),
            path_str(&right),
            "-r",
            "8000",
            "-e",
            "u-law",
            path_str(&stereo),
        ],
    );
    let source = WavSource::open(&stereo).unwrap();
    assert_eq!(
        (source.channels(), source.sample_rate(), source.encoding()),
        (2, 8000, Encoding::MuLaw)
    );
    let sides: Vec<Vec<f32>> = (0..2)
        .map(|c| {
            let side = dir.join(format!("side{c}.wav"));
            let channel = (c + 1).to_string();
            run(
                "sox",
                &[
                    path_str(&stereo),
                    "-b",
                    "16",
                    "-e",
                    "signed-integer",
                    path_str(&side),
                    "remix",
                    &channel,
                ],
            );
            read_16_bit(&side).1.iter().map(|&s| s as f32 / 32768.0).collect()
        })
        .collect();
    for (c, side) in sides.iter().enumerate() {
        let ours = read_all(&stereo, Channels::Only(c)).unwrap();
        assert!(&ours == side, "channel {c} differs from sox's `remix {}`", c + 1);
    }
    let mix = read_all(&stereo, Channels::Mix).unwrap();
    for (i, m) in mix.iter().enumerate() {
        assert_eq!(*m, (sides[0][i] + sides[1][i]) / 2.0, "mix at {i}");
    }
    let err = read_all(&stereo, Channels::Only(2)).unwrap_err();
    assert!(matches!(err, WavError::NoSuchChannel { channel: 2, channels: 2, .. }), "{err}");
}

#[test]
fn an_odd_length_list_chunk_before_the_data_reads_as_sox_reads_it() {
    let _cpu = common::cpu_bound();
    let dir = scratch("wav-odd-chunk");
    let original = shared_data().join("zh/IT0011W0001.wav");
    let (spec, samples) = read_16_bit(&original);
    let data: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    // LIST/INFO with one ISFT ("software") entry of 5 bytes: 17 bytes in all, then a pad.
    let list = [b"INFOISFT".as_slice(), &5u32.to_le_bytes(), b"sox1\0"].concat();
    assert_eq!(list.len() % 2, 1);
    let odd = dir.join("odd-list.wav");
    let fmt = Form::plain(PCM, 16).fmt_chunk(1, spec.sample_rate);
    std::fs::write(&odd, riff(&[(b"fmt ", fmt), (b"LIST", list), (b"data", data)])).unwrap();
    let by_sox: usize = run("sox", &["--i", "-s", path_str(&odd)]).trim().parse().unwrap();
    assert_eq!(by_sox, samples.len());
    let ours = read_all(&odd, Channels::Mix).unwrap();
    let want: Vec<f32> = samples.iter().map(|&s| s as f32 / 32768.0).collect();
    assert!(ours == want, "the samples after an odd chunk differ from the original's");
    assert_eq!(analyze(&odd)["syllables"], analyze(&original)["syllables"]);
}

#[test]
fn the_recorders_file_reads_in_sox_without_a_warning() {
    let _cpu = common::cpu_bound();
    let dir = scratch("wav-recorder-sox");
    let path = dir.join("audio.wav");
    let mut recorder = Recorder::create(&path, 16000).unwrap();
    let tone: Vec<f32> = (0..16000).map(|i| 0.25 * (i as f32 * 0.1).sin()).collect();
    recorder.write(&tone).unwrap();
    recorder.finish().unwrap();
    for args in [vec!["--i", path_str(&path)], vec![path_str(&path), "-n", "stat"]] {
        let out =
            std::process::Command::new("sox").args(&args).output().expect("sox (`make deps`)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "sox {args:?}: {stderr}");
        assert!(!stderr.contains("WARN"), "sox {args:?} warns: {stderr}");
    }
    let info = run("sox", &["--i", path_str(&path)]);
    assert!(info.contains("32-bit Floating Point PCM") && info.contains("16000 samples"), "{info}");
    assert_eq!(read_all(&path, Channels::Mix).unwrap(), tone);
}

// ---------------------------------------------------------------------------------------
// The mutation fuzz.

/// xorshift64* (Vigna 2016): deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Valid files of every format read, small so that mutations reach the header often.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let tone = |channels: usize| -> Vec<f32> {
        (0..120 * channels).map(|i| 0.6 * ((i / channels) as f32 * 0.3 + i as f32).sin()).collect()
    };
    let odd_list = (b"LIST", b"INFOISFT\x05\x00\x00\x00sox1\x00".to_vec());
    let forms = [
        ("pcm8", Form::plain(PCM, 8), 1),
        ("pcm16", Form::plain(PCM, 16), 1),
        ("pcm16-stereo", Form::plain(PCM, 16), 2),
        ("pcm24", Form::plain(PCM, 24), 1),
        ("pcm32", Form::plain(PCM, 32), 1),
        ("ext-24-in-32", Form::extensible(PCM, 4, 24), 2),
        ("ext-20-in-24", Form::extensible(PCM, 3, 20), 1),
        ("float", Form::plain(FLOAT, 32), 1),
        ("ext-float", Form::extensible(FLOAT, 4, 32), 2),
        ("mulaw", Form::plain(MULAW, 8), 1),
        ("alaw-stereo", Form::plain(ALAW, 8), 2),
        ("ext-mulaw", Form::extensible(MULAW, 1, 8), 1),
    ];
    let mut seeds: Vec<(String, Vec<u8>)> = forms
        .iter()
        .map(|&(name, form, channels)| {
            (name.to_string(), wav(form, channels, 8000, &tone(channels as usize), &[]))
        })
        .collect();
    let form = Form::plain(PCM, 16);
    seeds.push((
        "pcm16-odd-list".into(),
        wav(form, 1, 8000, &tone(1), std::slice::from_ref(&odd_list)),
    ));
    let alaw = Form::plain(ALAW, 8);
    let mut trailing = wav(alaw, 1, 8000, &tone(1), &[odd_list]);
    trailing.extend(b"id3 \x03\x00\x00\x00abc\x00"); // a chunk after data, as taggers add
    seeds.push(("alaw-odd-list-trailing".into(), trailing));
    seeds
}

/// Chunk headers of a valid file: (offset of the id, length).
fn chunk_headers(bytes: &[u8]) -> Vec<(usize, u32)> {
    let mut at = 12;
    let mut found = Vec::new();
    while at + 8 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap());
        found.push((at, len));
        at += 8 + len as usize + (len as usize & 1);
    }
    found
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    if at + 4 <= bytes.len() {
        bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }
}

fn put_u16(bytes: &mut [u8], at: usize, value: u16) {
    if at + 2 <= bytes.len() {
        bytes[at..at + 2].copy_from_slice(&value.to_le_bytes());
    }
}

/// One mutation of `bytes` (chunk offsets from the valid seed), described for a failure.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, chunks: &[(usize, u32)]) -> String {
    let fmt_at = chunks.first().map_or(12, |c| c.0) + 8;
    let sizes = [0, 1, 2, 3, 7, 15, 16, 17, 18, 39, 40, 41, 0x7fff_ffff, 0xffff_fffe, 0xffff_ffff];
    match rng.below(9) {
        0 => {
            let n = 1 + rng.below(8);
            for _ in 0..n {
                let span = if rng.below(2) == 0 { bytes.len().min(80) } else { bytes.len() };
                let at = rng.below(span);
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            format!("{n} bit flips")
        }
        1 => {
            let len = rng.below(bytes.len());
            bytes.truncate(len);
            format!("truncated to {len} bytes")
        }
        2 => {
            // A chunk (or RIFF) size that lies.
            let (at, len) = if rng.below(4) == 0 { (0, 0) } else { rng.pick(chunks) };
            let lie = match rng.below(4) {
                0 => rng.pick(&sizes),
                1 => len.wrapping_add(1),
                2 => len.wrapping_sub(1),
                _ => rng.next() as u32,
            };
            put_u32(bytes, at + 4, lie);
            format!("size at {} = {lie:#x}", at + 4)
        }
        3 => {
            // A fmt field that lies; sometimes with the byte rate made to agree.
            let (field, at) = rng.pick(&[
                ("tag", 0),
                ("channels", 2),
                ("block align", 12),
                ("bits", 14),
                ("cbSize", 16),
                ("valid bits", 18),
                ("sub-format", 24),
            ]);
            let value = if rng.below(3) == 0 {
                rng.next() as u16
            } else {
                rng.pick(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 33, 64, 0xfffe, 0xffff])
            };
            put_u16(bytes, fmt_at + at, value);
            fix_byte_rate(rng, bytes, fmt_at);
            format!("fmt {field} = {value}")
        }
        4 => {
            let any = rng.next() as u32;
            let rate =
                rng.pick(&[0, 1, 7, 8000, 11025, 44100, 384_000, 0x7fff_ffff, u32::MAX, any]);
            put_u32(bytes, fmt_at + 4, rate);
            fix_byte_rate(rng, bytes, fmt_at);
            format!("rate {rate}")
        }
        5 => {
            put_u16(bytes, fmt_at + 2, 0);
            fix_byte_rate(rng, bytes, fmt_at);
            "zero channels".into()
        }
        6 => {
            // A chunk inserted at a chunk boundary: any id, odd or even, padded or not,
            // its size true, a lie, or huge.
            let id = rng.pick(&[
                *b"LIST",
                *b"JUNK",
                *b"fact",
                *b"fmt ",
                *b"data",
                *b"bext",
                [0; 4],
                *b"\xff\xfe\x00a",
            ]);
            let len = rng.below(41);
            let stated = match rng.below(4) {
                0 => rng.pick(&sizes),
                1 => rng.next() as u32,
                _ => len as u32,
            };
            let mut chunk = id.to_vec();
            chunk.extend(stated.to_le_bytes());
            chunk.extend((0..len).map(|_| rng.next() as u8));
            if len % 2 == 1 && rng.below(3) > 0 {
                chunk.push(0);
            }
            let at = rng
                .pick(&[12].iter().copied().chain(chunks.iter().map(|c| c.0)).collect::<Vec<_>>());
            let at = at.min(bytes.len());
            bytes.splice(at..at, chunk);
            format!(
                "{len}-byte chunk {:?} stated {stated:#x} inserted at {at}",
                String::from_utf8_lossy(&id)
            )
        }
        7 => {
            // A chunk removed or doubled.
            let (at, len) = rng.pick(chunks);
            let at = at.min(bytes.len()); // an earlier mutation may have cut the file
            let end = (at + 8 + len as usize + (len as usize & 1)).min(bytes.len());
            if rng.below(2) == 0 {
                bytes.drain(at..end);
                format!("chunk at {at} removed")
            } else {
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
                format!("chunk at {at} doubled")
            }
        }
        _ => {
            let n = rng.below(64);
            bytes.extend((0..n).map(|_| rng.next() as u8));
            format!("{n} garbage bytes appended")
        }
    }
}

/// hound refuses a byte rate that disagrees with block align × rate; half the time make
/// them agree, so that the lie reaches the reader's own checks.
fn fix_byte_rate(rng: &mut Rng, bytes: &mut [u8], fmt_at: usize) {
    if rng.below(2) == 0 && fmt_at + 14 <= bytes.len() {
        let rate = u32::from_le_bytes(bytes[fmt_at + 4..fmt_at + 8].try_into().unwrap());
        let block = u16::from_le_bytes(bytes[fmt_at + 12..fmt_at + 14].try_into().unwrap());
        put_u32(bytes, fmt_at + 8, rate.wrapping_mul(block as u32));
    }
}

/// Opens and reads a whole file; `Err` is the reader's message.
fn read_through(path: &Path, pick_seed: usize) -> Result<u64, String> {
    let mut source = WavSource::open(path).map_err(|e| e.to_string())?;
    let channels = source.channels() as usize;
    let pick = match pick_seed % 4 {
        0 | 1 => Channels::Mix,
        2 => Channels::Only(pick_seed / 4 % channels),
        _ => Channels::Only(channels), // not there: an error, not a panic
    };
    let integer = !matches!(source.encoding(), Encoding::Float32);
    let (mut frames, mut block) = (0u64, Vec::new());
    loop {
        let n = source.read_block_channels(&mut block, 4096, pick).map_err(|e| e.to_string())?;
        assert_eq!(n, block.len());
        if n == 0 {
            break;
        }
        if integer {
            assert!(
                block.iter().all(|s| (-1.0..=1.0).contains(s)),
                "integer samples beyond full scale"
            );
        }
        frames += n as u64;
        assert!(frames <= source.frames_total(), "more frames than the file has");
    }
    assert_eq!(frames, source.frames_total(), "the reading stopped early");
    Ok(frames)
}

/// 14 seeds × 430: over 6,000 cases.
const FUZZ_CASES: usize = 6020;

#[test]
fn mutated_wav_files_end_in_a_reading_or_a_one_line_error() {
    let _cpu = common::cpu_bound();
    let dir = scratch("wav-fuzz");
    let seeds = seeds();
    // The seeds themselves read in full: the fuzz starts from valid files of every format.
    for (name, bytes) in &seeds {
        let path = dir.join(format!("{name}.wav"));
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(read_through(&path, 0), Ok(120), "seed {name}");
    }
    // The largest buffer the reader should ask for is one read (READ_BYTES_MAX). Other
    // tests of this binary run meanwhile with buffers under 1 MiB (12 s of 16 kHz audio);
    // 8 × READ_BYTES_MAX leaves them room while a 4 GiB request stands out 500 times over.
    let allocation_limit = 8 * READ_BYTES_MAX;
    let mut rng = Rng(0x5eed_2024_0009_0001);
    let (mut read, mut refused) = (0, std::collections::BTreeMap::<String, usize>::new());
    for case in 0..FUZZ_CASES {
        let (name, seed) = &seeds[case % seeds.len()];
        let chunks = chunk_headers(seed);
        let mut bytes = seed.clone();
        let mutations: Vec<String> =
            (0..1 + rng.below(3)).map(|_| mutate(&mut rng, &mut bytes, &chunks)).collect();
        let path: PathBuf = dir.join("case.wav");
        std::fs::write(&path, &bytes).unwrap();
        let what = format!("case {case} ({name}: {})", mutations.join(", "));
        let pick_seed = rng.below(1 << 16);
        let outcome = std::panic::catch_unwind(|| read_through(&path, pick_seed))
            .unwrap_or_else(|_| panic!("{what}: the reader panicked"));
        match outcome {
            Ok(_) => read += 1,
            Err(message) => {
                assert!(!message.contains('\n'), "{what}: a message of several lines: {message}");
                assert!(message.starts_with(path_str(&path)), "{what}: no path in {message}");
                // Tally by kind: the message after the path, numbers and the first
                // clause of an explanation kept out.
                let kind = message[path_str(&path).len() + 2..]
                    .split([';', ','])
                    .next()
                    .unwrap()
                    .chars()
                    .fold(String::new(), |mut kind, c| {
                        if !c.is_ascii_digit() {
                            kind.push(c);
                        } else if !kind.ends_with('#') {
                            kind.push('#');
                        }
                        kind
                    });
                *refused.entry(kind.trim().to_string()).or_default() += 1;
            }
        }
        let largest = LARGEST.with(Cell::get);
        assert!(largest <= allocation_limit, "{what}: an allocation of {largest} bytes");
    }
    println!("{FUZZ_CASES} cases: {read} read in full; refused: {refused:#?}");
    // Both ends must be reached often, or the mutations are too mild or too wild to test
    // anything: at least a tenth of the cases each way.
    assert!(read >= FUZZ_CASES / 10, "only {read} cases read");
    assert!(FUZZ_CASES - read >= FUZZ_CASES / 10, "only {} cases refused", FUZZ_CASES - read);
}
