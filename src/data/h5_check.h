// Checked HDF5 calls and handles that close themselves; HDF5's version.
//
// H5_CHECK(call) returns the call's result, or throws H5CallError (a
// DataError) naming file:line, the call and HDF5's own innermost message. h5_quiet() turns off
// HDF5's automatic error-stack printing so that message is the only one.
#pragma once

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace bitvote {

// Every data and dataset error: a message that names the file and the problem.
struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A failed HDF5 call (H5_CHECK): its message names the source line and the
// call; a reader that knows the data file adds its name (data_open does).
struct H5CallError : DataError {
    using DataError::DataError;
};

#define H5_CHECK(call) ::bitvote::h5_check((call), #call, __FILE__, __LINE__)

int64_t h5_check(int64_t result, const char* call, const char* file, int line);
void h5_quiet();

// "1.10.8 (parallel)": the library's version and whether it was built for MPI.
std::string hdf5_library_version();

// Owns one HDF5 identifier (file, group, dataset, dataspace, type, attribute,
// property list) and closes it with the matching H5?close.
class H5Handle {
public:
    H5Handle() = default;
    explicit H5Handle(hid_t id) : id_(id) {}
    H5Handle(H5Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
    H5Handle& operator=(H5Handle&& o) noexcept {
        std::swap(id_, o.id_);
        return *this;
    }
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    ~H5Handle();
    hid_t get() const { return id_; }
    hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }  // the caller closes it
    operator hid_t() const { return id_; }

private:
    hid_t id_ = H5I_INVALID_HID;
};

}  // namespace bitvote
