#include "recurrent_common.h"

#include <cstring>
#include <memory>
#include <vector>

#include "gemm.h"
#include "parallel.h"

namespace rnn {

const float* masked_hidden(const float* h, const float* recurrent_mask, float* scratch, std::size_t BH) {
  if (recurrent_mask == nullptr) return h;
  for (std::size_t k = 0; k < BH; ++k) scratch[k] = recurrent_mask[k] * h[k];
  return scratch;
}

void input_projection(float* xproj, const float* x, const float* w_ih, const float* b_ih, int rows, int GH, int I) {
  if (b_ih == nullptr) {
    sgemm(false, true, rows, GH, I, 1.0f, x, I, w_ih, I, 0.0f, xproj, GH);
    return;
  }
  // Rows start as the bias and the GEMM adds onto them (beta = 1): one pass instead of OpenBLAS
  // zeroing C (beta = 0) and a second pass adding the bias.
  for (int r = 0; r < rows; ++r) std::memcpy(xproj + static_cast<std::size_t>(r) * GH, b_ih, sizeof(float) * GH);
  sgemm(false, true, rows, GH, I, 1.0f, x, I, w_ih, I, 1.0f, xproj, GH);
}

std::vector<float> folded_bias(const float* b_ih, const float* b_hh, int GH, int fold_cols) {
  std::vector<float> bias;
  if (b_ih == nullptr && b_hh == nullptr) return bias;
  bias.assign(static_cast<std::size_t>(GH), 0.0f);
  for (int c = 0; c < GH; ++c) {
    float v = b_ih ? b_ih[c] : 0.0f;
    if (b_hh && c < fold_cols) v += b_hh[c];
    bias[c] = v;
  }
  return bias;
}

std::vector<float> transposed(const float* m, int rows, int cols) {
  std::vector<float> out(static_cast<std::size_t>(rows) * cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) out[static_cast<std::size_t>(c) * rows + r] = m[static_cast<std::size_t>(r) * cols + c];
  return out;
}

void add_bias_rows(float* m, const float* bias, int rows, int cols, int ld) {
  for (int r = 0; r < rows; ++r) {
    float* row = m + static_cast<std::size_t>(r) * ld;
    for (int c = 0; c < cols; ++c) row[c] += bias[c];
  }
}

namespace {

// sums[c - c0] += Σ_r m[r, c] for c in [c0, c1), in double.
RNN_SIMD_CLONES
void column_sums(double* sums, const float* m, int rows, int c0, int c1, int ld) {
  // Blocks of 16 rows summed in float, each block total added in double: the float adds vectorise
  // twice as wide and skip the conversions; the double total still keeps long sums exact enough.
  constexpr int kBlock = 16;
  const int n = c1 - c0;
  std::vector<float> part(static_cast<std::size_t>(n));  // [n] one block's sums
  for (int r0 = 0; r0 < rows; r0 += kBlock) {
    const int r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
    const float* first = m + static_cast<std::size_t>(r0) * ld + c0;
    for (int c = 0; c < n; ++c) part[c] = first[c];
    for (int r = r0 + 1; r < r1; ++r) {
      const float* row = m + static_cast<std::size_t>(r) * ld + c0;
      for (int c = 0; c < n; ++c) part[c] += row[c];
    }
    for (int c = 0; c < n; ++c) sums[c] += part[c];
  }
}

}  // namespace

void accumulate_column_sums(float* out, const float* m, int rows, int cols, int ld, float* out2) {
  std::vector<double> sums(static_cast<std::size_t>(cols), 0.0);  // [cols]
  // Large sums (e.g. [T·B, 4H] of a medium LSTM: 3200 × 512) split by columns over both threads;
  // from 2e5 elements with the default split threshold (RNN_SPLIT_MIN_MACS=0 splits all, for tests).
  const bool split = cols >= 2 && should_split_rows(2, static_cast<long long>(rows) * cols / 2);
  if (split) {
    const int mid = cols / 2;
    run_pair([&] { column_sums(sums.data(), m, rows, 0, mid, ld); },
             [&] { column_sums(sums.data() + mid, m, rows, mid, cols, ld); });
  } else {
    column_sums(sums.data(), m, rows, 0, cols, ld);
  }
  for (int c = 0; c < cols; ++c) out[c] += static_cast<float>(sums[c]);
  if (out2 != nullptr) {
    for (int c = 0; c < cols; ++c) out2[c] += static_cast<float>(sums[c]);
  }
}

void gather_previous_hidden(float* hprev, const float* y, const float* h0, const float* recurrent_mask,
                            const SequenceDims& dims, bool reverse) {
  const std::size_t BH = static_cast<std::size_t>(dims.B) * dims.H;
  for (int t = 0; t < dims.T; ++t) {
    const float* prev = previous_hidden(y, h0, t, dims.T, reverse, BH);
    float* out = hprev + static_cast<std::size_t>(t) * BH;
    if (recurrent_mask == nullptr) {
      std::memcpy(out, prev, BH * sizeof(float));
    } else {
      for (std::size_t k = 0; k < BH; ++k) out[k] = recurrent_mask[k] * prev[k];
    }
  }
}

void accumulate_recurrent_weight_grad(float* dw, const float* dg, int M, int ldg, const float* hprev, const float* y,
                                      const float* h0, const SequenceDims& dims, bool reverse) {
  const int T = dims.T, B = dims.B, H = dims.H;
  if (T <= 0 || B <= 0) return;
  if (hprev != nullptr) {
    sgemm(true, false, M, H, T * B, 1.0f, dg, ldg, hprev, H, 1.0f, dw, H);
    return;
  }
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t step = static_cast<std::size_t>(B) * ldg;
  // Steps whose previous state is an output: forward t = 1..T-1 read y[t-1]; reverse t = 0..T-2 read y[t+1].
  if (T > 1) {
    const float* dg_rest = reverse ? dg : dg + step;
    const float* y_rest = reverse ? y + BH : y;
    sgemm(true, false, M, H, (T - 1) * B, 1.0f, dg_rest, ldg, y_rest, H, 1.0f, dw, H);
  }
  if (h0 != nullptr) {
    const float* dg_first = reverse ? dg + static_cast<std::size_t>(T - 1) * step : dg;
    sgemm(true, false, M, H, B, 1.0f, dg_first, ldg, h0, H, 1.0f, dw, H);
  }
}

void accumulate_input_side(const RecurrentBackward& a, const float* dgates, int GH, bool bias_sum) {
  const int rows = a.dims.T * a.dims.B;
  const int I = a.dims.I;
  sgemm(true, false, GH, I, rows, 1.0f, dgates, GH, a.x, I, 1.0f, a.dw_ih, I);
  if (a.dx != nullptr) sgemm(false, false, rows, I, GH, 1.0f, dgates, GH, a.w_ih, I, 0.0f, a.dx, I);
  if (bias_sum && a.db_ih != nullptr) accumulate_column_sums(a.db_ih, dgates, rows, GH, GH);
}

void propagate_hidden_gradient(float* dh, float* dh_rec, const float* dg_rows, const float* w_hh, int GH,
                               const RecurrentBackward& a, int t, int b0, int b1) {
  const int B = a.dims.B, H = a.dims.H;
  sgemm(false, false, b1 - b0, H, GH, 1.0f, dg_rows, GH, w_hh, H, 0.0f, dh_rec, H);
  for (int b = b0; b < b1; ++b) {
    if (!step_counts(a.mask, t, B, b)) continue;  // padded rows keep their dh
    const std::size_t row = static_cast<std::size_t>(b) * H;
    const float* rec = dh_rec + (row - static_cast<std::size_t>(b0) * H);
    if (a.recurrent_mask) {
      for (int k = 0; k < H; ++k) dh[row + k] = a.recurrent_mask[row + k] * rec[k];
    } else {
      std::memcpy(dh + row, rec, H * sizeof(float));
    }
  }
}

}  // namespace rnn
