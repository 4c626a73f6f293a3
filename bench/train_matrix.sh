#!/usr/bin/env bash
# The trainer's figures: methods x models on P ranks, then one side-by-side
# table per model (bench/compare_runs.py). Over TCP, so wire bytes are measured.
#   bench/train_matrix.sh [--ranks 4] [--epochs 3] [--models mlp,cnn]
#                         [--methods sgd,signum,s3gd,magsparse] [--out runs/matrix] [-- train flags]
set -euo pipefail
cd "$(dirname "$0")/.."
ranks=4 epochs=3 models=mlp,cnn methods=sgd,signum,s3gd,magsparse out=runs/matrix
while [ $# -gt 0 ]; do
    case $1 in
    --ranks) ranks=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "train_matrix.sh: unknown flag '$1'" >&2; exit 2 ;;
    esac
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
data=datasets/fashion-mnist.h5
[ -e "$data" ] || build/bitvote data fmnist --out "$data"
for model in ${models//,/ }; do
    dirs=()
    for method in ${methods//,/ }; do
        dir="$out/$model-$method"
        echo "== $model $method -> $dir"
        mpirun --oversubscribe -np "$ranks" --mca btl tcp,self build/bitvote train --data "$data" \
            --model "$model" --method "$method" --epochs "$epochs" --out "$dir" "$@" | tail -1
        dirs+=("$dir")
    done
    echo; echo "## $model, $ranks ranks, $epochs epochs"
    /usr/bin/python3 bench/compare_runs.py "${dirs[@]}"
done
