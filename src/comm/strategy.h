// How ranks agree on one update: message kinds, the strategy table, the
// per-communicator state and the payload byte counter.
//
// For the sweep and the trainer (one harness, small descriptors, as nccl-tests):
//   Comm c = comm_open(MPI_COMM_WORLD);            // after MPI_Init; dups the communicator
//   const Strategy* s = strategy_find("vote-rsag"); // nullptr if unknown
//   std::string why = strategy_check(*s, MessageKind::sign);  // "" if s takes that kind
//   if (s->picks) c.alpha_beta = alpha_beta_measure(c.comm);  // auto picks by the alpha-beta model
//   Message m = message_sign(bits, d);              // spans into the caller's buffers
//   PayloadBytes before = c.bytes();
//   exchange(&c, *s, m, &update);                   // collective; same s, kind, d on all ranks
//   PayloadBytes used = c.bytes() - before;         // bytes this rank handed to MPI
//   s->model_bytes(m.kind, d, c.size, encoded)      // DESIGN.md section 4, bytes per rank
//   comm_close(&c);                                 // before MPI_Finalize
// A picker (`auto`) records the row it ran in c.auto_choice. Payload bytes
// count the buffers named in each MPI call (count x type size), send and
// receive side, all through count_payload(); measured wire bytes live beside
// them (src/comm/wire_bytes.h).
//
// Adding a strategy: its file strategy_<name>.cpp (exchange + byte model),
// their declarations in strategies.h, and one row of the table in
// strategy.cpp. The trainer, the sweep, `auto`, the projection and the tests
// read everything else from the row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "comm/mpi_check.h"  // <mpi.h>
#include "comm/vote_op.h"

namespace bitvote {

// What a rank sends. Every vote decides sign(sum of votes), 0 on a tie
// (DESIGN.md 3). Dense sign: each rank votes +1 or -1 (its sign(0) = +1), so
// only an even number of voters can tie. Ternary and sparse: sign(plus -
// minus), 0 on a tie or where nobody voted. Every kind can abstain
// (Message::abstainers).
// scaled_sign (efsign) and sparse_fp32 (topk) carry values: their update is
// the fp32 mean over ranks, like fp32.
enum class MessageKind : unsigned { fp32 = 0, sign, ternary, sparse, scaled_sign, sparse_fp32 };
inline constexpr int message_kind_count = 6;
inline constexpr unsigned kind_bit(MessageKind k) { return 1u << unsigned(k); }
std::string_view message_kind_name(MessageKind k);
// fp32, scaled_sign and sparse_fp32 carry values (their update is the fp32 mean).
inline bool message_has_values(MessageKind k) {
    return k == MessageKind::fp32 || k == MessageKind::scaled_sign || k == MessageKind::sparse_fp32;
}

// One rank's contribution; spans point into the caller's buffers.
struct Message {
    MessageKind kind = MessageKind::fp32;
    size_t d = 0;                       // coordinates
    std::span<const float> values;      // fp32:    [d]
    std::span<const uint64_t> bits;     // sign:    [bitmap_words(d)], 1 = +1
    std::span<const uint64_t> voted;    // ternary: [bitmap_words(d)], 1 = votes
    std::span<const uint64_t> positive; // ternary: [bitmap_words(d)], 1 = votes +1 (subset of voted)
    std::span<const uint32_t> indices;  // sparse:  [K] ascending, unique, < d
    std::span<const uint64_t> signs;    // sparse:  [bitmap_words(K)], bit j = 1 iff indices[j] votes +1
    // scaled_sign: bits as sign, value i = scale * (bit i ? +1 : -1).
    // sparse_fp32: indices as sparse, values [K] (value j at indices[j], 0 elsewhere).
    float scale = 0;
    // Abstention (DESIGN.md 9): a rank whose gradient holds a NaN or inf casts
    // no vote that step. Its message says nothing (values 0, no list, no
    // ternary vote, scale 0; a dense sign cannot say 0, so its bits are
    // ignored), and the exchange leaves it out: value kinds divide by the
    // voters instead of P, dense sign votes count the voters' bits only.
    bool abstains = false;                // this rank abstains this step
    std::span<const uint8_t> abstainers;  // [P] 1 where rank r abstains this step (abstain_census), the
                                          // same on every rank; empty: every rank votes
};
Message message_fp32(std::span<const float> values);
Message message_sign(std::span<const uint64_t> bits, size_t d);
Message message_ternary(std::span<const uint64_t> voted, std::span<const uint64_t> positive, size_t d);
Message message_sparse(std::span<const uint32_t> indices, std::span<const uint64_t> signs, size_t d);
Message message_scaled_sign(std::span<const uint64_t> bits, float scale, size_t d);
Message message_sparse_fp32(std::span<const uint32_t> indices, std::span<const float> values, size_t d);
// The message as d floats (fp32, scaled_sign, sparse_fp32), out: [d].
void message_densify(const Message& msg, std::span<float> out);
// Whether rank r abstains in this exchange (msg.abstainers).
inline bool rank_abstains(const Message& msg, size_t r) { return !msg.abstainers.empty() && msg.abstainers[r]; }
// Ranks that vote in this exchange: P less the abstainers.
int message_voters(const Message& msg, int P);

// The agreed update, bit-identical on every rank. fp32, scaled_sign and sparse_fp32 messages give the mean
// over the voters; sign messages give the majority: sign when the voters are odd (no ties), ternary when
// they are even (a tie decides 0); ternary and sparse messages give ternary.
struct Update {
    MessageKind kind = MessageKind::fp32;  // fp32, sign or ternary
    std::vector<float> values;             // fp32:    [d] sum / voters (P unless ranks abstain)
    std::vector<uint64_t> bits;            // sign:    [bitmap_words(d)], 1 = +1
    std::vector<uint64_t> voted;           // ternary: [bitmap_words(d)], 1 = decided nonzero
    std::vector<uint64_t> positive;        // ternary: [bitmap_words(d)], 1 = decided +1
};

// Payload bytes this rank handed to MPI, cumulative since comm_open.
struct PayloadBytes {
    uint64_t sent = 0;      // bytes of the send buffers named in MPI calls
    uint64_t received = 0;  // bytes of the receive buffers named in MPI calls
};
inline PayloadBytes operator-(PayloadBytes a, PayloadBytes b) { return {a.sent - b.sent, a.received - b.received}; }

// The alpha-beta cost model: a message of n bytes takes alpha + beta * n seconds.
struct AlphaBeta {
    double alpha_s = 0;          // latency, seconds per message
    double beta_s_per_byte = 0;  // inverse bandwidth
};

struct Strategy;

// The strategies' working memory, kept across exchanges so that a timed
// exchange pays for its work, not for page faults on fresh buffers.
struct ExchangeBuffers {
    std::vector<uint64_t> mine;      // this rank's votes: bitmaps or counters
    std::vector<uint64_t> received;  // what a collective delivered
    std::vector<uint64_t> decided;   // this rank's decided chunk
    std::vector<uint64_t> gathered;  // every chunk's decision
    std::vector<uint64_t> counters;  // counting scratch (decide_rows)
    std::vector<uint8_t> encoded;    // this rank's encoded list (sparse-allgather)
    std::vector<uint8_t> all_encoded;  // every rank's encoded list
    std::vector<float> dense;        // a value-carrying message as [d] floats (allreduce)
};

// Per-communicator state: created once after MPI_Init, closed before MPI_Finalize.
struct Comm {
    MPI_Comm comm = MPI_COMM_NULL;          // a dup of the parent, errors return to MPI_CHECK
    int rank = 0;
    int size = 1;                           // P
    VoteOp vote;                            // the vote op and the tile type for w = vote_width(P)
    PayloadBytes payload;                   // this rank, cumulative
    Comm* counts_into = nullptr;            // comm_split: payload also counts in the parent's
    AlphaBeta alpha_beta;                   // for a picker (`auto`); must be the same on every rank
    const Strategy* auto_choice = nullptr;  // what a picker ran in its last exchange
    ExchangeBuffers buffers;
    PayloadBytes bytes() const { return payload; }
};
Comm comm_open(MPI_Comm parent);
// Collective on parent: the ranks of each `color` form one Comm, ordered by
// `key` (MPI_Comm_split), whose payload bytes also count in *parent's (which
// must outlive it): a two-stage aggregator's groups count where all payload is.
Comm comm_split(Comm* parent, int color, int key);
void comm_close(Comm* c);
// The one place payload bytes are counted: every MPI call of a strategy or an
// aggregator goes through a helper of collectives.h that calls it. Atomic: with
// --overlap the exchange thread counts into its parent while the caller's
// thread may count its own calls (magsparse's scale allreduce).
void count_payload(Comm* c, size_t sent, size_t received);

// How `bitvote sweep` exercises a strategy: the message kind it sends it
// (from the shared vote data, src/sweep/vote_data.h) and whether the default
// list (no --strategies) includes it.
enum class SweepDefault { always, with_density, on_request };
struct SweepPlan {
    MessageKind kind = MessageKind::sign;
    SweepDefault by_default = SweepDefault::always;
};

// One row of the strategy table: everything about a strategy.
struct Strategy {
    std::string_view name;  // --strategy value
    std::string_view what;  // one line for --help
    unsigned accepts = 0;   // kind_bit() of each MessageKind it exchanges
    void (*exchange)(Comm* c, const Message& msg, Update* out) = nullptr;
    // Model bytes per rank for large d (DESIGN.md section 4), for a message of
    // this kind; `encoded` = bytes of one rank's list (encoded_bytes_estimate:
    // the list strategies only). Ternary and sparse votes on dense strategies
    // move two bitmaps (or two counters) per coordinate; a decision moves two
    // bitmaps where a tie can decide 0 (ternary and sparse votes, sign votes
    // at even P: dense_vote.h's decision_planes), else one. vote-gather gives its
    // busiest rank, the root. A picker gives NaN (it has no model of its own:
    // use its pick's, Comm::auto_choice).
    double (*model_bytes)(MessageKind kind, size_t d, int P, size_t encoded) = nullptr;
    // Messages on the critical path (the alpha term of the cost model); NaN for a picker.
    double (*model_rounds)(int P) = nullptr;
    // auto: runs the row strategy_pick() names for each message, by
    // Comm::alpha_beta, which must be set first (alpha_beta_measure).
    bool picks = false;
    // The fp32 allreduce: the baseline every compressed exchange is compared with.
    bool fp32_baseline = false;
    // Each rank sends its own list once (payload sent per rank ~ `encoded`):
    // a run's measured payload gives the list size of its model.
    bool sends_list = false;
    SweepPlan sweep;
};

std::span<const Strategy> strategy_table();
const Strategy* strategy_find(std::string_view name);  // nullptr if unknown
const Strategy& strategy_fp32_baseline();               // the row with fp32_baseline
// "" if s exchanges messages of kind k, else one line saying why not.
std::string strategy_check(const Strategy& s, MessageKind k);
// alpha * rounds + beta * bytes.
double model_seconds(const Strategy& s, MessageKind kind, size_t d, int P, size_t encoded, AlphaBeta ab);

// The pick of `auto`, for the trainer, the sweep and the projection alike:
// among the rows that take `kind` (pickers aside), the one of least
// seconds(row); ties go to the earlier row; a row with seconds = +inf is
// never picked. nullptr if none can be.
const Strategy* strategy_pick(MessageKind kind, const std::function<double(const Strategy&)>& seconds);
// The same on one link: seconds = model_seconds(row, kind, d, P, encoded, ab).
const Strategy* strategy_pick(MessageKind kind, size_t d, int P, size_t encoded, AlphaBeta ab);
// Bytes of one rank's list of k entries as the list strategies send it, the
// `encoded` of model_bytes: the codec's bound on k (index, sign) entries for
// sparse and ternary votes, 8 k for (index, value) pairs; 0 for dense kinds.
size_t encoded_bytes_estimate(MessageKind kind, size_t d, size_t k);
// Entries a message lists: K of a sparse or sparse_fp32 message, the voted
// coordinates of a ternary one; 0 for dense kinds.
size_t message_entries(const Message& msg);

// Collective: every rank passes the same strategy, kind, d and abstainers.
// An invalid (strategy, kind) pair, a malformed message, an abstention the
// abstainers do not list or no voter at all is a fatal error.
void exchange(Comm* c, const Strategy& s, const Message& msg, Update* out);

// out = an update of `kind` (fp32, sign or ternary) holding zeros: d floats,
// or bitmap_words(d) words of each bitmap; the other arrays emptied.
void update_reset(Update* out, MessageKind kind, size_t d);
// Coordinates of the first d that the update moves (its aggregated value is
// not 0): fp32 values != 0, every coordinate of a sign update, the voted bits
// of a ternary one. The same on every rank.
size_t update_nonzeros(const Update& u, size_t d);

}  // namespace bitvote
