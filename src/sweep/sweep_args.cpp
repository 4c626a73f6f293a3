// `bitvote sweep` flags: sizes take an optional K/M/G suffix (powers of 1024).
#include "sweep/sweep_args.h"

#include <cerrno>
#include <cstdlib>

#include "base/flag_values.h"
#include "comm/strategy.h"

namespace bitvote {
namespace {

// Largest d the sweep accepts: MPI counts are int, and fp32 allreduce sends 4d bytes.
constexpr uint64_t d_limit = uint64_t{1} << 29;

// A count with an optional K, M or G suffix (x1024), at least `lo`.
Parsed<uint64_t> count_at_least(uint64_t lo, std::string want) {
    auto parse = [lo](const std::string& text, uint64_t* out) {
        const char* s = text.c_str();
        if (!*s || *s == '-') return false;
        char* end = nullptr;
        errno = 0;
        const unsigned long long v = std::strtoull(s, &end, 10);
        if (errno || end == s) return false;
        unsigned shift = 0;
        if (*end == 'K' || *end == 'k') shift = 10;
        if (*end == 'M' || *end == 'm') shift = 20;
        if (*end == 'G' || *end == 'g') shift = 30;
        if (shift) ++end;
        if (*end || v > (~0ULL >> shift)) return false;
        *out = uint64_t(v) << shift;
        return *out >= lo;
    };
    return {parse, std::move(want)};
}

bool strategies_parse(const std::string& text, std::vector<std::string>* out) {
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        out->push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!strategy_find(out->back())) return false;
        if (comma == std::string::npos) return true;
        start = comma + 1;
    }
}

}  // namespace

void sweep_flags_add(CLI::App* app, SweepArgs* a) {
    std::vector<std::string_view> names;
    for (const Strategy& s : strategy_table()) names.push_back(s.name);
    flag(app, "--strategies a,b,...", &a->strategies,
         Parsed<std::vector<std::string>>{strategies_parse, "a comma-separated list of " + names_text(names)},
         "strategies to run (default: allreduce and every strategy that takes dense sign bitmaps; "
         "sparse-allgather too when --density is given)");
    const std::string count = "a coordinate count >= 1 (e.g. 1024, 64K, 32M)";
    flag(app, "-b MIN", &a->d_min, count_at_least(1, count), "first size in coordinates; K, M, G suffixes (x1024)",
         "1K");
    flag(app, "-e MAX", &a->d_max, count_at_least(1, count), "last size in coordinates (at most 512M)", "1M");
    flag(app, "-f FACTOR", &a->factor, count_at_least(2, "an integer >= 2"), "size step: d *= FACTOR", "4");
    flag(app, "-i ITERS", &a->iters, in_range(1, 1000000000), "timed exchanges per size");
    flag(app, "-x WARMUP", &a->warmup, in_range(0, 1000000000), "untimed exchanges before them");
    flag(app, "--density D", &a->density,
         Parsed<double>{[a](const std::string& text, double* d) {
                            return a->density_given = real_parse(text, d) && real_in(fraction(), *d);
                        },
                        real_want(fraction())},
         "fraction of coordinates each rank votes on, for sparse strategies", real_text(a->density).c_str());
    flag(app, "--json FILE", &a->json_path, "one JSON object per (strategy, size), DESIGN.md section 10 fields");
    flag(app, "--seed N", &a->seed, at_least(0), "data seed; rank r's coordinate i comes from (N, r, i)");
    flag_switch(app, "--best-baseline", &a->best_baseline,
                "also time each of OpenMPI's allreduce algorithms (rows allreduce:NAME); speed-ups are then "
                "against the fastest fp32 allreduce at each size");
    flags_check(app, [a]() -> std::string {
        if (a->d_min > a->d_max)
            return "-b " + std::to_string(a->d_min) + " is larger than -e " + std::to_string(a->d_max);
        if (a->d_max > d_limit)
            return "-e " + std::to_string(a->d_max) + " is above the limit of " + std::to_string(d_limit) +
                   " coordinates";
        return "";
    });
}

std::vector<uint64_t> sweep_sizes(const SweepArgs& args) {
    std::vector<uint64_t> sizes;
    for (uint64_t d = args.d_min; d <= args.d_max; d *= args.factor) {
        sizes.push_back(d);
        if (d > args.d_max / args.factor) break;  // the next step would pass d_max (or overflow)
    }
    return sizes;
}

}  // namespace bitvote
