// The sweep's table and JSON lines (see sweep_report.h).
#include "sweep/sweep_report.h"

#include <cmath>

#include "base/json_line.h"
#include "base/run_schema.h"

namespace bitvote {
namespace {

// "-" when the wire was not measured (not TCP): never a model value in its place.
std::string wire_cell(const SweepRow& row, uint64_t bytes) {
    if (!row.wire_measured) return "-";
    return std::to_string(bytes) + (row.wire_consistent ? "" : "*");
}

// "-" / null where a strategy has no byte model.
std::string model_cell(const SweepRow& row) {
    return std::isfinite(row.model_bytes) ? std::to_string(std::llround(row.model_bytes)) : "-";
}

std::string strategy_cell(const SweepRow& row) {
    return row.picked.empty() ? row.strategy : row.strategy + ">" + row.picked;
}

// Wire bytes, null where not measured.
JsonRecord json_wire(const SweepRow& row, uint64_t bytes) {
    return row.wire_measured ? JsonRecord(bytes) : JsonRecord();
}

// x to `decimals` places, the precision it was measured to (times: the ns).
double rounded(double x, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(x * scale) / scale;
}

}  // namespace

void sweep_print_header(const SweepHeader& h) {
    std::printf("# bitvote sweep: %d rank%s on %d node%s, transport %s, kernel tier %s\n", h.ranks,
                h.ranks == 1 ? "" : "s", h.nodes, h.nodes == 1 ? "" : "s",
                std::string(transport_name(h.transport)).c_str(), h.isa.c_str());
    if (h.ranks == 1)
        std::printf("# alpha, beta: not measured (one rank)\n");
    else
        std::printf("# alpha %.2f us, beta %.4f ns/B (%.2f GB/s), ping-pong rank 0 <-> 1\n",
                    1e6 * h.alpha_beta.alpha_s, 1e9 * h.alpha_beta.beta_s_per_byte,
                    h.alpha_beta.beta_s_per_byte > 0 ? 1e-9 / h.alpha_beta.beta_s_per_byte : 0.0);
    if (h.transport == Transport::tcp)
        std::printf("# wire bytes: measured (TCP_INFO), busiest rank, per exchange; %llu B per fencing barrier "
                    "subtracted\n",
                    (unsigned long long)h.barrier_cost.sent);
    else
        std::printf("# wire bytes: not measurable over %s (run with --mca btl tcp,self)\n",
                    std::string(transport_name(h.transport)).c_str());
    std::printf("# %d iterations after %d warm-up; time = slowest rank per iteration; bytes = busiest rank\n",
                h.iters, h.warmup);
    std::printf("# speedup: fastest fp32 allreduce row / avg time; vote_add%%: time inside the vote op's "
                "vote_add calls / avg time (busiest rank)\n");
    std::printf("#%11s  %-28s %12s %12s %12s %12s %10s %10s %10s %8s %9s %6s\n", "d", "strategy", "payload_B",
                "wire_sent_B", "wire_recv_B", "model_B", "avg_us", "min_us", "max_us", "speedup", "vote_add%",
                "wrong");
}

void sweep_print_rows(const std::vector<SweepRow>& rows) {
    bool inconsistent = false;
    for (const SweepRow& r : rows) {
        char speedup[32] = "-";
        char op_share[32] = "-";  // strategies that never call the vote op
        if (r.speedup > 0) std::snprintf(speedup, sizeof speedup, "%.2fx", r.speedup);
        if (r.vote_add_us > 0) std::snprintf(op_share, sizeof op_share, "%.1f%%", 100 * r.vote_add_us / r.time_us_avg);
        std::printf("%12llu  %-28s %12llu %12s %12s %12s %10.1f %10.1f %10.1f %8s %9s %6llu\n",
                    (unsigned long long)r.d, strategy_cell(r).c_str(), (unsigned long long)r.payload_sent,
                    wire_cell(r, r.wire_sent).c_str(), wire_cell(r, r.wire_recv).c_str(), model_cell(r).c_str(),
                    r.time_us_avg, r.time_us_min, r.time_us_max, speedup, op_share, (unsigned long long)r.wrong);
        inconsistent = inconsistent || (r.wire_measured && !r.wire_consistent);
    }
    if (inconsistent) std::printf("# *: sum of wire bytes sent over ranks differs from the sum received\n");
    std::fflush(stdout);
}

void sweep_write_json(FILE* f, const SweepRow& row, Transport transport) {
    JsonRecord j;
    j[schema::strategy] = row.strategy;
    j[schema::ranks] = row.ranks;
    j[schema::d] = row.d;
    j[schema::time_us_avg] = rounded(row.time_us_avg, 3);
    j[schema::time_us_min] = rounded(row.time_us_min, 3);
    j[schema::time_us_max] = rounded(row.time_us_max, 3);
    j[schema::payload_sent] = row.payload_sent;
    j[schema::wire_sent] = json_wire(row, row.wire_sent);
    j[schema::wire_recv] = json_wire(row, row.wire_recv);
    j[schema::model_bytes] = std::isfinite(row.model_bytes) ? JsonRecord(std::llround(row.model_bytes)) : JsonRecord();
    j[schema::wrong] = row.wrong;
    j[schema::vote_add_us] = rounded(row.vote_add_us, 3);
    j[schema::kind] = std::string(message_kind_name(row.kind));
    j[schema::transport] = std::string(transport_name(transport));
    j[schema::wire_consistent] = row.wire_consistent;
    if (row.speedup > 0) j[schema::speedup_vs_fastest_allreduce] = rounded(row.speedup, 4);
    if (!row.picked.empty()) j[schema::picked] = row.picked;
    std::fprintf(f, "%s\n", json_line(j).c_str());
    std::fflush(f);
}

}  // namespace bitvote
