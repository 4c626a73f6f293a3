// Sign and ternary pack / unpack-apply on every tier this CPU runs. Bytes are
// the float traffic only (the bitmaps are 1/32 of it): pack reads 4n bytes,
// compare with BM_read; unpack-apply reads and writes w, 8n bytes, compare
// with BM_rmw.
#include "bench_util.h"

namespace bitvote::bench {
namespace {

constexpr float lr = 1e-7f;  // small: w barely drifts over the iterations

void bm_sign_pack(benchmark::State& st, const KernelTable& t) {
    size_t n = size_t(st.range(0));
    const float* x = gradient(n).data();
    std::vector<uint64_t> bits(bitmap_words(n));
    for (auto _ : st) {
        t.sign_pack({x, n}, bits);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * sizeof(float)));
}

void bm_sign_unpack_apply(benchmark::State& st, const KernelTable& t) {
    size_t n = size_t(st.range(0));
    std::vector<float> w(gradient(n).begin(), gradient(n).begin() + long(n));
    std::vector<uint64_t> bits(bitmap_words(n));
    t.sign_pack(w, bits);
    for (auto _ : st) {
        t.sign_unpack_apply(bits, lr, w);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(2 * n * sizeof(float)));  // read + write
}

void bm_ternary_pack(benchmark::State& st, const KernelTable& t) {
    size_t n = size_t(st.range(0));
    const float* x = gradient(n).data();
    std::vector<uint64_t> voted(bitmap_words(n)), positive(bitmap_words(n));
    for (auto _ : st) {
        t.ternary_pack({x, n}, voted, positive);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(n * sizeof(float)));
}

// Half the coordinates vote (a sparse method's message after the vote); the
// kernel's cost does not depend on which.
void bm_ternary_unpack_apply(benchmark::State& st, const KernelTable& t) {
    size_t n = size_t(st.range(0));
    std::vector<float> w(gradient(n).begin(), gradient(n).begin() + long(n));
    std::vector<uint64_t> voted(bitmap_words(n), 0x5555'5555'5555'5555ull), positive(bitmap_words(n));
    t.sign_pack(w, positive);
    for (auto _ : st) {
        t.ternary_unpack_apply(voted, positive, lr, w);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(2 * n * sizeof(float)));  // read + write
}

const bool registered = [] {
    register_tiers("sign_pack", bm_sign_pack, args_n);
    register_tiers("sign_unpack_apply", bm_sign_unpack_apply, args_n);
    register_tiers("ternary_pack", bm_ternary_pack, args_n);
    register_tiers("ternary_unpack_apply", bm_ternary_unpack_apply, args_n);
    return true;
}();

}  // namespace
}  // namespace bitvote::bench
