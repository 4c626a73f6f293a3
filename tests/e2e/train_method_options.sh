#!/usr/bin/env bash
# The methods' own settings end to end (exit 0 = pass), 3 ranks (alie: 2), a
# small mlp, 10 steps:
#   --accum R (s3gd)     1 is the default bit for bit; 0 (top-K of g) runs and differs
#   --noise b with --aggregate median (noisy medianSGD)
#                        --noise 0 is plain medianSGD bit for bit; noise moves
#                        the weights; the same bits with every kernel tier
#                        (BITVOTE_ISA) and thread count (the draws are keyed by
#                        seed, rank, step and index), for both --noise-kind
#   --alie-z Z           alie at 2 ranks with 1 attacker (the formula's z is
#                        0: refused, tests/e2e/train_bad_input.sh) runs with it
source "$(dirname "$0")/lib/train.bash"
small=(--widths 24,16 --batch 8 --steps 10 --eval-every 10 --train-samples 2000 --test-samples 300)

checksum() { summary "$1" 's["weights_checksum"]'; }
same() {  # NAME_A NAME_B WHAT
    [ "$(checksum "$1")" = "$(checksum "$2")" ] || { echo "FAIL: $3: $1 $(checksum "$1") != $2 $(checksum "$2")"; exit 1; }
    echo "ok: $3 ($(checksum "$1"))"
}
differ() {
    [ "$(checksum "$1")" != "$(checksum "$2")" ] || { echo "FAIL: $3: $1 and $2 both $(checksum "$1")"; exit 1; }
    echo "ok: $3"
}

train 3 s3gd "${small[@]}" --method s3gd
train 3 s3gd-accum1 "${small[@]}" --method s3gd --accum 1
train 3 s3gd-accum0 "${small[@]}" --method s3gd --accum 0
same s3gd s3gd-accum1 "--accum 1 is the default"
differ s3gd s3gd-accum0 "--accum 0 sends the top-K of g alone"

train 3 median "${small[@]}" --method sgd --aggregate median
train 3 median-noise0 "${small[@]}" --method sgd --aggregate median --noise 0
same median median-noise0 "--noise 0 is plain medianSGD"
for kind in gaussian uniform; do
    train 3 "median-$kind" "${small[@]}" --method sgd --aggregate median --noise 1e-3 --noise-kind "$kind"
    differ median "median-$kind" "--noise 1e-3 ($kind) moves the weights"
    OMP_NUM_THREADS=2 BITVOTE_ISA=scalar train 3 "median-$kind-scalar" "${small[@]}" --method sgd \
        --aggregate median --noise 1e-3 --noise-kind "$kind"
    [ "$(summary "median-$kind-scalar" 's["isa"], s["threads_per_rank"]')" = "scalar 2" ] ||
        { echo "FAIL: the run did not take BITVOTE_ISA=scalar and 2 threads"; exit 1; }
    same "median-$kind" "median-$kind-scalar" "$kind noise: the same with the scalar tier and 2 threads"
done

train 2 alie-z1 "${small[@]}" --method sgd --aggregate median --byzantine 1 --attack alie --alie-z 1
train 2 alie-z3 "${small[@]}" --method sgd --aggregate median --byzantine 1 --attack alie --alie-z 3
differ alie-z1 alie-z3 "--alie-z sets the attack's z"
echo "pass"
