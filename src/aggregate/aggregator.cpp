// The aggregator table and the stage runner (see aggregator.h).
#include "aggregate/aggregator.h"

#include <algorithm>
#include <cmath>

#include "aggregate/aggregators.h"
#include "comm/mpi_check.h"

namespace bitvote {
namespace {

constexpr unsigned every_kind = (1u << message_kind_count) - 1;

const Aggregator table[] = {  // in AggregateKind order
    {.kind = AggregateKind::vote, .name = "vote", .what = "the --strategy's vote (or mean), decided as it exchanges",
     .accepts = every_kind, .uses_strategy = true, .exchange = exchange_vote},
    {.kind = AggregateKind::weighted, .name = "weighted",
     .what = "SignSGD-FV: allgather the signs, vote weighted by each rank's past agreement",
     .accepts = kind_bit(MessageKind::sign), .open = open_weighted, .exchange = exchange_weighted,
     .combine = combine_weighted},
    {.kind = AggregateKind::median, .name = "median",
     .what = "medianSGD: allgather the fp32 vectors, take each coordinate's median",
     .accepts = kind_bit(MessageKind::fp32), .exchange = exchange_median, .combine = combine_median},
    {.kind = AggregateKind::detox, .name = "detox",
     .what = "DETOX: vote (or median) inside groups of --group R ranks on the same batches, then --detox-final "
             "across the groups",
     .accepts = every_kind, .uses_strategy = true, .stages = 2, .open = open_detox, .exchange = exchange_detox,
     .combine = combine_detox},
};

}  // namespace

std::span<const Aggregator> aggregator_table() { return table; }

const Aggregator& aggregator_of(AggregateKind k) { return table[size_t(k)]; }

std::string_view aggregate_name(AggregateKind k) { return aggregator_of(k).name; }

bool aggregate_parse(std::string_view name, AggregateKind* out) {
    for (const Aggregator& row : table)
        if (row.name == name) return *out = row.kind, true;
    return false;
}

std::vector<std::string_view> aggregate_names() {
    std::vector<std::string_view> names;
    for (const Aggregator& row : table) names.push_back(row.name);
    return names;
}

AggregateState aggregate_open(Comm* c, AggregateKind k, const Strategy& strategy, DetoxConfig detox) {
    AggregateState a;
    a.row = &aggregator_of(k);
    a.comm = c;
    a.strategy = &strategy;
    a.detox = detox;
    if (a.row->open) a.row->open(&a);
    return a;
}

void aggregate_exchange(AggregateState* a, int stage, const Message& msg, Update* out) {
    if (!(a->row->accepts & kind_bit(msg.kind)))
        fatal_collective("--aggregate %s cannot take %s messages", std::string(a->row->name).c_str(),
                         std::string(message_kind_name(msg.kind)).c_str());
    a->row->exchange(a, stage, msg, out);
}

void aggregate_combine(AggregateState* a, int stage, const Message& msg, Update* out) {
    if (a->row->combine) a->row->combine(a, stage, msg, out);
}

void aggregate(AggregateState* a, const Message& msg, Update* out) {
    for (int s = 0; s < a->row->stages; ++s) {
        aggregate_exchange(a, s, msg, out);
        aggregate_combine(a, s, msg, out);
    }
}

void aggregate_states(AggregateState* a, StateList* out) {
    state_add(out, "aggregate/rounds", &a->rounds);
    state_add(out, "aggregate/agreed", a->agreed);
    state_add(out, "aggregate/cast", a->cast);
}

void aggregate_close(AggregateState* a) {
    for (Comm& sub : a->sub) comm_close(&sub);
    a->sub.clear();
}

double aggregate_weight(const AggregateState& a, int r) {
    if (a.rounds < weighted_warmup_rounds || a.cast[size_t(r)] == 0) return 1.0;
    double q = double(a.agreed[size_t(r)]) / double(a.cast[size_t(r)]);
    return std::clamp(std::log(q / (1 - q)), -10.0, 10.0);
}

}  // namespace bitvote
