// Argument structs shared by the recurrent kernels: the C++ mirror of
// packages/backend-api/src/kernel-args.ts (field for field, same names in snake_case).
// Every buffer is row-major float32; the kernel trusts lengths, the caller (addon.cc) checks them.
#pragma once

#include "activations.h"

namespace rnn {

// Sizes of one call: T steps, B batch rows, I input features, H hidden units.
struct SequenceDims {
  int T = 0;
  int B = 0;
  int I = 0;
  int H = 0;
};

// What every recurrent forward call takes. Outputs first, then inputs, then sizes and options.
struct RecurrentForward {
  float* y = nullptr;                      // [T, B, H] output, at the input's time index
  float* h_T = nullptr;                    // [B, H] output: hidden state after the last step processed
  float* workspace = nullptr;              // [workspace size] output for backward; null = inference
  const float* x = nullptr;                // [T, B, I]
  const float* h0 = nullptr;               // [B, H]; null = zeros
  const float* mask = nullptr;             // [T, B] 1 = step counts, 0 = carry the state; null = all 1
  const float* w_ih = nullptr;             // [G·H, I]
  const float* w_hh = nullptr;             // [G·H, H]
  const float* b_ih = nullptr;             // [G·H]; null = no bias
  const float* b_hh = nullptr;             // [G·H]; null = no bias
  const float* recurrent_mask = nullptr;   // [B, H] scales h where it enters W_hh; null = none
  bool reverse = false;                    // process t = T−1 … 0
  SequenceDims dims;
};

// What every recurrent backward call takes. Parameter gradients accumulate (+=); dx, dh0 are overwritten.
struct RecurrentBackward {
  float* dx = nullptr;                     // [T, B, I] overwritten; null = not wanted
  float* dh0 = nullptr;                    // [B, H] overwritten; null = not wanted
  float* dw_ih = nullptr;                  // [G·H, I] +=
  float* dw_hh = nullptr;                  // [G·H, H] +=
  float* db_ih = nullptr;                  // [G·H] +=; null without bias
  float* db_hh = nullptr;                  // [G·H] +=; null without bias
  const float* dy = nullptr;               // [T, B, H]; null = zeros
  const float* dh_T = nullptr;             // [B, H]; null = zeros
  const float* x = nullptr;                // [T, B, I]
  const float* h0 = nullptr;               // [B, H]; null = zeros
  const float* mask = nullptr;             // [T, B]; null = all 1
  const float* w_ih = nullptr;             // [G·H, I]
  const float* w_hh = nullptr;             // [G·H, H]
  const float* y = nullptr;                // [T, B, H] forward output
  const float* workspace = nullptr;        // forward workspace, read-only
  const float* recurrent_mask = nullptr;   // [B, H]; null = none
  bool reverse = false;
  SequenceDims dims;
};

// True when batch row b takes part in step t (mask null or mask[t, b] != 0).
inline bool step_counts(const float* mask, int t, int B, int b) {
  return mask == nullptr || mask[static_cast<long long>(t) * B + b] != 0.0f;
}

}  // namespace rnn
