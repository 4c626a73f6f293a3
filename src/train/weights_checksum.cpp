#include "train/weights_checksum.h"

#include <cstdio>

namespace bitvote {

uint64_t weights_checksum(std::span<const float> weights) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(weights.data());
    uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
    for (size_t i = 0; i < weights.size_bytes(); ++i) {
        h ^= bytes[i];
        h *= 0x100000001b3ULL;  // FNV prime
    }
    return h;
}

std::string checksum_hex(uint64_t checksum) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(checksum));
    return text;
}

bool checksum_agrees(uint64_t checksum, MPI_Comm comm) {
    uint64_t lo = 0, hi = 0;
    MPI_CHECK(MPI_Allreduce(&checksum, &lo, 1, MPI_UINT64_T, MPI_MIN, comm));
    MPI_CHECK(MPI_Allreduce(&checksum, &hi, 1, MPI_UINT64_T, MPI_MAX, comm));
    return lo == hi;
}

}  // namespace bitvote
