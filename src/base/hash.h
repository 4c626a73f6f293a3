// FNV-1a, 64 bits: the one hash behind the weights checksum (over the weight
// arena's bytes) and the result checks of the sweep and the MPI tests (over
// whole words: h = (h ^ word) * prime, the same step fed 32 or 64 bits).
//
//   uint64_t h = fnv1a_bytes(weights.data(), weights.size_bytes());
//   uint64_t w = fnv1a_words(std::span<const uint64_t>(bits));  // or fnv1a_add(h, word) per word
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace bitvote {

inline constexpr uint64_t fnv1a_basis = 0xcbf29ce484222325ull;  // offset basis
inline constexpr uint64_t fnv1a_prime = 0x100000001b3ull;

// One step: the hash h with x added.
constexpr uint64_t fnv1a_add(uint64_t h, uint64_t x) { return (h ^ x) * fnv1a_prime; }

inline uint64_t fnv1a_bytes(const void* data, size_t n, uint64_t h = fnv1a_basis) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = fnv1a_add(h, bytes[i]);
    return h;
}

inline uint64_t fnv1a_words(std::span<const uint64_t> words, uint64_t h = fnv1a_basis) {
    for (uint64_t w : words) h = fnv1a_add(h, w);
    return h;
}

}  // namespace bitvote
