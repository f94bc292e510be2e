// The optimizer's per-weight update (@rnn/backend-api's OptimizerUpdates) in C++: one pass over a
// parameter and its state on the calling thread, with the same double-precision arithmetic, in the
// same order, as @rnn/fallback's TypeScript, so both backends train to the same bits.
#pragma once

#include <cstddef>

namespace rnn {

// One Adam step's constants, as the caller derives them from the hyper-parameters and the step.
struct AdamConstants {
  double step_size;         // learningRate / (1 − β1ᵗ)
  double correction2_sqrt;  // √(1 − β2ᵗ)
  double beta1, beta2, epsilon, l2;
};

// For i < n: g = grad + l2·value; m = f32(β1·m + (1 − β1)·g); v = f32(β2·v + (1 − β2)·g·g);
// with v_max (AMSGrad) v_max = max(v_max, v) replaces v below; value = f32(value − step_size·m /
// (√v / correction2_sqrt + ε)). f32: rounded to float as a Float32Array store rounds. The arrays
// must not overlap.
void adam_update(float* value, const float* grad, float* m, float* v, float* v_max, std::size_t n,
                 const AdamConstants& c);

}  // namespace rnn
