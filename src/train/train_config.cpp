// `bitvote train` flags: one table row per flag (name, value, help, parser),
// so that parsing and --help cannot disagree.
#include "train/train_config.h"

#include <cstdio>
#include <cstring>
#include <limits>

#include "cli/flags.h"
#include "comm/strategy.h"

namespace bitvote {
namespace {

constexpr int64_t int_max = std::numeric_limits<int32_t>::max();
constexpr int64_t count_max = std::numeric_limits<int64_t>::max() / 2;

// A flag's parser: "" when the value is good, else what it should be.
// Flags without a value (arg == nullptr) get value == nullptr.
using ParseFn = std::string (*)(const char* value, TrainConfig* c);

struct TrainFlag {
    const char* name;
    const char* arg;   // nullptr: a switch
    const char* help;  // one line, with the default
    ParseFn parse;
};

std::string parse_real(const char* s, double lo, bool lo_open, double hi, double* out, const char* want) {
    double v = 0;
    if (!flag_real(s, &v) || v < lo || (lo_open && v == lo) || v > hi) return want;
    *out = v;
    return "";
}

std::string parse_count(const char* s, int64_t lo, int64_t hi, int64_t* out, const char* want) {
    return flag_int(s, lo, hi, out) ? "" : want;
}

std::string parse_int(const char* s, int lo, int* out, const char* want) {
    int64_t v = 0;
    if (!flag_int(s, lo, int_max, &v)) return want;
    *out = int(v);
    return "";
}

std::string list_of(const std::vector<std::string_view>& names) {
    std::string s;
    for (std::string_view n : names) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

std::vector<std::string_view> method_names() {
    std::vector<std::string_view> names;
    for (MethodKind k : {MethodKind::sgd, MethodKind::signsgd, MethodKind::signum, MethodKind::s3gd,
                         MethodKind::magsparse, MethodKind::noisysign, MethodKind::efsign, MethodKind::topk})
        names.push_back(method_name(k));
    return names;
}

std::vector<std::string_view> strategy_names() {
    std::vector<std::string_view> names;
    for (const Strategy& s : strategy_table()) names.push_back(s.name);
    return names;
}

std::string parse_widths(const char* s, std::vector<int>* out) {
    out->clear();
    const char* p = s;
    while (true) {
        char* end = nullptr;
        const long v = std::strtol(p, &end, 10);
        if (end == p || v < 1 || v > 1 << 16) return "a comma-separated list of sizes >= 1, e.g. 256,128";
        out->push_back(int(v));
        if (*end == 0) return "";
        if (*end != ',') return "a comma-separated list of sizes >= 1, e.g. 256,128";
        p = end + 1;
    }
}

const TrainFlag flags[] = {
    {"--data", "F.h5", "dataset in bitvote's HDF5 layout (bitvote data ...); required",
     [](const char* v, TrainConfig* c) { c->data = v; return std::string(*v ? "" : "a file name"); }},
    {"--model", "mlp|cnn", "network (default mlp)",
     [](const char* v, TrainConfig* c) { return std::string(model_kind_parse(v, &c->model) ? "" : "mlp or cnn"); }},
    {"--widths", "a,b,...", "hidden sizes (mlp default 256,128; cnn: conv1,conv2,fc default 32,64,512)",
     [](const char* v, TrainConfig* c) { return parse_widths(v, &c->widths); }},
    {"--method", "M", "sgd signsgd signum s3gd magsparse noisysign efsign topk (default sgd)",
     [](const char* v, TrainConfig* c) {
         return method_parse(v, &c->method) ? std::string() : "one of " + list_of(method_names());
     }},
    {"--strategy", "S", "how ranks exchange messages (default auto: the cheapest by the alpha-beta model)",
     [](const char* v, TrainConfig* c) {
         c->strategy = v;
         return strategy_find(v) ? std::string() : "one of " + list_of(strategy_names());
     }},
    {"--aggregate", "A", "vote, weighted (SignSGD-FV) or median (default vote; detox: a later issue)",
     [](const char* v, TrainConfig* c) {
         c->detox = !std::strcmp(v, "detox");
         return std::string(c->detox || aggregate_parse(v, &c->aggregate) ? "" : "vote, weighted, median or detox");
     }},
    {"--density", "D", "s3gd/topk: fraction of each layer sent, K = max(1, round(D * size)) (default 0.01)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, true, 1, &c->density, "a fraction in (0, 1]"); }},
    {"--lr", "LR", "learning rate (default: the method's, listed below)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, true, 1e6, &c->lr, "a number > 0"); }},
    {"--momentum", "B", "sgd momentum, signum beta (default 0.9; topk is plain SGD)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, false, 0.999999, &c->momentum, "a number in [0, 1)"); }},
    {"--weight-decay", "L", "weight decay, applied after the aggregation (default 0)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, false, 1, &c->weight_decay, "a number in [0, 1]"); }},
    {"--budget", "B", "magsparse scale B (default 0: max|g| of each layer)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, false, 1e30, &c->budget, "a number >= 0"); }},
    {"--noise", "B", "noisysign noise scale b (default 1e-3)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, false, 1e30, &c->noise, "a number >= 0"); }},
    {"--noise-kind", "K", "noisysign noise: gaussian or uniform (default gaussian)",
     [](const char* v, TrainConfig* c) {
         if (!std::strcmp(v, "gaussian")) c->noise_kind = NoiseKind::gaussian;
         else if (!std::strcmp(v, "uniform")) c->noise_kind = NoiseKind::uniform;
         else return std::string("gaussian or uniform");
         return std::string();
     }},
    {"--batch", "N", "samples per rank per step (default 32)",
     [](const char* v, TrainConfig* c) { return parse_int(v, 1, &c->batch, "an integer >= 1"); }},
    {"--epochs", "E", "passes over the training set, may be fractional (default 1; ignored with --steps)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, true, 1e6, &c->epochs, "a number > 0"); }},
    {"--steps", "N", "steps to run (default: from --epochs)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 1, count_max, &c->steps, "an integer >= 1"); }},
    {"--partition", "P", "iid, labels:C or dirichlet:A (default iid)",
     [](const char* v, TrainConfig* c) {
         try {
             c->partition = partition_parse(v);
         } catch (const DataError&) {
             return std::string("iid, labels:C (C >= 1) or dirichlet:A (A > 0)");
         }
         return std::string();
     }},
    {"--seed", "N", "seed of the subsets, partition, initial weights and batches (default 1)",
     [](const char* v, TrainConfig* c) {
         int64_t s = 0;
         std::string want = parse_count(v, 0, count_max, &s, "an integer >= 0");
         c->seed = uint64_t(s);
         return want;
     }},
    {"--eval-every", "N", "evaluate every N steps (default: once per epoch; always at the end)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 1, count_max, &c->eval_every, "an integer >= 1"); }},
    {"--out", "DIR", "write DIR/run.jsonl and DIR/summary.json (DIR is created)",
     [](const char* v, TrainConfig* c) { c->out = v; return std::string(*v ? "" : "a directory"); }},
    {"--train-samples", "N", "train on a seeded subset of N samples (default: all)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 1, count_max, &c->train_samples, "an integer >= 1"); }},
    {"--test-samples", "N", "evaluate on a seeded subset of N samples (default: all)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 1, count_max, &c->test_samples, "an integer >= 1"); }},
    {"--timing", "T", "relaxed, or strict: a barrier between phases (default relaxed)",
     [](const char* v, TrainConfig* c) {
         if (!std::strcmp(v, "relaxed")) c->timing = Timing::relaxed;
         else if (!std::strcmp(v, "strict")) c->timing = Timing::strict;
         else return std::string("relaxed or strict");
         return std::string();
     }},
    {"--checkpoint-every", "N", "(a later issue)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 1, count_max, &c->checkpoint_every, "an integer >= 1"); }},
    {"--resume", nullptr, "(a later issue)", [](const char*, TrainConfig* c) { c->resume = true; return std::string(); }},
    {"--byzantine", "N", "the last N ranks are adversaries (default 0; needs --attack)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 0, int_max, &c->byzantine, "an integer >= 0"); }},
    {"--attack", "A", "what adversaries send: flip, random, zero, scaled (-100 g: methods that send values) or alie (mean - z std: fp32)",
     [](const char* v, TrainConfig* c) {
         c->attack_given = true;
         return std::string(attack_parse(v, &c->attack) ? "" : "flip, random, zero, scaled or alie");
     }},
    {"--local-steps", "T", "magsparse: T local SGD steps per exchange, sending the model difference (default 1)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 1, 1000, &c->local_steps, "an integer in [1, 1000]"); }},
    {"--local-lr", "LR", "lr of those local steps (default: sgd's default lr)",
     [](const char* v, TrainConfig* c) { return parse_real(v, 0, true, 1e6, &c->local_lr, "a number > 0"); }},
    {"--group", "R", "(a later issue: DETOX)",
     [](const char* v, TrainConfig* c) { return parse_count(v, 1, int_max, &c->group, "an integer >= 1"); }},
    {"--async", nullptr, "(a later issue: DGS)", [](const char*, TrainConfig* c) { c->async = true; return std::string(); }},
    {"--help", nullptr, "this text", [](const char*, TrainConfig* c) { c->help = true; return std::string(); }},
};

const TrainFlag* flag_find(const char* name) {
    for (const TrainFlag& f : flags)
        if (!std::strcmp(f.name, name)) return &f;
    return nullptr;
}

// Flags that belong to later issues: "" when none is used.
std::string later_issue_flag(const TrainConfig& c) {
    if (c.checkpoint_every || c.resume) return "--checkpoint-every/--resume";
    if (c.group || c.detox) return "DETOX (--group, --aggregate detox)";
    if (c.async) return "--async";
    return "";
}

// Combinations: method x strategy x aggregator, and the attack.
std::string combination_error(const TrainConfig& c) {
    if (std::string why = method_check(c.method, *strategy_find(c.strategy), c.aggregate); !why.empty()) return why;
    if (c.local_steps > 1 && c.method != MethodKind::magsparse)
        return "--local-steps " + std::to_string(c.local_steps) + " applies to --method magsparse only";
    if (c.byzantine > 0 && !c.attack_given) return "--byzantine " + std::to_string(c.byzantine) + " needs --attack";
    if (c.byzantine > 0) return attack_check(c.method, c.attack);
    return "";
}

}  // namespace

bool train_args_parse(int argc, char** argv, TrainConfig* out, std::string* error) {
    for (int i = 1; i < argc; ++i) {
        const TrainFlag* f = flag_find(argv[i]);
        if (!std::strcmp(argv[i], "-h")) f = flag_find("--help");
        if (!f) {
            *error = "unknown flag '" + std::string(argv[i]) + "'";
            return false;
        }
        if (f->arg && i + 1 == argc) {
            *error = "flag " + std::string(f->name) + " needs a value";
            return false;
        }
        const char* value = f->arg ? argv[++i] : nullptr;
        if (std::string want = f->parse(value, out); !want.empty()) {
            *error = "bad value '" + std::string(value) + "' for " + f->name + ": expected " + want;
            return false;
        }
    }
    if (out->help) return true;
    if (out->data.empty()) {
        *error = "--data F.h5 is required";
        return false;
    }
    if (std::string later = later_issue_flag(*out); !later.empty()) {
        *error = later + " is not yet supported";
        return false;
    }
    *error = combination_error(*out);
    return error->empty();
}

void train_print_usage() {
    std::printf(
        "usage: mpirun -np P [--mca btl tcp,self] bitvote train --data F.h5 [flags]\n"
        "  Data-parallel training: each rank reads its shard, computes a gradient, compresses it,\n"
        "  the ranks agree on one update (vote or mean) and apply it; every rank ends with the\n"
        "  same weights (checked). Prints a progress line per evaluation and a final table.\n\n");
    for (const TrainFlag& f : flags) {
        std::string name = std::string(f.name) + (f.arg ? " " + std::string(f.arg) : "");
        std::printf("  %-22s %s\n", name.c_str(), f.help);
    }
    std::printf("\n  strategies (--strategy):\n");
    for (const Strategy& st : strategy_table())
        std::printf("    %-22s %.*s\n", std::string(st.name).c_str(), int(st.what.size()), st.what.data());
    std::printf("\n  default --lr per method:");
    for (std::string_view name : method_names()) {
        MethodKind k{};
        method_parse(name, &k);
        std::printf(" %.*s %g", int(name.size()), name.data(), double(method_default_lr(k)));
    }
    std::printf(
        "\n  OpenMP threads per rank: OMP_NUM_THREADS, else cores of the node / ranks on the node.\n"
        "  Wire bytes are measured when every peer is reached over TCP (--mca btl tcp,self).\n"
        "  Exit code 2 on a bad flag, 1 on a bad dataset or a failed check.\n");
}

}  // namespace bitvote
