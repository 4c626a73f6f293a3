#!/usr/bin/env python3
"""The Byzantine table from bench/byzantine.sh's runs.

    /usr/bin/python3 bench/byzantine.py DIR [--steps N]

DIR/manifest.tsv has one line per cell: table ("P=5", "DETOX P=6"), row
("signum (vote)"), attack, column (N, or a DETOX placement "spread:2,5"),
status ("ok", "diverged (step K)" or "skipped: why") and the run directory
(its summary.json gives test_accuracy). Writes DIR/byzantine.md (a table per
P, then DETOX) and DIR/byzantine.png (accuracy against N per P, DETOX as
bars), and prints the markdown."""
import argparse
import collections
import json
import os
import statistics

ATTACK_ORDER = ["flip", "scaled", "alie"]
PLACES = {"none": "none", "one": "one rank", "spread": "one per group", "grouped": "one group taken over"}
CHANCE = 0.10  # 10 classes: where a diverged run is drawn


def load(directory):
    cells = collections.OrderedDict()  # (table, row, attack, column) -> (status, accuracy or None)
    for line in open(os.path.join(directory, "manifest.tsv")):
        table, row, attack, column, status, run = line.rstrip("\n").split("\t")
        acc = None
        if status == "ok":
            acc = json.load(open(os.path.join(run, "summary.json")))["test_accuracy"]
        cells[(table, row, attack, column)] = (status, acc)
    return cells


def alie_z(P, N):
    s = P // 2 + 1 - N
    p = (P - s) / P
    return statistics.NormalDist().inv_cdf(p) if s > 0 and p > 0.5 else 0.0


def cell_text(status, acc):
    if acc is not None:
        return f"{100 * acc:.1f}"
    return status.replace("skipped: ", "")


def row_key(row_attack, rows):
    row, attack = row_attack
    return (ATTACK_ORDER.index(attack) if attack in ATTACK_ORDER else 9, rows.index(row))


def table_of(cells, table):
    """rows (row, attack) in order, columns in order, and the cells of one table."""
    rows, columns, picked = [], [], {}
    for (t, row, attack, column), value in cells.items():
        if t != table:
            continue
        if row not in rows:
            rows.append(row)
        if column not in columns:
            columns.append(column)
        picked[(row, attack, column)] = value
    pairs = sorted({(r, a) for r, a, _ in picked}, key=lambda ra: row_key(ra, rows))
    return pairs, columns, picked


def place_text(column):
    name, _, ranks = column.partition(":")
    return PLACES.get(name, name) + (f" ({ranks})" if ranks else "")


def markdown(cells, steps):
    lines = ["# The Byzantine table", "",
             f"Test accuracy (%) on Fashion-MNIST (mlp, batch 32 per rank, {steps} steps, seed 1, 2000 test "
             "samples) against N adversaries, on one machine over shared memory (`bench/byzantine.sh`). "
             "`flip` sends the negated message, `scaled` -100 g, `alie` mean - z std (omniscient). "
             "Adversaries are the last N ranks except in the DETOX table. \"diverged\": the gradient stopped "
             "being finite at that step and the trainer ended the run.", ""]
    tables = [t for t in dict.fromkeys(k[0] for k in cells) if not t.startswith("DETOX")]
    for table in tables:
        P = int(table.split("=")[1])
        pairs, columns, picked = table_of(cells, table)
        lines += [f"## P = {P} ranks", "",
                  "| method (aggregate) | attack | " + " | ".join(f"N = {c}" for c in columns) + " |",
                  "|---|---|" + "---:|" * len(columns)]
        for row, attack in pairs:
            values = [cell_text(*picked[(row, attack, c)]) if (row, attack, c) in picked else "" for c in columns]
            lines.append(f"| {row} | {attack} | " + " | ".join(values) + " |")
        zs = ", ".join(f"N = {c}: {alie_z(P, int(c)):.2f}" for c in columns if int(c) > 0)
        lines += ["", f"alie's z at P = {P}: {zs}.", ""]
    for table in [t for t in dict.fromkeys(k[0] for k in cells) if t.startswith("DETOX")]:
        P = int(table.split("=")[1])
        groups = ", ".join("{" + ",".join(str(r) for r in range(g, g + 3)) + "}" for g in range(0, P, 3))
        pairs, columns, picked = table_of(cells, table)
        lines += [f"## DETOX, P = {P} ranks, groups of R = 3 ({groups})", "",
                  f"Adversaries at the ranks named; `signum (vote)` is the plain vote over all {P} ranks with the "
                  "same adversaries, for contrast.", "",
                  "| method (aggregate) | attack | " + " | ".join(place_text(c) for c in columns) + " |",
                  "|---|---|" + "---:|" * len(columns)]
        for row, attack in pairs:
            values = [cell_text(*picked[(row, attack, c)]) if (row, attack, c) in picked else "" for c in columns]
            lines.append(f"| {row} | {attack} | " + " | ".join(values) + " |")
        lines.append("")
    return "\n".join(lines)


def plot(cells, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tables = list(dict.fromkeys(k[0] for k in cells))
    fig, axes = plt.subplots(1, len(tables), figsize=(5.2 * len(tables), 4.2), squeeze=False)
    styles = {"flip": "-", "scaled": "--", "alie": ":"}
    for ax, table in zip(axes[0], tables):
        pairs, columns, picked = table_of(cells, table)
        if table.startswith("DETOX"):
            width = 0.8 / max(1, len(pairs))
            for j, (row, attack) in enumerate(pairs):
                values = [picked.get((row, attack, c), ("", None)) for c in columns]
                ys = [100 * (acc if acc is not None else CHANCE if status.startswith("diverged") else 0)
                      for status, acc in values]
                bars = ax.bar([i + j * width for i in range(len(columns))], ys, width, label=f"{row} {attack}")
                for bar, (status, _) in zip(bars, values):
                    if status.startswith("diverged"):
                        bar.set_hatch("xx")
            ax.set_xticks([i + 0.4 - width / 2 for i in range(len(columns))])
            ax.set_xticklabels([place_text(c).replace(" (", "\n(") for c in columns], fontsize=7)
            ax.set_title(f"DETOX, P = {table.split('=')[1]}, R = 3 (hatched: diverged)")
        else:
            for row, attack in pairs:
                xs, ys, crashed = [], [], []
                for c in columns:
                    status, acc = picked.get((row, attack, c), ("", None))
                    if acc is not None:
                        xs.append(int(c)), ys.append(100 * acc)
                    elif status.startswith("diverged"):
                        xs.append(int(c)), ys.append(100 * CHANCE), crashed.append((int(c), 100 * CHANCE))
                line, = ax.plot(xs, ys, styles.get(attack, "-"), marker="o", label=f"{row} {attack}")
                for x, y in crashed:
                    ax.plot([x], [y], "x", color=line.get_color(), markersize=10)
            ax.set_xlabel("adversaries N")
            ax.set_xticks([int(c) for c in columns])
            ax.set_title(f"P = {table.split('=')[1]} (x: diverged)")
        ax.set_ylabel("test accuracy (%)")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    cells = load(args.dir)
    text = markdown(cells, args.steps)
    with open(os.path.join(args.dir, "byzantine.md"), "w") as f:
        f.write(text + "\n")
    plot(cells, os.path.join(args.dir, "byzantine.png"))
    print(text)
    print(f"wrote {args.dir}/byzantine.md and byzantine.png")


if __name__ == "__main__":
    main()
