// H5_CHECK and H5Handle: one clear message per failed HDF5 call; HDF5's version.
#include "data/h5_check.h"

#include <string>

namespace bitvote {

namespace {

// Keeps the innermost error of the stack: where HDF5 first saw the problem.
herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* out) {
    if (n == 0 && err->desc) *static_cast<std::string*>(out) = err->desc;
    return 0;
}

}  // namespace

int64_t h5_check(int64_t result, const char* call, const char* file, int line) {
    if (result >= 0) return result;
    std::string why;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &why);
    H5Eclear2(H5E_DEFAULT);
    throw H5CallError(std::string(file) + ":" + std::to_string(line) + ": HDF5 call " + call + " failed" +
                    (why.empty() ? "" : ": " + why));
}

void h5_quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

H5Handle::~H5Handle() {
    if (id_ < 0) return;
    switch (H5Iget_type(id_)) {
        case H5I_FILE: H5Fclose(id_); break;
        case H5I_GROUP: H5Gclose(id_); break;
        case H5I_DATASET: H5Dclose(id_); break;
        case H5I_DATASPACE: H5Sclose(id_); break;
        case H5I_DATATYPE: H5Tclose(id_); break;
        case H5I_ATTR: H5Aclose(id_); break;
        case H5I_GENPROP_LST: H5Pclose(id_); break;
        default: break;
    }
}

std::string hdf5_library_version() {
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release) +
#ifdef H5_HAVE_PARALLEL
           " (parallel)";
#else
           " (serial)";
#endif
}

}  // namespace bitvote
