#!/usr/bin/python3
"""Scaling study tables and plots from bitvote run files.

    /usr/bin/python3 bench/scaling.py runs/scaling-sweep-20261123-1810
    /usr/bin/python3 bench/scaling.py --scaling strong --out plots/ runs/a runs/b

Reads only run files, found recursively under the given directories (or
given directly):
  * sweep JSON lines (`bitvote sweep --json`, e.g. jobs/sweep.sbatch's
    sweep.jsonl): one object per (strategy, size) with ranks, d, time_us_*,
    payload_sent, wire_sent, wire_recv, model_bytes, wrong;
  * train summaries (`bitvote train --out DIR` -> DIR/summary.json, DESIGN.md
    section 10): ranks, samples_per_s, time_share, bytes_per_iter, ...;
  * job.json beside either (jobs/*.sbatch): Slurm job id, node count.

Writes into --out (default: the first directory given):
  scaling.csv                one row per (kind, series, ranks[, d]); repeats
                             of the same point are combined by their median
  sweep_time.png             time per exchange vs ranks, one line per strategy,
                             one panel per size (the largest four)
  sweep_bandwidth.png        effective bandwidth 4*d / time (fp32 gradient
                             bytes voted on per second) vs ranks
  sweep_efficiency.png       t(R0) / t(R), R0 the smallest rank count >= 2
                             (with one rank nothing is exchanged)
  sweep_bytes.png            bytes sent per rank per exchange (wire when
                             measured over TCP, else handed to MPI) vs ranks
  train_throughput.png       samples/s vs ranks, with the ideal line
  train_efficiency.png       (S(R) / S(R0)) / (R / R0), R0 the smallest rank count
  train_bytes.png            bytes per iteration per rank (payload, wire) vs ranks
  train_time_share.png       stacked share of step time per phase

--scaling strong|weak labels the study: strong = fixed global batch (per-rank
batch shrinks as ranks grow), weak = fixed per-rank batch. Ideal samples/s grows
linearly with ranks in both, so the efficiency formula is the same; the sweep
is weak by construction (every rank holds the whole d-coordinate gradient).
Exit code 1 when no run file is found, 2 on a bad flag.
"""
import argparse
import csv
import json
import math
import os
import statistics
import sys

from run_files import phases_of

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

SWEEP_FIELDS = ["strategy", "ranks", "d", "time_us_avg"]


def warn(msg):
    print(f"scaling.py: {msg}", file=sys.stderr)


def read_job(dirname):
    """job.json of the run directory (jobs/*.sbatch), or {}."""
    path = os.path.join(dirname, "job.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def job_info(job, fallback_nodes=None):
    nodes = job.get("SLURM_JOB_NUM_NODES") or fallback_nodes or 1
    return {"job_id": str(job.get("SLURM_JOB_ID") or ""), "nodes": nodes}


def read_sweep_lines(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                warn(f"{path}:{n}: not JSON, skipped")
                continue
            if isinstance(obj, dict) and all(k in obj for k in SWEEP_FIELDS):
                rows.append(obj)
    return rows


def find_runs(inputs):
    """(sweep rows, train summaries), each tagged with its file and job."""
    files = []
    for item in inputs:
        if os.path.isfile(item):
            files.append(item)
        elif os.path.isdir(item):
            for root, _dirs, names in os.walk(item):
                files.extend(os.path.join(root, n) for n in sorted(names))
        else:
            warn(f"{item}: no such file or directory")
    sweeps, trains = [], []
    for path in sorted(files):
        base = os.path.basename(path)
        job = read_job(os.path.dirname(path))
        if job.get("exit_code") not in (None, 0):
            warn(f"{path}: its job exited with code {job['exit_code']}; rows kept, check them")
        if base == "summary.json":
            try:
                with open(path) as f:
                    s = json.load(f)
            except (OSError, ValueError) as e:
                warn(f"{path}: unreadable ({e}), skipped")
                continue
            if "ranks" not in s or "samples_per_s" not in s:
                warn(f"{path}: no ranks/samples_per_s, skipped")
                continue
            s["_file"] = path
            s.update({"_" + k: v for k, v in job_info(job, s.get("nodes")).items()})
            trains.append(s)
        elif base.endswith(".jsonl") and base != "run.jsonl":
            for r in read_sweep_lines(path):
                r["_file"] = path
                r.update({"_" + k: v for k, v in job_info(job).items()})
                if r.get("wrong"):
                    warn(f"{path}: {r['strategy']} d={r['d']} ranks={r['ranks']}: {r['wrong']} wrong coordinates")
                sweeps.append(r)
    return sweeps, trains



def med(values):
    values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return statistics.median(values) if values else None


def group(items, key):
    out = {}
    for it in items:
        out.setdefault(key(it), []).append(it)
    return out


# ---- sweep -----------------------------------------------------------------------------------------
def sweep_table(rows):
    """One record per (strategy, d, ranks), medians over repeats, with efficiency per (strategy, d)."""
    table = []
    for (strategy, d, ranks), rs in sorted(group(rows, lambda r: (r["strategy"], r["d"], r["ranks"])).items()):
        t = med([r["time_us_avg"] for r in rs])
        table.append({
            "kind": "sweep", "series": strategy, "strategy": strategy, "method": "", "ranks": ranks,
            "nodes": max(r["_nodes"] for r in rs), "d": d, "runs": len(rs),
            "time_us_avg": t, "time_us_min": med([r.get("time_us_min") for r in rs]),
            "time_us_max": med([r.get("time_us_max") for r in rs]),
            "eff_GBps": 4.0 * d / (t * 1e3) if t else None,
            "payload_sent": med([r.get("payload_sent") for r in rs]),
            "wire_sent": med([r.get("wire_sent") for r in rs]),
            "wire_recv": med([r.get("wire_recv") for r in rs]),
            "model_bytes": med([r.get("model_bytes") for r in rs]),
            "wrong": sum(int(r.get("wrong") or 0) for r in rs),
            "job_ids": " ".join(sorted({r["_job_id"] for r in rs if r["_job_id"]})),
        })
    for _key, recs in group(table, lambda r: (r["series"], r["d"])).items():
        multi = [r for r in recs if r["ranks"] >= 2] or recs
        base = min(multi, key=lambda r: r["ranks"])
        for r in recs:
            if r["time_us_avg"] and base["time_us_avg"] and r["ranks"] >= base["ranks"]:
                r["efficiency"] = base["time_us_avg"] / r["time_us_avg"]
    return table


def sweep_plots(table, out, size):
    sizes = sorted({r["d"] for r in table})
    if size is None:
        # the largest size measured at the most rank counts
        size = max(sizes, key=lambda d: (len({r["ranks"] for r in table if r["d"] == d}), d))
    elif size not in sizes:
        warn(f"--size {size} not in the sweep (sizes {sizes}); using {sizes[-1]}")
        size = sizes[-1]
    panels = sizes[-4:]
    written = []

    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.8), squeeze=False)
    for ax, d in zip(axes[0], panels):
        for series, recs in sorted(group([r for r in table if r["d"] == d], lambda r: r["series"]).items()):
            recs.sort(key=lambda r: r["ranks"])
            ax.plot([r["ranks"] for r in recs], [r["time_us_avg"] for r in recs], marker="o", label=series)
        ax.set_title(f"d = {d:,}")
        rank_axis(ax)
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("time per exchange (µs, mean)")
    axes[0][-1].legend(fontsize=7)
    fig.suptitle("bitvote sweep: time per exchange vs ranks")
    written.append(save(fig, out, "sweep_time.png"))

    sel = [r for r in table if r["d"] == size]
    written.append(line_plot(sel, "eff_GBps", out, "sweep_bandwidth.png",
                             f"effective bandwidth, d = {size:,} (4·d bytes / time)", "GB/s (fp32 gradient)",
                             logy=True))
    written.append(line_plot(sel, "efficiency", out, "sweep_efficiency.png",
                             f"weak-scaling efficiency t(R0)/t(R), d = {size:,}", "efficiency", ideal_one=True))
    measured = all(r["wire_sent"] is not None for r in sel)
    written.append(line_plot(sel, "wire_sent" if measured else "payload_sent", out, "sweep_bytes.png",
                             f"bytes per rank per exchange, d = {size:,}",
                             "bytes sent (measured on the wire)" if measured else "bytes handed to MPI (payload)",
                             logy=True))
    return written


# ---- train -----------------------------------------------------------------------------------------
def train_series(s):
    # the strategy asked for (e.g. auto), not the one it resolved to at this rank count
    label = f"{s.get('method', '?')}/{s.get('strategy_flag') or s.get('strategy', '?')}"
    if s.get("aggregate") not in (None, "vote"):
        label += f"/{s['aggregate']}"
    return label


def train_table(summaries, phases):
    table = []
    for (series, ranks), ss in sorted(group(summaries, lambda s: (train_series(s), s["ranks"])).items()):
        bpi = [s.get("bytes_per_iter") or {} for s in ss]
        share = [s.get("time_share") or {} for s in ss]
        rec = {
            "kind": "train", "series": series, "strategy": " ".join(sorted({str(s.get("strategy", "")) for s in ss})),
            "method": ss[0].get("method", ""), "ranks": ranks, "nodes": max(s["_nodes"] for s in ss),
            "d": ss[0].get("params"), "runs": len(ss),
            "samples_per_s": med([s.get("samples_per_s") for s in ss]),
            "step_ms_median": med([s.get("step_ms_median") for s in ss]),
            "test_accuracy": med([s.get("test_accuracy") for s in ss]),
            "payload_sent": med([b.get("payload_sent") for b in bpi]),
            "wire_sent": med([b.get("wire_sent") for b in bpi]),
            "wire_recv": med([b.get("wire_recv") for b in bpi]),
            "fp32_bytes_per_iter": med([s.get("fp32_bytes_per_iter") for s in ss]),
            "compression_ratio": med([s.get("compression_ratio") for s in ss]),
            "job_ids": " ".join(sorted({s["_job_id"] for s in ss if s["_job_id"]})),
        }
        for p in phases:
            rec["share_" + p] = med([sh.get(p) for sh in share])
        table.append(rec)
    for _series, recs in group(table, lambda r: r["series"]).items():
        base = min(recs, key=lambda r: r["ranks"])
        for r in recs:
            if r["samples_per_s"] and base["samples_per_s"]:
                r["speedup"] = r["samples_per_s"] / base["samples_per_s"]
                r["efficiency"] = r["speedup"] / (r["ranks"] / base["ranks"])
    return table


def train_plots(table, out, scaling, phases):
    written = []
    label = "strong scaling (fixed global batch)" if scaling == "strong" else "weak scaling (fixed per-rank batch)"
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for series, recs in sorted(group(table, lambda r: r["series"]).items()):
        recs.sort(key=lambda r: r["ranks"])
        xs = [r["ranks"] for r in recs]
        line, = ax.plot(xs, [r["samples_per_s"] for r in recs], marker="o", label=series)
        base = recs[0]
        if base["samples_per_s"]:
            ax.plot(xs, [base["samples_per_s"] * x / base["ranks"] for x in xs], linestyle=":",
                    color=line.get_color(), alpha=0.7)
    ax.plot([], [], linestyle=":", color="gray", label="ideal (linear)")
    decorate(ax, "samples/s", f"throughput vs ranks, {label}", logy=True)
    written.append(save(fig, out, "train_throughput.png"))
    written.append(line_plot(table, "efficiency", out, "train_efficiency.png",
                             f"parallel efficiency, {label}", "efficiency", ideal_one=True))

    fig, ax = plt.subplots(figsize=(6, 4.2))
    for series, recs in sorted(group(table, lambda r: r["series"]).items()):
        recs.sort(key=lambda r: r["ranks"])
        xs = [r["ranks"] for r in recs]
        line, = ax.plot(xs, [r["payload_sent"] for r in recs], marker="o", label=f"{series} payload")
        if any(r["wire_sent"] is not None for r in recs):
            ax.plot(xs, [r["wire_sent"] for r in recs], marker="x", linestyle="--", color=line.get_color(),
                    label=f"{series} wire")
    fp32 = sorted({(r["ranks"], r["fp32_bytes_per_iter"]) for r in table if r["fp32_bytes_per_iter"]})
    if fp32:
        ax.plot([x for x, _ in fp32], [y for _, y in fp32], color="black", linestyle=":", label="fp32 allreduce")
    decorate(ax, "bytes / iteration / rank", "bytes per iteration per rank", logy=True)
    written.append(save(fig, out, "train_bytes.png"))

    series_list = sorted({r["series"] for r in table})
    fig, axes = plt.subplots(1, len(series_list), figsize=(max(4.5, 3.6 * len(series_list)), 4.2), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, series in zip(axes[0], series_list):
        recs = sorted((r for r in table if r["series"] == series), key=lambda r: r["ranks"])
        xs = list(range(len(recs)))
        bottom = [0.0] * len(recs)
        for i, p in enumerate(phases):
            h = [r["share_" + p] or 0.0 for r in recs]
            ax.bar(xs, h, bottom=bottom, color=colors[i % len(colors)], label=p)
            bottom = [b + v for b, v in zip(bottom, h)]
        ax.set_xticks(xs, [str(r["ranks"]) for r in recs])
        ax.set_xlabel("ranks")
        ax.set_ylim(0, 1.0)
        ax.set_title(series, fontsize=9)
    axes[0][0].set_ylabel("share of step time")
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle("time share per phase")
    written.append(save(fig, out, "train_time_share.png"))
    return written


# ---- shared ----------------------------------------------------------------------------------------
def rank_axis(ax):
    """log2 x axis labelled with the rank counts themselves (1, 2, 4, ...)."""
    xs = sorted({int(x) for line in ax.get_lines() for x in line.get_xdata() if x > 0})
    ax.set_xscale("log", base=2)
    if xs:
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_xlabel("ranks")


def decorate(ax, ylabel, title, logy=False):
    rank_axis(ax)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    if logy:
        ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)


def line_plot(table, field, out, name, title, ylabel, logy=False, ideal_one=False):
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for series, recs in sorted(group(table, lambda r: r["series"]).items()):
        recs = sorted((r for r in recs if r.get(field) is not None), key=lambda r: r["ranks"])
        if recs:
            ax.plot([r["ranks"] for r in recs], [r[field] for r in recs], marker="o", label=series)
    if ideal_one:
        ax.axhline(1.0, color="gray", linestyle=":", label="ideal")
    decorate(ax, ylabel, title, logy=logy)
    return save(fig, out, name)


def save(fig, out, name):
    path = os.path.join(out, name)
    fig.tight_layout()
    fig.savefig(path + ".tmp.png", dpi=110)
    plt.close(fig)
    os.replace(path + ".tmp.png", path)
    return path


COLUMNS = ["kind", "series", "strategy", "method", "ranks", "nodes", "d", "runs",
           "time_us_avg", "time_us_min", "time_us_max", "eff_GBps",
           "samples_per_s", "step_ms_median", "speedup", "efficiency", "test_accuracy",
           "payload_sent", "wire_sent", "wire_recv", "model_bytes", "fp32_bytes_per_iter", "compression_ratio",
           "wrong"]  # then share_<phase> per phase, then job_ids


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}" if math.isfinite(v) else ""
    return v


def write_csv(table, path, phases):
    columns = COLUMNS + ["share_" + p for p in phases] + ["job_ids"]
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in table:
            w.writerow({k: fmt(r.get(k)) for k in columns})
    os.replace(path + ".tmp", path)


def print_table(table):
    for r in table:
        if r["kind"] == "sweep":
            eff = f"{r['efficiency']:.2f}" if r.get("efficiency") is not None else "-"
            print(f"  sweep {r['series']:<26} d={r['d']:>10,}  ranks={r['ranks']:>4}  "
                  f"{r['time_us_avg']:>12.1f} us  eff {eff}")
        else:
            eff = f"{r['efficiency']:.2f}" if r.get("efficiency") is not None else "-"
            sps = f"{r['samples_per_s']:.1f}" if r["samples_per_s"] is not None else "-"
            print(f"  train {r['series']:<26} ranks={r['ranks']:>4}  {sps:>12} samples/s  eff {eff}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="run directories (searched recursively) or run files")
    ap.add_argument("--out", help="where scaling.csv and the PNGs go (default: the first input directory)")
    ap.add_argument("--scaling", choices=["strong", "weak"], default="weak",
                    help="strong: fixed global batch; weak: fixed per-rank batch (default weak)")
    ap.add_argument("--size", type=int, help="sweep size d for the bandwidth/efficiency/bytes plots "
                                             "(default: the largest measured at the most rank counts)")
    args = ap.parse_args(argv)
    out = args.out or next((i for i in args.inputs if os.path.isdir(i)), os.path.dirname(args.inputs[0]) or ".")
    os.makedirs(out, exist_ok=True)

    sweeps, trains = find_runs(args.inputs)
    if not sweeps and not trains:
        warn(f"no sweep JSON lines or train summary.json under {' '.join(args.inputs)}")
        return 1
    table, written = [], []
    phases = phases_of(trains)
    if sweeps:
        st = sweep_table(sweeps)
        table += st
        written += sweep_plots(st, out, args.size)
    if trains:
        tt = train_table(trains, phases)
        table += tt
        written += train_plots(tt, out, args.scaling, phases)
    csv_path = os.path.join(out, "scaling.csv")
    write_csv(table, csv_path, phases)
    print(f"scaling ({args.scaling}): {len(sweeps)} sweep rows, {len(trains)} train summaries, "
          f"rank counts {sorted({r['ranks'] for r in table})}")
    print_table(table)
    print(f"wrote {csv_path}")
    for p in written:
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
