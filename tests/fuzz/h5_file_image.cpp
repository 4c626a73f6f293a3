// Files in memory: H5Pset_fapl_core, H5Fget_file_image, H5Pset_file_image (see h5_file_image.h).
#include "h5_file_image.h"

namespace bitvote {

H5Handle h5_memory_file_create(H5F_libver_t oldest_format, const std::string& backing_path) {
    h5_quiet();
    H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
    if (!h5_built(fapl) || !h5_built(H5Pset_fapl_core(fapl, 1 << 16, /*backing_store=*/!backing_path.empty())) ||
        !h5_built(H5Pset_libver_bounds(fapl, oldest_format, H5F_LIBVER_LATEST)))
        return H5Handle();
    const std::string name = backing_path.empty() ? "fuzz-build.h5" : backing_path;
    return H5Handle(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
}

std::vector<uint8_t> h5_memory_file_image(hid_t file) {
    if (!h5_built(H5Fflush(file, H5F_SCOPE_GLOBAL))) return {};
    const ssize_t size = H5Fget_file_image(file, nullptr, 0);
    std::vector<uint8_t> image(size > 0 ? size_t(size) : 0);
    if (image.empty() || H5Fget_file_image(file, image.data(), image.size()) != size) return {};
    return image;
}

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
