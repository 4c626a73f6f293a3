// The aggregators behind the table in aggregator.cpp: one file each
// (aggregate_<name>.cpp). Private to src/aggregate: everything else reads
// the table (aggregator.h).
#pragma once

#include "aggregate/aggregator.h"

namespace bitvote {

void exchange_vote(AggregateState* a, int stage, const Message& msg, Update* out);

void open_weighted(AggregateState* a);
void exchange_weighted(AggregateState* a, int stage, const Message& msg, Update* out);
void combine_weighted(AggregateState* a, int stage, const Message& msg, Update* out);

void exchange_median(AggregateState* a, int stage, const Message& msg, Update* out);
void combine_median(AggregateState* a, int stage, const Message& msg, Update* out);

}  // namespace bitvote
