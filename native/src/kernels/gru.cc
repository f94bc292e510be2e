// GRU step math for the sequence driver (equations in gru.h).
#include "gru.h"

#include <cstring>
#include <vector>

#include "gemm.h"
#include "recurrent_common.h"
#include "sequence_driver.h"

namespace rnn {

namespace {

class GruForwardCell : public CellShape<3, false> {
 public:
  using Args = GruForward;

  // The input projection goes straight into the gates, with b_hh folded in for r, z (and n when
  // reset before; with reset_after b_hn sits inside r ⊙ (W_hn h + b_hn) and cannot move).
  GruForwardCell(const GruForward& a, KernelContext& context)
      : a_(a),
        BH_(static_cast<std::size_t>(a.B) * a.H),
        gates_(gate_buffer(a, context, kGates)),
        extra_own_(a.workspace ? 0 : BH_),
        extra_(a.workspace ? a.workspace + static_cast<std::size_t>(a.T) * BH_ * 3 : extra_own_.data()),
        hh_(BH_ * 3) {
    project_inputs(a, gates_, 3 * a.H, a.reset_after ? 2 * a.H : 3 * a.H);
  }

  RNN_SIMD_CLONES void step(const ForwardStep& s) {
    const int H = a_.H, GH = 3 * H, nb = s.b1 - s.b0;
    float* gates = gates_ + static_cast<std::size_t>(s.t) * BH_ * 3;     // [B, 3H]
    float* extra = extra_ + (a_.workspace ? static_cast<std::size_t>(s.t) * BH_ : 0);  // [B, H]
    const std::size_t off_g = static_cast<std::size_t>(s.b0) * GH;
    // r and z (and with reset_after also n) recurrent parts in one GEMM.
    sgemm(false, true, nb, a_.reset_after ? GH : 2 * H, H, 1.0f, s.hm + static_cast<std::size_t>(s.b0) * H, H,
          a_.w_hh, H, 0.0f, hh_.data() + off_g, GH);
    for (int b = s.b0; b < s.b1; ++b) reset_and_update_gates(s, gates, extra, b);
    if (!a_.reset_after) {
      // The n gate's recurrent part needs r first: W_hn (r ⊙ m ⊙ h) (b_hn is in the gates already).
      const float* w_hn = a_.w_hh + static_cast<std::size_t>(2) * H * H;  // [H, H]
      sgemm(false, true, nb, H, H, 1.0f, extra + static_cast<std::size_t>(s.b0) * H, H, w_hn, H, 0.0f,
            hh_.data() + off_g + 2 * H, GH);
    }
    for (int b = s.b0; b < s.b1; ++b) new_state(s, gates, extra, b);
  }

 private:
  // r, z activated; extra = W_hn (m ⊙ h) + b_hn (reset_after) or r ⊙ (m ⊙ h) (reset before).
  RNN_SIMD_CLONES void reset_and_update_gates(const ForwardStep& s, float* gates, float* extra, int b) {
    const int H = a_.H;
    const std::size_t g = static_cast<std::size_t>(b) * 3 * H, row = static_cast<std::size_t>(b) * H;
    const float* hh = hh_.data() + g;
    float* r = gates + g;
    for (int k = 0; k < 2 * H; ++k) r[k] += hh[k];
    activate_inplace(a_.recurrent_activation, r, 2 * static_cast<std::size_t>(H));  // r, z
    float* ex = extra + row;
    if (!a_.reset_after) {
      const float* hm = s.hm + row;
      for (int k = 0; k < H; ++k) ex[k] = r[k] * hm[k];
    } else if (a_.b_hh) {
      const float* b_hn = a_.b_hh + 2 * H;
      for (int k = 0; k < H; ++k) ex[k] = hh[2 * H + k] + b_hn[k];
    } else {
      for (int k = 0; k < H; ++k) ex[k] = hh[2 * H + k];
    }
  }

  // n = act(…) and h' = (1 − z) ⊙ n + z ⊙ h.
  RNN_SIMD_CLONES void new_state(const ForwardStep& s, float* gates, const float* extra, int b) {
    const int H = a_.H;
    const std::size_t g = static_cast<std::size_t>(b) * 3 * H, row = static_cast<std::size_t>(b) * H;
    const float* r = gates + g;
    const float* z = r + H;
    float* n = gates + g + 2 * H;
    const float* add = a_.reset_after ? extra + row : hh_.data() + g + 2 * H;
    if (a_.reset_after) {
      for (int k = 0; k < H; ++k) n[k] += r[k] * add[k];
    } else {
      for (int k = 0; k < H; ++k) n[k] += add[k];
    }
    activate_inplace(a_.activation, n, H);
    const float* hp = s.h_prev + row;
    float* hb = s.y_t + row;
    for (int k = 0; k < H; ++k) hb[k] = (1.0f - z[k]) * n[k] + z[k] * hp[k];
  }

  const GruForward& a_;
  std::size_t BH_;
  float* gates_;                  // [T, B, 3H] projections, then the activated gates
  std::vector<float> extra_own_;  // [B, H] extra of the step without a workspace
  float* extra_;                  // [T, B, H] (workspace) or [B, H]: see gru.h
  std::vector<float> hh_;         // [B, 3H] the step's recurrent pre-activations
};

}  // namespace

void gru_forward(const GruForward& a, KernelContext& context) { forward_sequence<GruForwardCell>(a, context); }

}  // namespace rnn
