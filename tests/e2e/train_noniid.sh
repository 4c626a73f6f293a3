#!/usr/bin/env bash
# Non-IID data (exit 0 = pass): with --partition labels:1 on 10 ranks every
# rank sees ONE class. Plain signSGD's majority vote then follows the classes
# that agree and stalls, while s3gd (top-K with error accumulation, ternary
# vote) keeps converging (DESIGN.md 3). mlp, 10k-sample subset, 4 epochs
# (124 steps of 10 x 32), 2000 test samples, lr pinned (signsgd 3e-4, which
# suits it better here than its default 1e-4: 58.7%; s3gd 0.01). Measured
# here (seed 1): signsgd 65.3%, s3gd 79.9%; seeds 2-4 gave gaps of 8.8, 17.7
# and 21.0 points. Asserted: s3gd >= 70%, and s3gd ahead by >= 5 points.
source "$(dirname "$0")/lib/train.bash"

declare -A lr=([signsgd]=3e-4 [s3gd]=0.01)
for method in signsgd s3gd; do
    train 10 "$method" --method "$method" --lr "${lr[$method]}" --partition labels:1 --train-samples 10000 --test-samples 2000 \
        --epochs 4 --seed 1
    echo "$method: test accuracy $(summary "$method" 's["test_accuracy"]'), loss $(summary "$method" 's["test_loss"]')"
done
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
acc = {m: json.load(open(f"{sys.argv[1]}/{m}/summary.json"))["test_accuracy"] for m in ("signsgd", "s3gd")}
assert acc["s3gd"] >= 0.70, f"s3gd only {acc['s3gd']:.4f}"
assert acc["s3gd"] - acc["signsgd"] >= 0.05, f"gap {acc['s3gd'] - acc['signsgd']:.4f} < 0.05: {acc}"
print(f"gap {100 * (acc['s3gd'] - acc['signsgd']):.1f} points")
PY
echo "pass"
