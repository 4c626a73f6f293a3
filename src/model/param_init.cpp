// Counter-based uniform numbers (splitmix64 finaliser over the key), see param_init.h.
#include "model/param_init.h"

#include "base/splitmix64.h"

namespace bitvote {

float uniform_at(uint64_t seed, uint64_t stream, uint64_t index) {
    const uint64_t bits = splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ index);
    const int32_t k = int32_t(bits >> 40) - (1 << 23);  // [-2^23, 2^23)
    return float(k) * 0x1p-23f;
}

void uniform_fill(std::span<float> out, float bound, uint64_t seed, uint64_t stream) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = bound * uniform_at(seed, stream, i);
}

}  // namespace bitvote
