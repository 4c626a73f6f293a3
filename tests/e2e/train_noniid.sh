#!/usr/bin/env bash
# Non-IID data (exit 0 = pass): with --partition labels:1 on 10 ranks every
# rank sees ONE class. Plain signSGD's majority vote then follows the classes
# that agree and stalls, while s3gd (top-K with error accumulation, ternary
# vote) keeps converging (DESIGN.md 3); with labels:2 the gap is much smaller.
# mlp, 10k-sample subset, 4 epochs (124 steps of 10 x 32), 2000 test samples,
# lr pinned (signsgd 3e-4, which suits it better here than its default 1e-4:
# 58.7%; s3gd 0.01). Measured here (seed 1), with ties of the 10 ranks'
# dense vote deciding 0: labels:1 signsgd 63.6%, s3gd 79.9%; labels:2
# signsgd 73.1%, s3gd 77.0% (when ties decided +1: signsgd 65.3% and 71.6%,
# and seeds 2-4 gave labels:1 gaps of 8.8, 17.7 and 21.0 points). Asserted:
# s3gd >= 70% and ahead by >= 5 points under labels:1, and the labels:2 gap
# smaller than the labels:1 gap.
source "$(dirname "$0")/lib/train.bash"

declare -A lr=([signsgd]=3e-4 [s3gd]=0.01)
for classes in 1 2; do
    for method in signsgd s3gd; do
        run="$method-labels$classes"
        train 10 "$run" --method "$method" --lr "${lr[$method]}" --partition "labels:$classes" \
            --train-samples 10000 --test-samples 2000 --epochs 4 --seed 1
        echo "$run: test accuracy $(summary "$run" 's["test_accuracy"]'), loss $(summary "$run" 's["test_loss"]')"
    done
done
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
def acc(run):
    return json.load(open(f"{sys.argv[1]}/{run}/summary.json"))["test_accuracy"]
gap = {c: acc(f"s3gd-labels{c}") - acc(f"signsgd-labels{c}") for c in (1, 2)}
assert acc("s3gd-labels1") >= 0.70, f"s3gd only {acc('s3gd-labels1'):.4f}"
assert gap[1] >= 0.05, f"labels:1 gap {gap[1]:.4f} < 0.05"
assert gap[2] < gap[1], f"labels:2 gap {gap[2]:.4f} not below labels:1 gap {gap[1]:.4f}"
print(f"gap labels:1 {100 * gap[1]:.1f} points, labels:2 {100 * gap[2]:.1f} points")
PY
echo "pass"
