// `bitvote train` flags: one declaration per flag, onto the CLI11 subcommand.
#include "train/train_config.h"

#include <algorithm>
#include <cstdlib>

#include "base/flag_values.h"
#include "comm/strategy.h"

namespace bitvote {
namespace {

std::vector<std::string_view> strategy_names() {
    std::vector<std::string_view> names;
    for (const Strategy& s : strategy_table()) names.push_back(s.name);
    return names;
}

// "a,b,c": one or more decimal integers in [lo, hi], no empty item.
bool int_list_parse(const std::string& text, long lo, long hi, std::vector<int>* out) {
    const char* p = text.c_str();
    while (true) {
        char* end = nullptr;
        const long v = std::strtol(p, &end, 10);
        if (end == p || v < lo || v > hi) return false;
        out->push_back(int(v));
        if (*end == 0) return true;
        if (*end != ',') return false;
        p = end + 1;
    }
}

bool partition_text_parse(const std::string& text, Partition* out) {
    try {
        *out = partition_parse(text);
    } catch (const DataError&) {
        return false;
    }
    return true;
}

// The exchange is the fp32 allreduce: --strategy allreduce, or auto with fp32
// messages (auto gives them to the allreduce alone).
bool exchange_is_fp32_allreduce(const TrainConfig& c) {
    const Strategy& s = *strategy_find(c.strategy);
    return s.fp32_baseline || (s.picks && method_message_kind(c.method.kind) == MessageKind::fp32);
}

// "R:MS": a worker rank >= 1 and milliseconds >= 0.
bool slow_rank_parse(const std::string& text, SlowRank* out) {
    const size_t colon = text.find(':');
    int64_t rank = 0, ms = 0;
    if (colon == std::string::npos || !int_parse(text.substr(0, colon), 1, 1 << 20, &rank) ||
        !int_parse(text.substr(colon + 1), 0, 3600 * 1000, &ms))
        return false;
    *out = {int(rank), int(ms)};
    return true;
}

// The first flag of the lock-step trainer that a served method (dgs, asgd:
// rank 0 serves, workers send to it alone) cannot take, or "".
std::string server_flag_conflict(const TrainConfig& c) {
    const MethodConfig& m = c.method;
    if (c.overlap) return "--overlap";
    if (c.aggregate != AggregateKind::vote) return "--aggregate " + std::string(aggregate_name(c.aggregate));
    if (c.strategy != "auto") return "--strategy " + c.strategy;
    if (!c.byzantine_ranks.empty()) return "--byzantine-ranks";
    if (c.byzantine > 0 || c.attack_given) return c.byzantine > 0 ? "--byzantine" : "--attack";
    if (c.checkpoint_every > 0 || c.resume) return c.resume ? "--resume" : "--checkpoint-every";
    if (c.max_abstain >= 0) return "--max-abstain";
    if (m.local_steps > 1) return "--local-steps";
    if (c.timing == Timing::strict) return "--timing strict";
    return "";
}

// "" or why a served method (dgs, asgd) or its flags cannot run.
std::string server_check(const TrainConfig& c) {
    const MethodKind k = c.method.kind;
    const std::string method = "--method " + std::string(method_name(k));
    if (c.async && !method_serves(k))
        return "--async applies to --method dgs and asgd only (--method " + std::string(method_name(k)) +
               " runs in lock step)";
    if (c.slow_rank.rank > 0 && !method_serves(k)) return "--slow-rank applies to --method dgs and asgd only";
    if (!method_serves(k)) return "";
    if (k == MethodKind::asgd && !c.async)
        return "--method asgd needs --async (dense synchronous SGD is --method sgd)";
    if (std::string flag = server_flag_conflict(c); !flag.empty())
        return method + " (rank 0 serves the model) cannot run with " + flag;
    if (k == MethodKind::dgs && c.method.momentum == 0)
        return "--method dgs needs --momentum > 0 (SAMomentum divides the unsent entries by it)";
    return "";
}

}  // namespace

void train_flags_add(CLI::App* app, TrainConfig* c) {
    MethodConfig& m = c->method;
    flag_required(flag(app, "--data F.h5", &c->data, "dataset in bitvote's HDF5 layout (bitvote data ...)"));
    flag(app, "--model", &c->model, one_of({"mlp", "cnn"}, model_kind_parse), "network");
    flag(app, "--widths a,b,...", &c->widths,
         Parsed<std::vector<int>>{[](const std::string& text, std::vector<int>* out) {
                                      return int_list_parse(text, 1, 1 << 16, out);
                                  },
                                  "a comma-separated list of sizes in [1, 65536], e.g. 256,128"},
         "hidden sizes (mlp default 256,128; cnn: conv1,conv2,fc default 32,64,512)");
    flag(app, "--method M", &m.kind, one_of(method_names(), method_parse),
         "what a rank sends and how the update is applied: " + names_text(method_names()));
    flag(app, "--strategy S", &c->strategy, one_of(strategy_names()), "how ranks exchange messages (listed below)");
    flag(app, "--aggregate", &c->aggregate, one_of(aggregate_names(), aggregate_parse),
         "how ranks agree: majority vote, weighted vote (SignSGD-FV), coordinate-wise median or DETOX");
    flag(app, "--group R", &c->group, at_least(1),
         "detox: groups of R consecutive ranks (odd, >= 3, dividing the ranks) train on the same batches",
         std::to_string(detox_default_group).c_str());
    flag(app, "--detox-final", &c->detox_final,
         Choices<DetoxFinal>{{{"pick", DetoxFinal::pick}, {"vote", DetoxFinal::vote}, {"median", DetoxFinal::median}}},
         "detox: the rule across the group results; pick: vote for voting methods, median for methods that "
         "send values");
    flag(app, "--density D", &m.density, fraction(),
         "s3gd/topk/dgs: fraction of each layer sent, K = ceil(D * size) (dgs: both ways)");
    flag(app, "--accum R", &m.accum, RealRange{0, 1},
         "s3gd: accumulation factor rho, a = rho a + g (1: S3GD-MV's error accumulation; 0: top-K of g alone)");
    flag(app, "--lr LR", &m.lr, positive(), "learning rate", "the method's, listed below");
    flag(app, "--momentum B", &m.momentum, RealRange{0, 1, false, true},
         "sgd momentum, signum beta, dgs SAMomentum m (topk and asgd are plain SGD)");
    flag(app, "--weight-decay L", &m.weight_decay, RealRange{0, 1}, "weight decay, applied after the aggregation");
    flag(app, "--budget B", &m.budget, positive(), "magsparse: a fixed scale B for every layer",
         "the max over ranks of each layer's max|g|");
    flag(app, "--magsparse-density R", &m.magsparse_density, fraction(),
         "magsparse: each rank picks each layer's B so that it expects R * size votes there; "
         "the ranks take the max B (so at most R)",
         "off");
    flag(app, "--noise B", &m.noise, non_negative(),
         "noise b added to each coordinate: noisysign sends sign(g + b xi); with --aggregate median (sgd) each rank "
         "sends g + b xi to the median (noisy medianSGD). gaussian: b is the standard deviation; uniform: b is "
         "the half-width (xi on [-1, 1])",
         ("noisysign " + real_text(noise_default(MethodKind::noisysign)) + ", median 0").c_str());
    flag(app, "--noise-kind", &m.noise_kind,
         Choices<NoiseKind>{{{"gaussian", NoiseKind::gaussian}, {"uniform", NoiseKind::uniform}}},
         "the --noise distribution: gaussian N(0, b^2), or uniform on [-b, b]");
    flag(app, "--batch N[,N...]", &c->batch,
         Parsed<std::vector<int>>{[](const std::string& t, std::vector<int>* v) { return int_list_parse(t, 1, batch_max, v); },
                                  "a batch size in [1, " + std::to_string(batch_max) +
                                      "], or a comma-separated list of them (one per rank, cycled)"},
         "samples per rank per step; a list gives rank r the (r mod length)-th value, e.g. 8,8,32,128",
         std::to_string(c->batch.front()).c_str());
    flag(app, "--epochs E", &c->epochs, positive(),
         "passes over the training set, may be fractional (ignored with --steps)");
    flag(app, "--steps N", &c->steps, at_least(1), "steps to run", "from --epochs");
    flag(app, "--partition P", &c->partition,
         Parsed<Partition>{partition_text_parse, "iid, labels:C (C >= 1) or dirichlet:A (A > 0)"},
         "how the training samples are split: iid, labels:C or dirichlet:A", "iid");
    flag(app, "--seed N", &c->seed, at_least(0), "seed of the subsets, partition, initial weights and batches");
    flag(app, "--eval-every N", &c->eval_every, at_least(1), "evaluate every N steps (always at the end)",
         "once per epoch");
    flag(app, "--out DIR", &c->out, "write DIR/run.jsonl and DIR/summary.json (DIR is created)");
    flag(app, "--train-samples N", &c->train_samples, at_least(1), "train on a seeded subset of N samples", "all");
    flag(app, "--test-samples N", &c->test_samples, at_least(1), "evaluate on a seeded subset of N samples", "all");
    flag(app, "--timing", &c->timing, Choices<Timing>{{{"relaxed", Timing::relaxed}, {"strict", Timing::strict}}},
         "strict puts a barrier between phases");
    flag(app, "--max-abstain N", &c->max_abstain, at_least(0),
         "a rank whose gradient holds a NaN or inf abstains from that step's vote; more than N abstaining "
         "ranks in one step end the run (N < ranks)",
         "ranks / 2");
    flag(app, "--byzantine N", &c->byzantine, in_range(0, std::numeric_limits<int32_t>::max()),
         "the last N ranks are adversaries (needs --attack)");
    flag(app, "--byzantine-ranks r,...", &c->byzantine_ranks,
         Parsed<std::vector<int>>{[](const std::string& text, std::vector<int>* out) {
                                      return int_list_parse(text, 0, std::numeric_limits<int32_t>::max(), out);
                                  },
                                  "a comma-separated list of ranks >= 0, e.g. 2,5"},
         "these ranks are the adversaries instead of the last N (needs --attack; implies --byzantine with their "
         "count, which a --byzantine given too must equal)");
    flag(app, "--attack A", &c->attack,
         Parsed<AttackKind>{
             [c](const std::string& text, AttackKind* a) { return c->attack_given = attack_parse(text, a); },
             "one of " + names_text(attack_names())},
         "what adversaries send: " + names_text(attack_names()) +
             " (scaled: -100 g, for methods that send values; alie: mean - z std, for fp32)");
    flag(app, "--alie-z Z", &m.alie_z, positive(), "--attack alie: z itself, whatever P and N",
         "Phi^-1((P - s)/P), s = floor(P/2 + 1) - N");
    flag(app, "--local-steps T", &m.local_steps, in_range(1, 1000),
         "magsparse: T local SGD steps per exchange, sending the model difference");
    flag(app, "--local-lr LR", &c->local_lr, positive(), "lr of those local steps", "sgd's default lr");
    flag_switch(app, "--overlap", &c->overlap,
                "exchange gradient buckets (last layers first) while backward runs (DDP-style)");
    flag(app, "--bucket-kb K", &c->bucket_kb, in_range(1, 1 << 20),
         "--overlap: bucket cap in KiB of fp32 gradient (the first bucket is K/16); a layer is never split");
    flag(app, "--overlap-progress", &c->overlap_progress,
         Choices<OverlapProgress>{
             {{"pick", OverlapProgress::pick}, {"thread", OverlapProgress::thread}, {"test", OverlapProgress::test}}},
         "--overlap: an exchange thread (any strategy), MPI_Iallreduce + MPI_Test between layers (allreduce), "
         "or pick: test for the fp32 allreduce, else thread");
    flag(app, "--checkpoint-every N", &c->checkpoint_every, at_least(1),
         "write OUT/checkpoints/step-N.h5 at the end of every N-th step (needs --out)", "none");
    flag(app, "--keep-checkpoints K", &c->keep_checkpoints, in_range(1, 1 << 20), "keep the newest K checkpoints");
    flag_switch(app, "--resume", &c->resume,
                "continue the run in --out from its newest readable checkpoint (same flags; --steps may grow)");
    flag_switch(app, "--async", &c->async,
                "dgs, asgd: workers never wait for each other (rank 0 is the parameter server); without it dgs "
                "runs in lock step");
    flag(app, "--slow-rank R:MS", &c->slow_rank,
         Parsed<SlowRank>{slow_rank_parse, "a worker rank >= 1 and milliseconds >= 0, R:MS (e.g. 2:50)"},
         "dgs, asgd: worker R sleeps MS ms per step (heterogeneous worker speed)", "none");
    flags_check(app, [c] { return train_config_check(*c); });
}

namespace {

// "" or why the DETOX flags do not fit (P unknown: the group size alone).
std::string detox_flags_check(const TrainConfig& c) {
    if (c.aggregate != AggregateKind::detox) {
        if (c.group) return "--group " + std::to_string(c.group) + " applies to --aggregate detox only";
        if (c.detox_final != DetoxFinal::pick) return "--detox-final applies to --aggregate detox only";
        return "";
    }
    if (c.detox_final == DetoxFinal::vote && message_has_values(method_message_kind(c.method.kind)))
        return "--detox-final vote needs a voting method; method '" + std::string(method_name(c.method.kind)) +
               "' sends " + std::string(message_kind_name(method_message_kind(c.method.kind))) +
               " messages: use --detox-final median";
    return detox_check(detox_config_of(c), 0);
}

// "" or why --byzantine / --byzantine-ranks do not fit (P unknown).
std::string byzantine_flags_check(const TrainConfig& c) {
    std::vector<int> sorted = c.byzantine_ranks;
    std::sort(sorted.begin(), sorted.end());
    if (auto twice = std::adjacent_find(sorted.begin(), sorted.end()); twice != sorted.end())
        return "--byzantine-ranks lists rank " + std::to_string(*twice) + " twice";
    const int64_t listed = int64_t(sorted.size());
    if (listed && c.byzantine && c.byzantine != listed)
        return "--byzantine " + std::to_string(c.byzantine) + " disagrees with --byzantine-ranks, which lists " +
               std::to_string(listed) + ": give one of the two, or N = the number listed";
    const std::string given = listed ? "--byzantine-ranks" : "--byzantine " + std::to_string(c.byzantine);
    if ((listed || c.byzantine) && !c.attack_given) return given + " needs --attack";
    return "";
}

}  // namespace

DetoxConfig detox_config_of(const TrainConfig& c) {
    DetoxConfig d;
    d.group = c.group ? c.group : detox_default_group;
    const bool values = message_has_values(method_message_kind(c.method.kind));
    d.final = c.detox_final == DetoxFinal::vote     ? AggregateKind::vote
              : c.detox_final == DetoxFinal::median ? AggregateKind::median
              : values                              ? AggregateKind::median
                                                    : AggregateKind::vote;
    return d;
}

int data_group_of(const TrainConfig& c) {
    return c.aggregate == AggregateKind::detox ? detox_config_of(c).group : 1;
}

DataConfig data_config_of(const TrainConfig& c) {
    DataConfig dc;
    dc.path = c.data;
    dc.partition = c.partition;
    dc.seed = c.seed;
    dc.train_samples = c.train_samples;
    dc.test_samples = c.test_samples;
    dc.group = data_group_of(c);
    return dc;
}

std::vector<int> byzantine_ranks_of(const TrainConfig& c, int P) {
    std::vector<int> ranks = c.byzantine_ranks;
    std::sort(ranks.begin(), ranks.end());
    if (ranks.empty())
        for (int64_t r = std::max<int64_t>(0, P - c.byzantine); r < P; ++r) ranks.push_back(int(r));
    return ranks;
}

std::string train_config_check(const TrainConfig& c) {
    const MethodConfig& m = c.method;
    if (std::string why = server_check(c); !why.empty()) return why;
    if (std::string why = method_check(m.kind, *strategy_find(c.strategy), c.aggregate); !why.empty()) return why;
    if ((m.budget > 0 || m.magsparse_density > 0) && m.kind != MethodKind::magsparse)
        return std::string(m.budget > 0 ? "--budget" : "--magsparse-density") + " applies to --method magsparse only";
    if (m.budget > 0 && m.magsparse_density > 0)
        return "--budget and --magsparse-density both set magsparse's scale B: give one";
    if (c.out.empty() && (c.checkpoint_every > 0 || c.resume))
        return std::string(c.resume ? "--resume" : "--checkpoint-every") +
               " needs --out DIR (checkpoints go to DIR/checkpoints)";
    if (m.local_steps > 1 && m.kind != MethodKind::magsparse)
        return "--local-steps " + std::to_string(m.local_steps) + " applies to --method magsparse only";
    if (m.accum != 1 && m.kind != MethodKind::s3gd) return "--accum applies to --method s3gd only";
    if (m.noise >= 0 && m.kind != MethodKind::noisysign && c.aggregate != AggregateKind::median)
        return "--noise applies to --method noisysign and to --aggregate median (noisy medianSGD) only";
    if (std::string why = detox_flags_check(c); !why.empty()) return why;
    if (std::string why = byzantine_flags_check(c); !why.empty()) return why;
    const bool byzantine = c.byzantine > 0 || !c.byzantine_ranks.empty();
    if (m.alie_z > 0 && (!byzantine || c.attack != AttackKind::alie))
        return "--alie-z applies to --byzantine N (or --byzantine-ranks) --attack alie only";
    if (std::string why = byzantine ? attack_check(m.kind, c.attack) : ""; !why.empty()) return why;
    if (c.overlap && c.aggregate != AggregateKind::vote)
        return "--overlap needs --aggregate vote (weighted, median and detox aggregate whole vectors)";
    if (c.overlap && m.local_steps > 1) return "--overlap cannot run with --local-steps (the message is not a gradient)";
    if (c.overlap && byzantine) return "--overlap cannot run with --byzantine";
    if (c.overlap && c.overlap_progress == OverlapProgress::test && !exchange_is_fp32_allreduce(c))
        return "--overlap-progress test needs --strategy " + std::string(strategy_fp32_baseline().name) +
               " (the one exchange with a non-blocking form here); --overlap-progress thread takes any";
    return "";
}

OverlapProgress overlap_progress_of(const TrainConfig& c) {
    if (c.overlap_progress != OverlapProgress::pick) return c.overlap_progress;
    return exchange_is_fp32_allreduce(c) ? OverlapProgress::test : OverlapProgress::thread;
}

ModelSpec model_spec(const TrainConfig& cfg, const DataInfo& info) {
    ModelSpec spec;
    spec.kind = cfg.model;
    spec.channels = info.shape.channels;
    spec.height = info.shape.height;
    spec.width = info.shape.width;
    spec.classes = info.classes;
    spec.widths = cfg.widths;
    return spec;
}

int rank_batch(const TrainConfig& c, int rank) { return c.batch[size_t(rank) % c.batch.size()]; }

size_t first_bucket_bytes(int64_t bucket_kb) { return size_t(std::max<int64_t>(1, bucket_kb / 16)) * 1024; }

}  // namespace bitvote
