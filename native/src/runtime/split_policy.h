// How far a kernel call may split its work: the thread count and the size thresholds below which a
// piece of work stays on one thread. A call takes the process's policy once, when it starts, and
// every split it makes follows from that policy and the problem's shape alone, never from how many
// threads happen to be free: its results are the same bit for bit at a fixed thread count, whatever
// else runs beside it (and a setNumThreads meanwhile changes only later calls).
#pragma once

namespace rnn {

struct SplitPolicy {
  // Blocks a split may have: the thread count in force when the call started (1 inside a block).
  int width = 1;
  // Recurrence row blocks: at least this many per-step-GEMM multiply-adds each, over all steps.
  long long row_block_macs = 0;
  // GEMM blocks (rows or columns of C): at least this many multiply-adds (M·N·K) each.
  long long gemm_block_macs = 0;
  // Blocks of a pointwise pass (bias sums, gathers, copies): at least this many floats each.
  long long pointwise_block_floats = 0;
};

// The process's policy: width = the thread count, thresholds = the measured defaults (see the bench
// README, "Native constants") unless changed.
SplitPolicy process_policy();

// Sets the process's thread count (≥ 1); returns it.
int set_process_width(int width);

// Replaces the process's thresholds (each ≥ 0; 0 splits everything the width and shape allow).
void set_process_thresholds(long long row_block_macs, long long gemm_block_macs, long long pointwise_block_floats);

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
