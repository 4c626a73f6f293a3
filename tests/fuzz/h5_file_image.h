// Bytes in memory opened as an HDF5 file (the core driver, no backing store):
// how the fuzz targets of HDF5 readers (the dataset opener, a checkpoint
// reader) feed their input to HDF5 without touching the disk.
#pragma once

#include <cstdint>
#include <span>

#include "data/h5_check.h"

namespace bitvote {

// The file, read-only; an invalid handle (get() < 0) when HDF5 refuses the
// bytes. HDF5's error printing is off (h5_quiet).
H5Handle h5_file_image_open(std::span<const uint8_t> bytes);

// Identifiers of any kind HDF5 holds open (files, datasets, types, ...): a
// reader that closes everything it opened leaves this at 0.
int64_t h5_open_objects();

}  // namespace bitvote
