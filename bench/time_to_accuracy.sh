#!/usr/bin/env bash
# Time to accuracy on limited links: for each link rate, bring up the emulated
# cluster (jobs/emulated-cluster.sh, one rank per host), train every method on
# Fashion-MNIST, then tabulate wall time to each target accuracy, speed-up over
# the fp32 sgd baseline, final accuracy and measured wire bytes
# (bench/time_to_accuracy.py -> OUT/time_to_accuracy.md and .png). Root only.
#
#   bench/time_to_accuracy.sh [--rates 1gbit,10gbit] [--model cnn] [--hosts 4]
#       [--epochs 3] [--eval-every 117] [--targets 0.85,0.88] [--batch 32]
#       [--methods "sgd signum:vote-allreduce signum:vote-alltoall ..."]
#       [--out build/tta] [--keep] [--baseline sgd,sgd+overlap] [--smoke]
#
# A method is METHOD[:STRATEGY][+FLAG[=VALUE]]... (default strategy: auto);
# each +FLAG adds --FLAG to that run only: `sgd+overlap`, the fp32 baseline
# with its exchange overlapped with backward. --keep: runs whose summary.json
# exists are not run again (add a method to a finished study). --smoke: 2
# hosts, mlp, 100mbit, 3 methods, 40 steps: a check that the pipeline works.
# Extra flags for `bitvote train` (every run) go after `--`.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=1gbit,10gbit model=cnn hosts=4 epochs=3 eval_every=117 targets=0.85,0.88 batch=32 out=build/tta keep=0 baselines=sgd
methods="sgd signum:vote-allreduce signum:vote-alltoall signum:vote-rsag signum:vote-gather s3gd magsparse efsign topk"
steps=()
extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --rates) rates=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --eval-every) eval_every=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --baseline) baselines=$2; shift 2 ;;
    --smoke) rates=100mbit model=mlp hosts=2 methods="sgd signum:vote-alltoall s3gd" eval_every=20 targets=0.6,0.7
             steps=(--steps 40); shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "time_to_accuracy: unknown flag '$1' (see the top of $0)" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "time_to_accuracy: needs root (the emulated cluster)" >&2; exit 1; }
[ -x build/bitvote ] || { echo "time_to_accuracy: build/bitvote missing (make)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
export OMP_NUM_THREADS=1
data=datasets/fashion-mnist.h5
[ -e "$data" ] || build/bitvote data fmnist --out "$data"
emu=jobs/emulated-cluster.sh
trap '$emu down >/dev/null 2>&1 || true' EXIT
mkdir -p "$out"
out=$(cd "$out" && pwd)  # the ranks run in the hosts' working directory: absolute paths only
[ ${#steps[@]} -gt 0 ] || steps=(--epochs "$epochs")

for rate in ${rates//,/ }; do
    $emu down >/dev/null
    $emu up --hosts "$hosts" --rate "$rate"
    read -r -a launch <<<"$($emu mpirun-args)"
    for spec in $methods; do
        base=${spec%%+*} label=${spec/:/-}
        method=${base%%:*} strategy=auto
        [ "$base" = "$method" ] || strategy=${base#*:}
        flags=()
        if [ "$spec" != "$base" ]; then IFS=+ read -r -a plus <<<"${spec#*+}"; for f in "${plus[@]}"; do flags+=("--$f"); done; fi
        dir=$out/$rate/$label
        if [ "$keep" = 1 ] && [ -e "$dir/summary.json" ]; then echo "== $rate $label: kept"; continue; fi
        rm -rf "$dir"
        echo "== $rate $label"
        start=$SECONDS
        timeout --kill-after=10 3600 mpirun -np "$hosts" "${launch[@]}" "$PWD/build/bitvote" train --data "$PWD/$data" \
            --model "$model" --method "$method" --strategy "$strategy" --batch "$batch" "${steps[@]}" \
            --eval-every "$eval_every" --out "$dir" "${flags[@]}" "${extra[@]}" >"$out/$rate-$label.log" 2>&1 ||
            { tail -20 "$out/$rate-$label.log"; echo "time_to_accuracy: $rate $label failed" >&2; exit 1; }
        grep -E '^ *(test accuracy|samples/s|bytes/iter/rank)' "$out/$rate-$label.log" | sed 's/^/  /' || true
        echo "  ($((SECONDS - start)) s)"
    done
    $emu down >/dev/null
done
/usr/bin/python3 bench/time_to_accuracy.py "$out" --targets "$targets" --baseline "$baselines"
