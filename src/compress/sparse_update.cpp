#include "compress/sparse_update.h"

namespace bitvote {

void sparse_add(std::span<float> w, const SparseUpdate& u, float scale) {
    for (size_t j = 0; j < u.indices.size(); ++j) w[u.indices[j]] += scale * u.values[j];
}

}  // namespace bitvote
