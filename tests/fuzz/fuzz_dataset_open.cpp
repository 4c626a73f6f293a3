// libFuzzer target: the dataset opener (src/data/shard_read.cpp, data_read:
// what data_open does after the MPI-IO open) on any layout, shapes, types and
// attributes: the input describes an HDF5 file, which HDF5 itself writes in
// memory; its bytes are then opened as a file image (h5_file_image.h) and read
// as rank 0 and rank 1 of 2.
//
// Why a description, not raw file bytes: on raw bytes (mutated seed files)
// HDF5 1.10.8 itself overflows a heap buffer within a few thousand inputs
// (H5Aexists -> H5O__msg_iterate_real, a memcpy while decoding an attribute
// message) and leaks on some error paths: its parser's bugs, which bitvote
// cannot fix and which would stop every run. Well-formed files with hostile
// contents reach the opener's own checks instead.
//
// Input, read front to back (missing bytes read as 0):
//   1 byte   which parts exist: bit 0 /train, 1 /test, 2 images, 3 labels
//   per split (/train, /test), per dataset (images, labels): a DatasetSpec
//     1 byte   bits 0-2 type (% 6: uint8, int8, uint16, float32, int64,
//              4-byte string), bits 3-4 layout (contiguous, chunked, chunked + deflate,
//              compact), bit 5 write the data, bit 6 huge dimensions
//     1 byte   rank (% 6)
//     rank x   1 byte (huge: 5 bytes, little-endian) per dimension
//   four attributes on / (name, classes, mean, std): an AttrSpec
//     1 byte   kind (% 8: absent, int32, float64, uint8, variable-length
//              string, fixed-length string, array of 2..5 int32, array of
//              2..5 float64)
//     8 bytes  the value (numbers) or 4 bytes of text
//   the rest: the datasets' contents, in order (those of at most 8192 elements).
// Checked: the opener returns a Data or throws DataError, nothing else; what
// it returns is consistent (shard sizes, labels below classes, images of the
// shape read); it closes every HDF5 identifier it opened.
#include <cstring>
#include <string>
#include <vector>

#include "data/data.h"
#include "fuzz_check.h"
#include "h5_file_image.h"

namespace {

using bitvote::H5Handle;

struct Reader {
    const uint8_t* p;
    size_t n;
    uint64_t take(size_t bytes) {  // little-endian
        uint64_t v = 0;
        for (size_t i = 0; i < bytes; ++i) v |= uint64_t(i < n ? p[i] : 0) << (8 * i);
        const size_t used = bytes < n ? bytes : n;
        p += used, n -= used;
        return v;
    }
};

// An HDF5 call of the builder: false (the input is skipped) when it fails.
bool ok(int64_t result) { return result >= 0; }

hid_t type_of(unsigned kind) {
    static const hid_t types[] = {H5T_NATIVE_UINT8, H5T_NATIVE_INT8, H5T_NATIVE_UINT16, H5T_NATIVE_FLOAT,
                                  H5T_NATIVE_INT64};
    return kind < 5 ? H5Tcopy(types[kind]) : [] {
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, 4);
        return t;
    }();
}

bool add_dataset(hid_t group, const char* name, Reader* in, std::vector<std::pair<hid_t, size_t>>* pending) {
    const unsigned spec = unsigned(in->take(1)), kind = (spec & 7) % 6, layout = (spec >> 3) & 3;
    const bool write = spec & 32, huge = spec & 64;
    const int rank = int(in->take(1) % 6);
    hsize_t dims[5], maxdims[5], chunk[5], elements = 1;
    for (int i = 0; i < rank; ++i) {
        dims[i] = huge ? in->take(5) : in->take(1);
        maxdims[i] = layout == 1 || layout == 2 ? H5S_UNLIMITED : dims[i];
        chunk[i] = dims[i] < 1 ? 1 : dims[i] > 8 ? 8 : dims[i];
        elements = dims[i] && elements > (uint64_t{1} << 62) / dims[i] ? uint64_t{1} << 62 : elements * dims[i];
    }
    H5Handle type(type_of(kind)), space(rank ? H5Screate_simple(rank, dims, maxdims) : H5Screate(H5S_SCALAR));
    H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    if (!ok(type) || !ok(space) || !ok(dcpl)) return false;
    if ((layout == 1 || layout == 2) && rank && !ok(H5Pset_chunk(dcpl, rank, chunk))) return false;
    if (layout == 2 && rank && !ok(H5Pset_deflate(dcpl, 1))) return false;
    if (layout == 3 && !ok(H5Pset_layout(dcpl, H5D_COMPACT))) return false;
    const hid_t dataset = H5Dcreate2(group, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (!ok(dataset)) return false;
    pending->emplace_back(dataset, write && elements <= 8192 ? elements * H5Tget_size(type) : 0);
    return true;
}

bool add_attribute(hid_t file, const char* name, Reader* in) {
    const unsigned kind = unsigned(in->take(1) % 8);
    const uint64_t value = in->take(8);
    if (kind == 0) return true;
    const hsize_t count = kind >= 6 ? 2 + value % 4 : 1;
    H5Handle space(kind >= 6 ? H5Screate_simple(1, &count, nullptr) : H5Screate(H5S_SCALAR));
    H5Handle type(kind == 1 || kind == 6 ? H5Tcopy(H5T_NATIVE_INT32)
                  : kind == 2 || kind == 7 ? H5Tcopy(H5T_NATIVE_DOUBLE)
                  : kind == 3 ? H5Tcopy(H5T_NATIVE_UINT8)
                              : H5Tcopy(H5T_C_S1));
    if (!ok(space) || !ok(type)) return false;
    char text[5] = {};
    std::memcpy(text, &value, 4);
    const char* vlen = text;
    if (kind == 4 && !ok(H5Tset_size(type, H5T_VARIABLE))) return false;
    if (kind == 5 && !ok(H5Tset_size(type, 4))) return false;
    H5Handle attr(H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
    if (!ok(attr)) return false;
    std::vector<uint64_t> values(count, value);  // 8 bytes per element covers every type here
    return ok(H5Awrite(attr, type, kind == 4 ? static_cast<const void*>(&vlen)
                                   : kind == 5 ? static_cast<const void*>(text)
                                               : values.data()));
}

// The file the input describes, as bytes; empty if HDF5 refused to build it.
std::vector<uint8_t> build_file(Reader in) {
    H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    if (!ok(fapl) || !ok(H5Pset_fapl_core(fapl, 1 << 16, 0))) return {};
    H5Handle file(H5Fcreate("fuzz-build.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
    if (!ok(file)) return {};
    const unsigned parts = unsigned(in.take(1));
    std::vector<std::pair<hid_t, size_t>> pending;  // datasets and the bytes to write into each
    bool built = true;
    for (int split = 0; split < 2 && built; ++split) {
        if (!(parts & (1u << split))) continue;
        H5Handle group(H5Gcreate2(file, split ? "test" : "train", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        built = ok(group) && (!(parts & 4) || add_dataset(group, "images", &in, &pending)) &&
                (!(parts & 8) || add_dataset(group, "labels", &in, &pending));
    }
    for (const char* name : {"name", "classes", "mean", "std"}) built = built && add_attribute(file, name, &in);
    for (auto [dataset, bytes] : pending) {
        H5Handle d(dataset), type(H5Dget_type(dataset));
        if (!built || !bytes) continue;
        std::vector<uint8_t> contents(bytes);
        for (uint8_t& b : contents) b = uint8_t(in.take(1));
        built = ok(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, contents.data()));
    }
    if (!built || !ok(H5Fflush(file, H5F_SCOPE_GLOBAL))) return {};
    const ssize_t size = H5Fget_file_image(file, nullptr, 0);
    std::vector<uint8_t> image(size > 0 ? size_t(size) : 0);
    if (image.empty() || H5Fget_file_image(file, image.data(), image.size()) != size) return {};
    return image;
}

void check_data(const bitvote::Data& d) {
    using namespace bitvote;
    const DataInfo& info = d.info;
    fuzz_check(info.classes >= 1 && info.classes <= 256 && info.shape.pixels() >= 1, "info out of range");
    for (const Shard* s : {&d.train, &d.test}) {
        fuzz_check(s->labels.size() == s->index.size(), "a shard's labels and indices differ in count");
        fuzz_check(int64_t(s->images.size()) == s->size() * info.shape.pixels(), "a shard's images are not [n, C, H, W]");
        for (uint8_t label : s->labels) fuzz_check(label < info.classes, "a label not below classes");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bitvote;
    h5_quiet();
    const std::vector<uint8_t> image = build_file(Reader{data, size});
    H5Eclear2(H5E_DEFAULT);
    if (image.empty()) return 0;
    const int64_t open_before = h5_open_objects();
    {
        H5Handle file = h5_file_image_open(image);
        fuzz_check(file.get() >= 0, "HDF5 cannot open the file it wrote");
        DataConfig cfg;
        cfg.path = "fuzz-image.h5";
        for (int rank : {0, 1}) {
            try {
                check_data(data_read(file, cfg, rank, 2));
            } catch (const DataError&) {
            }
        }
    }
    fuzz_check(h5_open_objects() == open_before, "the opener left HDF5 identifiers open");
    return 0;
}
