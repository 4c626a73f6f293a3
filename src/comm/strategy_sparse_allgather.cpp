// sparse-allgather: every rank encodes its (index, sign) list (indices_encode),
// MPI_Allgather of the sizes, MPI_Allgatherv of the bytes; every rank decodes
// all P lists and votes locally (ternary: 0 where nobody voted or on a tie).
#include <algorithm>
#include <bit>

#include "comm/collectives.h"
#include "comm/dense_vote.h"
#include "comm/mpi_check.h"
#include "comm/strategies.h"
#include "kernels.h"

namespace bitvote {

namespace {

struct SparseList {
    std::vector<uint32_t> indices;  // [K] ascending
    std::vector<uint64_t> signs;    // [bitmap_words(K)], bit j = 1 iff indices[j] votes +1
};

// The voted coordinates of a ternary message with their signs.
SparseList sparse_from_ternary(const Message& msg) {
    SparseList list;
    for (size_t i = 0; i < bitmap_words(msg.d); ++i)
        for (uint64_t v = msg.voted[i]; v; v &= v - 1) {
            size_t bit = size_t(std::countr_zero(v)), j = list.indices.size();
            if (i * 64 + bit >= msg.d) break;
            if (j % 64 == 0) list.signs.push_back(0);
            list.signs.back() |= ((msg.positive[i] >> bit) & 1) << (j % 64);
            list.indices.push_back(uint32_t(i * 64 + bit));
        }
    return list;
}

}  // namespace

void exchange_sparse_allgather(Comm* c, const Message& msg, Update* out) {
    if (msg.d > UINT32_MAX) fatal_collective("sparse-allgather: d = %zu exceeds the codec's 2^32 - 1", msg.d);
    uint32_t d = uint32_t(msg.d);
    ExchangeBuffers& b = c->buffers;
    SparseList extracted;
    Message list = msg;
    if (msg.kind == MessageKind::ternary) {
        extracted = sparse_from_ternary(msg);
        list = message_sparse(extracted.indices, extracted.signs, msg.d);
    }
    b.encoded.resize(indices_encode_bound(d, list.indices.size()));
    uint64_t shape[2] = {indices_encode(list.indices, list.signs, d, b.encoded), list.indices.size()};  // bytes, K

    size_t P = size_t(c->size), total = 0, k_max = 0;
    std::vector<uint64_t> shapes(2 * P), sizes(P);  // shapes: [P][bytes, K]
    allgather_words(c, shape, shapes.data(), 2);
    for (size_t r = 0; r < P; ++r) total += sizes[r] = shapes[2 * r], k_max = std::max(k_max, shapes[2 * r + 1]);
    b.all_encoded.resize(total);
    allgatherv_bytes(c, b.encoded.data(), shape[0], b.all_encoded.data(), sizes.data());

    VoteGrid g = vote_grid(MessageKind::sparse, msg.d, 1, c->size);
    size_t n = g.chunk_bitmap_words();
    std::span<uint64_t> rows = resize_words(&b.received, P * n);
    std::span<uint64_t> decided = resize_words(&b.decided, g.chunk_decided_words());
    std::vector<uint32_t> indices(k_max);
    std::vector<uint64_t> signs(bitmap_words(k_max));
    const uint8_t* from = b.all_encoded.data();
    for (size_t r = 0; r < P; ++r, from += sizes[r - 1]) {
        size_t k_sent = shapes[2 * r + 1], k = 0;
        CodecStatus status = indices_decode(std::span(from, sizes[r]), d, std::span(indices).first(k_sent),
                                            std::span(signs).first(bitmap_words(k_sent)), &k);
        if (status != CodecStatus::ok || k != k_sent)
            fatal("sparse-allgather: the list of rank %zu does not decode (%s, %zu of %zu entries)", r,
                  std::string(codec_status_name(status)).c_str(), k, k_sent);
        Message decoded = message_sparse(std::span(indices).first(k), signs, msg.d);
        pack_vote_bits(decoded, g, rows.subspan(r * n, n));
    }
    decide_rows(rows, g, voter_rows(rows, n, msg, c->size), &b.counters, decided);
    unpack_decided(decided, g, out);
}

// Every rank receives the P - 1 other encoded lists (ring allgather).
double model_bytes_sparse_allgather(MessageKind, size_t, int P, size_t encoded) {
    return double(P - 1) * double(encoded);
}

}  // namespace bitvote
