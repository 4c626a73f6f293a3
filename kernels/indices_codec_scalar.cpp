// indices_encode / indices_decode, the reference: one bit at a time, in the
// order of the format (kernels/indices_codec_format.h). This is the specification.
#include <algorithm>

#include "indices_codec_format.h"
#include "tiers.h"

namespace bitvote::scalar {
namespace {

struct BitWriter {
    std::span<uint8_t> out;
    uint64_t pos = 0;  // bits written

    void put_bit(unsigned bit) {
        if ((pos & 7) == 0) out[pos >> 3] = 0;
        out[pos >> 3] |= uint8_t(bit << (pos & 7));
        ++pos;
    }
    void put_bits(uint64_t value, unsigned n) {
        for (unsigned i = 0; i < n; ++i) put_bit((value >> i) & 1);
    }
};

struct BitReader {
    std::span<const uint8_t> in;
    uint64_t pos = 0;  // bits read

    // False when the input has no bit left.
    bool get_bit(unsigned* bit) {
        if (pos >= 8 * uint64_t(in.size())) return false;
        *bit = (in[pos >> 3] >> (pos & 7)) & 1;
        ++pos;
        return true;
    }
    bool get_bits(unsigned n, uint64_t* value) {
        *value = 0;
        for (unsigned i = 0, bit; i < n; ++i) {
            if (!get_bit(&bit)) return false;
            *value |= uint64_t(bit) << i;
        }
        return true;
    }
    // Zero bits before the next one bit.
    bool get_unary(uint64_t* q) {
        *q = 0;
        for (unsigned bit;; ++*q) {
            if (!get_bit(&bit)) return false;
            if (bit) return true;
        }
    }
};

}  // namespace

size_t indices_encode(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,
                      std::span<uint8_t> out) {
    indices_check_encode_args(idx, signs, d, out);
    size_t k = idx.size();
    unsigned b = indices_rice_parameter(d, k);
    size_t header = indices_header_write(k, b, out);
    BitWriter w{out.subspan(header)};
    for (size_t j = 0; j < k; ++j) w.put_bits(indices_gap(idx, j, d) & ((uint64_t{1} << b) - 1), b);
    for (size_t j = 0; j < k; ++j) w.put_bit((signs[j / 64] >> (j % 64)) & 1);
    for (size_t j = 0; j < k; ++j) {
        for (uint32_t q = indices_gap(idx, j, d) >> b; q > 0; --q) w.put_bit(0);
        w.put_bit(1);
    }
    return header + size_t((w.pos + 7) / 8);
}

CodecStatus indices_decode(std::span<const uint8_t> in, uint32_t d, std::span<uint32_t> idx_out,
                           std::span<uint64_t> signs_out, size_t* k_out) {
    *k_out = 0;
    IndicesHeader h;
    if (CodecStatus s = indices_header_read(in, d, idx_out.size(), signs_out.size(), &h); s != CodecStatus::ok)
        return s;
    BitReader r{in.subspan(h.bytes)};
    uint64_t value;
    for (size_t j = 0; j < h.k; ++j) {  // remainders, kept in idx_out until the quotients come
        if (!r.get_bits(h.b, &value)) return CodecStatus::truncated;
        idx_out[j] = uint32_t(value);
    }
    for (size_t i = 0; i < bitmap_words(h.k); ++i) signs_out[i] = 0;
    for (size_t j = 0; j < h.k; ++j) {
        if (!r.get_bits(1, &value)) return CodecStatus::truncated;
        signs_out[j / 64] |= value << (j % 64);
    }
    bool in_range = true;
    uint64_t next = 0;  // smallest allowed index
    for (size_t j = 0; j < h.k; ++j) {
        uint64_t q;
        if (!r.get_unary(&q)) return CodecStatus::truncated;
        if (!in_range) continue;
        uint64_t index = next + ((std::min<uint64_t>(q, d) << h.b) | idx_out[j]);
        in_range = index < d;
        idx_out[j] = uint32_t(index);
        next = index + 1;
    }
    if (CodecStatus s = indices_check_tail(r.in, r.pos); s != CodecStatus::ok) return s;
    if (!in_range) return CodecStatus::out_of_range;
    *k_out = h.k;
    return CodecStatus::ok;
}

}  // namespace bitvote::scalar
