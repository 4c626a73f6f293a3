// The strategy table, message checks, exchange() and the Comm state.
#include "comm/strategy.h"

#include <cmath>
#include <cstdio>

#include "comm/mpi_check.h"
#include "comm/strategies.h"
#include "kernels.h"

namespace bitvote {

namespace {

constexpr unsigned dense_votes = kind_bit(MessageKind::sign) | kind_bit(MessageKind::ternary) |
                                 kind_bit(MessageKind::sparse);
constexpr unsigned sparse_votes = kind_bit(MessageKind::ternary) | kind_bit(MessageKind::sparse);
constexpr unsigned every_kind = kind_bit(MessageKind::fp32) | dense_votes;

const Strategy table[] = {
    {"allreduce", "fp32 MPI_Allreduce SUM, then / P (the DDP/Horovod CPU baseline)", kind_bit(MessageKind::fp32),
     exchange_allreduce, model_bytes_allreduce, model_rounds_ring},
    {"vote-allreduce", "MPI_Allreduce of w-bit vote counters with the vote op", dense_votes,
     exchange_vote_allreduce, model_bytes_vote_allreduce, model_rounds_ring},
    {"vote-rsag", "vote-op MPI_Reduce_scatter_block, decide own chunk, MPI_Allgather the decisions", dense_votes,
     exchange_vote_rsag, model_bytes_vote_rsag, model_rounds_ring},
    {"vote-alltoall", "MPI_Alltoall of sign chunks, count own chunk, MPI_Allgather the decisions", dense_votes,
     exchange_vote_alltoall, model_bytes_vote_alltoall, model_rounds_ring},
    {"vote-gather", "MPI_Gather of signs to rank 0, rank 0 votes, MPI_Bcast", dense_votes, exchange_vote_gather,
     model_bytes_vote_gather, model_rounds_gather},
    {"sparse-allgather", "MPI_Allgatherv of encoded (index, sign) lists, every rank votes", sparse_votes,
     exchange_sparse_allgather, model_bytes_sparse_allgather, model_rounds_ring},
    {"auto", "the cheapest of the above by the alpha-beta model (Comm::alpha_beta)", every_kind, exchange_auto,
     model_bytes_auto, model_rounds_auto},
};

// "" if the message is well formed for its kind, else what is wrong.
std::string message_check(const Message& m) {
    char why[160] = "";
    size_t words = bitmap_words(m.d);
    switch (m.kind) {
        case MessageKind::fp32:
            if (m.values.size() != m.d) std::snprintf(why, sizeof why, "fp32 message: %zu values for d = %zu",
                                                      m.values.size(), m.d);
            break;
        case MessageKind::sign:
            if (m.bits.size() < words) std::snprintf(why, sizeof why, "sign message: %zu words for d = %zu",
                                                     m.bits.size(), m.d);
            break;
        case MessageKind::ternary:
            if (m.voted.size() < words || m.positive.size() < words)
                std::snprintf(why, sizeof why, "ternary message: %zu voted / %zu positive words for d = %zu",
                              m.voted.size(), m.positive.size(), m.d);
            break;
        case MessageKind::sparse:
            if (m.d > UINT32_MAX) std::snprintf(why, sizeof why, "sparse message: d = %zu exceeds 2^32 - 1", m.d);
            else if (m.signs.size() < bitmap_words(m.indices.size()))
                std::snprintf(why, sizeof why, "sparse message: %zu sign words for %zu indices", m.signs.size(),
                              m.indices.size());
            for (size_t j = 0; !*why && j < m.indices.size(); ++j)
                if (m.indices[j] >= m.d || (j && m.indices[j] <= m.indices[j - 1]))
                    std::snprintf(why, sizeof why,
                                  "sparse message: index[%zu] = %u is not ascending, unique and below d = %zu", j,
                                  m.indices[j], m.d);
            break;
    }
    return why;
}

}  // namespace

std::string_view message_kind_name(MessageKind k) {
    switch (k) {
        case MessageKind::fp32: return "fp32";
        case MessageKind::sign: return "sign";
        case MessageKind::ternary: return "ternary";
        case MessageKind::sparse: return "sparse";
    }
    return "?";
}

Message message_fp32(std::span<const float> values) {
    Message m;
    m.kind = MessageKind::fp32;
    m.d = values.size();
    m.values = values;
    return m;
}

Message message_sign(std::span<const uint64_t> bits, size_t d) {
    Message m;
    m.kind = MessageKind::sign;
    m.d = d;
    m.bits = bits;
    return m;
}

Message message_ternary(std::span<const uint64_t> voted, std::span<const uint64_t> positive, size_t d) {
    Message m;
    m.kind = MessageKind::ternary;
    m.d = d;
    m.voted = voted;
    m.positive = positive;
    return m;
}

Message message_sparse(std::span<const uint32_t> indices, std::span<const uint64_t> signs, size_t d) {
    Message m;
    m.kind = MessageKind::sparse;
    m.d = d;
    m.indices = indices;
    m.signs = signs;
    return m;
}

Comm comm_open(MPI_Comm parent) {
    Comm c;
    MPI_CHECK(MPI_Comm_dup(parent, &c.comm));
    mpi_errors_return(c.comm);
    MPI_CHECK(MPI_Comm_rank(c.comm, &c.rank));
    MPI_CHECK(MPI_Comm_size(c.comm, &c.size));
    c.vote = vote_op_create(vote_width(uint64_t(c.size)));
    return c;
}

void comm_close(Comm* c) {
    vote_op_free(&c->vote);
    if (c->comm != MPI_COMM_NULL) MPI_CHECK(MPI_Comm_free(&c->comm));
}

void count_payload(Comm* c, size_t sent, size_t received) {
    c->payload.sent += sent;
    c->payload.received += received;
}

std::span<const Strategy> strategy_table() { return table; }

const Strategy* strategy_find(std::string_view name) {
    for (const Strategy& s : table)
        if (s.name == name) return &s;
    return nullptr;
}

std::string strategy_check(const Strategy& s, MessageKind k) {
    if (s.accepts & kind_bit(k)) return "";
    std::string takes;
    for (int i = 0; i < message_kind_count; ++i)
        if (s.accepts & kind_bit(MessageKind(i)))
            takes += (takes.empty() ? "" : ", ") + std::string(message_kind_name(MessageKind(i)));
    return "strategy '" + std::string(s.name) + "' cannot exchange " + std::string(message_kind_name(k)) +
           " messages (it takes: " + takes + ")";
}

double model_seconds(const Strategy& s, MessageKind kind, size_t d, int P, size_t encoded, AlphaBeta ab) {
    return ab.alpha_s * s.model_rounds(P) + ab.beta_s_per_byte * s.model_bytes(kind, d, P, encoded);
}

void exchange(Comm* c, const Strategy& s, const Message& msg, Update* out) {
    if (std::string why = strategy_check(s, msg.kind); !why.empty()) fatal_collective("%s", why.c_str());
    if (std::string why = message_check(msg); !why.empty()) fatal("%s", why.c_str());
    s.exchange(c, msg, out);
}

double model_rounds_ring(int P) { return 2.0 * (P - 1); }

double model_rounds_gather(int P) { return (P - 1) + std::ceil(std::log2(double(P))); }

}  // namespace bitvote
