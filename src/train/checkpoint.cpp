// Saving and resuming a run's checkpoints (see checkpoint.h).
#include "train/checkpoint.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <variant>

#include "base/json_line.h"
#include "comm/collectives.h"
#include "train/config_difference.h"

namespace bitvote {
namespace {

namespace fs = std::filesystem;

// One state's buffer on rank 0 while it goes from a message to the file, by
// StateData's type code.
using StateBuffer = std::variant<std::vector<float>, std::vector<uint64_t>, std::vector<int64_t>>;

StateBuffer state_buffer(size_t type, size_t count) {
    switch (type) {
        case 0: return std::vector<float>(count);
        case 1: return std::vector<uint64_t>(count);
        case 2: return std::vector<int64_t>(count);
        default: fatal("checkpoint: state type code %zu from another rank", type);
    }
}

MPI_Datatype state_mpi_type(const StateData& data) {
    switch (data.index()) {
        case 0: return MPI_FLOAT;
        case 1: return MPI_UINT64_T;
        default: return MPI_INT64_T;
    }
}

enum Tag : int { tag_index = 1, tag_state = 2 };

// Rank r > 0: the index of its states ([[name, type, count], ...] as JSON),
// then each state's elements, to rank 0.
void send_states(const StateList& states, MPI_Comm comm) {
    JsonRecord index = JsonRecord::array();
    for (const NamedState& s : states) index.push_back({s.name, s.data.index(), state_count(s.data)});
    const std::string text = json_line(index);
    MPI_CHECK(MPI_Send(text.data(), mpi_count(text.size(), "checkpoint index"), MPI_CHAR, 0, tag_index, comm));
    for (const NamedState& s : states)
        MPI_CHECK(MPI_Send(state_pointer(s.data), mpi_count(state_count(s.data), "checkpoint state"),
                           state_mpi_type(s.data), 0, tag_state, comm));
}

// Rank 0: rank r's states, each written to the file as it arrives.
void receive_states(hid_t file, int r, MPI_Comm comm) {
    MPI_Status status;
    MPI_CHECK(MPI_Probe(r, tag_index, comm, &status));
    int length = 0;
    MPI_CHECK(MPI_Get_count(&status, MPI_CHAR, &length));
    std::string text(size_t(length), '\0');
    MPI_CHECK(MPI_Recv(text.data(), length, MPI_CHAR, r, tag_index, comm, MPI_STATUS_IGNORE));
    for (const JsonRecord& entry : JsonRecord::parse(text)) {
        StateBuffer buffer = state_buffer(entry[1].get<size_t>(), entry[2].get<size_t>());
        const NamedState s{entry[0].get<std::string>(),
                           std::visit([](auto& v) -> StateData { return std::span(v); }, buffer)};
        MPI_CHECK(MPI_Recv(state_pointer(s.data), mpi_count(state_count(s.data), "checkpoint state"),
                           state_mpi_type(s.data), r, tag_state, comm, MPI_STATUS_IGNORE));
        checkpoint_file_write_state(file, r, s);
    }
}

// Rank 0: removes all but the newest `keep` checkpoints and every .tmp left
// by a write that did not finish (rank 0 is the only writer).
void prune(const std::string& out, int keep) {
    const std::vector<int64_t> steps = checkpoint_steps(out);
    for (size_t i = 0; i + size_t(keep) < steps.size(); ++i) fs::remove(checkpoint_path(out, steps[i]));
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(checkpoint_dir(out), ec))
        if (e.path().extension() == ".tmp") fs::remove(e.path(), ec);
}

// "" if every rank's `mine` is "", else "rank r: <its error>" for the lowest
// such rank, on every rank.
std::string first_error(const std::string& mine, MPI_Comm comm) {
    int rank = 0, size = 0;
    MPI_CHECK(MPI_Comm_rank(comm, &rank));
    MPI_CHECK(MPI_Comm_size(comm, &size));
    int first = mine.empty() ? size : rank;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm));
    if (first == size) return "";
    int length = rank == first ? int(mine.size()) : 0;
    MPI_CHECK(MPI_Bcast(&length, 1, MPI_INT, first, comm));
    std::string text = rank == first ? mine : std::string(size_t(length), '\0');
    MPI_CHECK(MPI_Bcast(text.data(), length, MPI_CHAR, first, comm));
    return "rank " + std::to_string(first) + ": " + text;
}

// Rank 0 lists the checkpoints; every rank gets the same list.
std::vector<int64_t> steps_agreed(const std::string& out, MPI_Comm comm) {
    int rank = 0;
    MPI_CHECK(MPI_Comm_rank(comm, &rank));
    std::vector<int64_t> steps = rank == 0 ? checkpoint_steps(out) : std::vector<int64_t>();
    int n = int(steps.size());
    MPI_CHECK(MPI_Bcast(&n, 1, MPI_INT, 0, comm));
    steps.resize(size_t(n));
    MPI_CHECK(MPI_Bcast(steps.data(), n, MPI_INT64_T, 0, comm));
    return steps;
}

// Rank 0: one line on stderr.
void warn(int rank, const std::string& text) {
    if (rank != 0) return;
    std::fprintf(stderr, "bitvote train: warning: %s\n", text.c_str());
    std::fflush(stderr);
}

}  // namespace

std::string checkpoint_dir(const std::string& out) { return out + "/checkpoints"; }

std::string checkpoint_path(const std::string& out, int64_t step) {
    char name[48];
    std::snprintf(name, sizeof name, "/step-%08lld.h5", static_cast<long long>(step));
    return checkpoint_dir(out) + name;
}

std::vector<int64_t> checkpoint_steps(const std::string& out) {
    std::vector<int64_t> steps;
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(checkpoint_dir(out), ec)) {
        long long step = -1;
        int end = 0;
        const std::string name = e.path().filename().string();
        if (std::sscanf(name.c_str(), "step-%lld.h5%n", &step, &end) == 1 && size_t(end) == name.size() &&
            step >= 0 && checkpoint_path(out, step) == checkpoint_dir(out) + "/" + name)
            steps.push_back(step);
    }
    std::sort(steps.begin(), steps.end());
    return steps;
}

CheckpointSaved checkpoint_save(const std::string& out, int keep, const CheckpointHeader& header,
                                std::span<const float> weights, const StateList& states, MPI_Comm comm) {
    const auto start = std::chrono::steady_clock::now();
    int rank = 0, size = 0;
    MPI_CHECK(MPI_Comm_rank(comm, &rank));
    MPI_CHECK(MPI_Comm_size(comm, &size));
    CheckpointSaved saved;
    saved.path = checkpoint_path(out, header.step);
    if (rank != 0) send_states(states, comm);
    if (rank == 0) {
        const std::string temp = saved.path + ".tmp";
        try {
            std::error_code ec;
            fs::create_directories(checkpoint_dir(out), ec);
            H5Handle file = checkpoint_file_create(temp);
            checkpoint_file_write_header(file, header, weights);
            for (const NamedState& s : states) checkpoint_file_write_state(file, 0, s);
            for (int r = 1; r < size; ++r) receive_states(file, r, comm);
            checkpoint_file_close(&file);
            fs::rename(temp, saved.path);
            saved.bytes = fs::file_size(saved.path);
            prune(out, keep);
        } catch (const std::exception& e) {  // DataError, filesystem_error
            fatal("cannot write checkpoint %s: %s", saved.path.c_str(), e.what());
        }
    }
    MPI_CHECK(MPI_Bcast(&saved.bytes, 1, MPI_UINT64_T, 0, comm));  // no rank leaves before the file is whole
    saved.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return saved;
}

CheckpointResumed checkpoint_resume(const std::string& out, const std::string& config_line,
                                    std::span<float> weights, const StateList& states, MPI_Comm comm) {
    int rank = 0;
    MPI_CHECK(MPI_Comm_rank(comm, &rank));
    CheckpointResumed r;
    const std::vector<int64_t> steps = steps_agreed(out, comm);
    if (steps.empty()) {
        r.error = "--resume: no checkpoint in " + checkpoint_dir(out) +
                  " (run without --resume to start afresh)";
        return r;
    }
    for (size_t i = steps.size(); i-- > 0;) {
        r.path = checkpoint_path(out, steps[i]);
        H5Handle file;
        std::string mine;
        try {  // the header first: a config that differs is an error, not a reason to fall back
            file = checkpoint_file_open(r.path);
            r.header = checkpoint_file_read_header(file);
            if (r.header.step != steps[i]) mine = "/step is " + std::to_string(r.header.step) + ", not its name's";
        } catch (const DataError& e) {
            mine = e.what();
        }
        std::string error = first_error(mine, comm);
        if (error.empty()) {
            if (std::string diff = config_difference(r.header.config, config_line); !diff.empty()) {
                r.error = "--resume: " + r.path + " is from another configuration: " + diff;
                return r;
            }
            try {
                checkpoint_file_read_weights(file, weights);
                checkpoint_file_read_states(file, rank, states);
            } catch (const DataError& e) {
                mine = e.what();
            }
            error = first_error(mine, comm);
        }
        if (error.empty()) return r;
        file = H5Handle();
        MPI_CHECK(MPI_Barrier(comm));  // every rank has closed it
        std::error_code ec;
        if (rank == 0) fs::rename(r.path, r.path + ".corrupt", ec);
        warn(rank, "checkpoint " + r.path + " cannot be read (" + error + "); renamed to .corrupt" +
                       (i > 0 ? ", resuming from the one before" : ""));
    }
    r.error = "--resume: no readable checkpoint in " + checkpoint_dir(out) + " (" + std::to_string(steps.size()) +
              " tried; see the warnings)";
    return r;
}

}  // namespace bitvote
