#!/usr/bin/env bash
# bitvote data end to end (exit 0 = pass): the files `bitvote data` writes
# are readable by h5py with the documented layout —
#   1. Fashion-MNIST from /usr/share/datasets/fashion-mnist: [60000,1,28,28]
#      and [10000,1,28,28] uint8, 6000 / 1000 of each class, name, classes,
#      mean 0.2860, std 0.3530; a second conversion gives the same bytes;
#   2. synthetic [3,8,8] with 7 classes: shapes, dtypes, labels < classes,
#      mean/std equal to numpy's over the training pixels;
#   3. no temporary file is left beside the outputs.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

build/bitvote data fmnist --out "$tmp/fm.h5"
build/bitvote data fmnist --out "$tmp/fm2.h5"
build/bitvote data synthetic --train 500 --test 50 --classes 7 --shape 3,8,8 --seed 5 --out "$tmp/syn.h5"

/usr/bin/python3 - "$tmp" <<'PY'
import sys, h5py, numpy as np
tmp = sys.argv[1]
with h5py.File(f"{tmp}/fm.h5", "r") as f, h5py.File(f"{tmp}/fm2.h5", "r") as g:
    assert f["train/images"].shape == (60000, 1, 28, 28) and f["train/images"].dtype == np.uint8
    assert f["test/images"].shape == (10000, 1, 28, 28) and f["test/labels"].dtype == np.uint8
    assert list(np.bincount(f["train/labels"][:])) == [6000] * 10
    assert list(np.bincount(f["test/labels"][:])) == [1000] * 10
    assert f.attrs["name"] == "fashion-mnist" and int(f.attrs["classes"]) == 10, dict(f.attrs)
    assert abs(f.attrs["mean"] - 0.2860) < 1e-4 and abs(f.attrs["std"] - 0.3530) < 1e-4, dict(f.attrs)
    for d in ["train/images", "train/labels", "test/images", "test/labels"]:
        assert np.array_equal(f[d][:], g[d][:]), d
with h5py.File(f"{tmp}/syn.h5", "r") as f:
    x = f["train/images"][:]
    assert x.shape == (500, 3, 8, 8) and f["test/images"].shape == (50, 3, 8, 8)
    assert f["train/labels"].shape == (500,) and f["test/labels"].shape == (50,)
    assert int(f.attrs["classes"]) == 7 and f.attrs["name"] == "synthetic"
    assert f["train/labels"][:].max() < 7 and f["test/labels"][:].max() < 7
    assert abs(f.attrs["mean"] - (x / 255.0).mean()) < 1e-9 and abs(f.attrs["std"] - (x / 255.0).std()) < 1e-9
print("h5py reads the layout: ok")
PY
leftover=$(find "$tmp" -name '*.tmp.*')
[ -z "$leftover" ] || { echo "temporary files left: $leftover"; exit 1; }
