#!/usr/bin/env python3
"""Per-voice accuracy tables from scripts/pace-voices.sh's outputs.

For every set (zh-read: one speaker's turns; cv tune / cv test: one turn per voice) and
copy (clean, tel): how many turns, the count error (signed mean = bias, mean |error|,
90th percentile |error|, worst), and the headline pace error against the stopwatch
(true count / stopwatch time): median, 90th percentile and worst |error|. Percentiles are
nearest-rank. The -cal and -rest files of the calibration protocol are left out here.
With --source peer it reads scripts/peer-voices.sh's counts of the peer method (De Jong &
Wempe's v3) instead of ours and prints the count columns and the tempo rows only (the peer
has no turn time, so no pace).
Usage: scripts/voices-report.py OUT_DIR [--json | --rate-fit | --source peer]
"""

import json
import math
import os
import statistics
import sys


def pct(a, b):
    return 100.0 * (a / b - 1.0)


def q(xs, p):
    xs = sorted(xs)
    return xs[max(0, math.ceil(p * len(xs)) - 1)]


SOURCE = "ours"


def load(d, kind):
    truth = {}
    for line in open(os.path.join(d, "manifest.tsv")):
        f = line.rstrip("\n").split("\t")
        half = f[8] if len(f) > 8 else "all"
        truth[f[0]] = (int(f[2]), float(f[3]), half)
    ours = {}
    path = os.path.join(d, f"{SOURCE}-{kind}.txt")
    for line in open(path):
        name, js = line.split(" ", 1)
        ours[name] = json.loads(js)
    return truth, ours


def rows(out):
    for set_name in ("zh-read", "cv"):
        d = os.path.join(out, set_name)
        for kind in ("clean", "tel"):
            truth, ours = load(d, kind)
            halves = sorted({h for *_, h in truth.values()})
            for half in halves:
                count_err, pace_err = [], []
                for name, (count, sw, h) in truth.items():
                    if h != half or name.endswith(("-cal", "-rest")):
                        continue
                    o = ours[name]
                    count_err.append(pct(o["syllables"], count))
                    if "chars_per_min" in o:
                        pace_err.append(pct(o["chars_per_min"], count / sw * 60))
                    else:
                        pace_err.append(float("nan"))
                a = [abs(e) for e in count_err]
                p = [abs(e) for e in pace_err]
                label = set_name if half == "all" else f"cv {half}"
                yield {
                    "set": label, "copy": kind, "n": len(a),
                    "count_bias": statistics.mean(count_err),
                    "count_mae": statistics.mean(a), "count_p90": q(a, 0.9),
                    "count_worst": max(count_err, key=abs),
                    "pace_median": statistics.median(p), "pace_p90": q(p, 0.9),
                    "pace_worst": max(pace_err, key=abs),
                }


def tempo_rows(out):
    """Count change against the 1.0x turn, per voice, for each tempo."""
    d = os.path.join(out, "tempo")
    if not os.path.exists(os.path.join(d, f"{SOURCE}-clean.txt")):
        return
    _, base = load(os.path.join(out, "cv"), "clean")
    stretched = {}
    for line in open(os.path.join(d, f"{SOURCE}-clean.txt")):
        name, js = line.split(" ", 1)
        stretched[name] = json.loads(js)
    for x in ("0.8", "1.2", "1.4"):
        ch = [pct(stretched[f"{n}-x{x}"]["syllables"], base[n]["syllables"])
              for n in base if f"{n}-x{x}" in stretched]
        a = [abs(c) for c in ch]
        yield {"tempo": x, "n": len(ch), "mean": statistics.mean(ch),
               "median_abs": statistics.median(a), "p90_abs": q(a, 0.9),
               "worst": max(ch, key=abs)}


def calibration_rows(out):
    """Pace error on each voice's -rest turn before and after the personal calibration:
    `speech-coach calibrate` on its -cal passage, `analyze --profile` on the -rest turn
    (pace-voices.sh). A voice whose calibration was refused stays as it was."""
    d = os.path.join(out, "cv")
    for kind in ("clean", "tel"):
        truth, ours = load(d, kind)
        calibrated = {}
        path = os.path.join(d, f"ours-calibrated-{kind}.txt")
        if os.path.exists(path):
            for line in open(path):
                name, js = line.split(" ", 1)
                calibrated[name] = json.loads(js)
        for half in ("tune", "test"):
            before, after, factors, refused = [], [], [], 0
            errors = []  # (passage count error, other clips' count error), log ratios
            for name, (count, sw, h) in truth.items():
                if h != half or not name.endswith("-rest"):
                    continue
                true_pace = count / sw * 60
                voice = name[: -len("-rest")]
                errors.append((math.log(truth[voice + "-cal"][0] / ours[voice + "-cal"]["syllables"]),
                               math.log(count / ours[name]["syllables"])))
                before.append(abs(pct(ours[name]["chars_per_min"], true_pace)))
                if name in calibrated:
                    after.append(abs(pct(calibrated[name]["chars_per_min"], true_pace)))
                    factors.append(calibrated[name].get("pace_factor", 1.0))
                else:
                    after.append(before[-1])
                    refused += 1
            yield {"copy": kind, "half": half, "n": len(before), "refused": refused,
                   "r": statistics.correlation(*zip(*errors)),
                   "factor_range": (min(factors), max(factors)) if factors else None,
                   "before": (statistics.median(before), q(before, 0.9), max(before)),
                   "after": (statistics.median(after), q(after, 0.9), max(after))}


def rate_fit_rows(out):
    """A count correction by detected pace, tried and not kept (README): log(true / counted)
    = a * log(detected pace) + b, least squares on the tuning half's turns (clean and
    telephone) and their tempo copies, then every set scored with it."""
    sets = {(s, k): load(os.path.join(out, s), k) for s in ("zh-read", "cv") for k in ("clean", "tel")}
    tempo = {}
    for line in open(os.path.join(out, "tempo", "ours-clean.txt")):
        name, js = line.split(" ", 1)
        tempo[name] = json.loads(js)
    xs, ys = [], []
    for kind in ("clean", "tel"):
        truth, ours = sets[("cv", kind)]
        for name, (count, _, half) in truth.items():
            if half != "tune" or name.endswith(("-cal", "-rest")):
                continue
            copies = [ours[name]] + ([tempo[f"{name}-x{x}"] for x in ("0.8", "1.2", "1.4")
                                      if f"{name}-x{x}" in tempo] if kind == "clean" else [])
            for o in copies:
                xs.append(math.log(o["chars_per_min"]))
                ys.append(math.log(count / o["syllables"]))
    mx, my = statistics.mean(xs), statistics.mean(ys)
    a = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    b = my - a * mx
    for (set_name, kind), (truth, ours) in sets.items():
        for half in sorted({h for *_, h in truth.values()}):
            count_err, pace_err = [], []
            for name, (count, sw, h) in truth.items():
                if h != half or name.endswith(("-cal", "-rest")):
                    continue
                o = ours[name]
                f = math.exp(a * math.log(o["chars_per_min"]) + b)
                count_err.append(pct(o["syllables"] * f, count))
                pace_err.append(abs(pct(o["chars_per_min"] * f, count / sw * 60)))
            ab = [abs(e) for e in count_err]
            yield {"a": a, "b": b, "set": set_name if half == "all" else f"cv {half}", "copy": kind,
                   "count_bias": statistics.mean(count_err), "count_mae": statistics.mean(ab),
                   "count_p90": q(ab, 0.9), "pace_median": statistics.median(pace_err),
                   "pace_p90": q(pace_err, 0.9)}


def main():
    global SOURCE
    out = sys.argv[1]
    if "--source" in sys.argv:
        SOURCE = sys.argv[sys.argv.index("--source") + 1]
    if SOURCE != "ours":
        print("| set | copy | voices/turns | count bias | count mean abs. | count p90 | count worst |")
        print("|---|---|---|---|---|---|---|")
        for r in rows(out):
            print(f"| {r['set']} | {r['copy']} | {r['n']} | {r['count_bias']:+.1f} % | "
                  f"{r['count_mae']:.1f} % | {r['count_p90']:.1f} % | {r['count_worst']:+.1f} % |")
        print("\n| tempo | voices | count change, mean | median abs. | p90 abs. | worst |")
        print("|---|---|---|---|---|---|")
        for r in tempo_rows(out):
            print(f"| {r['tempo']}x | {r['n']} | {r['mean']:+.1f} % | {r['median_abs']:.1f} % | "
                  f"{r['p90_abs']:.1f} % | {r['worst']:+.1f} % |")
        return
    if "--rate-fit" in sys.argv:
        print("| set | copy | count bias | count mean abs. | count p90 | pace median | pace p90 |")
        print("|---|---|---|---|---|---|---|")
        for r in rate_fit_rows(out):
            print(f"| {r['set']} | {r['copy']} | {r['count_bias']:+.1f} % | {r['count_mae']:.1f} % | "
                  f"{r['count_p90']:.1f} % | {r['pace_median']:.1f} % | {r['pace_p90']:.1f} % |")
        print(f"\nfitted: log(true / counted) = {r['a']:.3f} * log(pace) {r['b']:+.3f}")
        return
    table = list(rows(out))
    tempo = list(tempo_rows(out))
    calibration = list(calibration_rows(out))
    if "--json" in sys.argv:
        print(json.dumps({"voices": table, "tempo": tempo, "calibration": calibration}))
        return
    print("| set | copy | voices/turns | count bias | count mean abs. | count p90 | count worst "
          "| pace median | pace p90 | pace worst |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in table:
        print(f"| {r['set']} | {r['copy']} | {r['n']} | {r['count_bias']:+.1f} % | "
              f"{r['count_mae']:.1f} % | {r['count_p90']:.1f} % | {r['count_worst']:+.1f} % | "
              f"{r['pace_median']:.1f} % | {r['pace_p90']:.1f} % | {r['pace_worst']:+.1f} % |")

    if tempo:
        print("\n| tempo | voices | count change, mean | median abs. | p90 abs. | worst |")
        print("|---|---|---|---|---|---|")
        for r in tempo:
            print(f"| {r['tempo']}x | {r['n']} | {r['mean']:+.1f} % | {r['median_abs']:.1f} % | "
                  f"{r['p90_abs']:.1f} % | {r['worst']:+.1f} % |")
    print("\n| copy | half | voices | calibrations refused | factors | r (passage vs other "
          "clips' count error) | pace error before: median / p90 / worst | after the calibration |")
    print("|---|---|---|---|---|---|---|---|")
    for r in calibration:
        b, a = r["before"], r["after"]
        f = r["factor_range"]
        factors = f"{f[0]:.2f}–{f[1]:.2f}" if f else "—"
        print(f"| {r['copy']} | {r['half']} | {r['n']} | {r['refused']} | {factors} | {r['r']:.2f} "
              f"| {b[0]:.1f} / {b[1]:.1f} / {b[2]:.1f} % | {a[0]:.1f} / {a[1]:.1f} / {a[2]:.1f} % |")


if __name__ == "__main__":
    main()

