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
// out = fp32 update of each coordinate's median over n rows (even n: the mean
// of the two middle values). rows: [n][d] floats.
void median_of_rows(std::span<const float> rows, size_t n, size_t d, Update* out);

void open_detox(AggregateState* a);
void exchange_detox(AggregateState* a, int stage, const Message& msg, Update* out);
void combine_detox(AggregateState* a, int stage, const Message& msg, Update* out);

}  // namespace bitvote
