// A training method: how a rank turns its gradient into a message (the
// compressor, with its rank-local state), how the ranks agree (the
// aggregator) and how the agreed update moves the weights (the optimizer).
// DESIGN.md section 3 has the exact rules; the table in method.cpp has one
// row per method.
//
// The trainer's step, in order:
//   std::string why = method_check(kind, *strategy, aggregate);  // once, at start-up: "" or the error
//   Method method = method_make(cfg, net.segments, d);
//   AggregateState agg = aggregate_open(&comm, AggregateKind::vote, *strategy);  // aggregate/aggregator.h
//   ...
//   method_measure_scales(&method, grad);                       // compress phase: magsparse's B, this rank's
//   method_agree_scales(&comm, &method);                         // comm phase: the B of every rank (collective)
//   Message m = method_compress(&method, grad, step);           // compress phase (abstains on NaN/inf)
//   if (N) method_attack(&comm, &method, &m, attack, liars, step);  // every rank: the liars lie
//   aggregate(&agg, m, &update);      // comm phase (exchange), aggregate phase (combine): see aggregator.h
//   method_apply(&method, update, weights, step);                // update phase
// Every rank applies the same update to the same weights, so weights stay
// bit-identical on all ranks; the trainer checks it with a checksum.
//
// Messages: sgd fp32 (allreduce); signsgd, signum, noisysign sign (the vote
// strategies); s3gd sparse (index, sign) lists (sparse-allgather or a dense
// vote); magsparse ternary; efsign scaled_sign (sign-allgather, or allreduce
// of the dense vector); topk sparse_fp32 (sparse-allgather-fp32, or allreduce).
// `auto` takes them all.
//
// Changes from the lead's draft: magsparse's budget < 0 is gone; aggregators,
// Byzantine attacks, gradient_check, method_check and attack_check were added;
// topk is plain SGD (no momentum); the noise default is 1e-3 (noise_default).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aggregate/aggregator.h"  // AggregateKind, aggregate_name, aggregate_parse
#include "comm/strategy.h"
#include "base/named_state.h"
#include "base/segment.h"

namespace bitvote {

enum class MethodKind { sgd, signsgd, signum, s3gd, magsparse, noisysign, efsign, topk, dgs, asgd };
enum class NoiseKind { gaussian, uniform };
enum class AttackKind { flip, random, zero, scaled, alie };

struct MethodConfig {
    MethodKind kind = MethodKind::sgd;
    float lr = 0;            // 0: the method's default (method_default_lr)
    float momentum = 0.9f;   // sgd (heavy ball), signum (beta); topk is plain SGD (its error
                             // feedback already carries the past: momentum on top diverged)
    float weight_decay = 0;  // applied with the agreed update, same on every rank
    double density = 0.01;   // s3gd, topk: K per layer = ceil(density * layer size)
    float accum = 1;         // s3gd rho: a = rho a + g (0: the top-K of g alone)
    double budget = 0;       // magsparse: > 0 = this fixed B for every layer (--budget); 0 = B measured each step
    double magsparse_density = 0;  // magsparse, B measured: 0 = each layer's max|g|, rho in (0, 1] = the B at which
                                   // a layer expects rho * n votes; either way the max over ranks
    float noise = -1;        // b of noise_add: noisysign's, or sgd's under --aggregate median (noisy
                             // medianSGD); < 0: not given, method_make resolves it (noise_default)
    NoiseKind noise_kind = NoiseKind::gaussian;
    double alie_z = 0;       // attack alie's z; 0: from P and N (alie_z())
    int local_steps = 1;     // magsparse tau: the trainer runs tau local steps and passes the model
                             // difference as `grad`; the compressor itself does not read it
    uint64_t seed = 0;       // magsparse, noisysign, attack `random`: draws keyed by (seed, rank, step, i)
    int rank = 0;
};

// Rank-local state and the message buffers (a Message's spans point here).
// method_make allocates only what the method's state and message kind use;
// the others stay empty.
struct Method {
    MethodConfig cfg;                  // lr resolved (never 0)
    std::vector<Segment> segments;     // per-layer top-K and scales
    std::vector<float> memory;         // [d] signum momentum, s3gd accumulator, efsign/topk error
    std::vector<float> velocity;       // [d] sgd heavy-ball buffer (topk: mu = 0)
    std::vector<float> values;         // [d] noisysign scratch; [largest layer] magsparse's density
                                       // solver's (grown once); topk's [K] values;
                                       // an attacked fp32 message (sized by the attack)
    std::vector<uint64_t> bits;        // [bitmap_words(d)] sign and scaled sign messages
    std::vector<uint64_t> voted, positive;  // [bitmap_words(d)] ternary message
    std::vector<float> scales;         // [segments] magsparse's B per layer: the budget, or this step's
                                       // (method_measure_scales, method_agree_scales)
    std::vector<uint32_t> indices;     // [<= K total] sparse and sparse fp32 messages, ascending
    std::vector<uint64_t> signs;       // [bitmap_words(indices)] sparse message
    size_t arena_offset = 0;           // arena index of coordinate 0: 0, or a bucket's first float
                                       // (method_make_part); keys magsparse's draws
};

std::string_view method_name(MethodKind k);
bool method_parse(std::string_view name, MethodKind* out);
std::vector<std::string_view> method_names();  // the method table's rows, in order
float method_default_lr(MethodKind k);
// dgs and asgd: rank 0 is a parameter server and the workers train against
// it (train/async_train.h), not the step of method_compress / method_apply,
// which these two rows do not have.
bool method_serves(MethodKind k);
// The noise b when --noise is not given: noisysign 1e-3 (0.01 swamps this
// mlp's ~1e-3 gradients: 75 % vs 80 %), every other method 0 (none).
float noise_default(MethodKind k);
// The message kind this method sends (fp32, sign, ternary, sparse,
// scaled_sign for efsign, sparse_fp32 for topk).
MessageKind method_message_kind(MethodKind k);

std::string_view attack_name(AttackKind k);
bool attack_parse(std::string_view name, AttackKind* out);
std::vector<std::string_view> attack_names();

// "" if the method can run with this strategy and aggregator, else one
// message naming the valid strategies / aggregators for the method. An
// aggregator that does not exchange by the strategy (weighted, median)
// passes with any strategy.
std::string method_check(MethodKind k, const Strategy& s, AggregateKind a);
// "" if the attack applies to the method's message, else why not.
std::string attack_check(MethodKind k, AttackKind a);

Method method_make(const MethodConfig& cfg, std::span<const Segment> segments, size_t d);
// True if the method's compressor and optimizer act per layer (and per
// coordinate within a layer): compressing and applying a run of whole layers
// alone gives the bits the whole vector gives there. False where a rule reads
// the whole gradient (efsign's scale ||p||_1 / d; noisysign's noise, drawn in
// pairs of coordinates keyed by their index).
bool method_per_layer(MethodKind k);
// --overlap: the method of one bucket, arena floats [offset, offset + count)
// holding whole segments (arena offsets): its state covers those floats and
// its messages and updates are the bucket's alone (d = count). A method that
// is not method_per_layer takes only the whole vector (offset 0, count d).
Method method_make_part(const MethodConfig& cfg, std::span<const Segment> segments, size_t offset, size_t count);
// magsparse's scale B (DESIGN.md 3): one per layer, the same on every rank.
// With --budget it is fixed; otherwise, before each method_compress,
// method_measure_scales sets m->scales to this rank's candidates (each layer's
// max|g|, or with --magsparse-density rho the B at which the layer expects
// rho * n votes, solved exactly) and method_agree_scales, collective, to their
// max over ranks: one MPI_Allreduce(MAX) of 4 bytes a layer, counted in the
// payload. So a rank's votes weigh by its gradient against everyone's, and
// with rho each rank votes on at most rho * n of a layer in expectation. Both
// do nothing where method_shares_scales is false (other methods, --budget).
// A part's method (method_make_part) covers whole layers, so per-bucket scales
// are the whole vector's.
bool method_shares_scales(const MethodConfig& cfg);
void method_measure_scales(Method* m, std::span<const float> grad);
void method_agree_scales(Comm* c, Method* m);
// The method's rank-local state (what a checkpoint saves: momentum, error
// memory, accumulators), each named prefix + its buffer's name. Message
// buffers and scratch are not state: compress rewrites them every step. The
// draws of magsparse, noisysign and `random` are keyed by (seed, rank, step,
// index): the step is their counter, so they hold no state.
void method_states(Method* m, const std::string& prefix, StateList* out);
// Whether every gradient entry is finite: one read pass (the stream_sum
// kernel: a NaN or inf makes the sum non-finite; only then a scan, so a
// finite sum that overflowed passes).
bool gradient_finite(std::span<const float> grad);
// "" if every gradient entry is finite, else a message naming the step, the
// first bad index and its value.
std::string gradient_check(std::span<const float> grad, int64_t step);
// The message of this step. A non-finite gradient makes the rank abstain
// (DESIGN.md 9; Message::abstains): the message holds no vote and the
// method's state (momentum, error memory, accumulator) stays as it was, so
// NaN never enters a message or the state. The message's spans point into
// *m (or into grad for sgd).
Message method_compress(Method* m, std::span<const float> grad, int64_t step);
// w -= lr * update (+ momentum / weight decay as the method says). update is
// what aggregate() (or exchange()) gave for this method's message. No rule
// reads `step` today; it is in the call so a schedule can.
void method_apply(Method* m, const Update& update, std::span<float> weights, int64_t step);

// A Byzantine rank's message after compression (DESIGN.md section 3):
// flip = -sign (values: -v), random = random signs where the message votes
// (values: random sign times |v|), zero = no vote (values: 0; scaled sign:
// scale 0), scaled = -100 v (messages with values only). Rewrites *msg; its
// spans then point into *m. Local: every attack but alie.
void method_corrupt(Method* m, Message* msg, AttackKind a, int64_t step);
// Collective, on every rank: the ranks in `liars` corrupt their message
// unless it abstains (an abstainer sends nothing, honest or not; alie's
// moments are over the ranks that do not abstain).
// alie ("a little is enough", fp32 messages): every rank's honest values give
// the mean mu and standard deviation sigma per coordinate (an MPI_Allreduce
// that simulates omniscient attackers: not counted in payload bytes), and the
// attackers send mu - z sigma, z = cfg.alie_z if > 0, else alie_z(P, N):
// Phi^-1((P - s) / P), s = floor(P / 2 + 1) - N, N = the number of liars.
void method_attack(Comm* c, Method* m, Message* msg, AttackKind a, std::span<const int> liars, int64_t step);
// alie's z for P ranks of which N attack (0 where the formula gives no lie).
double alie_z(int P, int byzantine);
// "" if alie lies at P ranks with N attackers (--alie-z z > 0, or alie_z > 0),
// else why not, naming --alie-z: at P = 2 or 4 (and 8, 10) with N = 1 the
// formula gives z = 0 (the attackers would send the mean), and where the
// attackers are a majority (s <= 0) it gives no z at all.
std::string alie_check(int P, int byzantine, double z);

}  // namespace bitvote
