#!/usr/bin/env bash
# Step time with and without --overlap (the README's --overlap table): for each
# method, R runs each of: no overlap, --overlap with the exchange thread, and
# (for sgd, the fp32 allreduce) --overlap-progress test; prints the median over
# runs of each run's median step time, the comm phase's share and comm_hidden.
#   bench/overlap_step_time.sh [--ranks 4] [--reps 3] [--steps 40] [--model cnn]
#        [--methods sgd,signum,s3gd] [--bucket-kb 1024] [--out runs/overlap]
#        [--mpirun-args "--mca btl tcp,self"] [-- train flags]
# On the emulated cluster: --mpirun-args "$(jobs/emulated-cluster.sh mpirun-args)".
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=4 reps=3 steps=40 model=cnn methods=sgd,signum,s3gd kb=1024 out=runs/overlap
mpirun_args="--oversubscribe --mca btl tcp,self"
while [ $# -gt 0 ]; do
    case $1 in
    --ranks) ranks=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    --bucket-kb) kb=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --mpirun-args) mpirun_args=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "overlap_step_time.sh: unknown flag '$1'" >&2; exit 2 ;;
    esac
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
data=datasets/fashion-mnist.h5
[ -e "$data" ] || build/bitvote data fmnist --out "$data"
mkdir -p "$out"
rows=()
for method in ${methods//,/ }; do
    modes=(plain thread)
    [ "$method" = sgd ] && modes+=(test)
    for rep in $(seq "$reps"); do
        for mode in "${modes[@]}"; do  # interleaved, so drift in the machine's load hits every mode alike
            flags=()
            [ "$mode" = plain ] || flags=(--overlap --bucket-kb "$kb" --overlap-progress "$mode")
            dir="$out/$model-$method-$mode-$rep"
            # shellcheck disable=SC2086
            mpirun -np "$ranks" $mpirun_args build/bitvote train --data "$data" --model "$model" --method "$method" \
                --steps "$steps" --eval-every "$steps" --test-samples 1000 "${flags[@]}" --out "$dir" "$@" >"$dir.log" 2>&1 ||
                { tail -5 "$dir.log"; echo "overlap_step_time.sh: $dir failed" >&2; exit 1; }
            rows+=("$method $mode $dir")
        done
    done
done
/usr/bin/python3 - "${rows[@]}" <<'PY'
import json, statistics, sys
runs = {}
for row in sys.argv[1:]:
    method, mode, d = row.split(" ")
    runs.setdefault((method, mode), []).append(json.load(open(d + "/summary.json")))
print("| method | exchange | strategy | buckets | step ms (median of runs) | runs | comm share | comm hidden |")
print("|---|---|---|---|---|---|---|---|")
for (method, mode), ss in runs.items():
    med = lambda f: statistics.median(f(s) for s in ss)
    each = ", ".join("%.1f" % s["step_ms_median"] for s in ss)
    print("| %s | %s | %s | %d | %.1f | %s | %.1f%% | %.0f%% |" % (
        method, mode, ss[0]["strategy"], ss[0]["buckets"], med(lambda s: s["step_ms_median"]), each,
        100 * med(lambda s: s["time_share"]["comm"]), 100 * med(lambda s: s["comm_hidden"])))
PY
