// splitmix64: the one 64-bit mixer behind every counter-based random stream
// (initial weights, shards, synthetic data, compressor draws, sweep and test
// data), and seed_mix, which keys such streams. Written out, not taken from
// <random>: the same seed gives the same numbers with any standard library.
#pragma once

#include <cstdint>

namespace bitvote {

inline constexpr uint64_t golden_gamma = 0x9e3779b97f4a7c15ull;

// splitmix64's finaliser: a bijection that spreads every input bit.
inline constexpr uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// The value splitmix64 returns for state x (it steps x by golden_gamma first).
inline constexpr uint64_t splitmix64(uint64_t x) { return mix64(x + golden_gamma); }

// One 64-bit value from several: streams for (seed, purpose, rank, epoch, ...).
inline constexpr uint64_t seed_mix(uint64_t a, uint64_t b) {
    return mix64(a ^ (b + golden_gamma + (a << 6) + (a >> 2)));
}

}  // namespace bitvote
