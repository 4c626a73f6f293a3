// Rank-local state that a checkpoint saves and restores in place (DESIGN.md
// 9): every owner of such state (a method, the loader, an aggregator, the
// --overlap buckets) lists its buffers as named spans, and the checkpoint
// writes each under /rank/R/<name> and reads it back into the same span.
// Adding a state is one line in its owner's *_states function:
//
//   void method_states(Method* m, const std::string& prefix, StateList* out) {
//       state_add(out, prefix + "memory", m->memory);      // [d] float
//       state_add(out, prefix + "velocity", m->velocity);  // [d] float
//   }
//   state_add(out, "data/epoch", &loader->epoch);          // one int64
//
// An empty buffer (a state the method does not use) is left out. Spans point
// into their owner: build the list when it is used, after the owner is made,
// and do not resize the owner's buffers while holding it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bitvote {

// The element types a state may have; the index is the type's code in files
// and messages (0 float32, 1 uint64, 2 int64).
using StateData = std::variant<std::span<float>, std::span<uint64_t>, std::span<int64_t>>;

struct NamedState {
    std::string name;  // '/'-separated path under /rank/R/
    StateData data;
};
using StateList = std::vector<NamedState>;

template <class T>
void state_add(StateList* out, std::string name, std::span<T> data) {
    if (!data.empty()) out->push_back({std::move(name), data});
}
template <class T>
void state_add(StateList* out, std::string name, std::vector<T>& data) {
    state_add(out, std::move(name), std::span<T>(data));
}
template <class T>
void state_add(StateList* out, std::string name, T* one) {
    state_add(out, std::move(name), std::span<T>(one, 1));
}

inline size_t state_count(const StateData& d) {
    return std::visit([](auto s) { return s.size(); }, d);
}
inline size_t state_bytes(const StateData& d) {
    return std::visit([](auto s) { return s.size_bytes(); }, d);
}
inline void* state_pointer(const StateData& d) {
    return std::visit([](auto s) -> void* { return s.data(); }, d);
}

}  // namespace bitvote
