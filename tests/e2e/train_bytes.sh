#!/usr/bin/env bash
# Bytes per iteration of signum over vote-alltoall match the byte model (exit 0 = pass).
#
# DESIGN.md 4: vote-alltoall moves (P-1)/P * (1 + D) * d/8 bytes per rank: an
# alltoall of 1-bit votes and an allgather of the decision, D bitmaps of it
# (D = 1 at odd P; D = 2 at even P, where a tie decides 0 and the decision
# carries a nonzero bitmap beside the positive one). The exchange pads d to
# whole 512-coordinate tiles and cuts them into P chunks of
# c = ceil(ceil(d/512)/P) tiles (64 bytes each). Two conventions, two checks:
#   payload (what Comm counts: the buffers named in each MPI call, send side)
#     MPI_Alltoall's send buffer holds all P chunks (its own included) and
#     MPI_Allgather's holds one decided chunk (D bitmaps): exactly (P+D) * 64c
#     bytes sent per step, and P + P*D chunks received: P(1+D) * 64c. Equal,
#     byte for byte, once the abstain census is added (DESIGN.md 9: one
#     MPI_Allgather of one byte per rank, 1 byte sent and P received per step).
#   wire also carries the census: a few small messages, inside the slack below.
#   wire (measured from TCP counters, --mca btl tcp,self)
#     what leaves the rank: P-1 chunks in each collective, (P-1)(1+D) * 64c =
#     (P-1)/P * (1+D) * d/8 up to the padding; measured bytes carry OpenMPI's
#     fragment headers on top: allowed 0..3% + 512 bytes above the model.
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
D = 1 if P % 2 else 2                                    # decision bitmaps
chunk = 64 * math.ceil(math.ceil(d / 512) / P)          # bytes of one chunk of one bitmap
model = (P - 1) / P * (1 + D) * d / 8                   # DESIGN.md 4, unpadded
print(f"P={P} d={d}: payload sent {b['payload_sent']:.0f} (want (P+D)*{chunk} + 1 = {(P + D) * chunk + 1}), "
      f"received {b['payload_received']:.0f} (want {P * (1 + D) * chunk + P}); wire sent {b['wire_sent']:.0f}, "
      f"recv {b['wire_recv']:.0f} vs (P-1)/P*(1+D)*d/8 = {model:.0f} (padded {(P - 1) * (1 + D) * chunk})")
assert s["transport"] == "tcp", s["transport"]
assert b["payload_sent"] == (P + D) * chunk + 1, "payload sent"
assert b["payload_received"] == P * (1 + D) * chunk + P, "payload received"
padded = (P - 1) * (1 + D) * chunk
for key in ("wire_sent", "wire_recv"):
    assert padded <= b[key] <= padded * 1.03 + 512, f"{key} {b[key]} outside [{padded}, {padded * 1.03 + 512}]"
assert abs(padded - model) <= (P - 1) * (1 + D) * 64, "padding is less than a tile per chunk"
PY
done
echo "pass"
