// The text of oneDNN errors (see model_check.h).
#include "model/model_check.h"

#include <oneapi/dnnl/dnnl_debug.h>

namespace bitvote {

std::string dnnl_error_message(const dnnl::error& e, const char* what) {
    return std::string("oneDNN: ") + e.what() + " (" + dnnl_status2str(e.status) + ") in " + what;
}

}  // namespace bitvote
