// The recurrent step kernels: our own micro-kernels over W_hh packed once per call
// (packed_weights.h), with each cell's gate pass fused into the forward product's epilogue.
// One source (micro_kernel.inl, step_epilogues.inl) is compiled once per CPU level
// (step_kernels_<level>.cc); a call takes the table of the level active when it starts.
#pragma once

#include "activations.h"
#include "cpu_level.h"
#include "packed_weights.h"

namespace rnn {

// The input product of a one-row call (B = 1) computed ahead, a piece at a time inside the steps'
// recurrent products: a lone row's step streams all of W_hh from the cache and leaves the FMA units
// half idle, so the input product's FMAs fit into those gaps. Steps go in blocks of kBlock (in
// processing order); while a block runs, each of its (step, tile) products also computes one unit of
// the next block's projections: kBlock rows × one tile of one gate of W_ih (one_row_product in
// micro_kernel.inl, so for the cells whose lone row runs through it: LSTM, GRU with reset-after).
// The first block's units run before the first step (StepKernels::project_block).
struct ProjectionAhead {
  static constexpr int kBlock = 6;  // steps per block; at least the gates of W_ih, so a block's
                                    //   (step, tile) products outnumber the next block's units
  const PackedGates* w_ih = nullptr;  // W_ih [G·H, I] packed
  const float* bias = nullptr;        // [G·H] b_ih with b_hh folded where it folds, or null
  const float* x = nullptr;           // [T, I] the call's inputs (B = 1)
  const float* zeros = nullptr;       // [I] stands in for the rows past the last step
  float* rows = nullptr;              // [T, G·H] the projections, gate blocks H apart
  int T = 0;
  bool reverse = false;
};

// A step's input pre-activations x_t · W_ihᵀ + bias, gate blocks H apart: computed inside the step
// kernel, tile by tile, when w_ih is set (the fused input product: nothing is written to memory);
// else read from `rows`, which the input GEMM filled for every step beforehand, or which the steps
// before this one filled (ahead: the projections of later steps are computed in this step too).
struct StepInputs {
  const PackedGates* w_ih = nullptr;  // W_ih [G·H, I] packed, or null
  const float* x = nullptr;           // [B, ldx] the step's inputs (fused)
  int ldx = 0;
  const float* bias = nullptr;        // [G·H] b_ih with b_hh folded where it folds, or null (fused)
  const float* rows = nullptr;        // [B, ld] the projections, bias included (not fused)
  std::size_t ld = 0;
  const ProjectionAhead* ahead = nullptr;  // B = 1: later steps' projections to compute, or null
  int step = 0;                            // this step's index in processing order (ahead)
};

// One LSTM forward step for batch rows [b0, b1): the inputs' pre-activations plus hm · W_hhᵀ, then
// the gate pass (equations in lstm.h) per tile while the sums are in L1.
struct LstmStep {
  StepInputs in;
  const PackedGates* w;  // W_hh, 4 gates
  const float* hm;       // [B, H] h as it enters W_hh
  int b0, b1, H;
  float* gates;          // [B, 4H] the activated gates, written when store_gates (training: backward
  bool store_gates;      //   reads them)
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
  StepInputs in;            // fused only with reset_after: reset before reads z back from gates
  const PackedGates* w_rz;  // W_hh (reset_after: 3 gates) or its r, z rows (2 gates)
  const PackedGates* w_n;   // W_hn (reset before), else null
  const float* hm;          // [B, H]
  const float* h_prev;      // [B, H]
  int b0, b1, H;
  float* gates;         // [B, 3H] activated r, z, n out when store_gates (r, z always with reset
  bool store_gates;     //   before, where gates is also in.rows: the second product's pass reads z)
  float* extra;         // [B, H] W_hn hm + b_hn (reset_after, written when store_gates) or r ⊙ hm
  const float* b_hn;    // [H] (reset_after) or null
  float* y;             // [B, H]
  bool reset_after;
  Activation act, rec;
};

// One SimpleRNN forward step for rows [b0, b1): y = act(inputs + hm · W_hhᵀ).
struct RnnStep {
  StepInputs in;
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
  // Packed W_ih + W_hh, in bytes, up to which forward steps compute their own input product
  // (step_inputs.h); a measured crossover of this level.
  long long fused_input_max_bytes;
  void (*lstm_forward)(const LstmStep&);
  void (*gru_forward)(const GruStep&);
  void (*rnn_forward)(const RnnStep&);
  void (*column_product)(const ColumnProduct&);
  // Every unit of block `block` of a ProjectionAhead, before the steps that overlap the rest; null
  // where the level has too few vector registers to carry a unit beside a row's product.
  void (*project_block)(const ProjectionAhead&, int block);
};

// The kernels of `level` (the active level by default: read once per call).
const StepKernels& step_kernels(CpuLevel level = active_cpu_level());

}  // namespace rnn
