// vote: the --strategy's exchange; the strategies count and decide as they
// move the bits (a fused reduction), so there is nothing left to combine.
#include "aggregate/aggregators.h"

namespace bitvote {

void exchange_vote(AggregateState* a, int, const Message& msg, Update* out) {
    exchange(a->comm, *a->strategy, msg, out);
}

}  // namespace bitvote
