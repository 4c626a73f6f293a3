"""The table of bench/async.sh: DGS against ASGD, lock-step DGS and sgd.

Usage: async_table.py DIR MODEL COMMAND  (DIR holds MODEL-RUN-sSEED/ run files)

Per run kind, mean +- standard deviation over the seeds of:
  accuracy at the end (equal samples: the same epochs for every kind),
  accuracy after equal model updates (the first eval at or after the update
  count every kind reaches), accuracy after equal wall time (the last eval
  at or before the shortest run's training time; a run's training time at an
  eval is samples so far / the eval's samples/s, evaluations excluded),
  payload bytes per update per worker up and down (sgd: per step per rank,
  sent and received; in parentheses the TCP wire bytes when measured),
  staleness mean and max, samples/s (all workers).
"""
import glob
import json
import os
import statistics
import sys

KINDS = [("dgs-async", "dgs, async"), ("asgd-async", "asgd, async"), ("dgs-lockstep", "dgs, lock step"),
         ("sgd", "sgd (allreduce)")]


def load(path):
    recs = [json.loads(line) for line in open(os.path.join(path, "run.jsonl"))]
    return [r for r in recs if r["event"] == "eval"], recs[-1]


def samples_per_update(summary):
    """Training samples behind one model update (server version or step)."""
    batches = summary["batches"]
    if summary["method"] == "sgd":
        return sum(batches)
    workers = batches[1:]
    return sum(workers) if not summary["async"] else sum(workers) / len(workers)


def acc_at_update(evals, n):
    return next(e["test_accuracy"] for e in evals if e["step"] >= n)


def acc_at_time(evals, summary, t):
    per = samples_per_update(summary)
    best = None
    for e in evals:
        if e["samples_per_s"] > 0 and e["step"] * per / e["samples_per_s"] <= t:
            best = e["test_accuracy"]
    return best


def cell(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return fmt.format(values[0])
    return (fmt + " ± " + fmt).format(statistics.mean(values), statistics.stdev(values))


def bytes_cell(objs, payload, wire):
    """Payload bytes, and the wire bytes in parentheses where measured (tcp)."""
    text = cell([o[payload] for o in objs], "{:.0f}")
    wires = [o[wire] for o in objs if o[wire] is not None]
    return text + (f" ({cell(wires, '{:.0f}')})" if wires else "")


def main():
    root, model, command = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = {}
    for kind, _ in KINDS:
        runs[kind] = [load(p) for p in sorted(glob.glob(os.path.join(root, f"{model}-{kind}-s*", "")))]
    updates = min(s["steps"] for rs in runs.values() for _, s in rs)
    wall = min(s["train_seconds"] for rs in runs.values() for _, s in rs)
    seeds = len(runs["dgs-async"])
    ranks = runs["dgs-async"][0][1]["ranks"]
    transport = runs["dgs-async"][0][1]["transport"]
    print(f"{model}, {ranks} ranks on one 2-core machine (transport {transport}), batch 32, density 1% per layer both ways, "
          f"{seeds} seed(s), mean ± std. Command: `{command}`\n")
    print(f"| run | acc. at end (equal samples) | acc. after {updates} model updates | acc. after {wall:.2f} s "
          "| bytes up / update | bytes down / update | staleness mean (max) | samples/s |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, label in KINDS:
        rs = runs[kind]
        if not rs:
            continue
        s0 = rs[0][1]
        if s0["method"] == "sgd":
            b = [s["bytes_per_iter"] for _, s in rs]
            up = bytes_cell(b, "payload_sent", "wire_sent")
            down = bytes_cell(b, "payload_received", "wire_recv")
            stale = "0 (lock step)"
        else:
            b = [s["bytes_per_update"] for _, s in rs]
            up = bytes_cell(b, "payload_up", "wire_up")
            down = bytes_cell(b, "payload_down", "wire_down")
            stale = f"{cell([s['staleness']['mean'] for _, s in rs], '{:.2f}')} " \
                    f"({max(s['staleness']['max'] for _, s in rs)})"
        print(f"| {label} | {cell([s['test_accuracy'] * 100 for _, s in rs], '{:.2f}')} % "
              f"| {cell([acc_at_update(e, updates) * 100 for e, _ in rs], '{:.2f}')} % "
              f"| {cell([(acc_at_time(e, s, wall) or 0) * 100 for e, s in rs], '{:.2f}')} % "
              f"| {up} | {down} | {stale} "
              f"| {cell([s['samples_per_s'] for _, s in rs], '{:.0f}')} |")


if __name__ == "__main__":
    main()
