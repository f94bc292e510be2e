// The recurrent step kernels: our own micro-kernels over W_hh packed once per call
// (packed_weights.h), with each cell's gate pass fused into the forward product's epilogue.
// One source (micro_kernel.inl, step_epilogues.inl) is compiled once per CPU level
// (step_kernels_<level>.cc); a call takes the table of the level active when it starts.
#pragma once

#include "activations.h"
#include "cpu_level.h"
#include "packed_weights.h"

namespace rnn {

// One LSTM forward step for batch rows [b0, b1): gates += hm · W_hhᵀ, then the gate pass
// (equations in lstm.h) per tile while the sums are in L1.
struct LstmStep {
  const PackedGates* w;  // W_hh, 4 gates
  const float* hm;       // [B, H] h as it enters W_hh
  int b0, b1, H;
  float* gates;          // [B, 4H] the step's input projections (b_hh folded in); activated gates out
  bool store_gates;      //   … when true (training: backward reads them), else left as they came
  const float* c_prev;   // [B, H]
  float* c_new;          // [B, H]
  float* y;              // [B, H] h'
  const float* peephole;  // [3H] i, f, o or null
  Activation act, rec;
};

// One GRU forward step for rows [b0, b1) (equations in gru.h). reset_after: one product over all
// three gates (w_rz covers r, z, n). Reset before: w_rz covers r, z; extra = r ⊙ hm; then w_n
// multiplies extra.
struct GruStep {
  const PackedGates* w_rz;  // W_hh (reset_after: 3 gates) or its r, z rows (2 gates)
  const PackedGates* w_n;   // W_hn (reset before), else null
  const float* hm;          // [B, H]
  const float* h_prev;      // [B, H]
  int b0, b1, H;
  float* gates;         // [B, 3H] projections in; activated r, z, n out when store_gates (r, z always
  bool store_gates;     //   with reset before: the second product's pass reads z)
  float* extra;         // [B, H] W_hn hm + b_hn (reset_after, written when store_gates) or r ⊙ hm
  const float* b_hn;    // [H] (reset_after) or null
  float* y;             // [B, H]
  bool reset_after;
  Activation act, rec;
};

// One SimpleRNN forward step for rows [b0, b1): y = act(y + hm · W_hhᵀ), y holding the projection.
struct RnnStep {
  const PackedGates* w;  // W_hh, 1 gate
  const float* hm;       // [B, H]
  int b0, b1, H;
  float* y;              // [B, H]
  Activation act;
};

// c = a · W[k0 .. k1) for rows [b0, b1): a [B, lda] (column j multiplies W row k0 + j), c [B, ldc],
// W packed by PackedColumns. The backward's dGates · W_hh.
struct ColumnProduct {
  const PackedColumns* w;
  int k0, k1;
  const float* a;
  int lda;
  int b0, b1;
  float* c;
  int ldc;
};

struct StepKernels {
  CpuLevel level;
  int panel_width;  // floats in a packed panel row: two vectors of this level
  void (*lstm_forward)(const LstmStep&);
  void (*gru_forward)(const GruStep&);
  void (*rnn_forward)(const RnnStep&);
  void (*column_product)(const ColumnProduct&);
};

// The kernels of `level` (the active level by default: read once per call).
const StepKernels& step_kernels(CpuLevel level = active_cpu_level());

}  // namespace rnn
