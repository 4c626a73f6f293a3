// Included by every generic body (kernels/<kernel>_common.h) of the SIMD tiers:
// the tier's file (<kernel>_<tier>.cpp) must define its primitives and
// BITVOTE_TIER, the tier namespace the body defines its functions in, first
// (kernels/tiers.h).
#include "tiers.h"

#ifndef BITVOTE_TIER
#error "define BITVOTE_TIER and the tier's primitives before including a generic body (kernels/tiers.h)"
#endif
