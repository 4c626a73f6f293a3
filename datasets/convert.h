// Converters to the project's HDF5 layout (src/data/data.h). Each reads its
// inputs, validates them (a missing, truncated or malformed file throws
// DataError naming that file) and writes `out` through DatasetWriter.
#pragma once

#include <cstdint>
#include <string>

#include "data/data.h"

namespace bitvote {

// Fashion-MNIST idx.gz files in dir: train-images-idx3-ubyte.gz,
// train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz.
// Images [N, 1, 28, 28], 10 classes.
DataInfo convert_fmnist(const std::string& dir, const std::string& out);

// CIFAR-10 binary: dir/data_batch_1..5.bin, dir/test_batch.bin; records of
// 1 label byte + 3072 pixel bytes ([3, 32, 32], R then G then B planes).
DataInfo convert_cifar10(const std::string& dir, const std::string& out);

// CIFAR-100 binary: dir/train.bin, dir/test.bin; records of coarse label,
// fine label, 3072 pixel bytes. coarse: 20 classes, else the 100 fine ones.
DataInfo convert_cifar100(const std::string& dir, const std::string& out, bool coarse);

struct SyntheticSpec {
    int64_t train = 60000, test = 10000;
    int classes = 10;
    SampleShape shape{1, 28, 28};
    uint64_t seed = 0;
    double noise = 64;  // std of the per-pixel noise, in pixel units
};

// Learnable from a seed: class k has a template of uniform random pixels in
// [32, 223]; sample i = clip(template[label] + noise * N(0,1), 0, 255),
// label and noise drawn from (seed, split, i), so any sample can be recomputed alone.
DataInfo convert_synthetic(const SyntheticSpec& spec, const std::string& out);

}  // namespace bitvote
