// The run files of `train --out DIR` (DESIGN.md 10, names in
// base/run_schema.h): DIR/run.jsonl, one JSON object per line ("event":
// config | step | eval | summary), and DIR/summary.json, the summary record
// alone. Rank 0 writes; the others hold a closed RunFiles and every call is a
// no-op for them.
#pragma once

#include <cstdint>
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
// resume_bytes < 0: a new run.jsonl. Else a resumed run: the log is cut back to
// resume_bytes (what it held at the checkpoint; the records after it are of
// steps to be run again) and appended to; a log shorter than that is appended
// to as it is, with a warning.
bool run_files_open(const std::string& dir, int rank, RunFiles* f, std::string* error, int64_t resume_bytes = -1);
void run_files_append(RunFiles* f, const JsonRecord& record);
// Writes out what was appended; returns run.jsonl's length in bytes (0 on
// ranks without files).
int64_t run_files_flush(RunFiles* f);
// Appends the record and writes it to DIR/summary.json (temp file + rename).
void run_files_write_summary(RunFiles* f, const JsonRecord& record);
void run_files_close(RunFiles* f);

}  // namespace bitvote
