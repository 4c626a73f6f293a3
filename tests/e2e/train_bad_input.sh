#!/usr/bin/env bash
# bitvote train refuses bad input with ONE message and a non-zero exit, never
# a hang (exit 0 = pass). Each case runs on $ranks ranks (2) under `timeout`; the
# trainer's own lines on stderr ("bitvote train: ...") must be exactly one and
# match the pattern (mpirun adds its own notice about the exit code).
source "$(dirname "$0")/lib/train.bash"

ranks=2
# expect CODE PATTERN -- FLAGS...
expect() {
    local code=$1 pattern=$2; shift 3
    local rc=0
    timeout --kill-after=5 60 mpirun --oversubscribe -np "$ranks" build/bitvote train "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    local lines
    lines=$(grep -c '^bitvote' "$tmp/err" || true)
    if [ "$rc" -ne "$code" ] || [ "$lines" -ne 1 ] || ! grep -q -- "$pattern" "$tmp/err"; then
        echo "FAIL: train $* -> exit $rc (want $code), $lines message(s), stderr:"; cat "$tmp/err"; exit 1
    fi
    echo "ok: exit $rc: $(grep '^bitvote' "$tmp/err")"
}

expect 1 "missing.h5: no such file" -- --data "$tmp/missing.h5"
head -c 5000 "$DATA" >"$tmp/truncated.h5"
expect 1 "truncated.h5: is not a readable bitvote dataset (.*truncated file" -- --data "$tmp/truncated.h5"
# A file HDF5 opens but fails on deeper down (a mutated dataset make fuzz found): the message names the file.
expect 1 "hdf5-corrupt-attribute.h5: is not a readable bitvote dataset (src/data/shard_read.cpp:[0-9]*: HDF5 call" -- \
    --data tests/e2e/data/hdf5-corrupt-attribute.h5
expect 2 "--method: 'sgdd' is not one of sgd, signsgd" -- --data "$DATA" --method sgdd
expect 2 "--partition: 'labels:0' is not iid, labels:C" -- --data "$DATA" --partition labels:0
expect 2 "--partition: 'zipf' is not" -- --data "$DATA" --partition zipf
expect 2 "strategy 'allreduce' cannot exchange them (valid strategies: vote-allreduce" -- \
    --data "$DATA" --method signsgd --strategy allreduce
expect 2 "--strategy: 'ring' is not one of allreduce, vote-allreduce" -- --data "$DATA" --strategy ring
expect 2 "--batch: '0' is not a batch size in \[1, 1048576\], or a comma-separated list" -- --data "$DATA" --batch 0
expect 2 "--batch: 'abc' is not a batch size" -- --data "$DATA" --batch abc
expect 2 "--batch: '8,,32' is not a batch size" -- --data "$DATA" --batch 8,,32
expect 2 "--batch: '8,0' is not a batch size" -- --data "$DATA" --batch 8,0
expect 2 "--batch: '8,' is not a batch size" -- --data "$DATA" --batch 8,
expect 2 "--batch: rank 0's batch 1000000 is larger than its training shard (30000 samples; 60000 over 2 ranks)" -- \
    --data "$DATA" --batch 1000000
expect 2 "--batch: rank 1's batch 40000 is larger than its training shard (30000 samples" -- \
    --data "$DATA" --batch 8,40000
expect 2 "--accum applies to --method s3gd only" -- --data "$DATA" --method signsgd --accum 0
expect 2 "--accum: '1.5' is not a number in \[0, 1\]" -- --data "$DATA" --method s3gd --accum 1.5
expect 2 "--noise applies to --method noisysign and to --aggregate median" -- --data "$DATA" --method sgd --noise 0.1
# alie at 2 ranks, 1 attacker: s = 1, z = Phi^-1(1/2) = 0 would send the mean.
expect 2 "z = Phi^-1((P - s)/P) = Phi^-1(0.5) <= 0, so the attackers would send the plain mean.*--alie-z Z" -- \
    --data "$DATA" --method sgd --aggregate median --byzantine 1 --attack alie
expect 2 "--alie-z applies to --byzantine N (or --byzantine-ranks) --attack alie only" -- --data "$DATA" --method sgd --alie-z 1
expect 2 "--density: '1.5' is not a number in (0, 1]" -- --data "$DATA" --method s3gd --density 1.5
expect 2 "unknown flag '--bogus'" -- --data "$DATA" --bogus 1
expect 2 "--lr: needs a value" -- --data "$DATA" --lr
expect 2 "--data is required" -- --method sgd
expect 2 "--byzantine 2 needs more than 2 ranks" -- --data "$DATA" --method signsgd --byzantine 2 --attack flip
expect 2 "--byzantine 1 needs --attack" -- --data "$DATA" --method signsgd --byzantine 1
expect 2 "--resume needs --out DIR" -- --data "$DATA" --resume
expect 2 "--checkpoint-every needs --out DIR" -- --data "$DATA" --checkpoint-every 10
expect 2 "--keep-checkpoints: '0' is not an integer in \[1, " -- --data "$DATA" --keep-checkpoints 0 --out "$tmp/k"
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
# The parameter server's methods (dgs, asgd) and their flags.
expect 2 "--async applies to --method dgs and asgd only (--method sgd runs in lock step)" -- --data "$DATA" --async
expect 2 "--method asgd needs --async (dense synchronous SGD is --method sgd)" -- --data "$DATA" --method asgd
expect 2 "--method dgs (rank 0 serves the model) cannot run with --overlap" -- --data "$DATA" --method dgs --overlap
expect 2 "--method dgs (rank 0 serves the model) cannot run with --aggregate median" -- \
    --data "$DATA" --method dgs --async --aggregate median
expect 2 "--method asgd (rank 0 serves the model) cannot run with --strategy allreduce" -- \
    --data "$DATA" --method asgd --async --strategy allreduce
expect 2 "--method dgs (rank 0 serves the model) cannot run with --byzantine" -- \
    --data "$DATA" --method dgs --byzantine 1 --attack flip
expect 2 "--method dgs (rank 0 serves the model) cannot run with --local-steps" -- \
    --data "$DATA" --method dgs --local-steps 2
expect 2 "--method dgs (rank 0 serves the model) cannot run with --checkpoint-every" -- \
    --data "$DATA" --method dgs --async --checkpoint-every 5 --out "$tmp/ck"
expect 2 "--method asgd (rank 0 serves the model) cannot run with --byzantine-ranks" -- \
    --data "$DATA" --method asgd --async --byzantine-ranks 1 --attack flip
expect 2 "--method dgs needs --momentum > 0 (SAMomentum divides" -- --data "$DATA" --method dgs --momentum 0
expect 2 "--slow-rank applies to --method dgs and asgd only" -- --data "$DATA" --slow-rank 1:5
expect 2 "--slow-rank: '0:5' is not a worker rank >= 1 and milliseconds >= 0" -- \
    --data "$DATA" --method dgs --slow-rank 0:5
expect 2 "--slow-rank 2: there is no worker rank 2 (workers are ranks 1..1)" -- \
    --data "$DATA" --method dgs --slow-rank 2:5
expect 2 "--batch: rank 1's batch 70000 is larger than its training shard (60000 samples; 60000 over 1 worker(s))" -- \
    --data "$DATA" --method dgs --batch 70000
expect 2 "--lr: 'abc' is not a number > 0" -- --data "$DATA" --lr abc
expect 2 "unexpected argument 'extra'" -- --data "$DATA" extra
expect 2 "--local-steps 2 applies to --method magsparse only" -- --data "$DATA" --local-steps 2
expect 2 "--budget applies to --method magsparse only" -- --data "$DATA" --method signsgd --budget 0.1
expect 2 "--magsparse-density applies to --method magsparse only" -- --data "$DATA" --magsparse-density 0.1
expect 2 "--budget and --magsparse-density both set magsparse's scale B: give one" -- \
    --data "$DATA" --method magsparse --budget 0.1 --magsparse-density 0.1
expect 2 "--magsparse-density: '0' is not a number in (0, 1]" -- --data "$DATA" --method magsparse --magsparse-density 0
expect 2 "--budget: '0' is not a number > 0" -- --data "$DATA" --method magsparse --budget 0
expect 2 "cnn takes 3 widths" -- --data "$DATA" --model cnn --widths 8
expect 1 "cannot write run files" -- --data "$DATA" --steps 1 --out /proc/no-such-dir
ranks=1
expect 2 "--method dgs needs at least 2 ranks (rank 0 serves the model, ranks 1.. train); running 1" -- \
    --data "$DATA" --method dgs
echo "pass"
