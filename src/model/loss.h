// Softmax cross-entropy, the loss of every bitvote network (plain C++, after oneDNN's logits).
#pragma once

#include <cstdint>

namespace bitvote {

// Mean over the batch of -log softmax(logits)[label]; numerically stable (the row
// maximum is subtracted, sums in double). logits [batch, classes]; labels [batch] in
// [0, classes) (anything else is a fatal error naming the sample). When `diff` is not
// null it receives d loss / d logits = (softmax - onehot(label)) / batch, [batch, classes].
double softmax_cross_entropy(const float* logits, const int32_t* labels, int batch, int classes, float* diff);

}  // namespace bitvote
