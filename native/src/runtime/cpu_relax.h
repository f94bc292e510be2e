// One pause of a spin-wait loop: tells the core this thread is spinning (cheaper for its sibling
// and its power budget), nothing elsewhere. Shared by every spin in the scheduler.
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace rnn {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

}  // namespace rnn
