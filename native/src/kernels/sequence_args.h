// The recurrent kernels' argument structs (generated from the contract) and what they share.
#pragma once

#include "kernel_args.generated.h"

namespace rnn {

// True when batch row b takes part in step t (mask [T, B] null, or mask[t, b] != 0).
inline bool step_counts(const float* mask, int t, int B, int b) {
  return mask == nullptr || mask[static_cast<long long>(t) * B + b] != 0.0f;
}

}  // namespace rnn
