#!/usr/bin/env bash
# The emulated cluster (jobs/emulated-cluster.sh) end to end (exit 0 = pass,
# 77 = cannot run here: not root, or no network namespaces):
#   1. `up --hosts 2 --rate 100mbit`; a plain TCP stream between the two
#      namespaces calibrates what tbf lets through;
#   2. a 2-rank sweep launched on it sees 2 nodes and measures wire bytes
#      within 2% of the model (fp32 allreduce and vote-alltoall); MPI's own
#      ping-pong bandwidth (the sweep's beta) is the stream's, +-25%; and the
#      fp32 allreduce's fastest iteration uses the link as tbf allows, +-25%:
#      no direction faster than the stream, and at least one stream's worth
#      of sent + received. (OpenMPI's TCP transport overlaps a rank's sending
#      and receiving only sometimes here: iterations measured between full
#      duplex, 0.72 s for 8.4 MB each way, and half duplex, 1.39 s.)
#   3. a 2-rank training run reports 2 nodes named bvh0 and bvh1;
#   4. `down` after a `kill -9` of a running job leaves no namespace, veth,
#      bridge, qdisc or process behind; a second `down` is harmless;
#   5. bad input: a bad rate, and `up` over a cluster that is up, fail clearly.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "not root: the emulated cluster needs network namespaces and tc"; exit 77; }
ip netns add bvprobe 2>/dev/null && ip netns del bvprobe || { echo "no network namespaces here (ip netns add failed)"; exit 77; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0 OMP_NUM_THREADS=1
python=/usr/bin/python3
emu=jobs/emulated-cluster.sh
tmp=$(mktemp -d /tmp/bitvote-emu.XXXXXX)
export BITVOTE_EMU_DIR=$tmp/cluster
cleanup() { [ -z "${up:-}" ] || $emu down >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "emulated_cluster: FAILED: $*"; exit 1; }

# ---- 1. up, and what a plain TCP stream gets through it -------------------------------------------
if $emu status >/dev/null; then echo "an emulated cluster is already up (someone's study?): not touching it"; exit 77; fi
up=1
$emu up --hosts 2 --rate 100mbit
$emu status
stream_mbit=$($python bench/tcp_stream.py --from bvh0 --to bvh1 --bytes 12000000)
echo "plain TCP stream bvh0 -> bvh1: $stream_mbit Mbit/s (tbf rate 100 Mbit/s)"

# ---- 2. a sweep on 2 hosts ------------------------------------------------------------------------
read -r -a launch <<<"$($emu mpirun-args)"
timeout --kill-after=10 120 mpirun -np 2 "${launch[@]}" "$PWD/build/bitvote" sweep \
    --strategies allreduce,vote-alltoall -b 2097152 -e 2097152 -i 2 -x 1 --json "$tmp/sweep.jsonl" | tee "$tmp/sweep.out"
grep -q "2 nodes" "$tmp/sweep.out" || fail "the sweep did not see 2 nodes"
$python - "$tmp/sweep.jsonl" "$stream_mbit" "$tmp/sweep.out" <<'PY' || fail "sweep over the emulated link"
import json, re, sys
rows = {r["strategy"]: r for r in map(json.loads, open(sys.argv[1]))}
stream = float(sys.argv[2])
beta_ns = float(re.search(r"beta ([0-9.]+) ns/B", open(sys.argv[3]).read()).group(1))
pingpong = 8 / beta_ns * 1e3  # Mbit/s
print(f"MPI ping-pong: {pingpong:.1f} Mbit/s ({100 * pingpong / stream:.0f}% of the stream)")
assert 0.75 * stream <= pingpong <= 1.25 * stream, "MPI's ping-pong bandwidth outside +-25% of the stream's"
for name, r in rows.items():
    assert r["wrong"] == 0, r
    assert r["wire_sent"] is not None, f"{name}: wire bytes not measured"
    err = abs(r["wire_sent"] - r["model_bytes"]) / r["model_bytes"]
    print(f"{name}: wire sent {r['wire_sent']} B, model {r['model_bytes']} B ({100 * err:.2f}% off), "
          f"{r['time_us_avg'] / 1e3:.1f} ms")
    assert err <= 0.02, f"{name}: wire bytes {100 * err:.2f}% off the model"
a = rows["allreduce"]
seconds = a["time_us_min"] * 1e-6
each_way = a["wire_sent"] * 8 / seconds / 1e6
both_ways = (a["wire_sent"] + a["wire_recv"]) * 8 / seconds / 1e6
print(f"fp32 allreduce, fastest iteration ({a['time_us_min'] / 1e3:.0f} ms; slowest {a['time_us_max'] / 1e3:.0f} ms): "
      f"{each_way:.1f} Mbit/s sent per rank, {both_ways:.1f} Mbit/s sent + received; plain stream {stream:.1f} Mbit/s; "
      f"vote-alltoall {a['time_us_avg'] / rows['vote-alltoall']['time_us_avg']:.1f}x faster on average")
assert each_way <= 1.25 * stream, "allreduce sends faster than the link allows"
assert both_ways >= 0.75 * stream, "allreduce uses less than one stream's worth of the link"
PY

# ---- 3. training sees 2 hosts ---------------------------------------------------------------------
build/bitvote data synthetic --train 512 --test 128 --classes 10 --seed 3 --out "$tmp/synth.h5" >/dev/null
timeout --kill-after=10 120 mpirun -np 2 "${launch[@]}" "$PWD/build/bitvote" train --data "$tmp/synth.h5" \
    --method signum --steps 4 --batch 16 --out "$tmp/train" >"$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; fail "train"; }
$python - "$tmp/train/summary.json" <<'PY' || fail "train summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["nodes"] == 2 and sorted(s["hosts"]) == ["bvh0", "bvh1"], (s["nodes"], s["hosts"])
assert s["transport"] == "tcp" and s["bytes_per_iter"]["wire_sent"], (s["transport"], s["bytes_per_iter"])
print(f"train: nodes {s['nodes']} {s['hosts']}, transport {s['transport']}")
PY

# ---- 4. kill -9 of a running job, then down ---------------------------------------------------------
setsid timeout 120 mpirun -np 2 "${launch[@]}" "$PWD/build/bitvote" sweep --strategies allreduce -b 8388608 \
    -e 8388608 -i 20 -x 1 >/dev/null 2>&1 &
job=$!  # its own process group: kill -9 takes mpirun and everything it started here
for _ in $(seq 50); do
    [ "$(ip netns pids bvh1 | wc -l)" -gt 0 ] && break
    sleep 0.2
done
[ "$(ip netns pids bvh1 | wc -l)" -gt 0 ] || fail "the job never started on bvh1"
sleep 1
kill -9 -- -$job
$emu down
$emu down >/dev/null
! $emu status >/dev/null || fail "status says up after down"
left=$(ip netns list | grep -c '^bvh' || true)
[ "$left" -eq 0 ] || fail "$left namespaces left"
! ip -o link show | grep -qE ': (bvv[0-9]+|bvbr0)[@:]' || fail "links left: $(ip -o link show | grep -E 'bvv|bvbr')"
! tc qdisc show | grep -q ' dev bv' || fail "qdiscs left"
sleep 0.5
! pgrep -f "$PWD/build/bitvote sweep" >/dev/null || fail "ranks left running"
echo "down: no namespace, veth, bridge, qdisc or rank left after kill -9"

# ---- 5. bad input ----------------------------------------------------------------------------------
out=$($emu up --hosts 2 --rate fast 2>&1) && fail "a bad rate was accepted"
echo "$out" | grep -q "bad --rate 'fast'" || fail "bad rate said: $out"
$emu up --hosts 1 --rate 1gbit >/dev/null
out=$($emu up --hosts 1 2>&1) && fail "up over a cluster that is up"
echo "$out" | grep -q "already up" || fail "second up said: $out"
$emu down >/dev/null
echo "emulated_cluster: passed"
