// Softmax cross-entropy and its gradient (see loss.h).
#include "model/loss.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "model/model_check.h"

namespace bitvote {

double softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes, float* diff) {
    double total = 0;
    for (int n = 0; n < batch; ++n) {
        const float* z = logits + size_t(n) * classes;  // [classes]
        const int32_t label = labels[n];
        if (label < 0 || label >= classes)
            MODEL_FAIL("label " + std::to_string(label) + " of sample " + std::to_string(n) + " is outside [0, " +
                       std::to_string(classes) + ")");
        const double top = *std::max_element(z, z + classes);
        double sum = 0;
        for (int k = 0; k < classes; ++k) sum += std::exp(double(z[k]) - top);
        total += std::log(sum) - (double(z[label]) - top);
        if (!diff) continue;
        float* dz = diff + size_t(n) * classes;
        for (int k = 0; k < classes; ++k) dz[k] = float((std::exp(double(z[k]) - top) / sum - (k == label)) / batch);
    }
    return total / batch;
}

}  // namespace bitvote
