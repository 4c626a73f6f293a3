// Flags of `bitvote train` (DESIGN.md section 10), parsed the same way on
// every rank, and the checks that need nothing but the flags.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compress/method.h"
#include "data/data.h"
#include "model/net.h"

namespace bitvote {

enum class Timing { relaxed, strict };  // strict: a barrier between phases

struct TrainConfig {
    std::string data;                 // --data F.h5 (required)
    ModelKind model = ModelKind::mlp;
    std::vector<int> widths;          // --widths a,b,...: hidden sizes (empty: the model's default)
    MethodKind method = MethodKind::sgd;
    std::string strategy = "auto";    // a strategy_table() name
    AggregateKind aggregate = AggregateKind::vote;
    bool detox = false;               // --aggregate detox (a later issue)
    double density = 0.01;            // s3gd, topk: K per layer = density * layer size
    double lr = 0;                    // 0: the method's default (method_default_lr)
    double momentum = 0.9;
    double weight_decay = 0;
    double budget = 0;                // magsparse B (0: max|g| of the layer)
    double noise = MethodConfig{}.noise;  // noisysign b
    NoiseKind noise_kind = NoiseKind::gaussian;
    int batch = 32;                   // per rank
    double epochs = 1;                // used when steps == 0
    int64_t steps = 0;
    Partition partition;              // of the training samples
    uint64_t seed = 1;
    int64_t eval_every = 0;           // steps; 0: once per epoch (and always at the end)
    std::string out;                  // run-file directory; empty: none
    int64_t train_samples = 0;        // subsets (0: all)
    int64_t test_samples = 0;
    Timing timing = Timing::relaxed;
    int64_t local_steps = 1;          // magsparse: local SGD steps per exchange
    double local_lr = 0;              // their lr (0: sgd's default lr)
    int64_t byzantine = 0;            // the last N ranks send corrupted messages
    AttackKind attack = AttackKind::flip;
    bool attack_given = false;
    // Flags of later issues: parsed so that using them says "not yet supported".
    int64_t checkpoint_every = 0;
    bool resume = false;
    int64_t group = 0;
    bool async = false;
    bool help = false;
};

// Parses argv[1..argc) (argv[0] is "train"). Returns false with a one-line
// *error: the flag and what is wrong with its value, a missing --data, a flag
// of a later issue, an impossible method x strategy x aggregator or attack
// (method_check, attack_check). Checks that need the rank count are the
// trainer's.
bool train_args_parse(int argc, char** argv, TrainConfig* out, std::string* error);

void train_print_usage();

}  // namespace bitvote
