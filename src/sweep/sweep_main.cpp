// bitvote sweep: each strategy's exchange over a range of sizes, like OSU
// micro-benchmarks / nccl-tests: time, payload bytes, bytes on the wire
// (measured over TCP), the byte model of DESIGN.md 4, and a check of every
// result against a majority vote recomputed naively on rank 0.
#include "sweep/sweep_main.h"

#include <cstdio>
#include <string>
#include <vector>

#include "comm/alpha_beta.h"
#include "comm/error_exit.h"
#include "comm/mpi_check.h"
#include "comm/nodes.h"
#include "comm/strategy.h"
#include "comm/wire_bytes.h"
#include "kernels.h"
#include "sweep/allreduce_variants.h"
#include "sweep/sweep_report.h"
#include "sweep/sweep_run.h"

namespace bitvote {
namespace {

// The strategies named by --strategies (checked by the flag), or by default
// those their rows' sweep plans name (sweep_by_default).
std::vector<const Strategy*> resolve_strategies(const SweepArgs& args, int P) {
    std::vector<const Strategy*> out;
    for (const std::string& name : args.strategies) out.push_back(strategy_find(name));
    if (!args.strategies.empty()) return out;
    for (const Strategy& s : strategy_table())
        if (sweep_by_default(s, args.density_given, P)) out.push_back(&s);
    return out;
}

// Rank 0 opens the JSON file; every rank learns whether it could.
bool open_json(int rank, const std::string& path, FILE** out, std::string* error) {
    int ok = 1;
    if (rank == 0 && !path.empty()) {
        *out = std::fopen(path.c_str(), "w");
        ok = *out != nullptr;
    }
    MPI_CHECK(MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD));
    if (!ok) *error = "cannot write --json file '" + path + "'";
    return ok;
}

// The fastest fp32 allreduce row's time (the default, or with --best-baseline
// any of OpenMPI's algorithms) over each row's time at the same size.
void fill_speedups(std::vector<SweepRow>* rows) {
    double base = 0;
    for (const SweepRow& r : *rows)
        if (r.kind == MessageKind::fp32 && r.time_us_avg > 0 && (base == 0 || r.time_us_avg < base))
            base = r.time_us_avg;
    if (base > 0)
        for (SweepRow& r : *rows) r.speedup = base / r.time_us_avg;
}

// --best-baseline: one fp32 allreduce row per OpenMPI algorithm, each on a
// Comm created after forcing it.
void run_allreduce_variants(const SweepData& data, const SweepContext& ctx, std::vector<SweepRow>* rows) {
    const Strategy& allreduce = strategy_fp32_baseline();
    std::string error;
    for (const AllreduceVariant& v : allreduce_variants()) {
        if (!allreduce_variant_force(v, &error)) fatal_collective("%s", error.c_str());
        Comm forced = comm_open(MPI_COMM_WORLD);
        rows->push_back(sweep_run_row(&forced, allreduce, data, ctx));
        rows->back().strategy = std::string(allreduce.name) + ":" + std::string(v.name);
        comm_close(&forced);
    }
    if (!allreduce_variant_force(allreduce_default, &error)) fatal_collective("%s", error.c_str());
}

// Runs every size and strategy; rank 0 prints and writes JSON. Returns the
// number of rows with wrong coordinates.
int run_sweep(Comm* c, const SweepArgs& args, const std::vector<const Strategy*>& strategies,
              const SweepContext& ctx, FILE* json) {
    std::vector<const Strategy*> sent = strategies;  // the strategies data is made for
    if (args.best_baseline) sent.push_back(&strategy_fp32_baseline());
    int bad_rows = 0;
    for (uint64_t d : sweep_sizes(args)) {
        const SweepData data = sweep_data_make(*c, sent, args.seed, args.density, d);
        std::vector<SweepRow> rows;
        for (const Strategy* s : strategies) rows.push_back(sweep_run_row(c, *s, data, ctx));
        if (args.best_baseline) run_allreduce_variants(data, ctx, &rows);
        fill_speedups(&rows);
        for (const SweepRow& r : rows) bad_rows += r.wrong != 0;
        if (c->rank != 0) continue;
        sweep_print_rows(rows);
        for (const SweepRow& r : rows)
            if (json) sweep_write_json(json, r, ctx.transport);
    }
    return bad_rows;
}

}  // namespace

int sweep_main(const SweepArgs& args) {
    if (args.best_baseline) allreduce_variants_enable();  // before MPI_Init: it sets MCA variables
    MPI_CHECK(MPI_Init(nullptr, nullptr));
    int rank = 0, P = 1;
    MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &P));
    const std::vector<const Strategy*> strategies = resolve_strategies(args, P);
    FILE* json = nullptr;
    std::string error;
    if ((args.best_baseline && !allreduce_variant_force(allreduce_default, &error)) ||
        !open_json(rank, args.json_path, &json, &error))
        return usage_error_exit("sweep", error);

    Comm c = comm_open(MPI_COMM_WORLD);
    SweepContext ctx;
    ctx.transport = wire_transport(c.comm);  // also the warm-up that opens every TCP connection
    ctx.barrier_cost = wire_barrier_cost(c.comm);
    ctx.iters = args.iters;
    ctx.warmup = args.warmup;
    c.alpha_beta = alpha_beta_measure(c.comm);
    SweepHeader header{c.size,          node_count(c.comm), ctx.transport, std::string(isa_name(isa_active())),
                       c.alpha_beta,    ctx.barrier_cost,    args.iters,    args.warmup};
    if (rank == 0) sweep_print_header(header);

    const int bad_rows = run_sweep(&c, args, strategies, ctx, json);
    if (rank == 0 && bad_rows) std::printf("# %d row(s) with wrong coordinates\n", bad_rows);
    if (json) std::fclose(json);
    comm_close(&c);
    MPI_CHECK(MPI_Finalize());
    return bad_rows ? 1 : 0;
}

}  // namespace bitvote
