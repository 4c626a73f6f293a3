// Every rank must hold bit-identical weights after every step (DESIGN.md 2):
// a 64-bit FNV-1a hash of the weight arena's bytes, compared across ranks.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "comm/mpi_check.h"

namespace bitvote {

uint64_t weights_checksum(std::span<const float> weights);
std::string checksum_hex(uint64_t checksum);  // 16 hex digits

// Collective: true when every rank of comm passed the same checksum (MIN == MAX).
bool checksum_agrees(uint64_t checksum, MPI_Comm comm);

}  // namespace bitvote
