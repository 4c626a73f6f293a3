#include "train/weights_checksum.h"

#include <cstdio>

#include "base/hash.h"

namespace bitvote {

uint64_t weights_checksum(std::span<const float> weights) {
    return fnv1a_bytes(weights.data(), weights.size_bytes());
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
