#include "constant_weights.h"

#include <atomic>
#include <cstdint>

namespace rnn {

namespace {

std::atomic<long long> g_made{0}, g_reused{0};

}  // namespace

std::shared_ptr<const PackedGates> ConstantWeights::gates(const float* w, int G, int H, int K, int width) {
  // Addresses as integers: w may point into any other buffer, and pointers into different arrays
  // do not compare in C++.
  const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(w), base = reinterpret_cast<std::uintptr_t>(data_);
  if (at < base || (at - base) % sizeof(float) != 0 || (at - base) / sizeof(float) > length_) return nullptr;
  const std::size_t offset = (at - base) / sizeof(float);
  if (static_cast<std::size_t>(G) * H * K > length_ - offset) return nullptr;
  const auto find = [&](int count) -> const Packing* {
    for (int i = 0; i < count; ++i) {
      if (packings_[i].is(offset, G, H, K, width)) return &packings_[i];
    }
    return nullptr;
  };
  if (const Packing* p = find(published_.load(std::memory_order_acquire))) {
    g_reused.fetch_add(1, std::memory_order_relaxed);
    return p->packed;
  }
  // Packing under the lock: a second call with the same weights waits for the first one's packing
  // instead of making its own.
  std::lock_guard<std::mutex> lock(mutex_);
  const int count = published_.load(std::memory_order_relaxed);
  if (const Packing* p = find(count)) {
    g_reused.fetch_add(1, std::memory_order_relaxed);
    return p->packed;
  }
  auto packed = std::make_shared<const PackedGates>(w, G, H, K, width);
  g_made.fetch_add(1, std::memory_order_relaxed);
  if (count == kMaxPackings) return packed;  // kept by this call only
  packings_[count] = {offset, G, H, K, width, packed};
  published_.store(count + 1, std::memory_order_release);
  return packed;
}

HeldPackingCounts held_packing_counts() {
  return {g_made.load(std::memory_order_relaxed), g_reused.load(std::memory_order_relaxed)};
}

std::shared_ptr<const PackedGates> pack_gates(const float* w, int G, int H, int K, int width, ConstantWeights* held) {
  if (w == nullptr || G == 0) return nullptr;
  if (held != nullptr) {
    if (auto shared = held->gates(w, G, H, K, width)) return shared;
  }
  return std::make_shared<const PackedGates>(w, G, H, K, width);
}

}  // namespace rnn
