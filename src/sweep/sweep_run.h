// One row of `bitvote sweep`: time, payload and wire bytes of one strategy at
// one size, and the number of coordinates its result gets wrong.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/strategy.h"
#include "comm/wire_bytes.h"
#include "sweep/vote_data.h"

namespace bitvote {

// What every row needs besides the strategy: measured once at start-up.
struct SweepContext {
    Transport transport = Transport::self;
    WireBytes barrier_cost;  // this rank, per MPI_Barrier on the comm
    int iters = 1;           // timed exchanges
    int warmup = 0;          // untimed exchanges before them
};

// Per exchange. Bytes are those of the busiest rank (max over ranks), times
// the max over ranks of each iteration's time, then avg/min/max over iterations.
struct SweepRow {
    std::string strategy;     // table name
    std::string picked;       // what `auto` chose ("" for the others)
    MessageKind kind = MessageKind::fp32;
    int ranks = 1;
    uint64_t d = 0;           // coordinates
    double time_us_avg = 0, time_us_min = 0, time_us_max = 0;
    uint64_t payload_sent = 0;  // bytes handed to MPI
    bool wire_measured = false; // transport is tcp
    bool wire_consistent = true;  // sum over ranks of sent == sum of received (within fence noise)
    uint64_t wire_sent = 0, wire_recv = 0;  // bytes on the wire, barriers subtracted
    double vote_add_us = 0;   // inside the vote op's vote_add calls per exchange, busiest rank
    double model_bytes = 0;   // DESIGN.md section 4, per rank
    uint64_t wrong = 0;       // coordinates unlike rank 0's naive reference (max over ranks)
    double speedup = 0;       // allreduce time_us_avg / time_us_avg at this d; 0 = no allreduce row
};

// The data the sweep sends strategy s (its row's sweep plan): dense kinds
// vote at random, list kinds (and ternary) vote on a fraction `density` of
// the coordinates.
VotePattern sweep_pattern(MessageKind kind);

// Whether the default list (no --strategies) runs s: its sweep plan, and a
// picker only where there are peers to measure alpha and beta between.
bool sweep_by_default(const Strategy& s, bool density_given, int P);

// One size's data (src/sweep/vote_data.h) for each kind the strategies are
// sent (their sweep plans): this rank's message and, on rank 0, the oracle's
// update over all ranks. `density`: the fraction of coordinates lists vote on.
struct SweepData {
    std::vector<VoteMessage> mine;  // [message_kind_count]; empty where no strategy is sent the kind
    std::vector<Update> expected;   // [message_kind_count]; rank 0 only
};
SweepData sweep_data_make(const Comm& c, std::span<const Strategy* const> strategies, uint64_t seed, double density,
                          size_t d);

// Collective on c: s exchanges the data of its sweep plan's kind. The
// expected update is read on rank 0 only.
SweepRow sweep_run_row(Comm* c, const Strategy& s, const SweepData& data, const SweepContext& ctx);

}  // namespace bitvote
