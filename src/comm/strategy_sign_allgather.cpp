// sign-allgather: each rank's scaled sign (d sign bits + one fp32 scale, the
// efsign message) goes to every rank with one MPI_Allgather; every rank sums
// scale_r * sign_r in rank order and divides by P (the voters: an abstainer's
// scale is 0), so all hold the same bits.
#include <cstring>

#include "comm/collectives.h"
#include "comm/dense_vote.h"
#include "comm/strategies.h"
#include "kernels.h"

namespace bitvote {

void exchange_sign_allgather(Comm* c, const Message& msg, Update* out) {
    const size_t P = size_t(c->size), d = msg.d, words = bitmap_words(d), row = words + 1;
    ExchangeBuffers& b = c->buffers;
    std::span<uint64_t> mine = resize_words(&b.mine, row), all = resize_words(&b.received, P * row);  // [P][row]
    std::copy(msg.bits.begin(), msg.bits.begin() + ptrdiff_t(words), mine.begin());
    uint32_t scale_bits;
    std::memcpy(&scale_bits, &msg.scale, 4);
    mine[words] = scale_bits;  // the last word of a row holds the scale
    allgather_words(c, mine.data(), all.data(), row);

    update_reset(out, MessageKind::fp32, d);
    for (size_t r = 0; r < P; ++r) {
        const uint64_t* bits = &all[r * row];
        float scale;
        scale_bits = uint32_t(bits[words]);
        std::memcpy(&scale, &scale_bits, 4);
        const float plus_minus[2] = {-scale, scale};  // indexed by the bit: no branch on random signs
        for (size_t i = 0; i < d; ++i) out->values[i] += plus_minus[(bits[i / 64] >> (i % 64)) & 1];
    }
    for (float& v : out->values) v /= float(message_voters(msg, int(P)));
}

// Every rank receives the P - 1 other bitmaps and scales: (P - 1) (d / 8 + 8) bytes.
double model_bytes_sign_allgather(MessageKind, size_t d, int P, size_t) {
    return double(P - 1) * (double(d) / 8 + 8);
}

}  // namespace bitvote
