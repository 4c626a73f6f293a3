#!/usr/bin/env bash
# The seeds' robustness claim on 5 ranks with 2 `flip` adversaries (ranks 3
# and 4), 150 mlp steps (exit 0 = pass): signum's majority vote stays within
# 7 pp of its clean accuracy, while plain sgd (the mean) under 2 `scaled`
# adversaries (-100 g) collapses: the mean (3 g - 200 g) / 5 climbs the loss
# until the gradient is no longer finite and the trainer stops (or, should it
# finish, below 30% where clean sgd reaches >= 70%). Measured here (seed 1):
# signum 80.45% clean, 77.60% with 2 flip adversaries (-2.85 pp); sgd 81.25%
# clean, under scaled non-finite at step 4.
source "$(dirname "$0")/lib/train.bash"

common=(--model mlp --train-samples 10000 --test-samples 2000 --steps 150 --eval-every 150)
train 5 signum --method signum "${common[@]}"
train 5 signum-flip --method signum --byzantine 2 --attack flip "${common[@]}"
train 5 sgd --method sgd "${common[@]}"
rc=0
timeout --kill-after=10 300 mpirun --oversubscribe -np 5 build/bitvote train --data "$DATA" --out "$tmp/sgd-scaled" \
    --method sgd --byzantine 2 --attack scaled "${common[@]}" >"$tmp/sgd-scaled.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
    grep -Eiq "non-?finite" "$tmp/sgd-scaled.log" || {
        tail -20 "$tmp/sgd-scaled.log"; echo "FAIL: sgd under scaled exited $rc without a non-finite gradient"; exit 1; }
    echo "sgd-scaled: diverged ($(grep -Ei -m1 "non-?finite" "$tmp/sgd-scaled.log"))"
fi

/usr/bin/python3 - "$tmp" <<'PY'
import json, os, sys
def acc(name):
    path = os.path.join(sys.argv[1], name, "summary.json")
    return json.load(open(path))["test_accuracy"] if os.path.exists(path) else None
a = {n: acc(n) for n in ["signum", "signum-flip", "sgd", "sgd-scaled"]}
print(", ".join(f"{n} {v:.4f}" for n, v in a.items() if v is not None))
assert a["signum"] - a["signum-flip"] <= 0.07, "signum lost more than 7 pp to 2 flip adversaries of 5"
assert a["sgd"] >= 0.70, "clean sgd did not learn"
assert a["sgd-scaled"] is None or a["sgd-scaled"] < 0.30, "sgd did not collapse under 2 scaled adversaries of 5"
PY
echo "pass"
