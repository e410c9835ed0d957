#!/usr/bin/env python3
"""Builds an agent's turns from real read sentences, with a known stopwatch time.

Consecutive sentences of one speaker are trimmed to their speech and joined with pauses
drawn uniformly from 0.25-1.2 s (seeded, so every run builds the same files) until the
turn lasts 30-40 s. A pause is filled with the recordings' own room tone (the quiet
stretches before and after each sentence, repeated as needed), not with digital silence,
and each turn starts and ends with 0.5 s of it.

Trimming: 10 ms frames of the clean file; a frame is speech when its RMS level is above
both (loudest frame - 35 dB) and (10th-percentile frame + 15 dB), and a sentence's speech
runs from the first to the last run of 3 such frames (30 ms). A 10 dB margin let bursts of
the quiet room's noise (10-12 dB over its 10th percentile) open a sentence half a second
early. So the turn's stopwatch time (first to last speech
of the turn: what a trainer with a stopwatch measures) is known exactly.

Sets:
  zh  shared/data/zh-read (AISHELL-1 S0150, 16 kHz); transcripts with Latin letters or
      digits are skipped; true count = Han characters (one syllable each).
  en  shared/data/fda (rl = male, sb = female, 20 kHz), sentences in file order, one
      speaker per turn; true count = words of orthographic.index.

Writes OUT/clean/<name>.wav and OUT/manifest.tsv with
  name  lang  true_count  stopwatch_s  speech_start_s  speech_end_s  speech_rms  sentences
Usage: scripts/make-turns.py zh|en OUT [EVERY]   (EVERY=k keeps every k-th turn: a sample
spread over the whole set, for the tests)
"""

import array
import math
import os
import random
import sys
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "shared", "data")
PAUSE_S = (0.25, 1.2)
TURN_S = (30.0, 40.0)
EDGE_S = 0.5


def read_wav(path):
    with wave.open(path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, path
        rate = w.getframerate()
        x = array.array("h", w.readframes(w.getnframes()))
    return rate, x


def frame_db(x, hop):
    out = []
    for i in range(0, len(x) - hop + 1, hop):
        s = 0
        for v in x[i : i + hop]:
            s += v * v
        out.append(10 * math.log10(s / hop / 32768.0**2 + 1e-12))
    return out


def trim(x, rate, below_loudest_db=35.0):
    """(start, end) sample of the speech in x, by the fixed rule of the module doc."""
    hop = rate // 100
    db = frame_db(x, hop)
    floor = sorted(db)[len(db) // 10]
    threshold = max(max(db) - below_loudest_db, floor + 15.0)
    above = [d > threshold for d in db]
    runs = [i for i in range(len(db) - 2) if above[i] and above[i + 1] and above[i + 2]]
    return runs[0] * hop, (runs[-1] + 3) * hop


def sentences(lang):
    if lang == "zh":
        d = os.path.join(DATA, "zh-read")
        for line in open(os.path.join(d, "text"), encoding="utf-8"):
            name, text = line.rstrip("\n").split("\t", 1)
            if any(c.isascii() and c.isalnum() for c in text):
                continue
            n = sum("\u4e00" <= c <= "\u9fff" for c in text)
            yield "S0150", os.path.join(d, name + ".wav"), n
    else:
        d = os.path.join(DATA, "fda")
        lines = [l.split(" ", 1) for l in open(os.path.join(d, "orthographic.index"))]
        for speaker in ("rl", "sb"):
            for number, text in lines:
                yield speaker, os.path.join(d, f"{speaker}{number}.wav"), len(text.split())


def room_tone(x, start, end, hop):
    guard = 5 * hop  # 50 ms away from the speech
    parts = x[: max(0, start - guard)] + x[min(len(x), end + guard) :]
    return parts if len(parts) >= hop else array.array("h", [0] * hop)


def tone(tone_src, n, rng):
    out = array.array("h")
    while len(out) < n:
        out.extend(tone_src[rng.randrange(0, max(1, len(tone_src) // 2)) :])
    return out[:n]


def build(lang, out, every):
    rng = random.Random(12)
    os.makedirs(os.path.join(out, "clean"), exist_ok=True)
    manifest = open(os.path.join(out, "manifest.tsv"), "w")
    turn, speaker_of_turn, rate = [], None, None

    def flush():
        nonlocal turn
        if not turn:
            return
        sig = array.array("h")
        first = turn[0]
        sig.extend(tone(first["tone"], int(EDGE_S * rate), rng))
        start = len(sig) / rate
        energy, speech_n, count = 0.0, 0, 0
        for i, s in enumerate(turn):
            if i:
                sig.extend(tone(s["tone"], int(s["pause"] * rate), rng))
            sig.extend(s["speech"])
            energy += sum(v * v for v in s["speech"])
            speech_n += len(s["speech"])
            count += s["count"]
        end = len(sig) / rate
        sig.extend(tone(turn[-1]["tone"], int(EDGE_S * rate), rng))
        index = built[0]
        built[0] += 1
        if index % every:
            turn = []
            return
        name = f"{lang}-turn{index:02d}"
        with wave.open(os.path.join(out, "clean", name + ".wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(sig.tobytes())
        rms = math.sqrt(energy / speech_n) / 32768.0
        row = [name, lang, count, f"{end - start:.3f}", f"{start:.3f}", f"{end:.3f}",
               f"{rms:.6f}", len(turn)]
        manifest.write("\t".join(map(str, row)) + "\n")
        done.append(name)
        turn = []

    done, built = [], [0]
    length = 0.0
    for speaker, path, count in sentences(lang):
        r, x = read_wav(path)
        rate = rate or r
        assert r == rate
        s, e = trim(x, r)
        item = {"speech": x[s:e], "count": count, "tone": room_tone(x, s, e, r // 100),
                "pause": rng.uniform(*PAUSE_S)}
        dur = (e - s) / r
        if turn and (speaker != speaker_of_turn or length + item["pause"] + dur > TURN_S[1]):
            if length >= TURN_S[0]:
                flush()
            else:
                turn = []  # too short to be a turn: dropped, start afresh
            length = 0.0
        if not turn:
            length = dur
            speaker_of_turn = speaker
        else:
            length += item["pause"] + dur
        turn.append(item)
    if length >= TURN_S[0]:
        flush()
    manifest.close()
    print(f"{len(done)} turns in {out}", file=sys.stderr)


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
