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
//   per split (/train, /test), per dataset (images, labels): a dataset's
//     description (h5_fuzz_datasets.h), its type one of uint8, int8, uint16,
//     float32, int64, 4-byte string
//   four attributes on / (name, classes, mean, std): an AttrSpec
//     1 byte   kind (% 8: absent, int32, float64, uint8, variable-length
//              string, fixed-length string, array of 2..5 int32, array of
//              2..5 float64)
//     8 bytes  the value (numbers) or 4 bytes of text
//   the rest: the datasets' contents, in order (h5_fuzz_datasets.h).
// Checked: the opener returns a Data or throws DataError, nothing else; what
// it returns is consistent (shard sizes, labels below classes, images of the
// shape read); it closes every HDF5 identifier it opened.
#include <cstring>
#include <string>
#include <vector>

#include "data/data.h"
#include "fuzz_check.h"
#include "h5_file_image.h"
#include "h5_fuzz_datasets.h"

namespace {

using bitvote::FuzzInput;
using bitvote::H5Handle;
using bitvote::h5_built;

bool add_attribute(hid_t file, const char* name, FuzzInput* in) {
    const unsigned kind = unsigned(in->take(1) % 8);
    const uint64_t value = in->take(8);
    if (kind == 0) return true;
    const hsize_t count = kind >= 6 ? 2 + value % 4 : 1;
    H5Handle space(kind >= 6 ? H5Screate_simple(1, &count, nullptr) : H5Screate(H5S_SCALAR));
    H5Handle type(kind == 1 || kind == 6 ? H5Tcopy(H5T_NATIVE_INT32)
                  : kind == 2 || kind == 7 ? H5Tcopy(H5T_NATIVE_DOUBLE)
                  : kind == 3 ? H5Tcopy(H5T_NATIVE_UINT8)
                              : H5Tcopy(H5T_C_S1));
    if (!h5_built(space) || !h5_built(type)) return false;
    char text[5] = {};
    std::memcpy(text, &value, 4);
    const char* vlen = text;
    if (kind == 4 && !h5_built(H5Tset_size(type, H5T_VARIABLE))) return false;
    if (kind == 5 && !h5_built(H5Tset_size(type, 4))) return false;
    H5Handle attr(H5Acreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
    if (!h5_built(attr)) return false;
    std::vector<uint64_t> values(count, value);  // 8 bytes per element covers every type here
    return h5_built(H5Awrite(attr, type, kind == 4 ? static_cast<const void*>(&vlen)
                                   : kind == 5 ? static_cast<const void*>(text)
                                               : values.data()));
}

// The file the input describes, as bytes; empty if HDF5 refused to build it.
std::vector<uint8_t> build_file(FuzzInput in) {
    H5Handle file = bitvote::h5_memory_file_create(H5F_LIBVER_EARLIEST);
    if (!h5_built(file)) return {};
    H5Handle text(H5Tcopy(H5T_C_S1));  // the string type: 4 bytes
    if (!h5_built(text) || !h5_built(H5Tset_size(text, 4))) return {};
    const hid_t types[] = {H5T_NATIVE_UINT8, H5T_NATIVE_INT8, H5T_NATIVE_UINT16, H5T_NATIVE_FLOAT, H5T_NATIVE_INT64, text};
    const unsigned parts = unsigned(in.take(1));
    bitvote::H5FuzzDatasets datasets;
    bool built = true;
    for (int split = 0; split < 2 && built; ++split) {
        if (!(parts & (1u << split))) continue;
        H5Handle group(H5Gcreate2(file, split ? "test" : "train", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        built = h5_built(group) && (!(parts & 4) || datasets.add(group, "images", types, &in)) &&
                (!(parts & 8) || datasets.add(group, "labels", types, &in));
    }
    for (const char* name : {"name", "classes", "mean", "std"}) built = built && add_attribute(file, name, &in);
    if (!built || !datasets.write_all(&in)) return {};
    return bitvote::h5_memory_file_image(file);
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
    const std::vector<uint8_t> image = build_file(FuzzInput{data, size});
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
