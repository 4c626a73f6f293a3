// One checkpoint file's HDF5 layout (DESIGN.md 9), read and written by one
// process (train/checkpoint.h does the MPI part):
//
//   /step              int64 scalar: steps done
//   /config            string scalar: the run's config record (JSON, as
//                      run.jsonl's config line)
//   /run_jsonl_bytes   int64 scalar: run.jsonl's length when it was written
//                      (a resume truncates the log to it)
//   /weights           float32 [d], identical on every rank, written once
//   /rank/R/<name>     rank R's states (base/named_state.h), float32, uint64
//                      or int64 [n]: data/order, method/memory, ...
//
// The arrays are chunked with HDF5's Fletcher-32 filter, so a changed byte
// fails the read; the metadata is in the 1.8+ format, which checksums it.
// Every call is H5_CHECKed: a failure throws DataError naming the call.
//
//   H5Handle f = checkpoint_file_create(temp);            // truncates
//   checkpoint_file_write_header(f, header, weights);
//   checkpoint_file_write_state(f, rank, name, data);     // per state, per rank
//   checkpoint_file_close(&f);                            // checked: the data is out
//
//   H5Handle f = checkpoint_file_open(path);
//   CheckpointHeader h = checkpoint_file_read_header(f);
//   checkpoint_file_read_weights(f, weights);             // [d] must match
//   checkpoint_file_read_states(f, rank, states);         // each name, type, size must match
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/named_state.h"
#include "data/h5_check.h"

namespace bitvote {

struct CheckpointHeader {
    int64_t step = 0;        // steps done
    std::string config;      // the config record, one JSON line
    int64_t log_bytes = 0;   // run.jsonl's length at the checkpoint
};

H5Handle checkpoint_file_create(const std::string& path);
void checkpoint_file_write_header(hid_t file, const CheckpointHeader& header, std::span<const float> weights);
void checkpoint_file_write_state(hid_t file, int rank, const NamedState& state);
void checkpoint_file_close(H5Handle* file);

H5Handle checkpoint_file_open(const std::string& path);
CheckpointHeader checkpoint_file_read_header(hid_t file);
void checkpoint_file_read_weights(hid_t file, std::span<float> weights);
void checkpoint_file_read_states(hid_t file, int rank, const StateList& states);

}  // namespace bitvote
