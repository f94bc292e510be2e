// Spin-waiting, shared by every spin in the scheduler: one pause of a spin-wait loop (tells the core
// this thread is spinning, cheaper for its sibling and its power budget), and a spin bounded in time.
#pragma once

#include <chrono>
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

}  // namespace rnn
