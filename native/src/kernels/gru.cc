// GRU step math for the sequence driver (equations in gru.h).
#include "gru.h"

#include <vector>

#include "recurrent_common.h"
#include "sequence_driver.h"
#include "step_inputs.h"
#include "step_kernels.h"

namespace rnn {

namespace {

class GruForwardCell : public CellShape<3, false> {
 public:
  using Args = GruForward;

  // With reset_after, one product covers all three gates, and the inputs' pre-activations come from
  // the step kernel itself, from one GEMM over all steps, or from earlier steps (StepInputSource); b_hh folds into r, z
  // only: b_hn sits inside r ⊙ (W_hn h + b_hn). Reset before, the second product multiplies r ⊙ h by
  // W_hn and its pass reads z back, so the projections always go to the gate buffer first (b_hh
  // folded into all three gates) and W_hh is packed as r, z and W_hn apart.
  GruForwardCell(const GruForward& a, KernelContext& context)
      : a_(a),
        kernels_(step_kernels()),
        BH_(static_cast<std::size_t>(a.B) * a.H),
        path_(input_path(a, kGates, kernels_, a.reset_after, a.reset_after)),
        gates_(path_ == InputPath::Fused ? a.workspace : gate_buffer(a, context, kGates)),
        extra_own_(a.workspace ? 0 : BH_),
        extra_(a.workspace ? a.workspace + static_cast<std::size_t>(a.T) * BH_ * 3 : extra_own_.data()),
        inputs_(a, kGates, a.reset_after ? 2 * a.H : 3 * a.H, kernels_, path_, gates_, context.held_w_ih()),
        w_rz_(pack_gates(a.w_hh, a.reset_after ? 3 : 2, a.H, a.H, kernels_.panel_width, context.held_w_hh())),
        w_n_(pack_gates(a.reset_after ? nullptr : a.w_hh + static_cast<std::size_t>(2) * a.H * a.H, a.reset_after ? 0 : 1,
                        a.H, a.H, kernels_.panel_width, context.held_w_hh())) {}

  void step(const ForwardStep& s) {
    float* gates = gates_ ? gates_ + static_cast<std::size_t>(s.t) * BH_ * 3 : nullptr;  // [B, 3H]
    float* extra = extra_ + (a_.workspace ? static_cast<std::size_t>(s.t) * BH_ : 0);     // [B, H]
    kernels_.gru_forward({inputs_.at(s.t), w_rz_.get(), w_n_.get(), s.hm, s.h_prev, s.b0, s.b1,
                          a_.H, gates, a_.workspace != nullptr, extra,
                          a_.reset_after && a_.b_hh ? a_.b_hh + 2 * a_.H : nullptr, s.y_t, a_.reset_after,
                          a_.activation, a_.recurrent_activation});
  }

 private:
  const GruForward& a_;
  const StepKernels& kernels_;
  std::size_t BH_;
  InputPath path_;                // fused, projected up front, or ahead (input_path)
  float* gates_;                  // [T, B, 3H] the projections, then the activated gates (the workspace
                                  //   or the slot's scratch); fused: the workspace or null
  std::vector<float> extra_own_;  // [B, H] extra of the step without a workspace
  float* extra_;                  // [T, B, H] (workspace) or [B, H]: see gru.h
  StepInputSource inputs_;        // W_ih packed and the folded bias, or the projections in gates_
  std::shared_ptr<const PackedGates> w_rz_;  // W_hh [3H, H] (reset_after) or its r, z rows [2H, H]
  std::shared_ptr<const PackedGates> w_n_;   // W_hn [H, H] (reset before), else null
};

}  // namespace

void gru_forward(const GruForward& a, KernelContext& context) { forward_sequence<GruForwardCell>(a, context); }

}  // namespace rnn
