#!/usr/bin/env python3
"""Builds one turn per voice from Common Voice Mandarin (shared/data/cv-zh), with its
stopwatch time and true syllable count, and the fixed tuning / held-out split.

Each clip is decoded by sox (48 kHz MP3 -> 16 kHz 16-bit mono), trimmed to its speech by
the rule of scripts/make-turns.py (10 ms frames above both loudest - 25 dB and 10th
percentile + 15 dB, runs of 3 frames), and left out when
  - its trimmed rate is implausible (outside 2-7.5 characters a second: a clip cut short,
    or a long pause the trim could not see), or
  - no speech is found in it at all, or
  - it holds a silence of 1.5 s or more inside its speech (a reader who stopped),
as shared/data/cv-zh/README asks. A speaker's remaining clips, in the order of `text`,
are joined with pauses of 0.25-1.2 s (seeded) filled with that clip's own room tone, as
make-turns.py joins read sentences. Speakers with fewer than 4 usable clips are left out.

Per speaker (its 12-character id) three files in OUT/clean, each with its transcript
(the same name, .txt):
  cv-<id>.wav       every usable clip, up to 45 s: the voice's turn (the headline figures)
  cv-<id>-cal.wav   the first clips, until they hold 40 characters or more: a calibration
                    passage read aloud (the personal pace calibration's input)
  cv-<id>-rest.wav  the clips after those: the turn the calibration is scored on
                    (only when at least 2 clips and 20 characters are left)

The split is fixed and written down here: speakers sorted by id, the 1st, 3rd, 5th ...
are the tuning half ("tune"), the others the held-out half ("test"). Any constant of the
detector is tuned on "tune" alone; README reports "test".

Writes OUT/manifest.tsv with
  name  lang  true_count  stopwatch_s  speech_start_s  speech_end_s  speech_rms  clips  half
(the first 8 columns as make-turns.py writes them) and OUT/excluded.tsv (clip, reason).
Usage: scripts/make-cv-turns.py OUT
"""

import array
import importlib.util
import math
import os
import random
import subprocess
import sys
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
CV = os.path.join(HERE, "..", "..", "shared", "data", "cv-zh")
_spec = importlib.util.spec_from_file_location("turns", os.path.join(HERE, "make-turns.py"))
turns = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(turns)

RATE = 16000
MIN_CLIPS = 4
MAX_TURN_S = 45.0
CAL_CHARS = 40
REST_MIN_CHARS = 20
RATE_RANGE = (2.0, 7.5)
# Loudest - 25 dB, where make-turns.py takes 35 dB for its quiet studio: volunteers' own
# microphones carry breaths, lip and handling noise 20-30 dB under the voice before and
# after a sentence (in cv-33c46c9b8e3c, breaths at -35 to -48 dBFS before a voice whose
# voiced hops sit at -24 to -11 dBFS), which a stopwatch would not time as speech.
TRIM_BELOW_LOUDEST_DB = 25.0
MAX_INNER_SILENCE_S = 1.5


def decode(mp3, cache):
    out = os.path.join(cache, os.path.basename(mp3)[:-4] + ".wav")
    if not os.path.exists(out):
        subprocess.run(["sox", "-D", "-G", "-q", mp3, "-r", str(RATE), "-b", "16", "-c", "1", out],
                       check=True)
    return turns.read_wav(out)[1]


def han(text):
    return sum("\u4e00" <= c <= "\u9fff" for c in text)


def inner_silence_s(x, s, e):
    """Longest run of 10 ms frames inside [s, e) under the trim threshold, in seconds."""
    hop = RATE // 100
    db = turns.frame_db(x, hop)
    floor = sorted(db)[len(db) // 10]
    threshold = max(max(db) - TRIM_BELOW_LOUDEST_DB, floor + 15.0)
    longest = run = 0
    for d in db[s // hop : e // hop]:
        run = run + 1 if d <= threshold else 0
        longest = max(longest, run)
    return longest / 100.0


def write(path, sig):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(sig.tobytes())


def join(items, rng):
    """The clips joined as a turn: (signal, stopwatch_s, start_s, end_s, rms, count)."""
    sig = array.array("h")
    sig.extend(turns.tone(items[0]["tone"], int(turns.EDGE_S * RATE), rng))
    start = len(sig) / RATE
    energy = n = count = 0
    for i, it in enumerate(items):
        if i:
            sig.extend(turns.tone(it["tone"], int(it["pause"] * RATE), rng))
        sig.extend(it["speech"])
        energy += sum(v * v for v in it["speech"])
        n += len(it["speech"])
        count += it["count"]
    end = len(sig) / RATE
    sig.extend(turns.tone(items[-1]["tone"], int(turns.EDGE_S * RATE), rng))
    return sig, end - start, start, end, math.sqrt(energy / n) / 32768.0, count


def main(out):
    cache = os.path.join(out, "decoded")
    os.makedirs(cache, exist_ok=True)
    os.makedirs(os.path.join(out, "clean"), exist_ok=True)
    by_speaker = {}
    for line in open(os.path.join(CV, "text"), encoding="utf-8"):
        clip, speaker, text = line.rstrip("\n").split("\t", 2)
        by_speaker.setdefault(speaker, []).append((clip, han(text), text))
    speakers = sorted(s for s, clips in by_speaker.items() if len(clips) >= MIN_CLIPS)
    half = {s: ("tune" if i % 2 == 0 else "test") for i, s in enumerate(speakers)}
    rng = random.Random(20)
    manifest = open(os.path.join(out, "manifest.tsv"), "w")
    excluded = open(os.path.join(out, "excluded.tsv"), "w")
    kept_speakers = left_out = 0
    for speaker in speakers:
        items = []
        for clip, count, text in by_speaker[speaker]:
            x = decode(os.path.join(CV, "clips", clip), cache)
            try:
                s, e = turns.trim(x, RATE, TRIM_BELOW_LOUDEST_DB)
            except IndexError:  # no run of speech frames at all
                excluded.write(f"{clip}\tno speech found\n")
                left_out += 1
                continue
            rate = count / ((e - s) / RATE)
            if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
                excluded.write(f"{clip}\trate {rate:.2f}/s\n")
                left_out += 1
                continue
            silence = inner_silence_s(x, s, e)
            if silence >= MAX_INNER_SILENCE_S:
                excluded.write(f"{clip}\tsilence {silence:.2f} s\n")
                left_out += 1
                continue
            items.append({"speech": x[s:e], "count": count, "text": text,
                          "tone": turns.room_tone(x, s, e, RATE // 100),
                          "pause": rng.uniform(*turns.PAUSE_S), "dur": (e - s) / RATE})
        if len(items) < MIN_CLIPS:
            excluded.write(f"speaker {speaker}\tonly {len(items)} usable clips\n")
            continue
        kept_speakers += 1
        full, length = [], 0.0
        for it in items:
            if full and length + it["pause"] + it["dur"] > MAX_TURN_S:
                break
            length += (it["pause"] if full else 0.0) + it["dur"]
            full.append(it)
        cal, chars = [], 0
        for it in items:
            if chars >= CAL_CHARS:
                break
            cal.append(it)
            chars += it["count"]
        rest = items[len(cal):]
        parts = [("", full), ("-cal", cal)]
        if len(rest) >= 2 and sum(it["count"] for it in rest) >= REST_MIN_CHARS:
            parts.append(("-rest", rest[: len(full)]))
        for suffix, group in parts:
            name = f"cv-{speaker}{suffix}"
            sig, sw, start, end, rms, count = join(group, rng)
            write(os.path.join(out, "clean", name + ".wav"), sig)
            # The transcript, for `speech-coach calibrate --text` on the -cal passages.
            with open(os.path.join(out, "clean", name + ".txt"), "w", encoding="utf-8") as t:
                t.write("\n".join(it["text"] for it in group) + "\n")
            row = [name, "zh", count, f"{sw:.3f}", f"{start:.3f}", f"{end:.3f}", f"{rms:.6f}",
                   len(group), half[speaker]]
            manifest.write("\t".join(map(str, row)) + "\n")
    manifest.close()
    print(f"{kept_speakers} speakers ({sum(v == 'tune' for v in half.values())} tune / "
          f"{sum(v == 'test' for v in half.values())} test before exclusions); "
          f"{left_out} clips left out", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
