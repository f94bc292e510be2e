// The one time-loop skeleton of the recurrent kernels (the idea of ATen's FullLayer<Cell>): the
// driver owns step order and direction, the batch-row split over threads, the state each step
// starts from, the recurrent-dropout product m ⊙ h, padding carry, dy accumulation, the running
// state gradients and the final states; a cell family supplies only its step math (LstmCell,
// GruCell, RnnCell in lstm.cc, gru.cc, simple_rnn.cc).
//
// A forward cell type derives from CellShape (kGates, kCellState) and provides
//   using Args = …;                   its argument struct (RecurrentForward + the cell's fields)
//   Cell(const Args&, KernelContext&)  the input projection and per-call buffers
//   void step(const ForwardStep&)      rows [b0, b1) of one step: y_t (and c_new) from h_prev (and c_prev)
// A backward cell type derives from CellShape (also kDirectPath) and provides
//   using Args;
//   static std::size_t scratch_floats(const Args&)   its own per-call scratch (PlainBackwardCell: none)
//   Cell(const Args&, float* scratch)
//   void clear_row(int t, int b)       zero its own per-step gradients of a padded row (PlainBackwardCell: none)
//   void step(const BackwardStep&)     the gate gradients of the live rows, and what flows to h_{t-1}
//   void weight_gradients(const float* dgates, const float* hprev)   dW_hh and the biases, after the loop
//
// Every buffer the steps see is full-batch [B, ·]; the row blocks of a split touch disjoint rows.
#pragma once

#include <cstddef>
#include <cstring>
#include <vector>

#include "kernel_context.h"
#include "parallel.h"
#include "recurrent_common.h"
#include "row_handoff.h"

namespace rnn {

// The constants a cell gives the driver: G gate blocks, whether it carries a cell state c besides
// h, whether dL/dh_{t-1} has a part outside W_hh. Cells derive from it.
template <int G, bool CellState, bool DirectPath = false>
struct CellShape {
  static constexpr int kGates = G;
  static constexpr bool kCellState = CellState;
  static constexpr bool kDirectPath = DirectPath;
};

// What a backward cell without scratch or per-step gradients of its own declares (it derives from
// this and hides what it has).
template <class A>
struct PlainBackwardCell {
  static std::size_t scratch_floats(const A&) { return 0; }
  void clear_row(int, int) {}
};

// Floats gate_buffer takes from the slot's scratch: [T, B, G·H] in inference, none in training.
inline std::size_t gate_scratch_floats(const RecurrentForward& a, int G) {
  return a.workspace ? 0 : static_cast<std::size_t>(a.T) * a.B * G * a.H;
}

// The forward gates [T, B, G·H]: the workspace's (training) or the slot's scratch (inference).
inline float* gate_buffer(const RecurrentForward& a, KernelContext& context, int G) {
  return a.workspace ? a.workspace : context.scratch.floats(gate_scratch_floats(a, G));
}

// One forward step for batch rows [b0, b1).
struct ForwardStep {
  int t;               // time index of the step
  int b0, b1;
  const float* h_prev;  // [B, H] state the step starts from
  const float* hm;      // [B, H] h_prev as it enters W_hh (m ⊙ h_prev with a recurrent mask; rows b0..b1)
  const float* c_prev;  // [B, H] cell state it starts from (cells with kCellState, else null)
  float* c_new;         // [B, H] cell state after it
  float* y_t;           // [B, H] hidden state after it: the output at t
};

// One backward step for batch rows [b0, b1). Padded rows (mask 0) are the driver's: their dgates
// are zero, their dh and dc pass through unchanged, and a cell skips them (live(b) false).
struct BackwardStep {
  int t;
  int b0, b1;
  const float* mask;    // [T, B] or null
  int B;
  const float* h_prev;  // [B, H]
  const float* hm;      // [B, H] as in ForwardStep
  const float* c_prev;  // [B, H] (kCellState)
  const float* c_t;     // [B, H] (kCellState)
  const float* dh;      // [B, H] dL/dh_t, dy_t included
  float* dc;            // [B, H] dL/dc_t in, dL/dc_{t-1} out (kCellState; the cell updates live rows)
  float* dgates;        // [B, G·H] out: pre-activation gate gradients of the live rows
  float* rec;           // [B, H] out: dL/d(m ⊙ h_prev) through the recurrent weights, live rows
  float* direct;        // [B, H] out, or null: dL/dh_prev outside W_hh (GRU's z ⊙ dh), live rows

  bool live(int b) const { return step_counts(mask, t, B, b); }
};

// The cell state c of a forward call: per time index in the workspace (training: backward reads
// it), else two alternating [B, H] buffers. at(s) is the state after processing step s.
class CellStates {
 public:
  CellStates(float* per_time, std::size_t BH, int T, bool reverse)
      : per_time_(per_time), ping_pong_(per_time ? 0 : 2 * BH), BH_(BH), T_(T), reverse_(reverse) {}
  float* at(int s) {
    return per_time_ ? per_time_ + static_cast<std::size_t>(time_of_step(s, T_, reverse_)) * BH_
                     : ping_pong_.data() + static_cast<std::size_t>(s % 2) * BH_;
  }

 private:
  float* per_time_;
  std::vector<float> ping_pong_;  // [2, B, H]
  std::size_t BH_;
  int T_;
  bool reverse_;
};

// Inference calls of 2 to lone_rows_max() rows (parallel.h: up to 3, while each row gets a thread of
// its own) run each row as the B = 1 call on it (forward_rows_alone), one row a thread (rows of a few
// µs one after another on the call's thread: parallel.h's lone_rows_split). A lone row's
// step streams W_hh from the cache and leaves the FMA units idle enough to compute later steps'
// input projections inside its product (ProjectionAhead), so two rows on two threads take about one
// row's time, where one block of two rows projected its inputs with a GEMM first and took 1.5–1.9×
// as long (native/README.md, "Few rows"). On one thread the block is faster, so it stays. A row's
// result is then the same bits whether it came alone or with others, which lets a Predictor batch
// concurrent one-row calls (core's model/call-batcher.ts).
template <class Cell>
void forward_sequence(const typename Cell::Args& a, KernelContext& context);

// Row b of an inference call as the B = 1 call on its own inputs and states: x (unless batch-first,
// where the row's steps are contiguous already) and the mask gathered into (and y, when the call
// wants it, scattered from) contiguous buffers in `memory` (x [T, I], y [T, H], mask [T], then
// `gates` floats of gate buffer for the row's own Scratch). The row writes its own y, not its rows
// of the call's in place: a build that did (each step's H floats B·H apart) served two callers at
// 0.88× the throughput on an AMD EPYC Zen 5; our reading: two rows' steps share the cache lines at
// their ends unless y is aligned to them, and the two threads pulled those back and forth every
// step. A call without y (a.y null) skips the scatter.
template <class Cell>
void forward_row_alone(const typename Cell::Args& a, KernelContext& context, float* memory, std::size_t gates, int b) {
  const int T = a.T, B = a.B, I = a.I, H = a.H;
  float* x = memory;
  float* y = x + static_cast<std::size_t>(T) * I;
  float* mask = y + static_cast<std::size_t>(T) * H;
  Scratch scratch(mask + T, gates);
  KernelContext row_context{scratch, context.stop, context.held};
  for (int t = 0; t < T; ++t) {
    if (!a.batch_first) std::memcpy(x + static_cast<std::size_t>(t) * I, a.x + (static_cast<std::size_t>(t) * B + b) * I, I * sizeof(float));
    if (a.mask) mask[t] = a.mask[static_cast<std::size_t>(t) * B + b];
  }
  typename Cell::Args row = a;
  row.B = 1;
  row.x = a.batch_first ? a.x + static_cast<std::size_t>(b) * T * I : x;
  row.batch_first = false;
  row.y = y;
  row.mask = a.mask ? mask : nullptr;
  row.h0 = a.h0 ? a.h0 + static_cast<std::size_t>(b) * H : nullptr;
  row.h_t = a.h_t + static_cast<std::size_t>(b) * H;
  row.recurrent_mask = a.recurrent_mask ? a.recurrent_mask + static_cast<std::size_t>(b) * H : nullptr;
  if constexpr (Cell::kCellState) {
    row.c0 = a.c0 ? a.c0 + static_cast<std::size_t>(b) * H : nullptr;
    row.c_t = a.c_t + static_cast<std::size_t>(b) * H;
  }
  forward_sequence<Cell>(row, row_context);
  if (a.y == nullptr || context.stop_requested()) return;
  for (int t = 0; t < T; ++t) {
    std::memcpy(a.y + (static_cast<std::size_t>(t) * B + b) * H, y + static_cast<std::size_t>(t) * H, H * sizeof(float));
  }
}

// Every row of an inference call as the B = 1 call on it (forward_row_alone), a thread a row, unless
// one row is too small to pay for handing it to another thread (SplitPolicy::lone_row_macs): then
// this thread runs the rows one after another, each still computed as the one-row call.
template <class Cell>
void forward_rows_alone(const typename Cell::Args& a, KernelContext& context) {
  const int T = a.T, B = a.B, I = a.I, H = a.H;
  // Per row, from the call's scratch: x [T, I], y [T, H], mask [T], then its gate buffer [T, G·H].
  const std::size_t gates = static_cast<std::size_t>(T) * Cell::kGates * H;
  const std::size_t per_row = static_cast<std::size_t>(T) * (I + H + 1) + gates;
  float* memory = context.scratch.floats(per_row * B);
  if (!lone_rows_split(T, static_cast<long long>(Cell::kGates) * H * (I + H))) {
    for (int b = 0; b < B && !context.stop_requested(); ++b) forward_row_alone<Cell>(a, context, memory + per_row * b, gates, b);
    return;
  }
  parallel_blocks(B, [&](int b) { forward_row_alone<Cell>(a, context, memory + per_row * b, gates, b); });
}

// A forward call that wants no y (a.y null: only the final states) as the call with a y [T, B, H]
// in the slot's scratch, ahead of the cell's gate buffer, which the cell then takes from a Scratch
// over the rest.
template <class Cell>
void forward_without_y(const typename Cell::Args& a, KernelContext& context) {
  const std::size_t TBH = static_cast<std::size_t>(a.T) * a.B * a.H;
  const std::size_t gates = gate_scratch_floats(a, Cell::kGates);
  float* memory = context.scratch.floats(TBH + gates);
  Scratch rest(memory + TBH, gates);
  KernelContext inner{rest, context.stop, context.held};
  typename Cell::Args full = a;
  full.y = memory;
  forward_sequence<Cell>(full, inner);
}

template <class Cell>
void forward_sequence(const typename Cell::Args& a, KernelContext& context) {
  if (a.workspace == nullptr && a.B > 1 && a.B <= lone_rows_max()) return forward_rows_alone<Cell>(a, context);
  if (a.y == nullptr) return forward_without_y<Cell>(a, context);
  const int T = a.T, B = a.B, H = a.H;
  const int GH = Cell::kGates * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  Cell cell(a, context);
  std::vector<float> zeros(BH, 0.0f);                 // [B, H] for null initial states
  std::vector<float> hm(a.recurrent_mask ? BH : 0);   // [B, H] m ⊙ h_prev
  const float* h0 = a.h0 ? a.h0 : zeros.data();
  const float* c0 = zeros.data();
  float* c_per_time = nullptr;  // [T, B, H] the workspace's tail, after the gates
  if constexpr (Cell::kCellState) {
    if (a.c0) c0 = a.c0;
    if (a.workspace) c_per_time = a.workspace + static_cast<std::size_t>(T) * B * GH;
  }
  CellStates c(c_per_time, Cell::kCellState ? BH : 0, T, a.reverse);

  for_row_blocks(RowLoop::kForward, B, T, static_cast<long long>(T) * B * GH * H, [&](RowLane& lane) {
    const int b0 = lane.begin();
    for (int s = lane.first_step(); s < T && !context.stop_requested(); ++s) {
      lane.before_step(s);
      const int b1 = lane.end();
      const int t = time_of_step(s, T, a.reverse);
      ForwardStep step{t, b0, b1, previous_hidden(a.y, h0, t, T, a.reverse, BH), nullptr, nullptr, nullptr,
                       a.y + static_cast<std::size_t>(t) * BH};
      step.hm = masked_rows(step.h_prev, a.recurrent_mask, hm.data(), b0, b1, H);
      if (Cell::kCellState) {
        step.c_prev = s == 0 ? c0 : c.at(s - 1);
        step.c_new = c.at(s);
      }
      cell.step(step);
      carry_padded_rows(step.y_t, step.h_prev, a.mask, t, B, b0, b1, H);
      if (Cell::kCellState) carry_padded_rows(step.c_new, step.c_prev, a.mask, t, B, b0, b1, H);
    }
  });
  std::memcpy(a.h_t, a.y + static_cast<std::size_t>(time_of_step(T - 1, T, a.reverse)) * BH, BH * sizeof(float));
  if constexpr (Cell::kCellState) std::memcpy(a.c_t, c.at(T - 1), BH * sizeof(float));
}

template <class Cell>
void backward_sequence(const typename Cell::Args& a, KernelContext& context) {
  const int T = a.T, B = a.B, H = a.H;
  const int GH = Cell::kGates * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;
  // One reusable scratch, every element written before it is read: dgates [T, B, G·H], then with a
  // recurrent mask hprev [T, B, H] (m ⊙ h_{t-1} per step, for dW_hh), then the cell's own.
  const std::size_t n_hprev = a.recurrent_mask ? static_cast<std::size_t>(T) * BH : 0;
  float* dgates = context.scratch.floats(static_cast<std::size_t>(T) * BGH + n_hprev + Cell::scratch_floats(a));
  float* hprev = a.recurrent_mask ? dgates + static_cast<std::size_t>(T) * BGH : nullptr;
  Cell cell(a, dgates + static_cast<std::size_t>(T) * BGH + n_hprev);

  std::vector<float> zeros(BH, 0.0f);                    // [B, H] for null initial states
  std::vector<float> dh(BH, 0.0f);                       // [B, H] running dL/dh
  std::vector<float> dc(Cell::kCellState ? BH : 0, 0.0f);  // [B, H] running dL/dc
  std::vector<float> rec(BH);                            // [B, H] the step's recurrent-path gradient
  std::vector<float> direct(Cell::kDirectPath ? BH : 0);  // [B, H] the step's direct-path gradient
  std::vector<float> hm(a.recurrent_mask ? BH : 0);      // [B, H] m ⊙ h_prev
  if (a.dh_t) std::memcpy(dh.data(), a.dh_t, BH * sizeof(float));
  const float* h0 = a.h0 ? a.h0 : zeros.data();
  const float* c0 = zeros.data();
  const float* c_all = nullptr;  // [T, B, H] the forward's cell states, in the workspace after the gates
  if constexpr (Cell::kCellState) {
    if (a.dc_t) std::memcpy(dc.data(), a.dc_t, BH * sizeof(float));
    if (a.c0) c0 = a.c0;
    c_all = a.workspace + static_cast<std::size_t>(T) * BGH;
  }

  // Backward steps run s = T − 1 … 0; the lanes count them 0, 1, … (`done`).
  for_row_blocks(RowLoop::kBackward, B, T, static_cast<long long>(T) * B * GH * H, [&](RowLane& lane) {
    const int b0 = lane.begin();
    for (int done = lane.first_step(); done < T && !context.stop_requested(); ++done) {
      lane.before_step(done);
      const int b1 = lane.end();
      const int s = T - 1 - done;
      const int t = time_of_step(s, T, a.reverse);
      BackwardStep step{t, b0, b1, a.mask, B, previous_hidden(a.y, h0, t, T, a.reverse, BH), nullptr, nullptr,
                        nullptr, dh.data(), dc.data(), dgates + static_cast<std::size_t>(t) * BGH, rec.data(),
                        Cell::kDirectPath ? direct.data() : nullptr};
      step.hm = masked_rows(step.h_prev, a.recurrent_mask, hm.data(), b0, b1, H);
      if (Cell::kCellState) {
        step.c_t = c_all + static_cast<std::size_t>(t) * BH;
        step.c_prev = s == 0 ? c0 : c_all + static_cast<std::size_t>(time_of_step(s - 1, T, a.reverse)) * BH;
      }
      if (a.dy) add_rows(dh.data(), a.dy + static_cast<std::size_t>(t) * BH, b0, b1, H);
      for (int b = b0; b < b1; ++b) {
        if (step.live(b)) continue;
        std::memset(step.dgates + static_cast<std::size_t>(b) * GH, 0, GH * sizeof(float));
        cell.clear_row(t, b);
      }
      cell.step(step);
      combine_hidden_gradient(dh.data(), step.direct, rec.data(), a.recurrent_mask, a.mask, t, B, b0, b1, H);
    }
  });
  if (a.dh0) std::memcpy(a.dh0, dh.data(), BH * sizeof(float));
  if constexpr (Cell::kCellState) {
    if (a.dc0) std::memcpy(a.dc0, dc.data(), BH * sizeof(float));
  }
  if (hprev) gather_previous_hidden(hprev, a, h0);
  cell.weight_gradients(dgates, hprev);
  accumulate_input_side(a, dgates, GH);
}

}  // namespace rnn
