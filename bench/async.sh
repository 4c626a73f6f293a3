#!/usr/bin/env bash
# DGS against its baselines (issue 14): on one machine, P ranks (default 5),
# each of
#   dgs --async      1 server + P-1 workers, 1% per layer both ways (SAMomentum)
#   asgd --async     1 server + P-1 workers, dense both ways
#   dgs (lock step)  the same compression, every round waits for every worker
#   sgd              the lock-step trainer, P ranks all training, fp32 allreduce
# trains for --epochs (default 1) with each --seeds seed, evaluating every
# --eval-every model updates; bench/async_table.py then tabulates accuracy
# after equal samples, equal model updates and equal wall time, bytes up and
# down per update, staleness and samples/s (OUT/async-MODEL.md). Over TCP
# (wire bytes measured): OMPI_MCA_btl=tcp,self bench/async.sh --out DIR.
#
#   bench/async.sh [--ranks 5] [--model mlp] [--epochs 1] [--seeds 1,2,3]
#       [--eval-every 75] [--out build/async] [-- extra train flags]
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=5 model=mlp epochs=1 seeds=1,2,3 eval_every=75 out=build/async
command="bench/async.sh $*"
extra=()
while [ $# -gt 0 ]; do
    case $1 in
    --ranks) ranks=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --eval-every) eval_every=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench/async.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
data=datasets/fashion-mnist.h5
declare -A flags=([dgs-async]="--method dgs --async" [asgd-async]="--method asgd --async"
                  [dgs-lockstep]="--method dgs" [sgd]="--method sgd")
mkdir -p "$out"
for seed in ${seeds//,/ }; do
    for run in dgs-async asgd-async dgs-lockstep sgd; do
        dir=$out/$model-$run-s$seed
        echo "== $dir"
        # shellcheck disable=SC2086  # flags[] holds several words
        mpirun --oversubscribe -np "$ranks" build/bitvote train --data "$data" --model "$model" --density 0.01 \
            --epochs "$epochs" --seed "$seed" --eval-every "$eval_every" --out "$dir" ${flags[$run]} \
            "${extra[@]}" >"$dir.log" 2>&1 || { tail -5 "$dir.log"; exit 1; }
    done
done
/usr/bin/python3 bench/async_table.py "$out" "$model" "${OMPI_MCA_btl:+OMPI_MCA_btl=$OMPI_MCA_btl }$command" \
    >"$out/async-$model.md"
cat "$out/async-$model.md"
