// The text of oneDNN errors and oneDNN's version (see model_check.h).
#include "model/model_check.h"

#include <oneapi/dnnl/dnnl_debug.h>

namespace bitvote {

std::string dnnl_error_message(const dnnl::error& e, const char* what) {
    return std::string("oneDNN: ") + e.what() + " (" + dnnl_status2str(e.status) + ") in " + what;
}

std::string dnnl_library_version() {
    const dnnl_version_t* v = dnnl_version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
           (v->cpu_runtime == DNNL_RUNTIME_OMP ? " (cpu runtime OpenMP)" : " (cpu runtime other)");
}

}  // namespace bitvote
