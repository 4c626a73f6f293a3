// The sparse index stream: header, parameter rule, size bound, tail check
// (see indices_codec_format.h). Shared by every tier; compiled without tier flags.
#include "indices_codec_format.h"

#include <bit>
#include <cstdio>
#include <cstdlib>

namespace bitvote {

unsigned indices_rice_parameter(uint64_t d, uint64_t k) {
    // floor(log2(0.96242 d/k - 0.48121)), 0 below 1; 63073 / 2^16 = 0.96242,
    // 31537 / 2^16 = 0.48121 (2 ln(phi - 1) and ln(phi - 1)).
    if (k == 0 || 63073 * d <= 31537 * k) return 0;
    uint64_t ratio = (63073 * d - 31537 * k) / (k << 16);
    return ratio ? unsigned(std::bit_width(ratio)) - 1 : 0;
}

static size_t varint_bytes(uint64_t v) { return v < 128 ? 1 : 1 + varint_bytes(v >> 7); }

size_t indices_encode_bound(size_t d, size_t k) {
    unsigned b = indices_rice_parameter(d, k);
    uint64_t quotient_bits = k && d > k ? (d - k) >> b : 0;  // sum of q_j <= (sum of gaps) >> b <= (d - K) >> b
    uint64_t bits = uint64_t(k) * (b + 2) + quotient_bits;
    return varint_bytes(k) + 1 + size_t((bits + 7) / 8);
}

size_t indices_header_write(uint64_t k, unsigned b, std::span<uint8_t> out) {
    size_t n = 0;
    for (; k >= 128; k >>= 7) out[n++] = uint8_t(k | 128);
    out[n++] = uint8_t(k);
    out[n++] = uint8_t(b);
    return n;
}

CodecStatus indices_header_read(std::span<const uint8_t> in, uint32_t d, size_t idx_capacity,
                                size_t signs_capacity, IndicesHeader* h) {
    uint64_t k = 0;
    size_t n = 0;
    for (;; ++n) {
        if (n == in.size()) return CodecStatus::truncated;
        uint8_t byte = in[n];
        if (n == 4 && byte > 0x0f) return CodecStatus::corrupt;  // more than 32 bits or 5 bytes
        if (n > 0 && byte == 0) return CodecStatus::corrupt;     // not minimal
        k |= uint64_t(byte & 127) << (7 * n);
        if (!(byte & 128)) break;
    }
    if (k > d) return CodecStatus::corrupt;
    if (++n == in.size()) return CodecStatus::truncated;
    unsigned b = in[n++];
    if (b != indices_rice_parameter(d, k)) return CodecStatus::corrupt;
    if (k > idx_capacity || bitmap_words(k) > signs_capacity) return CodecStatus::too_many;
    *h = IndicesHeader{k, b, n};
    return CodecStatus::ok;
}

CodecStatus indices_check_tail(std::span<const uint8_t> body, uint64_t end_bit) {
    if (body.size() != (end_bit + 7) / 8) return CodecStatus::corrupt;
    if ((end_bit & 7) && (body.back() >> (end_bit & 7)) != 0) return CodecStatus::corrupt;
    return CodecStatus::ok;
}

void indices_check_encode_args(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,
                               std::span<uint8_t> out) {
    size_t k = idx.size();
    const char* broken = k > d                                     ? "more indices than d"
                         : signs.size() < bitmap_words(k)          ? "signs shorter than bitmap_words(K)"
                         : out.size() < indices_encode_bound(d, k) ? "out shorter than indices_encode_bound"
                                                                   : nullptr;
    if (!broken) return;
    std::fprintf(stderr, "indices_encode: %s (d=%u, K=%zu, signs=%zu words, out=%zu bytes)\n", broken, d, k,
                 signs.size(), out.size());
    std::abort();
}

void indices_fail_unsorted(size_t j, uint32_t value, uint32_t d) {
    std::fprintf(stderr, "indices_encode: idx[%zu] = %u is not above idx[%zu] or not below d = %u\n", j, value,
                 j ? j - 1 : 0, d);
    std::abort();
}

}  // namespace bitvote
