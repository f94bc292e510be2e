// Weights held constant by JavaScript (kernels/constant_weights.h): holdWeights(arrays) and
// releaseWeights(arrays), and the registry of one environment that a forward call's weights are
// looked up in when its arguments are read.
//
// Holding promises that the arrays' values do not change until they are released: core holds only
// the private copy of a model a Predictor makes, which nothing else can reach. A held array is
// referenced until released, so its address cannot come back as another array's; and a kernel packs
// from its own checked argument, never from a held address, so even a broken promise gives stale
// results, never a read of memory no call vouches for.
#pragma once

#include <napi.h>

#include <cstddef>
#include <map>
#include <memory>
#include <utility>

#include "kernels/constant_weights.h"

namespace rnn {

// The held buffers of one environment, by address and length (used on its JS thread only).
class HeldWeightRegistry {
 public:
  // `array` is the Float32Array over [data, data + length), referenced while held.
  void hold(napi_env env, napi_value array, const float* data, std::size_t length);
  void release(napi_env env, const float* data, std::size_t length);  // a buffer not held is ignored
  // Releases everything (the environment's cleanup hook: its arrays are about to go).
  void clear(napi_env env) noexcept;
  // The held buffer of exactly this address and length, or null.
  std::shared_ptr<ConstantWeights> find(const float* data, std::size_t length) const;
  bool empty() const { return held_.empty(); }

 private:
  struct Held {
    int holds;      // holdWeights calls not yet released
    napi_ref array; // keeps the array (and so its memory) alive while held
    std::shared_ptr<ConstantWeights> weights;
  };
  std::map<std::pair<const float*, std::size_t>, Held> held_;
};

// holdWeights, releaseWeights and heldWeightCounts on the module's exports.
void export_held_weights(Napi::Env env, Napi::Object exports);

}  // namespace rnn
