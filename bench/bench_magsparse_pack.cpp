// magsparse_pack on every tier this CPU runs. Bytes are the float traffic (the
// two bitmaps are 1/16 of it): the kernel reads 4n bytes once, so its time
// over BM_read's at the same n is the read passes it costs.
#include <algorithm>
#include <cmath>

#include "bench_util.h"

namespace bitvote::bench {
namespace {

// B = max|x|, the default scale: a Gaussian gradient votes on a few percent
// of its coordinates (the kernel's cost does not depend on how many).
void bm_magsparse_pack(benchmark::State& st, const KernelTable& t) {
    size_t n = size_t(st.range(0));
    const float* x = gradient(n).data();
    float B = 0;
    for (size_t i = 0; i < n; ++i) B = std::max(B, std::fabs(x[i]));
    std::vector<uint64_t> voted(bitmap_words(n)), positive(bitmap_words(n));
    uint64_t key = 1;
    for (auto _ : st) {
        t.magsparse_pack({x, n}, B, key++, 0, 0, voted, positive);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * sizeof(float)));
}

const bool registered = [] {
    register_tiers("magsparse_pack", bm_magsparse_pack, args_n);
    return true;
}();

}  // namespace
}  // namespace bitvote::bench
