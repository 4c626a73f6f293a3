#!/usr/bin/python3
"""Side-by-side table of `bitvote train --out DIR` runs.

usage: bench/compare_runs.py DIR_OR_SUMMARY_JSON [...]

One column per run: method, strategy, test accuracy, samples/s, bytes per
iteration per rank (payload handed to MPI; on the wire when measured over
TCP), compression ratio against fp32 allreduce's payload, and the share of
the step spent in each phase.
"""
import json
import os
import sys

from run_files import phases_of


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "summary.json")
    with open(path) as f:
        return json.load(f)


def size(b):
    if b is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if b < 1000 or unit == "GB":
            return f"{b:.0f} {unit}" if unit == "B" else f"{b:.2f} {unit}"
        b /= 1000



def share(phase):
    def cell(r):
        value = (r.get("time_share") or {}).get(phase)
        return "-" if value is None else f"{100 * value:.1f} %"
    return cell


def batch_text(run):
    """The per-rank batch, or every rank's ("8,8,32") when they differ (batch null)."""
    if run.get("batch") is not None:
        return str(run["batch"])
    return ",".join(str(b) for b in run["batches"])


def main(paths):
    if not paths:
        sys.exit(__doc__.strip())
    runs = [load(p) for p in paths]
    rows = [
        ("method", lambda r: r["method"]),
        ("strategy", lambda r: r["strategy"]),
        ("ranks x batch", lambda r: f'{r["ranks"]} x {batch_text(r)}'),
        ("epochs (steps)", lambda r: f'{r["epochs"]:.2f} ({r["steps"]})'),
        ("test accuracy", lambda r: f'{100 * r["test_accuracy"]:.2f} %'),
        ("samples/s", lambda r: f'{r["samples_per_s"]:.0f}'),
        ("step ms (median)", lambda r: f'{r["step_ms_median"]:.3f}'),
        ("payload/iter/rank", lambda r: size(r["bytes_per_iter"]["payload_sent"])),
        ("wire/iter/rank", lambda r: size(r["bytes_per_iter"]["wire_sent"])),
        ("compression vs fp32", lambda r: f'{r["compression_ratio"]:.1f}x' if r["compression_ratio"] else "-"),
    ] + [(f"{phase} time share", share(phase)) for phase in phases_of(runs)]
    width = 2 + max(len(cell(r)) for _, cell in rows for r in runs)
    for label, cell in rows:
        print(f"{label:<20}" + "".join(f"{cell(r):>{width}}" for r in runs))


if __name__ == "__main__":
    main(sys.argv[1:])
