// libFuzzer target: the checkpoint reader (src/train/checkpoint_file.cpp:
// checkpoint_file_open, _read_header, _read_weights, _read_states, and
// config_difference on the header's /config), called as checkpoint_resume
// calls it, on any datasets, shapes, types, sizes and config text.
//
// As in fuzz_dataset_open.cpp, the input describes the file rather than being
// its bytes (HDF5 1.10.8's own parser fails on mutated bytes): HDF5 builds it
// in memory in the checkpoint's format (1.8+, h5_file_image.h), parts of it
// by the checkpoint writer itself, the rest as described datasets
// (h5_fuzz_datasets.h), and writes it to a file when closed (the reader opens
// a path); a byte of the weights' first chunk may then be flipped (a
// Fletcher-32 failure). The file is read as rank 0 and rank 1 of a run whose
// config line, weights count d and rank-0 states the input picks too.
//
// Input, read front to back (missing bytes read as 0):
//   1 byte   the run: d = 1 + bits 0-4 weights; bits 5-7 the length n of
//            its state data/order (uint64 [n]); its other states are
//            method/memory (float32 [d]) and census/nonfinite (int64 [1])
//   1 byte   the header: bits 0-3 which of /step, /config, /run_jsonl_bytes,
//            /weights exist as described datasets (bit 4 clear); bit 4 all
//            four by checkpoint_file_write_header; bit 5 flip a byte of
//            /weights' first chunk
//   bit 4:   8 bytes step, 8 bytes run_jsonl_bytes, a config text (below),
//            1 byte weights count (0: d, else the byte - 1), then the weights
//   else:    per dataset present, its description: /step, /run_jsonl_bytes,
//            /weights one of int64, float32, uint64, big-endian int32,
//            float64, uint8; /config one of a fixed-length string (its size:
//            4 bytes, little-endian), a variable-length string, int64
//   1 byte   the states: bits 0-2 which of the run's three exist under
//            /rank/0, bits 3-5 which of those checkpoint_file_write_state
//            writes (else described, types as /weights'); bit 6 rank 1's too
//   per state written: 1 byte count (0: the run's, else the byte - 1), 1 byte
//            type (% 3: float32, uint64, int64), 8 bytes per value; per state
//            described: its description
//   then the described datasets' contents, in order
//   bits 4 and 5 of the header: 2 bytes the position in the chunk, 1 byte
//            the xor mask (| 1)
// A config text: 1 byte kind (% 4: the run's config line, it with another
// "lr", 1 byte length then that many bytes of text, the run's line cut to
// 1 byte's length).
//
// Checked: every reader call returns or throws DataError, nothing else; a
// checkpoint the writer wrote whole for this run (its config, d and states,
// no flipped byte) reads back exactly and config_difference finds nothing;
// one whose weights count is not d fails; every HDF5 identifier is closed.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "h5_file_image.h"
#include "h5_fuzz_datasets.h"
#include "train/checkpoint_file.h"
#include "train/config_difference.h"

namespace {

using namespace bitvote;

const std::string run_config = R"({"event":"config","method":"signum","model":"mlp","ranks":4,"steps":100,"lr":0.01})";

// One state of the run: its name, element type (StateData's index) and count,
// and the values the reader fills (or the writer wrote).
struct RunState {
    const char* name;
    int kind;  // 0 float32, 1 uint64, 2 int64
    size_t count;
    std::vector<uint64_t> values;  // 8 bytes per element covers every kind
    StateData data() {
        switch (kind) {
            case 0: return std::span<float>(reinterpret_cast<float*>(values.data()), count);
            case 1: return std::span<uint64_t>(values.data(), count);
            default: return std::span<int64_t>(reinterpret_cast<int64_t*>(values.data()), count);
        }
    }
};

std::vector<RunState> run_states(unsigned run) {
    const size_t d = 1 + (run & 31), n = run >> 5;
    return {{"data/order", 1, n, std::vector<uint64_t>(n)},
            {"method/memory", 0, d, std::vector<uint64_t>(d)},
            {"census/nonfinite", 2, 1, std::vector<uint64_t>(1)}};
}

std::string take_config(FuzzInput* in) {
    const unsigned kind = unsigned(in->take(1) % 4);
    if (kind == 0) return run_config;
    if (kind == 1) return R"({"event":"config","method":"signum","model":"mlp","ranks":4,"steps":100,"lr":0.5})";
    const size_t length = size_t(in->take(1));
    if (kind == 3) return run_config.substr(0, length);
    std::string text(length, '\0');
    for (char& c : text) c = char(in->take(1));
    return text;
}

// What the builder made: whether it made the file, and whether it is this
// run's checkpoint, whole (every read must succeed).
struct Built {
    bool built = false;
    bool whole = false;
    bool weights_miscounted = false;  // the writer wrote /weights, not [d]
    std::vector<float> weights;       // what the writer wrote
};

Built build_file(FuzzInput in, const std::string& path, std::vector<RunState>* states) {
    Built b;
    H5Handle file = h5_memory_file_create(H5F_LIBVER_V18, path);
    if (!h5_built(file)) return {};
    const size_t d = (*states)[1].count;
    const hid_t numbers[] = {H5T_NATIVE_INT64, H5T_NATIVE_FLOAT, H5T_NATIVE_UINT64,
                             H5T_STD_I32BE,    H5T_NATIVE_DOUBLE, H5T_NATIVE_UINT8};
    const unsigned header = unsigned(in.take(1));
    H5FuzzDatasets datasets;
    bool built = true;
    b.whole = header & 16 && !(header & 32);
    try {  // the writer's H5_CHECKs
        if (header & 16) {
            CheckpointHeader h;
            h.step = int64_t(in.take(8));
            h.log_bytes = int64_t(in.take(8));
            h.config = take_config(&in);
            const size_t count = size_t(in.take(1));
            b.weights.resize(count ? count - 1 : d);
            for (float& w : b.weights) {
                const uint32_t bits = uint32_t(in.take(4));
                std::memcpy(&w, &bits, 4);
            }
            b.whole = b.whole && h.config == run_config && b.weights.size() == d;
            b.weights_miscounted = b.weights.size() != d;
            checkpoint_file_write_header(file, h, b.weights);
        } else {
            H5Handle text(H5Tcopy(H5T_C_S1));
            if (!h5_built(text)) return {};
            H5Handle vlen(H5Tcopy(H5T_C_S1));
            if (!h5_built(vlen) || !h5_built(H5Tset_size(vlen, H5T_VARIABLE))) return {};
            const hid_t strings[] = {text, vlen, H5T_NATIVE_INT64};
            for (int part = 0; part < 4 && built; ++part) {
                if (!(header & (1u << part))) continue;
                static const char* names[] = {"step", "config", "run_jsonl_bytes", "weights"};
                if (part == 1 && !h5_built(H5Tset_size(text, std::max<size_t>(1, size_t(in.take(4)))))) return {};
                built = datasets.add(file, names[part], part == 1 ? std::span<const hid_t>(strings)
                                                                   : std::span<const hid_t>(numbers), &in);
            }
        }
        const unsigned which = unsigned(in.take(1));
        for (int rank = 0; rank < (which & 64 ? 2 : 1) && built; ++rank) {
            for (size_t i = 0; i < states->size() && built; ++i) {
                RunState& s = (*states)[i];
                b.whole = b.whole && (rank == 1 || (which & (9u << i)) == (9u << i));  // present, by the writer
                if (!(which & (1u << i))) continue;
                if (!(which & (8u << i))) {
                    const std::string path = "rank/" + std::to_string(rank) + "/" + s.name;
                    built = datasets.add(file, path.c_str(), numbers, &in);
                    continue;
                }
                const size_t count = size_t(in.take(1));
                RunState written = s;
                written.count = count ? count - 1 : s.count;
                written.kind = int(in.take(1) % 3);
                written.values.resize(written.count);
                for (uint64_t& v : written.values) v = in.take(8);  // a float32 state: the first count * 4 bytes
                if (rank == 0 && written.count == s.count && written.kind == s.kind)
                    s.values = written.values;  // what a whole checkpoint reads back
                else if (rank == 0)
                    b.whole = false;
                checkpoint_file_write_state(file, rank, {s.name, written.data()});
            }
        }
    } catch (const DataError&) {
        return {};
    }
    if (!built || !datasets.write_all(&in)) return {};
    b.built = true;
    if (!(header & 32 && header & 16)) return b;
    // Flips a byte of /weights' first chunk, in the file as closed.
    const size_t position = size_t(in.take(2));
    const char mask = char(in.take(1) | 1);
    H5Handle weights(H5Dopen2(file, "weights", H5P_DEFAULT)), space(H5Dget_space(weights));
    haddr_t address = 0;
    hsize_t offset[1], bytes = 0;
    unsigned filters = 0;
    if (!h5_built(space) || !h5_built(H5Dget_chunk_info(weights, space, 0, offset, &filters, &address, &bytes)) ||
        bytes == 0)
        return {};
    weights = H5Handle(), space = H5Handle();
    if (!h5_built(H5Fclose(file.release()))) return {};
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    char byte = 0;
    f.seekg(std::streamoff(address + position % bytes));
    f.get(byte);
    f.seekp(std::streamoff(address + position % bytes));
    f.put(char(byte ^ mask));
    if (!f) return {};
    return b;
}

// Where the checkpoint is built (the reader opens a path): one per process,
// as libFuzzer may run several.
std::string checkpoint_path() {
    return (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + std::string("/bitvote-fuzz-checkpoint-") +
           std::to_string(getpid()) + ".h5";
}

// checkpoint_resume's reads, as `rank`: "" if every read succeeded and the
// config matches, else the DataError's message or the config's difference.
std::string read_checkpoint(const std::string& path, int rank, std::vector<float>* weights,
                            std::vector<RunState>* states) {
    StateList list;
    for (RunState& s : *states) list.push_back({s.name, s.data()});
    try {
        H5Handle file = checkpoint_file_open(path);
        const CheckpointHeader h = checkpoint_file_read_header(file);
        if (std::string diff = config_difference(h.config, run_config); !diff.empty()) return diff;
        checkpoint_file_read_weights(file, *weights);
        checkpoint_file_read_states(file, rank, list);
    } catch (const DataError& e) {
        fuzz_check(*e.what() != '\0', "a DataError without a message");
        return e.what();
    }
    return "";
}

// Bit for bit (NaN too); an empty state's data() may be null.
bool same_bytes(const void* a, const void* b, size_t bytes) { return bytes == 0 || std::memcmp(a, b, bytes) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzInput in{data, size};
    h5_quiet();
    std::vector<RunState> states = run_states(unsigned(in.take(1)));
    const std::string path = checkpoint_path();
    const Built b = build_file(in, path, &states);
    H5Eclear2(H5E_DEFAULT);
    if (!b.built) {
        std::remove(path.c_str());
        return 0;
    }
    const int64_t open_before = h5_open_objects();
    for (int rank : {0, 1}) {
        std::vector<float> weights(states[1].count);
        std::vector<RunState> read = states;
        for (RunState& s : read) std::fill(s.values.begin(), s.values.end(), 0);
        const std::string error = read_checkpoint(path, rank, &weights, &read);
        if (b.weights_miscounted) fuzz_check(!error.empty(), "weights of another count were read");
        if (b.whole && rank == 0) {
            fuzz_check(error.empty(), "this run's whole checkpoint did not read");
            fuzz_check(same_bytes(weights.data(), b.weights.data(), weights.size() * 4), "weights read back differ");
            for (size_t i = 0; i < read.size(); ++i)
                fuzz_check(same_bytes(read[i].values.data(), states[i].values.data(),
                                      read[i].count * (read[i].kind ? 8 : 4)),
                           "a state read back differs");
        }
    }
    std::remove(path.c_str());
    fuzz_check(h5_open_objects() == open_before, "the reader left HDF5 identifiers open");
    return 0;
}
