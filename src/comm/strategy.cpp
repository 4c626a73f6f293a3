// The strategy table, message checks, exchange() and the Comm state.
#include "comm/strategy.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>

#include "comm/abstain_census.h"
#include "comm/mpi_check.h"
#include "comm/strategies.h"
#include "kernels.h"

namespace bitvote {

namespace {

constexpr unsigned dense_votes = kind_bit(MessageKind::sign) | kind_bit(MessageKind::ternary) |
                                 kind_bit(MessageKind::sparse);
constexpr unsigned sparse_votes = kind_bit(MessageKind::ternary) | kind_bit(MessageKind::sparse);
constexpr unsigned value_kinds = kind_bit(MessageKind::fp32) | kind_bit(MessageKind::scaled_sign) |
                                 kind_bit(MessageKind::sparse_fp32);
constexpr unsigned every_kind = value_kinds | dense_votes;

// One row per strategy; the sweep sends each the kind of its `sweep` plan.
const Strategy table[] = {
    {.name = "allreduce", .what = "fp32 MPI_Allreduce SUM, then / P (the DDP/Horovod CPU baseline)",
     .accepts = value_kinds, .exchange = exchange_allreduce, .model_bytes = model_bytes_allreduce,
     .model_rounds = model_rounds_ring, .fp32_baseline = true,
     .sweep = {MessageKind::fp32, SweepDefault::always}},
    {.name = "vote-allreduce", .what = "MPI_Allreduce of w-bit vote counters with the vote op",
     .accepts = dense_votes, .exchange = exchange_vote_allreduce, .model_bytes = model_bytes_vote_allreduce,
     .model_rounds = model_rounds_ring, .sweep = {MessageKind::sign, SweepDefault::always}},
    {.name = "vote-rsag", .what = "vote-op MPI_Reduce_scatter_block, decide own chunk, MPI_Allgather the decisions",
     .accepts = dense_votes, .exchange = exchange_vote_rsag, .model_bytes = model_bytes_vote_rsag,
     .model_rounds = model_rounds_ring, .sweep = {MessageKind::sign, SweepDefault::always}},
    {.name = "vote-alltoall", .what = "MPI_Alltoall of sign chunks, count own chunk, MPI_Allgather the decisions",
     .accepts = dense_votes, .exchange = exchange_vote_alltoall, .model_bytes = model_bytes_vote_alltoall,
     .model_rounds = model_rounds_ring, .sweep = {MessageKind::sign, SweepDefault::always}},
    {.name = "vote-gather", .what = "MPI_Gather of signs to rank 0, rank 0 votes, MPI_Bcast",
     .accepts = dense_votes, .exchange = exchange_vote_gather, .model_bytes = model_bytes_vote_gather,
     .model_rounds = model_rounds_gather, .sweep = {MessageKind::sign, SweepDefault::always}},
    {.name = "sparse-allgather", .what = "MPI_Allgatherv of encoded (index, sign) lists, every rank votes",
     .accepts = sparse_votes, .exchange = exchange_sparse_allgather, .model_bytes = model_bytes_sparse_allgather,
     .model_rounds = model_rounds_ring, .sends_list = true,
     .sweep = {MessageKind::sparse, SweepDefault::with_density}},
    {.name = "sign-allgather",
     .what = "MPI_Allgather of scaled sign bitmaps, every rank sums scale * sign / P (efsign)",
     .accepts = kind_bit(MessageKind::scaled_sign), .exchange = exchange_sign_allgather,
     .model_bytes = model_bytes_sign_allgather, .model_rounds = model_rounds_ring,
     .sweep = {MessageKind::scaled_sign, SweepDefault::on_request}},
    {.name = "sparse-allgather-fp32", .what = "MPI_Allgatherv of (index, value) lists, every rank sums them / P (topk)",
     .accepts = kind_bit(MessageKind::sparse_fp32), .exchange = exchange_sparse_allgather_fp32,
     .model_bytes = model_bytes_sparse_allgather_fp32, .model_rounds = model_rounds_ring, .sends_list = true,
     .sweep = {MessageKind::sparse_fp32, SweepDefault::on_request}},
    {.name = "auto", .what = "the cheapest of the above by the alpha-beta model (Comm::alpha_beta)",
     .accepts = every_kind, .exchange = exchange_auto, .model_bytes = model_bytes_auto,
     .model_rounds = model_rounds_auto, .picks = true,
     .sweep = {MessageKind::sign, SweepDefault::always}},
};

// "" if indices are ascending, unique and below d, else what is wrong.
std::string indices_check(std::span<const uint32_t> indices, size_t d) {
    char why[160] = "";
    for (size_t j = 0; !*why && j < indices.size(); ++j)
        if (indices[j] >= d || (j && indices[j] <= indices[j - 1]))
            std::snprintf(why, sizeof why, "sparse message: index[%zu] = %u is not ascending, unique and below d = %zu",
                          j, indices[j], d);
    return why;
}

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
            else return indices_check(m.indices, m.d);
            break;
        case MessageKind::scaled_sign:
            if (m.bits.size() < words || !std::isfinite(m.scale))
                std::snprintf(why, sizeof why, "scaled sign message: %zu words for d = %zu, scale %g", m.bits.size(),
                              m.d, double(m.scale));
            break;
        case MessageKind::sparse_fp32:
            if (m.d > UINT32_MAX) std::snprintf(why, sizeof why, "sparse fp32 message: d = %zu exceeds 2^32 - 1", m.d);
            else if (m.values.size() != m.indices.size())
                std::snprintf(why, sizeof why, "sparse fp32 message: %zu values for %zu indices", m.values.size(),
                              m.indices.size());
            else return indices_check(m.indices, m.d);
            break;
    }
    return why;
}

// "" if the abstainers are P flags of 0 or 1 that list this rank exactly
// when it abstains and leave a voter, else what is wrong.
std::string abstainers_check(const Message& m, int rank, int P) {
    const std::span<const uint8_t> a = m.abstainers;
    if (a.empty()) return m.abstains ? "an abstaining message without the abstainers (abstain_census)" : "";
    if (a.size() != size_t(P) || std::any_of(a.begin(), a.end(), [](uint8_t f) { return f > 1; }))
        return "abstainers: " + std::to_string(a.size()) + " flags for " + std::to_string(P) + " ranks, or a flag not 0/1";
    if (bool(a[size_t(rank)]) != m.abstains) return "abstainers disagree with this rank's message on its abstention";
    if (message_voters(m, P) < 1) return "every rank abstains: no vote to take";
    return "";
}

}  // namespace

std::string_view message_kind_name(MessageKind k) {
    switch (k) {
        case MessageKind::fp32: return "fp32";
        case MessageKind::sign: return "sign";
        case MessageKind::ternary: return "ternary";
        case MessageKind::sparse: return "sparse";
        case MessageKind::scaled_sign: return "scaled_sign";
        case MessageKind::sparse_fp32: return "sparse_fp32";
    }
    return "?";
}

// The kind and size; the factories below fill the spans of their kind.
static Message message_base(MessageKind kind, size_t d) {
    Message m;
    m.kind = kind;
    m.d = d;
    return m;
}

Message message_fp32(std::span<const float> values) {
    Message m = message_base(MessageKind::fp32, values.size());
    m.values = values;
    return m;
}

Message message_sign(std::span<const uint64_t> bits, size_t d) {
    Message m = message_base(MessageKind::sign, d);
    m.bits = bits;
    return m;
}

Message message_ternary(std::span<const uint64_t> voted, std::span<const uint64_t> positive, size_t d) {
    Message m = message_base(MessageKind::ternary, d);
    m.voted = voted;
    m.positive = positive;
    return m;
}

Message message_sparse(std::span<const uint32_t> indices, std::span<const uint64_t> signs, size_t d) {
    Message m = message_base(MessageKind::sparse, d);
    m.indices = indices;
    m.signs = signs;
    return m;
}

Message message_scaled_sign(std::span<const uint64_t> bits, float scale, size_t d) {
    Message m = message_base(MessageKind::scaled_sign, d);
    m.bits = bits;
    m.scale = scale;
    return m;
}

Message message_sparse_fp32(std::span<const uint32_t> indices, std::span<const float> values, size_t d) {
    Message m = message_base(MessageKind::sparse_fp32, d);
    m.indices = indices;
    m.values = values;
    return m;
}

void message_densify(const Message& msg, std::span<float> out) {
    switch (msg.kind) {
        case MessageKind::fp32: std::copy(msg.values.begin(), msg.values.end(), out.begin()); break;
        case MessageKind::scaled_sign: {
            const float plus_minus[2] = {-msg.scale, msg.scale};  // indexed by the bit: no branch on random signs
            for (size_t i = 0; i < msg.d; ++i) out[i] = plus_minus[(msg.bits[i / 64] >> (i % 64)) & 1];
            break;
        }
        case MessageKind::sparse_fp32:
            std::fill(out.begin(), out.end(), 0.0f);
            for (size_t j = 0; j < msg.indices.size(); ++j) out[msg.indices[j]] = msg.values[j];
            break;
        default: fatal("message_densify: %s messages carry no values", std::string(message_kind_name(msg.kind)).c_str());
    }
}

// Set bits among the first d of a bitmap (bits past d are not counted).
static size_t count_set_bits(std::span<const uint64_t> bits, size_t d) {
    size_t k = 0, words = bitmap_words(d);
    for (size_t i = 0; i < words; ++i) {
        uint64_t v = bits[i];
        if (i + 1 == words && d % 64) v &= (uint64_t{1} << (d % 64)) - 1;
        k += size_t(std::popcount(v));
    }
    return k;
}

int message_voters(const Message& msg, int P) {
    return P - abstainer_count(msg.abstainers);
}

size_t message_entries(const Message& msg) {
    switch (msg.kind) {
        case MessageKind::sparse:
        case MessageKind::sparse_fp32: return msg.indices.size();
        case MessageKind::ternary: return count_set_bits(msg.voted, msg.d);
        default: return 0;
    }
}

size_t update_nonzeros(const Update& u, size_t d) {
    switch (u.kind) {
        case MessageKind::sign: return d;
        case MessageKind::ternary: return count_set_bits(u.voted, d);
        default: return size_t(std::count_if(u.values.begin(), u.values.begin() + ptrdiff_t(d),
                                             [](float v) { return v != 0; }));
    }
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

Comm comm_split(Comm* parent, int color, int key) {
    MPI_Comm part = MPI_COMM_NULL;
    MPI_CHECK(MPI_Comm_split(parent->comm, color, key, &part));
    Comm c = comm_open(part);
    MPI_CHECK(MPI_Comm_free(&part));
    c.counts_into = parent;
    c.alpha_beta = parent->alpha_beta;
    return c;
}

void comm_close(Comm* c) {
    vote_op_free(&c->vote);
    if (c->comm != MPI_COMM_NULL) MPI_CHECK(MPI_Comm_free(&c->comm));
}

void count_payload(Comm* c, size_t sent, size_t received) {
    for (; c; c = c->counts_into) {
        std::atomic_ref(c->payload.sent).fetch_add(sent, std::memory_order_relaxed);
        std::atomic_ref(c->payload.received).fetch_add(received, std::memory_order_relaxed);
    }
}

std::span<const Strategy> strategy_table() { return table; }

const Strategy* strategy_find(std::string_view name) {
    for (const Strategy& s : table)
        if (s.name == name) return &s;
    return nullptr;
}

const Strategy& strategy_fp32_baseline() {
    static const Strategy& baseline = *std::find_if(std::begin(table), std::end(table),
                                                    [](const Strategy& s) { return s.fp32_baseline; });
    return baseline;
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

const Strategy* strategy_pick(MessageKind kind, const std::function<double(const Strategy&)>& seconds) {
    const Strategy* best = nullptr;
    double best_s = std::numeric_limits<double>::infinity();
    for (const Strategy& s : table) {
        if (s.picks || !(s.accepts & kind_bit(kind))) continue;
        const double t = seconds(s);
        if (t < best_s) best = &s, best_s = t;
    }
    return best;
}

const Strategy* strategy_pick(MessageKind kind, size_t d, int P, size_t encoded, AlphaBeta ab) {
    return strategy_pick(kind, [&](const Strategy& s) { return model_seconds(s, kind, d, P, encoded, ab); });
}

size_t encoded_bytes_estimate(MessageKind kind, size_t d, size_t k) {
    switch (kind) {
        case MessageKind::sparse:
        case MessageKind::ternary: return indices_encode_bound(d, k);
        case MessageKind::sparse_fp32: return 8 * k;  // (uint32 index, fp32 value) pairs
        default: return 0;
    }
}

void exchange(Comm* c, const Strategy& s, const Message& msg, Update* out) {
    if (std::string why = strategy_check(s, msg.kind); !why.empty()) fatal_collective("%s", why.c_str());
    if (std::string why = message_check(msg); !why.empty()) fatal("%s", why.c_str());
    if (std::string why = abstainers_check(msg, c->rank, c->size); !why.empty()) fatal("%s", why.c_str());
    s.exchange(c, msg, out);
}

double model_rounds_ring(int P) { return 2.0 * (P - 1); }

double model_rounds_gather(int P) { return (P - 1) + std::ceil(std::log2(double(P))); }

}  // namespace bitvote
