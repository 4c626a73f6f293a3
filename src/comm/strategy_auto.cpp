// auto: the strategy with the least alpha-beta time for this message,
// alpha * model_rounds + beta * model_bytes, among those that take its kind
// (strategy_pick). Every rank must reach the same pick: alpha and beta are
// the same everywhere (the caller's), d is, and for list messages the list
// size is that of the largest K over ranks (one 8-byte allreduce).
#include <cmath>

#include "comm/collectives.h"
#include "comm/mpi_check.h"
#include "comm/strategies.h"

namespace bitvote {

void exchange_auto(Comm* c, const Message& msg, Update* out) {
    bool model_unset = c->alpha_beta.alpha_s <= 0 && c->alpha_beta.beta_s_per_byte <= 0;
    if (model_unset && c->size > 1)  // at P = 1 every model is 0 and any pick is free
        fatal_collective("strategy auto needs the alpha-beta model: set Comm::alpha_beta (bitvote sweep measures it)");
    size_t encoded = 0;
    if (encoded_bytes_estimate(msg.kind, msg.d, 1) > 0) {  // a list: its size must be the same on every rank
        uint64_t k = message_entries(msg);
        allreduce_max_u64(c, &k, 1);
        encoded = encoded_bytes_estimate(msg.kind, msg.d, k);
    }
    const Strategy* best = strategy_pick(msg.kind, msg.d, c->size, encoded, c->alpha_beta);
    c->auto_choice = best;
    best->exchange(c, msg, out);
}

// auto has no model of its own: use c.auto_choice's after an exchange.
double model_bytes_auto(MessageKind, size_t, int, size_t) { return std::nan(""); }
double model_rounds_auto(int) { return std::nan(""); }

}  // namespace bitvote
