// The per-step row operations of the sequence driver (declared in recurrent_common.h). They run
// inside the time loop, so they carry the AVX2 clones like the cells' step math.
#include <cstring>

#include "activations.h"
#include "recurrent_common.h"

namespace rnn {

RNN_SIMD_CLONES
const float* masked_rows(const float* h, const float* recurrent_mask, float* scratch, int b0, int b1, int H) {
  if (recurrent_mask == nullptr) return h;
  const std::size_t begin = static_cast<std::size_t>(b0) * H, end = static_cast<std::size_t>(b1) * H;
  for (std::size_t k = begin; k < end; ++k) scratch[k] = recurrent_mask[k] * h[k];
  return scratch;
}

void carry_padded_rows(float* dst, const float* src, const float* mask, int t, int B, int b0, int b1, int H) {
  if (mask == nullptr) return;
  for (int b = b0; b < b1; ++b) {
    if (step_counts(mask, t, B, b)) continue;
    const std::size_t row = static_cast<std::size_t>(b) * H;
    std::memcpy(dst + row, src + row, H * sizeof(float));
  }
}

RNN_SIMD_CLONES
void add_rows(float* dh, const float* dy_t, int b0, int b1, int H) {
  const std::size_t begin = static_cast<std::size_t>(b0) * H, end = static_cast<std::size_t>(b1) * H;
  for (std::size_t k = begin; k < end; ++k) dh[k] += dy_t[k];
}

RNN_SIMD_CLONES
void combine_hidden_gradient(float* dh, const float* direct, const float* rec, const float* recurrent_mask,
                             const float* mask, int t, int B, int b0, int b1, int H) {
  for (int b = b0; b < b1; ++b) {
    if (!step_counts(mask, t, B, b)) continue;
    const std::size_t row = static_cast<std::size_t>(b) * H;
    float* out = dh + row;
    const float* r = rec + row;
    if (direct == nullptr && recurrent_mask == nullptr) {
      std::memcpy(out, r, H * sizeof(float));
    } else if (direct == nullptr) {
      const float* m = recurrent_mask + row;
      for (int k = 0; k < H; ++k) out[k] = m[k] * r[k];
    } else if (recurrent_mask == nullptr) {
      const float* d = direct + row;
      for (int k = 0; k < H; ++k) out[k] = d[k] + r[k];
    } else {
      const float* d = direct + row;
      const float* m = recurrent_mask + row;
      for (int k = 0; k < H; ++k) out[k] = d[k] + m[k] * r[k];
    }
  }
}

}  // namespace rnn
