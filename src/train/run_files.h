// The run files of `train --out DIR` (DESIGN.md 10, names in
// base/run_schema.h): DIR/run.jsonl, one JSON object per line ("event":
// config | step | eval | summary), and DIR/summary.json, the summary record
// alone. Rank 0 writes; the others hold a closed RunFiles and every call is a
// no-op for them.
#pragma once

#include <cstdio>
#include <string>

#include "base/json_line.h"

namespace bitvote {

struct RunFiles {
    std::string dir;
    FILE* jsonl = nullptr;  // open on rank 0 when --out was given
};

// Collective over MPI_COMM_WORLD: rank 0 creates DIR (and parents) and opens
// DIR/run.jsonl; every rank learns whether that worked. An empty dir: no files.
bool run_files_open(const std::string& dir, int rank, RunFiles* f, std::string* error);
void run_files_append(RunFiles* f, const JsonRecord& record);
// Appends the record and writes it to DIR/summary.json (temp file + rename).
void run_files_write_summary(RunFiles* f, const JsonRecord& record);
void run_files_close(RunFiles* f);

}  // namespace bitvote
