#include "train/run_files.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "base/run_schema.h"
#include "comm/mpi_check.h"

namespace bitvote {

namespace {

// Rank 0 of a resumed run: run.jsonl cut back to `bytes`, opened to append.
FILE* log_reopen(const std::string& path, int64_t bytes) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size < uint64_t(bytes)) {
        std::fprintf(stderr, "bitvote train: warning: %s is shorter than at the checkpoint (%lld bytes): appending\n",
                     path.c_str(), static_cast<long long>(bytes));
        return std::fopen(path.c_str(), "a");
    }
    std::filesystem::resize_file(path, uint64_t(bytes), ec);
    return ec ? nullptr : std::fopen(path.c_str(), "a");
}

}  // namespace

bool run_files_open(const std::string& dir, int rank, RunFiles* f, std::string* error, int64_t resume_bytes) {
    if (dir.empty()) return true;
    int ok = 1;
    if (rank == 0) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        f->dir = dir;
        const std::string path = dir + "/" + schema::run_jsonl;
        f->jsonl = ec ? nullptr : resume_bytes < 0 ? std::fopen(path.c_str(), "w") : log_reopen(path, resume_bytes);
        ok = f->jsonl != nullptr;
    }
    MPI_CHECK(MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD));
    if (!ok) *error = "cannot write run files in --out " + dir;
    return ok;
}

void run_files_append(RunFiles* f, const JsonRecord& record) {
    if (!f->jsonl) return;
    std::fprintf(f->jsonl, "%s\n", json_line(record).c_str());
}

int64_t run_files_flush(RunFiles* f) {
    if (!f->jsonl) return 0;
    if (std::fflush(f->jsonl) != 0) fatal("cannot write %s/%s", f->dir.c_str(), schema::run_jsonl);
    return int64_t(std::ftell(f->jsonl));
}

void run_files_write_summary(RunFiles* f, const JsonRecord& record) {
    if (!f->jsonl) return;
    run_files_append(f, record);
    const std::string path = f->dir + "/" + schema::summary_json, temp = path + ".tmp";
    FILE* out = std::fopen(temp.c_str(), "w");
    if (!out || std::fprintf(out, "%s\n", json_line(record).c_str()) < 0 || std::fclose(out) != 0 ||
        std::rename(temp.c_str(), path.c_str()) != 0)
        fatal("cannot write %s", path.c_str());
}

void run_files_close(RunFiles* f) {
    if (f->jsonl && std::fclose(f->jsonl) != 0) fatal("cannot write %s/%s", f->dir.c_str(), schema::run_jsonl);
    f->jsonl = nullptr;
}

}  // namespace bitvote
