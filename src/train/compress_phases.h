// The compress phase of a step, or of an --overlap bucket: where the method's
// ranks share a scale (magsparse: compress/method.h, method_shares_scales),
// each measures its own, then they agree on one in a collective timed as the
// comm phase (it waits for the slowest rank, as any exchange does); then the
// method compresses.
#pragma once

#include <span>

#include "compress/method.h"
#include "train/phase_timer.h"

namespace bitvote {

// Called in the compress phase, ends in it. Collective where method_shares_scales.
Message compress_phases(PhaseTimer* timer, Comm* comm, Method* m, std::span<const float> grad, int64_t step);

}  // namespace bitvote
