// GRU step math for the sequence driver (equations in gru.h).
#include "gru.h"

#include <vector>

#include "recurrent_common.h"
#include "sequence_driver.h"
#include "step_kernels.h"

namespace rnn {

namespace {

class GruForwardCell : public CellShape<3, false> {
 public:
  using Args = GruForward;

  // The input projection goes straight into the gates, with b_hh folded in for r, z (and n when
  // reset before; with reset_after b_hn sits inside r ⊙ (W_hn h + b_hn) and cannot move). W_hh is
  // packed once: all three gates for one product with reset_after; r, z and W_hn apart otherwise,
  // since W_hn multiplies r ⊙ h.
  GruForwardCell(const GruForward& a, KernelContext& context)
      : a_(a),
        kernels_(step_kernels()),
        BH_(static_cast<std::size_t>(a.B) * a.H),
        gates_(gate_buffer(a, context, kGates)),
        extra_own_(a.workspace ? 0 : BH_),
        extra_(a.workspace ? a.workspace + static_cast<std::size_t>(a.T) * BH_ * 3 : extra_own_.data()),
        w_rz_(a.w_hh, a.reset_after ? 3 : 2, a.H, a.H, kernels_.panel_width),
        w_n_(a.reset_after ? nullptr : a.w_hh + static_cast<std::size_t>(2) * a.H * a.H, a.reset_after ? 0 : 1, a.H,
             a.H, kernels_.panel_width) {
    project_inputs(a, gates_, 3 * a.H, a.reset_after ? 2 * a.H : 3 * a.H);
  }

  void step(const ForwardStep& s) {
    float* gates = gates_ + static_cast<std::size_t>(s.t) * BH_ * 3;                  // [B, 3H]
    float* extra = extra_ + (a_.workspace ? static_cast<std::size_t>(s.t) * BH_ : 0);  // [B, H]
    kernels_.gru_forward({&w_rz_, a_.reset_after ? nullptr : &w_n_, s.hm, s.h_prev, s.b0, s.b1, a_.H, gates,
                          a_.workspace != nullptr, extra, a_.reset_after && a_.b_hh ? a_.b_hh + 2 * a_.H : nullptr,
                          s.y_t, a_.reset_after, a_.activation, a_.recurrent_activation});
  }

 private:
  const GruForward& a_;
  const StepKernels& kernels_;
  std::size_t BH_;
  float* gates_;                  // [T, B, 3H] projections, then the activated gates
  std::vector<float> extra_own_;  // [B, H] extra of the step without a workspace
  float* extra_;                  // [T, B, H] (workspace) or [B, H]: see gru.h
  PackedGates w_rz_;              // W_hh [3H, H] (reset_after) or its r, z rows [2H, H]
  PackedGates w_n_;               // W_hn [H, H] (reset before), else empty
};

}  // namespace

void gru_forward(const GruForward& a, KernelContext& context) { forward_sequence<GruForwardCell>(a, context); }

}  // namespace rnn
