#!/usr/bin/env python3
"""What the per-voice count error of scripts/pace-voices.sh is made of (issue 20, items 2
and 3): how much of it each candidate explains, over the 70 Common Voice turns.

  - the true speaking rate (characters a second of stopwatch time): R^2 of the count error;
  - the share of syllables whose initial is none, y or w (a vowel after a vowel), or also
    m, n, l or r (sonorants: no silence or burst between syllables), from each turn's
    transcript by pypinyin; partial correlation with the count error, the rate held fixed;
  - the syllable envelope's spread (10th to 90th percentile of the 300-2500 Hz band level
    in 10 ms hops, 70 ms smoothing, over hops within 30 dB of the 95th percentile): a
    reverberant or noisy room fills the dips between syllables;
  - a count correction from the envelope's modulation spectrum (median centroid over
    1.5-12 Hz in 2.56 s windows, after Morgan & Fosler-Lussier's mrate, a rate estimate
    that does not come from peak counting): log(true / counted) = a log(centroid) +
    b log(detected rate) + c, least squares on the tuning half (clean and telephone) and
    its tempo copies, then scored on every set.
Usage: scripts/voices-error-factors.py [OUT_DIR]   (after scripts/pace-voices.sh; needs
`pip install numpy pypinyin`)
"""

import json
import math
import os
import statistics
import sys
import wave

import numpy as np
from pypinyin import Style, pinyin

OUT = sys.argv[1] if len(sys.argv) > 1 else "out/voices"


def q(xs, p):
    xs = sorted(xs)
    return xs[max(0, math.ceil(p * len(xs)) - 1)]


def band_envelope(path):
    """300-2500 Hz band level of 32 ms Hann frames every 10 ms, in dB."""
    w = wave.open(path)
    sr = w.getframerate()
    x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(float) / 32768
    hop, win = sr // 100, int(sr * 0.032)
    n = (len(x) - win) // hop
    frames = x[np.arange(win)[None, :] + hop * np.arange(n)[:, None]] * np.hanning(win)
    spec = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    f = np.fft.rfftfreq(win, 1 / sr)
    return 10 * np.log10(spec[:, (f >= 300) & (f <= 2500)].sum(1) + 1e-10)


def spread_db(env):
    env = np.convolve(env, np.ones(7) / 7, mode="same")
    speech = env[env > np.percentile(env, 95) - 30]
    return np.percentile(speech, 90) - np.percentile(speech, 10)


def modulation_centroid(env):
    top = np.percentile(env, 95)
    speech = env > top - 25
    size, cents = 256, []
    for s in range(0, len(env) - size, 64):
        if speech[s:s + size].mean() < 0.6:
            continue
        e = np.clip(env[s:s + size], top - 30, None)
        m = np.abs(np.fft.rfft((e - e.mean()) * np.hanning(size))) ** 2
        f = np.fft.rfftfreq(size, 0.01)
        band = (f >= 1.5) & (f <= 12)
        cents.append((m[band] * f[band]).sum() / m[band].sum())
    return float(np.median(cents))


def manifest(d):
    rows = {}
    for line in open(os.path.join(d, "manifest.tsv")):
        f = line.rstrip("\n").split("\t")
        rows[f[0]] = (int(f[2]), float(f[3]), f[8] if len(f) > 8 else "all")
    return rows


def results(path):
    return {l.split(" ", 1)[0]: json.loads(l.split(" ", 1)[1]) for l in open(path)}


def turns():
    """(set, copy, half, name, voice, true count, counted, turn_s, stopwatch_s, wav)."""
    for s in ("cv", "zh-read"):
        truth = manifest(os.path.join(OUT, s))
        for kind in ("clean", "tel"):
            ours = results(os.path.join(OUT, s, f"ours-{kind}.txt"))
            for name, (count, sw, half) in truth.items():
                if name.endswith(("-cal", "-rest")):
                    continue
                o = ours[name]
                yield (s, kind, half, name, name, count, o["syllables"], o["turn_s"], sw,
                       os.path.join(OUT, s, kind, f"{name}.wav"))
    truth = manifest(os.path.join(OUT, "cv"))
    for name, o in results(os.path.join(OUT, "tempo", "ours-clean.txt")).items():
        voice, x = name.rsplit("-x", 1)
        count, sw, half = truth[voice]
        yield ("tempo " + x, "clean", half, name, voice, count, o["syllables"], o["turn_s"],
               sw / float(x), os.path.join(OUT, "tempo", "clean", f"{name}.wav"))


def main():
    rows = []
    for t in turns():
        env = band_envelope(t[-1])
        rows.append(t + (spread_db(env), modulation_centroid(env)))
    print("| copy | voices | R² of the count error on the true rate | r (zero/glide initials share, error) | same with m n l r | partial r, rate held | r (envelope spread, error) |")
    print("|---|---|---|---|---|---|---|")
    for kind in ("clean", "tel"):
        sel = [r for r in rows if r[0] == "cv" and r[1] == kind]
        err = np.array([100 * (r[6] / r[5] - 1) for r in sel])
        rate = np.array([r[5] / r[8] for r in sel])
        weak, son = [], []
        for r in sel:
            text = open(os.path.join(OUT, "cv", "clean", r[3] + ".txt"), encoding="utf-8").read()
            han = "".join(c for c in text if "\u4e00" <= c <= "\u9fff")
            ini = [p[0] for p in pinyin(han, style=Style.INITIALS, strict=False)]
            weak.append(sum(i in ("", "y", "w") for i in ini) / len(ini))
            son.append(sum(i in ("", "y", "w", "m", "n", "l", "r") for i in ini) / len(ini))
        a = np.c_[rate, np.ones(len(rate))]
        resid = lambda v: v - a @ np.linalg.lstsq(a, v, rcond=None)[0]
        partial = np.corrcoef(resid(np.array(son)), resid(err))[0, 1]
        spread = np.array([r[10] for r in sel])
        print(f"| {kind} | {len(sel)} | {np.corrcoef(rate, err)[0, 1] ** 2:.2f} | "
              f"{np.corrcoef(weak, err)[0, 1]:+.2f} | {np.corrcoef(son, err)[0, 1]:+.2f} | "
              f"{partial:+.2f} | {np.corrcoef(spread, err)[0, 1]:+.2f} |")

    def x(r):
        return [math.log(r[11]), math.log(r[6] / r[7]), 1.0]
    fit = [r for r in rows if r[2] == "tune" and (r[0] == "cv" or r[0].startswith("tempo"))]
    w, *_ = np.linalg.lstsq(np.array([x(r) for r in fit]),
                            np.array([math.log(r[5] / r[6]) for r in fit]), rcond=None)
    print(f"\nmodulation-spectrum correction: log(true/counted) = {w[0]:.3f} log(centroid) "
          f"{w[1]:+.3f} log(detected rate) {w[2]:+.3f}")
    print("| set | copy | turns | count bias / mean abs. / p90, today | with the correction |")
    print("|---|---|---|---|---|")
    for s, halves in (("cv", ("test", "tune")), ("zh-read", ("all",))):
        for kind in ("clean", "tel"):
            for h in halves:
                sel = [r for r in rows if r[0] == s and r[1] == kind and r[2] == h]
                e0 = [100 * (r[6] / r[5] - 1) for r in sel]
                e1 = [100 * (r[6] * math.exp(np.dot(x(r), w)) / r[5] - 1) for r in sel]
                fmt = lambda e: (f"{statistics.mean(e):+.1f} / {statistics.mean(map(abs, e)):.1f}"
                                 f" / {q([abs(v) for v in e], 0.9):.1f} %")
                label = {"test": "held out", "tune": "tuning half", "all": ""}[h]
                print(f"| {(s + " " + label).strip()} | {kind} | {len(sel)} | {fmt(e0)} | {fmt(e1)} |")
    base = {r[4]: r for r in rows if r[0] == "cv" and r[1] == "clean"}
    for t in ("0.8", "1.2", "1.4"):
        sel = [r for r in rows if r[0] == "tempo " + t]
        ch0 = [100 * (r[6] / base[r[4]][6] - 1) for r in sel]
        ch1 = [100 * (r[6] * math.exp(np.dot(x(r), w)) /
                      (base[r[4]][6] * math.exp(np.dot(x(base[r[4]]), w))) - 1) for r in sel]
        print(f"| tempo {t}x | clean | {len(sel)} | count change {statistics.mean(ch0):+.1f} % "
              f"(p90 {q([abs(c) for c in ch0], 0.9):.1f}) | {statistics.mean(ch1):+.1f} % "
              f"(p90 {q([abs(c) for c in ch1], 0.9):.1f}) |")


if __name__ == "__main__":
    main()
