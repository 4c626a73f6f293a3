#include "compress/topk_per_layer.h"

#include <algorithm>
#include <cmath>

#include "kernels.h"

namespace bitvote {

size_t layer_k(double density, size_t count) {
    return std::min(count, size_t(std::ceil(density * double(count))));
}

size_t topk_total(std::span<const Segment> segments, double density) {
    size_t total = 0;
    for (const Segment& s : segments) total += layer_k(density, s.count);
    return total;
}

void topk_per_layer(std::span<const Segment> segments, double density, std::span<const float> x,
                    std::vector<uint32_t>* indices) {
    indices->resize(topk_total(segments, density));
    size_t n = 0;
    for (const Segment& s : segments) {
        std::span<uint32_t> out = std::span(*indices).subspan(n, layer_k(density, s.count));
        size_t got = topk_select(x.subspan(s.offset, s.count), out.size(), out);
        for (size_t j = 0; j < got; ++j) (*indices)[n + j] = uint32_t(out[j] + s.offset);
        n += got;
    }
    indices->resize(n);
}

}  // namespace bitvote
