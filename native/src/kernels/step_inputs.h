// Where a forward call's steps get their input pre-activations x_t · W_ihᵀ + bias (StepInputs,
// step_kernels.h). Either each step computes them inside its step kernel, tile by tile, with W_ih
// packed once for the call (fused: the [T, B, G·H] projections are never written to memory nor read
// back a step later, and the call has one parallel region, its row blocks, instead of three); or
// one input GEMM over all steps fills a buffer beforehand, which the steps read; or, for a lone row
// (B = 1), the steps themselves fill that buffer a block of steps ahead, inside their recurrent
// products (ahead: ProjectionAhead).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "kernel_args.generated.h"
#include "constant_weights.h"
#include "kernel_context.h"
#include "packed_weights.h"
#include "step_kernels.h"

namespace rnn {

// Whether the steps of a forward call with G gate blocks, run by `kernels`, should compute their own
// inputs: only when every row block has enough rows to reuse each W_ih panel it loads (a lone row
// would re-read all of W_ih every step, where the up-front GEMM reads it once for all steps), and
// when W_ih and W_hh packed are at most the level's limit (StepKernels::fused_input_max_bytes).
// Both limits are measured crossovers (native/README.md, "Fused input product"). It depends on the
// shape, the thread count and the CPU level only, so a call's results stay the same run after run.
bool fuse_inputs(const RecurrentForward& a, int G, const StepKernels& kernels);

enum class InputPath { Fused, Projected, Ahead };

// The path of a forward call with G gate blocks: fused where the cell allows it (`may_fuse`: not the
// GRU with reset before, whose second product's pass reads z back) and fuse_inputs says so; else
// ahead for a lone row where the cell's lone row runs through one_row_product (`may_run_ahead`:
// LSTM, GRU with reset-after) and the level has it (StepKernels::project_block); else projected.
// Like fuse_inputs, it depends on the shape and the CPU level only.
InputPath input_path(const RecurrentForward& a, int G, const StepKernels& kernels, bool may_fuse, bool may_run_ahead);

// Forward calls since load by input path (the addon's inputPathCounts(): tests check that every path
// runs).
struct InputPathCounts {
  long long fused = 0, projected = 0, ahead = 0;
};
InputPathCounts input_path_counts();

class StepInputSource {
 public:
  // G gate blocks; b_hh folds into the first fold_cols bias columns (as in project_inputs). Not
  // fused, the projections go to `buffer` ([T, B, G·H]). `held_w_ih`: a.w_ih's held buffer, or null.
  StepInputSource(const RecurrentForward& a, int G, int fold_cols, const StepKernels& kernels, InputPath path,
                  float* buffer, ConstantWeights* held_w_ih);
  StepInputSource(const StepInputSource&) = delete;  // ahead_ points into this object
  StepInputSource& operator=(const StepInputSource&) = delete;

  // The inputs of the step at time index t.
  StepInputs at(int t) const;

 private:
  const RecurrentForward& a_;
  int GH_;
  InputPath path_;
  float* buffer_;             // [T, B, G·H] projections (not fused), else null
  std::shared_ptr<const PackedGates> w_ih_;  // W_ih [G·H, I] packed (fused, ahead; held: shared), else null
  std::vector<float> bias_;   // [G·H] b_ih + b_hh where it folds (fused, ahead; empty without biases)
  std::vector<float> zeros_;  // [I] the input rows past the last step (ahead)
  ProjectionAhead ahead_;     // ahead: what the steps compute, else unused
};

}  // namespace rnn
