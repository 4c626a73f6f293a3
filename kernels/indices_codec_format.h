// The sparse index stream of indices_encode / indices_decode: the format, and
// the helpers every tier shares (header, parameter rule, tail check).
//
// Input: K sorted unique indices idx[0] < ... < idx[K-1] < d and K sign bits
// (bit j of the sign bitmap belongs to idx[j]). Gaps g_0 = idx[0],
// g_j = idx[j] - idx[j-1] - 1 are Golomb-Rice coded with parameter b:
// quotient q_j = g_j >> b in unary, remainder r_j = g_j & (2^b - 1) in b bits.
// The quotients and remainders are stored in separate sections (the same bits
// as interleaved Rice codewords, so the same size), which makes every
// remainder addressable at bit j*b and lets a decoder turn the unary section
// into indices with tzcnt over whole words: idx_j = j + (H_j << b) + R_j, where
// H_j = q_0 + ... + q_j (zeros before the j-th one) and R_j = r_0 + ... + r_j.
//
//   bytes    header   varint K (LEB128, minimal, at most 5 bytes, K <= d),
//                     then one byte b = indices_rice_parameter(d, K)
//   bits     K * b    remainders r_0, r_1, ... (b bits each, LSB first)
//            K        sign bits s_0, s_1, ...
//            H + K    unary quotients: q_j zero bits, then a one bit
//            < 8      zero padding to a whole byte
//
// Bits are numbered LSB first within bytes, bytes in order (a little-endian
// 64-bit load sees bits in stream order). d is not stored: both sides know it
// (b in the header catches a mismatch of d that changes b). Sign bits past K
// in the input bitmap are ignored. Size after the header: K*(b + 2) + H bits,
// H = sum of q_j <= (sum of g_j) >> b <= (d - K) >> b, which is
// indices_encode_bound (attained when the K indices are the last K).
//
// The decoder accepts exactly the streams indices_encode produces (a decoded
// stream re-encodes to the same bytes; trailing bytes are rejected). It checks,
// in this order, and the first failure is the status:
//   1. header     truncated: the input ends inside it; corrupt: varint longer
//                 than 5 bytes, over 32 bits or not minimal, K > d,
//                 b != indices_rice_parameter(d, K)
//   2. too_many   K > idx_out.size() or bitmap_words(K) > signs_out.size()
//   3. truncated  the input ends inside the remainders or the signs, or before
//                 the K-th one of the unary section
//   4. corrupt    bytes after the last one's byte, or non-zero padding bits
//   5. out_of_range  an index >= d
// On an error *k_out = 0 and the output spans hold unspecified values (never
// written past their size).
//
// Parameter rule (Kiely 2004, "Selecting the Golomb parameter in Rice coding",
// optimal for geometric gaps with p = K/d): b = max(0, 1 + floor(log2(
// ln(phi - 1) / ln(1 - p)))), phi the golden ratio. With ln(phi-1)/ln(1-p)
// ~= 0.48121/p - 0.24061 it is b = floor(log2(0.96242 d/K - 0.48121)), here
// in 16-bit fixed point and integers only, so every build agrees on b.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels.h"

namespace bitvote {

// The Rice parameter for K indices below d (0 when K = 0), 0..31.
unsigned indices_rice_parameter(uint64_t d, uint64_t k);

// Writes the header of a stream of k indices with parameter b; returns its bytes.
size_t indices_header_write(uint64_t k, unsigned b, std::span<uint8_t> out);

struct IndicesHeader {
    uint64_t k;    // number of indices
    unsigned b;    // Rice parameter
    size_t bytes;  // header length
};
// Reads and checks the header against d and the output sizes (truncated,
// corrupt, too_many as above).
CodecStatus indices_header_read(std::span<const uint8_t> in, uint32_t d, size_t idx_capacity,
                                size_t signs_capacity, IndicesHeader* h);

// The stream after the header ends at bit end_bit of body: corrupt if more
// bytes follow or the padding bits are not zero.
CodecStatus indices_check_tail(std::span<const uint8_t> body, uint64_t end_bit);

// Encoder preconditions (fatal error with a message when broken): signs holds
// bitmap_words(K) words, K <= d, out holds indices_encode_bound(d, K) bytes.
void indices_check_encode_args(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,
                               std::span<uint8_t> out);
// Fatal error for an index list that is not sorted, unique and below d.
[[noreturn]] void indices_fail_unsorted(size_t j, uint32_t value, uint32_t d);

// Internal linkage: each tier's translation unit gets its own copy, compiled
// with its own flags (an inline function shared across tiers could be linked
// from the AVX-512 object into the scalar path).
namespace {

// Gap g_j before idx[j]; a fatal error unless idx[j-1] < idx[j] < d.
inline uint32_t indices_gap(std::span<const uint32_t> idx, size_t j, uint32_t d) {
    uint64_t next = j ? uint64_t(idx[j - 1]) + 1 : 0;  // smallest allowed idx[j]
    if (idx[j] < next || idx[j] >= d) indices_fail_unsorted(j, idx[j], d);
    return uint32_t(idx[j] - next);
}

}  // namespace
}  // namespace bitvote
