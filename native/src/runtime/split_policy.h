// How far a kernel call may split its work: the split width and the size thresholds below which a
// piece of work stays on one thread. A call takes the process's policy once, when it starts, and
// every split it makes follows from that policy and the problem's shape alone, never from how many
// threads happen to be free: its results are the same bit for bit at a fixed thread count on a given
// machine, whatever else runs beside it (and a setNumThreads meanwhile changes only later calls).
//
// The width is min(thread count, CPUs), the CPUs being those this process may run on, counted once
// when the addon loads (its affinity mask). Pool threads beyond the CPUs serve calls that run at
// the same time; they never split one call finer than the CPUs can run at once, since such blocks
// only take turns on the cores (each with smaller row tiles and its own pass over W_hh). The thread
// tests lift the cap (split_beyond_cpus) to exercise wide splits on a small machine.
#pragma once

namespace rnn {

struct SplitPolicy {
  // Blocks a split may have: min(thread count, CPUs) when the call started, the thread count when
  // the cap is lifted; 1 inside a block.
  int width = 1;
  // Recurrence row blocks: at least this many per-step-GEMM multiply-adds each, over all steps,
  // and at least this many batch rows each.
  long long row_block_macs = 0;
  int row_block_min_rows = 1;
  // Rows computed alone (an inference call of 2 to lone_rows_max() rows: forward_rows_alone): each
  // row gets a block of its own only when one row's work reaches this (its multiply-adds, input and
  // recurrent, plus a fixed cost a step: lone_rows_split in kernels/parallel.h); below, the rows
  // run one after another on the calling thread, each still computed as the one-row call on it.
  long long lone_row_macs = 0;
  // GEMM blocks (rows or columns of C): at least this many multiply-adds (M·N·K) each.
  long long gemm_block_macs = 0;
  // Blocks of a pointwise pass (bias sums, gathers, copies): at least this many floats each.
  long long pointwise_block_floats = 0;
};

// The process's policy: width = min(thread count, CPUs) (the thread count while the cap is lifted),
// thresholds = the measured defaults (see the bench README, "Native constants") unless changed.
SplitPolicy process_policy();

// Sets the process's thread count (≥ 1); returns it.
int set_process_threads(int threads);
int process_threads();

// Sets how many CPUs a split may spread over (≥ 1; the addon counts them once, at load).
void set_process_cpus(int cpus);
int process_cpus();

// Replaces the process's thresholds (each ≥ 0; 0 splits everything the width and shape allow;
// row_block_min_rows ≥ 1).
void set_process_thresholds(long long row_block_macs, int row_block_min_rows, long long lone_row_macs,
                            long long gemm_block_macs, long long pointwise_block_floats);

// Whether splits may be as wide as the thread count beyond the CPUs (for the thread tests: results
// at a width the machine's CPUs would otherwise cap).
void set_split_beyond_cpus(bool beyond);
bool split_beyond_cpus();

// The policy of the call running on this thread: the one its CallScope took, width 1 while this
// thread runs a block of a split, the process's policy outside any call.
SplitPolicy current_policy();

// Fixes this thread's policy for one kernel call (the scheduler opens one around every call).
class CallScope {
 public:
  CallScope();
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  bool had_scope_;
  SplitPolicy saved_;
};

// Marks this thread as running one block of a split: whatever the block splits again runs here,
// in one piece, so a block computes the same on every thread.
class BlockScope {
 public:
  BlockScope();
  ~BlockScope();
  BlockScope(const BlockScope&) = delete;
  BlockScope& operator=(const BlockScope&) = delete;

 private:
  bool was_in_block_;
};

}  // namespace rnn
