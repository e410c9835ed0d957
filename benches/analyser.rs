//! Throughput of the full streaming analyser (resampling, pitch, level, VAD, pace, tone)
//! on one thread, on real Mandarin speech at 16 kHz and at 48 kHz (a USB headset's rate).
//!
//! `cargo bench` prints criterion's time per pass and a line with × real time and the
//! cost per 10 ms hop. The goal from issue #2 is ≥ 1000× real time at 16 kHz.

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use speech_coach::analysis::{Analyser, AnalyserConfig};
use speech_coach::audio::WavSource;
use speech_coach::dsp::resample::Resampler;

/// 60 s of speech: the shared Mandarin recordings, repeated.
fn speech_16k() -> Vec<f32> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/zh");
    let mut one_round = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    names.sort();
    for path in names {
        let mut src = WavSource::open(&path).unwrap();
        assert_eq!(src.sample_rate(), 16000);
        let mut block = Vec::new();
        while src.read_block(&mut block, 4096).unwrap() > 0 {
            one_round.extend_from_slice(&block);
        }
    }
    one_round.iter().copied().cycle().take(60 * 16000).collect()
}

fn run(rate: u32, samples: &[f32]) -> u64 {
    let mut analyser = Analyser::new(AnalyserConfig::new(rate)).unwrap();
    let mut frames = 0u64;
    for block in samples.chunks(rate as usize / 100 * 2) {
        analyser.process(block, &mut |_| frames += 1);
    }
    analyser.finish(&mut |_| frames += 1);
    frames
}

fn report(label: &str, rate: u32, samples: &[f32]) {
    let passes = 5;
    let start = Instant::now();
    let mut hops = 0;
    for _ in 0..passes {
        hops += run(rate, samples);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let audio_s = passes as f64 * samples.len() as f64 / rate as f64;
    println!(
        "{label}: {:.0}× real time, {:.2} µs per 10 ms hop ({passes} passes over {:.0} s)",
        audio_s / elapsed,
        elapsed * 1e6 / hops as f64,
        samples.len() as f64 / rate as f64
    );
}

fn bench(c: &mut Criterion) {
    let speech16 = speech_16k();
    // The same speech at 48 kHz (linear interpolation is enough to make a 48 kHz stream).
    let speech48: Vec<f32> = (0..speech16.len() * 3)
        .map(|i| {
            let (j, f) = (i / 3, (i % 3) as f32 / 3.0);
            speech16[j] * (1.0 - f) + speech16.get(j + 1).copied().unwrap_or(0.0) * f
        })
        .collect();
    let mut group = c.benchmark_group("analyser");
    group.sample_size(10);
    group.throughput(Throughput::Elements(speech16.len() as u64));
    group.bench_function("60 s speech @16 kHz", |b| b.iter(|| run(16000, &speech16)));
    group.throughput(Throughput::Elements(speech48.len() as u64));
    group.bench_function("60 s speech @48 kHz", |b| b.iter(|| run(48000, &speech48)));
    group.finish();

    let mut resampler_group = c.benchmark_group("resampler");
    resampler_group.sample_size(10);
    resampler_group.bench_function("48 kHz → 8 kHz, 60 s", |b| {
        b.iter(|| {
            let mut r = Resampler::new(48000, 8000);
            let mut out = Vec::with_capacity(8000 * 61);
            r.process(&speech48, &mut out);
            out.len()
        })
    });
    resampler_group.finish();

    report("16 kHz", 16000, &speech16);
    report("48 kHz", 48000, &speech48);
}

criterion_group!(benches, bench);
criterion_main!(benches);
