// Set-up (collective, every error reported once), the server's or the
// worker's loop, the gathered summary.
#include "train/async_train.h"

#include <algorithm>
#include <cmath>

#include "comm/error_exit.h"
#include "comm/wire_bytes.h"
#include "compress/topk_per_layer.h"
#include "train/async_records.h"
#include "train/async_server.h"
#include "train/async_worker.h"
#include "train/threads.h"
#include "train/weights_checksum.h"

namespace bitvote {
namespace {

// Collective over c: the error of the lowest rank that has one, on every
// rank ("" when none has): ranks that read different data may fail apart.
std::string error_agree(const std::string& mine, const Comm& c) {
    int first = mine.empty() ? c.size : c.rank;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, c.comm));
    if (first == c.size) return "";
    std::string text = mine;
    int n = int(text.size());
    MPI_CHECK(MPI_Bcast(&n, 1, MPI_INT, first, c.comm));
    text.resize(size_t(n));
    MPI_CHECK(MPI_Bcast(text.data(), n, MPI_CHAR, first, c.comm));
    return text;
}

// "" or why the rank count or --slow-rank cannot run.
std::string ranks_error(const AsyncRun& r) {
    const std::string method = "--method " + std::string(method_name(r.cfg.method.kind));
    if (r.comm.size < 2)
        return method + " needs at least 2 ranks (rank 0 serves the model, ranks 1.. train); running 1";
    if (r.cfg.slow_rank.rank >= r.comm.size)
        return "--slow-rank " + std::to_string(r.cfg.slow_rank.rank) + ": there is no worker rank " +
               std::to_string(r.cfg.slow_rank.rank) + " (workers are ranks 1.." + std::to_string(r.comm.size - 1) + ")";
    return "";
}

// The server reads the whole test set (it evaluates alone), each worker its
// shard of the training set split among the workers. Collective over the
// server's and the workers' sides; "" or the DataError.
std::string data_read(AsyncRun* r) {
    DataConfig dc = data_config_of(r->cfg);  // group 1: --aggregate detox is refused with dgs and asgd
    dc.test_whole = r->comm.rank == 0;
    MPI_Comm side = MPI_COMM_NULL;  // {server}, {workers}
    MPI_CHECK(MPI_Comm_split(r->comm.comm, r->comm.rank == 0 ? 0 : 1, r->comm.rank, &side));
    std::string error;
    try {
        r->data = data_open(dc, side);
    } catch (const DataError& e) {
        error = e.what();
    }
    MPI_CHECK(MPI_Comm_free(&side));
    return error;
}

// "" or why this worker's shard cannot give it a batch.
std::string shard_error(const AsyncRun& r) {
    if (r.comm.rank == 0) return "";
    const int64_t batch = rank_batch(r.cfg, r.comm.rank), shard = r.data.train.size();
    if (shard == 0)
        return "--partition " + partition_name(r.cfg.partition) + " leaves worker " + std::to_string(r.comm.rank) +
               " without training samples";
    if (batch <= shard) return "";
    return "--batch: rank " + std::to_string(r.comm.rank) + "'s batch " + std::to_string(batch) +
           " is larger than its training shard (" + std::to_string(shard) + " samples; " +
           std::to_string(r.data.info.train_total) + " over " + std::to_string(workers_of(r)) +
           " worker(s)): use " + std::to_string(shard) + " or fewer";
}

// Updates per epoch: an epoch is train_total samples over all workers; an
// update carries one worker's batch (lock step: a version carries every
// worker's).
RunFacts resolve_facts(const AsyncRun& r, size_t params) {
    const TrainConfig& cfg = r.cfg;
    RunFacts f;
    f.dataset = r.data.info.name;
    f.params = params;
    f.train_total = r.data.info.train_total;
    f.test_total = r.data.info.test_total;
    int64_t worker_samples = 0;  // one batch of every worker
    for (int k = 0; k < r.comm.size; ++k) {  // batches: [P], --batch cycled; rank 0's unused
        f.batches.push_back(rank_batch(cfg, k));
        if (k > 0) worker_samples += rank_batch(cfg, k);
    }
    const double per_version = r.lock_step ? double(worker_samples) : double(worker_samples) / workers_of(r);
    f.steps_per_epoch = std::max<int64_t>(1, int64_t(double(f.train_total) / per_version));
    f.steps = cfg.steps ? cfg.steps : std::max<int64_t>(1, std::llround(cfg.epochs * double(f.steps_per_epoch)));
    f.eval_every = cfg.eval_every ? cfg.eval_every : f.steps_per_epoch;
    f.lr = float_decimal(cfg.method.lr > 0 ? cfg.method.lr : method_default_lr(cfg.method.kind));
    return f;
}

// Collective set-up. Returns 0, or the exit code after reporting the error once.
int async_open(AsyncRun* r) {
    r->comm = comm_open(MPI_COMM_WORLD);
    r->lock_step = !r->cfg.async;
    if (std::string why = ranks_error(*r); !why.empty()) return usage_error_exit("train", why);
    if (std::string why = error_agree(data_read(r), r->comm); !why.empty()) return error_exit("train", why, 1);
    if (std::string why = error_agree(shard_error(*r), r->comm); !why.empty()) return usage_error_exit("train", why);
    const ModelSpec spec = model_spec(r->cfg, r->data.info);
    if (std::string why = model_spec_error(spec); !why.empty()) return usage_error_exit("train", why);
    std::string error;
    if (!run_files_open(r->cfg.out, r->comm.rank, &r->files, &error)) return error_exit("train", error, 1);

    const int threads = threads_per_rank_set(r->comm.comm);
    const int batch = rank_batch(r->cfg, r->comm.rank);
    r->net = net_create(spec, batch, r->cfg.seed);
    const size_t d = net_param_count(r->net);
    if (d > UINT32_MAX) return usage_error_exit("train", "the model's d = " + std::to_string(d) + " exceeds the index codec's 2^32 - 1");
    r->facts = resolve_facts(*r, d);
    r->format.d = uint32_t(d);
    r->format.sparse = r->cfg.method.kind == MethodKind::dgs;
    r->format.k_max = topk_total(net_segments(r->net), r->cfg.method.density);
    r->lr = float(r->facts.lr);
    // asgd is what dgs becomes at density 1: every entry is sent, so SAMomentum's
    // u restarts from zero each step (u = lr (g + wd w)): plain ASGD, no momentum.
    r->momentum = r->format.sparse ? r->cfg.method.momentum : 0.0f;
    r->weight_decay = r->cfg.method.weight_decay;
    if (r->comm.rank > 0) r->loader = loader_make(r->data.train, r->data.info, batch, r->cfg.seed, r->comm.rank);
    const Transport transport = wire_transport(r->comm.comm);  // also opens every TCP connection
    r->wire_on = transport == Transport::tcp;
    r->env = run_env_collect(r->comm.comm, transport, threads);
    run_files_append(&r->files, record_config(r->cfg, r->facts, r->env));
    return 0;
}

// Collective: the workers' reports to the server, the summary on rank 0.
int async_finish(AsyncRun* r, const ServerResult& served, const WorkerReport& mine) {
    static_assert(sizeof(WorkerReport) == worker_report_fields * sizeof(double));
    AsyncOutcome out;
    out.server = served;
    out.workers.resize(size_t(r->comm.size));
    MPI_CHECK(MPI_Gather(&mine, worker_report_fields, MPI_DOUBLE, out.workers.data(), worker_report_fields,
                         MPI_DOUBLE, 0, r->comm.comm));
    if (r->comm.rank == 0) {
        out.checksum = checksum_hex(weights_checksum(net_weights(r->net)));
        print_async_table(*r, out);
        run_files_write_summary(&r->files, record_async_summary(*r, out));
    }
    run_files_close(&r->files);
    comm_close(&r->comm);
    MPI_CHECK(MPI_Finalize());
    return 0;
}

}  // namespace

int async_train_run(const TrainConfig& cfg) {
    AsyncRun r;
    r.cfg = cfg;
    if (int rc = async_open(&r); rc != 0) return rc;
    const bool server = r.comm.rank == 0;
    const ServerResult served = server ? server_run(&r) : ServerResult{};
    const WorkerReport mine = server ? WorkerReport{} : worker_run(&r);
    return async_finish(&r, served, mine);
}

}  // namespace bitvote
