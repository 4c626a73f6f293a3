// `bitvote sweep` flags: integers with an optional K/M/G suffix (powers of 1024).
#include "sweep/sweep_args.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bitvote {
namespace {

// Largest d the sweep accepts: MPI counts are int, and fp32 allreduce sends 4d bytes.
constexpr uint64_t d_limit = uint64_t{1} << 29;

bool parse_count(const char* s, uint64_t* out) {
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
    return true;
}

bool parse_int(const char* s, int lo, int* out) {
    uint64_t v = 0;
    if (!parse_count(s, &v) || v < uint64_t(lo) || v > 1000000000) return false;
    *out = int(v);
    return true;
}

bool parse_density(const char* s, double* out) {
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end == s || *end || !std::isfinite(v) || v <= 0 || v > 1) return false;
    *out = v;
    return true;
}

std::vector<std::string> split_commas(const char* s) {
    std::vector<std::string> parts(1);
    for (; *s; ++s)
        if (*s == ',') parts.emplace_back();
        else parts.back() += *s;
    return parts;
}

// Parses one flag's value; "" if good, else what the value should be.
std::string parse_flag(const char* flag, const char* value, SweepArgs* out) {
    const std::string count_hint = "a coordinate count >= 1 (e.g. 1024, 64K, 32M)";
    if (!std::strcmp(flag, "-b")) return parse_count(value, &out->d_min) && out->d_min > 0 ? "" : count_hint;
    if (!std::strcmp(flag, "-e")) return parse_count(value, &out->d_max) && out->d_max > 0 ? "" : count_hint;
    if (!std::strcmp(flag, "-f")) return parse_count(value, &out->factor) && out->factor >= 2 ? "" : "an integer >= 2";
    if (!std::strcmp(flag, "-i")) return parse_int(value, 1, &out->iters) ? "" : "an iteration count >= 1";
    if (!std::strcmp(flag, "-x")) return parse_int(value, 0, &out->warmup) ? "" : "a warm-up count >= 0";
    if (!std::strcmp(flag, "--seed")) return parse_count(value, &out->seed) ? "" : "a non-negative integer";
    if (!std::strcmp(flag, "--density")) return parse_density(value, &out->density) ? "" : "a fraction in (0, 1]";
    if (!std::strcmp(flag, "--json")) {
        out->json_path = value;
        return *value ? "" : "a file name";
    }
    out->strategies = split_commas(value);  // --strategies
    for (const std::string& s : out->strategies)
        if (s.empty()) return "a comma-separated list of strategy names";
    return "";
}

bool is_value_flag(const char* flag) {
    for (const char* known : {"-b", "-e", "-f", "-i", "-x", "--seed", "--density", "--json", "--strategies"})
        if (!std::strcmp(flag, known)) return true;
    return false;
}

}  // namespace

bool sweep_args_parse(int argc, char** argv, SweepArgs* out, std::string* error) {
    for (int i = 1; i < argc; ++i) {
        const char* flag = argv[i];
        if (!std::strcmp(flag, "--help") || !std::strcmp(flag, "-h")) {
            out->help = true;
        } else if (!std::strcmp(flag, "--best-baseline")) {
            out->best_baseline = true;
        } else if (!is_value_flag(flag)) {
            *error = "unknown flag '" + std::string(flag) + "'";
            return false;
        } else if (i + 1 == argc) {
            *error = "flag " + std::string(flag) + " needs a value";
            return false;
        } else if (std::string want = parse_flag(flag, argv[++i], out); !want.empty()) {
            *error = "bad value '" + std::string(argv[i]) + "' for " + flag + ": expected " + want;
            return false;
        }
    }
    if (out->d_min > out->d_max) {
        *error = "-b " + std::to_string(out->d_min) + " is larger than -e " + std::to_string(out->d_max);
        return false;
    }
    if (out->d_max > d_limit) {
        *error = "-e " + std::to_string(out->d_max) + " is above the limit of " + std::to_string(d_limit) +
                 " coordinates";
        return false;
    }
    return true;
}

std::vector<uint64_t> sweep_sizes(const SweepArgs& args) {
    std::vector<uint64_t> sizes;
    for (uint64_t d = args.d_min; d <= args.d_max; d *= args.factor) {
        sizes.push_back(d);
        if (d > args.d_max / args.factor) break;  // the next step would pass d_max (or overflow)
    }
    return sizes;
}

void sweep_print_usage() {
    std::printf(
        "usage: mpirun -np P [--mca btl tcp,self] bitvote sweep [flags]\n"
        "  Times each strategy's exchange over a range of sizes (like OSU micro-benchmarks /\n"
        "  nccl-tests), measures bytes on the wire when MPI runs over TCP, and checks every\n"
        "  result against a majority vote recomputed naively on rank 0.\n\n"
        "  --strategies a,b,...  strategies to run (default: allreduce and every strategy that takes\n"
        "                        dense sign bitmaps; sparse-allgather too when --density is given)\n"
        "  -b MIN                first size in coordinates (default 1024); K, M, G suffixes (x1024)\n"
        "  -e MAX                last size in coordinates (default 1M, at most 512M)\n"
        "  -f FACTOR             size step: d *= FACTOR (default 4)\n"
        "  -i ITERS              timed exchanges per size (default 20)\n"
        "  -x WARMUP             untimed exchanges before them (default 5)\n"
        "  --density D           fraction of coordinates each rank votes on, for sparse strategies\n"
        "                        (default 0.01)\n"
        "  --json FILE           one JSON object per (strategy, size), DESIGN.md section 10 fields\n"
        "  --seed N              data seed (default 1); rank r's coordinate i comes from (N, r, i)\n"
        "  --best-baseline       also time each of OpenMPI's allreduce algorithms (rows allreduce:NAME);\n"
        "                        speed-ups are then against the fastest fp32 allreduce at each size\n\n"
        "  Wire bytes are measured only when every peer is reached over TCP (--mca btl tcp,self);\n"
        "  otherwise they print as '-' and are null in the JSON. Exit code 1 if any result is wrong,\n"
        "  2 on a bad flag.\n");
}

}  // namespace bitvote
