// BITVOTE_TEST_NAN: which steps of this rank get a NaN (see nan_injection.h).
#include "train/nan_injection.h"

#include <algorithm>
#include <limits>
#include <sstream>

#include "base/flag_values.h"  // int_parse

namespace bitvote {

std::string nan_injection_parse(const char* text, int rank, NanInjection* out) {
    out->steps.clear();
    if (!text) return "";
    std::istringstream items(text);
    for (std::string item; std::getline(items, item, ',');) {
        const size_t colon = item.find(':');
        int64_t r = 0, step = 0;
        if (colon == std::string::npos || !int_parse(item.substr(0, colon), 0, int_flag_max, &r) ||
            !int_parse(item.substr(colon + 1), 0, int_flag_max, &step))
            return "BITVOTE_TEST_NAN: '" + item + "' is not rank:step (0-based integers), in '" + text + "'";
        if (r == rank) out->steps.push_back(step);
    }
    return "";
}

void nan_injection_apply(const NanInjection& inj, std::span<float> grad, int64_t step) {
    if (!grad.empty() && std::find(inj.steps.begin(), inj.steps.end(), step) != inj.steps.end())
        grad.back() = std::numeric_limits<float>::quiet_NaN();
}

}  // namespace bitvote
