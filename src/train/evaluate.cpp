#include "train/evaluate.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bitvote {
namespace {

constexpr int eval_batch = 256;

// Adds one sample's cross-entropy and whether its arg-max is the label.
void score_sample(const float* logits, int classes, int label, double* loss_sum, double* correct) {
    const int best = int(std::max_element(logits, logits + classes) - logits);
    double sum = 0;
    for (int c = 0; c < classes; ++c) sum += std::exp(double(logits[c]) - logits[best]);
    *loss_sum += std::log(sum) - (double(logits[label]) - logits[best]);
    *correct += best == label;
}

}  // namespace

EvalResult evaluate_test(Net* net, const Shard& test, const DataInfo& info, MPI_Comm comm) {
    double totals[3] = {0, 0, 0};  // correct, loss sum, samples
    Batch batch;
    std::vector<float> logits;
    for (int64_t first = 0; first < test.size(); first += eval_batch) {
        const int n = int(std::min<int64_t>(eval_batch, test.size() - first));
        batch_fill(test, info, first, n, &batch);
        logits.resize(size_t(n) * size_t(info.classes));
        net_forward(net, batch.images.data(), n, logits.data());
        for (int i = 0; i < n; ++i)
            score_sample(&logits[size_t(i) * size_t(info.classes)], info.classes, batch.labels[size_t(i)],
                         &totals[1], &totals[0]);
        totals[2] += n;
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, totals, 3, MPI_DOUBLE, MPI_SUM, comm));
    EvalResult r;
    r.samples = int64_t(totals[2]);
    if (r.samples > 0) {
        r.accuracy = totals[0] / totals[2];
        r.loss = totals[1] / totals[2];
    }
    return r;
}

}  // namespace bitvote
