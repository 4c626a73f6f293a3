#!/usr/bin/env bash
# The seeds' claims, measured (../shared/seeds/; DESIGN.md section 3):
#   (a) signSGD-MV ~ SGD under IID with 32x fewer bytes; its time on a limited link
#   (b) non-IID labels:1 / labels:2: signSGD-MV degrades, S3GD-MV and
#       magnitude-aware sparsification recover
#   (c) noisy sign (and noisy median) narrow the mean-median gap
#   (d) Byzantine ranks: the vote against the mean (and DETOX)
#   (e) asynchronous DGS at 1% each way against ASGD
# Each configuration trains the mlp on Fashion-MNIST over shared memory
# (accuracy and payload bytes do not depend on the link) for every seed;
# bench/reproduce.py writes one table per claim: what the seed claims, what
# bitvote measured (mean +- std over the seeds), and the command. Times on a
# limited link come from the time-to-accuracy study (bench/time_to_accuracy.sh).
#
#   bench/reproduce.sh [--seeds 3] [--epochs 2] [--out build/reproduce]   (~15 min on 2 cores)
#   bench/reproduce.sh --smoke     1 seed, 20 steps, every claim once (about a minute)
#   --resume keeps the runs OUT already holds (same flags assumed) and runs the rest.
# A run whose gradient turns non-finite (the mean under a -100 g attacker) is
# recorded as diverged, with its step, not as a failure.
# The full run writes bench/results/seeds.md; --smoke writes OUT/seeds.md only.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=3 epochs=2 out= smoke=0 resume=0
while [ $# -gt 0 ]; do
    case $1 in
    --seeds) seeds=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --smoke) smoke=1 seeds=1; shift ;;
    --resume) resume=1; shift ;;
    *) echo "reproduce: unknown flag '$1' (see the top of $0)" >&2; exit 2 ;;
    esac
done
if [ -z "$out" ]; then out=build/reproduce; [ "$smoke" = 0 ] || out=build/reproduce-smoke; fi
[ -x build/bitvote ] || { echo "reproduce: build/bitvote missing (make)" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMP_NUM_THREADS=1
data=datasets/fashion-mnist.h5
[ -e "$data" ] || build/bitvote data fmnist --out "$data"
[ "$resume" = 1 ] || rm -rf "$out"
mkdir -p "$out"
length=(--epochs "$epochs")
[ "$smoke" = 0 ] || length=(--steps 20 --test-samples 2000)

# run CLAIM LABEL NP FLAGS...: one training run per seed, run files in OUT/CLAIM/LABEL/sS.
run() {
    local claim=$1 label=$2 np=$3; shift 3
    local s dir
    for ((s = 1; s <= seeds; s++)); do
        dir=$out/$claim/$label/s$s
        mkdir -p "$(dirname "$dir")"
        echo "$*" >"$out/$claim/$label/flags"
        echo "$np" >"$out/$claim/$label/ranks"
        [ "$resume" = 1 ] && { [ -s "$dir/summary.json" ] || [ -e "$dir.diverged" ]; } && continue
        rm -rf "$dir" "$dir.diverged"
        if ! timeout --kill-after=10 900 mpirun --oversubscribe -np "$np" build/bitvote train --data "$data" \
            --model mlp "${length[@]}" --seed "$s" --out "$dir" "$@" >"$dir.log" 2>&1; then
            # every rank's gradient non-finite: more abstainers than --max-abstain end the run at that step
            if grep -Eq "non-finite gradients? (at step|on ranks)" "$dir.log"; then
                grep -Eo -m1 "(non-finite gradient at step|^bitvote train: step) [0-9]+" "$dir.log" |
                    grep -Eo "[0-9]+$" >"$dir.diverged"
            else
                tail -5 "$dir.log"; echo "reproduce: $claim $label seed $s failed" >&2; exit 1
            fi
        fi
        printf '  %-4s %-28s seed %d: %s\n' "$claim" "$label" "$s" \
            "$(grep -m1 -E '^ *test accuracy|non-finite gradient' "$dir.log" | sed 's/^ *//')"
    done
}

echo "== (a) IID: signSGD-MV against SGD"
run a sgd 4 --method sgd
run a signum 4 --method signum
[ "$smoke" = 1 ] || run a signsgd 4 --method signsgd

echo "== (b) non-IID"
for part in labels:1 labels:2; do  # 10 ranks: even P, so dense votes can tie (a tie moves nothing)
    tag=${part/:/}
    run b "$tag-sgd" 10 --method sgd --partition "$part"
    [ "$smoke" = 1 ] || run b "$tag-signsgd" 10 --method signsgd --partition "$part"
    run b "$tag-signum" 10 --method signum --partition "$part"
    run b "$tag-s3gd" 10 --method s3gd --partition "$part"
    run b "$tag-magsparse" 10 --method magsparse --partition "$part"
    [ "$smoke" = 0 ] || break
done

echo "== (c) noisy sign and the mean-median gap (labels:1, 10 ranks)"
run c noisysign-1e-3 10 --method noisysign --noise 1e-3 --partition labels:1
[ "$smoke" = 1 ] || run c noisysign-1e-2 10 --method noisysign --noise 1e-2 --partition labels:1
run c sgd-median 10 --method sgd --aggregate median --partition labels:1
run c sgd-median-noise-1e-2 10 --method sgd --aggregate median --noise 1e-2 --partition labels:1
[ "$smoke" = 1 ] || run c sgd-median-noise-1e-3 10 --method sgd --aggregate median --noise 1e-3 --partition labels:1

echo "== (d) Byzantine ranks (5 ranks)"
run d signum-clean 5 --method signum
run d signum-flip2 5 --method signum --byzantine 2 --attack flip
run d sgd-flip2 5 --method sgd --byzantine 2 --attack flip
run d sgd-clean 5 --method sgd
[ "$smoke" = 1 ] || run d sgd-scaled1 5 --method sgd --byzantine 1 --attack scaled
[ "$smoke" = 1 ] || run d sgd-median-scaled1 5 --method sgd --aggregate median --byzantine 1 --attack scaled

echo "== (e) asynchronous DGS (5 ranks: a parameter server and 4 workers)"
run e dgs-async 5 --method dgs --async --density 0.01
run e asgd-async 5 --method asgd --async
[ "$smoke" = 1 ] || run e dgs-sync 5 --method dgs --density 0.01
[ "$smoke" = 1 ] || run e sgd 5 --method sgd

dest=$out/seeds.md
[ "$smoke" = 1 ] || dest=bench/results/seeds.md
/usr/bin/python3 bench/reproduce.py "$out" --tta bench/results/time_to_accuracy_cnn.md --out "$dest" \
    --command "bench/reproduce.sh $([ "$smoke" = 1 ] && echo --smoke || echo "--seeds $seeds --epochs $epochs")"
echo "reproduce: wrote $dest"
