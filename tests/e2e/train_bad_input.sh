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
expect 2 "bad value 'sgdd' for --method: expected one of sgd, signsgd" -- --data "$DATA" --method sgdd
expect 2 "bad value 'labels:0' for --partition" -- --data "$DATA" --partition labels:0
expect 2 "bad value 'zipf' for --partition" -- --data "$DATA" --partition zipf
expect 2 "strategy 'allreduce' cannot exchange them (valid strategies: vote-allreduce" -- \
    --data "$DATA" --method signsgd --strategy allreduce
expect 2 "bad value 'ring' for --strategy" -- --data "$DATA" --strategy ring
expect 2 "bad value '0' for --batch" -- --data "$DATA" --batch 0
expect 2 "--batch 1000000 is larger than the smallest rank's training shard (30000 samples; 60000 over 2 ranks)" -- \
    --data "$DATA" --batch 1000000
expect 2 "bad value '1.5' for --density: expected a fraction in (0, 1]" -- --data "$DATA" --method s3gd --density 1.5
expect 2 "unknown flag '--bogus'" -- --data "$DATA" --bogus 1
expect 2 "flag --lr needs a value" -- --data "$DATA" --lr
expect 2 "--data F.h5 is required" -- --method sgd
expect 2 "--byzantine 2 needs more than 2 ranks" -- --data "$DATA" --method signsgd --byzantine 2 --attack flip
expect 2 "--byzantine 1 needs --attack" -- --data "$DATA" --method signsgd --byzantine 1
expect 2 "--checkpoint-every/--resume is not yet supported" -- --data "$DATA" --resume
expect 2 "--async is not yet supported" -- --data "$DATA" --async
expect 2 "cnn takes 3 widths" -- --data "$DATA" --model cnn --widths 8
expect 1 "cannot write run files" -- --data "$DATA" --steps 1 --out /proc/no-such-dir
echo "pass"
