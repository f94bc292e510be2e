// GRU backward step math for the sequence driver (equations in gru.h).
#include <cstring>
#include <vector>

#include "gemm.h"
#include "gru.h"
#include "recurrent_common.h"
#include "sequence_driver.h"
#include "step_kernels.h"

namespace rnn {

namespace {

// The input side's gate gradients (the driver's dgates) serve r and z on both sides. The n block
// differs with reset_after: the recurrent side gets dL/d(W_hn h + b_hn) = da_n ⊙ r (dhn).
class GruBackwardCell : public CellShape<3, false, true> {  // h' = … + z ⊙ h reaches h outside W_hh
 public:
  using Args = GruBackward;
  static std::size_t scratch_floats(const GruBackward& a) {
    return a.reset_after ? static_cast<std::size_t>(a.T) * a.B * a.H : 0;
  }

  GruBackwardCell(const GruBackward& a, float* scratch)
      : a_(a),
        kernels_(step_kernels()),
        BH_(static_cast<std::size_t>(a.B) * a.H),
        w_hh_(a.w_hh, 3 * a.H, a.H, kernels_.panel_width),
        dhn_(scratch),
        dgh_(a.reset_after ? 3 * BH_ : 0),
        dextra_(a.reset_after ? 0 : BH_),
        d_gates_(3 * BH_) {}

  void clear_row(int t, int b) {
    if (!a_.reset_after) return;
    const int H = a_.H;
    std::memset(dhn_ + static_cast<std::size_t>(t) * BH_ + static_cast<std::size_t>(b) * H, 0, H * sizeof(float));
    std::memset(dgh_.data() + static_cast<std::size_t>(b) * 3 * H, 0, 3 * H * sizeof(float));
  }

  RNN_SIMD_CLONES void step(const BackwardStep& s) {
    const float* gates = a_.workspace + static_cast<std::size_t>(s.t) * 3 * BH_;            // [B, 3H]
    const float* extra = a_.workspace + static_cast<std::size_t>(a_.T) * 3 * BH_ + s.t * BH_;  // [B, H]
    for (int b = s.b0; b < s.b1; ++b) {
      if (s.live(b)) row(s, gates, extra, b);
    }
    if (a_.reset_after) {
      const int H = a_.H;
      kernels_.column_product({&w_hh_, 0, 3 * H, dgh_.data(), 3 * H, s.b0, s.b1, s.rec, H});
    } else {
      reset_gate_and_recurrent_path(s, gates);
    }
  }

  void weight_gradients(const float* dgates, const float* hprev);

 private:
  RNN_SIMD_CLONES void row(const BackwardStep& s, const float* gates, const float* extra, int b);
  RNN_SIMD_CLONES void reset_gate_and_recurrent_path(const BackwardStep& s, const float* gates);

  const GruBackward& a_;
  const StepKernels& kernels_;
  std::size_t BH_;
  PackedColumns w_hh_;          // W_hh [3H, H] packed once for the call's steps
  float* dhn_;                  // [T, B, H] (reset_after) da_n ⊙ r, the recurrent side's n block
  std::vector<float> dgh_;      // [B, 3H] (reset_after) the step's recurrent-side gate gradients
  std::vector<float> dextra_;   // [B, H] (reset before) dL/d(r ⊙ m ⊙ h) = da_n · W_hn
  std::vector<float> d_gates_;  // [B, 3H] σ'(r), σ'(z), act'(n)
};

// The gradients of one live row: z and n (and r, dgh, dhn with reset_after), and z ⊙ dh.
void GruBackwardCell::row(const BackwardStep& s, const float* gates, const float* extra, int b) {
  const int H = a_.H, GH = 3 * H;
  const std::size_t g = static_cast<std::size_t>(b) * GH, at = static_cast<std::size_t>(b) * H;
  const float* r = gates + g;
  const float *z = r + H, *n = r + 2 * H;
  const float *hp = s.h_prev + at, *dhb = s.dh + at;
  float* d_r = d_gates_.data() + g;
  const float *d_z = d_r + H, *d_n = d_r + 2 * H;
  derivatives_from_output(a_.recurrent_activation, r, d_r, 2 * static_cast<std::size_t>(H));  // r, z
  derivatives_from_output(a_.activation, n, d_r + 2 * H, H);
  float* dg = s.dgates + g;
  float* direct = s.direct + at;
  if (!a_.reset_after) {
    for (int k = 0; k < H; ++k) {
      dg[H + k] = dhb[k] * (hp[k] - n[k]) * d_z[k];
      dg[2 * H + k] = dhb[k] * (1.0f - z[k]) * d_n[k];
      direct[k] = dhb[k] * z[k];
    }
    return;
  }
  float* dgh = dgh_.data() + g;
  float* dhn = dhn_ + static_cast<std::size_t>(s.t) * BH_ + at;
  const float* ex = extra + at;
  // No value is reached through two of these pointers; with this many streams GCC gives up on its
  // runtime overlap checks and leaves the loop scalar (~10% of a medium GRU training step) unless
  // told there is no dependence between iterations.
#pragma GCC ivdep
  for (int k = 0; k < H; ++k) {
    const float dan = dhb[k] * (1.0f - z[k]) * d_n[k];
    const float daz = dhb[k] * (hp[k] - n[k]) * d_z[k];
    const float dar = dan * ex[k] * d_r[k];
    direct[k] = dhb[k] * z[k];
    dg[k] = dgh[k] = dar;
    dg[H + k] = dgh[H + k] = daz;
    dg[2 * H + k] = dan;
    dgh[2 * H + k] = dhn[k] = dan * r[k];
  }
}

// Reset before: dL/d(r ⊙ m ⊙ h) = da_n · W_hn gives the r gradients; the recurrent path is then
// dGates[r, z] · W_hh[r, z] plus r ⊙ that same gradient.
void GruBackwardCell::reset_gate_and_recurrent_path(const BackwardStep& s, const float* gates) {
  const int H = a_.H, GH = 3 * H;
  kernels_.column_product({&w_hh_, 2 * H, 3 * H, s.dgates + 2 * H, GH, s.b0, s.b1, dextra_.data(), H});  // · W_hn
  for (int b = s.b0; b < s.b1; ++b) {
    if (!s.live(b)) continue;
    const std::size_t g = static_cast<std::size_t>(b) * GH, at = static_cast<std::size_t>(b) * H;
    const float *d_r = d_gates_.data() + g, *dex = dextra_.data() + at, *hm = s.hm + at;
    for (int k = 0; k < H; ++k) s.dgates[g + k] = dex[k] * hm[k] * d_r[k];
  }
  kernels_.column_product({&w_hh_, 0, 2 * H, s.dgates, GH, s.b0, s.b1, s.rec, H});  // · W_hh[r, z]
  for (int b = s.b0; b < s.b1; ++b) {
    if (!s.live(b)) continue;
    const std::size_t at = static_cast<std::size_t>(b) * H;
    const float *r = gates + static_cast<std::size_t>(b) * GH, *dex = dextra_.data() + at;
    float* rec = s.rec + at;
    for (int k = 0; k < H; ++k) rec[k] += r[k] * dex[k];
  }
}

// dW_hh by blocks and the biases: r, z rows multiply m ⊙ h with the input side's gradients; the n
// rows multiply m ⊙ h with dhn (reset_after) or r ⊙ m ⊙ h (kept in the workspace) with da_n.
void GruBackwardCell::weight_gradients(const float* dgates, const float* hprev) {
  const GruBackward& a = a_;
  const int H = a.H, GH = 3 * H, rows = a.T * a.B;
  accumulate_recurrent_weight_grad(a.d_w_hh, dgates, 2 * H, GH, hprev, a);
  float* dw_hn = a.d_w_hh + static_cast<std::size_t>(2) * H * H;
  if (a.reset_after) {
    accumulate_recurrent_weight_grad(dw_hn, dhn_, H, H, hprev, a);
  } else {
    const float* ws_extra = a.workspace + static_cast<std::size_t>(a.T) * 3 * BH_;  // [T, B, H]
    sgemm(true, false, H, H, rows, 1.0f, dgates + 2 * H, GH, ws_extra, H, 1.0f, dw_hn, H);
  }
  if (a.d_b_ih == nullptr && a.d_b_hh == nullptr) return;
  // The input side's 3H sums once; db_hh takes the same r, z sums, and for n the sums of dhn
  // (reset_after) or the same ones (reset before, where the n gradients coincide).
  std::vector<float> sums(static_cast<std::size_t>(GH), 0.0f);  // [3H]
  accumulate_column_sums(sums.data(), dgates, rows, GH, GH);
  if (a.d_b_ih) {
    for (int c = 0; c < GH; ++c) a.d_b_ih[c] += sums[c];
  }
  if (a.d_b_hh == nullptr) return;
  const int shared = a.reset_after ? 2 * H : GH;
  for (int c = 0; c < shared; ++c) a.d_b_hh[c] += sums[c];
  if (a.reset_after) accumulate_column_sums(a.d_b_hh + 2 * H, dhn_, rows, H, H);
}

}  // namespace

void gru_backward(const GruBackward& a, KernelContext& context) { backward_sequence<GruBackwardCell>(a, context); }

}  // namespace rnn
