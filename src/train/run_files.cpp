#include "train/run_files.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "base/run_schema.h"
#include "comm/mpi_check.h"

namespace bitvote {

bool run_files_open(const std::string& dir, int rank, RunFiles* f, std::string* error) {
    if (dir.empty()) return true;
    int ok = 1;
    if (rank == 0) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        f->dir = dir;
        f->jsonl = ec ? nullptr : std::fopen((dir + "/" + schema::run_jsonl).c_str(), "w");
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
