// How the kernels split their work over the scheduler's threads (src/runtime/kernel_scheduler.h).
//
// Every split is fixed by the call's SplitPolicy (the thread count and the thresholds when the call
// started, src/runtime/split_policy.h) and by the problem's shape, never by how many threads happen
// to be free: a block runs the same code on whichever thread takes it, so results are bit-identical
// at a fixed thread count, whatever else runs at the same time. The call's own thread takes blocks
// too, so a split never waits for a thread to become free; inside a block nothing splits again.
// (The recurrence's row hand-offs, row_handoff.h, move rows between blocks by timing; a row's bits
// do not depend on its block.)
#pragma once

#include <functional>

namespace rnn {

// [begin, end) of one block.
struct BlockRange {
  int begin;
  int end;
};

// How many blocks `units` independent units with `work` in total split into under the current
// policy: min(width, units, work / min_work_per_block), at least 1.
int block_count(int units, long long work, long long min_work_per_block);

// How many row blocks the recurrence's batch of B rows splits into under the current policy:
// block_count over B / row_block_min_rows units, so that each block gets at least that many rows.
int row_block_count(int B, long long loop_macs);

// Block k of `blocks` near-equal blocks over n units. With align > 1 (and n ≥ blocks · align) the
// cuts fall on multiples of align (the last block takes the rest).
BlockRange block_range(int n, int blocks, int k, int align = 1);

// Runs body(k) for k in [0, blocks): on this thread and on idle executor threads. Returns when all
// ran, rethrowing the first exception. One block runs here, directly.
void parallel_blocks(int blocks, const std::function<void(int)>& body);

// A pointwise pass over n units of `floats_per_unit` floats each: body(begin, end) per block.
void for_pointwise_blocks(int n, long long floats_per_unit, const std::function<void(int begin, int end)>& body);

// Inference forward calls of up to this many rows (at least 2) compute each row alone, one row a
// thread (sequence_driver.h): min(3, the current policy's width); 1 when they do not.
int lone_rows_max();

// Whether such a call's rows (T steps of `step_macs` multiply-adds each) each get a thread of their
// own: a row's work, its multiply-adds plus a step's fixed cost in multiply-adds for every step,
// reaches the current policy's lone_row_macs. Else the call's thread runs them one after another.
bool lone_rows_split(int T, long long step_macs);

// The current policy's GEMM block threshold (M·N·K per block).
long long gemm_block_macs();

}  // namespace rnn
