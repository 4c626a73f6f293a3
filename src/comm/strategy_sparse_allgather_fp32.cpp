// sparse-allgather-fp32: each rank's (index, value) list (the topk message)
// goes to every rank with MPI_Allgather of the sizes and MPI_Allgatherv of
// the pairs; every rank adds the lists in rank order and divides by P (the
// voters: an abstainer's list is empty), so all hold the same bits.
#include <cstring>

#include "comm/collectives.h"
#include "comm/strategies.h"

namespace bitvote {

namespace {
constexpr size_t pair_bytes = 8;  // uint32 index + fp32 value
}

void exchange_sparse_allgather_fp32(Comm* c, const Message& msg, Update* out) {
    const size_t P = size_t(c->size), k = msg.indices.size();
    ExchangeBuffers& b = c->buffers;
    b.encoded.resize(k * pair_bytes);  // [K] indices, then [K] values
    std::memcpy(b.encoded.data(), msg.indices.data(), k * 4);
    std::memcpy(b.encoded.data() + k * 4, msg.values.data(), k * 4);

    uint64_t mine = k * pair_bytes;
    std::vector<uint64_t> sizes(P);  // bytes per rank
    allgather_words(c, &mine, sizes.data(), 1);
    size_t total = 0;
    for (uint64_t s : sizes) total += s;
    b.all_encoded.resize(total);
    allgatherv_bytes(c, b.encoded.data(), mine, b.all_encoded.data(), sizes.data());

    update_reset(out, MessageKind::fp32, msg.d);
    const uint8_t* from = b.all_encoded.data();
    for (size_t r = 0; r < P; from += sizes[r], ++r)
        for (size_t j = 0, kr = sizes[r] / pair_bytes; j < kr; ++j) {
            uint32_t i;
            float v;
            std::memcpy(&i, from + 4 * j, 4);
            std::memcpy(&v, from + 4 * (kr + j), 4);
            if (i >= msg.d) fatal("sparse-allgather-fp32: rank %zu sent index %u >= d = %zu", r, i, msg.d);
            out->values[i] += v;
        }
    for (float& v : out->values) v /= float(message_voters(msg, int(P)));
}

// Every rank receives the P - 1 other lists; `encoded` = one rank's list, 8 K bytes.
double model_bytes_sparse_allgather_fp32(MessageKind, size_t, int P, size_t encoded) {
    return double(P - 1) * double(encoded);
}

}  // namespace bitvote
