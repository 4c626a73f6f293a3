// Times one strategy at one size, measures its bytes and checks its result.
#include "sweep/sweep_run.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "base/hash.h"
#include "comm/mpi_check.h"
#include "comm/vote_op.h"
#include "kernels.h"

namespace bitvote {
namespace {

// The arrays of an update that carry its result, by its kind.
std::vector<std::vector<uint64_t>*> update_words(Update* u) {
    if (u->kind == MessageKind::sign) return {&u->bits};
    if (u->kind == MessageKind::ternary) return {&u->voted, &u->positive};
    return {};
}

// FNV-1a over the result: ranks compare it with rank 0's to find who differs.
uint64_t update_hash(Update* u) {
    uint64_t h = fnv1a_basis;
    for (float v : u->values) {
        uint32_t x = 0;
        std::memcpy(&x, &v, sizeof x);
        h = fnv1a_add(h, x);
    }
    for (std::vector<uint64_t>* words : update_words(u)) h = fnv1a_words(*words, h);
    return h;
}

// Rank `from` sends its result to rank 0, which counts its wrong coordinates.
// The arrays are sent at their expected sizes (a short one is padded with zeros).
void update_send(Comm* c, Update* u, size_t d) {
    u->values.resize(u->kind == MessageKind::fp32 ? d : 0);
    MPI_CHECK(MPI_Send(u->values.data(), int(u->values.size()), MPI_FLOAT, 0, 0, c->comm));
    for (std::vector<uint64_t>* words : update_words(u)) {
        words->resize(bitmap_words(d));
        MPI_CHECK(MPI_Send(words->data(), int(words->size()), MPI_UINT64_T, 0, 0, c->comm));
    }
}

Update update_recv(Comm* c, MessageKind kind, size_t d, int from) {
    Update u;
    u.kind = kind;
    u.values.resize(kind == MessageKind::fp32 ? d : 0);
    MPI_CHECK(MPI_Recv(u.values.data(), int(u.values.size()), MPI_FLOAT, from, 0, c->comm, MPI_STATUS_IGNORE));
    for (std::vector<uint64_t>* words : update_words(&u)) {
        words->resize(bitmap_words(d));
        MPI_CHECK(MPI_Recv(words->data(), int(words->size()), MPI_UINT64_T, from, 0, c->comm, MPI_STATUS_IGNORE));
    }
    return u;
}

// Collective. Rank 0 counts its own wrong coordinates; a rank whose result
// differs from rank 0's sends it, and rank 0 counts that too. Max over ranks.
uint64_t count_wrong_all_ranks(Comm* c, Update* got, size_t d, const Update& expected) {
    std::vector<uint64_t> hashes(size_t(c->size));
    uint64_t mine = update_hash(got);
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_UINT64_T, hashes.data(), 1, MPI_UINT64_T, c->comm));
    // Every rank agrees on the result kind (rank 0's) so the receive matches the send.
    unsigned kind = unsigned(got->kind);
    MPI_CHECK(MPI_Bcast(&kind, 1, MPI_UNSIGNED, 0, c->comm));
    uint64_t wrong = 0;
    if (c->rank == 0) wrong = update_wrong_coordinates(*got, expected, d);
    for (int r = 1; r < c->size; ++r) {
        if (hashes[size_t(r)] == hashes[0]) continue;
        if (c->rank == r) update_send(c, got, d);
        if (c->rank != 0) continue;
        const Update theirs = update_recv(c, MessageKind(kind), d, r);
        wrong = std::max(wrong, update_wrong_coordinates(theirs, expected, d));
    }
    MPI_CHECK(MPI_Bcast(&wrong, 1, MPI_UINT64_T, 0, c->comm));
    return wrong;
}

// Bytes of this rank's list as the list strategies send it, max over ranks:
// the encoded (index, sign) list of a sparse message, measured; 8 K for
// (index, value) pairs; 0 for dense kinds.
size_t encoded_bytes_max(Comm* c, const Message& msg) {
    uint64_t bytes = encoded_bytes_estimate(msg.kind, msg.d, message_entries(msg));
    if (msg.kind == MessageKind::sparse) {
        std::vector<uint8_t> out(bytes);
        bytes = indices_encode(msg.indices, msg.signs, uint32_t(msg.d), out);
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &bytes, 1, MPI_UINT64_T, MPI_MAX, c->comm));
    return bytes;
}

// Per exchange, time of the slowest rank in each iteration: avg/min/max in us.
void fill_times(Comm* c, std::vector<double> seconds, SweepRow* row) {
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, seconds.data(), int(seconds.size()), MPI_DOUBLE, MPI_MAX, c->comm));
    double sum = 0;
    for (double s : seconds) sum += s;
    row->time_us_avg = 1e6 * sum / double(seconds.size());
    row->time_us_min = 1e6 * *std::min_element(seconds.begin(), seconds.end());
    row->time_us_max = 1e6 * *std::max_element(seconds.begin(), seconds.end());
}

// Wire bytes of `iters` exchanges between iters + 1 barriers: the barriers are
// subtracted, then the busiest rank's bytes per exchange are kept. The sum of
// sent over ranks must match the sum of received (each byte sent is received
// once); the only expected gap is a barrier message that reaches a rank
// before its snapshot (tens of bytes).
void fill_wire(Comm* c, WireBytes moved, const SweepContext& ctx, SweepRow* row) {
    row->wire_measured = ctx.transport == Transport::tcp;
    if (!row->wire_measured) return;
    const uint64_t iters = uint64_t(ctx.iters), barriers = iters + 1;
    moved.sent -= std::min(moved.sent, barriers * ctx.barrier_cost.sent);
    moved.recv -= std::min(moved.recv, barriers * ctx.barrier_cost.recv);
    uint64_t busiest[2] = {moved.sent, moved.recv}, total[2] = {moved.sent, moved.recv};
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, busiest, 2, MPI_UINT64_T, MPI_MAX, c->comm));
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, total, 2, MPI_UINT64_T, MPI_SUM, c->comm));
    row->wire_sent = uint64_t(std::llround(double(busiest[0]) / double(iters)));
    row->wire_recv = uint64_t(std::llround(double(busiest[1]) / double(iters)));
    const double gap = std::fabs(double(total[0]) - double(total[1]));
    row->wire_consistent = gap <= 1e-4 * double(total[0]) + 128.0 * c->size;
}

}  // namespace

VotePattern sweep_pattern(MessageKind kind) {
    const bool lists = kind == MessageKind::sparse || kind == MessageKind::ternary || kind == MessageKind::sparse_fp32;
    return lists ? VotePattern::sparse : VotePattern::random;
}

bool sweep_by_default(const Strategy& s, bool density_given, int P) {
    if (s.picks && P == 1) return false;
    switch (s.sweep.by_default) {
        case SweepDefault::always: return true;
        case SweepDefault::with_density: return density_given;
        case SweepDefault::on_request: return false;
    }
    return false;
}

SweepData sweep_data_make(const Comm& c, std::span<const Strategy* const> strategies, uint64_t seed, double density,
                          size_t d) {
    SweepData data;
    data.mine.resize(message_kind_count);
    data.expected.resize(message_kind_count);
    unsigned made = 0;
    for (const Strategy* s : strategies) {
        const MessageKind kind = s->sweep.kind;
        if (made & kind_bit(kind)) continue;
        made |= kind_bit(kind);
        const VotePattern p = sweep_pattern(kind);
        data.mine[size_t(kind)] = vote_data_message(p, kind, seed, c.rank, c.size, d, density);
        if (c.rank == 0) data.expected[size_t(kind)] = vote_data_expected(p, kind, seed, c.size, d, density);
    }
    return data;
}

SweepRow sweep_run_row(Comm* c, const Strategy& s, const SweepData& data, const SweepContext& ctx) {
    const Message& msg = data.mine[size_t(s.sweep.kind)].msg;
    const Update& expected = data.expected[size_t(s.sweep.kind)];
    SweepRow row;
    row.strategy = std::string(s.name);
    row.kind = msg.kind;
    row.ranks = c->size;
    row.d = msg.d;
    const size_t encoded = encoded_bytes_max(c, msg);
    Update update;
    c->auto_choice = nullptr;
    for (int i = 0; i < ctx.warmup; ++i) exchange(c, s, msg, &update);
    wire_rescan();  // connections the warm-up opened (OpenMPI opens one per interface on first large message)

    std::vector<double> seconds(size_t(ctx.iters));
    MPI_CHECK(MPI_Barrier(c->comm));
    const PayloadBytes payload_before = c->bytes();
    const WireSnapshot wire_before = wire_snapshot();
    const double op_before = vote_op_seconds();
    MPI_CHECK(MPI_Barrier(c->comm));  // no rank sends before every rank took its snapshot
    for (double& t : seconds) {
        const double t0 = MPI_Wtime();
        exchange(c, s, msg, &update);
        t = MPI_Wtime() - t0;
        MPI_CHECK(MPI_Barrier(c->comm));  // fences the next exchange (its bytes are subtracted)
    }
    const WireBytes moved = wire_delta(wire_before, wire_snapshot());
    double op_us = 1e6 * (vote_op_seconds() - op_before) / ctx.iters;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &op_us, 1, MPI_DOUBLE, MPI_MAX, c->comm));
    row.vote_add_us = op_us;
    uint64_t payload = (c->bytes() - payload_before).sent / uint64_t(ctx.iters);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &payload, 1, MPI_UINT64_T, MPI_MAX, c->comm));
    row.payload_sent = payload;
    const Strategy& modeled = c->auto_choice ? *c->auto_choice : s;  // auto: the model of its pick
    if (c->auto_choice) row.picked = std::string(c->auto_choice->name);
    row.model_bytes = modeled.model_bytes(msg.kind, msg.d, c->size, encoded);

    fill_times(c, std::move(seconds), &row);
    fill_wire(c, moved, ctx, &row);
    row.wrong = count_wrong_all_ranks(c, &update, msg.d, expected);
    return row;
}

}  // namespace bitvote
