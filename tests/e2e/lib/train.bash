# Sourced by tests/e2e/train_*.sh: environment, the Fashion-MNIST file, a
# scratch directory under build/, and helpers to run the trainer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMP_NUM_THREADS=1
DATA=datasets/fashion-mnist.h5
[ -e "$DATA" ] || build/bitvote data fmnist --out "$DATA"
mkdir -p build/tmp
tmp=$(mktemp -d build/tmp/e2e-train.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# train NP OUT_NAME FLAGS...: mpirun NP ranks of `bitvote train`, run files in $tmp/OUT_NAME,
# output in $tmp/OUT_NAME.log; a failure prints the log's tail and ends the test.
train() {
    local np=$1 name=$2; shift 2
    if ! timeout --kill-after=10 300 mpirun --oversubscribe -np "$np" build/bitvote train --data "$DATA" \
        --out "$tmp/$name" "$@" >"$tmp/$name.log" 2>&1; then
        tail -20 "$tmp/$name.log"; echo "FAIL: train $name ($*) exited non-zero"; exit 1
    fi
}

# summary NAME KEY: one field of $tmp/NAME/summary.json (python expression on s)
summary() {
    /usr/bin/python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print($2)" "$tmp/$1/summary.json"
}
