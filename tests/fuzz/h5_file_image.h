// HDF5 files in memory (the core driver, no backing store): how the fuzz
// targets of HDF5 readers (the dataset opener, the checkpoint reader) build
// the file their input describes and feed its bytes to the reader.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/h5_check.h"

namespace bitvote {

// A call of a fuzz input's file builder: false (the input is skipped) when it fails.
inline bool h5_built(int64_t result) { return result >= 0; }

// A new, empty file in memory, its objects written in the format of
// `oldest_format` or later (H5Pset_libver_bounds), and written to
// `backing_path` when it is closed if one is given (a reader that opens a
// path); an invalid handle (get() < 0) when HDF5 refuses. (The image
// H5Fget_file_image takes of a file in the 1.8+ format fails its superblock
// checksum in HDF5 1.10.8: such a file is read from its backing path.)
H5Handle h5_memory_file_create(H5F_libver_t oldest_format, const std::string& backing_path = "");

// The bytes of a file in memory, flushed first; empty when HDF5 fails.
std::vector<uint8_t> h5_memory_file_image(hid_t file);

// The bytes opened as a file, read-only; an invalid handle when HDF5 refuses
// them. HDF5's error printing is off (h5_quiet).
H5Handle h5_file_image_open(std::span<const uint8_t> bytes);

// Identifiers of any kind HDF5 holds open (files, datasets, types, ...): a
// reader that closes everything it opened leaves this at 0.
int64_t h5_open_objects();

}  // namespace bitvote
