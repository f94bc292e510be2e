// Spin-waiting, shared by every spin in the scheduler: one pause of a spin-wait loop (tells the core
// this thread is spinning, cheaper for its sibling and its power budget), and a spin bounded in time.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace rnn {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Spins until done() or until `limit` has passed; whether done() held. done() is checked at every
// pause, the clock every `pauses` pauses (bounded in time, not in pauses: a pause's length differs
// widely between CPUs). With `yield`, the thread offers its core to any thread that wants it after
// each round of pauses.
template <class Done>
bool spin_until(const Done& done, std::chrono::microseconds limit, int pauses, bool yield) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    for (int i = 0; i < pauses && !done(); ++i) cpu_relax();
    if (yield) std::this_thread::yield();
  }
  return true;
}

// Takes `lock`'s mutex, trying for a moment before sleeping on it. The scheduler's critical
// sections last well under a µs, but they meet: an executor that sees a split posted reaches for
// the lock while the opener still holds it, and the rows of a batch end together. A plain lock()
// that finds the mutex held sleeps in the kernel and its holder's unlock makes a system call to
// wake it. Two callers served for 3 s (GRU, one sequence each, a batch every ~0.15 ms): the JS
// thread slept on this lock 5567 times and the process made 23071 futex calls; trying first, 156
// and 4683 (throughput the same within the 2-core VM's noise). Bounded, so that a holder preempted
// on its core is not waited for by spinning: 64 tries, each with a pause (~1.4 µs of pauses at the
// ~21 ns a pause took on Zen 4: 512 in ~11 µs, kernel_scheduler_blocks.cc).
template <class Lock>
void lock_spinning_first(Lock& lock) {
  for (int i = 0; i < 64; ++i) {
    if (lock.try_lock()) return;
    cpu_relax();
  }
  lock.lock();
}

// `mutex` locked as by lock_spinning_first.
inline std::unique_lock<std::mutex> lock_spinning_first(std::mutex& mutex) {
  std::unique_lock<std::mutex> lock(mutex, std::defer_lock);
  lock_spinning_first(lock);
  return lock;
}

}  // namespace rnn
