#!/usr/bin/env bash
# bitvote train refuses bad input with ONE message and a non-zero exit, never
# a hang (exit 0 = pass). Each case runs on 2 ranks under `timeout`; the
# trainer's own lines on stderr ("bitvote train: ...") must be exactly one and
# match the pattern (mpirun adds its own notice about the exit code).
source "$(dirname "$0")/lib/train.bash"

# expect CODE PATTERN -- FLAGS...
expect() {
    local code=$1 pattern=$2; shift 3
    local rc=0
    timeout --kill-after=5 60 mpirun --oversubscribe -np 2 build/bitvote train "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    local lines
    lines=$(grep -c '^bitvote' "$tmp/err" || true)
    if [ "$rc" -ne "$code" ] || [ "$lines" -ne 1 ] || ! grep -q -- "$pattern" "$tmp/err"; then
        echo "FAIL: train $* -> exit $rc (want $code), $lines message(s), stderr:"; cat "$tmp/err"; exit 1
    fi
    echo "ok: exit $rc: $(grep '^bitvote' "$tmp/err")"
}

expect 1 "missing.h5: no such file" -- --data "$tmp/missing.h5"
head -c 5000 "$DATA" >"$tmp/truncated.h5"
expect 1 "truncated file" -- --data "$tmp/truncated.h5"
expect 2 "--method: 'sgdd' is not one of sgd, signsgd" -- --data "$DATA" --method sgdd
expect 2 "--partition: 'labels:0' is not iid, labels:C" -- --data "$DATA" --partition labels:0
expect 2 "--partition: 'zipf' is not" -- --data "$DATA" --partition zipf
expect 2 "strategy 'allreduce' cannot exchange them (valid strategies: vote-allreduce" -- \
    --data "$DATA" --method signsgd --strategy allreduce
expect 2 "--strategy: 'ring' is not one of allreduce, vote-allreduce" -- --data "$DATA" --strategy ring
expect 2 "--batch: '0' is not an integer >= 1" -- --data "$DATA" --batch 0
expect 2 "--batch 1000000 is larger than the smallest rank's training shard (30000 samples; 60000 over 2 ranks)" -- \
    --data "$DATA" --batch 1000000
expect 2 "--density: '1.5' is not a number in (0, 1]" -- --data "$DATA" --method s3gd --density 1.5
expect 2 "unknown flag '--bogus'" -- --data "$DATA" --bogus 1
expect 2 "--lr: needs a value" -- --data "$DATA" --lr
expect 2 "--data is required" -- --method sgd
expect 2 "--byzantine 2 needs more than 2 ranks" -- --data "$DATA" --method signsgd --byzantine 2 --attack flip
expect 2 "--byzantine 1 needs --attack" -- --data "$DATA" --method signsgd --byzantine 1
# Flags of features that do not exist yet (checkpoints, async) are not flags.
expect 2 "unknown flag '--resume'" -- --data "$DATA" --resume
expect 2 "unknown flag '--async'" -- --data "$DATA" --async
expect 2 "--aggregate: 'detoxx' is not one of vote, weighted, median or detox" -- --data "$DATA" --aggregate detoxx
# DETOX: groups of R consecutive ranks, R odd >= 3 dividing P (here P = 2).
expect 2 "--group 3 does not divide the 2 ranks: DETOX needs P % R = 0" -- --data "$DATA" --aggregate detox
expect 2 "--group 2: DETOX needs an odd group size >= 3" -- --data "$DATA" --aggregate detox --group 2
expect 2 "--group 1: DETOX needs an odd group size >= 3" -- --data "$DATA" --aggregate detox --group 1
expect 2 "--group 3 applies to --aggregate detox only" -- --data "$DATA" --method signum --group 3
expect 2 "--detox-final applies to --aggregate detox only" -- --data "$DATA" --detox-final median
expect 2 "--detox-final vote needs a voting method; method 'sgd' sends fp32 messages: use --detox-final median" -- \
    --data "$DATA" --method sgd --aggregate detox --detox-final vote
expect 2 "--overlap needs --aggregate vote (weighted, median and detox" -- --data "$DATA" --aggregate detox --overlap
expect 2 "--byzantine-ranks names rank 2, but the run has ranks 0..1" -- \
    --data "$DATA" --method signum --byzantine-ranks 2 --attack flip
expect 2 "--byzantine-ranks lists rank 0 twice" -- --data "$DATA" --method signum --byzantine-ranks 0,0 --attack flip
expect 2 "--byzantine 2 disagrees with --byzantine-ranks, which lists 1" -- \
    --data "$DATA" --method signum --byzantine 2 --byzantine-ranks 1 --attack flip
expect 2 "--byzantine-ranks needs --attack" -- --data "$DATA" --method signum --byzantine-ranks 1
expect 2 "--byzantine-ranks: '1,x' is not a comma-separated list of ranks" -- --data "$DATA" --byzantine-ranks 1,x
expect 2 "--lr: 'abc' is not a number > 0" -- --data "$DATA" --lr abc
expect 2 "unexpected argument 'extra'" -- --data "$DATA" extra
expect 2 "--local-steps 2 applies to --method magsparse only" -- --data "$DATA" --local-steps 2
expect 2 "cnn takes 3 widths" -- --data "$DATA" --model cnn --widths 8
expect 1 "cannot write run files" -- --data "$DATA" --steps 1 --out /proc/no-such-dir
echo "pass"
