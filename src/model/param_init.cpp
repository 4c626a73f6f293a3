// Counter-based uniform numbers (splitmix64 finaliser over the key), see param_init.h.
#include "model/param_init.h"

namespace bitvote {

namespace {

uint64_t mix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

}  // namespace

float uniform_at(uint64_t seed, uint64_t stream, uint64_t index) {
    const uint64_t bits = mix64(mix64(mix64(seed) ^ stream) ^ index);
    const int32_t k = int32_t(bits >> 40) - (1 << 23);  // [-2^23, 2^23)
    return float(k) * 0x1p-23f;
}

void uniform_fill(std::span<float> out, float bound, uint64_t seed, uint64_t stream) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = bound * uniform_at(seed, stream, i);
}

}  // namespace bitvote
