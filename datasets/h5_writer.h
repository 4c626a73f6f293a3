// The one HDF5 writer every converter uses: the project's layout (see
// src/data/data.h), filled part by part, written to a temporary name and
// renamed on success, so a crash never leaves a half-written F.h5 behind.
//
//   DatasetWriter w;
//   writer_open(&w, "out.h5", "cifar10", 10, {3, 32, 32}, n_train, n_test);
//   writer_append(&w, Part::train, images, labels, n, "data_batch_1.bin");  // repeat
//   DataInfo info = writer_finish(&w);  // attributes, close, rename
#pragma once

#include <cstdint>
#include <string>

#include "data/data.h"

namespace bitvote {

enum class Part { train = 0, test = 1 };

struct DatasetWriter {
    std::string path, tmp_path;  // final name, name while writing
    DataInfo info;               // name, classes, shape; counts as declared
    H5Handle file, images[2], labels[2];
    int64_t written[2] = {0, 0};               // samples appended per part
    uint64_t pixel_sum = 0, pixel_sq_sum = 0;  // of train pixels, for mean/std
    bool finished = false;

    DatasetWriter() = default;
    DatasetWriter(const DatasetWriter&) = delete;
    DatasetWriter& operator=(const DatasetWriter&) = delete;
    ~DatasetWriter();  // removes the temporary file unless finished
};

// Creates the temporary file and the four datasets, [n, C, H, W] and [n].
void writer_open(DatasetWriter* w, const std::string& path, const std::string& name, int classes, SampleShape shape,
                 int64_t n_train, int64_t n_test);
// Appends n samples: images [n, C, H, W] uint8, labels [n] uint8. Labels >= classes
// throw DataError naming `source` (the input file they came from).
void writer_append(DatasetWriter* w, Part part, const uint8_t* images, const uint8_t* labels, int64_t n,
                   const std::string& source);
// Checks every declared sample was written, writes the attributes, renames.
DataInfo writer_finish(DatasetWriter* w);

}  // namespace bitvote
