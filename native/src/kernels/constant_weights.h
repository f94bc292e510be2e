// Weights whose values a caller has promised not to change while it holds them (a Predictor's
// private copy: core's model/predictor.ts), so kernels may pack them once and reuse the packing in
// every later call. Otherwise every forward call packs W_hh (and W_ih where its steps compute their
// own inputs) again, because a model's weights can change between any two calls. Reusing the
// packing ran a lone sequence's forward call 1.19× (LSTM) and 1.17× (GRU) as fast, so packing was
// ~15% of it, derived (native/README.md, "Held weights": comparing the weights with a kept copy
// instead saved nothing).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>

#include "packed_weights.h"

namespace rnn {

// One held buffer of `length` floats at `data`, and the packings made of it so far.
class ConstantWeights {
 public:
  ConstantWeights(const float* data, std::size_t length) : data_(data), length_(length) {}

  // The packing PackedGates(w, G, H, K, width) of the rows [G·H, K] at `w`, which lie in this buffer:
  // made from `w` by the first call that asks (a later one waits for it), then shared. `w` is the
  // calling kernel's own (checked, live) pointer to the same memory, so a packing never reads memory
  // no call vouches for. Null when the rows do not lie in the buffer.
  std::shared_ptr<const PackedGates> gates(const float* w, int G, int H, int K, int width);

 private:
  struct Packing {
    std::size_t offset;  // floats from data_ to the first row
    int G, H, K, width;
    std::shared_ptr<const PackedGates> packed;
    bool is(std::size_t at, int g, int h, int k, int wide) const {
      return offset == at && G == g && H == h && K == k && width == wide;
    }
  };
  // Packings kept per buffer: one per shape and level asked for, in practice one or two. Beyond
  // that, a call packs for itself.
  static constexpr int kMaxPackings = 8;

  const float* data_;
  std::size_t length_;
  // The rows of a batch (one a thread) look their packings up at the same moment: under a mutex
  // they met there in about one batch in fifty (two callers served for 3 s), one sleeping in the
  // kernel until the other's unlock woke it. So lookups read the published packings without a
  // lock: a slot is written once, under mutex_, before `published_` counts it (release), and never
  // changes after.
  std::mutex mutex_;                           // serialises making packings
  std::array<Packing, kMaxPackings> packings_; // [published_] made so far
  std::atomic<int> published_{0};
};

// The held buffers a forward call reads as weights, found when its arguments were read: null where
// the call's buffer is not held.
struct HeldWeights {
  std::shared_ptr<ConstantWeights> w_ih;  // wIh [G·H, I]
  std::shared_ptr<ConstantWeights> w_hh;  // wHh [G·H, H]
};

// Packings made and reused for held weights since load (the addon's heldWeightCounts(): tests check
// that a held call reuses its packing).
struct HeldPackingCounts {
  long long made = 0, reused = 0;
};
HeldPackingCounts held_packing_counts();

// W [G·H, K] at `w` packed for the step kernels: the held buffer's shared packing where `held`
// covers it, else a packing of the call's own; null when there is nothing to pack (w null or G 0).
std::shared_ptr<const PackedGates> pack_gates(const float* w, int G, int H, int K, int width, ConstantWeights* held);

}  // namespace rnn
