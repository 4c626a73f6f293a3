// The messages between the parameter server (rank 0) and its workers under
// --method dgs / asgd (train/async_server.cpp, async_worker.cpp): MPI tags
// and the byte layout, one buffer of MPI_BYTE per message.
//
//   worker -> server  tag_update  header, body: the worker's update u
//   server -> worker  tag_answer  header, body: the model difference (dgs)
//                                 or the server's model (asgd)
//                     tag_stop    the same, and the worker stops after it
//   worker -> server  tag_check   8 bytes: the worker's weights checksum, last
//
//   header   uint32 index bytes (0 when dense), float loss (the worker's
//            batch loss; 0 from the server)                         8 bytes
//   sparse   the index stream of indices_encode (kernels/indices_codec_format.h;
//            the codec's sign bit of entry j is its value's sign, which the
//            value also carries), then K fp32 values     index bytes + 4 K
//   dense    d fp32 values                                           4 d
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compress/sparse_update.h"

namespace bitvote {

enum AsyncTag : int { tag_update = 1, tag_answer = 2, tag_stop = 3, tag_check = 4 };

inline constexpr size_t async_header_bytes = 8;

// What both sides know of every message body.
struct AsyncFormat {
    uint32_t d = 0;       // coordinates
    size_t k_max = 0;     // sparse: the most entries a message holds (topk_total)
    bool sparse = true;   // dgs; asgd is dense
};

// The largest message of this format, bytes (receive buffers).
size_t async_message_bound(const AsyncFormat& f);
// Writes the message into *out (grown to the bound once) and returns its
// bytes: sparse from u (at most k_max entries), dense from values [d].
size_t async_encode_sparse(const AsyncFormat& f, const SparseUpdate& u, float loss, std::vector<uint8_t>* out);
size_t async_encode_dense(const AsyncFormat& f, std::span<const float> values, float loss,
                          std::vector<uint8_t>* out);
// "" or why `in` is not a message of this format (truncated, corrupt index
// stream, a value count that is not the index count); fills *out / values [d]
// and *loss.
std::string async_decode_sparse(const AsyncFormat& f, std::span<const uint8_t> in, SparseUpdate* out,
                                float* loss);
std::string async_decode_dense(const AsyncFormat& f, std::span<const uint8_t> in, std::span<float> values,
                               float* loss);

}  // namespace bitvote
