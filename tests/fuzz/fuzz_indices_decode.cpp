// libFuzzer target: indices_decode (kernels/indices_codec_format.h) on any
// bytes, every tier this CPU has against the scalar specification.
//
// Input: d (4 bytes, little-endian), the output capacity in entries (2 bytes,
// little-endian), then the stream. The output spans are exactly as long as
// the capacity says (idx_out: capacity entries, signs_out: bitmap_words of
// it), so a write past them is a heap overflow AddressSanitizer reports, as is
// a read past the stream (libFuzzer's input buffer is exactly its size).
// Checked: every tier returns the scalar decoder's status, K, indices and
// signs; on ok the indices ascend below d and re-encode (scalar
// indices_encode) to the very stream decoded; on an error K is 0.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "kernels.h"

namespace {

struct Decoded {
    bitvote::CodecStatus status;
    size_t k = 0;
    std::vector<uint32_t> idx;   // [capacity]
    std::vector<uint64_t> signs; // [bitmap_words(capacity)]
};

Decoded decode(bitvote::Isa isa, std::span<const uint8_t> stream, uint32_t d, size_t capacity) {
    Decoded out;
    out.idx.assign(capacity, 0);
    out.signs.assign(bitvote::bitmap_words(capacity), 0);
    out.status = bitvote::kernel_table(isa).indices_decode(stream, d, out.idx, out.signs, &out.k);
    out.idx.resize(out.status == bitvote::CodecStatus::ok ? out.k : 0);
    out.signs.resize(out.status == bitvote::CodecStatus::ok ? bitvote::bitmap_words(out.k) : 0);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bitvote;
    if (size < 6) return 0;
    uint32_t d;
    std::memcpy(&d, data, 4);
    const size_t capacity = size_t(data[4]) | size_t(data[5]) << 8;
    const std::span<const uint8_t> stream(data + 6, size - 6);

    const Decoded want = decode(Isa::scalar, stream, d, capacity);
    fuzz_check(want.status == CodecStatus::ok || want.k == 0, "an error with K != 0");
    for (Isa isa : {Isa::avx2, Isa::avx512}) {
        if (!isa_supported(isa)) continue;
        const Decoded got = decode(isa, stream, d, capacity);
        fuzz_check(got.status == want.status, "a tier's status differs from scalar's");
        fuzz_check(got.k == want.k && got.idx == want.idx && got.signs == want.signs,
                   "a tier's indices or signs differ from scalar's");
    }
    if (want.status != CodecStatus::ok) return 0;
    for (size_t j = 0; j < want.k; ++j)
        fuzz_check(want.idx[j] < d && (j == 0 || want.idx[j - 1] < want.idx[j]), "indices not ascending below d");
    std::vector<uint8_t> again(indices_encode_bound(d, want.k));
    again.resize(kernel_table(Isa::scalar).indices_encode(want.idx, want.signs, d, again));
    fuzz_check(std::equal(again.begin(), again.end(), stream.begin(), stream.end()),
               "a decoded stream does not re-encode to itself");
    return 0;
}
