#!/usr/bin/env bash
# bitvote project end to end (exit 0 = pass):
#   1. a small real TCP sweep at 2 and 4 ranks (JSON lines);
#   2. `bitvote project` on both files, without mpirun, at 10 Gbit/s and 2 us:
#      the fit is printed, every measured row is printed beside the model's
#      prediction with its relative error, and --json holds a row per swept
#      strategy (and auto) at each P = 16, 32, ..., 4096 with the model's numbers;
#   3. the same files given link rates (FILE@RATE): the rated fit (alpha,
#      beta, link_factor per strategy), each projected row on its strategy's
#      own alpha-beta at --bandwidth;
#   4. a bad unit, a missing file, a file with no usable rows and rates for
#      only some files each exit 2 with one message.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_base_warn_component_unused=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for np in 2 4; do
    timeout --kill-after=10 60 mpirun --oversubscribe -np $np --mca btl tcp,self build/bitvote sweep \
        -b 65536 -e 4194304 -f 4 -i 3 -x 1 --json "$tmp/sweep$np.jsonl" >"$tmp/sweep$np.txt"
    grep -q "transport tcp" "$tmp/sweep$np.txt"
done

timeout 30 build/bitvote project --sweep "$tmp/sweep2.jsonl" "$tmp/sweep4.jsonl" --bandwidth 10Gbit --latency 2us \
    --json "$tmp/project.jsonl" | tee "$tmp/project.txt"

/usr/bin/python3 - "$tmp/sweep2.jsonl" "$tmp/sweep4.jsonl" "$tmp/project.jsonl" "$tmp/project.txt" <<'PY'
import json, re, sys
sweep = [json.loads(l) for f in sys.argv[1:3] for l in open(f)]
rows = [json.loads(l) for l in open(sys.argv[3])]
text = open(sys.argv[4]).read()
swept = {r["strategy"] for r in sweep}
assert "auto" in swept and "allreduce" in swept, swept
ranks = [16 * 2**i for i in range(9)]
for s in swept:
    got = sorted(r["ranks"] for r in rows if r["strategy"] == s and r["method"] is None)
    assert got == ranks, f"{s}: projected ranks {got}"
d = max(r["d"] for r in sweep)
for r in rows:
    assert r["d"] == d and r["alpha_s"] == 2e-6 and abs(r["beta_s_per_byte"] - 0.8e-9) < 1e-21, r
    assert abs(r["comm_s"] - (2e-6 * r["rounds"] + 0.8e-9 * r["bytes_per_rank"])) < 1e-12, r
    assert r["step_s"] == r["comm_s"] and r["speedup_vs_fp32_allreduce"] > 0, r
    if r["strategy"] == "allreduce":  # 2 (P - 1) / P * 4d, 2 (P - 1) rounds
        P = r["ranks"]
        assert abs(r["bytes_per_rank"] - 2 * (P - 1) / P * 4 * d) < 1 and r["rounds"] == 2 * (P - 1), r
assert {r["crossover_vs_fp32_allreduce"] for r in rows if r["strategy"] == "vote-alltoall"} == {"always"}
# Validation: one line per measured row at 2 and 4 ranks (auto has no model of its own), each with errors.
assert re.search(r"^#\s+strategy\s+ranks\s+d\s+model_B\s+measured_us\s+fit_us\s+err\s+global_us\s+err$", text, re.M)
lines = [l for l in text.splitlines() if re.match(r"^    \S+\s+[24]\s+\d+\s", l)]
assert len(lines) == sum(r["strategy"] != "auto" for r in sweep), f"{len(lines)} validation lines"
for l in lines:
    assert len(re.findall(r"[+-]\d+\.\d%", l)) == 2, l
fit = re.search(r"^#\s+global\s+(\d+)\s+([\d.]+)\s+([\d.]+)", text, re.M)
assert fit and int(fit.group(1)) == len(lines), "global fit line"
print(f"{len(rows)} projection rows, {len(lines)} validation lines; global fit alpha {fit.group(2)} us, beta {fit.group(3)} ns/B")
PY

# Rated: every file with its link's rate; each row's comm is its own alpha * rounds + beta * bytes.
timeout 30 build/bitvote project --sweep "$tmp/sweep2.jsonl@10Gbit" "$tmp/sweep4.jsonl@10Gbit" --bandwidth 25Gbit \
    --json "$tmp/rated.jsonl" >"$tmp/rated.txt"
grep -q "(link_factor / rate + beta) \* model_bytes" "$tmp/rated.txt"
grep -q "fit at 25000 Mbit/s (--bandwidth)" "$tmp/rated.txt"
/usr/bin/python3 - "$tmp/rated.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows and all(r["alpha_s"] >= 0 and r["beta_s_per_byte"] >= 0 for r in rows), rows[0]
for r in rows:
    assert abs(r["comm_s"] - (r["alpha_s"] * r["rounds"] + r["beta_s_per_byte"] * r["bytes_per_rank"])) <= 1e-9 * r["comm_s"], r
print(f"rated: {len(rows)} projection rows, {len({r['beta_s_per_byte'] for r in rows})} distinct betas")
PY

# Bad input: exit 2 and one message, each.
expect_error() {  # what, grep pattern, args...
    local what=$1 pattern=$2 rc=0
    shift 2
    timeout 30 build/bitvote project "$@" >"$tmp/bad.out" 2>"$tmp/bad.err" || rc=$?
    cat "$tmp/bad.err"
    [ "$rc" -eq 2 ] || { echo "$what: exit $rc, want 2"; exit 1; }
    [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] && grep -q "^bitvote project: .*$pattern" "$tmp/bad.err" ||
        { echo "$what: not one message matching '$pattern'"; exit 1; }
}
expect_error "bad unit" "--bandwidth: '10Gb' is not a positive rate" --sweep "$tmp/sweep2.jsonl" --bandwidth 10Gb --latency 2us
expect_error "missing file" "cannot read sweep file" --sweep "$tmp/none.jsonl" --bandwidth 10Gbit --latency 2us
cat >"$tmp/one.jsonl" <<'JSON'
{"strategy":"vote-rsag","ranks":1,"d":64,"time_us_avg":1,"time_us_min":1,"model_bytes":0,"kind":"sign"}
{"strategy":"auto","ranks":2,"d":64,"time_us_avg":1,"time_us_min":1,"model_bytes":null,"kind":"sign"}
JSON
expect_error "no usable rows" "no usable rows .*2 skipped" --sweep "$tmp/one.jsonl"
expect_error "rates for some files" "every file its link rate" --sweep "$tmp/sweep2.jsonl@1Gbit" "$tmp/sweep4.jsonl"
echo "project_sweep: passed"
