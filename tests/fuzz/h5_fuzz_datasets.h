// Datasets a fuzz input describes, for the file builders of the HDF5 readers'
// fuzz targets (fuzz_dataset_open.cpp, fuzz_checkpoint_read.cpp). Each
// dataset's description, read from the input by add():
//   1 byte   bits 0-2 type (% types.size()), bits 3-4 layout (contiguous,
//            chunked, chunked + deflate, compact), bit 5 write the data,
//            bit 6 huge dimensions, bit 7 a null dataspace (no elements)
//   1 byte   rank (% 6; 0: scalar)
//   rank x   1 byte (huge: 5 bytes, little-endian) per dimension
// then, once the file's every object is made, write_all() fills the datasets
// marked "write" (those of at most 8192 elements and 64 KB, fixed-size types)
// from the input's next bytes, in the order they were added.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "data/h5_check.h"
#include "fuzz_input.h"

namespace bitvote {

class H5FuzzDatasets {
public:
    // Creates dataset `path` under `where` (groups on the path made as
    // needed), of one of `types` (each copied); false if HDF5 refused.
    bool add(hid_t where, const char* path, std::span<const hid_t> types, FuzzInput* in);
    // Writes the datasets to be written and closes them all; false if a write failed.
    bool write_all(FuzzInput* in);

private:
    std::vector<std::pair<H5Handle, size_t>> pending_;  // each dataset, the bytes to write into it
};

}  // namespace bitvote
