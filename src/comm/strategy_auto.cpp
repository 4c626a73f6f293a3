// auto: the strategy with the least alpha-beta time for this message,
// alpha * model_rounds + beta * model_bytes, among those that take its kind.
// Every rank must reach the same pick: alpha and beta are the same everywhere
// (the caller's), d is, and for sparse votes and sparse fp32 lists the list
// size is the largest K over ranks (one 8-byte allreduce).
#include <cmath>
#include <limits>

#include "comm/collectives.h"
#include "comm/mpi_check.h"
#include "comm/strategies.h"
#include "kernels.h"

namespace bitvote {

void exchange_auto(Comm* c, const Message& msg, Update* out) {
    bool model_unset = c->alpha_beta.alpha_s <= 0 && c->alpha_beta.beta_s_per_byte <= 0;
    if (model_unset && c->size > 1)  // at P = 1 every model is 0 and any pick is free
        fatal_collective("strategy auto needs the alpha-beta model: set Comm::alpha_beta (bitvote sweep measures it)");
    size_t encoded = 0;
    if (msg.kind == MessageKind::ternary || msg.kind == MessageKind::sparse) {
        uint64_t k = sparse_entries(msg);
        allreduce_max_u64(c, &k, 1);
        encoded = indices_encode_bound(msg.d, k);
    } else if (msg.kind == MessageKind::sparse_fp32) {
        uint64_t k = msg.indices.size();
        allreduce_max_u64(c, &k, 1);
        encoded = 8 * k;  // (uint32 index, fp32 value) pairs
    }
    const Strategy* best = nullptr;
    double best_s = std::numeric_limits<double>::infinity();
    for (const Strategy& s : strategy_table()) {
        if (s.exchange == exchange_auto || !(s.accepts & kind_bit(msg.kind))) continue;
        double t = model_seconds(s, msg.kind, msg.d, c->size, encoded, c->alpha_beta);
        if (t < best_s) best = &s, best_s = t;
    }
    c->auto_choice = best;
    best->exchange(c, msg, out);
}

// auto has no model of its own: use c.auto_choice's after an exchange.
double model_bytes_auto(MessageKind, size_t, int, size_t) { return std::nan(""); }
double model_rounds_auto(int) { return std::nan(""); }

}  // namespace bitvote
