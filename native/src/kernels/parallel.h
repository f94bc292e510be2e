// Batch-parallel recurrence on 2 cores. The rows of a batch are independent through the whole
// time loop, so a kernel can run the loop for rows [0, B/2) on a persistent worker thread and for
// [B/2, B) on the calling thread, each with single-threaded BLAS, with no per-step synchronisation.
// The big all-steps GEMMs (input projection, dW, dX) stay outside and use OpenBLAS's own threads.
#pragma once

#include <functional>

namespace rnn {

// True when a time loop over B rows with `loop_macs` multiply-adds in its per-step GEMMs (summed
// over all steps) should be split: B ≥ 2, BLAS threads ≥ 2, and loop_macs ≥ the threshold
// (RNN_SPLIT_MIN_MACS in the environment at load overrides the default; 0 splits every B ≥ 2).
bool should_split_rows(int B, long long loop_macs);

// Runs rows(b0, b1) over [0, B): split in two halves (the first on the worker thread, the second
// on the caller) when `split`, else rows(0, B) on the caller. Inside a split, sgemm stays on one
// OpenBLAS thread. An exception thrown by either half is rethrown here after both halves finished.
void for_row_halves(int B, bool split, const std::function<void(int b0, int b1)>& rows);

// Runs on_worker on the worker thread and on_caller on this one, at once, with OpenBLAS on one
// thread; returns when both finished (rethrowing the first exception, if any).
void run_pair(const std::function<void()>& on_worker, const std::function<void()>& on_caller);

// True while a split region runs (sgemm must then not change OpenBLAS's thread count).
bool in_split_region();

}  // namespace rnn
