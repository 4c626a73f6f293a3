#!/usr/bin/env bash
# Per-rank batch sizes (exit 0 = pass): --batch 8,16,32 on 5 ranks gives ranks
# 0..4 the batches 8,16,32,8,16 (cycled). Checked from the run files: the
# config records every rank's batch (batches; batch is null when they differ);
# an epoch is train_total samples over all ranks (2000 / (8+16+32+8+16) = 25
# steps); samples/s counts the sum of the batches; the cycled list is the
# same run as the list written out (same weights), a different fifth value
# is not, and a list of equal values is the plain --batch N.
source "$(dirname "$0")/lib/train.bash"
small=(--method signsgd --widths 24,16 --steps 6 --train-samples 2000 --test-samples 300)

train 5 cycled "${small[@]}" --batch 8,16,32
train 5 written "${small[@]}" --batch 8,16,32,8,16
train 5 other "${small[@]}" --batch 8,16,32,8,32
train 5 equal "${small[@]}" --batch 16,16,16,16,16
train 5 plain "${small[@]}" --batch 16
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys
def run(name):
    return json.load(open(f"{sys.argv[1]}/{name}/summary.json"))
def config(name):
    return json.loads(open(f"{sys.argv[1]}/{name}/run.jsonl").readline())
s = run("cycled")
for record in (s, config("cycled")):
    assert record["batches"] == [8, 16, 32, 8, 16], record["batches"]
    assert record["batch"] is None, record["batch"]
assert s["steps_per_epoch"] == 25, s["steps_per_epoch"]
assert abs(s["epochs"] - 6 / 25) < 1e-12, s["epochs"]
per_step = s["samples_per_s"] * s["train_seconds"] / (s["steps"] - 1)  # step 1 is not measured
assert abs(per_step - 80) < 1e-6, f"samples/s counts {per_step} samples a step, want 80 (the sum of the batches)"
assert s["weights_checksum"] == run("written")["weights_checksum"], "the cycled list is not the written-out one"
assert s["weights_checksum"] != run("other")["weights_checksum"], "rank 4's batch made no difference"
assert run("equal")["batch"] == 16 and run("equal")["batches"] == [16] * 5
assert run("equal")["weights_checksum"] == run("plain")["weights_checksum"], "16,16,16,16,16 is not --batch 16"
print(f"ok: batches {s['batches']}, {s['steps_per_epoch']} steps per epoch, {per_step:.6f} samples per step")
PY
echo "pass"
