// Picks the kernel tier once: BITVOTE_ISA if set, else the best the CPU runs.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tiers.h"

namespace bitvote {

#define BITVOTE_TABLE(ns)                                                                                  \
    KernelTable {                                                                                          \
        ns::topk_select, ns::sign_pack, ns::sign_unpack_apply, ns::ternary_pack, ns::ternary_unpack_apply, \
            ns::magsparse_pack, ns::vote_add, ns::vote_accumulate_signs, ns::vote_decide,                  \
            ns::vote_decide_ternary, ns::vote_count, ns::indices_encode, ns::indices_decode,               \
            ns::stream_sum, ns::stream_add                                                                 \
    }

static const KernelTable tables[isa_count] = {BITVOTE_TABLE(scalar), BITVOTE_TABLE(avx2), BITVOTE_TABLE(avx512)};

std::string_view isa_name(Isa isa) {
    switch (isa) {
        case Isa::scalar: return "scalar";
        case Isa::avx2: return "avx2";
        case Isa::avx512: return "avx512";
    }
    return "?";
}

bool isa_parse(std::string_view name, Isa* out) {
    for (int i = 0; i < isa_count; ++i) {
        if (isa_name(Isa(i)) == name) {
            *out = Isa(i);
            return true;
        }
    }
    return false;
}

// __builtin_cpu_supports also checks that the OS saves the vector state (XCR0).
bool isa_supported(Isa isa) {
    __builtin_cpu_init();
    bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    switch (isa) {
        case Isa::scalar: return true;
        case Isa::avx2: return avx2;
        case Isa::avx512:
            return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    }
    return false;
}

std::string cpu_features_string() {
    __builtin_cpu_init();
    std::string s;
    auto add = [&](const char* name, bool has) {
        if (has) s += (s.empty() ? "" : " ") + std::string(name);
    };
    add("sse4.2", __builtin_cpu_supports("sse4.2"));
    add("avx", __builtin_cpu_supports("avx"));
    add("avx2", __builtin_cpu_supports("avx2"));
    add("fma", __builtin_cpu_supports("fma"));
    add("bmi", __builtin_cpu_supports("bmi"));
    add("bmi2", __builtin_cpu_supports("bmi2"));
    add("popcnt", __builtin_cpu_supports("popcnt"));
    add("avx512f", __builtin_cpu_supports("avx512f"));
    add("avx512bw", __builtin_cpu_supports("avx512bw"));
    add("avx512vl", __builtin_cpu_supports("avx512vl"));
    add("avx512dq", __builtin_cpu_supports("avx512dq"));
    add("avx512vpopcntdq", __builtin_cpu_supports("avx512vpopcntdq"));
    return s;
}

const KernelTable& kernel_table(Isa isa) {
    if (!isa_supported(isa)) {
        std::fprintf(stderr, "bitvote: kernel tier '%s' is not supported by this CPU (features: %s)\n",
                     std::string(isa_name(isa)).c_str(), cpu_features_string().c_str());
        std::exit(2);
    }
    return tables[int(isa)];
}

static Isa pick_isa() {
    const char* forced = std::getenv("BITVOTE_ISA");
    if (forced && *forced) {
        Isa isa;
        if (!isa_parse(forced, &isa)) {
            std::fprintf(stderr, "bitvote: BITVOTE_ISA='%s' is not a kernel tier (scalar, avx2, avx512)\n", forced);
            std::exit(2);
        }
        if (!isa_supported(isa)) {
            std::fprintf(stderr, "bitvote: BITVOTE_ISA=%s, but this CPU lacks it (features: %s)\n", forced,
                         cpu_features_string().c_str());
            std::exit(2);
        }
        return isa;
    }
    for (int i = isa_count - 1; i > 0; --i)
        if (isa_supported(Isa(i))) return Isa(i);
    return Isa::scalar;
}

Isa isa_active() {
    static const Isa isa = pick_isa();
    return isa;
}

const KernelTable& kernels() {
    static const KernelTable& table = tables[int(isa_active())];
    return table;
}

std::string_view codec_status_name(CodecStatus s) {
    switch (s) {
        case CodecStatus::ok: return "ok";
        case CodecStatus::truncated: return "truncated";
        case CodecStatus::corrupt: return "corrupt";
        case CodecStatus::too_many: return "too many entries";
        case CodecStatus::out_of_range: return "index out of range";
    }
    return "?";
}

}  // namespace bitvote
