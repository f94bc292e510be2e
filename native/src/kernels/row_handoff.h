// The recurrence's batch split, with hand-offs: each row block runs its own time loop (forward or
// backward), and a thread whose block is done takes the upper half of the rows another block has
// left, from that block's next step on. So the call ends when the work ends, not when the slower
// vCPU's block ends: on a 2-vCPU Zen 3 the two blocks of a medium LSTM inference call ended a median
// 259 µs (mean 515 µs) apart on a ~5.2 ms loop, the vCPUs' speeds moving from moment to moment
// (native/README.md, "Row hand-offs").
//
// A row's result does not depend on which rows share its step kernel call (the micro-kernels, the
// forward's gate_product and the backward's column_product, compute each row alone, in the same
// order, and every other per-step pass is per row), so a hand-off changes no bit: a call gives the
// same results whether or when its rows moved (test/native/row-handoff.test.ts forces hand-offs in
// both loops and compares).
//
// The protocol, per lane (one per row block; a thread that took rows runs them in its own lane, which
// others may then take from in turn): a thief asks by moving the lane's request from idle to asked
// and spins. Before each step the owner answers: it moves asked to answering (from then on the thief
// waits for it), shrinks its rows, publishes what it gives (begin row, first step, end row; or
// nothing, too little left) and moves to answered; the thief reads the answer and moves back to idle.
// An owner whose loop ends marks the lane not running, then answers a pending request with nothing;
// a thief that finds its request pending on a lane not running withdraws it (asked to idle), unless
// the owner took it first. So no thief waits on a lane whose owner has left, no rows are given to a
// thief that withdrew, and an owner never waits on a thief.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace rnn {

class RowLane {
 public:
  // Rows [begin(), end()) from step first_step() on. Steps count 0, 1, … T − 1 in the order the
  // loop runs them (the backward loop's step s is time T − 1 − s, or s when reversed).
  int begin() const { return b0_; }
  int end() const { return b1_; }
  int first_step() const { return s0_; }

  // Before step s of the owner's loop: answers a thief, which may take rows [m, end()) from step s
  // on (end() shrinks to m).
  void before_step(int s) {
    if (delay_micros_ > 0 && s > s0_) sleep_for_tests();
    left_.store(static_cast<long long>(b1_ - b0_) * (T_ - s), std::memory_order_relaxed);
    if (request_.load(std::memory_order_acquire) == kAsked) answer(s);
  }

 private:
  friend class RowHandoffs;
  static constexpr int kIdle = 0, kAsked = 1, kAnswering = 2, kAnswered = 3;

  void start(int b0, int b1, int s0, int T);
  void answer(int s);
  void stop();  // the owner's loop ended: idle, a pending request answered with nothing
  void sleep_for_tests() const;

  int b0_ = 0, b1_ = 0, s0_ = 0, T_ = 0;  // the owner's
  int delay_micros_ = 0;                   // set_row_handoffs_for_tests
  std::atomic<int> request_{kIdle};
  std::atomic<std::uint64_t> offer_{0};   // the answer: begin, first step, end (end 0: nothing)
  std::atomic<long long> left_{0};        // rows × steps still to run, for thieves choosing a lane
  std::atomic<bool> running_{false};
};

// The loops that hand rows off, counted apart.
enum class RowLoop { kForward, kBackward };

// Hand-offs in `loop` since load (the addon's rowHandoffs(): tests check that rows moved in each).
long long row_handoff_count(RowLoop loop);

// Tests only: whether threads take rows from each other (else each block runs its rows alone, as
// fixed blocks), and a delay: every row block but the first sleeps `slow_block_micros` µs before
// each of its steps but the first (0: none), so that the first block's thread ends early and takes
// rows from the others.
void set_row_handoffs_for_tests(bool enabled, int slow_block_micros);

// Rows [0, B) of a T-step loop in row blocks (row_block_count: `loop_macs`, the per-step GEMMs'
// multiply-adds over all steps, sizes the split), with hand-offs: run(lane) runs the lane's rows
// [begin(), end()) from its first step, calling lane.before_step(s) before each step s and reading
// lane.end() after it (rows past it are no longer the lane's).
void for_row_blocks(RowLoop loop, int B, int T, long long loop_macs, const std::function<void(RowLane&)>& run);

}  // namespace rnn
