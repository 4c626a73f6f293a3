#!/usr/bin/env bash
# Validates `bitvote project` on the emulated cluster (README "Projection"):
# sweeps at 2 and 4 hosts on links of A = 100 Mbit/s and B = 1 Gbit/s
# calibrate it; 4-host sweeps at C = 300 Mbit/s, not used in any fit, check
# it. Each measured C row (4 ranks, every swept strategy and size) is printed
# beside the projection's comm time at 4 ranks and --bandwidth 300Mbit:
#   before:    the plain alpha-beta model (--sweep FILE): global alpha fitted,
#              beta = 1 / rate;
#   before+α:  the same with alpha = the C sweep's measured ping-pong latency;
#   after:     the rated model (--sweep FILE@RATE): per strategy alpha, beta
#              and link_factor fitted on A and B, beta at C = link_factor / C + beta.
# (Ranks yield when idle: jobs/emulated-cluster.sh mpirun-args says why.)
# Also trains the cnn for 60 steps at C with sgd, signum and s3gd, plain and
# with --overlap, and checks the step and comm times the projection predicts
# for them (--runs); what hides behind backward is fitted on --overlap runs of
# the same methods at B (--overlap-from) and checked at C.
# Writes build/projection-validation/: the sweeps (sweep-RATE-Nh.{jsonl,txt}),
# the project outputs, and validation.md (the table). Root (network
# namespaces, tc); about 8 minutes on 2 cores. `--reuse`: no sweeps, only the
# projections and the table from the sweeps already in build/projection-validation
# (and the training runs whose directories are missing).
set -euo pipefail
cd "$(dirname "$0")/.."
reuse=0
[ "${1:-}" = --reuse ] && reuse=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0 OMP_NUM_THREADS=1
emu=jobs/emulated-cluster.sh
out=build/projection-validation
sizes=(-b 65536 -e 4194304 -f 4)   # 64K, 256K, 1M, 4M coordinates
bitvote=${BITVOTE:-$PWD/build/bitvote}
data=datasets/fashion-mnist.h5
[ -x "$bitvote" ] || { echo "validate_projection: build/bitvote missing (make all)"; exit 1; }
start=$SECONDS

# One sweep on a fresh cluster: tc rate, hosts, timed iterations.
sweep() {
    local rate=$1 hosts=$2 iters=$3 name=sweep-$1-$2h launch
    $emu up --hosts "$hosts" --rate "$rate" >"$out/$name.up"
    read -r -a launch <<<"$($emu mpirun-args)"
    timeout --kill-after=10 300 mpirun -np "$hosts" "${launch[@]}" \
        "$bitvote" sweep "${sizes[@]}" -i "$iters" -x 1 --json "$out/$name.jsonl" >"$out/$name.txt"
    $emu down >/dev/null
    echo "validate_projection: $name done at $((SECONDS - start)) s"
}

if [ $reuse = 0 ]; then
[ "$(id -u)" = 0 ] || { echo "validate_projection: needs root (jobs/emulated-cluster.sh)"; exit 1; }
if $emu status >/dev/null 2>&1; then echo "validate_projection: an emulated cluster is already up: not touching it"; exit 1; fi
trap 'jobs/emulated-cluster.sh down >/dev/null 2>&1 || true' EXIT
rm -rf "$out"
mkdir -p "$out"
sweep 100mbit 2 5
sweep 100mbit 4 5
sweep 1gbit 2 10
sweep 1gbit 4 10
sweep 300mbit 4 10
fi
# Training runs on a fresh 4-host cluster: rate, directory, then METHOD:STRATEGY[:overlap]...
train_runs() {
    local rate=$1 dir=$2 spec method strategy flags name launch
    shift 2
    [ -s "$data" ] || build/bitvote data fmnist --out "$data"
    trap 'jobs/emulated-cluster.sh down >/dev/null 2>&1 || true' EXIT
    $emu up --hosts 4 --rate "$rate" >"$out/$dir.up"
    read -r -a launch <<<"$($emu mpirun-args)"
    for spec in "$@"; do
        IFS=: read -r method strategy flags <<<"$spec"
        name=$method${flags:+-$flags}
        timeout --kill-after=10 300 mpirun -np 4 "${launch[@]}" "$bitvote" train --data "$PWD/$data" --model cnn \
            --method "$method" --strategy "$strategy" ${flags:+--$flags} --steps 60 --test-samples 400 \
            --out "$PWD/$out/$dir/$name" >"$out/$dir-$name.log" 2>&1
    done
    $emu down >/dev/null
    echo "validate_projection: training runs at $rate ($dir) done at $((SECONDS - start)) s"
}
# At C: cnn with fp32 sgd and two compressed methods, plain and --overlap (--runs
# of the projection); at B: the same with --overlap, which fit what hides
# behind backward for the C runs (--overlap-from).
methods=(sgd:allreduce signum:vote-alltoall s3gd:sparse-allgather)
if [ $reuse = 0 ] || [ ! -d "$out/runs-300mbit" ]; then
    train_runs 300mbit runs-300mbit "${methods[@]}" "${methods[@]/%/:overlap}"
fi
if [ $reuse = 0 ] || [ ! -d "$out/runs-1gbit-overlap" ]; then
    train_runs 1gbit runs-1gbit-overlap "${methods[@]/%/:overlap}"
fi
rm -f "$out"/before-* "$out"/after-*

plain=("$out/sweep-100mbit-2h.jsonl" "$out/sweep-100mbit-4h.jsonl" "$out/sweep-1gbit-2h.jsonl" "$out/sweep-1gbit-4h.jsonl")
rated=("${plain[0]}@100Mbit" "${plain[1]}@100Mbit" "${plain[2]}@1Gbit" "${plain[3]}@1Gbit")
check=$out/sweep-300mbit-4h.jsonl
alpha_us=$(sed -n 's/^# alpha \([0-9.]*\) us.*/\1/p' "$out/sweep-300mbit-4h.txt" | head -1)
for d in $(/usr/bin/python3 -c 'import json,sys; print(*sorted({json.loads(l)["d"] for l in open(sys.argv[1])}))' "$check"); do
    "$bitvote" project --sweep "${plain[@]}" --bandwidth 300Mbit --ranks 4 --d "$d" \
        --json "$out/before-$d.jsonl" >"$out/before-$d.txt"
    "$bitvote" project --sweep "${plain[@]}" --bandwidth 300Mbit --latency "${alpha_us}us" --ranks 4 --d "$d" \
        --json "$out/before-alpha-$d.jsonl" >"$out/before-alpha-$d.txt"
    "$bitvote" project --sweep "${rated[@]}" --bandwidth 300Mbit --ranks 4 --d "$d" \
        --json "$out/after-$d.jsonl" >"$out/after-$d.txt"
done
# Training steps at C: measured non-comm phases + each model's comm at 300 Mbit/s.
"$bitvote" project --sweep "${plain[@]}" --runs "$out/runs-300mbit" --bandwidth 300Mbit --ranks 4 >"$out/before-runs.txt"
"$bitvote" project --sweep "${rated[@]}" --runs "$out/runs-300mbit" --bandwidth 300Mbit --ranks 4 >"$out/after-runs.txt"
# The --overlap runs at C again, their overlap fitted on B's runs (held out) instead of on themselves.
"$bitvote" project --sweep "${rated[@]}" --runs "$out/runs-300mbit" --overlap-from "$out/runs-1gbit-overlap" \
    --bandwidth 300Mbit --ranks 4 >"$out/after-overlap-runs.txt"

/usr/bin/python3 - "$out" "$alpha_us" "$((SECONDS - start))" <<'PY' | tee "$out/validation.md"
import glob, json, math, sys
out, alpha_us, seconds = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
measured = [json.loads(l) for l in open(f"{out}/sweep-300mbit-4h.jsonl")]
def predictions(model):
    rows = {}
    for path in glob.glob(f"{out}/{model}-[0-9]*.jsonl"):
        for r in map(json.loads, open(path)):
            rows[(r["strategy"], r["d"])] = r
    return rows
models = {"before": predictions("before"), "before+α": predictions("before-alpha"), "after": predictions("after")}
def err(model, m):
    p = models[model].get((m["strategy"], m["d"]))
    return p["comm_s"] / (m["time_us_avg"] * 1e-6) - 1 if p else math.nan
strategies = list(dict.fromkeys(m["strategy"] for m in measured))
print("# `bitvote project` against measured 4-host sweeps at 300 Mbit/s\n")
print("Calibrated on the emulated cluster at 100 Mbit/s and 1 Gbit/s (2 and 4 hosts); predicted at 4 ranks with "
      "`--bandwidth 300Mbit`; checked against a 4-host sweep at 300 Mbit/s not used in any fit. Error = predicted "
      "comm time / measured - 1 (time_us_avg). before: plain alpha-beta (`--sweep FILE`, beta = 1 / rate, "
      f"global alpha fitted); before+α: the same with alpha = the measured ping-pong latency ({alpha_us:.1f} us); "
      "after: the rated model (`--sweep FILE@RATE`: per strategy alpha, beta, link_factor).\n")
print("| strategy | mean abs err before | before+α | after | max abs err before | before+α | after |")
print("|---|---|---|---|---|---|---|")
def summary(rows):
    cells = []
    for agg in (lambda e: sum(map(abs, e)) / len(e), lambda e: max(map(abs, e))):
        for model in models:
            e = [err(model, m) for m in rows]
            e = [x for x in e if not math.isnan(x)]
            cells.append(f"{100 * agg(e):.0f}%" if e else "-")
    return cells
for s in strategies:
    print(f"| `{s}` | " + " | ".join(summary([m for m in measured if m["strategy"] == s])) + " |")
print("| all | " + " | ".join(summary(measured)) + " |")
print("\nEvery row:\n")
print("| strategy | d | measured ms | before ms | err | before+α ms | err | after ms | err |")
print("|---|---|---|---|---|---|---|---|---|")
for m in measured:
    cells = [f"`{m['strategy']}`", str(m["d"]), f"{m['time_us_avg'] / 1e3:.2f}"]
    for model in models:
        p = models[model].get((m["strategy"], m["d"]))
        cells += [f"{1e3 * p['comm_s']:.2f}", f"{100 * err(model, m):+.0f}%"] if p else ["-", "-"]
    print("| " + " | ".join(cells) + " |")
def run_checks(model):
    lines = open(f"{out}/{model}-runs.txt").read().split("# validation, runs")[1].splitlines()[1:]
    rows = {}
    for line in lines:
        if line.startswith("#"):
            if rows:
                break
            continue
        f = line.split()
        if len(f) >= 17:
            rows[f[0]] = f
    return rows
runs = {model: run_checks(model) for model in ("before", "after", "after-overlap")}
print("\nTraining steps at 300 Mbit/s (cnn, 4 hosts, 60 steps; `--runs`): measured non-comm phases + each model's comm:\n")
print("| method | strategy | measured step ms | comm ms | before: comm ms | err | after: comm ms | err | after: step err |")
print("|---|---|---|---|---|---|---|---|---|")
for method, f in runs["after"].items():
    if method.endswith("+overlap"):
        continue
    b = runs["before"].get(method)
    print(f"| {method} | `{f[1]}` | {f[5]} | {f[8]} | {b[9] if b else '-'} | {b[10] if b else '-'} | {f[9]} | {f[10]} | {f[7]} |")
print("\nThe same methods with `--overlap` at 300 Mbit/s: the rated model's busy comm, and the exposed part "
      "max(tau * busy, busy - window) with window and tau fitted on the `--overlap` runs at 1 Gbit/s "
      "(`--overlap-from`, held out) or on the run itself (self: exact when the model's busy comm is):\n")
print("| method | strategy | step ms | busy ms | model busy ms | err | hidden | exposed ms | held out: pred ms | err | hidden | step err | self: exposed err | step err |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for method, f in runs["after-overlap"].items():
    if not method.endswith("+overlap"):
        continue
    own = runs["after"][method]
    print(f"| {method} | `{f[1]}` | {f[5]} | {f[11]} | {f[12]} | {f[13]} | {f[14]} | {f[8]} | {f[9]} | {f[10]} | {f[15]} | {f[7]} | {own[10]} | {own[7]} |")
fit = open(glob.glob(f"{out}/after-[0-9]*.txt")[0]).read()
print("\nThe rated fit (A and B rows; `bitvote project --sweep FILE@RATE`):\n\n```")
print(fit[fit.index("# fit"):fit.index("# validation")].rstrip())
print("```")
print(f"\nCommand: `bench/validate_projection.sh` ({seconds} s).")
PY
echo "validate_projection: $out/validation.md ($((SECONDS - start)) s)"
