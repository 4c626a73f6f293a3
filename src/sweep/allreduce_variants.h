// `bitvote sweep --best-baseline`: OpenMPI's fp32 allreduce algorithms, each
// forced in turn, so speed-ups are stated against the fastest one a user
// could tune to, not just the default (DESIGN.md 7).
//
// How: coll/tuned honours coll_tuned_allreduce_algorithm (and _segmentsize)
// only with coll_tuned_use_dynamic_rules, which is read once at MPI_Init (the
// sweep sets it in the environment first). The algorithm variables are
// writable at run time through MPI_T and are read when a communicator is
// created, so each variant runs on a fresh Comm made after the write.
#pragma once

#include <span>
#include <string>

namespace bitvote {

struct AllreduceVariant {
    const char* name;   // row name suffix: "allreduce:<name>"
    int algorithm;      // coll_tuned_allreduce_algorithm (0 = the default decision)
    int segment_bytes;  // coll_tuned_allreduce_algorithm_segmentsize (0 = none)
};
std::span<const AllreduceVariant> allreduce_variants();
// OpenMPI's own choice by size and rank count (what the plain `allreduce` row gets).
inline constexpr AllreduceVariant allreduce_default{"default", 0, 0};

// Before MPI_Init: lets coll/tuned take forced algorithms.
void allreduce_variants_enable();
// After MPI_Init: forces v on communicators created from now on. False with
// *error if this MPI has no such control (not OpenMPI's coll/tuned).
bool allreduce_variant_force(const AllreduceVariant& v, std::string* error);

}  // namespace bitvote
