#!/usr/bin/env bash
# bitvote sweep end to end over TCP loopback (exit 0 = pass):
# (the wire-byte model tests of build/test_mpi run over TCP in the mpi-tcp
# suite of tests/run_suites.sh)
#   1. a small 4-rank sweep of every strategy (and, --best-baseline, of each
#      of OpenMPI's allreduce algorithms) writes one JSON object per
#      (strategy, size) with DESIGN.md 10's fields, wrong == 0 everywhere, and
#      measured (non-null) wire bytes that agree with the sum received;
#   2. a bad flag ends every rank with exit code 2 and ONE message, no hang.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi=(timeout --kill-after=10 120 mpirun --oversubscribe -np 4 --mca btl tcp,self build/bitvote sweep)

"${mpi[@]}" -b 1024 -e 262144 -f 16 -i 3 -x 1 --density 0.01 --seed 7 --best-baseline \
    --json "$tmp/sweep.jsonl" | tee "$tmp/out.txt"
grep -q "transport tcp" "$tmp/out.txt"

/usr/bin/python3 - "$tmp/sweep.jsonl" <<'PY'
import json, sys
fields = ["strategy", "ranks", "d", "time_us_avg", "time_us_min", "time_us_max",
          "payload_sent", "wire_sent", "wire_recv", "model_bytes", "wrong"]
rows = [json.loads(line) for line in open(sys.argv[1])]
strategies = {r["strategy"] for r in rows}
want = {"allreduce", "vote-allreduce", "vote-rsag", "vote-alltoall", "vote-gather", "sparse-allgather", "auto",
        "allreduce:ring", "allreduce:rabenseifner"}
assert want <= strategies, f"missing strategies: {want - strategies}"
assert {r["d"] for r in rows} == {1024, 16384, 262144}, "sizes"
assert len(rows) == len(strategies) * 3, f"{len(rows)} rows"
for r in rows:
    missing = [f for f in fields if f not in r]
    assert not missing, f"{r['strategy']} d={r['d']}: missing {missing}"
    assert r["wrong"] == 0, f"{r['strategy']} d={r['d']}: {r['wrong']} wrong coordinates"
    assert r["ranks"] == 4
    assert 0 < r["time_us_min"] <= r["time_us_avg"] <= r["time_us_max"], r
    assert isinstance(r["wire_sent"], int) and r["wire_sent"] > 0, f"wire bytes not measured over tcp: {r}"
    assert r["wire_consistent"], f"sum of sent != sum of received: {r}"
    assert r["payload_sent"] > 0 and r["model_bytes"] > 0, r
# Forced algorithms really differ: recursive doubling sends log2(4) = 2 full vectors per rank, the ring 1.5.
big = {r["strategy"]: r["wire_sent"] for r in rows if r["d"] == 262144}
assert big["allreduce:recursive_doubling"] > 1.3 * big["allreduce:ring"], big
print(f"{len(rows)} rows ok")
PY

# A bad flag: exit code 2 on every rank, one message (from rank 0), well before the timeout.
set +e
"${mpi[@]}" -b 64K -e 1K >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
set -e
cat "$tmp/bad.err"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || { echo "bad flag: exit $rc"; exit 1; }
[ "$(grep -c '^bitvote sweep:' "$tmp/bad.err")" -eq 1 ] || { echo "bad flag: not exactly one message"; exit 1; }
grep -q "larger than -e" "$tmp/bad.err"
echo "sweep_tcp: passed"
