#!/usr/bin/env python3
"""Time to accuracy from bitvote train run files (bench/time_to_accuracy.sh).

    /usr/bin/python3 bench/time_to_accuracy.py DIR [--targets 0.85,0.88] [--baseline sgd,sgd+overlap]

DIR/<rate>/<label>/run.jsonl and summary.json, one run per (link rate,
method[:strategy]). Time is training time on rank 0: the sum of the step
records' `ms` up to the first evaluation at or above a target (evaluations
themselves are not counted). Writes DIR/time_to_accuracy.md (one table per
rate: time to each target, speed-up over each baseline (the fp32 sgd run, and
its overlapped twin where one ran), final accuracy, wire
bytes per iteration per rank, step time, comm share and the share of the
exchange hidden behind backward) and
DIR/time_to_accuracy.png (test accuracy against training time, a panel per
rate), and prints the tables."""
import argparse
import json
import os
import sys


def load_run(path):
    steps_ms, curve, summary = {}, [], None
    for line in open(os.path.join(path, "run.jsonl")):
        r = json.loads(line)
        if r["event"] == "step":
            steps_ms[r["step"]] = r["ms"]
        elif r["event"] == "eval":
            curve.append((r["step"], r["test_accuracy"]))
        elif r["event"] == "summary":
            summary = r
    if summary is None:
        raise ValueError(f"{path}: run did not finish (no summary record)")
    points, total, done = [], 0.0, 0
    for step, acc in curve:
        while done < step:
            done += 1
            total += steps_ms.get(done, 0.0)
        points.append((total / 1e3, acc))
    return {"points": points, "summary": summary}


def time_to(points, target):
    for t, acc in points:
        if acc >= target:
            return t
    return None


def rate_key(rate):
    units = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}
    digits = rate.rstrip("abcdefghijklmnopqrstuvwxyz")
    return float(digits) * units.get(rate[len(digits):][:1].lower(), 1)


def fmt_bytes(n):
    if n is None:
        return "n/a"
    for unit, size in (("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.2f} {unit}"
    return f"{n:.0f} B"


def hidden(summary):
    """comm_hidden: the share of exchange time hidden behind backward (--overlap)."""
    h = summary.get("comm_hidden")
    return f"{100 * h:.0f}%" if isinstance(h, (int, float)) else "–"


def table(rate, runs, targets, baselines):
    baselines = [b for b in baselines if b in runs] or baselines[:1]
    lines = [f"### {rate} per host link", "",
             "| method | " + " | ".join(f"time to {100 * t:.0f}%" for t in targets) +
             " | " + " | ".join(f"× {b} to {100 * t:.0f}%" for b in baselines for t in targets) +
             " | final accuracy | wire sent / iter / rank | step (median) | comm share | comm hidden |",
             "|---" * (6 + (1 + len(baselines)) * len(targets)) + "|"]
    for label, run in sorted(runs.items(), key=lambda kv: (kv[0] not in baselines, kv[0])):
        s = run["summary"]
        times = [time_to(run["points"], t) for t in targets]
        cells = [f"{t:.1f} s" if t is not None else "not reached" for t in times]
        speed = []
        for baseline in baselines:
            base = runs.get(baseline)
            for t, target in zip(times, targets):
                b = time_to(base["points"], target) if base else None
                speed.append(f"{b / t:.2f}x" if t and b else "n/a")
        lines.append(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(speed) +
                     f" | {100 * s['test_accuracy']:.2f}% | {fmt_bytes(s['bytes_per_iter']['wire_sent'])}"
                     f" | {s['step_ms_median']:.1f} ms | {100 * s['time_share']['comm']:.0f}% | {hidden(s)} |")
    return "\n".join(lines)


def plot(rates, path, targets):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(rates), figsize=(6.5 * len(rates), 4.8), squeeze=False)
    labels = sorted({label for _, runs in rates for label in runs})
    color = {label: plt.cm.tab10(i % 10) for i, label in enumerate(labels)}  # one colour per method, every panel
    for ax, (rate, runs) in zip(axes[0], rates):
        for label, run in sorted(runs.items()):
            xs, ys = zip(*run["points"]) if run["points"] else ([], [])
            ax.plot(xs, [100 * y for y in ys], marker=".", label=label, color=color[label])
        for t in targets:
            ax.axhline(100 * t, color="grey", linewidth=0.6, linestyle=":")
        ax.set_title(f"{rate} per host link")
        ax.set_xlabel("training time on rank 0 (s)")
        ax.set_ylabel("test accuracy (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--targets", default="0.85,0.88")
    ap.add_argument("--baseline", default="sgd",
                    help="comma-separated labels to compute speed-ups against (those that ran)")
    a = ap.parse_args()
    targets = [float(t) for t in a.targets.split(",")]
    rates = []
    for rate in sorted((d for d in os.listdir(a.dir) if os.path.isdir(os.path.join(a.dir, d))), key=rate_key):
        runs = {}
        for label in sorted(os.listdir(os.path.join(a.dir, rate))):
            path = os.path.join(a.dir, rate, label)
            if os.path.exists(os.path.join(path, "run.jsonl")):
                try:
                    runs[label] = load_run(path)
                except ValueError as e:
                    print(f"time_to_accuracy: skipped {e}", file=sys.stderr)
        if runs:
            rates.append((rate, runs))
    if not rates:
        sys.exit(f"time_to_accuracy: no runs under {a.dir}/<rate>/<label>/")
    text = "\n\n".join(table(rate, runs, targets, a.baseline.split(",")) for rate, runs in rates) + "\n"
    open(os.path.join(a.dir, "time_to_accuracy.md"), "w").write(text)
    plot(rates, os.path.join(a.dir, "time_to_accuracy.png"), targets)
    print(text)


if __name__ == "__main__":
    main()
