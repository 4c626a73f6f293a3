// A sparse fp32 vector of d coordinates: DGS's message both ways (worker ->
// server: SAMomentum's sent entries; server -> worker: the model difference).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace bitvote {

struct SparseUpdate {
    std::vector<uint32_t> indices;  // [K] arena indices, ascending, unique
    std::vector<float> values;      // [K] value at indices[j]
};

// w[indices[j]] += scale * values[j]: scale -1 applies an update (w -= u),
// +1 a model difference (w += diff).
void sparse_add(std::span<float> w, const SparseUpdate& u, float scale);

}  // namespace bitvote
