#!/usr/bin/env bash
# bench/byzantine.sh --smoke completes (exit 0 = pass): byzantine.md has the
# P = 3 table (signum and sgd rows, flip for both, scaled and alie for sgd,
# the mean under scaled diverged) and the DETOX table, where one liar in the
# one group of 3 leaves the accuracy as it was; byzantine.png is written.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/tmp
out=$(mktemp -d build/tmp/byzantine.XXXXXX)
trap 'rm -rf "$out" "$out.log"' EXIT
bench/byzantine.sh --smoke --out "$out" >"$out.log" 2>&1 || { tail -30 "$out.log"; exit 1; }
[ -s "$out/byzantine.png" ] || { echo "FAIL: no byzantine.png"; exit 1; }
/usr/bin/python3 - "$out/byzantine.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rows = {tuple(c.strip() for c in l.strip("|").split("|")[:2]): [c.strip() for c in l.strip("|").split("|")[2:]]
        for l in text.splitlines() if l.startswith("| ") and not l.startswith("| method")}
for row in [("signum (vote)", "flip"), ("sgd (mean)", "flip"), ("sgd (mean)", "scaled"), ("sgd (mean)", "alie"),
            ("signum (detox, vote)", "flip"), ("sgd (detox, median)", "flip"), ("sgd (detox, median)", "scaled")]:
    assert row in rows, f"no row {row}"
assert rows[("sgd (mean)", "scaled")][1].startswith("diverged"), rows[("sgd (mean)", "scaled")]
for row in [("signum (detox, vote)", "flip"), ("sgd (detox, median)", "flip"), ("sgd (detox, median)", "scaled")]:
    none, one = rows[row][:2]
    assert re.fullmatch(r"\d+\.\d", none) and none == one, (row, rows[row])
print("byzantine --smoke: byzantine.md ok")
PY
echo "pass"
