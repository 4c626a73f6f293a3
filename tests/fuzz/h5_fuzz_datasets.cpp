// H5FuzzDatasets: a dataset's shape, type and layout from the fuzz input (see h5_fuzz_datasets.h).
#include "h5_fuzz_datasets.h"

#include "h5_file_image.h"

namespace bitvote {

bool H5FuzzDatasets::add(hid_t where, const char* path, std::span<const hid_t> types, FuzzInput* in) {
    const unsigned spec = unsigned(in->take(1)), layout = (spec >> 3) & 3;
    const bool write = spec & 32, huge = spec & 64, null = spec & 128;
    const int rank = int(in->take(1) % 6);
    hsize_t dims[5], maxdims[5], chunk[5], elements = 1;
    for (int i = 0; i < rank; ++i) {
        dims[i] = huge ? in->take(5) : in->take(1);
        maxdims[i] = layout == 1 || layout == 2 ? H5S_UNLIMITED : dims[i];
        chunk[i] = dims[i] < 1 ? 1 : dims[i] > 8 ? 8 : dims[i];
        elements = dims[i] && elements > (uint64_t{1} << 62) / dims[i] ? uint64_t{1} << 62 : elements * dims[i];
    }
    H5Handle type(H5Tcopy(types[(spec & 7) % types.size()]));
    H5Handle space(null ? H5Screate(H5S_NULL) : rank ? H5Screate_simple(rank, dims, maxdims) : H5Screate(H5S_SCALAR));
    H5Handle dcpl(H5Pcreate(H5P_DATASET_CREATE)), lcpl(H5Pcreate(H5P_LINK_CREATE));
    if (!h5_built(type) || !h5_built(space) || !h5_built(dcpl) || !h5_built(lcpl)) return false;
    if (!h5_built(H5Pset_create_intermediate_group(lcpl, 1))) return false;
    const bool chunked = (layout == 1 || layout == 2) && rank && !null;
    if (chunked && !h5_built(H5Pset_chunk(dcpl, rank, chunk))) return false;
    if (chunked && layout == 2 && !h5_built(H5Pset_deflate(dcpl, 1))) return false;
    if (layout == 3 && !h5_built(H5Pset_layout(dcpl, H5D_COMPACT))) return false;
    H5Handle dataset(H5Dcreate2(where, path, type, space, lcpl, dcpl, H5P_DEFAULT));
    if (!h5_built(dataset)) return false;
    const size_t element_bytes = H5Tis_variable_str(type) != 0 ? 0 : H5Tget_size(type);
    const bool small = !null && elements <= 8192 && elements * element_bytes <= 65536;
    pending_.emplace_back(std::move(dataset), write && small ? elements * element_bytes : 0);
    return true;
}

bool H5FuzzDatasets::write_all(FuzzInput* in) {
    bool written = true;
    for (auto& [dataset, bytes] : pending_) {
        if (!written || !bytes) continue;
        H5Handle type(H5Dget_type(dataset));
        std::vector<uint8_t> contents(bytes);
        for (uint8_t& b : contents) b = uint8_t(in->take(1));
        written = h5_built(type) && h5_built(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, contents.data()));
    }
    pending_.clear();
    return written;
}

}  // namespace bitvote
