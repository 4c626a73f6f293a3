// The config of `bitvote train` (DESIGN.md section 10), its flags and the
// checks that need nothing but the flags.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compress/method.h"
#include "data/data.h"
#include "model/net.h"
#include "train/overlap.h"  // OverlapProgress

namespace CLI {
class App;
}  // namespace CLI

namespace bitvote {

enum class Timing { relaxed, strict };  // strict: a barrier between phases
enum class DetoxFinal { pick, vote, median };  // pick: see detox_config_of

// --slow-rank R:MS: worker R sleeps MS milliseconds per step (a test and
// demo of heterogeneous worker speed; dgs and asgd only).
struct SlowRank {
    int rank = 0;  // 0: none (rank 0 is the server and does not step)
    int ms = 0;
};

struct TrainConfig {
    std::string data;                 // --data F.h5 (required)
    ModelKind model = ModelKind::mlp;
    std::vector<int> widths;          // --widths a,b,...: hidden sizes (empty: the model's default)
    MethodConfig method;              // --method and its settings (lr 0: the method's default);
                                      // seed and rank are filled in by the trainer
    std::string strategy = "auto";    // a strategy_table() name
    AggregateKind aggregate = AggregateKind::vote;
    int group = 0;                    // --group R (detox); 0: not given (detox_default_group)
    DetoxFinal detox_final = DetoxFinal::pick;
    std::vector<int> batch = {32};    // per rank: rank r takes batch[r % size] (rank_batch)
    double epochs = 1;                // used when steps == 0
    int64_t steps = 0;
    Partition partition;              // of the training samples
    uint64_t seed = 1;                // subsets, partition, initial weights, batches, the method's draws
    int64_t eval_every = 0;           // steps; 0: once per epoch (and always at the end)
    std::string out;                  // run-file directory; empty: none
    int64_t train_samples = 0;        // subsets (0: all)
    int64_t test_samples = 0;
    Timing timing = Timing::relaxed;
    double local_lr = 0;              // magsparse's local steps' lr (0: sgd's default lr)
    int64_t max_abstain = -1;         // more ranks abstaining in one step end the run (-1: P / 2)
    int64_t byzantine = 0;            // the last N ranks send corrupted messages
    std::vector<int> byzantine_ranks; // --byzantine-ranks: these ranks instead (the trainer sets
                                      // the resolved list and N: byzantine_ranks_of)
    AttackKind attack = AttackKind::flip;
    bool attack_given = false;
    bool overlap = false;             // exchange each bucket while backward runs (DDP-style)
    int64_t bucket_kb = 1024;         // --overlap bucket cap, KiB of fp32 gradient
    OverlapProgress overlap_progress = OverlapProgress::pick;  // as asked; see overlap_progress_of
    int64_t checkpoint_every = 0;     // steps between checkpoints in OUT/checkpoints (0: none; SIGUSR1 still writes one)
    int keep_checkpoints = 3;         // the newest K are kept
    bool resume = false;              // continue from the newest readable checkpoint in --out
    bool async = false;               // dgs, asgd: workers never wait for each other (train/async_train.h)
    SlowRank slow_rank;
};

inline constexpr int batch_max = 1 << 20;  // --batch: the largest value taken

// The network the flags and the data ask for.
ModelSpec model_spec(const TrainConfig& cfg, const DataInfo& info);

// Rank r's batch: --batch's values cycled over the ranks.
int rank_batch(const TrainConfig& cfg, int rank);

// The first bucket's cap (bytes): DDP starts with a small bucket (1 of 25 MiB)
// so the first exchange starts early; here 1/16 of --bucket-kb, at least 1 KiB.
size_t first_bucket_bytes(int64_t bucket_kb);

// The progress engine --overlap runs with: --overlap-progress, or for `pick`
// test where the exchange is the fp32 allreduce (--strategy allreduce, or auto
// with a method that sends fp32), where it measured faster (README), and the
// thread elsewhere.
OverlapProgress overlap_progress_of(const TrainConfig& cfg);

// DETOX's groups and final rule: --group (default detox_default_group) and
// --detox-final, where pick is median for methods whose messages carry values
// (sgd, efsign, topk) and vote for the voting methods.
DetoxConfig detox_config_of(const TrainConfig& cfg);
// Ranks that share a part of the training partition (and its batches): R
// with --aggregate detox, else 1.
int data_group_of(const TrainConfig& cfg);
// The data flags as a DataConfig (path, partition, seed, subsets, DETOX
// group); the caller sets test_whole.
DataConfig data_config_of(const TrainConfig& cfg);
// The Byzantine ranks of a P-rank run, ascending: --byzantine-ranks, else the
// last --byzantine N ranks (none without either).
std::vector<int> byzantine_ranks_of(const TrainConfig& cfg, int P);

// Declares train's flags on `app` (the `train` subcommand): parsing fills
// *cfg, then train_config_check runs. --data is required.
void train_flags_add(CLI::App* app, TrainConfig* cfg);

// "" or one line: an impossible method x strategy x aggregator (method_check),
// --budget or --magsparse-density without magsparse, or both,
// --checkpoint-every or --resume without --out, --local-steps without
// magsparse, --group / --detox-final without detox, a group size that is even
// or < 3, --detox-final vote for a method that sends values, --byzantine
// without --attack, a rank listed twice, a --byzantine N that is not the
// length of --byzantine-ranks, an attack the method's message cannot carry
// (attack_check), --overlap with what it cannot run with; --async with a
// method that is not served (method_serves), asgd without --async, a served
// method with a flag of the lock-step trainer (server_flag_conflict), dgs with
// --momentum 0, --slow-rank with a method that is not served. Checks that need
// the rank count (P % R, ranks that exist) or the data are the trainer's.
std::string train_config_check(const TrainConfig& cfg);

}  // namespace bitvote
