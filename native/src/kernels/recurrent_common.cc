#include "recurrent_common.h"

#include <cstring>
#include <memory>
#include <vector>

#include "data_passes.h"
#include "gemm.h"
#include "parallel.h"

namespace rnn {

namespace {

void input_projection(float* xproj, const float* x, const float* w_ih, const float* bias, int rows, int GH, int I) {
  if (bias == nullptr) {
    sgemm(false, true, rows, GH, I, 1.0f, x, I, w_ih, I, 0.0f, xproj, GH);
    return;
  }
  // Rows start as the bias and the GEMM adds onto them (beta = 1): one pass instead of OpenBLAS
  // zeroing C (beta = 0) and a second pass adding the bias.
  for_pointwise_blocks(rows, GH, [&](int r0, int r1) {
    for (int r = r0; r < r1; ++r) std::memcpy(xproj + static_cast<std::size_t>(r) * GH, bias, sizeof(float) * GH);
  });
  sgemm(false, true, rows, GH, I, 1.0f, x, I, w_ih, I, 1.0f, xproj, GH);
}

}  // namespace

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

void project_inputs(const RecurrentForward& a, float* pre, int GH, int fold_cols) {
  const std::vector<float> bias = folded_bias(a.b_ih, a.b_hh, GH, fold_cols);  // [GH]
  if (!a.batch_first || a.B == 1 || a.T == 1) {  // the two layouts agree with one row or one step
    input_projection(pre, a.x, a.w_ih, bias.empty() ? nullptr : bias.data(), a.T * a.B, GH, a.I);
    return;
  }
  // Batch-first x: transposed here, a block of steps a thread, and projected as the time-major call
  // projects it. OpenBLAS does not promise a row the same bits in GEMMs of other shapes (a GEMM per
  // row or per step gave others), and pre must be time-major: the steps read it so, and in training
  // it is the workspace, which they overwrite in place. Only the projected path pays this copy; the
  // fused one reads the rows where they are (StepInputSource::at).
  const std::size_t B = static_cast<std::size_t>(a.B), T = static_cast<std::size_t>(a.T), I = static_cast<std::size_t>(a.I);
  std::unique_ptr<float[]> x(new float[T * B * I]);  // [T, B, I]
  for_pointwise_blocks(a.T, static_cast<long long>(B * I), [&](int t0, int t1) {
    to_time_major_steps(a.x, B, T, I, x.get(), false, static_cast<std::size_t>(t0), static_cast<std::size_t>(t1));
  });
  input_projection(pre, x.get(), a.w_ih, bias.empty() ? nullptr : bias.data(), a.T * a.B, GH, a.I);
}

std::vector<float> transposed(const float* m, int rows, int cols) {
  std::vector<float> out(static_cast<std::size_t>(rows) * cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) out[static_cast<std::size_t>(c) * rows + r] = m[static_cast<std::size_t>(r) * cols + c];
  return out;
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
  // Blocks of columns: every column's sum is the same whatever the split.
  for_pointwise_blocks(cols, rows, [&](int c0, int c1) { column_sums(sums.data() + c0, m, rows, c0, c1, ld); });
  for (int c = 0; c < cols; ++c) out[c] += static_cast<float>(sums[c]);
  if (out2 != nullptr) {
    for (int c = 0; c < cols; ++c) out2[c] += static_cast<float>(sums[c]);
  }
}

void gather_previous_hidden(float* hprev, const RecurrentBackward& a, const float* h0) {
  const std::size_t BH = static_cast<std::size_t>(a.B) * a.H;
  const float* recurrent_mask = a.recurrent_mask;
  for_pointwise_blocks(a.T, static_cast<long long>(BH), [&](int t0, int t1) {
    for (int t = t0; t < t1; ++t) {
      const float* prev = previous_hidden(a.y, h0, t, a.T, a.reverse, BH);
      float* out = hprev + static_cast<std::size_t>(t) * BH;
      if (recurrent_mask == nullptr) {
        std::memcpy(out, prev, BH * sizeof(float));
      } else {
        for (std::size_t k = 0; k < BH; ++k) out[k] = recurrent_mask[k] * prev[k];
      }
    }
  });
}

void accumulate_recurrent_weight_grad(float* dw, const float* dg, int M, int ldg, const float* hprev,
                                      const RecurrentBackward& a) {
  const int T = a.T, B = a.B, H = a.H;
  const bool reverse = a.reverse;
  const float* y = a.y;
  const float* h0 = a.h0;
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

void accumulate_shared_gate_grads(const RecurrentBackward& a, const float* dgates, int GH, const float* hprev) {
  accumulate_recurrent_weight_grad(a.d_w_hh, dgates, GH, GH, hprev, a);
  float* db = a.d_b_hh ? a.d_b_hh : a.d_b_ih;
  if (db) accumulate_column_sums(db, dgates, a.T * a.B, GH, GH, a.d_b_hh ? a.d_b_ih : nullptr);
}

void accumulate_input_side(const RecurrentBackward& a, const float* dgates, int GH) {
  const int rows = a.T * a.B;
  const int I = a.I;
  sgemm(true, false, GH, I, rows, 1.0f, dgates, GH, a.x, I, 1.0f, a.d_w_ih, I);
  if (a.dx != nullptr) sgemm(false, false, rows, I, GH, 1.0f, dgates, GH, a.w_ih, I, 0.0f, a.dx, I);
}

}  // namespace rnn
