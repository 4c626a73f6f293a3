#!/usr/bin/env bash
# bitvote data refuses bad input with ONE clear line (exit 0 = pass):
#   bad flags and values -> exit 2; a missing or broken input file -> exit 1
#   with a message naming that file; no output or temporary file is left.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect CODE PATTERN -- command...: exit code CODE, one stderr line matching PATTERN.
expect() {
    local code=$1 pattern=$2; shift 3
    local rc=0
    "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -ne "$code" ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -qE -- "$pattern" "$tmp/err"; then
        echo "FAIL: $* -> exit $rc (want $code), stderr:"; cat "$tmp/err"; exit 1
    fi
    echo "ok: exit $rc: $(cat "$tmp/err")"
}

out="$tmp/out.h5"
expect 2 "which dataset" -- build/bitvote data
expect 2 "unknown dataset 'mnist'" -- build/bitvote data mnist --out "$out"
expect 2 "unknown flag '--bogus'" -- build/bitvote data fmnist --bogus 1 --out "$out"
expect 2 "--out: needs a value" -- build/bitvote data fmnist --out
expect 2 "data synthetic: --out is required" -- build/bitvote data synthetic
expect 2 "data cifar10: --in is required" -- build/bitvote data cifar10 --out "$out"
expect 2 "--train: 'x' is not an integer >= 1" -- build/bitvote data synthetic --train x --out "$out"
expect 2 "--shape: '1,2' is not C,H,W" -- build/bitvote data synthetic --shape 1,2 --out "$out"
expect 2 "--labels: 'both' is not one of fine or coarse" -- build/bitvote data cifar100 --in "$tmp" --labels both --out "$out"
expect 2 "data cifar10: unknown flag '--labels'" -- build/bitvote data cifar10 --in "$tmp" --labels fine --out "$out"

mkdir "$tmp/fm"
cp /usr/share/datasets/fashion-mnist/*.gz "$tmp/fm/"
rm "$tmp/fm/t10k-labels-idx1-ubyte.gz"
expect 1 "t10k-labels-idx1-ubyte.gz: cannot open" -- build/bitvote data fmnist --in "$tmp/fm" --out "$out"
head -c 100000 /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz >"$tmp/fm/t10k-labels-idx1-ubyte.gz"
head -c 300000 /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz >"$tmp/fm/train-images-idx3-ubyte.gz"
expect 1 "train-images-idx3-ubyte.gz: corrupt or truncated gzip" -- build/bitvote data fmnist --in "$tmp/fm" --out "$out"
cp /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz "$tmp/fm/train-images-idx3-ubyte.gz"
expect 1 "train-images-idx3-ubyte.gz: bad magic number 00000801" -- build/bitvote data fmnist --in "$tmp/fm" --out "$out"
head -c 3000 /dev/urandom >"$tmp/test_batch.bin"
expect 1 "data_batch_1.bin: cannot read" -- build/bitvote data cifar10 --in "$tmp" --out "$out"
expect 1 "does not exist" -- build/bitvote data synthetic --train 10 --test 10 --out "$tmp/no/dir/x.h5"

[ ! -e "$out" ] || { echo "FAIL: $out was written"; exit 1; }
leftover=$(find "$tmp" -name '*.tmp.*')
[ -z "$leftover" ] || { echo "FAIL: temporary files left: $leftover"; exit 1; }
