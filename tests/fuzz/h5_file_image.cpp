// h5_file_image_open: H5Pset_fapl_core + H5Pset_file_image (see h5_file_image.h).
#include "h5_file_image.h"

namespace bitvote {

H5Handle h5_file_image_open(std::span<const uint8_t> bytes) {
    h5_quiet();
    if (bytes.empty()) return H5Handle();
    H5Handle fapl(H5_CHECK(H5Pcreate(H5P_FILE_ACCESS)));
    H5_CHECK(H5Pset_fapl_core(fapl, 1 << 16, /*backing_store=*/0));
    H5_CHECK(H5Pset_file_image(fapl, const_cast<uint8_t*>(bytes.data()), bytes.size()));  // HDF5 copies it
    const hid_t file = H5Fopen("fuzz-image.h5", H5F_ACC_RDONLY, fapl);
    if (file < 0) H5Eclear2(H5E_DEFAULT);
    return H5Handle(file);
}

int64_t h5_open_objects() { return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); }

}  // namespace bitvote
