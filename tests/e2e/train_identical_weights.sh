#!/usr/bin/env bash
# Every method x strategy (and the other aggregators, and a Byzantine rank)
# keeps the ranks' weights bit-identical (exit 0 = pass): 3 ranks, 20 steps of
# a small mlp. The trainer compares a 64-bit checksum of the weights across
# ranks (MPI_Allreduce MIN/MAX) at every evaluation and ends non-zero on a
# mismatch; the summary must carry the checksum. The vote is exact, so for the
# methods whose update is a vote, every strategy that carries their messages
# must also end with the SAME weights (auto included); fp32 means (sgd,
# efsign, topk) may differ between strategies in the last bit (summation
# order), so there only the cross-rank check applies. A pair the trainer
# refuses must be refused with exit 2 and one message listing the valid
# strategies.
source "$(dirname "$0")/lib/train.bash"
small=(--model mlp --widths 24,16 --batch 8 --steps 20 --eval-every 10 --train-samples 2000 --test-samples 300)
methods=(sgd signsgd signum s3gd magsparse noisysign efsign topk)
vote_methods=" signsgd signum s3gd magsparse noisysign "
mapfile -t strategies < <(build/bitvote train --help | sed -n '/^strategies (--strategy):/,/^$/p' | awk '/^  [a-z]/ {print $1}')
[ "${#strategies[@]}" -ge 7 ] || { echo "FAIL: strategies from --help: ${strategies[*]}"; exit 1; }

# run_checked NAME FLAGS...: 3 ranks; prints the checksum, or "refused" for exit 2 with one
# "valid strategies" message.
run_checked() {
    local name=$1; shift
    local rc=0
    timeout --kill-after=10 120 mpirun --oversubscribe -np 3 build/bitvote train --data "$DATA" --out "$tmp/$name" \
        "${small[@]}" "$@" >"$tmp/$name.log" 2>&1 || rc=$?
    if [ "$rc" -eq 2 ] && [ "$(grep -c '^bitvote train: .*valid strategies' "$tmp/$name.log")" -eq 1 ]; then
        echo refused
    elif [ "$rc" -eq 0 ]; then
        summary "$name" 's["weights_checksum"]'
    else
        tail -20 "$tmp/$name.log" >&2; echo "FAIL: $name ($*) exited $rc" >&2; exit 1
    fi
}

for method in "${methods[@]}"; do
    sums=() ran=()
    for strategy in "${strategies[@]}"; do
        sum=$(run_checked "$method-$strategy" --method "$method" --strategy "$strategy")
        [ "$sum" = refused ] && continue
        [[ "$sum" =~ ^[0-9a-f]{16}$ ]] || { echo "FAIL: $method $strategy: checksum '$sum'"; exit 1; }
        sums+=("$sum") ran+=("$strategy")
    done
    [ "${#ran[@]}" -ge 1 ] || { echo "FAIL: $method ran with no strategy"; exit 1; }
    distinct=$(printf '%s\n' "${sums[@]}" | sort -u | wc -l)
    echo "$method: ${ran[*]} -> ${sums[0]} ($distinct distinct)"
    [[ "$vote_methods" != *" $method "* ]] || [ "$distinct" -eq 1 ] || {
        echo "FAIL: $method: strategies disagree: ${sums[*]}"; exit 1; }
done

# Other aggregators and an adversary: still identical on every rank (checked inside train).
for extra in "--method signsgd --aggregate weighted" "--method sgd --aggregate median" \
             "--method signsgd --byzantine 1 --attack flip" "--method sgd --aggregate median --byzantine 1 --attack scaled" \
             "--method s3gd --byzantine 1 --attack random"; do
    # shellcheck disable=SC2086
    sum=$(run_checked "extra" $extra)
    [[ "$sum" =~ ^[0-9a-f]{16}$ ]] || { echo "FAIL: $extra: '$sum'"; exit 1; }
    echo "$extra -> $sum"
    rm -rf "$tmp/extra"
done
echo "pass"
