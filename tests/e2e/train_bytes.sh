#!/usr/bin/env bash
# Bytes per iteration of signum over vote-alltoall match the byte model (exit 0 = pass).
#
# DESIGN.md 4: vote-alltoall moves 2(P-1)/P * d/8 bytes per rank. The exchange
# pads d to whole 512-coordinate tiles and cuts them into P chunks of
# c = ceil(ceil(d/512)/P) tiles (64 bytes each). Two conventions, two checks:
#   payload (what Comm counts: the buffers named in each MPI call, send side)
#     MPI_Alltoall's send buffer holds all P chunks (its own included) and
#     MPI_Allgather's holds one: exactly (P+1) * 64c bytes sent per step, and
#     P + P chunks received: 2P * 64c. Equal, byte for byte, once the abstain
#     census is added (DESIGN.md 9: one MPI_Allgather of one byte per rank,
#     1 byte sent and P received per step).
#   wire also carries the census: a few small messages, inside the slack below.
#   wire (measured from TCP counters, --mca btl tcp,self)
#     what leaves the rank: P-1 chunks in each collective, 2(P-1) * 64c =
#     2(P-1)/P * d/8 up to the padding; measured bytes carry OpenMPI's fragment
#     headers on top: allowed 0..3% + 512 bytes above the model.
source "$(dirname "$0")/lib/train.bash"

for np in 3 4; do
    name="signum-np$np"
    if ! timeout --kill-after=10 120 mpirun --oversubscribe -np $np --mca btl tcp,self build/bitvote train \
        --data "$DATA" --out "$tmp/$name" --method signum --strategy vote-alltoall --steps 12 --batch 16 \
        --train-samples 2000 --test-samples 500 >"$tmp/$name.log" 2>&1; then
        tail -20 "$tmp/$name.log"; echo "FAIL: $name"; exit 1
    fi
    /usr/bin/python3 - "$tmp/$name/summary.json" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
P, d, b = s["ranks"], s["params"], s["bytes_per_iter"]
chunk = 64 * math.ceil(math.ceil(d / 512) / P)          # bytes of one chunk of sign bits
model = 2 * (P - 1) / P * d / 8                          # DESIGN.md 4, unpadded
print(f"P={P} d={d}: payload sent {b['payload_sent']:.0f} (want (P+1)*{chunk} + 1 = {(P + 1) * chunk + 1}), "
      f"received {b['payload_received']:.0f} (want {2 * P * chunk + P}); wire sent {b['wire_sent']:.0f}, "
      f"recv {b['wire_recv']:.0f} vs 2(P-1)/P*d/8 = {model:.0f} (padded {2 * (P - 1) * chunk})")
assert s["transport"] == "tcp", s["transport"]
assert b["payload_sent"] == (P + 1) * chunk + 1, "payload sent"
assert b["payload_received"] == 2 * P * chunk + P, "payload received"
padded = 2 * (P - 1) * chunk
for key in ("wire_sent", "wire_recv"):
    assert padded <= b[key] <= padded * 1.03 + 512, f"{key} {b[key]} outside [{padded}, {padded * 1.03 + 512}]"
assert abs(padded - model) <= 2 * (P - 1) * 64, "padding is less than a tile per chunk"
PY
done
echo "pass"
