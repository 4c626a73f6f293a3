// The checkpoint file's layout in HDF5 (see checkpoint_file.h).
#include "train/checkpoint_file.h"

#include <algorithm>

namespace bitvote {
namespace {

// Elements per chunk (each with its own Fletcher-32 checksum): 256 or 512 KB,
// within HDF5's 1 MB chunk cache; 4 MB chunks wrote 4x slower here (a fresh
// buffer per chunk, page faults and a memset each).
constexpr hsize_t chunk_elements = hsize_t{1} << 16;

// The longest /config read: a config record is under a kilobyte; a corrupt
// file may declare a string of up to 4 GB, which would be allocated and
// filled (found by fuzz_checkpoint_read: 8 GB and 160 s for one file).
constexpr size_t max_config_bytes = size_t{1} << 20;

// The memory type of a state's elements, by StateData's alternative.
hid_t state_h5_type(const StateData& data) {
    switch (data.index()) {
        case 0: return H5T_NATIVE_FLOAT;
        case 1: return H5T_NATIVE_UINT64;
        default: return H5T_NATIVE_INT64;
    }
}

std::string rank_path(int rank, const std::string& name) { return "rank/" + std::to_string(rank) + "/" + name; }

// A 1-D array [count] of `type`, chunked, with Fletcher-32; the groups on its
// path are made as needed.
void write_array(hid_t file, const std::string& path, hid_t type, const void* data, size_t count) {
    const hsize_t dims[1] = {count}, chunk[1] = {std::clamp<hsize_t>(count, 1, chunk_elements)};
    H5Handle space(H5_CHECK(H5Screate_simple(1, dims, nullptr)));
    H5Handle dcpl(H5_CHECK(H5Pcreate(H5P_DATASET_CREATE)));
    H5_CHECK(H5Pset_chunk(dcpl, 1, chunk));
    H5_CHECK(H5Pset_fletcher32(dcpl));
    H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
    H5Handle lcpl(H5_CHECK(H5Pcreate(H5P_LINK_CREATE)));
    H5_CHECK(H5Pset_create_intermediate_group(lcpl, 1));
    H5Handle dataset(H5_CHECK(H5Dcreate2(file, path.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT)));
    H5_CHECK(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

void write_scalar(hid_t file, const char* name, int64_t value) {
    H5Handle space(H5_CHECK(H5Screate(H5S_SCALAR)));
    H5Handle dataset(H5_CHECK(H5Dcreate2(file, name, H5T_NATIVE_INT64, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
    H5_CHECK(H5Dwrite(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value));
}

void write_string(hid_t file, const char* name, const std::string& text) {
    H5Handle type(H5_CHECK(H5Tcopy(H5T_C_S1)));
    H5_CHECK(H5Tset_size(type, std::max<size_t>(1, text.size())));
    H5Handle space(H5_CHECK(H5Screate(H5S_SCALAR)));
    H5Handle dataset(H5_CHECK(H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
    std::string padded = text;
    padded.resize(std::max<size_t>(1, text.size()), '\0');
    H5_CHECK(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()));
}

// Opens /path, which must exist (each group on the way is looked up, so a
// missing one is named rather than HDF5's "component not found").
H5Handle open_dataset(hid_t file, const std::string& path) {
    for (size_t slash = path.find('/'); ; slash = path.find('/', slash + 1)) {
        const std::string prefix = path.substr(0, slash);
        if (H5_CHECK(H5Lexists(file, prefix.c_str(), H5P_DEFAULT)) == 0) throw DataError("no /" + path + " in it");
        if (slash == std::string::npos) break;
    }
    return H5Handle(H5_CHECK(H5Dopen2(file, path.c_str(), H5P_DEFAULT)));
}

// The dataset's rank (0: scalar) and its length (1-D), or a DataError. A null
// dataspace (no elements, rank 0) is not a scalar: reading it reads nothing.
hsize_t dataset_length(hid_t dataset, const std::string& path, int want_rank) {
    H5Handle space(H5_CHECK(H5Dget_space(dataset)));
    if (H5_CHECK(H5Sget_simple_extent_type(space)) == H5S_NULL) throw DataError("/" + path + " holds no value");
    const int rank = int(H5_CHECK(H5Sget_simple_extent_ndims(space)));
    if (rank != want_rank)
        throw DataError("/" + path + " has " + std::to_string(rank) + " dimensions, not " + std::to_string(want_rank));
    hsize_t dims[1] = {1};
    if (rank == 1) H5_CHECK(H5Sget_simple_extent_dims(space, dims, nullptr));
    return dims[0];
}

void expect_type(hid_t dataset, const std::string& path, hid_t type) {
    H5Handle stored(H5_CHECK(H5Dget_type(dataset)));
    H5Handle native(H5_CHECK(H5Tget_native_type(stored, H5T_DIR_DEFAULT)));
    if (H5_CHECK(H5Tequal(native, type)) <= 0) throw DataError("/" + path + " has another element type");
}

void read_array(hid_t file, const std::string& path, hid_t type, void* data, size_t count) {
    H5Handle dataset = open_dataset(file, path);
    expect_type(dataset, path, type);
    if (hsize_t n = dataset_length(dataset, path, 1); n != count)
        throw DataError("/" + path + " has " + std::to_string(n) + " entries, this run has " + std::to_string(count));
    H5_CHECK(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

int64_t read_scalar(hid_t file, const char* name) {
    H5Handle dataset = open_dataset(file, name);
    expect_type(dataset, name, H5T_NATIVE_INT64);
    dataset_length(dataset, name, 0);
    int64_t value = 0;
    H5_CHECK(H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value));
    return value;
}

std::string read_string(hid_t file, const char* name) {
    H5Handle dataset = open_dataset(file, name);
    dataset_length(dataset, name, 0);
    H5Handle type(H5_CHECK(H5Dget_type(dataset)));
    if (H5_CHECK(H5Tget_class(type)) != H5T_STRING || H5_CHECK(H5Tis_variable_str(type)) != 0)
        throw DataError(std::string("/") + name + " is not a fixed-length string");
    const size_t size = H5Tget_size(type);
    if (size == 0) throw DataError(std::string("/") + name + " is empty");
    if (size > max_config_bytes)
        throw DataError(std::string("/") + name + " is a string of " + std::to_string(size) + " bytes, over " +
                        std::to_string(max_config_bytes));
    std::string text(size, '\0');
    H5_CHECK(H5Dread(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()));
    text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
    return text;
}

// No file locks: one process writes a file under a temp name; readers only read.
H5Handle file_access() {
    H5Handle fapl(H5_CHECK(H5Pcreate(H5P_FILE_ACCESS)));
    H5_CHECK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST));
    H5_CHECK(H5Pset_file_locking(fapl, false, true));
    return fapl;
}

}  // namespace

H5Handle checkpoint_file_create(const std::string& path) {
    h5_quiet();
    H5Handle fapl = file_access();
    return H5Handle(H5_CHECK(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl)));
}

void checkpoint_file_write_header(hid_t file, const CheckpointHeader& header, std::span<const float> weights) {
    write_scalar(file, "step", header.step);
    write_string(file, "config", header.config);
    write_scalar(file, "run_jsonl_bytes", header.log_bytes);
    write_array(file, "weights", H5T_NATIVE_FLOAT, weights.data(), weights.size());
}

void checkpoint_file_write_state(hid_t file, int rank, const NamedState& state) {
    write_array(file, rank_path(rank, state.name), state_h5_type(state.data), state_pointer(state.data),
                state_count(state.data));
}

void checkpoint_file_close(H5Handle* file) { H5_CHECK(H5Fclose(file->release())); }

H5Handle checkpoint_file_open(const std::string& path) {
    h5_quiet();
    H5Handle fapl = file_access();
    return H5Handle(H5_CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl)));
}

CheckpointHeader checkpoint_file_read_header(hid_t file) {
    CheckpointHeader h;
    h.step = read_scalar(file, "step");
    h.config = read_string(file, "config");
    h.log_bytes = read_scalar(file, "run_jsonl_bytes");
    return h;
}

void checkpoint_file_read_weights(hid_t file, std::span<float> weights) {
    read_array(file, "weights", H5T_NATIVE_FLOAT, weights.data(), weights.size());
}

void checkpoint_file_read_states(hid_t file, int rank, const StateList& states) {
    for (const NamedState& s : states)
        read_array(file, rank_path(rank, s.name), state_h5_type(s.data), state_pointer(s.data), state_count(s.data));
}

}  // namespace bitvote
