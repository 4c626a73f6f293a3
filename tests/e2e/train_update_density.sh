#!/usr/bin/env bash
# update_density (exit 0 = pass): every step record and the summary carry the
# fraction of coordinates the agreed update moves (DESIGN.md 3), the summary's
# being the mean over the steps. A dense sign vote of an odd number of ranks
# never ties, so signsgd at P = 3 moves every coordinate (1.0) at every step;
# at P = 2 each coordinate where the two ranks disagree ties and decides 0
# (< 1: 0.586 here); s3gd's ternary vote moves only what some rank sent (about
# 0.03 at density 0.01 on 3 ranks); sgd's mean is 0 only where every rank's
# gradient is exactly 0 (input pixels that are 0 in the whole batch: 0.976).
# mlp, 12 steps of batch 16 on a 2000-sample subset, IID.
source "$(dirname "$0")/lib/train.bash"

for run in signsgd:3 signsgd:2 s3gd:3 sgd:3; do
    method=${run%:*} np=${run#*:}
    train "$np" "$method-$np" --method "$method" --steps 12 --batch 16 --train-samples 2000 \
        --test-samples 500 --seed 1
    echo "$method at P = $np: update_density $(summary "$method-$np" 's["update_density"]')"
done
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
def densities(run):
    records = [json.loads(line) for line in open(f"{sys.argv[1]}/{run}/run.jsonl")]
    steps = [r["update_density"] for r in records if r["event"] == "step"]
    summary = json.load(open(f"{sys.argv[1]}/{run}/summary.json"))["update_density"]
    assert len(steps) == 12, f"{run}: {len(steps)} step records with update_density"
    assert abs(summary - sum(steps) / len(steps)) < 1e-12, f"{run}: summary {summary} is not the mean of {steps}"
    return steps, summary
steps, mean = densities("signsgd-3")
assert all(x == 1.0 for x in steps) and mean == 1.0, f"signsgd P = 3 (odd: no ties) moved {steps}"
steps, mean = densities("signsgd-2")
assert all(0 < x < 1 for x in steps), f"signsgd P = 2: ties must decide 0, got {steps}"
steps, mean = densities("s3gd-3")
assert all(0 < x < 0.1 for x in steps), f"s3gd P = 3 at density 0.01 moved {steps}"
steps, mean = densities("sgd-3")
assert all(0.9 < x <= 1 for x in steps), f"sgd P = 3 moved {steps}"
print("pass")
PY
