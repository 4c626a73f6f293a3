// The trainer: set-up (collective, every error reported once), the step loop,
// evaluation with the cross-rank weights check, and the summary.
#include "train/train.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "aggregate/aggregator.h"
#include "comm/alpha_beta.h"
#include "comm/error_exit.h"
#include "comm/strategy.h"
#include "comm/wire_bytes.h"
#include "train/async_train.h"
#include "train/compress_phases.h"
#include "train/evaluate.h"
#include "train/local_steps.h"
#include "train/metrics.h"
#include "train/overlap.h"
#include "train/phase_timer.h"
#include "train/run_env.h"
#include "train/run_files.h"
#include "train/run_records.h"
#include "train/threads.h"
#include "train/weights_checksum.h"
#include "train/wire_meter.h"

namespace bitvote {
namespace {

struct Trainer {
    TrainConfig cfg;
    RunFacts facts;
    RunEnv env;
    Comm comm;
    Data data;
    Loader loader;
    Batch batch;
    Net net;
    Method method;
    Overlap overlap;  // --overlap: buckets, their methods, the exchange thread; else unused
    LocalSteps local;
    const Strategy* strategy = nullptr;
    AggregateState aggregator;
    Update update;
    PhaseTimer timer;
    WireMeter wire;
    Metrics metrics;
    RunFiles files;
    EvalResult last_eval;
};

// Training samples all ranks use per step: the sum of their batches, times
// the local steps. An epoch is train_total of them (README, --batch).
int64_t step_samples(const TrainConfig& cfg, int ranks) {
    int64_t n = 0;
    for (int r = 0; r < ranks; ++r) n += rank_batch(cfg, r);
    return n * cfg.method.local_steps;
}

// Every rank reads its shard; a DataError is the same on every rank.
// shard_sizes: [P] every rank's training shard.
bool open_data(Trainer* t, std::vector<int64_t>* shard_sizes, std::string* error) {
    DataConfig dc;
    dc.path = t->cfg.data;
    dc.partition = t->cfg.partition;
    dc.seed = t->cfg.seed;
    dc.train_samples = t->cfg.train_samples;
    dc.test_samples = t->cfg.test_samples;
    dc.test_whole = false;  // rank r evaluates test part r
    try {
        t->data = data_open(dc, MPI_COMM_WORLD);
    } catch (const DataError& e) {
        *error = e.what();
        return false;
    }
    const int64_t mine = t->data.train.size();
    shard_sizes->resize(size_t(t->comm.size));
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_INT64_T, shard_sizes->data(), 1, MPI_INT64_T, MPI_COMM_WORLD));
    if (std::ranges::min(*shard_sizes) > 0) return true;
    *error = "--partition " + partition_name(t->cfg.partition) + " leaves a rank without training samples";
    return false;
}

// "" if every rank's shard holds a whole batch of its own; checked before the
// network allocates its batch-sized buffers.
std::string batch_error(const Trainer& t, const std::vector<int64_t>& shard_sizes) {
    for (int r = 0; r < t.comm.size; ++r) {
        const int64_t batch = rank_batch(t.cfg, r), shard = shard_sizes[size_t(r)];
        if (batch <= shard) continue;
        return "--batch: rank " + std::to_string(r) + "'s batch " + std::to_string(batch) +
               " is larger than its training shard (" + std::to_string(shard) + " samples; " +
               std::to_string(t.data.info.train_total) + " over " + std::to_string(t.comm.size) +
               " ranks): use " + std::to_string(shard) + " or fewer";
    }
    return "";
}

// The method's settings from the flags, with this run's seed and rank.
MethodConfig method_config(const TrainConfig& cfg, int rank) {
    MethodConfig mc = cfg.method;
    mc.seed = cfg.seed;
    mc.rank = rank;
    return mc;
}

RunFacts resolve_facts(const TrainConfig& cfg, const DataInfo& info, size_t params, int ranks) {
    RunFacts f;
    f.dataset = info.name;
    f.params = params;
    f.train_total = info.train_total;
    f.test_total = info.test_total;
    f.steps_per_epoch = std::max<int64_t>(1, info.train_total / step_samples(cfg, ranks));
    for (int r = 0; r < ranks; ++r) f.batches.push_back(rank_batch(cfg, r));
    f.steps = cfg.steps ? cfg.steps : std::max<int64_t>(1, std::llround(cfg.epochs * double(f.steps_per_epoch)));
    f.eval_every = cfg.eval_every ? cfg.eval_every : f.steps_per_epoch;
    f.lr = float_decimal(cfg.method.lr > 0 ? cfg.method.lr : method_default_lr(cfg.method.kind));
    return f;
}

// Collective set-up. Returns 0, or the exit code after reporting the error once.
int trainer_open(Trainer* t) {
    t->comm = comm_open(MPI_COMM_WORLD);
    std::string error;
    if (int provided = 0; t->cfg.overlap && overlap_progress_of(t->cfg) == OverlapProgress::thread &&
                          (MPI_Query_thread(&provided), provided < MPI_THREAD_MULTIPLE))
        return error_exit("train", "--overlap needs MPI_THREAD_MULTIPLE, which this MPI does not provide (it gave level " +
                                       std::to_string(provided) + ")", 1);
    std::vector<int64_t> shard_sizes;
    if (!open_data(t, &shard_sizes, &error)) return error_exit("train", error, 1);
    if (std::string why = batch_error(*t, shard_sizes); !why.empty()) return usage_error_exit("train", why);
    const ModelSpec spec = model_spec(t->cfg, t->data.info);
    if (std::string why = model_spec_error(spec); !why.empty()) return usage_error_exit("train", why);
    if (t->cfg.byzantine >= t->comm.size)
        return usage_error_exit("train", "--byzantine " + std::to_string(t->cfg.byzantine) + " needs more than " +
                                             std::to_string(t->cfg.byzantine) + " ranks (running " +
                                             std::to_string(t->comm.size) + ")");
    if (t->cfg.byzantine > 0 && t->cfg.attack == AttackKind::alie)
        if (std::string why = alie_check(t->comm.size, int(t->cfg.byzantine), t->cfg.method.alie_z); !why.empty())
            return usage_error_exit("train", why);
    if (!run_files_open(t->cfg.out, t->comm.rank, &t->files, &error)) return error_exit("train", error, 1);

    const int threads = threads_per_rank_set(t->comm.comm);
    const int batch = rank_batch(t->cfg, t->comm.rank);
    t->net = net_create(spec, batch, t->cfg.seed);
    t->facts = resolve_facts(t->cfg, t->data.info, net_param_count(t->net), t->comm.size);
    t->method = method_make(method_config(t->cfg, t->comm.rank), net_segments(t->net), net_param_count(t->net));
    const double local_lr = t->cfg.local_lr > 0 ? t->cfg.local_lr : method_default_lr(MethodKind::sgd);
    t->local = local_steps_make(t->cfg.method.local_steps, float(local_lr), net_param_count(t->net));
    t->loader = loader_make(t->data.train, t->data.info, batch, t->cfg.seed, t->comm.rank);
    t->strategy = strategy_find(t->cfg.strategy);
    const Transport transport = wire_transport(t->comm.comm);  // also opens every TCP connection
    t->wire = wire_meter_make(t->comm.comm, transport);
    if (aggregator_of(t->cfg.aggregate).uses_strategy && t->strategy->picks)
        t->comm.alpha_beta = alpha_beta_measure(t->comm.comm);
    t->aggregator = aggregate_open(&t->comm, t->cfg.aggregate, *t->strategy);
    if (t->cfg.overlap)
        t->overlap = overlap_open(method_config(t->cfg, t->comm.rank), net_segments(t->net),
                                  size_t(t->cfg.bucket_kb) * 1024, first_bucket_bytes(t->cfg.bucket_kb), &t->comm,
                                  *t->strategy, overlap_progress_of(t->cfg));
    t->timer.barrier_comm = t->cfg.timing == Timing::strict ? t->comm.comm : MPI_COMM_NULL;
    t->metrics.payload_last = t->comm.bytes();
    t->env = run_env_collect(t->comm.comm, transport, threads);
    run_files_append(&t->files, record_config(t->cfg, t->facts, t->env));
    return 0;
}

// Collective: scores the test set, checks that every rank holds the same
// weights (a mismatch ends the run), reports on rank 0.
void evaluate_and_report(Trainer* t, int64_t steps_done) {
    t->last_eval = evaluate_test(&t->net, t->data.test, t->data.info, t->comm.comm);
    const uint64_t checksum = weights_checksum(net_weights(t->net));
    if (!checksum_agrees(checksum, t->comm.comm))
        fatal_collective("weights differ across ranks after step %lld (checksum check)",
                         static_cast<long long>(steps_done));
    if (t->comm.rank != 0) return;
    const MetricsProgress p = metrics_progress(t->metrics, step_samples(t->cfg, t->comm.size));
    const double epoch = double(steps_done) / double(t->facts.steps_per_epoch);
    print_progress(steps_done, t->facts, t->last_eval, p.samples_per_s, p.payload_sent);
    run_files_append(&t->files, record_eval(steps_done, epoch, t->last_eval, p.samples_per_s, p.payload_sent));
}

bool eval_due(const Trainer& t, int64_t steps_done) {
    return steps_done % t.facts.eval_every == 0 || steps_done == t.facts.steps;
}

// The aggregation (aggregate/aggregator.h), from the comm phase: each stage's
// exchange in the comm phase, its combine in the aggregate phase (vote has
// none: the strategies count and decide as they exchange). The wire fence
// spans every stage and closes in the comm phase, whose time it is taken
// from (metrics.cpp).
void aggregate_phases(Trainer* t, const Message& msg) {
    PhaseTimer* timer = &t->timer;
    AggregateState* a = &t->aggregator;
    wire_fence_begin(&t->wire);
    for (int s = 0; s < a->row->stages; ++s) {
        if (timer->current != int(Phase::comm)) timer_phase(timer, Phase::comm);
        aggregate_exchange(a, s, msg, &t->update);
        if (!a->row->combine) continue;
        timer_phase(timer, Phase::aggregate);
        aggregate_combine(a, s, msg, &t->update);
    }
    if (t->wire.on && timer->current != int(Phase::comm)) timer_phase(timer, Phase::comm);
    wire_fence_end(&t->wire);
}

// The step of DESIGN.md 2 on the whole vector: backward to the end, then
// compress, exchange, apply. With --local-steps T the compute phase also loads
// the step's T - 1 further batches. Returns the loss.
float step_whole(Trainer* t, int64_t step) {
    PhaseTimer* timer = &t->timer;
    Batch& b = t->batch;
    timer_phase(timer, Phase::compute);   float loss = net_forward_backward(&t->net, b.images.data(), b.labels.data(), b.n);
                                          std::span<const float> grad = local_steps_run(&t->local, &t->net, &t->loader, &b, &loss);
    timer_phase(timer, Phase::compress);  Message msg = compress_phases(timer, &t->comm, &t->method, grad, step);
                                          if (t->cfg.byzantine) method_attack(&t->comm, &t->method, &msg, t->cfg.attack, int(t->cfg.byzantine), step);
    timer_phase(timer, Phase::comm);      aggregate_phases(t, msg);
    timer_phase(timer, Phase::update);    method_apply(&t->method, t->update, net_weights(t->net), step);
    return loss;
}

// --overlap: the same phases, but each bucket's compress and exchange start as
// soon as backward has completed its layers (the progress engine moves the
// exchanges on: train/overlap.h); the comm phase is the wait for what backward
// did not hide. Returns the seconds the exchanges took (hidden or not).
double step_overlapped(Trainer* t, int64_t step, float* loss) {
    PhaseTimer* timer = &t->timer;
    Batch& b = t->batch;
    Overlap* ov = &t->overlap;
    timer_phase(timer, Phase::comm);     wire_fence_begin(&t->wire);  // the fence spans every exchange
    timer_phase(timer, Phase::compute);  *loss = net_forward_loss(&t->net, b.images.data(), b.labels.data(), b.n);
    for (size_t ready = 0; net_backward_layer(&t->net, &ready);) {  // last layer first
        overlap_progress(ov);
        while (overlap_bucket_ready(*ov, ready)) {
            timer_phase(timer, Phase::compress); overlap_post_next(ov, timer, net_grads(t->net), step);
            timer_phase(timer, Phase::compute);
        }
    }
    timer_phase(timer, Phase::comm);     const double busy = overlap_wait(ov);
                                         wire_fence_end(&t->wire);
    timer_phase(timer, Phase::update);   overlap_apply(ov, net_weights(t->net), step);
    return busy;
}

// The fraction of the d coordinates this step's agreed update moves (every
// bucket's with --overlap): the same on every rank, counted after the step's
// timer stops.
double step_update_density(const Trainer& t) {
    const size_t d = net_param_count(t.net);
    size_t moved = 0;
    if (t.cfg.overlap)
        for (size_t b = 0; b < t.overlap.buckets.size(); ++b)
            moved += update_nonzeros(t.overlap.updates[b], t.overlap.buckets[b].count);
    else
        moved = update_nonzeros(t.update, d);
    return d ? double(moved) / double(d) : 0;
}

// One screen: the data, then the step's phases (step_whole, or step_overlapped
// with --overlap), the records, the evaluation.
void train_loop(Trainer* t) {
    PhaseTimer* timer = &t->timer;
    for (int64_t step = 0; step < t->facts.steps; ++step) {
        timer_start(timer);
        timer_phase(timer, Phase::data);  batch_next(&t->loader, &t->batch);
        float loss = 0;
        double comm_busy = -1;  // -1: the comm phase's time (no exchange ran behind backward)
        if (t->cfg.overlap) comm_busy = step_overlapped(t, step, &loss);
        else loss = step_whole(t, step);
        timer_stop(timer);
        metrics_record_step(&t->metrics, step, loss, *timer, t->comm.bytes(), t->wire, step_update_density(*t),
                            comm_busy);
        if (t->comm.rank == 0) run_files_append(&t->files, record_step(t->metrics.steps.back()));
        if (eval_due(*t, step + 1)) evaluate_and_report(t, step + 1);
    }
}

// Collective: the summary on every rank, the table and summary.json on rank 0.
int trainer_finish(Trainer* t) {
    RunOutcome out;
    out.metrics = metrics_summarize(t->metrics, step_samples(t->cfg, t->comm.size), t->comm.comm);
    out.eval = t->last_eval;
    out.checksum = checksum_hex(weights_checksum(net_weights(t->net)));  // checked equal at the last evaluation
    const Strategy* picked = t->cfg.overlap ? overlap_auto_choice(t->overlap) : t->comm.auto_choice;
    out.strategy_used = std::string(picked ? picked->name : t->strategy->name);
    out.buckets = t->cfg.overlap ? int64_t(t->overlap.buckets.size()) : 1;
    if (t->comm.rank == 0) {
        print_final_table(t->cfg, t->facts, t->env, out);
        run_files_write_summary(&t->files, record_summary(t->cfg, t->facts, t->env, out));
    }
    run_files_close(&t->files);
    aggregate_close(&t->aggregator);
    overlap_close(&t->overlap);
    comm_close(&t->comm);
    MPI_CHECK(MPI_Finalize());
    return 0;
}

}  // namespace

int train_run(const TrainConfig& cfg) {
    if (method_serves(cfg.method.kind)) return async_train_run(cfg);
    Trainer t;
    t.cfg = cfg;
    if (int rc = trainer_open(&t); rc != 0) return rc;
    train_loop(&t);
    return trainer_finish(&t);
}

}  // namespace bitvote
