// The aggregators behind --aggregate (DESIGN.md section 3): how the ranks'
// messages become the one update every rank applies, bit-identical on every
// rank. One row per aggregator in the table of aggregator.cpp, one file each
// (aggregate_<name>.cpp).
//
// An aggregation runs in stages; each stage is an exchange, then a combine:
//   exchange  collective; its MPI calls go through src/comm (a strategy, or a
//             helper of comm/collectives.h), so its bytes count where all
//             payload is counted. The trainer times it as the `comm` phase.
//   combine   local work on what the exchange delivered (the O(P d) weighted
//             vote, the median). The trainer times it as the `aggregate`
//             phase. None where the exchange decides as it goes (vote).
// vote      1 stage: the --strategy's exchange; no combine.
// weighted  1 stage: allgather of the sign bitmaps; combine: SignSGD-FV's vote
//           (a ternary update: a weighted sum of exactly 0 decides 0).
// median    1 stage: allgather of the fp32 vectors; combine: coordinate median.
// detox     2 stages: a vote or median inside each group of R ranks, then a
//           robust rule across the groups (aggregate_detox.cpp). It makes its
//           sub-communicators in `open` (comm_split: their bytes count in the
//           run's Comm) into AggregateState::sub, and hands stage 0's result
//           to stage 1 in its state.
//
//   AggregateState a = aggregate_open(&comm, AggregateKind::weighted, *strategy);  // collective
//   for (int s = 0; s < a.row->stages; ++s) {
//       aggregate_exchange(&a, s, msg, &update);  // comm phase
//       if (a.row->combine) aggregate_combine(&a, s, msg, &update);  // aggregate phase
//   }
//   aggregate(&a, msg, &update);                  // the same loop, untimed (tests)
//   aggregate_close(&a);                          // collective: frees a.sub
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/named_state.h"
#include "comm/strategy.h"

namespace bitvote {

enum class AggregateKind { vote, weighted, median, detox };

// DETOX's shape: groups of `group` consecutive ranks (odd, >= 3, dividing P),
// then `final` (vote or median) across the P / group group results.
inline constexpr int detox_default_group = 3;
struct DetoxConfig {
    int group = detox_default_group;
    AggregateKind final = AggregateKind::vote;
};

struct AggregateState;

// One row of the aggregator table.
struct Aggregator {
    AggregateKind kind = AggregateKind::vote;
    std::string_view name;   // --aggregate value
    std::string_view what;   // one line for --help
    unsigned accepts = 0;    // kind_bit() of each MessageKind it aggregates
    bool uses_strategy = false;  // its exchange is --strategy's (which then decides what it takes)
    int stages = 1;
    void (*open)(AggregateState* a) = nullptr;  // collective, once; nullptr: nothing to set up
    void (*exchange)(AggregateState* a, int stage, const Message& msg, Update* out) = nullptr;
    void (*combine)(AggregateState* a, int stage, const Message& msg, Update* out) = nullptr;  // nullptr: none
};

// An aggregator's run state: made by aggregate_open, rank-local but for `sub`.
struct AggregateState {
    const Aggregator* row = nullptr;
    Comm* comm = nullptr;                // the run's communicator; outlives the state
    const Strategy* strategy = nullptr;  // vote: the exchange
    int64_t rounds = 0;                  // weighted: aggregations so far
    std::vector<uint64_t> agreed;        // weighted: [P] coordinates where rank r agreed with a nonzero decision
    std::vector<uint64_t> cast;          // weighted: [P] coordinates rank r voted on that decided nonzero
                                         // (a tie, 0, is agreed with by nobody and counts for no one)
    std::vector<uint64_t> all_bits;      // [P][bitmap_words(d)] gathered sign bitmaps
    std::vector<float> all_values;       // [P][d] gathered fp32 values
    std::vector<Comm> sub;               // a multi-stage aggregator's sub-communicators (comm_split):
                                         // sub[s] carries stage s
    DetoxConfig detox;                   // detox: the groups and the rule across them
    Update group_result;                 // detox: stage 0's result, the same on the group's R ranks
    std::vector<float> dense;            // detox: a value-carrying message as [d] floats
    std::vector<uint64_t> own_bits;      // detox: this rank's copy of its group's votes, [planes][words]
};

std::span<const Aggregator> aggregator_table();
const Aggregator& aggregator_of(AggregateKind k);
std::string_view aggregate_name(AggregateKind k);
bool aggregate_parse(std::string_view name, AggregateKind* out);
std::vector<std::string_view> aggregate_names();  // the table's names, for flags and help

// Collective on *c. `strategy` is the exchange of an aggregator that uses one;
// `detox` shapes detox (a group size that does not split c->size is fatal:
// callers check first with detox_check).
AggregateState aggregate_open(Comm* c, AggregateKind k, const Strategy& strategy, DetoxConfig detox = {});
// Collective: stage s of every rank's message; msg.kind must be one the row
// accepts (else a fatal error). Same stage, kind and d on every rank.
void aggregate_exchange(AggregateState* a, int stage, const Message& msg, Update* out);
// Local: what stage s's exchange delivered -> *out (a no-op without a combine).
void aggregate_combine(AggregateState* a, int stage, const Message& msg, Update* out);
// Collective: every stage, exchange then combine.
void aggregate(AggregateState* a, const Message& msg, Update* out);
// The aggregator's state that carries from step to step (weighted: rounds and
// every rank's agreement counts), as "aggregate/<name>". Gathered vectors are
// not state.
void aggregate_states(AggregateState* a, StateList* out);
// Collective: frees the sub-communicators.
void aggregate_close(AggregateState* a);

// detox: "" if groups of detox.group split P ranks, else one line saying why not.
std::string detox_check(const DetoxConfig& detox, int P);

// weighted: the weight of rank r this round, clip(log(q_r / (1 - q_r)), +-10),
// 1 for the first weighted_warmup_rounds rounds.
inline constexpr int64_t weighted_warmup_rounds = 100;
double aggregate_weight(const AggregateState& a, int r);

}  // namespace bitvote
